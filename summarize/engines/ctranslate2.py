"""The `ctranslate2` engine: converted models (int8 on CPU, float16 on CUDA) behind the shared
sequence-to-sequence half. Its CPU plan (benchmarks/results/figures.md): AVX-512 kernels where the
CPU has them, one thread per batch and one batch per core for translation, every core on the one
input for summaries."""

from __future__ import annotations

import math
from pathlib import Path

from summarize.catalog.cards import ModelCard
from summarize.engines.runtime import GeneratedIds
from summarize.engines.search import mean_of_score
from summarize.engines.seq2seq import Converted
from summarize.errors import EngineUnavailableError
from summarize.runtimes import cpu

# Examples per batch: enough to fill the cores, few enough that beams x batch stays small in memory.
MAX_BATCH = 32
# Sentences per thread in one call: batch 16 is where the engine is fastest (benchmarks/cpu_speed.py),
# and a call's output bound is set by its longest source, so calls stay this small.
SENTENCES_PER_THREAD = 16


def import_ctranslate2():
    """The ctranslate2 package, its kernels chosen for this CPU's class (runtimes/cpu.py)."""
    cpu.cap_runtimes()  # read when the library loads
    try:
        import ctranslate2
    except ImportError:
        raise EngineUnavailableError("engine 'ctranslate2' needs the package 'ctranslate2'; pip install ctranslate2") from None
    return ctranslate2


def thread_plan(task: str, device: str) -> tuple[int, int]:
    """(intra_threads, inter_threads): translation runs one batch per core, summaries use all cores."""
    cores = cpu.threads()
    if device != "cpu":
        return 1, 1
    return (1, cores) if task == "translation" else (cores, 1)


class CT2Model(Converted):
    """A CTranslate2 conversion. Each call takes up to SENTENCES_PER_THREAD inputs per thread (so
    that a translation's output bound is its batch's) and splits them into one batch per thread."""

    runtime = "ctranslate2"

    def __init__(self, card: ModelCard, folder: Path, device: str, task: str):
        ctranslate2 = import_ctranslate2()
        super().__init__(card, folder, device)
        self.output_vocabulary = self.metadata.get("output_vocabulary")
        self.intra_threads, self.inter_threads = thread_plan(task, self.device)
        self.max_batch = SENTENCES_PER_THREAD * self.inter_threads
        self.translator = ctranslate2.Translator(
            str(folder),
            device=self.device,
            compute_type=self.quantization,
            intra_threads=self.intra_threads,
            inter_threads=self.inter_threads,
        )
        self.target_ids = _target_vocabulary(folder)

    @classmethod
    def from_folder(cls, card: ModelCard, folder: Path, device: str, task: str) -> CT2Model:
        return cls(card, folder, device, task)

    def describe(self) -> dict:
        return {**super().describe(), "output_vocabulary": self.output_vocabulary}

    def threads(self) -> int | None:
        return self.intra_threads * self.inter_threads if self.device == "cpu" else None

    def runtime_settings(self, settings: dict) -> dict:
        """The generation settings in CTranslate2's terms; the forced first token as a prefix."""
        forced = settings.get("forced_bos_token_id")
        return {
            "target_prefix": [self.tokenizer.convert_ids_to_tokens(forced)] if forced is not None else None,
            "beam_size": settings.get("num_beams", 1),
            "max_decoding_length": settings["max_new_tokens"],
            "min_decoding_length": settings["min_new_tokens"],
            "length_penalty": settings.get("length_penalty", 1.0),
            "no_repeat_ngram_size": settings.get("no_repeat_ngram_size", 0),
            "repetition_penalty": settings.get("repetition_penalty", 1.0),
            "num_hypotheses": settings.get("hypotheses", 1),
        }

    def run_ids(self, inputs: list[list[int]], settings: dict) -> list[list[int]]:
        options = dict(settings)
        prefix = options.pop("target_prefix")
        results = self.translator.translate_batch(
            [self.tokenizer.convert_ids_to_tokens(ids) for ids in inputs],
            target_prefix=[prefix] * len(inputs) if prefix else None,
            max_batch_size=min(MAX_BATCH, math.ceil(len(inputs) / self.inter_threads)),
            return_scores=True,
            use_vmap=self.output_vocabulary is not None,
            **options,
        )
        penalty = options.get("length_penalty", 1.0)
        generated = []
        for result in results:
            ids, *others = ([self.target_ids[token] for token in tokens[1 if prefix else 0 :]] for tokens in result.hypotheses)
            mean = mean_of_score(result.scores[0], len(result.hypotheses[0]), penalty, len(prefix or ()))
            generated.append(GeneratedIds(ids, mean, tuple(others)))
        return generated


def _target_vocabulary(folder: Path) -> dict[str, int]:
    """Token to id in the converted model's target vocabulary (its ids are the model's own, which
    also covers slots the tokenizer lacks, such as M2M100's padding words)."""
    import json

    for name in ("target_vocabulary.json", "shared_vocabulary.json"):
        if (folder / name).is_file():
            tokens = json.loads((folder / name).read_text(encoding="utf-8"))
            return {token: index for index, token in enumerate(tokens)}
    for name in ("target_vocabulary.txt", "shared_vocabulary.txt"):
        if (folder / name).is_file():
            tokens = (folder / name).read_text(encoding="utf-8").split("\n")
            return {token: index for index, token in enumerate(tokens)}
    raise EngineUnavailableError(f"{folder} holds no CTranslate2 vocabulary file")
