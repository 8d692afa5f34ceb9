"""The numpy search gives transformers' `generate` outputs when both see the same model: here a step
function that runs the tiny BART through transformers, recomputing the whole prefix each step."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from summarize.engines.search import SearchSettings, search
from tests.corpus import ENGLISH, SPANISH

SETTINGS = {
    "greedy": dict(num_beams=1, max_new_tokens=18),
    "beam4": dict(num_beams=4, max_new_tokens=18),
    "cnn": dict(
        num_beams=4,
        max_new_tokens=22,
        min_new_tokens=8,
        length_penalty=2.0,
        early_stopping=True,
        no_repeat_ngram_size=3,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
    ),
    "never-stop-early": dict(num_beams=3, max_new_tokens=14, length_penalty=0.5, early_stopping="never", no_repeat_ngram_size=2),
    "heuristic-stop": dict(num_beams=2, max_new_tokens=14, min_new_tokens=4, early_stopping=False),
    "banned-renormalized": dict(
        num_beams=3, max_new_tokens=14, banned_token_ids=(339, 391), renormalize=True, forced_bos_token_id=0
    ),
}


@pytest.fixture(scope="module")
def bart(tiny_models):
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    folder = tiny_models["bart"]
    return AutoModelForSeq2SeqLM.from_pretrained(folder).eval(), AutoTokenizer.from_pretrained(folder)


def _transformers_step(model, encoded, inputs: int):
    import torch

    state = {"sequences": None}

    def step(tokens: np.ndarray, origins: np.ndarray | None) -> np.ndarray:
        sequences = state["sequences"]
        if sequences is None:
            sequences = tokens[:, None]
        else:
            sequences = np.concatenate([sequences if origins is None else sequences[origins], tokens[:, None]], axis=1)
        state["sequences"] = sequences
        beams = len(tokens) // inputs
        with torch.inference_mode():
            logits = model(
                input_ids=encoded["input_ids"].repeat_interleave(beams, 0),
                attention_mask=encoded["attention_mask"].repeat_interleave(beams, 0),
                decoder_input_ids=torch.tensor(sequences),
            ).logits[:, -1]
        return logits.float().log_softmax(-1).numpy()

    return step


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_search_equals_transformers_generate(bart, name):
    import torch
    from transformers import GenerationConfig

    model, tokenizer = bart
    texts = ENGLISH + SPANISH
    encoded = tokenizer(texts, return_tensors="pt", padding=True)
    settings = SearchSettings(start_token_id=2, eos_token_id=2, pad_token_id=1, **SETTINGS[name])
    # Every field stated: transformers fills unset ones from the model's saved generation config.
    fields = {
        k: v for k, v in dataclasses.asdict(settings).items() if k not in ("start_token_id", "banned_token_ids", "renormalize")
    }
    config = GenerationConfig(
        do_sample=False,
        decoder_start_token_id=2,
        bos_token_id=0,
        **fields,
        bad_words_ids=[[t] for t in settings.banned_token_ids] or None,
        renormalize_logits=settings.renormalize,
    )
    with torch.inference_mode():
        reference = model.generate(**encoded, generation_config=config)
    expected = [tokenizer.decode(row, skip_special_tokens=True) for row in reference]
    got = [
        tokenizer.decode(ids, skip_special_tokens=True)
        for ids in search(_transformers_step(model, encoded, len(texts)), len(texts), settings)
    ]
    assert got == expected
    assert len(set(got)) > 1


def test_a_hypothesis_that_never_ends_fills_the_maximum(bart):
    model, tokenizer = bart
    encoded = tokenizer(ENGLISH[:2], return_tensors="pt", padding=True)
    settings = SearchSettings(start_token_id=2, eos_token_id=2, pad_token_id=1, num_beams=2, max_new_tokens=7, min_new_tokens=7)
    generated = search(_transformers_step(model, encoded, 2), 2, settings)
    assert [len(ids) for ids in generated] == [7, 7]
