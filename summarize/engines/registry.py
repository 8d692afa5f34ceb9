"""Engines by name, from the table: code is imported only when chosen (keeps --help light). A
sequence-to-sequence runtime's model class becomes a translator and a summariser here."""

from __future__ import annotations

import importlib
from functools import cache

from summarize.engines.base import NeuralSummarizer, NeuralTranslator
from summarize.errors import EngineUnavailableError
from summarize.runtimes.table import ENGINES, engines_for


def engine_class(task: str, name: str, chat: bool = False) -> type:
    """The class that serves `task` ('translation' or 'summarization') on engine `name`, for a
    decoder-only chat model when `chat`; the same class object however it is asked for."""
    return _engine_class(task, name, bool(chat))


@cache
def _engine_class(task: str, name: str, chat: bool) -> type:
    row = ENGINES.get(name)
    if row is None or not row.serves(task):
        raise EngineUnavailableError(f"engine '{name}' cannot do {task}; engines for it: {', '.join(engines_for(task))}")
    if not row.neural:
        return _load(row.translator if task == "translation" else row.summarizer, name)
    model_class = runtime_class(name, chat)
    if chat:
        from summarize.engines.chat import ChatSummarizer, ChatTranslator

        base = ChatTranslator if task == "translation" else ChatSummarizer
    else:
        base = NeuralTranslator if task == "translation" else NeuralSummarizer
    return type(
        f"{model_class.__name__}{base.__name__}",
        (base,),
        {"engine_name": name, "model_class": model_class, "__doc__": f"{base.__doc__} ({name})"},
    )


def runtime_class(name: str, chat: bool = False) -> type:
    """The model class of a neural engine: sequence-to-sequence (engines/seq2seq.py), or for a
    decoder-only chat model (engines/chat.py) when `chat`."""
    row = ENGINES.get(name)
    if row is None or not row.neural:
        raise EngineUnavailableError(
            f"'{name}' is not a neural engine; neural engines: {', '.join(n for n, r in ENGINES.items() if r.neural)}"
        )
    family = row.family_of(chat)
    if family not in row.models:
        kind = "decoder-only chat" if chat else "sequence-to-sequence"
        able = ", ".join(n for n, r in ENGINES.items() if family in r.models)
        raise EngineUnavailableError(f"engine '{name}' cannot run {kind} models; engines that can: {able}")
    return _load(row.models[family], name, row.package)


def _load(path: str, name: str, package: str | None = None):
    module_name, attribute = path.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        needed = package if package and exc.name and exc.name.split(".")[0] == package.replace("-", "_") else exc.name
        raise EngineUnavailableError(f"engine '{name}' needs the package '{needed}'; pip install {needed}") from None
    return getattr(module, attribute)
