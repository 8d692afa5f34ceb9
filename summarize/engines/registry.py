"""Engines by name, from the table: a class is imported only when chosen (keeps --help light)."""

from __future__ import annotations

import importlib

from summarize.engines.table import ENGINES, engines_for
from summarize.errors import EngineUnavailableError


def engine_class(task: str, name: str) -> type:
    """The class that serves `task` ('translation' or 'summarization') on engine `name`."""
    row = ENGINES.get(name)
    if row is None or not row.serves(task):
        raise EngineUnavailableError(f"engine '{name}' cannot do {task}; engines for it: {', '.join(engines_for(task))}")
    module_name, class_name = row.class_path(task).split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise EngineUnavailableError(f"engine '{name}' needs the package '{exc.name}'; install it") from None
    return getattr(module, class_name)
