"""The sequence-to-sequence engines' shared half. A runtime (transformers, CTranslate2, OpenVINO)
loads its model and turns token ids into generated ids; everything else is here, once:
tokenising with the card's prefix, the input budget, length-sorted batches and the order put back,
language codes and the forced target token, and the generation settings from the model and card.

Each call is prepare (tokenise, check the budget, sort), run (`run_ids`, the model alone, so the
bench can time it), finish (decode, restore the input order)."""

from __future__ import annotations

import json
import math
from abc import abstractmethod
from pathlib import Path

from summarize.catalog.cards import ModelCard
from summarize.engines.base import Translated, check_budget
from summarize.engines.bounds import RETRY_SETTINGS, loops, output_bound
from summarize.engines.runtime import FromConversion, NeuralModel, load_tokenizer, pick_device, saved_generation

# When neither the card nor the tokenizer nor the model says how long an input may be.
DEFAULT_INPUT_BUDGET = 1024
# When neither the card nor the model's saved settings bound the output.
DEFAULT_MAX_NEW_TOKENS = 256
# Architectures whose tokenizer takes a source language and whose output starts with a forced
# target-language token.
LANGUAGE_CODED = ("nllb", "m2m_100")


class Seq2Seq(NeuralModel):
    """A loaded tokenizer and model with the card's generation defaults; runtimes subclass it and
    fill in `load`, `run_ids` and `runtime_settings`."""

    #: Inputs per `run_ids` call (None: all at once, the runtime splits them itself), and the
    #: most padded tokens per call.
    max_batch: int | None = 16
    max_batch_tokens: int | None = None

    def __init__(
        self, card: ModelCard, tokenizer_folder: Path, device: str, architecture: str, positions: int | None, saved: dict
    ):
        self.card = card
        self.device = device
        self.architecture = architecture
        self.tokenizer = load_tokenizer(tokenizer_folder)
        self.saved_generation = saved
        self.max_input_tokens = card.max_input_tokens or min(
            self.tokenizer.model_max_length or DEFAULT_INPUT_BUDGET, positions or DEFAULT_INPUT_BUDGET, DEFAULT_INPUT_BUDGET
        )

    @abstractmethod
    def run_ids(self, inputs: list[list[int]], settings) -> list[list[int]]:
        """Generated ids for each input (token ids, its prefix included), in order, without the
        decoder's start token; `settings` as `runtime_settings` gave them."""

    def settings_for(self, length: str | None = None, target: str | None = None):
        """The runtime's settings for a length and target (what a call with them runs with)."""
        return self.runtime_settings(self.generation(length, target))

    def encode(self, text: str, source: str | None = None, target: str | None = None) -> list[int]:
        """Token ids of `text` with the card's prefix for `target`; for the language-coded
        architectures, the source language's code first and the end token last (as their
        tokenizers do with `src_lang` set, without changing the shared tokenizer)."""
        text = self.card.prefix(target) + text
        if not (source and self.architecture in LANGUAGE_CODED):
            return self.tokenizer(text).input_ids
        code = self.tokenizer.convert_tokens_to_ids(self.language_token(source))
        return [code, *self.tokenizer(text, add_special_tokens=False).input_ids, self.tokenizer.eos_token_id]

    def count_tokens(self, text: str, target: str | None = None) -> int:
        """Length of `text` in the model's tokens, with the prefix it gets for `target`."""
        return len(self.encode(text, None, target))

    def language_token(self, language: str) -> str:
        code = self.card.code(language)
        return code if self.architecture == "nllb" else f"__{code}__"

    def generation(self, length: str | None = None, target: str | None = None) -> dict:
        """Every setting stated: the model's saved ones, then the card's and the length's; output
        bounds as new tokens (transformers' rule: max_new_tokens over max_length, which counts the
        start token); the target-language token forced where the architecture needs it."""
        settings = {**self.saved_generation, **self.card.generation_for(length)}
        if not settings.get("max_new_tokens"):
            settings["max_new_tokens"] = settings["max_length"] - 1 if "max_length" in settings else DEFAULT_MAX_NEW_TOKENS
        if settings.get("min_new_tokens") is None:
            settings["min_new_tokens"] = max(settings.get("min_length", 0) - 1, 0)
        settings.pop("max_length", None)
        settings.pop("min_length", None)
        if target and self.architecture in LANGUAGE_CODED:
            settings["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(self.language_token(target))
        return settings

    def generate(
        self, texts: list[str], length: str | None = None, target: str | None = None, source: str | None = None
    ) -> list[str]:
        """Generated text for each of `texts`, in order, with the card's settings for `length`."""
        return [text for text, _, _ in self._run(texts, self.generation(length, target), source, target, bounded=False)]

    def translate(self, texts: list[str], source: str, target: str) -> Translated:
        """Each text translated, its new tokens bounded by its batch's longest source; a sentence
        that runs to the bound or loops is decoded once more without repeated 3-grams, and one
        that still runs away is kept and flagged (never dropped)."""
        decoded = self._run(texts, self.generation(None, target), source, target, bounded=True)
        return Translated(
            [text for text, _, _ in decoded], [ran_away for _, ran_away, _ in decoded], [], [c for _, _, c in decoded]
        )

    def ranked_translations(self, texts: list[str], source: str, target: str, count: int) -> list[list[str]]:
        """Up to `count` distinct translations of each text, best first: the finished hypotheses
        of a beam search at least `count` wide (the card's beams when wider), bounded as
        translations are."""
        settings = self.generation(None, target)
        settings = {**settings, "num_beams": max(settings.get("num_beams", 1), count), "hypotheses": count}
        ids = [self.encode(text, source, target) for text in texts]
        check_budget([len(seq) for seq in ids], self.max_input_tokens)
        found: list[list[str]] = [[] for _ in texts]
        for batch in self._batches(sorted(range(len(texts)), key=lambda i: -len(ids[i])), ids):
            bounded = self._bounded(settings, len(ids[batch[0]]))
            for index, generated in zip(batch, self.generate_ids([ids[i] for i in batch], bounded)):
                hypotheses = (generated, *generated.alternatives)
                decoded = (self.tokenizer.decode(ids_, skip_special_tokens=True).strip() for ids_ in hypotheses)
                found[index] = list(dict.fromkeys(text for text in decoded if text))[:count]
        return found

    def _run(self, texts: list[str], settings: dict, source: str | None, target: str | None, bounded: bool):
        """Each text's output, whether it ran away, and its confidence (`scored`: asked of a
        translation, where a runtime must work for it)."""
        settings = {**settings, "scored": True} if bounded else settings
        ids = [self.encode(text, source, target) for text in texts]
        check_budget([len(seq) for seq in ids], self.max_input_tokens)
        outputs: list[tuple[str, bool, float | None]] = [("", False, None)] * len(texts)
        for batch in self._batches(sorted(range(len(texts)), key=lambda i: -len(ids[i])), ids):
            batch_settings = self._bounded(settings, len(ids[batch[0]])) if bounded else settings
            decoded = self._decode(self.generate_ids([ids[i] for i in batch], batch_settings), batch_settings)
            if bounded:
                decoded = self._retry_runaways([ids[i] for i in batch], decoded, batch_settings)
            for index, result in zip(batch, decoded):
                outputs[index] = result
        return outputs

    def _bounded(self, settings: dict, longest_source: int) -> dict:
        """`settings` with the new tokens bounded by the batch's longest source."""
        bound = min(settings["max_new_tokens"], output_bound(self.card, longest_source))
        return {**settings, "max_new_tokens": bound, "min_new_tokens": min(settings["min_new_tokens"], bound)}

    def _decode(self, generated: list[list[int]], settings: dict) -> list[tuple[str, bool, float | None]]:
        """Each output's text, whether it ran away (to the bound on new tokens, or in a loop), and
        the model's confidence in it: the geometric mean of its tokens' probabilities, where the
        runtime gives them."""
        special = set(self.tokenizer.all_special_ids)
        room = settings["max_new_tokens"] - (1 if settings.get("forced_bos_token_id") is not None else 0)
        decoded = []
        for ids in generated:
            text = self.tokenizer.decode(ids, skip_special_tokens=True).strip()
            mean = getattr(ids, "mean_logprob", None)
            ran_away = sum(token not in special for token in ids) >= room or loops(text)
            decoded.append((text, ran_away, None if mean is None else math.exp(mean)))
        return decoded

    def _retry_runaways(self, inputs: list[list[int]], decoded: list[tuple], settings: dict) -> list[tuple]:
        """Runaway outputs decoded once more without repeated 3-grams; those still running away
        are kept and counted."""
        again = [i for i, (_, ran_away, _) in enumerate(decoded) if ran_away]
        if not again:
            return decoded
        retry = {**settings, **{k: v for k, v in RETRY_SETTINGS.items() if not settings.get(k)}}
        redone = self._decode(self.generate_ids([inputs[i] for i in again], retry), retry)
        for index, result in zip(again, redone):
            decoded[index] = result
        return decoded

    def _batches(self, order: list[int], ids: list[list[int]]) -> list[list[int]]:
        """Consecutive inputs of `order` (longest first) within the batch and token limits."""
        batches, current = [], []
        for index in order:
            longest = len(ids[current[0]]) if current else len(ids[index])
            full = self.max_batch is not None and len(current) >= self.max_batch
            too_many_tokens = self.max_batch_tokens is not None and longest * (len(current) + 1) > self.max_batch_tokens
            if current and (full or too_many_tokens):
                batches.append(current)
                current = []
            current.append(index)
        return batches + [current] if current else batches


class Converted(FromConversion, Seq2Seq):
    """A sequence-to-sequence runtime that runs conversions from the store."""

    def __init__(self, card: ModelCard, folder: Path, device: str):
        metadata = self.read_conversion(folder)
        super().__init__(
            card,
            folder,
            pick_device(device, self.runtime),
            metadata.get("architecture", card.architecture),
            self._positions(folder),
            saved_generation(folder),
        )

    def _positions(self, folder: Path) -> int | None:
        """The model's position limit, recorded at conversion (or in a copied config.json)."""
        if "max_position_embeddings" in self.metadata:
            return self.metadata["max_position_embeddings"]
        config = folder / "config.json"
        return json.loads(config.read_text(encoding="utf-8")).get("max_position_embeddings") if config.is_file() else None

    def describe(self) -> dict:
        """Also the CPU class whose measured row put this runtime first (runtimes/cpu.py)."""
        from summarize.runtimes import cpu

        return {**super().describe(), "cpu_class": cpu.current().name} if self.device == "cpu" else super().describe()
