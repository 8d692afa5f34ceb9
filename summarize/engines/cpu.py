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


# Chat models (Qwen2.5-0.5B's architecture, decode after a 16-token prompt): CTranslate2 int8 53 ms
# per token against transformers' 112 on the avx512_bf16 class (benchmarks/llm_decode_profile.py,
# benchmarks/results/figures.md); the other classes were not measured and take the same row.
CHAT = ("chat", "ctranslate2")

# GGUF models, per job shape ("gguf-TASK"): llamacpp on the file as it is, or the CTranslate2 int8
# conversion of its dequantised weights where one was made. Real Gemma 3 270M weights, 2 threads;
# a shape's time from prefill tokens/s and decode ms/token: summaries a 1,024-token prompt and a
# 64-token answer, translation a 60-token prompt (the example pairs) and a 30-token answer.
# avx2 (benchmarks/llm_speed.py --model gemma): llamacpp 241 tokens/s and 43.4 ms/token,
# CTranslate2 445 and 80.8: summaries 7.0 s against 7.5 s, translation 1.6 s against 2.6 s.
GGUF_AVX2 = (("gguf-summarization", "llamacpp"), ("gguf-translation", "llamacpp"))
# avx512_bf16 (an 835-token prompt, three calls each on a machine not fully quiet): llamacpp
# 200-420 tokens/s and 18.2 ms/token, CTranslate2 980-1,840 and 42-46: at the middles, summaries
# 4.5 s against 3.5 s on CTranslate2, translation 0.7 s against 1.4 s. The amx and avx512_vnni
# classes were not measured and take this row.
GGUF_AVX512 = (("gguf-summarization", "ctranslate2"), ("gguf-translation", "llamacpp"))

# A translation call of one sentence (a headline, `translate --text`, the service's usual request)
# is the shape "translation-sentence"; more sentences are a batch, "translation". One sentence, per
# class (benchmarks/results/figures.md, "auto by the call's shape"; benchmarks/auto_shape.py):
# OpenVINO measured fastest on both AVX-512 classes, CTranslate2 from two sentences with 4 beams;
# avx2 cannot run OpenVINO (below), amx was not measured and takes the AVX-512 row.
SENTENCE_ON_OPENVINO = ("translation-sentence", "openvino")

# Best class first. Figures (benchmarks/results/figures.md, "CPU classes"; 2 cores, medians of
# interleaved gated calls): summaries are one long input (DistilBART 1,024 tokens, beam 4),
# translation comes as batches of sentences (opus-mt, batch 16, beam 4).
CLASSES = (
    # AMX tiles and bfloat16: OpenVINO's bfloat16 encoder, 0.29 s for DistilBART's 1,024 tokens;
    # DistilBART 1.33 s on openvino against 2.55 s on ctranslate2, opus-mt 0.94 s on
    # ctranslate2 against 2.24 s on openvino (measured on an AMX Xeon before the int8 encoder).
    CpuClass(
        "amx",
        ("amx_tile", "amx_bf16", "amx_int8"),
        None,
        None,
        "bf16",
        (("summarization", "openvino"), ("translation", "ctranslate2"), SENTENCE_ON_OPENVINO, CHAT, *GGUF_AVX512),
    ),
    # AVX-512 with bfloat16 instructions but no AMX: OpenVINO's bfloat16 encoder is slower than
    # float32 here (2.60 s against 1.57 s), the int8 one 0.65 s. DistilBART 2.21 s on openvino
    # against 3.41 s on ctranslate2; opus-mt 1.30 s on ctranslate2 against 2.94 s on openvino.
    CpuClass(
        "avx512_bf16",
        ("avx512_bf16", "avx512_vnni"),
        "AVX512_CORE_BF16",
        "AVX512",
        "int8",
        (("summarization", "openvino"), ("translation", "ctranslate2"), SENTENCE_ON_OPENVINO, CHAT, *GGUF_AVX512),
    ),
    # AVX-512 VNNI (measured with the cap): the int8 encoder 0.57 s against float32 1.70 s;
    # DistilBART 1.98 s on openvino against 3.73 s; opus-mt 1.28 s on ctranslate2 against 3.08 s.
    CpuClass(
        "avx512_vnni",
        ("avx512_vnni",),
        "AVX512_CORE_VNNI",
        "AVX512",
        "int8",
        (("summarization", "openvino"), ("translation", "ctranslate2"), SENTENCE_ON_OPENVINO, CHAT, *GGUF_AVX512),
    ),
    # AVX2 only: OpenVINO cannot be measured here (its int8-weight layers find no kernel under an
    # AVX2 cap on an AVX-512 machine), so both tasks take CTranslate2, measured with its AVX2
    # kernels; an OpenVINO conversion still runs when forced (float32 encoder: int8 is no faster).
    CpuClass(
        "avx2",
        ("avx2",),
        "AVX2",
        "AVX2",
        "f32",
        (
            ("summarization", "ctranslate2"),
            ("translation", "ctranslate2"),
            ("translation-sentence", "ctranslate2"),
            CHAT,
            *GGUF_AVX2,
        ),
    ),
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
