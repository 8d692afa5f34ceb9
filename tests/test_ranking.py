"""`auto` ranks every translator this machine has for a pair by the chrF its card measured on the
pair's FLORES-200 dev set: the pair's own model when here, installed models (the Gemma
package), Apertium direct or through a third language."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from summarize.cli import cli
from summarize.core.engines import DEV_SET, chosen_chrf, dev_chrf, ranked_translators
from summarize.engines import apertium

#: Debian's pairs, as `apertium -l` lists them once the three through Spanish are installed.
THROUGH_SPANISH = ("eng-spa", "spa-eng", "fr-es", "es-fr", "es-pt", "pt-es", "ita-spa", "spa-ita")
GERMAN = "Der Stadtrat hat gestern den Haushalt der Stadt für das nächste Jahr beschlossen."


def test_the_cards_carry_dev_figures_for_the_pairs_ranked():
    from summarize.catalog.cards import load_cards

    cards = load_cards()
    for source in ("es", "fr", "it", "pt"):
        assert dev_chrf(cards["apertium"], source, "en") is not None, source
    for source in ("es", "fr", "de", "it", "pt"):
        assert dev_chrf(cards["gemma-3-270m"], source, "en") is not None, source
    assert DEV_SET.format(source="de", target="en") == "flores200-dev de-en"


@pytest.mark.installed_models
def test_installed_models_and_apertium_routes_rank_by_their_dev_chrf(monkeypatch):
    from summarize.catalog.cards import load_cards

    monkeypatch.setattr(apertium, "available_modes", lambda: THROUGH_SPANISH)
    cards = load_cards()
    for source in ("es", "fr", "it", "pt", "de"):
        ranked = ranked_translators(source, "en")
        figures = [found.chrf for found in ranked]
        assert figures == sorted(figures, reverse=True), source
        names = {found.name for found in ranked}
        route = f"Apertium {apertium.route_name(source, 'en')}"
        gemma = "gemma-3-270m" + (f", chosen per sentence with {route}" if source != "de" else "")
        assert gemma in names and (route in names) == (source != "de")
        gemma_chrf = chosen_chrf(cards["gemma-3-270m"], source, "en")
        gemma_chrf = gemma_chrf or dev_chrf(cards["gemma-3-270m"], source, "en")
        assert ranked[0].chrf == max(dev_chrf(cards["apertium"], source, "en") or 0, gemma_chrf)
    # Kept to the conversions, auto ranks no GGUF model.
    assert [found.name for found in ranked_translators("de", "en", allowed=("ctranslate2", "openvino"))] == []


def test_without_an_installed_model_german_is_the_pair_s_own_model_to_download():
    result = CliRunner().invoke(cli, ["translate", "--text", GERMAN])
    assert result.exit_code == 4 and "summarize models download opus-mt-de-en" in result.stderr


@pytest.mark.installed_models
def test_german_is_translated_by_the_installed_gemma_package_and_says_so():
    pytest.importorskip("xllamacpp")
    result = CliRunner().invoke(cli, ["translate", "--text", GERMAN, "--format", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["metadata"]["translator"]["alias"] == "gemma-3-270m"
    assert "city council" in record["paragraphs"][0].lower() or "budget" in record["paragraphs"][0].lower()
    assert "using gemma-3-270m instead" in result.stderr and "ranked first here by chrF on FLORES-200 dev de-en" in result.stderr
    shown = CliRunner().invoke(cli, ["models", "rank", "--from", "de"])
    assert shown.exit_code == 0 and shown.stdout.startswith("1. gemma-3-270m: chrF ")


def test_models_rank_lists_apertium_s_route(monkeypatch):
    monkeypatch.setattr(apertium, "available_modes", lambda: THROUGH_SPANISH)
    shown = CliRunner().invoke(cli, ["models", "rank", "--from", "pt"])
    assert shown.exit_code == 0 and "Apertium pt->es->en: chrF " in shown.stdout
    missing = CliRunner().invoke(cli, ["models", "rank", "--from", "de"])
    assert missing.exit_code == 5 and "summarize models download opus-mt-de-en" in missing.stderr


def test_the_note_says_why_the_pair_s_own_model_was_not_taken(monkeypatch):
    from summarize.catalog.cards import load_cards
    from summarize.core import engines

    cards = load_cards()
    own, gemma = cards["opus-mt-fr-en"], cards["gemma-3-270m"]
    holder = engines.Engines()
    monkeypatch.setattr(holder, "_load", lambda *args, **kwargs: object())
    for here, said in (
        (True, "'opus-mt-fr-en' is here, and ranks below;"),
        (False, "'opus-mt-fr-en' is not in the local cache;"),
    ):
        ranked = [engines.Ranked(gemma, "gemma-3-270m", 51.16)] + ([engines.Ranked(own, own.alias, 40.0, True)] if here else [])
        monkeypatch.setattr(engines, "ranked_translators", lambda *args, ranked=ranked: ranked)
        (note,) = holder._best_translator("fr", "en", own, None).notes
        assert note.startswith(f"translation: {said} using gemma-3-270m instead") and "51.16" in note
        assert ("summarize models download" in note) == (not here)


def test_a_model_whose_runtime_is_not_installed_is_not_ranked(monkeypatch):
    """The Gemma GGUF is here but xllamacpp is not (a base install): Apertium is taken, never an
    engine that cannot load."""
    import importlib.util

    from summarize.catalog import gguf

    found = importlib.util.find_spec
    monkeypatch.setattr(gguf, "package_installed", lambda card: True)
    monkeypatch.setattr(apertium, "available_modes", lambda: THROUGH_SPANISH)
    assert "gemma-3-270m" in ranked_translators("es", "en")[0].name
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *rest: None if name == "xllamacpp" else found(name, *rest))
    assert [ranked.name for ranked in ranked_translators("es", "en")] == ["Apertium es->en"]
