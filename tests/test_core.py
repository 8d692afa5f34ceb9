"""The core under every surface: one execution path (the same summary and notes from the CLI, the
Python API, batch on both executors and the service), engines held by their holder and nowhere
else, and bench runs named by the engines that ran."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize import Pipeline
from summarize.cli import cli
from summarize.core.engines import Engines
from summarize.core.options import Options
from summarize.engines.base import Engine
from tests.corpus import SPANISH
from tests.helpers import mapping_translator

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "noticia-valencia.es.txt"
needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")


def _summary_and_notes(result: dict) -> tuple[str, list[str]]:
    return result["summary"], result["metadata"]["notes"]


def _batch(tmp_path: Path, executor: str) -> tuple[dict, str]:
    out = tmp_path / f"{executor}.jsonl"
    command = [sys.executable, "-m", "summarize", "batch", str(EXAMPLE), "--out", str(out), "--executor", executor]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=300)
    assert done.returncode == 0, done.stderr
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return record, done.stderr


@pytest.mark.slow
@needs_apertium
def test_every_surface_gives_the_same_summary_and_notes(tmp_path):
    pytest.importorskip("ray")
    from fastapi.testclient import TestClient

    from summarize.service.app import create_app
    from summarize.service.settings import Settings

    shown = CliRunner().invoke(cli, ["article", str(EXAMPLE), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    cli_result = json.loads(shown.stdout)
    expected = _summary_and_notes(cli_result)
    assert len(expected[1]) == 2 and "using Apertium es->en instead" in expected[1][0]
    assert all(f"note: {note}" in shown.stderr for note in expected[1])
    surfaces = {"python": Pipeline(notify=lambda message: None).article(EXAMPLE)}
    for executor in ("local", "ray"):
        surfaces[executor], stderr = _batch(tmp_path, executor)
        assert all(f"note: {note}" in stderr for note in expected[1]), (executor, stderr)
    with TestClient(create_app(Settings())) as http:
        answer = http.post("/summarize", json={"text": EXAMPLE.read_text(encoding="utf-8")})
    assert answer.status_code == 200
    surfaces["service"] = answer.json()
    assert {name: _summary_and_notes(result) for name, result in surfaces.items()} == dict.fromkeys(surfaces, expected)


def test_two_pipelines_used_alternately_keep_their_own_engines():
    lead, textrank = Pipeline(source="en", summarizer="lead"), Pipeline(source="en", summarizer="textrank")
    text = "\n\n".join(" ".join(SPANISH[i : i + 3]) for i in range(0, 9, 3))
    english = Pipeline(to="en", source="en")
    for _ in range(2):
        assert lead.article(text)["metadata"]["summarizer"]["alias"] == "lead"
        assert textrank.article(text)["metadata"]["summarizer"]["alias"] == "textrank"
    held = lambda pipeline: {id(choice.engine) for _, choice in pipeline.engines.held()}  # noqa: E731
    assert held(lead) and held(textrank) and not held(lead) & held(textrank)
    assert english.engines is not lead.engines


def test_nothing_in_the_package_holds_an_engine_at_module_level():
    """After jobs have run, no module of the package reaches an engine from its globals (through
    containers up to three deep); the holders were the pipelines', now gone."""
    pipelines = [Pipeline(source="en", summarizer=name) for name in ("lead", "textrank")]
    for pipeline in pipelines:
        pipeline.article(" ".join(SPANISH[:4]))
    del pipelines, pipeline
    gc.collect()

    def reaches_engine(value, depth: int = 0) -> bool:
        if isinstance(value, (Engine, Engines)):
            return True
        if depth >= 3 or isinstance(value, (str, bytes, type)):
            return False
        if isinstance(value, dict):
            return any(reaches_engine(v, depth + 1) for v in value.values())
        if isinstance(value, (list, tuple, set, frozenset)):
            return any(reaches_engine(v, depth + 1) for v in value)
        return False

    holding = [
        f"{name}.{attribute}"
        for name, module in list(sys.modules.items())
        if name.startswith("summarize")
        for attribute, value in vars(module).items()
        if reaches_engine(value)
    ]
    assert holding == []


def test_engines_given_to_the_holder_are_used_without_choosing():
    engines = Engines(Options(), given={("translation", "es", "en"): mapping_translator(lambda s: f"[{s}]", "marking")})
    result = Pipeline(source="es", engines=engines).translate(SPANISH[0])
    assert result["paragraphs"] == [f"[{SPANISH[0]}]"] and result["metadata"]["translator"]["engine"] == "marking"
    assert result["metadata"]["notes"] == []


@pytest.mark.releases_models
def test_a_one_shot_pipeline_gives_the_language_models_back_once_it_has_detected_and_detects_alike_after():
    from summarize.text import langdetect

    def translate(one_shot: bool) -> dict:
        marking = mapping_translator(lambda s: f"[{s}]", "marking")
        engines = Engines(Options(), given={("translation", "es", "en"): marking}, one_shot=one_shot)
        return Pipeline(engines=engines).translate(SPANISH[0])

    def detected(result: dict) -> tuple:
        return result["paragraphs"], result["metadata"]["languages"]

    kept = translate(one_shot=False)
    assert langdetect._built
    given_back = translate(one_shot=True)
    assert langdetect._built == [] and langdetect._detector.cache_info().currsize == 0
    assert detected(translate(one_shot=True)) == detected(given_back) == detected(kept)
    assert kept["metadata"]["languages"]["source"] == "es"


def test_an_option_out_of_its_declared_range_is_refused_everywhere():
    from summarize.errors import InputError

    with pytest.raises(InputError, match="--max-length-factor nan is not a finite number"):
        Options(length_factor=float("nan"))
    with pytest.raises(InputError, match="--length '101%'"):
        Pipeline(length="101%")
    shown = CliRunner().invoke(cli, ["article", "--text", "x", "--length", "250%"])
    assert shown.exit_code == 2 and "must be at most 100" in shown.output


def test_bench_article_runs_are_told_apart_by_their_models(tmp_path):
    dataset = tmp_path / "articles.jsonl"
    rows = [{"id": f"d{i}", "document": " ".join(SPANISH[i : i + 5]), "summary": SPANISH[i]} for i in range(3)]
    dataset.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    runs = []
    for model in ("lead", "textrank"):
        out = tmp_path / model
        args = ["bench", "article", "--dataset", str(dataset), "--model", model, "--from", "en", "--to", "en", "--out", str(out)]
        done = CliRunner().invoke(cli, [*args, "--warmup", "0", "-q"])
        assert done.exit_code == 0, done.output
        runs.append(json.loads((out / "summary.json").read_text())["model"])
    assert [run["alias"] for run in runs] == ["identity + lead", "identity + textrank"]
    assert [run["engine"] for run in runs] == ["identity + extractive", "identity + extractive"]
    compared = CliRunner().invoke(cli, ["bench", "compare", str(tmp_path / "lead"), str(tmp_path / "textrank")])
    assert compared.exit_code == 0, compared.output
    assert "identity + lead" in compared.output and "identity + textrank" in compared.output


def test_a_failed_choice_is_tried_again_after_its_back_off(monkeypatch):
    """The same error within the back-off, with no new try; a new try after it, which a model
    that has become available since passes."""
    from summarize.core import engines as engines_module
    from summarize.core.engines import Engines
    from summarize.errors import ModelUnavailableError

    now = [0.0]
    tries = []
    engine = mapping_translator(str.upper)

    def choose(self, task, source, target, sentences):
        tries.append(now[0])
        if len(tries) == 1:
            raise ModelUnavailableError("'opus-mt-es-en' is being downloaded")
        return engines_module.Choice(engine)

    monkeypatch.setattr(Engines, "_choose", choose)
    engines = Engines(Options(), clock=lambda: now[0])
    for at in (0.0, 10.0):
        now[0] = at
        with pytest.raises(ModelUnavailableError, match="being downloaded"):
            engines.translator("es", "en")
    now[0] = Engines.RETRY_AFTER_S + 1
    assert engines.translator("es", "en").engine is engine and engines.translator("es", "en").engine is engine
    assert tries == [0.0, Engines.RETRY_AFTER_S + 1]
