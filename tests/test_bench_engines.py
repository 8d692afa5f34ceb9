"""The harness on every engine: quality benches by engine and conversion folder, `bench compare`
by task with a paired bootstrap equal to sacrebleu's, interleaved latency on converted engines."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from summarize.bench.compare import pareto_front
from summarize.bench.significance import mean_paired, translation_paired
from summarize.catalog.cards import card_for_folder
from summarize.catalog.conversions import convert
from summarize.cli import cli
from tests.corpus import ENGLISH
from tests.helpers import write_translation_set

BASELINE = ["the cat sat on mat", "hello world", "a b c d", "the dog ran fast", "rain fell in the north today"]
SYSTEM = ["the cat sat on the mat", "hello there world", "a b c e", "the dog runs", "heavy rain fell in the north"]
REFERENCES = ["the cat sat on the mat", "hello world there", "a b c d e", "the dog runs fast", "heavy rain fell in the north"]


def _bench(*arguments: str):
    return CliRunner().invoke(cli, ["bench", *arguments])


def test_paired_bootstrap_equals_sacrebleu_paired_bs(tmp_path):
    for name, lines in (("ref", REFERENCES), ("base", BASELINE), ("sys", SYSTEM)):
        (tmp_path / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = [str(tmp_path / n) for n in ("ref.txt",)] + ["-i", str(tmp_path / "base.txt"), str(tmp_path / "sys.txt")]
    sacrebleu = shutil.which("sacrebleu", path=str(__import__("pathlib").Path(sys.executable).parent))
    shown = subprocess.run(
        [sacrebleu, *command, "-m", "bleu", "chrf", "--paired-bs", "-f", "text"], capture_output=True, text=True, check=True
    ).stdout
    cells = re.findall(r"([\d.]+) \(([\d.]+) ± ([\d.]+)\)", shown)
    p_values = [float(p) for p in re.findall(r"p = ([\d.]+)", shown)]
    ours = translation_paired([BASELINE, SYSTEM], REFERENCES)
    flat = [ours["BLEU"][0], ours["chrF"][0], ours["BLEU"][1], ours["chrF"][1]]
    assert [tuple(float(v) for v in cell) for cell in cells] == [
        (round(r.score, 1), round(r.mean, 1), round(r.ci, 1)) for r in flat
    ]
    assert p_values == [round(ours["BLEU"][1].p_value, 4), round(ours["chrF"][1].p_value, 4)]


def test_mean_bootstrap_tells_a_real_difference_from_noise():
    import numpy as np

    rng = np.random.default_rng(1)
    baseline = rng.uniform(20, 40, 200)
    better = baseline + 3 + rng.normal(0, 1, 200)
    noisy = baseline + rng.normal(0, 1, 200)
    results = mean_paired([list(baseline), list(better), list(noisy)])
    assert results[0].p_value is None and results[0].score == pytest.approx(baseline.mean())
    assert results[1].p_value < 0.01 and results[1].score - results[0].score == pytest.approx(3, abs=0.3)
    assert results[2].p_value > 0.05


def test_pareto_front_keeps_runs_no_other_beats_on_both():
    points = [(1.0, 30.0), (10.0, 20.0), (5.0, 10.0), (100.0, 5.0), (10.0, 19.0)]
    assert pareto_front(points) == [0, 1, 3]


@pytest.fixture()
def converted_marian(tiny_models):
    return convert(card_for_folder(tiny_models["marian"], "translation"), "int8")


@pytest.mark.slow
def test_quality_benches_run_every_engine_and_compare_by_task(tmp_path, tiny_models, converted_marian):
    dataset = tmp_path / "set.jsonl"
    write_translation_set(dataset, 6, "s{:02d}")
    runs = {
        "ct2": ["--engine", "ctranslate2", "--model", str(converted_marian)],
        "ov": ["--engine", "openvino", "--model", str(tiny_models["marian"])],
        "hf": ["--engine", "transformers", "--model", str(tiny_models["marian"])],
    }
    for name, options in runs.items():
        result = _bench("translation", "--dataset", str(dataset), *options, "--out", str(tmp_path / name), "-q")
        assert result.exit_code == 0, result.output
    ct2 = json.loads((tmp_path / "ct2" / "summary.json").read_text())["model"]
    assert ct2["engine"] == "ctranslate2" and ct2["quantization"] == "int8" and ct2["runtime_version"] and ct2["threads"]
    ov = json.loads((tmp_path / "ov" / "summary.json").read_text())["model"]
    assert ov["engine"] == "openvino" and ov["quantization"] == "int8" and ov["threads"] >= 1
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        "".join(
            json.dumps({"id": f"d{i}", "document": " ".join(ENGLISH[i : i + 5]), "summary": ENGLISH[i]}) + "\n" for i in range(3)
        )
    )
    assert _bench("summarization", "--dataset", str(docs), "--model", "lead", "--out", str(tmp_path / "lead")).exit_code == 0
    plot = tmp_path / "quality.png"
    shown = _bench(
        "compare", *(str(tmp_path / n) for n in (*runs, "lead")), "--plot", str(plot), "--latency-plot", str(tmp_path / "l.png")
    )
    assert shown.exit_code == 0, shown.output
    assert "### translation" in shown.output and "### summarization" in shown.output
    assert shown.output.count("p = ") == 4 and "WARNING" not in shown.output  # BLEU and chrF for ov and hf
    assert (tmp_path / "quality-translation.png").stat().st_size > 1000 and (tmp_path / "l.png").stat().st_size > 1000


def test_compare_warns_when_runs_are_not_on_the_same_items(tmp_path, tiny_models):
    dataset = tmp_path / "set.jsonl"
    write_translation_set(dataset, 6, "s{:02d}")
    for name, limit in (("six", "6"), ("three", "3")):
        options = ["--dataset", str(dataset), "--model", str(tiny_models["marian"]), "--limit", limit]
        assert _bench("translation", *options, "--out", str(tmp_path / name)).exit_code == 0
    shown = _bench("compare", str(tmp_path / "six"), str(tmp_path / "three"))
    assert "WARNING" in shown.output and "six 6, three 3; 3 shared" in shown.output
    assert "3 shared items" in shown.output


def test_a_conversion_refuses_another_engine_in_one_line(tmp_path, converted_marian):
    dataset = tmp_path / "set.jsonl"
    write_translation_set(dataset, 2, "s{:02d}")
    options = ["--engine", "openvino", "--model", str(converted_marian), "--out", str(tmp_path / "run")]
    result = _bench("translation", "--dataset", str(dataset), *options)
    assert result.exit_code == 6 and "ctranslate2 conversion" in result.output


@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
def test_quality_bench_runs_apertium(tmp_path):
    dataset = tmp_path / "set.jsonl"
    write_translation_set(dataset, 3, "s{:02d}")
    result = _bench("translation", "--dataset", str(dataset), "--engine", "apertium", "--out", str(tmp_path / "ap"))
    assert result.exit_code == 0, result.output
    model = json.loads((tmp_path / "ap" / "summary.json").read_text())["model"]
    assert model["engine"] == "apertium" and model["runtime_version"]


TINY_CARD = """
alias = "tiny-opus"
hub_id = "example/tiny-opus"
revision = "0123456789abcdef0123456789abcdef01234567"
task = "translation"
engines = ["transformers", "ctranslate2", "openvino"]
architecture = "marian"
source_languages = ["es"]
target_languages = ["en"]

[config]
model_type = "marian"
vocab_size = 400
d_model = 32
encoder_layers = 1
decoder_layers = 1
encoder_attention_heads = 2
decoder_attention_heads = 2
encoder_ffn_dim = 64
decoder_ffn_dim = 64
max_position_embeddings = 64
pad_token_id = 399
decoder_start_token_id = 399
eos_token_id = 0
"""


@pytest.mark.slow
def test_latency_interleaves_engines_with_forced_lengths_and_reuses_conversions(tmp_path, monkeypatch):
    from summarize.catalog.home import summarize_home

    cards = summarize_home() / "cards"
    cards.mkdir(parents=True)
    (cards / "tiny-opus.toml").write_text(TINY_CARD, encoding="utf-8")
    options = ["latency", "--model", "tiny-opus", "--no-weights", "--engine", "transformers,ctranslate2,openvino"]
    options += ["--runs", "3", "--warmup", "0", "--batch-size", "2", "--beams", "2", "--input-tokens", "9"]
    options += ["--output-tokens", "6", "--quiet-threshold", "1", "--out", str(tmp_path / "run")]
    first = _bench(*options)
    assert first.exit_code == 0, first.output
    assert "converting" in first.stderr
    for engine in ("transformers", "ctranslate2", "openvino"):
        items = [json.loads(line) for line in (tmp_path / "run" / engine / "items.jsonl").read_text().splitlines()]
        assert [i["generated_tokens"] for i in items] == [12, 12, 12], engine
    assert re.search(r"\| ctranslate2 \| [\d.]+ \| [\d.]+-[\d.]+ \|", first.output)
    again = _bench(*options[:-2], "--out", str(tmp_path / "again"))
    assert again.exit_code == 0 and "converting" not in again.stderr


def test_latency_of_a_weight_free_card_says_what_to_run_instead():
    result = _bench("latency", "--model", "textrank")
    assert result.exit_code == 2 and "weight-free" in result.output and "bench summarization" in result.output


FRENCH = (
    "Le conseil municipal a adopté le budget mardi soir. "
    "Les pluies ont inondé plusieurs rues du nord de la ville ; « c'est la troisième fois cette année », a dit le maire. "
    "Les prix du pain ont encore augmenté."
)


def test_real_opus_mt_tokenizer_runs_the_whole_translate_path(tmp_path):
    """Random weights make the words meaningless; the tokenisation, budgets, target vocabulary and
    sentence alignment are those of the real model."""
    import dataclasses

    import sentencepiece

    from summarize.bench.noweights import random_model_folder
    from summarize.catalog.cards import lookup
    from tests.helpers import shared_file

    tokenizer = shared_file("tokenizers", "opus-mt-tc-big-fr-en", "source.spm").parent
    card = lookup("opus-mt-tc-big-fr-en")
    tiny = {"d_model": 16, "encoder_layers": 1, "decoder_layers": 1, "encoder_ffn_dim": 32, "decoder_ffn_dim": 32}
    tiny |= {"encoder_attention_heads": 2, "decoder_attention_heads": 2}
    folder = random_model_folder(dataclasses.replace(card, config={**card.config, **tiny}), tokenizer)
    result = CliRunner().invoke(
        cli, ["translate", "--model", str(folder), "--from", "fr", "--to", "en", "--format", "tsv", "--text", FRENCH]
    )
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [row[1] for row in rows] == [
        "Le conseil municipal a adopté le budget mardi soir.",
        "Les pluies ont inondé plusieurs rues du nord de la ville ; « c'est la troisième fois cette année », a dit le maire.",
        "Les prix du pain ont encore augmenté.",
    ]
    from transformers import AutoTokenizer

    real = AutoTokenizer.from_pretrained(folder)
    assert type(real).__name__ == "MarianTokenizer" and len(real("Les prix du pain.").input_ids) < 12
    converted = convert(card_for_folder(folder, "translation"), "int8")
    metadata = json.loads((converted / "summarize.json").read_text())
    target = sentencepiece.SentencePieceProcessor(model_file=str(tokenizer / "target.spm"))
    pieces = {target.id_to_piece(i) for i in range(target.get_piece_size())}
    vocabulary = json.loads((tokenizer / "vocab.json").read_text())
    assert metadata["output_vocabulary"] == sum(token in pieces for token in vocabulary) < len(vocabulary)
