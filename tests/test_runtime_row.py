"""A new runtime is one row of the engine table and one module: a fake chat-only runtime
(tests/fake_chat_runtime.py) runs through `article --order direct`, `translate` and the service."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from summarize.cli import cli
from summarize.runtimes.table import ENGINES, EngineRow
from tests.corpus import SPANISH

ROW = EngineRow("fakechat", models={"chat": "tests.fake_chat_runtime:FakeChat"})


@pytest.fixture()
def fake_runtime(monkeypatch):
    monkeypatch.setitem(ENGINES, "fakechat", ROW)


def test_the_row_is_a_choice_of_engine_and_runs_article_direct(fake_runtime, tiny_chat_models):
    folder = str(tiny_chat_models["qwen2"])
    assert "fakechat" in CliRunner().invoke(cli, ["article", "--help"]).output
    text = " ".join(SPANISH[:4])
    args = ["article", "--text", text, "--summarizer", folder, "--engine", "fakechat", "--order", "direct", "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"] == "SUMMARY: " + " ".join(text.split()[:6])
    assert data["metadata"]["summarizer"]["engine"] == "fakechat"
    assert data["metadata"]["summarizer"]["quantization"] == "none"


def test_the_row_translates_one_line_per_sentence(fake_runtime, tiny_chat_models):
    args = ["translate", "--text", " ".join(SPANISH[:3]), "--from", "es", "--engine", "fakechat"]
    result = CliRunner().invoke(cli, [*args, "--model", str(tiny_chat_models["llama"]), "--format", "tsv", "-q"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.rstrip("\n").split("\n")]
    # The fake copies its input: "tres" is no English number, and the fact check's repair holds 3.
    assert [row[2] for row in rows] == [f"(en) {s}".replace("tres", "3") for s in SPANISH[:3]]


def test_the_row_serves_translation_and_summaries(fake_runtime, tiny_chat_models):
    from fastapi.testclient import TestClient

    from summarize.core.options import Options
    from summarize.service.app import create_app
    from summarize.service.settings import Settings

    folder = str(tiny_chat_models["qwen2"])
    settings = Settings(job=Options(engine="fakechat", translator=folder, summarizer=folder))
    with TestClient(create_app(settings)) as http:
        translated = http.post("/translate", json={"q": SPANISH[0], "source": "es", "target": "en"})
        summary = http.post("/summarize", json={"text": " ".join(SPANISH[:3]), "source": "es", "order": "direct"})
        models = http.get("/models").json()
    assert translated.status_code == 200 and translated.json()["translatedText"] == f"(en) {SPANISH[0]}"
    assert summary.status_code == 200 and summary.json()["summary"].startswith("SUMMARY: ")
    assert {e["engine"] for e in models["engines"]} == {"fakechat"}
