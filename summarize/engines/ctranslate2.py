"""The `ctranslate2` engine: converted models (int8 on CPU, float16 on CUDA), the same
tokenisation and language codes as the transformers engine.

CPU tuning, measured by benchmarks/cpu_speed.py on 2 cores: AVX-512 kernels where the CPU has
them (CTranslate2 picks AVX2 by default); for translation one thread per batch and one batch
per core (inter_threads), which beats two threads on one batch at batch 1 and batch 16; for
summaries (one long input) both threads on the one batch."""

from __future__ import annotations

import math
import os
from pathlib import Path

from summarize.cards import ModelCard
from summarize.engines.base import NeuralSummarizer, NeuralTranslator, check_budget
from summarize.errors import EngineUnavailableError

# Examples per batch: enough to fill the cores, few enough that beams x batch stays small in memory.
MAX_BATCH = 32


def _cpu_has_avx512() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            return " avx512f " in handle.read(200_000).replace("\n", " ")
    except OSError:
        return False


def _import_ctranslate2():
    if "CT2_FORCE_CPU_ISA" not in os.environ and _cpu_has_avx512():
        os.environ["CT2_FORCE_CPU_ISA"] = "AVX512"  # read when the library loads
    try:
        import ctranslate2
    except ImportError:
        raise EngineUnavailableError("engine 'ctranslate2' needs the package 'ctranslate2'; pip install ctranslate2") from None
    return ctranslate2


def thread_plan(task: str, device: str) -> tuple[int, int]:
    """(intra_threads, inter_threads): translation runs one batch per core, summaries use all cores."""
    cores = os.cpu_count() or 1
    if device != "cpu":
        return 1, 1
    return (1, cores) if task == "translation" else (cores, 1)


class CT2Model:
    """A converted model with its Hugging Face tokenizer and the card's generation settings."""

    def __init__(self, card: ModelCard, folder: Path, device: str, task: str):
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        from summarize.convert import read_metadata
        from summarize.engines.huggingface import pick_device

        ctranslate2 = _import_ctranslate2()
        hf_logging.disable_progress_bar()
        self.card = card
        self.device = pick_device(device)
        metadata = read_metadata(folder)
        self.quantization = metadata["quantization"]
        self.output_vocabulary = metadata.get("output_vocabulary")
        self.intra_threads, self.inter_threads = thread_plan(task, self.device)
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.translator = ctranslate2.Translator(
            str(folder), device=self.device, compute_type=self.quantization,
            intra_threads=self.intra_threads, inter_threads=self.inter_threads)
        self.architecture = metadata.get("architecture", card.architecture)
        self.max_input_tokens = card.max_input_tokens or min(self.tokenizer.model_max_length, 1024)
        self.saved_generation = _saved_generation(folder)
        self.target_ids = _target_vocabulary(folder)

    def count_tokens(self, text: str, target: str | None = None) -> int:
        return len(self.tokenizer(self.card.prefix(target) + text).input_ids)

    def _target_token(self, target: str) -> str:
        code = self.card.code(target)
        return code if self.architecture == "nllb" else f"__{code}__"

    def options(self, length: str | None = None) -> dict:
        """The model's saved generation settings, then the card's, in CTranslate2's terms."""
        settings = {**self.saved_generation, **self.card.generation_for(length)}
        # As transformers: new-token counts win over total lengths, which count the start token.
        max_new = settings.get("max_new_tokens") or (settings["max_length"] - 1 if "max_length" in settings else 256)
        min_new = settings.get("min_new_tokens")
        if min_new is None:
            min_new = max(settings.get("min_length", 1) - 1, 0)
        return {
            "beam_size": settings.get("num_beams", 1),
            "max_decoding_length": max_new,
            "min_decoding_length": min_new,
            "length_penalty": settings.get("length_penalty", 1.0),
            "no_repeat_ngram_size": settings.get("no_repeat_ngram_size", 0),
            "repetition_penalty": settings.get("repetition_penalty", 1.0),
        }

    def set_source_language(self, source: str | None) -> None:
        if source and self.architecture in ("nllb", "m2m_100"):
            self.tokenizer.src_lang = self.card.code(source)

    def generate(self, texts: list[str], length: str | None = None, target: str | None = None) -> list[str]:
        if not texts:
            return []
        prefix = self.card.prefix(target)
        tokens = [self.tokenizer.convert_ids_to_tokens(self.tokenizer(prefix + t).input_ids) for t in texts]
        check_budget([len(t) for t in tokens], self.max_input_tokens)
        forced = [self._target_token(target)] if target and self.architecture in ("nllb", "m2m_100") else None
        order = sorted(range(len(texts)), key=lambda i: -len(tokens[i]))
        results = self.translator.translate_batch(
            [tokens[i] for i in order], target_prefix=[forced] * len(order) if forced else None,
            max_batch_size=min(MAX_BATCH, math.ceil(len(order) / self.inter_threads)), return_scores=False,
            use_vmap=self.output_vocabulary is not None,
            **self.options(length))
        outputs = [""] * len(texts)
        for index, result in zip(order, results):
            generated = result.hypotheses[0][1 if forced else 0:]
            ids = [self.target_ids[token] for token in generated]
            outputs[index] = self.tokenizer.decode(ids, skip_special_tokens=True).strip()
        return outputs


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


def _saved_generation(folder: Path) -> dict:
    """num_beams, max/min_new_tokens and the like from the model's generation_config.json."""
    import json

    path = folder / "generation_config.json"
    if not path.is_file():
        return {}
    saved = json.loads(path.read_text(encoding="utf-8"))
    keys = ("num_beams", "max_new_tokens", "min_new_tokens", "max_length", "min_length", "length_penalty",
            "no_repeat_ngram_size", "repetition_penalty")
    return {k: saved[k] for k in keys if saved.get(k) is not None}


def _load(card: ModelCard, device: str, task: str, allow_download: bool) -> CT2Model:
    """The converted model for `card`, converting it first (int8 on CPU, float16 on CUDA) if needed."""
    from summarize.convert import convert, find_converted
    from summarize.engines.huggingface import pick_device

    resolved = pick_device(device)
    folder = find_converted(card, resolved)
    if folder is None:
        if allow_download:
            from summarize.hub import resolve_weights

            resolve_weights(card, allow_download=True)
        folder = convert(card, "int8" if resolved == "cpu" else "float16")
    return CT2Model(card, folder, device, task)


class _Converted:
    """What a converted model adds to the metadata: its compute type and output vocabulary."""

    engine_name = "ctranslate2"

    def describe(self) -> dict:
        return {**super().describe(), "compute_type": self.model.quantization,
                "output_vocabulary": self.model.output_vocabulary}


class CT2Translator(_Converted, NeuralTranslator):
    @classmethod
    def from_card(cls, card: ModelCard, device: str = "auto", allow_download: bool = True) -> CT2Translator:
        return cls(_load(card, device, "translation", allow_download))


class CT2Summarizer(_Converted, NeuralSummarizer):
    @classmethod
    def from_card(cls, card: ModelCard, device: str = "auto", allow_download: bool = True) -> CT2Summarizer:
        return cls(_load(card, device, "summarization", allow_download))
