"""The engines, one row each: the registry, the cards' validation, the selection rules, the
conversions and every `--engine` and `--runtime` choice are read from this table, so adding an
engine is one row and its module. Nothing here imports an engine."""

from __future__ import annotations

from dataclasses import dataclass, field

TASKS = ("translation", "summarization")


@dataclass(frozen=True)
class EngineRow:
    """One engine and where its code lives ("module:Class", imported only when chosen): a
    sequence-to-sequence `model` class (engines/seq2seq.py), which serves both tasks, or a
    weight-free engine's `translator` or `summarizer`; for engines that run converted models, how
    conversions are written and which ones `auto` takes."""

    name: str
    model: str | None = None
    #: The decoder-only chat model class (engines/chat.py), for the engines that run them.
    chat_model: str | None = None
    translator: str | None = None
    summarizer: str | None = None
    devices: tuple[str, ...] = ("cpu", "cuda")
    #: "module:function" writing a conversion; None for engines that load the weights as they are.
    writer: str | None = None
    quantizations: tuple[str, ...] = ()
    #: Per device, the quantisations `auto` looks for, best first; the first is the one converted.
    preferred: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Per task, this conversion's place in `auto`'s order (lower first); absent: not tried.
    auto_rank: dict[str, int] = field(default_factory=dict)

    @property
    def neural(self) -> bool:
        """Runs a model card's weights (else it is weight-free: Apertium, the extractive methods)."""
        return self.model is not None

    @property
    def converted(self) -> bool:
        return self.writer is not None

    def serves(self, task: str) -> bool:
        return self.neural or (self.translator if task == "translation" else self.summarizer) is not None


ENGINES = {
    row.name: row
    for row in (
        EngineRow(
            "transformers",
            model="summarize.engines.huggingface:TransformersModel",
            chat_model="summarize.engines.chat_transformers:TransformersChat",
        ),
        # Which of the two `auto` takes first depends on the CPU (engines/cpu.py); auto_rank orders the rest.
        EngineRow(
            "ctranslate2",
            model="summarize.engines.ctranslate2:CT2Model",
            chat_model="summarize.engines.chat_ctranslate2:CT2Chat",
            writer="summarize.conversions.ctranslate2_writer:write",
            quantizations=("int8", "int8_float32", "int8_float16", "float32", "float16"),
            preferred={"cpu": ("int8", "int8_float32", "float32"), "cuda": ("float16", "int8_float16", "float32")},
            auto_rank={"translation": 0, "summarization": 1},
        ),
        EngineRow(
            "openvino",
            model="summarize.engines.openvino:OVModel",
            devices=("cpu",),
            writer="summarize.conversions.openvino_writer:write",
            quantizations=("int8", "float32"),
            preferred={"cpu": ("int8", "float32")},
            auto_rank={"translation": 1, "summarization": 0},
        ),
        EngineRow("apertium", translator="summarize.engines.apertium:ApertiumTranslator"),
        EngineRow("extractive", summarizer="summarize.engines.extractive:ExtractiveSummarizer"),
    )
}


def engine_choices() -> tuple[str, ...]:
    """What `--engine` takes: auto, or any engine in the table."""
    return ("auto", *ENGINES)


def runtimes() -> tuple[str, ...]:
    """The engines that run conversions, which `models convert --runtime` writes."""
    return tuple(name for name, row in ENGINES.items() if row.converted)


def engines_for(task: str) -> tuple[str, ...]:
    """The engines that can do `task`."""
    return tuple(name for name, row in ENGINES.items() if row.serves(task))


def auto_runtimes(task: str) -> tuple[str, ...]:
    """The conversions `auto` tries for `task`, in order: the one measured fastest for the task on
    this class of CPU (engines/cpu.py) first, then the table's order."""
    from summarize.engines.cpu import fastest_runtime

    fastest = fastest_runtime(task)
    ranked = [row for row in ENGINES.values() if task in row.auto_rank]
    return tuple(row.name for row in sorted(ranked, key=lambda row: (row.name != fastest, row.auto_rank[task])))
