"""The `transformers` engine: AutoModelForSeq2SeqLM + generate, for translation and summaries."""

from __future__ import annotations

import copy
import json
import os
from contextlib import contextmanager

from summarize.catalog.cards import ModelCard, architecture_of
from summarize.catalog.hub import resolve_weights
from summarize.engines.runtime import GeneratedIds, pick_device
from summarize.engines.seq2seq import Seq2Seq
from summarize.errors import ModelUnavailableError, first_line
from summarize.runtimes import cpu
from summarize.runtimes.loading import damaged_weights, quiet_transformers

# Padded tokens per generate call: bounds the memory of a batch of long inputs.
MAX_BATCH_TOKENS = 8192
#: Logits held at once when outputs are read back for their confidence (64 Mi floats, 256 MiB).
RESCORE_LOGITS = 64 * 2**20


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
        config.update(**{key: value for key, value in settings.items() if key not in ("scored", "hypotheses")})
        config.num_return_sequences = settings.get("hypotheses", 1)
        config.do_sample = False
        return config

    def generate_ids(self, inputs: list[list[int]], settings: dict) -> list[list[int]]:
        return self.run_ids(inputs, self.runtime_settings(settings), scored=bool(settings.get("scored")))

    def run_ids(self, inputs: list[list[int]], settings, scored: bool = False) -> list[list[int]]:
        """`scored`: each output read back for its mean log-probability (a translation's confidence)."""
        padded = self.tokenizer.pad({"input_ids": inputs}, padding=True, return_tensors="pt")
        padded = {k: v.to(self.device) for k, v in padded.items()}
        with self._torch.inference_mode():
            output = self.model.generate(**padded, generation_config=settings)
            forced = settings.forced_bos_token_id is not None
            means = self._mean_logprobs(padded, output, settings.eos_token_id, forced) if scored else [None] * len(inputs)
        # Without the decoder's start token, as the other runtimes; the hypotheses of an input
        # asked for several come in a row, best first.
        rows, each = _trimmed(output[:, 1:].tolist(), settings.eos_token_id), settings.num_return_sequences or 1
        if each > 1:
            return [GeneratedIds(rows[i], None, tuple(rows[i + 1 : i + each])) for i in range(0, len(rows), each)]
        return [GeneratedIds(ids, mean) for ids, mean in zip(rows, means)]

    def _mean_logprobs(self, padded: dict, output, eos_token_id, forced: bool) -> list[float]:
        """Each output's mean log-probability per chosen token (a `forced` first token, the
        target language's code, not counted), the model reading it back (one pass, in slices
        that bound the logits held to RESCORE_LOGITS values): generate keeps no scores unless
        it holds every step's whole distribution."""
        torch = self._torch
        width = output.shape[1] - 1
        rows = max(1, RESCORE_LOGITS // max(width * self.model.config.vocab_size, 1))
        ends = [len(ids) for ids in _trimmed(output[:, 1:].tolist(), eos_token_id)]
        means = []
        for start in range(0, output.shape[0], rows):
            part = slice(start, start + rows)
            logits = self.model(
                input_ids=padded["input_ids"][part],
                attention_mask=padded["attention_mask"][part],
                decoder_input_ids=output[part, :-1],
            ).logits
            chosen = torch.log_softmax(logits.float(), dim=-1).gather(-1, output[part, 1:, None])[..., 0]
            for row, end in zip(chosen, ends[part]):
                means.append(float(row[int(forced) : end].mean()) if end > forced else 0.0)
        return means


def _trimmed(rows: list[list[int]], eos_token_id) -> list[list[int]]:
    """Each output up to and including its first end token (the padding after it dropped)."""
    ends = set(eos_token_id if isinstance(eos_token_id, (list, tuple)) else [eos_token_id])
    return [row[: next((i + 1 for i, token in enumerate(row) if token in ends), len(row))] for row in rows]
