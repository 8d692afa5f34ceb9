"""One set of mixed texts through every surface: the same translations, summaries, notes (where
the surface carries them), alternatives, errors and exit codes or statuses. Apertium (es->en) is
what `auto` falls back to; German has a model card and no weights here (exit 4, 503). The English
lines are over the 60 characters a paragraph needs to leave the document's language."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize import Pipeline
from summarize.cli import cli
from summarize.documents.readers import document_from_text
from summarize.errors import SummarizeError

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")

TEXTS = {
    "wrapped": "El Ayuntamiento aprobó ayer por la tarde\nel presupuesto municipal de la ciudad.",
    "lines": "El Ayuntamiento de Valencia aprobó ayer el presupuesto municipal.\n"
    "The opposition voted against the budget, which it called a missed chance.",
    "paragraphs": "Los vecinos piden más parques y menos tráfico en el centro.\n\n"
    "The mayor said the plan would be ready before the end of next year.",
    "short": "Hola mundo.",
    "no weights": "Der Stadtrat hat gestern den Haushalt der Stadt beschlossen. Die Opposition stimmte dagegen.",
}
TERMS = "presupuesto,budget plan\n"
ALTERNATIVES = 2
#: What each outcome is compared by: the translation's words (layout aside) or the summary, the
#: notes where the surface carries them, the alternatives' words; or the error's exit code.
NO_NOTES = None


def _words(text: str) -> str:
    return " ".join(text.split())


def _translated(record: dict, notes: bool = True) -> tuple:
    alternatives = [_words(" ".join(paragraphs)) for paragraphs in record["alternatives"]]
    said = tuple(record["metadata"]["notes"]) if notes else NO_NOTES
    return ("ok", _words(" ".join(record["paragraphs"])), said, tuple(alternatives))


def _summarized(record: dict) -> tuple:
    return ("ok", record["summary"], tuple(record["metadata"]["notes"]))


def _failed(exit_code: int) -> tuple:
    return ("error", exit_code)


def _as_html(text: str) -> str:
    """The text's paragraphs (as every surface reads them) as a page's."""
    return "".join(f"<p>{paragraph}</p>" for paragraph in document_from_text(text, "q").paragraphs)


def _pipeline(task: str, glossary: Path) -> dict:
    pipeline = Pipeline(glossary=str(glossary), alternatives=ALTERNATIVES if task == "translate" else 0, notify=print)
    outcomes = {}
    for name, text in TEXTS.items():
        try:
            record = getattr(pipeline, "translate" if task == "translate" else "article")(text)
        except SummarizeError as error:
            outcomes[name] = _failed(error.exit_code)
            continue
        outcomes[name] = _translated(record) if task == "translate" else _summarized(record)
    return outcomes


def _cli(task: str, glossary: Path) -> dict:
    outcomes = {}
    for name, text in TEXTS.items():
        extra = ["--alternatives", str(ALTERNATIVES)] if task == "translate" else []
        done = CliRunner().invoke(cli, [task, "--text", text, "--format", "json", "--glossary", str(glossary), *extra])
        if done.exit_code:
            assert len(done.stderr.strip().splitlines()) >= 1 and "Traceback" not in done.stderr
            outcomes[name] = _failed(done.exit_code)
            continue
        record = json.loads(done.stdout)
        assert all(f"note: {message}" in done.stderr for message in record["metadata"]["notes"])
        outcomes[name] = _translated(record) if task == "translate" else _summarized(record)
    return outcomes


def _batch(task: str, glossary: Path, tmp_path: Path, executor: str) -> dict:
    rows = tmp_path / "in.jsonl"
    rows.write_text("".join(json.dumps({"id": n, "text": t}) + "\n" for n, t in TEXTS.items()), encoding="utf-8")
    out = tmp_path / f"{executor}-{task}.jsonl"
    args = ["batch", str(rows), "--out", str(out), "--task", task, "--glossary", str(glossary), "--executor", executor]
    args += ["--runtimes", "ctranslate2,openvino"]  # no installed GGUF model, as in this process (conftest.py)
    args += ["--alternatives", str(ALTERNATIVES)] if task == "translate" else []
    if executor == "local":
        done = CliRunner().invoke(cli, args)
        code, stderr = done.exit_code, done.stderr
    else:
        ran = subprocess.run([sys.executable, "-m", "summarize", *args], capture_output=True, text=True, timeout=600)
        code, stderr = ran.returncode, ran.stderr
    assert code == 9, stderr  # the German record failed, alone
    outcomes = {}
    for record in map(json.loads, out.read_text(encoding="utf-8").splitlines()):
        if record["error"] is not None:
            outcomes[record["id"]] = _failed(record["exit_code"])
        else:
            outcomes[record["id"]] = _translated(record) if task == "translate" else _summarized(record)
    return outcomes


def _service(task: str, glossary: Path, route: str) -> dict:
    from fastapi.testclient import TestClient

    from summarize.service.app import create_app
    from summarize.service.settings import Settings

    terms = glossary.read_text(encoding="utf-8")
    outcomes = {}
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as http:
        for name, text in TEXTS.items():
            if route == "/translate_file":
                upload = {"file": ("text.html", _as_html(text).encode(), "text/html")}
                form = {"source": "auto", "target": "en", "glossary": terms}
                answer = http.post(route, data=form, files=upload)
                if answer.status_code == 200:
                    answer = http.get("/" + answer.json()["translatedFileUrl"].split("/", 3)[3])
            elif route == "/translate":
                body = {"q": text, "source": "auto", "target": "en", "glossary": terms, "alternatives": ALTERNATIVES}
                answer = http.post(route, json=body)
            elif route == "/translate html":
                body = {"q": _as_html(text), "source": "auto", "target": "en", "glossary": terms, "format": "html"}
                answer = http.post("/translate", json=body)
            else:
                body = {"text": text, "glossary": terms, **({"alternatives": ALTERNATIVES} if task == "translate" else {})}
                answer = http.post(route, json=body)
            if answer.status_code != 200:
                assert set(answer.json()) <= {"error", "exit_code"}
                outcomes[name] = ("error", answer.status_code)
            elif route == "/translate":
                given = answer.json()
                alternatives = tuple(_words(found) for found in given["alternatives"])
                outcomes[name] = ("ok", _words(given["translatedText"]), NO_NOTES, alternatives)
            elif route in ("/translate html", "/translate_file"):
                page = answer.json()["translatedText"] if route == "/translate html" else answer.text
                outcomes[name] = ("ok", _words(" ".join(re.findall(r"<p>(.*?)</p>", page))), NO_NOTES, ())
            else:
                outcomes[name] = _translated(answer.json()) if task == "translate" else _summarized(answer.json())
    return outcomes


#: The HTTP status of each exit code an outcome here ends in.
STATUS = {4: 503}


def _expected(reference: dict, surface: str) -> dict:
    """The Pipeline's outcomes as `surface` carries them: statuses for exit codes over HTTP, no
    notes (nor alternatives, for pages) where it has none."""
    http = surface.startswith("/")
    expected = {}
    for name, outcome in reference.items():
        if outcome[0] == "error":
            expected[name] = ("error", STATUS[outcome[1]] if http else outcome[1])
        elif len(outcome) == 4 and surface in ("/translate", "/translate html", "/translate_file"):
            alternatives = outcome[3] if surface == "/translate" else ()
            expected[name] = ("ok", outcome[1], NO_NOTES, alternatives)
        else:
            expected[name] = outcome
    return expected


TRANSLATE_SURFACES = [
    "cli",
    "batch local",
    pytest.param("batch ray", marks=pytest.mark.slow),
    "/translate/aligned",
    "/translate",
    "/translate html",
    "/translate_file",
]
ARTICLE_SURFACES = ["cli", "batch local", pytest.param("batch ray", marks=pytest.mark.slow), "/summarize"]


def _outcomes(surface: str, task: str, glossary: Path, tmp_path: Path) -> dict:
    if surface == "cli":
        return _cli(task, glossary)
    if surface.startswith("batch"):
        if surface == "batch ray":
            pytest.importorskip("ray")
        return _batch(task, glossary, tmp_path, surface.split()[1])
    pytest.importorskip("fastapi")
    return _service(task, glossary, surface)


@pytest.fixture(scope="module")
def glossary(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("terms") / "terms.csv"
    path.write_text(TERMS, encoding="utf-8")
    return path


@pytest.fixture()
def reference(glossary) -> dict:
    """What the Pipeline gives, in the test's own isolated cache and home (conftest.py)."""
    return {task: _pipeline(task, glossary) for task in ("translate", "article")}


@needs_apertium
def test_the_reference_translates_each_case_as_it_should(reference):
    translated = reference["translate"]
    assert translated["no weights"] == _failed(4)
    assert translated["wrapped"][1] == "The City council approved yesterday afternoon the budget plan municipal of the city."
    assert translated["lines"][1].endswith("budget plan municipal. " + TEXTS["lines"].split("\n")[1])
    assert translated["paragraphs"][1].endswith(" " + TEXTS["paragraphs"].split("\n\n")[1])
    assert translated["short"][1] == "Hello World."
    assert all(outcome[3] == () for outcome in translated.values() if outcome[0] == "ok")  # Apertium ranks none
    assert any("Apertium" in note for note in translated["wrapped"][2])


@needs_apertium
@pytest.mark.parametrize("surface", TRANSLATE_SURFACES)
def test_translations_are_the_same_on_every_surface(surface, reference, glossary, tmp_path):
    assert _outcomes(surface, "translate", glossary, tmp_path) == _expected(reference["translate"], surface)


@needs_apertium
@pytest.mark.parametrize("surface", ARTICLE_SURFACES)
def test_summaries_are_the_same_on_every_surface(surface, reference, glossary, tmp_path):
    assert _outcomes(surface, "article", glossary, tmp_path) == _expected(reference["article"], surface)


def test_alternatives_are_the_same_on_every_surface(tiny_models, tmp_path):
    """A beam-search model's other hypotheses, through the same job everywhere."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from summarize.core.options import Options
    from summarize.service.app import create_app
    from summarize.service.settings import Settings

    model, text = str(tiny_models["marian"]), "El Ayuntamiento aprobó ayer el presupuesto.\nLos vecinos piden más parques."
    record = Pipeline(source="es", translator=model, alternatives=ALTERNATIVES).translate(text)
    expected = [_words(" ".join(paragraphs)) for paragraphs in record["alternatives"]]
    assert expected and _words(" ".join(record["paragraphs"])) not in expected
    args = ["translate", "--text", text, "--from", "es", "--model", model, "--alternatives", "2", "--format", "json"]
    shown = CliRunner().invoke(cli, args)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["alternatives"] == record["alternatives"]
    with TestClient(create_app(Settings(job=Options(translator=model))), raise_server_exceptions=False) as http:
        aligned = http.post("/translate/aligned", json={"text": text, "source": "es", "alternatives": ALTERNATIVES}).json()
        libre = http.post("/translate", json={"q": text, "source": "es", "target": "en", "alternatives": ALTERNATIVES}).json()
    assert aligned["alternatives"] == record["alternatives"]
    assert [_words(found) for found in libre["alternatives"]] == expected
    assert all("\n" in found for found in libre["alternatives"])  # laid out in the text's lines
