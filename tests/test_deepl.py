"""DeepL's API v2 served by `summarize serve`, driven by DeepL's own Python client (`deepl`, with
`server_url=`) unchanged: texts, HTML, formality, glossaries, usage, languages, documents, and its
exception classes for the errors; and DeepL's form-encoded bodies as curl sends them."""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("fastapi")
deepl = pytest.importorskip("deepl", reason="DeepL's client: pip install deepl")

from summarize.core.options import Options  # noqa: E402
from summarize.core.pipeline import Pipeline  # noqa: E402
from summarize.service.settings import Settings  # noqa: E402
from tests.serving import running  # noqa: E402

pytestmark = pytest.mark.skipif(not shutil.which("apertium"), reason="the service's default engines need Apertium")

SPANISH = "El Ayuntamiento aprobó ayer el presupuesto. Los vecinos piden más parques."


def _english(text: str) -> str:
    return "\n\n".join(Pipeline(to="en", source="es", engine="apertium").translate(text)["paragraphs"])


def _english_words(text: str) -> bool:
    spanish = {"el", "la", "los", "las", "del", "para", "de", "un", "una", "y"}
    return bool(text.split()) and not spanish & {word.strip(".,").lower() for word in text.split()}


def test_deepl_client_translates_texts_html_and_lists_languages_and_usage():
    with running(Settings(job=Options(engine="apertium"))) as url:
        translator = deepl.Translator("any key: the service has none", server_url=url)
        one = translator.translate_text(SPANISH, target_lang="EN-GB")
        many = translator.translate_text([SPANISH, "Buenos días."], source_lang="ES", target_lang="EN-US")
        page = translator.translate_text("<p>Buenos días.</p>", source_lang="es", target_lang="en-gb", tag_handling="html")
        sources, targets = translator.get_source_languages(), translator.get_target_languages()
        usage = translator.get_usage()
        pairs = translator.get_glossary_languages()
    assert (one.text, one.detected_source_lang, one.billed_characters) == (_english(SPANISH), "ES", len(SPANISH))
    assert [result.text for result in many] == [_english(SPANISH), "Good morning."]
    assert page.text == "<p>Good morning.</p>"
    assert {"ES", "FR", "PT", "IT"} <= {language.code for language in sources}
    by_code = {language.code: language for language in targets}
    assert {"EN-GB", "EN-US", "ES"} <= set(by_code) and by_code["EN-GB"].name == "English (British)"
    assert by_code["EN-GB"].supports_formality is False  # Apertium writes one register
    assert usage.character.count == 2 * len(SPANISH) + len("Buenos días.") + len("<p>Buenos días.</p>")
    assert ("ES", "EN") in {(pair.source_lang.upper(), pair.target_lang.upper()) for pair in pairs}


def test_deepl_glossaries_are_stored_used_listed_and_deleted():
    with running(Settings(job=Options(engine="apertium"))) as url:
        translator = deepl.Translator("k", server_url=url)
        made = translator.create_glossary("desk", "ES", "EN", {"Ayuntamiento": "City Hall", "vecinos": "residents"})
        listed = [glossary.glossary_id for glossary in translator.list_glossaries()]
        info, entries = translator.get_glossary(made.glossary_id), translator.get_glossary_entries(made)
        held = translator.translate_text(SPANISH, source_lang="ES", target_lang="EN-GB", glossary=made)
        translator.delete_glossary(made)
        with pytest.raises(deepl.GlossaryNotFoundException):
            translator.get_glossary(made.glossary_id)
        with pytest.raises(deepl.DeepLException, match="Unsupported glossary"):
            translator.create_glossary("no pair", "ES", "ZH", {"a": "b"})
        with pytest.raises(deepl.DeepLException, match="Glossary not found"):
            translator.translate_text(SPANISH, source_lang="ES", target_lang="EN-GB", glossary=made.glossary_id)
    assert listed == [made.glossary_id] and (info.name, info.entry_count, info.ready) == ("desk", 2, True)
    assert entries == {"Ayuntamiento": "City Hall", "vecinos": "residents"}
    assert "City Hall" in held.text and "residents" in held.text


def test_formality_is_refused_where_the_engine_has_one_register_and_preferred_falls_back():
    with running(Settings(job=Options(engine="apertium"))) as url:
        translator = deepl.Translator("k", server_url=url)
        with pytest.raises(deepl.DeepLException, match="formality=more: apertium") as refused:
            translator.translate_text("Hola.", source_lang="ES", target_lang="EN-GB", formality="more")
        preferred = translator.translate_text("Hola.", source_lang="ES", target_lang="EN-GB", formality="prefer_less")
    assert refused.value.http_status_code == 400 and preferred.text == _english("Hola.")


def test_model_type_asks_for_latency_or_quality_and_says_which_served():
    """On Apertium alone both give the same text; each says the model type it asked for, a
    request without one says none, and an unknown one is DeepL's 400."""
    with running(Settings(job=Options(engine="apertium"))) as url:
        translator = deepl.Translator("k", server_url=url)
        fast = translator.translate_text(SPANISH, source_lang="ES", target_lang="EN-GB", model_type="latency_optimized")
        best = translator.translate_text(SPANISH, source_lang="ES", target_lang="EN-GB", model_type="prefer_quality_optimized")
        plain = translator.translate_text(SPANISH, source_lang="ES", target_lang="EN-GB")
        with pytest.raises(deepl.DeepLException, match="Value for 'model_type' not supported") as refused:
            translator.translate_text(SPANISH, target_lang="EN-GB", model_type="fastest")
    assert fast.text == best.text == plain.text == _english(SPANISH)
    assert (fast.model_type_used, best.model_type_used, plain.model_type_used) == ("latency_optimized", "quality_optimized", None)
    assert refused.value.http_status_code == 400


def test_a_word_file_comes_back_through_deepl_documents_with_its_structure(tmp_path):
    import docx

    from summarize.documents import format_of, open_document

    made = docx.Document()
    made.add_heading("El plan de la ciudad", 1)
    paragraph = made.add_paragraph("El Gobierno aprobó ayer un plan ")
    paragraph.add_run("importante").bold = True
    paragraph.add_run(" para reducir el riesgo de inundaciones en los barrios del sur.")
    made.add_paragraph("Primer punto de la lista", style="List Bullet")
    source, output = tmp_path / "plan.docx", tmp_path / "plan.en.docx"
    made.save(source)
    with running(Settings(job=Options(engine="apertium"))) as url:
        translator = deepl.Translator("k", server_url=url)
        status = translator.translate_document_from_filepath(source, output, source_lang="ES", target_lang="EN-GB")
        with pytest.raises(deepl.DeepLException, match="translated into text only"):
            translator.translate_document_upload(b"%PDF-1.4", target_lang="EN-GB", filename="a.pdf")
    back = docx.Document(output)
    assert status.done and status.billed_characters == sum(len(unit.text) for unit in open_document(str(source))[0].units)
    assert [p.style.name for p in back.paragraphs] == ["Heading 1", "Normal", "List Bullet"]
    assert back.paragraphs[0].text == "The plan of the city" and all(_english_words(p.text) for p in back.paragraphs)
    assert [run.text for run in back.paragraphs[1].runs if run.bold] == ["important"]
    assert format_of(output).name == "docx"


def test_keys_quotas_and_errors_come_back_as_the_clients_exceptions(tmp_path):
    import httpx

    keys = tmp_path / "keys.txt"
    keys.write_text("desk\nintern 12  # characters\n")
    with running(Settings(job=Options(engine="apertium"), api_keys_file=str(keys))) as url:
        with pytest.raises(deepl.AuthorizationException):
            deepl.Translator("stranger", server_url=url).translate_text("Hola.", target_lang="EN-GB")
        intern = deepl.Translator("intern", server_url=url)
        first = intern.translate_text("Buenos días.", source_lang="ES", target_lang="EN-GB")
        with pytest.raises(deepl.QuotaExceededException):
            intern.translate_text("Hola.", source_lang="ES", target_lang="EN-GB")
        usage = intern.get_usage()
        with pytest.raises(deepl.DeepLException, match="'target_lang' not supported"):
            deepl.Translator("desk", server_url=url).translate_text("Hola.", target_lang="XX")
        # DeepL's form-encoded body, as its curl examples send it, and its error shape.
        form = httpx.post(
            f"{url}/v2/translate",
            data={"text": ["Hola.", "Adiós."], "target_lang": "EN", "source_lang": "ES"},
            headers={"Authorization": "DeepL-Auth-Key desk"},
        )
        missing = httpx.post(f"{url}/v2/translate", data={"target_lang": "EN"}, headers={"Authorization": "DeepL-Auth-Key desk"})
        unknown = httpx.post(
            f"{url}/v2/document/NOPE", data={"document_key": "x"}, headers={"Authorization": "DeepL-Auth-Key desk"}
        )
        ignored = httpx.post(
            f"{url}/v2/translate",
            data={"text": "Hola.", "target_lang": "EN", "ignore_tags": "x"},
            headers={"Authorization": "DeepL-Auth-Key desk"},
        )
    assert first.text == "Good morning." and (usage.character.count, usage.character.limit) == (12, 12)
    assert [t["text"] for t in form.json()["translations"]] == ["Hello.", "Goodbye."]
    assert missing.status_code == 400 and missing.json() == {"message": "Parameter 'text' not specified."}
    assert unknown.status_code == 404 and unknown.json() == {"message": "Document not found."}
    assert ignored.status_code == 400 and "'ignore_tags' is not supported" in ignored.json()["message"]


def test_a_body_over_the_limit_is_413_in_deepl_s_shape_and_libretranslate_s_elsewhere():
    from fastapi.testclient import TestClient

    from summarize.service.app import create_app

    with TestClient(create_app(Settings(job=Options(engine="apertium"), max_request_bytes=200))) as http:
        deepl_route = http.post("/v2/translate", data={"text": "Hola. " * 100, "target_lang": "EN"})
        libretranslate_route = http.post("/translate", data={"q": "Hola. " * 100, "source": "es", "target": "en"})
    assert deepl_route.status_code == libretranslate_route.status_code == 413
    assert "larger than 200 bytes" in deepl_route.json()["message"]
    assert "larger than 200 bytes" in libretranslate_route.json()["error"]
