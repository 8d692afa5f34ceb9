"""Glossaries: read from CSV, TSV and TBX within their limits, each term kept in the translation
(placeholder or inline form, checked, retried once), what is still missing counted and said, on
the command line, the Python API and the service."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from summarize.core.engines import Engines
from summarize.core.options import Options
from summarize.core.pipeline import Pipeline
from summarize.errors import InputError
from summarize.text.glossary import Term, load, missing, parse_table, parse_tbx, protect, restore
from tests.helpers import mapping_translator

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "noticia-valencia.es.txt"
TERMS = (
    "source,target\n"
    "depósitos de tormenta,storm tanks\n"
    "Ayuntamiento de Valencia,Valencia City Council\n"
    "red de colectores,sewer network\n"
    "Universidad de Valencia,\n"
)

TBX3 = b"""<?xml version="1.0" encoding="UTF-8"?>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">
  <tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <langSec xml:lang="es"><termSec><term>embalse</term></termSec><termSec><term>pantano</term></termSec></langSec>
      <langSec xml:lang="en-GB"><termSec><term>reservoir</term></termSec></langSec>
    </conceptEntry>
    <conceptEntry id="c2">
      <langSec xml:lang="es"><termSec><term>Comunidad   Valenciana</term></termSec></langSec>
      <langSec xml:lang="en"><termSec><term>Valencian Community</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>"""

TBX2 = b"""<?xml version="1.0"?>
<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">
<martif type="TBX" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>t</p></sourceDesc></fileDesc></martifHeader>
<text><body>
  <termEntry id="t1">
    <langSet xml:lang="fr"><tig><term>conseil municipal</term></tig></langSet>
    <langSet xml:lang="en"><ntig><termGrp><term>city council</term></termGrp></ntig></langSet>
  </termEntry>
</body></text></martif>"""


def test_csv_rows_give_terms_languages_case_and_do_not_translate(tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text(TERMS + "Pleno,full council,es,en,nocase\nplan,scheme,es-ES,en_US,case\n", encoding="utf-8")
    terms = {term.source: term for term in load(path).terms}
    assert terms["Universidad de Valencia"].keep and not terms["depósitos de tormenta"].keep
    assert terms["Ayuntamiento de Valencia"].case_sensitive and not terms["red de colectores"].case_sensitive
    assert not terms["Pleno"].case_sensitive and terms["plan"].case_sensitive
    assert (terms["plan"].source_language, terms["plan"].target_language) == ("es", "en")
    french = {term.source for term in load(path).for_pair("fr", "en")}
    assert "Pleno" not in french and "plan" not in french and "red de colectores" in french


def test_tsv_without_a_header_and_a_term_base_in_tbx_3_and_tbx_2(tmp_path):
    tsv = parse_table("embalse\treservoir\nJúcar\t\n", "t.tsv")
    assert [(t.source, t.target) for t in tsv.terms] == [("embalse", "reservoir"), ("Júcar", "Júcar")]
    base = parse_tbx(TBX3, "t.tbx")
    pairs = {(t.source, t.target, t.source_language, t.target_language) for t in base.terms}
    assert ("pantano", "reservoir", "es", "en") in pairs and ("reservoir", "embalse", "en", "es") in pairs
    assert ("Comunidad Valenciana", "Valencian Community", "es", "en") in pairs
    older = parse_tbx(TBX2, "t.tbx")
    assert [(t.source, t.target) for t in older.for_pair("fr", "en")] == [("conseil municipal", "city council")]


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("bad.csv", "embalse,reservoir,es,en,sometimes\n", "case column"),
        ("bad.csv", "source,target\n", "holds no terms"),
        ("bad.csv", ",reservoir\n", "source term is empty"),
        ("bad.csv", "embalse,reservoir,spanish!\n", "not a language code"),
        ("bad.docx", "embalse,reservoir\n", "a glossary is .csv, .tsv or .tbx"),
        ("bad.tbx", "<tbx><text><body><conceptEntry", "not well-formed"),
        ("bad.tbx", '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><tbx>&a;</tbx>', "entities"),
        ("bad.tbx", "<html><p>hello</p></html>", "not a TBX term base"),
    ],
)
def test_a_bad_glossary_is_refused_in_one_line(tmp_path, name, content, said):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=said) as refused:
        Options(glossary=str(path))
    assert "\n" not in str(refused.value)


def test_a_glossary_over_its_limits_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "many.csv"
    path.write_text("".join(f"term{n},word{n}\n" for n in range(50)), encoding="utf-8")
    monkeypatch.setenv("SUMMARIZE_MAX_GLOSSARY_TERMS", "10")
    with pytest.raises(InputError, match="over 10 terms"):
        load(path)
    monkeypatch.setenv("SUMMARIZE_MAX_GLOSSARY_BYTES", "100")
    with pytest.raises(InputError, match="larger than"):
        load(path)


def test_terms_protected_restored_and_found_inflection_aside():
    terms = (Term("depósitos de tormenta", "storm tank"), Term("Júcar", "Júcar", case_sensitive=True))
    text, found = protect("Los depósitos de tormenta del Júcar y del júcar.", terms, "placeholder")
    assert text == "Los ZXQ0 del ZXQ1 y del júcar." and found == list(terms)
    assert restore("The *ZXQ0 of the ZXQ1.", found) == "The storm tank of the Júcar."
    inline, _ = protect("Los depósitos de tormenta del Júcar.", terms, "inline")
    assert inline == "Los storm tank del Júcar."
    assert missing("Three storm tanks of the Júcar.", found, "en") == []
    assert missing("Three storm tanks of the jucar.", found, "en") == [terms[1]]
    assert missing("The tormenta of ZXQ1.", found, "en") == list(terms)


def test_a_term_is_held_word_for_word_or_in_a_regular_inflection_of_the_target_never_as_a_stem():
    keep = [Term("accidente", "accidente"), Term("filatelistas", "filatelistas")]
    assert missing("The accident shocked the filatelists.", keep, "en") == keep
    assert missing("The accidente shocked the filatelistas.", keep, "en") == []
    assert missing("The accidentes shocked them.", keep[:1], "en") == keep[:1]
    assert missing("Two city councils met.", [Term("ayuntamiento", "city council")], "en") == []
    assert missing("Las embalses y los depósitos llenos.", [Term("reservoir", "embalse"), Term("tank", "depósito")], "es") == []
    assert missing("I bacini pieni.", [Term("reservoir", "bacino")], "it") == []
    assert missing("The regulation.", [Term("normas", "regulations")], "en") == [Term("normas", "regulations")]


def _fake(drops_placeholders: bool):
    """A translator that copies its input, dropping every placeholder when told to."""
    import re

    calls = []

    def copy(sentence: str) -> str:
        calls.append(sentence)
        return re.sub(r"ZXQ\d+", "", sentence) if drops_placeholders else sentence

    translator = mapping_translator(copy)
    translator.term_forms = ("placeholder", "inline")
    return translator, calls


def test_a_lost_term_is_retried_in_the_other_form_and_what_is_still_lost_is_counted(tmp_path):
    glossary = parse_table("embalse,reservoir\n", "g.csv")
    translator, calls = _fake(drops_placeholders=True)
    engines = Engines(Options(), given={("translation", "es", "en"): translator})
    result = Pipeline(source="es", engines=engines, glossary=glossary).translate("El embalse está lleno.")
    assert calls == ["El ZXQ0 está lleno.", "El reservoir está lleno."]
    assert result["paragraphs"] == ["El reservoir está lleno."]
    assert result["metadata"]["counts"]["terms_applied"] == 1 and result["metadata"]["counts"]["terms_missed"] == 0

    def loses(sentence: str) -> str:
        return sentence.replace("ZXQ0", "").replace("reservoir", "dam")

    engines = Engines(Options(), given={("translation", "es", "en"): mapping_translator(loses)})
    result = Pipeline(source="es", engines=engines, glossary=glossary).translate("El embalse está lleno.")
    assert result["metadata"]["counts"]["terms_missed"] == 1
    assert result["metadata"]["glossary"]["missed"] == [
        {"source": "embalse", "target": "reservoir", "sentence": "El embalse está lleno."}
    ]
    assert any("1 glossary term(s) missing" in note for note in result["metadata"]["notes"])


def test_a_retry_that_fails_keeps_the_first_translation_with_its_terms_counted_missed():
    from summarize.errors import EngineUnavailableError

    glossary = parse_table("embalse,reservoir\n", "g.csv")
    translator = mapping_translator(lambda sentence: sentence.replace("ZXQ0", "dam").replace("reservoir", "dam"))

    def fails(sentences, source, target, terms):
        raise EngineUnavailableError("llama.cpp failed: failed to parse grammar")

    translator.translate_with_terms = fails
    engines = Engines(Options(), given={("translation", "es", "en"): translator})
    result = Pipeline(source="es", engines=engines, glossary=glossary).translate("El embalse está lleno.")
    assert result["paragraphs"] == ["El dam está lleno."]
    assert result["metadata"]["counts"]["terms_missed"] == 1
    notes = result["metadata"]["notes"]
    assert any("retry failed, first translations kept: llama.cpp failed" in note for note in notes), notes


def test_each_document_of_a_pooled_call_keeps_only_its_own_pieces():
    from types import SimpleNamespace

    from summarize.core.steps import Translating, translate_together

    engines = Engines(Options(), given={("translation", "es", "en"): mapping_translator(str.upper)})
    documents = [["El embalse está lleno."], ["El río crece.", "El embalse está lleno."], ["Llueve."]]
    work = lambda: SimpleNamespace(error=None, note=lambda *said: None, fail=None)  # noqa: E731
    parts = [Translating(work(), [sentences], ["es"]) for sentences in documents]
    done = translate_together(parts, "en", engines)
    assert [translation.target for translation in done] == [[[s.upper() for s in d]] for d in documents]
    assert [set(part.translated) for part in parts] == [set(sentences) for sentences in documents]


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "summarize", *args], capture_output=True, text=True, input=stdin)


@needs_apertium
def test_translate_and_article_keep_the_terms_through_apertium(tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text(TERMS, encoding="utf-8")
    done = _cli("translate", str(EXAMPLE), "--glossary", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    text = "\n".join(result["paragraphs"])
    for term in ("storm tanks", "Valencia City Council", "sewer network", "Universidad de Valencia"):
        assert term in text
    assert "ZXQ" not in text
    assert result["metadata"]["counts"]["terms_applied"] == 4 and result["metadata"]["counts"]["terms_missed"] == 0
    assert result["metadata"]["glossary"] == {"origin": str(path), "terms": 4, "missed": []}
    plain = _cli("translate", str(EXAMPLE), "--format", "json")
    assert "storm tanks" not in plain.stdout and json.loads(plain.stdout)["metadata"]["glossary"] is None
    summary = _cli("article", str(EXAMPLE), "--glossary", str(path), "--length", "long", "--format", "json")
    assert summary.returncode == 0 and json.loads(summary.stdout)["metadata"]["counts"]["terms_applied"] >= 1


def test_a_missing_glossary_file_is_one_line_with_exit_2(tmp_path):
    done = _cli("translate", "--text", "Hola.", "--from", "es", "--glossary", str(tmp_path / "none.csv"))
    assert done.returncode == 2 and "no such file" in done.stderr and "Traceback" not in done.stderr


@needs_apertium
def test_the_service_takes_a_glossary_per_request_and_one_for_the_service(tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from summarize.service.app import create_app
    from summarize.service.settings import Settings

    text = "El Ayuntamiento de Valencia aprobó el plan."
    served = tmp_path / "served.csv"
    served.write_text("plan,scheme\n", encoding="utf-8")
    with TestClient(create_app(Settings(job=Options(glossary=str(served)))), raise_server_exceptions=False) as http:
        aligned = http.post(
            "/translate/aligned", json={"text": text, "glossary": "Ayuntamiento de Valencia,Valencia City Council"}
        )
        libre = http.post("/translate", json={"q": text, "source": "es", "target": "en", "glossary": TERMS})
        alone = http.post("/translate", json={"q": text, "source": "es", "target": "en"})
        wrong = http.post("/translate/aligned", json={"text": text, "glossary": ",nothing"})
    assert aligned.status_code == 200, aligned.text
    assert aligned.json()["paragraphs"] == ["The Valencia City Council approved the scheme."]
    assert aligned.json()["metadata"]["counts"]["terms_applied"] == 2
    assert "Valencia City Council" in libre.json()["translatedText"] and "scheme" in libre.json()["translatedText"]
    assert "scheme" in alone.json()["translatedText"] and "City Council" not in alone.json()["translatedText"]
    assert wrong.status_code == 400 and "source term is empty" in wrong.json()["error"]


@needs_apertium
def test_strict_batch_records_and_service_requests_refuse_what_the_fact_check_finds(tmp_path):
    """A glossary that writes a figure the source lacks gives the fact check something to find."""
    glossary = tmp_path / "terms.csv"
    glossary.write_text("presupuesto,2019 budget\n", encoding="utf-8")
    records = tmp_path / "in.jsonl"
    lines = [{"id": "a", "text": "El Ayuntamiento aprobó el presupuesto."}, {"id": "b", "text": "Los vecinos piden parques."}]
    records.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["batch", str(records), "--task", "translate", "--from", "es", "--out", str(out), "--glossary", str(glossary)]
    done = _cli(*args, "--strict")
    assert done.returncode == 9, done.stderr
    written = {row["id"]: row for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert written["a"]["exit_code"] == 10 and "'2019'" in written["a"]["error"] and "paragraphs" not in written["a"]
    assert written["a"]["fact_check"]["unsupported"][0]["span"] == "2019"
    assert written["b"]["error"] is None and written["b"]["paragraphs"] == ["The neighbours ask parks."]
    assert _cli(*args, "--fresh").returncode == 0
    for line in lines:  # the same texts as document files: the refused one is not written
        (tmp_path / f"{line['id']}.md").write_text(line["text"] + "\n", encoding="utf-8")
    files = [str(tmp_path / "a.md"), str(tmp_path / "b.md")]
    documents = tmp_path / "docs"
    args = ["batch", *files, "--task", "translate", "--from", "es", "--out", str(tmp_path / "docs.jsonl")]
    in_format = _cli(*args, "--glossary", str(glossary), "--strict", "--out-dir", str(documents))
    assert in_format.returncode == 9, in_format.stderr
    assert sorted(path.name for path in documents.iterdir()) == ["b.en.md"]

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from summarize.service.app import create_app
    from summarize.service.settings import Settings

    terms = "presupuesto,2019 budget"
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as http:
        asked = http.post("/translate/aligned", json={"text": lines[0]["text"], "glossary": terms, "strict": True})
        lenient = http.post("/translate/aligned", json={"text": lines[0]["text"], "glossary": terms})
    assert asked.status_code == 422 and "'2019' (number)" in asked.json()["error"] and asked.json()["exit_code"] == 10
    assert lenient.status_code == 200 and lenient.json()["metadata"]["fact_check"]["unsupported"]
    with TestClient(create_app(Settings(strict=True)), raise_server_exceptions=False) as http:
        libre = http.post("/translate", json={"q": lines[0]["text"], "source": "es", "target": "en", "glossary": terms})
        clean = http.post("/translate", json={"q": lines[1]["text"], "source": "es", "target": "en"})
    assert libre.status_code == 422 and clean.status_code == 200
