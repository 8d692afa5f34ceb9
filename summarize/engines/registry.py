"""Engines by name, as "module:Class" strings imported only when chosen (keeps --help light)."""

from __future__ import annotations

import importlib

from summarize.errors import EngineUnavailableError

TRANSLATORS = {
    "transformers": "summarize.engines.huggingface:HFTranslator",
    "apertium": "summarize.engines.apertium:ApertiumTranslator",
    "ctranslate2": "summarize.engines.ctranslate2:CT2Translator",
    "openvino": "summarize.engines.openvino:OVTranslator",
}
SUMMARIZERS = {
    "transformers": "summarize.engines.huggingface:HFSummarizer",
    "extractive": "summarize.engines.extractive:ExtractiveSummarizer",
    "ctranslate2": "summarize.engines.ctranslate2:CT2Summarizer",
    "openvino": "summarize.engines.openvino:OVSummarizer",
}


def engine_class(task: str, name: str) -> type:
    """The class that serves `task` ('translation' or 'summarization') on engine `name`."""
    table = TRANSLATORS if task == "translation" else SUMMARIZERS
    if name not in table:
        raise EngineUnavailableError(
            f"engine '{name}' cannot do {task}; engines for it: {', '.join(sorted(table))}"
        )
    module_name, class_name = table[name].split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise EngineUnavailableError(f"engine '{name}' needs the package '{exc.name}'; install it") from None
    return getattr(module, class_name)
