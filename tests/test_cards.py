"""Model cards: the shipped ones validate; mistakes are named; aliases resolve."""

from __future__ import annotations

import pytest

from summarize.catalog.cards import card_for_folder, load_cards, parse_card, resolve
from summarize.errors import CardError, UnknownModelError
from summarize.text.choice import SIGNALS

REQUIRED = {
    "opus-mt-es-en",
    "opus-mt-fr-en",
    "opus-mt-de-en",
    "opus-mt-it-en",
    "opus-mt-romance-en",
    "opus-mt-en-es",
    "nllb-200-distilled-600m",
    "m2m100-418m",
    "distilbart-cnn-12-6",
    "bart-large-cnn",
    "pegasus-xsum",
    "mt5-xlsum",
    "textrank",
    "lexrank",
    "lead",
    "apertium",
}


def test_every_required_card_ships():
    assert REQUIRED <= set(load_cards())


NEURAL_REQUIRED = sorted(alias for alias in REQUIRED if not load_cards()[alias].weightless)


def test_the_shipped_cards_give_each_step_its_preferred_neural_model():
    from summarize.core.engines import default_card

    assert default_card("translation", "es", "en").alias == "opus-mt-es-en"
    assert default_card("translation", "en", "es").alias == "opus-mt-en-es"
    assert default_card("summarization", "en", None).alias == "distilbart-cnn-12-6"


@pytest.mark.parametrize("alias", NEURAL_REQUIRED)
def test_neural_cards_carry_what_the_bench_needs(alias):
    card = load_cards()[alias]
    assert card.hub_id and card.revision and card.max_input_tokens and card.parameters
    assert card.config["model_type"] and card.config["vocab_size"] > 1000
    assert card.generation["num_beams"] >= 1 and card.generation["max_new_tokens"] > 0
    if card.task == "summarization":
        assert set(card.lengths) == {"short", "medium", "long"}


SCALES = {"BLEU": (0, 100), "chrF": (0, 1), "chrF++": (0, 100), "ROUGE-1": (0, 100), "ROUGE-2": (0, 100), "ROUGE-L": (0, 100)}


@pytest.mark.parametrize("alias", NEURAL_REQUIRED)
def test_published_scores_name_their_dataset_and_source_with_a_value_on_the_metric_scale(alias):
    for score in load_cards()[alias].scores:
        low, high = SCALES[score.metric]
        assert score.dataset and score.source.strip() and low < score.value <= high, score


def test_unknown_alias_names_close_matches():
    with pytest.raises(UnknownModelError, match="did you mean opus-mt-es-en"):
        resolve("opus-mt-es-eng", "translation")


def test_alias_of_the_wrong_task_is_refused():
    with pytest.raises(UnknownModelError, match="summarization model"):
        resolve("distilbart-cnn-12-6", "translation")


def test_hub_id_resolves_to_its_card():
    assert resolve("Helsinki-NLP/opus-mt-es-en", "translation").alias == "opus-mt-es-en"


def test_local_folder_becomes_a_card(tiny_models):
    card = card_for_folder(tiny_models["nllb"], "translation")
    assert card.architecture == "nllb" and card.local_path == tiny_models["nllb"]


WEIGHTS = ("intercept", *SIGNALS)
NEURAL = {"alias": "x", "task": "translation", "engines": ["transformers"], "architecture": "marian", "hub_id": "a/b"}


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({"task": "translation", "engines": ["transformers"], "architecture": "marian"}, "missing field 'alias'"),
        ({"alias": "x", "task": "poetry", "engines": ["transformers"], "architecture": "marian"}, "task must be"),
        ({"alias": "x", "task": "translation", "engines": ["nope"], "architecture": "marian"}, "engines must be"),
        ({"alias": "x", "task": "translation", "engines": ["transformers"], "architecture": "marian"}, "hub_id"),
        (
            {
                "alias": "x",
                "task": "translation",
                "engines": ["transformers"],
                "architecture": "marian",
                "hub_id": "a/b",
                "generation": {"beams": 4},
            },
            "unknown generation settings",
        ),
        (
            {"alias": "x", "task": "translation", "engines": ["extractive"], "architecture": "extractive", "colour": "red"},
            "unknown fields",
        ),
        # Types, field by field: each of these once gave a traceback or was read wrongly.
        ({**NEURAL, "lengths": 5}, "'lengths' must be a table"),
        ({**NEURAL, "lengths": {"short": 5}}, "'lengths' must be a table of tables"),
        ({**NEURAL, "parameters": "big"}, "'parameters' must be an integer"),
        ({**NEURAL, "parameters": -3}, "'parameters' must be positive"),
        ({**NEURAL, "max_input_tokens": True}, "'max_input_tokens' must be an integer"),
        ({**NEURAL, "source_languages": "es"}, "'source_languages' must be a list of strings"),
        ({**NEURAL, "engines": "transformers"}, "'engines' must be a list"),
        ({**NEURAL, "language_codes": {"es": 3}}, "'language_codes' must be a table of strings"),
        ({**NEURAL, "generation": {"num_beams": "4"}}, "'generation.num_beams' must be an integer"),
        ({**NEURAL, "lengths": {"short": {"length_penalty": "x"}}}, "'lengths.short.length_penalty' must be a number"),
        ({**NEURAL, "scores": [{"dataset": "d", "metric": "m", "value": "high", "source": "s"}]}, "bad score entry"),
        ({**NEURAL, "scores": {"a": 1}}, "'scores' must be a list"),
        ({**NEURAL, "choice": {"intercept": 1.0}}, "'choice' must be a table of tables"),
        ({**NEURAL, "choice": {"two_routes": {"intercept": 1.0}}}, "choice's tables are among one_route, several_routes"),
        ({**NEURAL, "choice": {"one_route": {"intercept": 1.0}}}, "choice.one_route weighs intercept, model_confidence"),
        ({**NEURAL, "choice": {"one_route": dict.fromkeys(WEIGHTS, "high")}}, "choice.one_route's weights must be numbers"),
    ],
)
def test_malformed_cards_are_named(data, why):
    """Every malformed card is a CardError naming the field (exit 7), never a traceback."""
    with pytest.raises(CardError, match=why):
        parse_card(data, "bad.toml")


def test_a_card_file_that_is_not_utf8_is_named(tmp_path):
    from summarize.catalog.cards import load_cards

    (tmp_path / "latin.toml").write_bytes('alias = "canción"\n'.encode("latin-1"))
    with pytest.raises(CardError, match="latin.toml: not UTF-8"):
        load_cards(tmp_path)


def test_a_shipped_card_on_a_moving_ref_says_why():
    """A branch or pull-request ref can move under the user: a card that cannot pin a full commit
    hash must say why, and `models show` warns."""
    from click.testing import CliRunner

    from summarize.cli import cli

    moving = [card for card in load_cards().values() if card.hub_id and not card.pinned]
    assert moving and all(card.revision_note for card in moving), [c.alias for c in moving if not c.revision_note]
    shown = CliRunner().invoke(cli, ["models", "show", moving[0].alias])
    assert "a ref that can move" in shown.stderr and moving[0].revision_note in shown.stderr
    pinned = next(card for card in load_cards().values() if card.hub_id and card.pinned)
    assert "can move" not in CliRunner().invoke(cli, ["models", "show", pinned.alias]).stderr
