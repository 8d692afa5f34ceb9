"""What every neural runtime shares, sequence-to-sequence and chat models alike: the tokenizer,
the description in the metadata (runtime version, precision, threads), the lookup of converted
models, and the incremental decoding that streams a summary as it is generated."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from pathlib import Path

from summarize.catalog.cards import ModelCard
from summarize.errors import EngineUnavailableError
from summarize.runtimes.table import ENGINES, package_version


def load_tokenizer(folder: Path):
    """The model's Hugging Face tokenizer (never remote code), without progress bars."""
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging

    from summarize.runtimes.loading import quiet_transformers

    hf_logging.disable_progress_bar()
    with quiet_transformers():  # its advice (a Mistral regex warning on Gemma's tokenizer) is no user's
        return AutoTokenizer.from_pretrained(folder, trust_remote_code=False)


class GeneratedIds(list):
    """Generated ids, carrying their mean log-probability per token where the runtime gives it,
    and the next best hypotheses of a beam search asked for several ("hypotheses")."""

    def __init__(self, ids, mean_logprob: float | None = None, alternatives: tuple[list[int], ...] = ()):
        super().__init__(ids)
        self.mean_logprob = mean_logprob
        self.alternatives = alternatives


class NeuralModel(ABC):
    """A loaded model of some family on some runtime: what the engines around it call."""

    #: The runtime's name in the engine table.
    runtime: str = ""
    card: ModelCard
    device: str
    tokenizer: object
    max_input_tokens: int | None

    @classmethod
    @abstractmethod
    def load(cls, card: ModelCard, device: str, task: str, allow_download: bool) -> NeuralModel:
        """The model for `card`, from the cache, a folder or a conversion (made if needed)."""

    @abstractmethod
    def runtime_settings(self, settings: dict):
        """The generation settings in the runtime's own terms; a setting the runtime cannot apply
        is refused here, by name."""

    @abstractmethod
    def run_ids(self, inputs: list[list[int]], settings) -> list[list[int]]:
        """Generated ids for each input (token ids), in order; `settings` as `runtime_settings`
        gave them. The model alone: what the latency bench times."""

    def generate_ids(self, inputs: list[list[int]], settings: dict) -> list[list[int]]:
        """`run_ids` with the generation settings in the shared terms (max_new_tokens, ...)."""
        return self.run_ids(inputs, self.runtime_settings(settings))

    @abstractmethod
    def precision(self) -> str:
        """The weights' precision or quantisation as it runs (float32, int8, ...)."""

    @abstractmethod
    def threads(self) -> int | None:
        """CPU threads the runtime computes with (None on a GPU)."""

    @abstractmethod
    def count_tokens(self, text: str, target: str | None = None) -> int:
        """Length of `text` in the model's tokens."""

    def describe(self) -> dict:
        """What the metadata says of the runtime beyond model, engine and device: its version
        (from its package's metadata), the precision it computes in, and its CPU threads."""
        return {
            "runtime_version": package_version(ENGINES[self.runtime].package),
            "quantization": self.precision(),
            "threads": self.threads(),
        }


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


class FromConversion:
    """A runtime that runs conversions from the store (found, or made on first use): `load` finds
    the folder, `from_folder` builds the model from it, `read_conversion` reads its metadata."""

    runtime: str = ""

    @classmethod
    def load(cls, card: ModelCard, device: str, task: str, allow_download: bool):
        from summarize.catalog.conversions import conversion_for

        resolved = pick_device(device, cls.runtime)
        return cls.from_folder(card, conversion_for(card, cls.runtime, resolved, allow_download), resolved, task)

    @classmethod
    def from_folder(cls, card: ModelCard, folder: Path, device: str, task: str):
        return cls(card, folder, device)

    def read_conversion(self, folder: Path) -> dict:
        """The conversion's metadata; sets `folder`, `metadata` and `quantization`."""
        from summarize.catalog.conversions import read_metadata

        self.folder = folder
        self.metadata = read_metadata(folder)
        self.quantization = self.metadata["quantization"]
        return self.metadata

    def precision(self) -> str:
        return self.quantization


class IncrementalText:
    """Generated ids in, as they come; the text decoded so far out to `stream` as it grows (never
    half a character: a decode ending in U+FFFD waits for the next id)."""

    def __init__(self, tokenizer, stream):
        self.tokenizer, self.stream = tokenizer, stream
        self.ids: list[int] = []
        self.said = ""

    def say(self, text: str) -> None:
        """Text a runtime decoded itself, passed on as it comes."""
        self.said += text
        self.stream(text)

    def add(self, ids: list[int]) -> None:
        self.ids.extend(ids)
        text = self.tokenizer.decode(self.ids, skip_special_tokens=True)
        if len(text) > len(self.said) and not text.endswith("\ufffd"):
            self.stream(text[len(self.said) :])
            self.said = text

    def end(self) -> None:
        rest = self.tokenizer.decode(self.ids, skip_special_tokens=True)[len(self.said) :]
        if rest:
            self.stream(rest)
