"""Translation output bounded by each batch's longest source, on every engine, and runaway
output retried once and counted."""

from __future__ import annotations

import dataclasses

import pytest

from summarize.catalog.cards import card_for_folder
from summarize.engines.base import Translated
from summarize.engines.bounds import loops, output_bound
from summarize.engines.registry import engine_class
from summarize.engines.seq2seq import Seq2Seq
from tests.corpus import ENGLISH, SPANISH


def _counting_generate_ids(model, calls: list):
    """Wrap the model's runtime call to record each batch's inputs, settings and outputs."""
    original = model.generate_ids

    def recorded(inputs, settings):
        outputs = original(inputs, settings)
        calls.append((inputs, settings, outputs))
        return outputs

    model.generate_ids = recorded


# OpenVINO's conversion of its own takes 12 s on 2 cores: slow.
@pytest.mark.parametrize("engine", ["transformers", "ctranslate2", pytest.param("openvino", marks=pytest.mark.slow)])
def test_each_batch_is_bounded_by_its_longest_source(tiny_models, engine):
    card = dataclasses.replace(card_for_folder(tiny_models["marian"], "translation"), max_length_factor=0.25, max_length_offset=1)
    translator = engine_class("translation", engine).from_card(card, device="cpu")
    translator.model.max_batch = 4
    calls: list = []
    _counting_generate_ids(translator.model, calls)
    sentences = [" ".join(SPANISH[i : i + 1 + i % 2]) for i in range(10)]
    translations = translator.translate_batch(sentences, "es", "en")
    assert len(translations) == len(sentences)
    first_pass = [call for call in calls if not call[1].get("no_repeat_ngram_size")]
    assert [len(call[0]) for call in first_pass] == [4, 4, 2]  # 10 sentences in batches of 4
    special = set(translator.model.tokenizer.all_special_ids)
    for inputs, settings, outputs in calls:
        bound = output_bound(card, max(len(ids) for ids in inputs))
        assert settings["max_new_tokens"] == min(bound, 12)  # the tiny model's own maximum is 12
        assert all(sum(t not in special for t in ids) <= settings["max_new_tokens"] for ids in outputs)
    assert translator.describe()["output_bound"] == "0.25 x source tokens + 1"


def test_summaries_keep_the_cards_lengths(tiny_models):
    summarizer = engine_class("summarization", "transformers").from_card(
        dataclasses.replace(card_for_folder(tiny_models["bart"], "summarization"), max_length_factor=0.01), device="cpu"
    )
    calls: list = []
    _counting_generate_ids(summarizer.model, calls)
    summarizer.summarize_batch([ENGLISH[:1]], "medium", "en")
    assert calls[0][1]["max_new_tokens"] == 12


class LoopingModel(Seq2Seq):
    """A fake runtime: the same token over and over, or, when told not to repeat 3-grams and
    `cured` is set, a short output."""

    runtime = "transformers"

    def __init__(self, card, folder, cured: bool):
        super().__init__(card, folder, "cpu", "marian", None, {"max_new_tokens": 40})
        self.cured = cured
        self.settings_seen: list[dict] = []
        piece = self.tokenizer("the").input_ids[0]
        self.loop = [piece] * 40
        self.short = self.tokenizer("Hello.").input_ids

    @classmethod
    def load(cls, card, device, task, allow_download):
        raise NotImplementedError

    def precision(self):
        return "float32"

    def threads(self):
        return 1

    def runtime_settings(self, settings):
        return settings

    def run_ids(self, inputs, settings):
        self.settings_seen.append(settings)
        done = self.cured and settings.get("no_repeat_ngram_size")
        return [self.short if done else self.loop[: settings["max_new_tokens"]] for _ in inputs]


@pytest.mark.parametrize(("cured", "runaway"), [(True, 0), (False, 1)])
def test_a_looping_translation_is_retried_once_then_counted(tiny_models, cured, runaway):
    card = card_for_folder(tiny_models["marian"], "translation")
    model = LoopingModel(card, tiny_models["marian"], cured)
    translator = engine_class("translation", "transformers")(model)
    result = translator.translate([SPANISH[0]], "es", "en")
    assert len(model.settings_seen) == 2 and model.settings_seen[1]["no_repeat_ngram_size"] == 3
    assert sum(result.ran_away) == runaway
    assert (result.texts[0] == "Hello.") == cured


def test_the_count_reaches_the_metadata(tiny_models, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from summarize.cli import cli

    monkeypatch.setattr(Seq2Seq, "translate", _looping_translate)
    path = tmp_path / "in.txt"
    path.write_text(" ".join(SPANISH[:3]), encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "translate",
            str(path),
            "--from",
            "es",
            "--model",
            str(tiny_models["marian"]),
            "--format",
            "json",
            "--max-length-factor",
            "1.5",
        ],
    )
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.stdout)
    assert data["metadata"]["counts"]["sentences_hit_length_bound"] == 3
    assert data["metadata"]["translator"]["output_bound"] == "1.5 x source tokens + 10"
    assert "ran to the translation length bound" in result.stderr


def _looping_translate(self, texts, source, target):
    return Translated(["the " * 8 for _ in texts], [True] * len(texts))


@pytest.mark.parametrize(
    ("text", "looping"),
    [
        ("the the the the", True),
        ("of the city of the city of the city of the city", True),
        ("a b c d a b c d a b c d a b c d", True),
        ("The council approved the budget and the plan on Tuesday.", False),
        ("no no no", False),
    ],
)
def test_loops_are_runs_of_a_repeated_group(text, looping):
    assert loops(text) == looping
