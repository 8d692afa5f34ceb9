"""The engines, one row each: the registry, the cards' validation, the selection rules, the
conversions and every `--engine` and `--runtime` choice are read from this table, so adding an
engine is one row and its module. Nothing here imports an engine."""

from __future__ import annotations

from dataclasses import dataclass, field

TASKS = ("translation", "summarization")


#: The model families a neural runtime can run: sequence-to-sequence models (engines/seq2seq.py)
#: and decoder-only chat or completion models (engines/chat.py).
FAMILIES = ("seq2seq", "chat")


@dataclass(frozen=True)
class EngineRow:
    """One engine and where its code lives ("module:Class", imported only when chosen): per model
    family it runs, the runtime's model class (a sequence-to-sequence one serves both tasks, a
    chat one both by its prompts), or a weight-free engine's `translator` or `summarizer`; for
    runtimes that run conversions, the writer per family and which conversions `auto` takes."""

    name: str
    #: Per family, the runtime's model class.
    models: dict[str, str] = field(default_factory=dict)
    translator: str | None = None
    summarizer: str | None = None
    #: The PyPI package the runtime is (its version goes in the metadata; install hints name it).
    package: str | None = None
    #: The packages it runs on besides (their versions go in `--version` and the bench's runs).
    beneath: tuple[str, ...] = ()
    devices: tuple[str, ...] = ("cpu", "cuda")
    #: The weight files the runtime loads (a folder without one is refused: never a pickle).
    weights: tuple[str, ...] = ("*.safetensors",)
    #: Per family, "module:function" writing a conversion; none for runtimes that load the
    #: weights as they are.
    writers: dict[str, str] = field(default_factory=dict)
    quantizations: tuple[str, ...] = ()
    #: Per device, the quantisations `auto` looks for, best first; the first is the one converted.
    preferred: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Per task (and "chat" for chat models), this conversion's place in `auto`'s order (lower
    #: first); absent: not tried.
    auto_rank: dict[str, int] = field(default_factory=dict)

    @property
    def neural(self) -> bool:
        """Runs a model card's weights (else it is weight-free: Apertium, the extractive methods)."""
        return bool(self.models)

    @property
    def converted(self) -> bool:
        return bool(self.writers)

    def family_of(self, chat: bool) -> str:
        return "chat" if chat else "seq2seq"

    @property
    def installed(self) -> bool:
        """Whether the runtime's package is here (found, not imported)."""
        import importlib.util

        return self.package is None or importlib.util.find_spec(self.package) is not None

    def runs(self, card) -> bool:
        """Whether this runtime runs the card's model family, in the format of its weights."""
        return self.family_of(card.chat) in self.models and any(p.endswith(card.weight_format) for p in self.weights)

    def serves(self, task: str) -> bool:
        return self.neural or (self.translator if task == "translation" else self.summarizer) is not None


ENGINES = {
    row.name: row
    for row in (
        EngineRow(
            "transformers",
            models={
                "seq2seq": "summarize.engines.huggingface:TransformersModel",
                "chat": "summarize.engines.chat_transformers:TransformersChat",
            },
            package="transformers",
            beneath=("torch",),
        ),
        # Which of the two `auto` takes first depends on the CPU (runtimes/cpu.py); auto_rank orders the rest.
        EngineRow(
            "ctranslate2",
            models={
                "seq2seq": "summarize.engines.ctranslate2:CT2Model",
                "chat": "summarize.engines.chat_ctranslate2:CT2Chat",
            },
            package="ctranslate2",
            writers={
                "seq2seq": "summarize.conversions.ctranslate2_writer:write",
                "chat": "summarize.conversions.ctranslate2_writer:write",
            },
            quantizations=("int8", "int8_float32", "int8_float16", "float32", "float16"),
            preferred={"cpu": ("int8", "int8_float32", "float32"), "cuda": ("float16", "int8_float16", "float32")},
            auto_rank={"translation": 0, "summarization": 1, "chat": 0},
        ),
        EngineRow(
            "openvino",
            models={"seq2seq": "summarize.engines.openvino:OVModel"},
            package="openvino",
            devices=("cpu",),
            writers={"seq2seq": "summarize.conversions.openvino_writer:write"},
            quantizations=("int8", "float32"),
            preferred={"cpu": ("int8", "float32")},
            auto_rank={"translation": 1, "summarization": 0},
        ),
        # GGUF files of decoder-only models on llama.cpp (the binding: pyproject.toml's gguf extra).
        EngineRow(
            "llamacpp",
            models={"chat": "summarize.engines.llamacpp:LlamaCppModel"},
            package="xllamacpp",
            devices=("cpu",),
            weights=("*.gguf",),
        ),
        EngineRow("apertium", translator="summarize.engines.apertium:ApertiumTranslator"),
        EngineRow("extractive", summarizer="summarize.engines.extractive:ExtractiveSummarizer"),
    )
}


def package_version(name: str | None) -> str | None:
    """An installed package's version from its metadata (None when absent), without importing it."""
    from importlib.metadata import PackageNotFoundError, version

    if name is None:
        return None
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def runtime_packages() -> tuple[str, ...]:
    """The Python packages the engines run on, each once, in the table's order."""
    return tuple(dict.fromkeys(p for row in ENGINES.values() for p in (row.package, *row.beneath) if p is not None))


def engine_choices() -> tuple[str, ...]:
    """What `--engine` takes: auto, or any engine in the table."""
    return ("auto", *ENGINES)


def runtimes(family: str | None = None) -> tuple[str, ...]:
    """The engines that run conversions (of `family`, when given), which `models convert
    --runtime` writes."""
    return tuple(name for name, row in ENGINES.items() if row.converted and (family is None or family in row.writers))


def auto_loadable() -> tuple[str, ...]:
    """What `--runtimes` may name: the runtimes of conversions, and those of GGUF files, which
    `auto` loads for a model installed whole (a GGUF package)."""
    return tuple(name for name, row in ENGINES.items() if row.converted or any(w.endswith(".gguf") for w in row.weights))


def engines_for(task: str) -> tuple[str, ...]:
    """The engines that can do `task`."""
    return tuple(name for name, row in ENGINES.items() if row.serves(task))


def auto_runtimes(task: str, chat: bool = False, sentences: int | None = None) -> tuple[str, ...]:
    """The conversions `auto` tries for `task` (or for a chat model's, whichever the task), in
    order: the one measured fastest on this class of CPU for the call's shape (runtimes/cpu.py: a
    translation of `sentences` sentences, when few, is a shape of its own) first, then the
    table's order."""
    from summarize.runtimes.cpu import fastest_runtime, shape

    ranks = "chat" if chat else task
    fastest = fastest_runtime("chat" if chat else shape(task, sentences))
    ranked = [row for row in ENGINES.values() if ranks in row.auto_rank]
    return tuple(row.name for row in sorted(ranked, key=lambda row: (row.name != fastest, row.auto_rank[ranks])))
