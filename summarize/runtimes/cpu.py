"""What this CPU can do, read once, and what that decides: the runtime `auto` takes for each
task and the precision of OpenVINO's encoder. Each choice is a row measured on that class of CPU
(benchmarks/results/figures.md, `benchmarks/cpu_speed.py --cpu-class CLASS`).

`SUMMARIZE_CPU_CLASS` caps the class below what the CPU has, and caps the runtimes' kernels with
it (oneDNN's ONEDNN_MAX_CPU_ISA for OpenVINO and torch, MKL_ENABLE_INSTRUCTIONS for torch's
float32 products under AVX2, CT2_FORCE_CPU_ISA for CTranslate2), so that one machine measures
the classes beneath its own."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from summarize.errors import InputError


@dataclass(frozen=True)
class CpuClass:
    """A class of CPU by the units the runtimes' fast kernels need, and what is fastest on it."""

    name: str
    #: /proc/cpuinfo flags a CPU must have to be of this class.
    flags: tuple[str, ...]
    #: The runtimes' instruction-set caps that make a better CPU behave as this class.
    onednn_isa: str | None
    ct2_isa: str | None
    #: OpenVINO encoder: "bf16" (float32 weights, bfloat16 compute), "int8" (the NNCF-quantised
    #: graph: int8 weights and activations) or "f32".
    encoder: str
    #: Per task (and "chat" for chat models, "gguf-TASK" for GGUF models), the runtime `auto`
    #: takes first when conversions for several exist.
    fastest: tuple[tuple[str, str], ...]


# What `auto` takes per shape of call, per class: the figures behind each row, their CPUs and
# commands are in docs/performance.md ("Which runtime auto takes"); the rows say only the choice.
# Shapes: "summarization" (long inputs, one or several), "translation" (batches of sentences),
# "translation-sentence" (a call of one sentence), "chat" (chat models' conversions),
# "gguf-TASK" (a GGUF model: llamacpp on the file, or the CTranslate2 conversion of its
# dequantised weights where one was made).
AVX512_FASTEST = (
    ("summarization", "openvino"),
    ("translation", "ctranslate2"),
    ("translation-sentence", "openvino"),
    ("chat", "ctranslate2"),
    ("gguf-summarization", "ctranslate2"),
    ("gguf-translation", "llamacpp"),
)
# OpenVINO cannot be measured under an AVX2 cap (its int8-weight layers find no kernel), so every
# seq2seq shape takes CTranslate2; an OpenVINO conversion still runs when forced.
AVX2_FASTEST = (
    ("summarization", "ctranslate2"),
    ("translation", "ctranslate2"),
    ("translation-sentence", "ctranslate2"),
    ("chat", "ctranslate2"),
    ("gguf-summarization", "llamacpp"),
    ("gguf-translation", "llamacpp"),
)

# Best class first. amx was measured before the int8 encoder and not for every shape: where it
# was not, it takes the AVX-512 rows (docs/performance.md says which).
CLASSES = (
    CpuClass("amx", ("amx_tile", "amx_bf16", "amx_int8"), None, None, "bf16", AVX512_FASTEST),
    # OpenVINO's bfloat16 encoder is emulated without AMX and slower than float32; int8 is fastest.
    CpuClass("avx512_bf16", ("avx512_bf16", "avx512_vnni"), "AVX512_CORE_BF16", "AVX512", "int8", AVX512_FASTEST),
    CpuClass("avx512_vnni", ("avx512_vnni",), "AVX512_CORE_VNNI", "AVX512", "int8", AVX512_FASTEST),
    # The float32 encoder: int8 is no faster on AVX2.
    CpuClass("avx2", ("avx2",), "AVX2", "AVX2", "f32", AVX2_FASTEST),
)
BY_NAME = {row.name: row for row in CLASSES}


def _flags() -> set[str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            return next((set(line.split(":", 1)[1].split()) for line in handle if line.startswith("flags")), set())
    except OSError:
        return set()


@cache
def detected() -> CpuClass:
    """The best class whose flags this CPU has (the last class when it has none of them)."""
    flags = _flags()
    return next((row for row in CLASSES if set(row.flags) <= flags), CLASSES[-1])


def current() -> CpuClass:
    """The class the runtimes act on: the detected one, or a lower one set by SUMMARIZE_CPU_CLASS."""
    asked = os.environ.get("SUMMARIZE_CPU_CLASS")
    if not asked:
        return detected()
    if asked not in BY_NAME:
        raise InputError(f"SUMMARIZE_CPU_CLASS={asked}: one of {', '.join(BY_NAME)}")
    names = [row.name for row in CLASSES]
    if names.index(asked) < names.index(detected().name):
        raise InputError(f"SUMMARIZE_CPU_CLASS={asked} is above this CPU's class ({detected().name}); it can only cap")
    return BY_NAME[asked]


def runtime_caps() -> dict[str, str]:
    """The variables that set the runtimes' kernels for this class: the caps of a capped class,
    and CTranslate2's AVX-512 kernels where the CPU has them; the user's own settings win."""
    row, capped = current(), bool(os.environ.get("SUMMARIZE_CPU_CLASS"))
    caps = {}
    if capped and row.onednn_isa:
        caps["ONEDNN_MAX_CPU_ISA"] = row.onednn_isa
    if capped and row.onednn_isa == "AVX2":
        # torch's float32 matrix products go through MKL, which has a cap of its own; the
        # classes above differ in units (VNNI, bfloat16, AMX) that float32 does not use.
        caps["MKL_ENABLE_INSTRUCTIONS"] = "AVX2"
    if row.ct2_isa and (capped or row.ct2_isa == "AVX512"):
        # Uncapped, CTranslate2 picks AVX2 kernels; AVX-512 is about 10% faster where present.
        caps["CT2_FORCE_CPU_ISA"] = row.ct2_isa
    return {name: os.environ.get(name, value) for name, value in caps.items()}


def cap_runtimes() -> CpuClass:
    """Set `runtime_caps()` for the runtimes, before they load. Returns the class."""
    for name, value in runtime_caps().items():
        os.environ.setdefault(name, value)
    return current()


def shape(task: str, sentences: int | None = None) -> str:
    """The row of `fastest` a call of `task` on `sentences` sentences (None: unknown) takes."""
    return "translation-sentence" if task == "translation" and sentences == 1 else task


#: What each shape of call is, in the words `models show` and the metadata use.
SHAPES = {
    "translation": "translation in batches",
    "translation-sentence": "translation calls of one sentence",
    "summarization": "summaries",
    "chat": "chat models",
}


def why_runtime(shape_name: str, runtime: str, allowed: tuple[str, ...] | None = None) -> str:
    """Why `auto` took `runtime` for calls of `shape_name` on this CPU."""
    fastest, row = fastest_runtime(shape_name), current().name
    if runtime == fastest:
        return f"{runtime}: measured fastest for {SHAPES[shape_name]} on {row} CPUs"
    missing = "is not among --runtimes" if allowed and fastest not in allowed else "has no conversion of this model here"
    return f"{runtime}: {fastest}, measured fastest for {SHAPES[shape_name]} on {row} CPUs, {missing}"


def fastest_runtime(task: str) -> str:
    """The runtime measured fastest for `task` (or a `shape`, "chat", "gguf-TASK") on this class of CPU."""
    return dict(current().fastest)[task]


def threads() -> int:
    """CPU threads this process's engines use: SUMMARIZE_THREADS (set per actor when several
    processes share the machine, as `batch --executor ray` does), else every core."""
    given = os.environ.get("SUMMARIZE_THREADS", "")
    if given and not (given.isdigit() and int(given) > 0):
        raise InputError(f"SUMMARIZE_THREADS={given}: a positive number of threads")
    return int(given) if given else os.cpu_count() or 1
