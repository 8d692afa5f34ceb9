"""Choosing engines: a named model, a forced engine, or `auto` with announced fallbacks."""

from __future__ import annotations

from collections.abc import Callable

from summarize.cards import ModelCard, load_cards, resolve
from summarize.engines.base import IdentityTranslator, Summarizer, Translator
from summarize.engines.registry import SUMMARIZERS, TRANSLATORS, engine_class
from summarize.errors import EngineUnavailableError, LanguageError, ModelUnavailableError
from summarize.hub import local_weights

Notify = Callable[[str], None]
DEFAULT_EXTRACTIVE = "textrank"
# Engines that serve only one task: forcing them leaves the other task on `auto`.
ENGINE_CHOICES = ("auto", "transformers", "ctranslate2", "openvino", "apertium", "extractive")
CONVERTED = ("ctranslate2", "openvino")


def default_card(task: str, source: str, target: str | None) -> ModelCard | None:
    """The preferred neural card for a language pair: bilingual first, then the smallest."""
    candidates = [c for c in load_cards().values()
                  if c.task == task and not c.weightless and c.serves(source, target)]
    if task == "summarization":
        candidates = [c for c in candidates if target in (None, source) or c.target_languages]
    candidates.sort(key=lambda c: (len(c.source_languages), c.parameters or 0))
    return candidates[0] if candidates else None


def _load(card: ModelCard, task: str, device: str, allow_download: bool, engine: str = "auto"):
    if card.architecture in ("apertium", "extractive"):
        engine = card.architecture
    elif engine == "auto":
        engine = _neural_engine(card, task, device)
    elif engine not in ("transformers", *CONVERTED):
        raise EngineUnavailableError(f"engine '{engine}' cannot run '{card.alias}' (a neural model)")
    return engine_class(task, engine).from_card(card, device=device, allow_download=allow_download)


def _neural_engine(card: ModelCard, task: str, device: str) -> str:
    """A converted model when one exists for this device, else transformers. Summaries try
    OpenVINO first (the faster on one long input), translation CTranslate2 (the faster on
    batches of sentences); OpenVINO conversions exist for the CPU only."""
    from summarize.convert import find_converted

    resolved = "cuda" if device == "cuda" else "cpu"
    if device == "auto":
        import torch

        resolved = "cuda" if torch.cuda.is_available() else "cpu"
    runtimes = ("openvino", "ctranslate2") if task == "summarization" else ("ctranslate2", "openvino")
    return next((r for r in runtimes if find_converted(card, resolved, r) is not None), "transformers")


def _forced_for(task: str, engine: str) -> str:
    """The engine a `--engine` value forces for `task`, or 'auto' if it cannot serve it."""
    table = TRANSLATORS if task == "translation" else SUMMARIZERS
    return engine if engine in table else "auto"


# Engines already chosen in this process, so that a job over many documents loads each model
# once and says each fallback once.
_CHOSEN: dict[tuple, Translator | Summarizer] = {}


def _once(function):
    def chosen(*args):
        key = (function.__name__, *args[:-1])
        if key not in _CHOSEN:
            _CHOSEN[key] = function(*args)
        return _CHOSEN[key]

    chosen.__doc__ = function.__doc__
    chosen.__wrapped__ = function
    return chosen


@_once
def choose_translator(source: str, target: str, model: str | None, engine: str, device: str,
                      notify: Notify) -> Translator:
    """The translation step for `source` -> `target`."""
    if source == target:
        return IdentityTranslator(target)
    forced = _forced_for("translation", engine)
    if model:
        return _load(resolve(model, "translation"), "translation", device, True, forced)
    apertium_card = load_cards()["apertium"]
    if forced == "apertium":
        return _load(apertium_card, "translation", device, False)
    card = default_card("translation", source, target)
    if forced in ("transformers", "ctranslate2"):
        if card is None:
            raise LanguageError(f"no neural model card translates {source} to {target}")
        return _load(card, "translation", device, True, forced)
    if card is not None and local_weights(card) is not None:
        return _load(card, "translation", device, False)
    from summarize.engines.apertium import mode_for

    if mode_for(source, target):
        why = f"'{card.alias}' is not in the local cache" if card else f"no neural card for {source}->{target}"
        hint = f" ('summarize models download {card.alias}' fetches it)" if card else ""
        notify(f"translation: {why}; using Apertium {source}->{target} instead{hint}")
        return _load(apertium_card, "translation", device, False)
    if card is None:
        raise LanguageError(f"nothing here translates {source} to {target}: no model card and no Apertium pair")
    raise ModelUnavailableError(
        f"'{card.alias}' is not in the local cache and Apertium has no {source}->{target} pair; "
        f"run 'summarize models download {card.alias}' or install Apertium"
    )


@_once
def choose_summarizer(language: str, model: str | None, engine: str, device: str,
                      notify: Notify) -> Summarizer:
    """The summarisation step for text in `language`."""
    forced = _forced_for("summarization", engine)
    if model:
        return _load(resolve(model, "summarization"), "summarization", device, True, forced)
    extractive = load_cards()[DEFAULT_EXTRACTIVE]
    if forced == "extractive":
        return _load(extractive, "summarization", device, False)
    card = default_card("summarization", language, None)
    if forced in ("transformers", *CONVERTED):
        if card is None:
            raise LanguageError(f"no neural summariser card serves '{language}'")
        return _load(card, "summarization", device, True, forced)
    if card is not None and local_weights(card) is not None:
        return _load(card, "summarization", device, False)
    why = f"'{card.alias}' is not in the local cache" if card else f"no neural summariser serves '{language}'"
    hint = f"; 'summarize models download {card.alias}' fetches it" if card else ""
    notify(f"summary: {why}; using the extractive {DEFAULT_EXTRACTIVE} summariser{hint}")
    return _load(extractive, "summarization", device, allow_download=False)

