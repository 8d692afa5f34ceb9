"""The `transformers` engine: AutoModelForSeq2SeqLM + generate, for translation and summaries.

Each call is prepare (tokenise, sort by length, batch), run (the model alone, so the bench can
time it), finish (decode, restore input order)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from summarize.cards import ModelCard
from summarize.engines.base import NeuralSummarizer, NeuralTranslator, check_budget
from summarize.errors import EngineUnavailableError, ModelUnavailableError
from summarize.hub import resolve_weights

BATCH_SIZE = 16
MAX_BATCH_TOKENS = 8192
_UNBOUNDED = 1_000_000


def pick_device(requested: str) -> str:
    """'auto' is CUDA when present, else the CPU; an unavailable 'cuda' is an error."""
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        raise EngineUnavailableError("--device cuda was asked for, but torch sees no CUDA device")
    return requested


def pick_dtype(device: str, architecture: str):
    """float32 on CPU; on CUDA bfloat16 for T5-family models (float16 overflows) else float16."""
    import torch

    if device == "cpu":
        return torch.float32
    return torch.bfloat16 if architecture in ("t5", "mt5") else torch.float16


@dataclass
class Batch:
    """Inputs of one model call and their positions in the caller's list."""

    indices: list[int]
    inputs: dict


class Seq2SeqModel:
    """A loaded tokenizer and model with the card's generation defaults."""

    def __init__(self, card: ModelCard, device: str = "auto", allow_download: bool = True):
        folder = resolve_weights(card, allow_download=allow_download)
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.card = card
        self.device = pick_device(device)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(folder, trust_remote_code=False)
            model = AutoModelForSeq2SeqLM.from_pretrained(
                folder, use_safetensors=True, trust_remote_code=False,
                dtype=pick_dtype(self.device, card.architecture),
            )
        except Exception as exc:  # corrupt or incomplete files surface as many exception types
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelUnavailableError(f"model '{card.alias}' in {folder} cannot be loaded: {first_line}") from None
        self.model = model.to(self.device).eval()
        self.architecture = self._architecture()
        self._torch = torch

    def _architecture(self) -> str:
        if self.card.architecture != "auto":
            return self.card.architecture
        if type(self.tokenizer).__name__.startswith("Nllb"):
            return "nllb"
        return self.model.config.model_type

    @property
    def max_input_tokens(self) -> int:
        """The card's budget, else the tokenizer's or the model's position limit."""
        if self.card.max_input_tokens:
            return self.card.max_input_tokens
        limit = getattr(self.tokenizer, "model_max_length", _UNBOUNDED) or _UNBOUNDED
        positions = getattr(self.model.config, "max_position_embeddings", None) or _UNBOUNDED
        return min(limit if limit < _UNBOUNDED else positions, positions)

    def count_tokens(self, text: str, target: str | None = None) -> int:
        return len(self.tokenizer(self.card.prefix(target) + text).input_ids)

    def generation_config(self, length: str | None = None, target: str | None = None):
        """Every setting stated: the model's saved config, then the card's defaults and length."""
        config = copy.deepcopy(self.model.generation_config)
        settings = self.card.generation_for(length)
        if target and self.architecture in ("nllb", "m2m_100"):
            settings["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(self._target_token(target))
        config.update(**settings)
        config.do_sample = False
        return config

    def _target_token(self, target: str) -> str:
        code = self.card.code(target)
        return code if self.architecture == "nllb" else f"__{code}__"

    def set_source_language(self, source: str | None) -> None:
        if source and self.architecture in ("nllb", "m2m_100"):
            self.tokenizer.src_lang = self.card.code(source)

    def prepare(self, texts: list[str], target: str | None = None) -> list[Batch]:
        """Tokenise without truncation, sort longest first, cut into padded batches."""
        prefix = self.card.prefix(target)
        ids = [self.tokenizer(prefix + t).input_ids for t in texts]
        check_budget([len(seq) for seq in ids], self.max_input_tokens)
        order = sorted(range(len(texts)), key=lambda i: -len(ids[i]))
        batches, current = [], []
        for index in order:
            longest = len(ids[current[0]]) if current else len(ids[index])
            if current and (len(current) >= BATCH_SIZE or longest * (len(current) + 1) > MAX_BATCH_TOKENS):
                batches.append(self._batch(current, ids))
                current = []
            current.append(index)
        if current:
            batches.append(self._batch(current, ids))
        return batches

    def _batch(self, indices: list[int], ids: list[list[int]]) -> Batch:
        padded = self.tokenizer.pad({"input_ids": [ids[i] for i in indices]}, padding=True, return_tensors="pt")
        return Batch(indices, {k: v.to(self.device) for k, v in padded.items()})

    def run(self, batch: Batch, generation_config):
        """The model call alone."""
        with self._torch.inference_mode():
            return self.model.generate(**batch.inputs, generation_config=generation_config)

    def finish(self, batches: list[Batch], outputs: list, count: int) -> list[str]:
        """Decode and put results back in input order."""
        results: list[str] = [""] * count
        for batch, output in zip(batches, outputs):
            texts = self.tokenizer.batch_decode(output, skip_special_tokens=True)
            for index, text in zip(batch.indices, texts):
                results[index] = text.strip()
        return results

    def generate(self, texts: list[str], length: str | None = None, target: str | None = None) -> list[str]:
        if not texts:
            return []
        config = self.generation_config(length, target)
        batches = self.prepare(texts, target)
        outputs = [self.run(batch, config) for batch in batches]
        return self.finish(batches, outputs, len(texts))


class HFTranslator(NeuralTranslator):
    """Marian, M2M100 and NLLB translation through transformers."""

    engine_name = "transformers"

    @classmethod
    def from_card(cls, card: ModelCard, device: str = "auto", allow_download: bool = True) -> HFTranslator:
        return cls(Seq2SeqModel(card, device, allow_download))


class HFSummarizer(NeuralSummarizer):
    """BART, PEGASUS and T5/mT5 summaries through transformers."""

    engine_name = "transformers"

    @classmethod
    def from_card(cls, card: ModelCard, device: str = "auto", allow_download: bool = True) -> HFSummarizer:
        return cls(Seq2SeqModel(card, device, allow_download))
