"""The sequence-to-sequence engines' shared half. A runtime (transformers, CTranslate2, OpenVINO)
loads its model and turns token ids into generated ids; everything else is here, once:
tokenising with the card's prefix, the input budget, length-sorted batches and the order put back,
language codes and the forced target token, and the generation settings from the model and card.

Each call is prepare (tokenise, check the budget, sort), run (`generate_ids`, the model alone, so
the bench can time it), finish (decode, restore the input order)."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from pathlib import Path

from summarize.cards import ModelCard
from summarize.engines.base import check_budget
from summarize.engines.bounds import RETRY_SETTINGS, loops, output_bound
from summarize.engines.table import ENGINES
from summarize.errors import EngineUnavailableError

# When neither the card nor the tokenizer nor the model says how long an input may be.
DEFAULT_INPUT_BUDGET = 1024
# When neither the card nor the model's saved settings bound the output.
DEFAULT_MAX_NEW_TOKENS = 256
# Architectures whose tokenizer takes a source language and whose output starts with a forced
# target-language token.
LANGUAGE_CODED = ("nllb", "m2m_100")


def pick_device(requested: str, runtime: str = "transformers") -> str:
    """'auto' is CUDA when torch sees it and the runtime runs there, else the CPU; a 'cuda' that
    cannot be had is an error."""
    devices = ENGINES[runtime].devices
    if requested == "cuda" and "cuda" not in devices:
        raise EngineUnavailableError(f"the {runtime} engine runs on the CPU; use --device cpu or another engine")
    if requested == "cpu" or "cuda" not in devices:
        return "cpu"
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if not torch.cuda.is_available():
        raise EngineUnavailableError("--device cuda was asked for, but torch sees no CUDA device")
    return "cuda"


def saved_generation(folder: Path) -> dict:
    """The model's own generation settings (generation_config.json), set fields only."""
    path = folder / "generation_config.json"
    if not path.is_file():
        return {}
    return {k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if v is not None}


class Seq2Seq(ABC):
    """A loaded tokenizer and model with the card's generation defaults; runtimes subclass it."""

    #: The engine's name in the table.
    runtime: str = ""
    #: Runaway outputs in the last bounded `generate` call (after their retry), and which.
    runaway: int = 0
    ran_away: tuple[bool, ...] = ()
    #: Inputs per `generate_ids` call (None: all at once, the runtime splits them itself), and
    #: the most padded tokens per call.
    max_batch: int | None = 16
    max_batch_tokens: int | None = None

    def __init__(
        self, card: ModelCard, tokenizer_folder: Path, device: str, architecture: str, positions: int | None, saved: dict
    ):
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.card = card
        self.device = device
        self.architecture = architecture
        self.tokenizer = AutoTokenizer.from_pretrained(tokenizer_folder, trust_remote_code=False)
        self.saved_generation = saved
        self.max_input_tokens = card.max_input_tokens or min(
            self.tokenizer.model_max_length or DEFAULT_INPUT_BUDGET, positions or DEFAULT_INPUT_BUDGET, DEFAULT_INPUT_BUDGET
        )

    @classmethod
    @abstractmethod
    def load(cls, card: ModelCard, device: str, task: str, allow_download: bool) -> Seq2Seq:
        """The model for `card`, from the cache, a folder or a conversion (made if needed)."""

    @abstractmethod
    def generate_ids(self, inputs: list[list[int]], settings: dict) -> list[list[int]]:
        """Generated ids for each input (token ids, its prefix included), in order, without the
        decoder's start token."""

    def describe(self) -> dict:
        """What the metadata says of this runtime beyond model, engine and device: its version,
        the precision it computes in, and its CPU threads."""
        from summarize.bench.environment import package_version

        return {"runtime_version": package_version(self.runtime), "quantization": self.precision(), "threads": self.threads()}

    @abstractmethod
    def precision(self) -> str:
        """The weights' precision or quantisation as it runs (float32, int8, ...)."""

    @abstractmethod
    def threads(self) -> int | None:
        """CPU threads the runtime computes with (None on a GPU)."""

    def count_tokens(self, text: str, target: str | None = None) -> int:
        """Length of `text` in the model's tokens, with the prefix it gets for `target`."""
        return len(self.tokenizer(self.card.prefix(target) + text).input_ids)

    def set_source_language(self, source: str | None) -> None:
        if source and self.architecture in LANGUAGE_CODED:
            self.tokenizer.src_lang = self.card.code(source)

    def target_token(self, target: str) -> str:
        code = self.card.code(target)
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
            settings["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(self.target_token(target))
        return settings

    def generate(
        self, texts: list[str], length: str | None = None, target: str | None = None, bounded: bool = False
    ) -> list[str]:
        """Generated text for each of `texts`, in order. `bounded` (translation): each batch's new
        tokens are bounded by its longest source, and a sentence that runs to the bound or loops is
        decoded once more without repeated 3-grams; `self.runaway` counts those that still run
        away (kept, never dropped)."""
        self.runaway, self.ran_away = 0, ()
        if not texts:
            return []
        settings = self.generation(length, target)
        prefix = self.card.prefix(target)
        ids = [self.tokenizer(prefix + text).input_ids for text in texts]
        check_budget([len(seq) for seq in ids], self.max_input_tokens)
        outputs, ran_away = [""] * len(texts), [False] * len(texts)
        for batch in self._batches(sorted(range(len(texts)), key=lambda i: -len(ids[i])), ids):
            batch_settings = self._bounded(settings, len(ids[batch[0]])) if bounded else settings
            decoded = self._decode(self.generate_ids([ids[i] for i in batch], batch_settings), batch_settings)
            if bounded:
                decoded = self._retry_runaways([ids[i] for i in batch], decoded, batch_settings)
                for index, (_, runaway) in zip(batch, decoded):
                    ran_away[index] = runaway
            for index, (text, _) in zip(batch, decoded):
                outputs[index] = text
        self.ran_away = tuple(ran_away)
        self.runaway = sum(ran_away)
        return outputs

    def _bounded(self, settings: dict, longest_source: int) -> dict:
        """`settings` with the new tokens bounded by the batch's longest source."""
        bound = min(settings["max_new_tokens"], output_bound(self.card, longest_source))
        return {**settings, "max_new_tokens": bound, "min_new_tokens": min(settings["min_new_tokens"], bound)}

    def _decode(self, generated: list[list[int]], settings: dict) -> list[tuple[str, bool]]:
        """Each output's text, and whether it ran away: to the bound on new tokens, or in a loop."""
        special = set(self.tokenizer.all_special_ids)
        room = settings["max_new_tokens"] - (1 if settings.get("forced_bos_token_id") is not None else 0)
        decoded = []
        for ids in generated:
            text = self.tokenizer.decode(ids, skip_special_tokens=True).strip()
            decoded.append((text, sum(token not in special for token in ids) >= room or loops(text)))
        return decoded

    def _retry_runaways(self, inputs: list[list[int]], decoded: list[tuple[str, bool]], settings: dict) -> list[tuple[str, bool]]:
        """Runaway outputs decoded once more without repeated 3-grams; those still running away
        are kept and counted."""
        again = [i for i, (_, ran_away) in enumerate(decoded) if ran_away]
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


class Converted(Seq2Seq):
    """A runtime that runs conversions from the store: found, or made on first use."""

    def __init__(self, card: ModelCard, folder: Path, device: str):
        from summarize.conversions.store import read_metadata

        self.folder = folder
        self.metadata = read_metadata(folder)
        self.quantization = self.metadata["quantization"]
        super().__init__(
            card,
            folder,
            pick_device(device, self.runtime),
            self.metadata.get("architecture", card.architecture),
            self._positions(folder),
            saved_generation(folder),
        )

    def _positions(self, folder: Path) -> int | None:
        """The model's position limit, recorded at conversion (or in a copied config.json)."""
        if "max_position_embeddings" in self.metadata:
            return self.metadata["max_position_embeddings"]
        config = folder / "config.json"
        return json.loads(config.read_text(encoding="utf-8")).get("max_position_embeddings") if config.is_file() else None

    @classmethod
    def load(cls, card: ModelCard, device: str, task: str, allow_download: bool) -> Converted:
        from summarize.conversions.store import conversion_for

        resolved = pick_device(device, cls.runtime)
        return cls.from_folder(card, conversion_for(card, cls.runtime, resolved, allow_download), resolved, task)

    @classmethod
    def from_folder(cls, card: ModelCard, folder: Path, device: str, task: str) -> Converted:
        return cls(card, folder, device)

    def precision(self) -> str:
        return self.quantization

    def describe(self) -> dict:
        """Also the CPU class whose measured row put this runtime first (engines/cpu.py)."""
        from summarize.engines import cpu

        return {**super().describe(), "cpu_class": cpu.current().name} if self.device == "cpu" else super().describe()
