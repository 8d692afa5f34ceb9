"""The `transformers` engine: AutoModelForSeq2SeqLM + generate, for translation and summaries."""

from __future__ import annotations

import copy
import json
import os
from contextlib import contextmanager

from summarize.catalog.cards import ModelCard, architecture_of
from summarize.catalog.hub import resolve_weights
from summarize.engines import cpu
from summarize.engines.loading import damaged_weights, quiet_transformers
from summarize.engines.runtime import pick_device
from summarize.engines.seq2seq import Seq2Seq
from summarize.errors import ModelUnavailableError, first_line

# Padded tokens per generate call: bounds the memory of a batch of long inputs.
MAX_BATCH_TOKENS = 8192


def pick_dtype(device: str, architecture: str):
    """float32 on CPU; on CUDA bfloat16 for T5-family models (float16 overflows) else float16."""
    import torch

    if device == "cpu":
        return torch.float32
    return torch.bfloat16 if architecture in ("t5", "mt5") else torch.float16


def prepared_torch():
    """torch, with the CPU class's cap set before its first kernel and SUMMARIZE_THREADS applied."""
    cpu.cap_runtimes()  # oneDNN reads its cap at its first kernel
    import torch

    if "SUMMARIZE_THREADS" in os.environ:
        torch.set_num_threads(cpu.threads())
    return torch


@contextmanager
def said_as_unavailable(card: ModelCard, folder):
    """Files that cannot be loaded (corrupt or incomplete ones surface as many exception types)
    become one ModelUnavailableError line."""
    try:
        with quiet_transformers():
            yield
    except ModelUnavailableError:
        raise
    except Exception as exc:
        why = damaged_weights(exc) or first_line(exc)
        raise ModelUnavailableError(f"model '{card.alias}' in {folder} cannot be loaded: {why}") from None


class OnTransformers:
    """What the transformers engines (sequence-to-sequence and chat) share: built from a card,
    a device and whether to download; `model` a torch model, `_torch` the prepared torch."""

    @classmethod
    def load(cls, card: ModelCard, device: str, task: str, allow_download: bool):
        return cls(card, device, allow_download)

    def precision(self) -> str:
        return str(self.model.dtype).removeprefix("torch.")

    def threads(self) -> int | None:
        return self._torch.get_num_threads() if self.device == "cpu" else None


class TransformersModel(OnTransformers, Seq2Seq):
    """The model's weights (safetensors) loaded by transformers."""

    runtime = "transformers"
    max_batch_tokens = MAX_BATCH_TOKENS

    def __init__(self, card: ModelCard, device: str = "auto", allow_download: bool = True):
        folder = resolve_weights(card, allow_download=allow_download)
        torch = prepared_torch()
        from transformers import AutoModelForSeq2SeqLM

        device = pick_device(device)
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        architecture = card.architecture if card.architecture != "auto" else architecture_of(config)
        with said_as_unavailable(card, folder):
            model = AutoModelForSeq2SeqLM.from_pretrained(
                folder, use_safetensors=True, trust_remote_code=False, dtype=pick_dtype(device, architecture)
            )
            self.model = model.to(device).eval()
            super().__init__(
                card,
                folder,
                device,
                architecture,
                config.get("max_position_embeddings"),
                self.model.generation_config.to_diff_dict(),
            )
            # Lengths are stated as new tokens (Seq2Seq.generation); total lengths left on the
            # model's config would only make transformers warn that both were set.
            self.model.generation_config.max_length = self.model.generation_config.min_length = None
        self._torch = torch

    def runtime_settings(self, settings: dict):
        """The model's saved GenerationConfig with every setting stated on it, greedy or beam."""
        config = copy.deepcopy(self.model.generation_config)
        config.update(**settings)
        config.do_sample = False
        return config

    def run_ids(self, inputs: list[list[int]], settings) -> list[list[int]]:
        padded = self.tokenizer.pad({"input_ids": inputs}, padding=True, return_tensors="pt")
        with self._torch.inference_mode():
            output = self.model.generate(**{k: v.to(self.device) for k, v in padded.items()}, generation_config=settings)
        return output[:, 1:].tolist()  # without the decoder's start token, as the other runtimes
