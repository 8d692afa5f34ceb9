"""Chat models on CTranslate2's Generator: conversions through `models convert` (int8 on CPU,
float16 on CUDA), every core on each call, the prompt fed at once (include_prompt_in_result off);
each answer ends at the card's stop strings, checked on its text at every step (a callback); an
answer held to glossary words runs greedily while the model's tokens keep its line, and where one
would not, takes the best of that step's other tokens that does."""

from __future__ import annotations

from pathlib import Path

from summarize.catalog.cards import ModelCard
from summarize.engines.chat import ChatModel, reached_stop
from summarize.engines.ctranslate2 import import_ctranslate2
from summarize.engines.runtime import FromConversion, IncrementalText, load_tokenizer, saved_generation
from summarize.runtimes import cpu

#: Tokens one run of a held answer decodes at most: the run keeps the scores of every token at
#: each of its steps (the vocabulary's size in floats a step).
HELD_RUN = 64


class CT2Chat(FromConversion, ChatModel):
    runtime = "ctranslate2"
    constrains_words = True

    def __init__(self, card: ModelCard, folder: Path, device: str):
        ctranslate2 = import_ctranslate2()
        metadata = self.read_conversion(folder)
        self.intra_threads = cpu.threads() if device == "cpu" else 0
        self.generator = ctranslate2.Generator(
            str(folder), device=device, compute_type=self.quantization, intra_threads=self.intra_threads
        )
        super().__init__(card, load_tokenizer(folder), device, metadata.get("max_position_embeddings"))
        eos = saved_generation(folder).get("eos_token_id", self.tokenizer.eos_token_id)
        self.end_ids = [eos] if isinstance(eos, int) else list(eos or [])

    def threads(self) -> int | None:
        return self.intra_threads if self.device == "cpu" else None

    def runtime_settings(self, settings: dict) -> dict:
        return {
            "max_length": settings["max_new_tokens"],
            "min_length": settings.get("min_new_tokens", 0),
            "sampling_topk": 1,
            "end_token": self.end_ids,
            "no_repeat_ngram_size": settings.get("no_repeat_ngram_size", 0),
            "stop": tuple(settings.get("stop", ())),
            **({"holding": settings["holding"]} if "holding" in settings else {}),
        }

    def run_ids(self, inputs: list[list[int]], settings: dict, stream: IncrementalText | None = None) -> list[list[int]]:
        prompts = [self.tokenizer.convert_ids_to_tokens(ids) for ids in inputs]
        settings = dict(settings)
        stops = settings.pop("stop", ())
        held = settings.pop("holding", None)
        if held is not None:
            return [self._held(prompt, *words_and_gap, settings["max_length"]) for prompt, words_and_gap in zip(prompts, held)]
        if stream is not None and len(prompts) == 1:
            ids = []
            for step in self.generator.generate_tokens(prompts[0], **settings):
                if step.token_id in self.end_ids:
                    break
                ids.append(step.token_id)
                stream.add([step.token_id])
                if stops and reached_stop(self.tokenizer.decode(ids, skip_special_tokens=True), stops):
                    break
            return [ids]
        generated: list[list[int]] = [[] for _ in prompts]

        def stopped(step) -> bool:
            generated[step.batch_id].append(step.token_id)
            return reached_stop(self.tokenizer.decode(generated[step.batch_id], skip_special_tokens=True), stops)

        results = self.generator.generate_batch(
            prompts, beam_size=1, include_prompt_in_result=False, callback=stopped if stops else None, **settings
        )
        return [result.sequences_ids[0] for result in results]

    def _held(self, prompt: list[str], words: tuple[str, ...], gap: int, bound: int) -> list[int]:
        """An answer held to `words` with `gap` (`holding.next_token`): the model's greedy tokens
        while they keep the line, and at the first that would not, that step's tokens best first,
        then the tokens that spell the words."""
        from summarize.engines.holding import HeldLine, candidates, next_token, spelling

        line, spelled, special = HeldLine(words, gap), spelling(self.tokenizer, words), set(self.tokenizer.all_special_ids)
        ids: list[int] = []
        while len(ids) < bound:
            kept, scores = self._kept_run(prompt, ids, line, special, min(HELD_RUN, bound - len(ids)))
            ids += kept
            token = None if scores is None else next_token(self.tokenizer, line, ids, candidates(scores, spelled), special)
            if token is None:
                if scores is None and kept:
                    continue  # a whole run kept the line
                break
            ids.append(token)
        return ids

    def _kept_run(self, prompt: list[str], ids: list[int], line, special: set[int], length: int):
        """The greedy tokens after `ids`, up to `length`, before the first that would not keep the
        line, and the scores of every token at that step (None where all `length` were kept)."""
        from summarize.engines.holding import next_token

        kept: list[int] = []

        def departed(step) -> bool:
            token = step.token_id
            if token in self.end_ids or next_token(self.tokenizer, line, ids + kept, [token], special) != token:
                return True
            kept.append(token)
            return False

        result = self.generator.generate_batch(
            [prompt + self.tokenizer.convert_ids_to_tokens(ids)],
            max_length=length,
            sampling_topk=1,
            end_token=self.end_ids,
            include_prompt_in_result=False,
            return_logits_vocab=True,
            callback=departed,
        )[0]
        import numpy

        steps = result.logits[0]
        if len(steps) <= len(kept):
            return kept, None
        scores = steps[len(kept)]
        return kept, numpy.asarray(scores if self.device == "cpu" else scores.to_device(import_ctranslate2().Device.cpu))
