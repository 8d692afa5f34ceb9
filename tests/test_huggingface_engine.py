"""The transformers engine on tiny models of every architecture, loaded the way real ones are."""

from __future__ import annotations

import pytest

from summarize.catalog.cards import card_for_folder
from summarize.engines.registry import engine_class
from tests.corpus import ENGLISH, SPANISH

HFTranslator = engine_class("translation", "transformers")
HFSummarizer = engine_class("summarization", "transformers")

TRANSLATION = ("marian", "m2m_100", "nllb")
SUMMARIZATION = ("bart", "t5", "mt5", "pegasus")
INPUTS = SPANISH[:5] + ["Hola.", "El martes llovió mucho en la ciudad y cerraron las escuelas del norte."]


@pytest.fixture(scope="module")
def translators(tiny_models):
    return {a: HFTranslator.from_card(card_for_folder(tiny_models[a], "translation"), device="cpu") for a in TRANSLATION}


@pytest.fixture(scope="module")
def summarizers(tiny_models):
    return {a: HFSummarizer.from_card(card_for_folder(tiny_models[a], "summarization"), device="cpu") for a in SUMMARIZATION}


def _direct_generate(model, texts, target=None, **settings):
    """What a hand-written loop over `model.generate` gives, one input at a time, and whether each
    output ran away (to the maximum of new tokens, or in a loop), as the engine judges it."""
    import torch

    config = model.settings_for(target=target)
    config.update(**settings)
    outputs = []
    for text in texts:
        encoded = model.tokenizer(model.card.prefix(target) + text, return_tensors="pt")
        with torch.inference_mode():
            ids = model.model.generate(**encoded, generation_config=config)
        outputs.append(model._decode(ids.tolist(), {**model.generation(target=target), **settings})[0])
    return outputs


@pytest.mark.parametrize("architecture", TRANSLATION)
def test_translation_matches_direct_generate_one_by_one(translators, architecture):
    """Batched translation gives transformers' own output, one input at a time: the first
    decoding where it stopped by itself, the retry without repeated 3-grams where it ran away."""
    translator = translators[architecture]
    batched = translator.translate(INPUTS, "es", "en")
    first = _direct_generate(translator.model, INPUTS, target="en")
    retried = _direct_generate(translator.model, INPUTS, target="en", no_repeat_ngram_size=3)
    expected = [again[0] if ran_away else text for (text, ran_away, _), again in zip(first, retried)]
    assert batched.texts == expected
    assert batched.ran_away == [ran_away and again[1] for (_, ran_away, _), again in zip(first, retried)]
    assert any(ran_away for _, ran_away, _ in first)  # tiny random models run to their 12 tokens: retried


def test_the_confidence_is_the_geometric_mean_of_the_chosen_tokens_probabilities(translators):
    """Against generate's own scores of each greedy step, one input at a time."""
    import torch

    model = translators["marian"].model
    config = model.settings_for(target="en")
    config.update(num_beams=1, output_scores=True, return_dict_in_generate=True)
    batched = translators["marian"].translate(INPUTS, "es", "en")
    for text, ran_away, confidence in zip(INPUTS, batched.ran_away, batched.confidences):
        if ran_away:
            continue  # decoded again without repeats: another setting
        encoded = model.tokenizer(model.card.prefix("en") + text, return_tensors="pt")
        with torch.inference_mode():
            out = model.model.generate(**encoded, generation_config=config)
        steps = model.model.compute_transition_scores(out.sequences, out.scores, normalize_logits=True)[0]
        assert confidence == pytest.approx(float(torch.exp(steps.mean())), rel=1e-4)
    assert all(c is not None and 0 < c <= 1 for c in batched.confidences)


@pytest.mark.parametrize("architecture", TRANSLATION)
def test_translation_is_deterministic_and_order_independent(translators, architecture):
    translator = translators[architecture]
    forward = translator.translate_batch(INPUTS, "es", "en")
    backward = translator.translate_batch(INPUTS[::-1], "es", "en")
    assert forward == backward[::-1]
    assert forward == translator.translate_batch(INPUTS, "es", "en")


def test_random_weights_still_depend_on_the_input(translators):
    outputs = translators["marian"].translate_batch(INPUTS, "es", "en")
    assert len(set(outputs)) > 1, "a test model that ignores its input proves nothing about order"


@pytest.mark.parametrize("architecture", ("m2m_100", "nllb"))
def test_multilingual_models_force_the_target_language_token(translators, architecture):
    model = translators[architecture].model
    for target in ("en", "fr"):
        config = model.settings_for(target=target)
        token = model.tokenizer.convert_tokens_to_ids(model.language_token(target))
        assert config.forced_bos_token_id == token != model.tokenizer.unk_token_id
        assert model.tokenizer.convert_ids_to_tokens(token) in ({"en": "eng_Latn", "fr": "fra_Latn"}[target], f"__{target}__")
        encoded = model.tokenizer(SPANISH[0], return_tensors="pt")
        ids = model.model.generate(**encoded, generation_config=config)
        assert ids[0, 1].item() == token


@pytest.mark.parametrize("architecture", ("m2m_100", "nllb"))
def test_multilingual_models_tag_the_source_language(translators, architecture):
    """The source code is put where the tokenizer puts it with `src_lang` set, and the shared
    tokenizer is left as it was."""
    import copy

    model = translators[architecture].model
    before = model.tokenizer.src_lang
    tokenizer = copy.deepcopy(model.tokenizer)
    tokenizer.src_lang = model.card.code("fr")
    assert model.encode(SPANISH[0], "fr") == tokenizer(SPANISH[0]).input_ids
    assert model.tokenizer.convert_tokens_to_ids(model.language_token("fr")) in model.encode(SPANISH[0], "fr")
    assert model.tokenizer.src_lang == before


@pytest.mark.parametrize("architecture", SUMMARIZATION)
def test_summaries_match_direct_generate_in_order(summarizers, architecture):
    summarizer = summarizers[architecture]
    passages = [ENGLISH[0:1], ENGLISH[1:3], ENGLISH[5:6], ENGLISH[6:8]]
    summaries = summarizer.summarize_batch(passages, "medium", "en")
    assert len(summaries) == len(passages)
    assert summaries == [text for text, _, _ in _direct_generate(summarizer.model, [" ".join(p) for p in passages])]


def test_card_generation_settings_reach_generate(summarizers):
    model = summarizers["bart"].model
    config = model.settings_for()
    assert config.max_new_tokens == 12 and config.num_beams == 1 and config.do_sample is False


def test_budget_comes_from_the_model_positions(summarizers):
    assert summarizers["bart"].max_input_tokens == 128


def test_over_budget_input_is_refused_not_truncated(summarizers):
    from summarize.errors import SummarizeError

    with pytest.raises(SummarizeError, match="over the budget"):
        summarizers["bart"].summarize_batch([[" ".join(ENGLISH * 3)]], "medium", "en")
