"""The Apertium engine and the offline `auto` fallbacks it makes possible."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from summarize.cards import load_cards
from summarize.cli import cli
from summarize.engines.apertium import ApertiumTranslator, strip_marks
from summarize.errors import EngineUnavailableError
from tests.corpus import SPANISH

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")


def test_marks_are_removed_but_source_characters_kept():
    assert strip_marks("The mullah #Baradar visited @Tianjin", "El mulá Baradar visitó Tianjin") == \
        "The mullah Baradar visited Tianjin"
    assert strip_marks("The #hashtag of the day", "El #hashtag del día") == "The #hashtag of the day"


def test_missing_apertium_names_the_packages(monkeypatch):
    monkeypatch.setattr("summarize.engines.apertium.shutil.which", lambda name: None)
    with pytest.raises(EngineUnavailableError, match="apt-get install apertium apertium-eng-spa"):
        ApertiumTranslator(load_cards()["apertium"])


@needs_apertium
def test_one_translation_per_sentence_in_order():
    sentences = SPANISH + ["Hola", "El mulá Abdul Ghani Baradar visitó Tianjin."]
    out = ApertiumTranslator(load_cards()["apertium"]).translate_batch(sentences, "es", "en")
    assert len(out) == len(sentences)
    assert "Baradar" in out[-1] and "*" not in out[-1]
    assert out[0].startswith("The")


@needs_apertium
def test_marks_can_be_kept():
    out = ApertiumTranslator(load_cards()["apertium"], keep_marks=True).translate_batch(
        ["El mulá Baradar visitó Tianjin."], "es", "en")
    assert "*" in out[0]


@needs_apertium
def test_offline_auto_falls_back_to_apertium_and_extractive(tmp_path):
    path = tmp_path / "noticia.txt"
    path.write_text("\n\n".join(SPANISH), encoding="utf-8")
    result = CliRunner().invoke(cli, ["article", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    meta = json.loads(result.stdout)["metadata"]
    assert meta["languages"]["source"] == "es"
    assert meta["translator"]["engine"] == "apertium" and meta["summarizer"]["engine"] == "extractive"
    assert "using Apertium" in result.stderr and "textrank" in result.stderr
    assert "opus-mt-es-en" in result.stderr


@pytest.mark.parametrize("command", ["article", "translate"])
def test_forced_neural_engine_offline_is_an_error_not_a_fallback(tmp_path, command):
    path = tmp_path / "noticia.txt"
    path.write_text("\n\n".join(SPANISH), encoding="utf-8")
    result = CliRunner().invoke(cli, [command, str(path), "--engine", "transformers"])
    assert result.exit_code != 0
    assert "opus-mt-es-en" in result.output and "HF_HUB_OFFLINE" in result.output
