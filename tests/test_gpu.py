"""CUDA paths of the neural engines: skipped without a CUDA device; benchmarks/gpu_check.sh runs
them on a GPU machine."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from summarize.catalog.cards import card_for_folder
from summarize.catalog.conversions import convert
from summarize.cli import cli
from summarize.core.engines import load
from tests.corpus import SPANISH


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not _cuda(), reason="no CUDA device")]


def _checked_translator(engine) -> None:
    """Every sentence translated, in order whatever the batch's order, the same each time."""
    forward = engine.translate_batch(SPANISH[:6], "es", "en")
    assert all(forward) and len(set(forward)) > 1
    assert engine.translate_batch(SPANISH[:6][::-1], "es", "en") == forward[::-1]
    assert engine.translate_batch(SPANISH[:6], "es", "en") == forward


def test_transformers_runs_in_half_precision_on_cuda(tiny_models):
    engine = load(card_for_folder(tiny_models["marian"], "translation"), "translation", "cuda", False, "transformers")
    assert engine.describe()["device"] == "cuda" and engine.describe()["quantization"] == "float16"
    _checked_translator(engine)


@pytest.mark.parametrize("quantization", ["float16", "int8_float16"])
def test_ctranslate2_runs_its_cuda_quantizations(tiny_models, quantization):
    card = card_for_folder(tiny_models["marian"], "translation")
    folder = convert(card, quantization)
    engine = load(card_for_folder(folder, "translation"), "translation", "cuda", False)
    assert engine.describe()["engine"] == "ctranslate2" and engine.describe()["quantization"] == quantization
    _checked_translator(engine)


def test_bench_latency_on_cuda_reports_peak_gpu_memory(tmp_path):
    options = ["bench", "latency", "--model", "opus-mt-es-en", "--no-weights", "--device", "cuda"]
    options += ["--engine", "transformers,ctranslate2", "--runs", "2", "--warmup", "0", "--out", str(tmp_path / "run")]
    result = CliRunner().invoke(cli, options)
    assert result.exit_code == 0, result.output
    for engine in ("transformers", "ctranslate2"):
        summary = json.loads((tmp_path / "run" / engine / "summary.json").read_text())
        assert summary["model"]["device"] == "cuda" and summary["latency"]["peak_gpu_mb"] > 0


def test_chat_models_run_on_cuda_with_both_runtimes(tiny_chat_models):
    card = card_for_folder(tiny_chat_models["qwen2"], "summarization")
    engine = load(card, "summarization", "cuda", False, "transformers")
    assert engine.describe()["device"] == "cuda" and engine.describe()["quantization"] == "float16"
    folder = convert(card, "float16")
    fast = load(card_for_folder(folder, "summarization"), "summarization", "cuda", False)
    assert fast.describe()["engine"] == "ctranslate2" and fast.describe()["quantization"] == "float16"
    passages = [SPANISH[:2], SPANISH[2:4], SPANISH[4:5]]
    for summarizer in (engine, fast):
        together = summarizer.summarize_batch(passages, "short", "es")
        assert all(together) and together == [summarizer.summarize_batch([p], "short", "es")[0] for p in passages]
