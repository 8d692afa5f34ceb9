"""Engines by name, from the table: code is imported only when chosen (keeps --help light). A
sequence-to-sequence runtime's model class becomes a translator and a summariser here."""

from __future__ import annotations

import importlib
from functools import cache

from summarize.engines.base import NeuralSummarizer, NeuralTranslator
from summarize.engines.table import ENGINES, engines_for
from summarize.errors import EngineUnavailableError


def engine_class(task: str, name: str, chat: bool = False) -> type:
    """The class that serves `task` ('translation' or 'summarization') on engine `name`, for a
    decoder-only chat model when `chat`; the same class object however it is asked for."""
    return _engine_class(task, name, bool(chat))


@cache
def _engine_class(task: str, name: str, chat: bool) -> type:
    row = ENGINES.get(name)
    if row is None or not row.serves(task):
        raise EngineUnavailableError(f"engine '{name}' cannot do {task}; engines for it: {', '.join(engines_for(task))}")
    if row.model is None:
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
    if row is None or row.model is None:
        raise EngineUnavailableError(
            f"'{name}' is not a neural engine; neural engines: {', '.join(n for n, r in ENGINES.items() if r.neural)}"
        )
    if chat and row.chat_model is None:
        chat_engines = ", ".join(n for n, r in ENGINES.items() if r.chat_model)
        raise EngineUnavailableError(f"engine '{name}' cannot run decoder-only chat models; engines that can: {chat_engines}")
    return _load(row.chat_model if chat else row.model, name)


def _load(path: str, name: str):
    module_name, attribute = path.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise EngineUnavailableError(f"engine '{name}' needs the package '{exc.name}'; install it") from None
    return getattr(module, attribute)
