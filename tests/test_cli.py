"""The command line, driven by click's CliRunner and, for import checks, a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from summarize.cli import cli
from tests.corpus import ENGLISH, SPANISH


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def spanish_file(tmp_path):
    path = tmp_path / "noticia.txt"
    path.write_text("\n\n".join([" ".join(SPANISH[:3]), " ".join(SPANISH[3:6]), " ".join(SPANISH[6:])]), encoding="utf-8")
    return path


def test_article_with_tiny_local_models_gives_json_metadata(runner, tiny_models, spanish_file):
    result = runner.invoke(
        cli,
        [
            "article",
            str(spanish_file),
            "--from",
            "es",
            "--to",
            "en",
            "--translator",
            str(tiny_models["marian"]),
            "--summarizer",
            str(tiny_models["bart"]),
            "--format",
            "json",
            "--device",
            "cpu",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    meta = data["metadata"]
    assert data["summary"].strip()
    assert meta["languages"] == {
        "source": "es",
        "detected_confidence": None,
        "target": "en",
        "mixed": False,
        "paragraphs_per_language": {"es": 3},
        "paragraphs_without_letters": 0,
    }
    assert meta["translator"]["engine"] == meta["summarizer"]["engine"] == "transformers"
    assert meta["translator"]["hub_id"] == str(tiny_models["marian"])
    assert meta["counts"]["paragraphs"] == 3 and meta["counts"]["sentences"] == 10
    assert meta["counts"]["chunks_per_level"][-1] == 1
    assert {"detect", "segment", "translate", "summarize"} <= set(meta["timings_s"])


def test_article_detects_spanish_and_falls_back_to_extractive(runner, spanish_file):
    result = runner.invoke(cli, ["article", str(spanish_file), "--to", "es", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["metadata"]["languages"]["source"] == "es"
    assert data["metadata"]["summarizer"]["engine"] == "extractive"
    assert "textrank" in result.stderr
    assert all(s in " ".join(SPANISH) for s in data["summary"].split(". ") if s)


def test_english_article_from_stdin(runner):
    result = runner.invoke(cli, ["article", "-", "--length", "short"], input="\n\n".join(ENGLISH))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() in ENGLISH


def test_translate_keeps_paragraphs_and_aligns_sentences(runner, tiny_models, spanish_file):
    args = ["translate", str(spanish_file), "--from", "es", "--to", "en", "--model", str(tiny_models["marian"])]
    text = runner.invoke(cli, args)
    assert text.exit_code == 0, text.output
    assert len(text.stdout.strip().split("\n\n")) == 3
    tsv = runner.invoke(cli, [*args, "--format", "tsv"])
    rows = [line.split("\t") for line in tsv.stdout.strip().split("\n")]
    assert [r[1] for r in rows] == SPANISH
    assert [r[0] for r in rows] == ["0"] * 3 + ["1"] * 3 + ["2"] * 4


def test_environment_variable_chooses_the_translator(runner, tiny_models, spanish_file):
    result = runner.invoke(
        cli,
        ["translate", str(spanish_file), "--from", "es", "--format", "json"],
        env={"SUMMARIZE_TRANSLATOR": str(tiny_models["marian"])},
    )
    assert json.loads(result.stdout)["metadata"]["translator"]["hub_id"] == str(tiny_models["marian"])


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["article", "missing.txt"], 2),
        (["article", "{empty}"], 2),
        (["article", "{binary}"], 2),
        (["article", "{english}", "--summarizer", "distilbart-cnn-12"], 3),
        (["translate", "{english}", "--from", "xx"], 5),
        (["article", "{english}", "--summarizer", "distilbart-cnn-12-6"], 4),
        (["translate", "{spanish}", "--from", "es", "--engine", "openvino"], 4),
        (["translate", "{spanish}", "--from", "es", "--engine", "ctranslate2"], 4),
    ],
)
def test_bad_input_is_one_line_and_its_documented_exit_code(tmp_path, args, exit_code):
    files = {
        "{empty}": tmp_path / "empty.txt",
        "{binary}": tmp_path / "bin.dat",
        "{english}": tmp_path / "en.txt",
        "{spanish}": tmp_path / "es.txt",
    }
    files["{empty}"].write_text("")
    files["{binary}"].write_bytes(bytes(range(256)))
    files["{english}"].write_text(" ".join(ENGLISH))
    files["{spanish}"].write_text(" ".join(SPANISH))
    args = [str(files.get(a, a)) for a in args]
    done = subprocess.run(
        [sys.executable, "-m", "summarize", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**_env(), "HF_HUB_OFFLINE": "1"},
    )
    assert done.returncode == exit_code, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error")]
    assert len(errors) == 1, done.stderr


def _env():
    import os

    return dict(os.environ)


def test_help_and_model_listing_import_no_torch():
    code = (
        "import sys; from click.testing import CliRunner; from summarize.cli import cli; r = CliRunner();"
        "assert r.invoke(cli, ['--help']).exit_code == 0;"
        "assert r.invoke(cli, ['serve', '--help']).exit_code == 0;"
        "assert r.invoke(cli, ['models', 'list']).exit_code == 0;"
        "assert r.invoke(cli, ['models', 'show', 'opus-mt-es-en']).exit_code == 0;"
        "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2', 'openvino', 'fastapi') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_models_show_prints_the_published_scores(runner):
    result = runner.invoke(cli, ["models", "show", "bart-large-cnn"])
    assert result.exit_code == 0
    assert "ROUGE-1 44.16" in result.stdout and "not downloaded" in result.stdout


def test_models_download_offline_is_one_line(runner):
    result = runner.invoke(cli, ["models", "download", "opus-mt-es-en"])
    assert result.exit_code != 0
    assert "HF_HUB_OFFLINE" in result.output and result.output.count("\n") == 1


def test_mixed_language_article_translates_each_paragraph_from_its_language(runner):
    import shutil

    if shutil.which("apertium") is None:
        pytest.skip("apertium is not installed")
    text = "\n\n".join([" ".join(SPANISH[:3]), " ".join(ENGLISH[:3]), " ".join(SPANISH[3:6])])
    result = runner.invoke(cli, ["translate", "-", "--format", "json"], input=text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["metadata"]["languages"]["mixed"] is True
    assert data["metadata"]["languages"]["paragraphs_per_language"] == {"en": 1, "es": 2}
    assert data["paragraphs"][1] == " ".join(ENGLISH[:3])
    assert data["paragraphs"][0] != " ".join(SPANISH[:3])


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Городской совет утвердил новый бюджет во вторник после долгих споров о транспорте.", "Russian ('ru')"),
        (
            "De gemeenteraad heeft dinsdag na een lang debat over het openbaar vervoer een nieuwe begroting goedgekeurd.",
            "Dutch ('nl')",
        ),
    ],
)
def test_unsupported_language_is_named(runner, text, named):
    result = runner.invoke(cli, ["article", "-"], input=text)
    assert result.exit_code == 5
    assert named in result.output and "--from" in result.output


def test_quiet_leaves_stderr_empty_and_verbose_adds_timings(runner, spanish_file):
    quiet = runner.invoke(cli, ["article", str(spanish_file), "--to", "es", "-q"])
    assert quiet.exit_code == 0 and quiet.stdout.strip() and quiet.stderr == ""
    normal = runner.invoke(cli, ["article", str(spanish_file), "--to", "es"])
    assert "textrank" in normal.stderr and "timings:" not in normal.stderr
    verbose = runner.invoke(cli, ["article", str(spanish_file), "--to", "es", "--verbose"])
    assert "timings: detect" in verbose.stderr and "summarize" in verbose.stderr


def test_errors_stay_when_quiet(runner):
    result = runner.invoke(cli, ["article", "missing.txt", "-q"])
    assert result.exit_code == 2 and result.stderr.startswith("Error: missing.txt: no such file")


def test_a_redirected_bench_log_has_no_progress_frames(runner, tmp_path):
    data = tmp_path / "set.jsonl"
    data.write_text(
        "".join(json.dumps({"id": i, "document": " ".join(ENGLISH[i : i + 4]), "summary": ENGLISH[i]}) + "\n" for i in range(5)),
        encoding="utf-8",
    )
    result = runner.invoke(
        cli, ["bench", "summarization", "--dataset", str(data), "--model", "lead", "--out", str(tmp_path / "run")]
    )
    assert result.exit_code == 0, result.output
    assert "\r" not in result.stderr and "wrote" in result.stderr
    quiet = runner.invoke(
        cli, ["bench", "summarization", "--dataset", str(data), "--model", "lead", "--out", str(tmp_path / "run"), "-q"]
    )
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_version_names_the_runtimes_without_importing_them():
    code = (
        "import sys; from click.testing import CliRunner; from summarize.cli import cli;"
        "r = CliRunner().invoke(cli, ['--version']); print(r.output);"
        "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2', 'openvino', 'fastapi') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines[0].startswith("summarize 0.") and lines[-1] == "[]"
    # Every engine's package from the table, llama.cpp's binding too, and Apertium's.
    named = {"transformers", "torch", "ctranslate2", "openvino", "xllamacpp", "apertium"}
    assert {line.split()[0] for line in lines[1:-1]} == named


HEADLINED = "Valencia aprueba un plan contra las inundaciones\n\n" + "\n\n".join(
    " ".join(SPANISH[i : i + 3]) for i in range(0, 9, 3)
)


def test_markdown_is_titled_by_the_headline_and_ends_with_a_newline(runner, tmp_path):
    target = tmp_path / "summary.md"
    result = runner.invoke(cli, ["article", "-", "--to", "es", "--format", "markdown", "-o", str(target)], input=HEADLINED)
    assert result.exit_code == 0, result.output
    written = target.read_text(encoding="utf-8")
    assert written.startswith("## Valencia aprueba un plan contra las inundaciones\n") and written.endswith("*\n")


@pytest.mark.parametrize("method", ["textrank", "lexrank", "lead"])
def test_a_headline_is_never_a_sentence_of_the_summary(runner, method):
    result = runner.invoke(cli, ["article", "-", "--to", "es", "--summarizer", method, "--format", "json"], input=HEADLINED)
    data = json.loads(result.stdout)
    assert "inundaciones" not in data["summary"] and data["summary"].startswith(("El", "Los", "Las", "La"))
    assert data["headline"] == "Valencia aprueba un plan contra las inundaciones"


def test_text_comes_from_an_option_or_piped_input(runner):
    literal = runner.invoke(cli, ["translate", "--text", " ".join(ENGLISH[:2]), "--to", "en", "-q"])
    assert literal.exit_code == 0 and literal.stdout.strip() == " ".join(ENGLISH[:2])
    piped = runner.invoke(cli, ["translate", "--to", "en", "-q"], input=" ".join(ENGLISH[:2]))
    assert piped.exit_code == 0 and piped.stdout.strip() == " ".join(ENGLISH[:2])
    both = runner.invoke(cli, ["translate", "x.txt", "--text", "Hola."])
    assert both.exit_code == 2 and "not both" in both.stderr


def test_models_list_json_is_one_typed_array_and_apertium_shows_its_installed_pairs(runner, monkeypatch):
    from summarize.engines import apertium

    monkeypatch.setattr(apertium, "available_modes", lambda: ("eng-spa", "spa-eng_US"))
    result = runner.invoke(cli, ["models", "list", "--json"])
    rows = {row["alias"]: row for row in json.loads(result.stdout)}
    assert rows["opus-mt-es-en"]["source_languages"] == ["es"] and isinstance(rows["opus-mt-es-en"]["parameters"], int)
    assert rows["apertium"]["source_languages"] == ["en", "es"] and rows["apertium"]["target_languages"] == ["en", "es"]
    assert rows["apertium"]["status"] == "installed: eng-spa, spa-eng_US"
    monkeypatch.setattr(apertium, "available_modes", lambda: ())
    rows = {row["alias"]: row for row in json.loads(runner.invoke(cli, ["models", "list", "--json"]).stdout)}
    assert rows["apertium"]["source_languages"] == [] and rows["apertium"]["status"] == "not installed"


def test_user_cards_add_and_replace_shipped_ones(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZE_HOME", str(tmp_path / "home"))
    cards = tmp_path / "home" / "cards"
    cards.mkdir(parents=True)
    (cards / "mine.toml").write_text(
        'alias = "my-lead"\ntask = "summarization"\nengines = ["extractive"]\narchitecture = "extractive"\n'
        'description = "my own card"\n',
        encoding="utf-8",
    )
    (cards / "lead.toml").write_text(
        'alias = "lead"\ntask = "summarization"\nengines = ["extractive"]\narchitecture = "extractive"\n'
        'description = "lead, described by the user"\n',
        encoding="utf-8",
    )
    listed = {row["alias"] for row in json.loads(runner.invoke(cli, ["models", "list", "--json"]).stdout)}
    assert {"my-lead", "lead", "opus-mt-es-en"} <= listed
    assert "described by the user" in runner.invoke(cli, ["models", "show", "lead"]).stdout
    (cards / "bad.toml").write_text(
        'alias = "bad"\ntask = "summarization"\nengines = "extractive"\narchitecture = "extractive"\n', encoding="utf-8"
    )
    broken = runner.invoke(cli, ["models", "list"])
    assert broken.exit_code == 7 and str(cards / "bad.toml") in broken.stderr


def test_named_datasets_resolve_from_the_home_folder(tmp_path, monkeypatch):
    from summarize.bench import datasets

    monkeypatch.setenv("SUMMARIZE_HOME", str(tmp_path))
    monkeypatch.delenv("SUMMARIZE_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(datasets, "__file__", str(tmp_path / "a" / "b" / "c" / "datasets.py"))
    with pytest.raises(Exception, match=r"under \$SUMMARIZE_DATA or .*data"):
        datasets.resolve("xsum-test")
    (tmp_path / "data" / "xsum").mkdir(parents=True)
    (tmp_path / "data" / "xsum" / "test.jsonl").write_text('{"id": 1, "document": "A.", "summary": "A."}\n')
    assert datasets.resolve("xsum-test") == tmp_path / "data" / "xsum" / "test.jsonl"


@pytest.mark.parametrize(("length", "sentences"), [("2", 2), ("50%", 5), ("10%", 1), ("long", 5)])
def test_length_takes_a_number_or_a_share_of_the_sentences(runner, length, sentences):
    text = " ".join(ENGLISH)  # ten sentences
    result = runner.invoke(cli, ["article", "--text", text, "--summarizer", "lexrank", "--length", length, "-q"])
    assert result.exit_code == 0, result.output
    assert sum(result.stdout.count(s) for s in ENGLISH) == sentences


def test_a_number_of_tokens_bounds_a_neural_summary(runner, tiny_models):
    from summarize.catalog.cards import card_for_folder

    card = card_for_folder(tiny_models["bart"], "summarization")
    assert card.generation_for("5")["max_new_tokens"] == 5
    result = runner.invoke(
        cli,
        [
            "article",
            "--text",
            " ".join(ENGLISH[:2]),
            "--summarizer",
            str(tiny_models["bart"]),
            "--length",
            "40%",
            "--device",
            "cpu",
        ],
    )
    assert result.exit_code == 2 and "number of tokens" in result.stderr
    bad = runner.invoke(cli, ["article", "--text", "x", "--length", "huge"])
    assert bad.exit_code == 2 and "not short, medium, long" in bad.stderr
