"""Chat models on CTranslate2's Generator: conversions through `models convert` (int8 on CPU,
float16 on CUDA), every core on each call, the prompt fed at once (include_prompt_in_result off)."""

from __future__ import annotations

from pathlib import Path

from summarize.cards import ModelCard
from summarize.engines import cpu
from summarize.engines.chat import ChatModel
from summarize.engines.ctranslate2 import import_ctranslate2
from summarize.engines.seq2seq import pick_device, saved_generation


class CT2Chat(ChatModel):
    runtime = "ctranslate2"

    def __init__(self, card: ModelCard, folder: Path, device: str):
        from summarize.conversions.store import read_metadata

        ctranslate2 = import_ctranslate2()
        metadata = read_metadata(folder)
        self.quantization = metadata["quantization"]
        self.intra_threads = cpu.threads() if device == "cpu" else 0
        self.generator = ctranslate2.Generator(
            str(folder), device=device, compute_type=self.quantization, intra_threads=self.intra_threads
        )
        super().__init__(card, folder, device, metadata.get("max_position_embeddings"))
        eos = saved_generation(folder).get("eos_token_id", self.tokenizer.eos_token_id)
        self.end_ids = [eos] if isinstance(eos, int) else list(eos or [])

    @classmethod
    def load(cls, card: ModelCard, device: str, task: str, allow_download: bool) -> CT2Chat:
        from summarize.conversions.store import conversion_for

        resolved = pick_device(device, cls.runtime)
        return cls(card, conversion_for(card, cls.runtime, resolved, allow_download), resolved)

    def precision(self) -> str:
        return self.quantization

    def threads(self) -> int | None:
        return self.intra_threads if self.device == "cpu" else None

    def generate_ids(self, inputs: list[list[int]], settings: dict, stream=None) -> list[list[int]]:
        prompts = [self.tokenizer.convert_ids_to_tokens(ids) for ids in inputs]
        options = {
            "max_length": settings["max_new_tokens"],
            "min_length": settings.get("min_new_tokens", 0),
            "sampling_topk": 1,
            "end_token": self.end_ids,
            "include_prompt_in_result": False,
        }
        if stream is not None and len(prompts) == 1:
            return [self._streamed(prompts[0], options, stream)]
        return [result.sequences_ids[0] for result in self.generator.generate_batch(prompts, beam_size=1, **options)]

    def _streamed(self, prompt: list[str], options: dict, stream) -> list[int]:
        ids, said = [], ""
        stepwise = {k: v for k, v in options.items() if k != "include_prompt_in_result"}
        for step in self.generator.generate_tokens(prompt, **stepwise):
            ids.append(step.token_id)
            text = self.tokenizer.decode(ids, skip_special_tokens=True)
            if len(text) > len(said) and not text.endswith("\ufffd"):
                stream(text[len(said) :])
                said = text
        ids = [token for token in ids if token not in self.end_ids]
        rest = self.tokenizer.decode(ids, skip_special_tokens=True)[len(said) :]
        if rest:
            stream(rest)
        return ids
