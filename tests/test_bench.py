"""The benchmark harness: scores equal the reference tools, runs resume after SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from summarize.bench import datasets, quality
from summarize.bench.latency import percentile
from summarize.cli import cli
from tests.corpus import ENGLISH
from tests.helpers import shared_file, write_translation_set

HYPOTHESES = [
    "The council approved the budget on Tuesday.",
    "Rain flooded the streets in the north.",
    "Scientists found ancient trees.",
    "Bread prices rose again.",
]
REFERENCES = [
    "The city council approved a new budget on Tuesday.",
    "Heavy rain flooded several streets in the north.",
    "A team of scientists found very old trees in a valley.",
    "Prices of bread rose again this month.",
]


def test_bleu_and_chrf_equal_the_sacrebleu_command_line(tmp_path):
    (tmp_path / "hyp.txt").write_text("\n".join(HYPOTHESES) + "\n")
    (tmp_path / "ref.txt").write_text("\n".join(REFERENCES) + "\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sacrebleu",
            str(tmp_path / "ref.txt"),
            "-i",
            str(tmp_path / "hyp.txt"),
            "-m",
            "bleu",
            "chrf",
            "chrf",
            "--chrf-word-order",
            "2",
            "-f",
            "json",
            "-w",
            "4",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    cli_scores = [entry["score"] for entry in json.loads(done.stdout)]
    ours = quality.translation_scores(HYPOTHESES, REFERENCES)
    assert round(ours["BLEU"]["score"], 2) == round(cli_scores[0], 2)
    assert round(ours["chrF++"]["score"], 2) == round(cli_scores[-1], 2)
    plain = subprocess.run(
        [
            sys.executable,
            "-m",
            "sacrebleu",
            str(tmp_path / "ref.txt"),
            "-i",
            str(tmp_path / "hyp.txt"),
            "-m",
            "chrf",
            "-f",
            "json",
            "-w",
            "4",
        ],
        capture_output=True,
        text=True,
    )
    assert round(ours["chrF"]["score"], 2) == round(json.loads(plain.stdout)["score"], 2)
    assert ours["BLEU"]["signature"].startswith("nrefs:1|case:mixed|eff:no|tok:13a")


def test_rouge_equals_rouge_score_called_directly():
    from rouge_score import rouge_scorer

    direct = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=quality.AccentTokenizer(stem=True))
    ours = quality.rouge_scorer("en")
    for hypothesis, reference in zip(HYPOTHESES, REFERENCES):
        expected = direct.score(reference, hypothesis)
        got = quality.rouge_item(ours, hypothesis, reference, "en")
        for name in ("rouge1", "rouge2", "rougeL"):
            assert got[name] == pytest.approx(100 * expected[name].fmeasure, abs=1e-3)


def test_rouge_keeps_accented_letters():
    tokens = quality.AccentTokenizer(stem=False).tokenize("Cristóbal Colón llegó a América en 1492.")
    assert tokens == ["cristóbal", "colón", "llegó", "a", "américa", "en", "1492"]


def test_rouge_matches_the_default_tokenizer_on_plain_english():
    from rouge_score import rouge_scorer

    default = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    ours = quality.rouge_scorer("en")
    for hypothesis, reference in zip(HYPOTHESES, REFERENCES):
        expected = default.score(reference, hypothesis)
        got = quality.rouge_item(ours, hypothesis, reference, "en")
        assert got["rouge1"] == pytest.approx(100 * expected["rouge1"].fmeasure, abs=1e-3)


def test_percentiles_interpolate_like_numpy():
    import numpy as np

    values = [0.3, 0.1, 0.7, 0.2, 0.9, 0.4]
    for q in (50, 90, 99):
        assert percentile(values, q) == pytest.approx(np.percentile(values, q))


def test_named_dataset_and_limit():
    shared_file("xsum", "test.jsonl")
    _, records = datasets.load("xsum-test", "summarization", limit=5)
    assert len(records) == 5 and all(r["id"].startswith("xsum-") for r in records)


def test_translation_bench_writes_items_summary_report_and_plot(tmp_path, tiny_models):
    dataset = tmp_path / "set.jsonl"
    write_translation_set(dataset, 12)
    out = tmp_path / "run"
    result = CliRunner().invoke(
        cli,
        [
            "bench",
            "translation",
            "--dataset",
            str(dataset),
            "--model",
            str(tiny_models["marian"]),
            "--out",
            str(out),
            "--batch-size",
            "5",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["items"] == 12 and set(summary["scores"]) == {"BLEU", "chrF", "chrF++"}
    assert summary["environment"]["packages"]["torch"] and summary["latency"]["p50_s"] > 0
    assert (out / "report.md").read_text().count("signature") == 1 and (out / "latency.png").stat().st_size > 1000
    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    assert [i["id"] for i in items] == [f"item-{i:03d}" for i in range(12)]


@pytest.mark.slow
def test_a_killed_run_resumes_with_every_item_scored_once(tmp_path, tiny_models):
    dataset = tmp_path / "set.jsonl"
    write_translation_set(dataset, 60)
    out = tmp_path / "run"
    command = [
        sys.executable,
        "-m",
        "summarize",
        "bench",
        "translation",
        "--dataset",
        str(dataset),
        "--model",
        str(tiny_models["marian"]),
        "--out",
        str(out),
        "--batch-size",
        "1",
        "--device",
        "cpu",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "HF_HUB_OFFLINE": "1"}
    )
    items = out / "items.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and (not items.exists() or items.read_text().count("\n") < 20):
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = items.read_text().count("\n")
    assert 20 <= partial < 60, "the run must be killed halfway for this test to mean anything"
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    assert "resuming" in done.stderr
    ids = [json.loads(line)["id"] for line in items.read_text().splitlines()]
    assert sorted(ids) == [f"item-{i:03d}" for i in range(60)]
    assert json.loads((out / "summary.json").read_text())["items"] == 60


def test_changed_settings_do_not_mix_into_an_old_run(tmp_path):
    dataset = tmp_path / "set.jsonl"
    write_translation_set(dataset, 3)
    out = tmp_path / "run"
    base = ["bench", "summarization", "--dataset", str(dataset), "--out", str(out)]
    dataset.write_text(
        "".join(json.dumps({"id": f"d{i}", "document": " ".join(ENGLISH), "summary": ENGLISH[0]}) + "\n" for i in range(3))
    )
    assert CliRunner().invoke(cli, [*base, "--model", "lead"]).exit_code == 0
    changed = CliRunner().invoke(cli, [*base, "--model", "textrank"])
    assert changed.exit_code == 2 and "--fresh" in changed.output


@pytest.mark.slow
def test_latency_no_weights_forces_output_lengths(tmp_path):
    out = tmp_path / "latency"
    result = CliRunner().invoke(
        cli,
        [
            "bench",
            "latency",
            "--model",
            "opus-mt-es-en",
            "--no-weights",
            "--runs",
            "2",
            "--warmup",
            "0",
            "--input-tokens",
            "8",
            "--output-tokens",
            "5",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "p50" in result.stdout and "tokens/s" in result.stdout
    items = [json.loads(line) for line in (out / "transformers" / "items.jsonl").read_text().splitlines()]
    assert [i["generated_tokens"] for i in items] == [5, 5]
    summary = json.loads((out / "transformers" / "summary.json").read_text())
    assert summary["model"]["weights"] == "random" and summary["latency"]["peak_rss_mb"] > 0


def test_article_bench_runs_the_whole_pipeline(tmp_path):
    dataset = tmp_path / "docs.jsonl"
    dataset.write_text(
        "".join(
            json.dumps({"id": f"d{i}", "document": "\n\n".join(ENGLISH[i : i + 5]), "summary": ENGLISH[i]}) + "\n"
            for i in range(4)
        )
    )
    out = tmp_path / "run"
    result = CliRunner().invoke(cli, ["bench", "article", "--dataset", str(dataset), "--model", "lead", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["task"] == "article" and summary["scores"]["rouge1"]["score"] == pytest.approx(100.0)
    assert summary["model"]["summarizer"]["alias"] == "lead"
