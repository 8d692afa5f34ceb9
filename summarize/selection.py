"""Choosing engines: a named model, a forced engine, or `auto` with announced fallbacks, by one
rule for both tasks. Choices are kept for the process, so that a job over many documents loads
each model once and says each fallback once; `forget_choices` starts afresh."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from summarize.cards import ModelCard, load_cards, resolve
from summarize.engines.base import Engine, IdentityTranslator
from summarize.engines.registry import engine_class
from summarize.engines.table import ENGINES, auto_runtimes, engines_for
from summarize.errors import EngineUnavailableError, LanguageError, ModelUnavailableError
from summarize.hub import local_weights

Notify = Callable[[str], None]
# The weight-free card each task falls back to when its neural model is not local, and how the
# note names the step and the fallback.
FALLBACK = {"translation": "apertium", "summarization": "textrank"}
_SAID = {"translation": ("translation", "Apertium {pair}"), "summarization": ("summary", "the extractive textrank summariser")}

_chosen: dict[tuple, Engine] = {}


def forget_choices() -> None:
    """Forget the engines chosen so far in this process (the next choice loads anew)."""
    _chosen.clear()


def default_card(task: str, source: str, target: str | None) -> ModelCard | None:
    """The preferred neural card for a language pair: bilingual first, then the smallest."""
    candidates = [
        c for c in load_cards().values() if c.task == task and not c.weightless and not c.chat and c.serves(source, target)
    ]
    if task == "summarization":
        candidates = [c for c in candidates if target in (None, source) or c.target_languages]
    candidates.sort(key=lambda c: (len(c.source_languages), c.parameters or 0))
    return candidates[0] if candidates else None


def load(
    card: ModelCard, task: str, device: str, allow_download: bool, engine: str = "auto", length_factor: float | None = None
) -> Engine:
    """The engine for `card`: the one forced, else a weight-free card's own, else the best local one;
    `length_factor` replaces the card's bound on translation output."""
    if length_factor is not None and not card.weightless:
        card = dataclasses.replace(card, max_length_factor=length_factor)
    if card.weightless:
        engine = engine if engine != "auto" and not ENGINES[engine].neural else card.engines[0]
    elif card.converted_for is not None:
        if engine not in ("auto", card.converted_for):
            raise EngineUnavailableError(
                f"'{card.local_path}' is a {card.converted_for} conversion; engine '{engine}' cannot run it"
            )
        engine = card.converted_for
    elif engine == "auto":
        engine = _neural_engine(card, task, device)
    elif not ENGINES[engine].neural:
        raise EngineUnavailableError(f"engine '{engine}' cannot run '{card.alias}' (a neural model)")
    return engine_class(task, engine, card.chat).from_card(card, device=device, allow_download=allow_download)


def _neural_engine(card: ModelCard, task: str, device: str) -> str:
    """A conversion that exists for this device, in `auto`'s order for the task, else transformers."""
    from summarize.conversions.store import find_converted
    from summarize.engines.seq2seq import pick_device

    resolved = pick_device(device)
    runtimes = [r for r in auto_runtimes(task) if resolved in ENGINES[r].devices and (ENGINES[r].chat_model or not card.chat)]
    return next((r for r in runtimes if find_converted(card, resolved, r) is not None), "transformers")


def choose(
    task: str,
    source: str,
    target: str | None,
    model: str | None,
    engine: str,
    device: str,
    notify: Notify,
    length_factor: float | None = None,
) -> Engine:
    """The engine for one step: translating `source` into `target`, or summarising text in
    `source` (target None). `engine` forces the step's engine when it can do the step;
    `length_factor` replaces the card's bound on translation output."""
    key = (task, source, target, model, engine, device, length_factor)
    if key not in _chosen:
        _chosen[key] = _choose(key, notify)
    return _chosen[key]


def _choose(key: tuple, notify: Notify) -> Engine:
    task, source, target, model, engine, device, length_factor = key
    if task == "translation" and source == target:
        return IdentityTranslator()
    forced = engine if engine in engines_for(task) else "auto"

    def neural(card: ModelCard, allow_download: bool, engine: str = "auto") -> Engine:
        return load(card, task, device, allow_download, engine, length_factor)

    if model:
        return neural(resolve(model, task), True, forced)
    fallback = load_cards()[FALLBACK[task]]
    if forced != "auto" and not ENGINES[forced].neural:
        return load(fallback, task, device, False, forced)
    card = default_card(task, source, target)
    pair = f"{source}->{target}" if task == "translation" else f"'{source}'"
    if forced != "auto":
        if card is None:
            raise LanguageError(f"no neural model card does {task} for {pair}")
        return neural(card, True, forced)
    if card is not None and local_weights(card) is not None:
        return neural(card, False)
    if _fallback_serves(task, source, target):
        why = f"'{card.alias}' is not in the local cache" if card else f"no neural model card does {task} for {pair}"
        hint = f" ('summarize models download {card.alias}' fetches it)" if card else ""
        step, instead = _SAID[task]
        notify(f"{step}: {why}; using {instead.format(pair=pair)} instead{hint}")
        return load(fallback, task, device, False)
    if card is None:
        raise LanguageError(f"nothing here translates {source} to {target}: no model card and no Apertium pair")
    raise ModelUnavailableError(
        f"'{card.alias}' is not in the local cache and Apertium has no {pair} pair; "
        f"run 'summarize models download {card.alias}' or install Apertium"
    )


def _fallback_serves(task: str, source: str, target: str | None) -> bool:
    if task == "summarization":
        return True
    from summarize.engines.apertium import mode_for

    return mode_for(source, target) is not None
