"""Chat models on transformers: AutoModelForCausalLM (safetensors only, no remote code), greedy,
prompts padded on the left; each answer ends at the card's stop strings (checked on its text as it
grows: transformers' own StopStringCriteria takes 5 to 10 s to index Gemma's 262,144 tokens); an
answer held to glossary words is checked token by token (`holding.HeldAnswers`)."""

from __future__ import annotations

import json

from summarize.catalog.cards import ModelCard
from summarize.catalog.hub import resolve_weights
from summarize.engines.chat import ChatModel, reached_stop
from summarize.engines.huggingface import OnTransformers, pick_dtype, prepared_torch, said_as_unavailable
from summarize.engines.runtime import IncrementalText, load_tokenizer, pick_device


class TransformersChat(OnTransformers, ChatModel):
    runtime = "transformers"
    constrains_words = True

    def __init__(self, card: ModelCard, device: str = "auto", allow_download: bool = True):
        folder = resolve_weights(card, allow_download=allow_download)
        torch = prepared_torch()
        from transformers import AutoModelForCausalLM

        device = pick_device(device)
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        with said_as_unavailable(card, folder):
            model = AutoModelForCausalLM.from_pretrained(
                folder, use_safetensors=True, trust_remote_code=False, dtype=pick_dtype(device, card.architecture)
            )
            self.model = model.to(device).eval()
            super().__init__(card, load_tokenizer(folder), device, config.get("max_position_embeddings"))
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self._torch = torch

    def runtime_settings(self, settings: dict) -> dict:
        return {
            "max_new_tokens": settings["max_new_tokens"],
            "min_new_tokens": settings.get("min_new_tokens", 0),
            "do_sample": False,
            "num_beams": 1,
            "pad_token_id": self.tokenizer.pad_token_id,
            "stop": tuple(settings.get("stop", ())),
            **({"holding": settings["holding"]} if "holding" in settings else {}),
            **({"no_repeat_ngram_size": settings["no_repeat_ngram_size"]} if settings.get("no_repeat_ngram_size") else {}),
        }

    def run_ids(self, inputs: list[list[int]], settings: dict, stream: IncrementalText | None = None) -> list[list[int]]:
        from transformers import LogitsProcessorList, StoppingCriteriaList

        padded = self.tokenizer.pad({"input_ids": inputs}, padding=True, return_tensors="pt")
        settings = dict(settings)
        stops = settings.pop("stop", ())
        held = settings.pop("holding", None)
        prompt_length = padded["input_ids"].shape[1]
        ends = _end_ids(self.model.generation_config)
        with self._torch.inference_mode():
            output = self.model.generate(
                **{k: v.to(self.device) for k, v in padded.items()},
                **settings,
                stopping_criteria=StoppingCriteriaList([_StopStrings(self.tokenizer, stops, prompt_length)]) if stops else None,
                logits_processor=LogitsProcessorList([_held(self.tokenizer, held, prompt_length, ends)]) if held else None,
                streamer=_Streamer(stream) if stream is not None else None,
            )
        new = output[:, prompt_length:].tolist()
        # An answer that ended is padded to the longest (with the end token, or the pad token).
        return [_until_end(ids, {*ends, self.tokenizer.pad_token_id}) for ids in new]


def _held(tokenizer, held: list, prompt_length: int, ends: list[int]):
    """The processor holding each answer to its words (`holding.HeldAnswers`)."""
    from summarize.engines.holding import HeldAnswers

    return HeldAnswers(tokenizer, held, prompt_length, ends[0] if ends else tokenizer.eos_token_id)


def _end_ids(generation_config) -> list[int]:
    eos = generation_config.eos_token_id
    return [] if eos is None else [eos] if isinstance(eos, int) else list(eos)


def _until_end(ids: list[int], eos: set[int]) -> list[int]:
    """The new ids up to the first end token (the rest is padding)."""
    for position, token in enumerate(ids):
        if token in eos:
            return ids[:position]
    return ids


class _StopStrings:
    """transformers' stopping-criteria protocol: per answer, whether its text holds a stop string."""

    def __init__(self, tokenizer, stops: tuple[str, ...], prompt_length: int):
        self.tokenizer, self.stops, self.prompt_length = tokenizer, stops, prompt_length

    def __call__(self, input_ids, scores, **kwargs):
        import torch

        texts = self.tokenizer.batch_decode(input_ids[:, self.prompt_length :], skip_special_tokens=True)
        return torch.tensor([reached_stop(text, self.stops) for text in texts], device=input_ids.device)


class _Streamer:
    """transformers' streamer protocol, feeding the new ids (not the prompt, which the first call
    carries) to the shared incremental decoder."""

    def __init__(self, text: IncrementalText):
        self.text = text
        self.prompt_seen = False

    def put(self, value) -> None:
        if self.prompt_seen:
            self.text.add(value.reshape(-1).tolist())
        self.prompt_seen = True

    def end(self) -> None:
        """The end is said by the caller, once for every runtime."""
