"""The engines holder: built from the options, it chooses (a named model, a forced engine, or
`auto` with its fallbacks, one rule for both tasks), loads and holds the engines those options
call for. The Python `Pipeline`, the service, each Ray actor and the bench each hold one; nothing
holds engines at module level. Tests give fakes through the constructor (`given`)."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

from summarize.catalog.cards import ModelCard, load_cards, resolve
from summarize.catalog.hub import local_weights
from summarize.core.options import Options
from summarize.engines.base import Engine, IdentityTranslator, Summarizer, Translator
from summarize.engines.registry import engine_class
from summarize.errors import EngineUnavailableError, LanguageError, ModelUnavailableError, SummarizeError
from summarize.runtimes.table import ENGINES, auto_runtimes, engines_for

#: The weight-free card of each task: Apertium ranks among the translators of a pair, TextRank
#: summarises when the summariser's weights are not here.
FALLBACK = {"translation": "apertium", "summarization": "textrank"}


@dataclass(frozen=True)
class Choice:
    """An engine chosen for a step, with the notes its choice made (a fallback said)."""

    engine: Engine
    notes: tuple[str, ...] = ()


class Engines:
    """The engines of one set of options, chosen on first use and kept.

    `given` maps (task, source, target) to an engine to use instead of choosing one: the
    translation step is ("translation", source, target), the summary ("summarization", language,
    None).

    A translation call of one sentence is a shape of its own (runtimes/cpu.py): with `auto` and
    conversions for two runtimes, each shape gets the runtime measured fastest for it, and both
    are held (each engine is loaded once, whichever shapes share it)."""

    #: Seconds a failed choice is given again as it was before it is tried anew: a transient
    #: failure (a model being downloaded, a file being replaced) is not a service's until restart.
    RETRY_AFTER_S = 30.0

    def __init__(
        self,
        options: Options | None = None,
        given: dict[tuple, Engine] | None = None,
        clock=time.monotonic,
        one_shot: bool = False,
    ):
        self.options = options or Options()
        #: The process runs one job: what only its start needs (the language models) is given back.
        self.one_shot = one_shot
        self._given = {key: Choice(engine) for key, engine in (given or {}).items()}
        self._held: dict[tuple, Choice] = {}
        self._failed: dict[tuple, tuple[SummarizeError, float]] = {}
        self._loaded: dict[tuple, Engine] = {}
        self.clock = clock

    def translator(self, source: str, target: str, sentences: int | None = None) -> Choice:
        """The translator from `source` into `target` (an identity one when they are the same) for a
        call of `sentences` sentences (None: a batch of unknown size); raises the SummarizeError
        that stopped its choice (the same, until RETRY_AFTER_S have passed)."""
        return self._get(("translation", source, target), sentences)

    def summarizer(self, language: str) -> Choice:
        """The summariser of text in `language`."""
        return self._get(("summarization", language, None))

    def held(self) -> list[tuple[tuple, Choice]]:
        """The engines loaded so far, with their keys (task, source, target), each engine once."""
        seen, found = set(), []
        for key, choice in [*self._given.items(), *((key[:3], c) for key, c in self._held.items())]:
            if id(choice.engine) not in seen:
                seen.add(id(choice.engine))
                found.append((key, choice))
        return found

    def _get(self, key: tuple, sentences: int | None = None) -> Choice:
        from summarize.runtimes.cpu import shape

        if key in self._given:
            return self._given[key]
        shaped = (*key, shape(key[0], sentences))
        if shaped in self._held:
            return self._held[shaped]
        error, when = self._failed.get(shaped, (None, 0.0))
        if error is not None and self.clock() - when < self.RETRY_AFTER_S:
            raise error
        try:
            self._held[shaped] = self._choose(*key, sentences)
        except SummarizeError as error:
            self._failed[shaped] = (error, self.clock())
            raise
        self._failed.pop(shaped, None)
        return self._held[shaped]

    def _choose(self, task: str, source: str, target: str | None, sentences: int | None) -> Choice:
        options = self.options
        if task == "translation" and source == target:
            return Choice(IdentityTranslator())
        model = options.translator if task == "translation" else options.summarizer
        forced = options.engine if options.engine in engines_for(task) else "auto"
        if model:
            return Choice(self._load(resolve(model, task), task, True, forced, sentences))
        fallback = load_cards()[FALLBACK[task]]
        if forced != "auto" and not ENGINES[forced].neural:
            if task == "translation" and forced == "apertium":
                from summarize.engines.apertium import available_modes, required_route

                if available_modes():  # a pair it lacks is said at the choice, as any engine's
                    required_route(source, target)
            return Choice(self._load(fallback, task, False, forced))
        card = default_card(task, source, target)
        pair = f"{source}->{target}" if task == "translation" else f"'{source}'"
        if forced == "auto" and task == "translation":
            return self._best_translator(source, target, card, sentences)
        if forced != "auto":
            if card is None:
                raise LanguageError(f"no neural model card does {task} for {pair}")
            return Choice(self._load(card, task, True, forced))
        if card is not None and local_weights(card) is not None:
            return Choice(self._load(card, task, False, sentences=sentences))
        why = f"'{card.alias}' is not in the local cache" if card else f"no neural model card does {task} for {pair}"
        hint = f" ('summarize models download {card.alias}' fetches it)" if card else ""
        note = f"summary: {why}; using the extractive textrank summariser instead{hint}"
        return Choice(self._load(fallback, task, False), (note,))

    def _best_translator(self, source: str, target: str, card: ModelCard | None, sentences: int | None) -> Choice:
        """`auto`'s translator: the best ranked of those this machine serves the pair with
        (`ranked_translators`); a note says why when it is not the pair's own model."""
        ranked = ranked_translators(source, target, card, self.options.allowed_runtimes())
        if not ranked:
            if card is None:
                raise LanguageError(f"nothing here translates {source} to {target}: no model card and no Apertium pair")
            raise ModelUnavailableError(
                f"'{card.alias}' is not in the local cache and Apertium has no {source}->{target} pair; "
                f"run 'summarize models download {card.alias}' or install Apertium"
            )
        best = ranked[0]
        engine = self._load(resolve(best.card.alias, "translation"), "translation", False, sentences=sentences)
        if card is not None and best.card.alias == card.alias:
            return Choice(engine)
        if any(found.own for found in ranked):
            why, hint = f"'{card.alias}' is here, and ranks below", ""
        elif card is not None:
            why, hint = f"'{card.alias}' is not in the local cache", f" ('summarize models download {card.alias}' fetches it)"
        else:
            why, hint = f"no neural model card does translation for {source}->{target}", ""
        ranking = f"; ranked first here by chrF on FLORES-200 dev {source}-{target}, {best.chrf:g}" if best.chrf else ""
        return Choice(engine, (f"translation: {why}; using {best.name} instead{hint}{ranking} (summarize models rank)",))

    def _load(
        self, card: ModelCard, task: str, allow_download: bool, engine: str = "auto", sentences: int | None = None
    ) -> Translator | Summarizer:
        from summarize.runtimes.cpu import shape, why_runtime

        options, asked = self.options, engine
        length_factor = options.length_factor if task == "translation" else None
        allowed = options.allowed_runtimes()
        card, engine = runtime_for(card, task, options.device, engine, length_factor, sentences, allowed)
        key = (task, engine, card.alias, card.local_path, card.converted_for)
        if key not in self._loaded:
            self._loaded[key] = engine_class(task, engine, card.chat).from_card(
                card, device=options.device, allow_download=allow_download
            )
        loaded = self._loaded[key]
        if asked == "auto" and ENGINES[engine].converted and card.weight_format != "gguf":
            call = "chat" if card.chat else shape(task, sentences)
            loaded.auto_reasons = {**loaded.auto_reasons, call: why_runtime(call, engine, allowed)}
        return loaded


def load(
    card: ModelCard, task: str, device: str, allow_download: bool, engine: str = "auto", length_factor: float | None = None
) -> Engine:
    """The engine for `card`: the one forced, else a weight-free card's own, else the best local one;
    `length_factor` replaces the card's bound on translation output."""
    card, engine = runtime_for(card, task, device, engine, length_factor)
    return engine_class(task, engine, card.chat).from_card(card, device=device, allow_download=allow_download)


def runtime_for(
    card: ModelCard,
    task: str,
    device: str,
    engine: str = "auto",
    length_factor: float | None = None,
    sentences: int | None = None,
    allowed: tuple[str, ...] | None = None,
) -> tuple[ModelCard, str]:
    """The card as it will run and its engine: the one forced, else a weight-free card's own, else
    the best local one for a call of `sentences` sentences among the `allowed` conversions."""
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
    elif engine == "auto" and card.weight_format == "gguf":
        card, engine = _gguf_engine(card, task, device)
    elif engine == "auto":
        engine = _neural_engine(card, task, device, sentences, allowed)
    elif not ENGINES[engine].neural:
        raise EngineUnavailableError(f"engine '{engine}' cannot run '{card.alias}' (a neural model)")
    return card, engine


def default_card(task: str, source: str, target: str | None) -> ModelCard | None:
    """The preferred neural card for a language pair: bilingual first, then the smallest."""
    candidates = [
        c for c in load_cards().values() if c.task == task and not c.weightless and not c.chat and c.serves(source, target)
    ]
    if task == "summarization":
        candidates = [c for c in candidates if target in (None, source) or c.target_languages]
    candidates.sort(key=lambda c: (len(c.source_languages), c.parameters or 0))
    return candidates[0] if candidates else None


#: The dev set whose chrF, in a card's `scores`, ranks the translators of a pair.
DEV_SET = "flores200-dev {source}-{target}"


@dataclass(frozen=True)
class Ranked:
    """A translator `auto` may take for a pair: its card, its name in the notes, and its chrF on
    the pair's dev set (None where not measured)."""

    card: ModelCard
    name: str
    chrf: float | None
    #: The pair's own model (`default_card`).
    own: bool = False


#: The metric of a card's score with its per-sentence choice against Apertium (`choice`), by
#: weighing (text/choice.py `WEIGHINGS`).
CHOSEN_CHRF = {
    "one_route": "chrF, chosen per sentence with Apertium",
    "several_routes": "chrF, chosen per sentence with Apertium's routes",
}


def dev_chrf(card: ModelCard, source: str, target: str, metric: str = "chrF") -> float | None:
    """The card's chrF on the pair's dev set, from its `scores`."""
    dataset = DEV_SET.format(source=source, target=target)
    return next((s.value for s in card.scores if s.dataset == dataset and s.metric == metric), None)


def chosen_chrf(card: ModelCard, source: str, target: str) -> float | None:
    """The card's chrF on the pair's dev set with its per-sentence choice against Apertium, for
    as many routes as are installed for the pair (text/choice.py's weighings); None where the
    card weighs no such choice or measured none, or Apertium has no route."""
    from summarize.engines.apertium import routes
    from summarize.text.choice import weighing

    installed = len(routes(source, target))
    name = weighing(installed) if installed else None
    return dev_chrf(card, source, target, CHOSEN_CHRF[name]) if name in card.choice else None


def ranked_translators(
    source: str, target: str, own: ModelCard | None = None, allowed: tuple[str, ...] | None = None
) -> list[Ranked]:
    """Every translator this machine serves `source` -> `target` with, best first: the pair's
    own model (`default_card`) when its weights are here, any other local model (a chat or GGUF
    model, a downloaded multilingual one) whose card measured the pair, and Apertium (direct, or
    through a third language). Measured ones rank by their chrF on the pair's dev set; the
    pair's own model, unmeasured, comes first (a model made for the pair), Apertium unmeasured
    after the measured. A model whose card weighs a per-sentence choice against Apertium ranks by
    its score with that choice where Apertium serves the pair. A model none of whose runtimes is
    installed (a GGUF file without xllamacpp) is not ranked. `allowed`: the runtimes auto may
    load (--runtimes)."""
    from summarize.catalog.gguf import package_installed
    from summarize.engines.apertium import route_name, routes

    found = []
    every = routes(source, target)
    for card in load_cards().values():
        if card.weightless or not (card.task == "translation" or card.chat) or not card.serves(source, target):
            continue
        chrf, name = dev_chrf(card, source, target), card.alias
        chosen = chosen_chrf(card, source, target)
        if chosen is not None:
            along = ", ".join(route_name(source, target, each) for each in every)
            chrf, name = chosen, f"{card.alias}, chosen per sentence with Apertium {along}"
        mine = own is not None and card.alias == own.alias
        runnable = any(ENGINES[runtime].installed and ENGINES[runtime].runs(card) for runtime in card.engines)
        if (
            (not mine and chrf is None)
            or not runnable
            or (allowed is not None and card.weight_format == "gguf" and not set(card.engines) & set(allowed))
        ):
            continue
        if local_weights(card) is not None or (card.weight_format == "gguf" and package_installed(card)):
            found.append(Ranked(card, name, chrf, mine))
    if every:
        apertium = load_cards()[FALLBACK["translation"]]
        found.append(Ranked(apertium, f"Apertium {route_name(source, target)}", dev_chrf(apertium, source, target)))
    first, unmeasured = float("inf"), float("-inf")
    return sorted(found, key=lambda c: first if c.own and c.chrf is None else (c.chrf or unmeasured), reverse=True)


def _neural_engine(
    card: ModelCard, task: str, device: str, sentences: int | None = None, allowed: tuple[str, ...] | None = None
) -> str:
    """A conversion that exists for this device, in `auto`'s order for the call's shape, else the
    first runtime that loads the weights as they are."""
    from summarize.catalog.conversions import find_converted
    from summarize.engines.runtime import pick_device

    resolved = pick_device(device)
    ranked = auto_runtimes(task, card.chat, sentences)
    runs = [r for r in ranked if resolved in ENGINES[r].devices and ENGINES[r].runs(card) and r in (allowed or ranked)]
    found = next((r for r in runs if find_converted(card, resolved, r) is not None), None)
    return found or next(name for name, row in ENGINES.items() if row.runs(card) and not row.converted)


def _gguf_engine(card: ModelCard, task: str, device: str) -> tuple[ModelCard, str]:
    """A GGUF model on llamacpp, or on the runtime measured faster for the task's shape on this
    class of CPU (runtimes/cpu.py) where its dequantised weights were converted for it: the card
    then names that conversion, and keeps its prompts."""
    from summarize.engines.runtime import pick_device
    from summarize.runtimes.cpu import fastest_runtime

    fastest = fastest_runtime(f"gguf-{task}")
    if fastest != "llamacpp" and pick_device(device) == "cpu":
        folder = _converted_dequantized(card, fastest)
        if folder is not None:
            return dataclasses.replace(card, gguf=None, local_path=folder, converted_for=fastest, engines=(fastest,)), fastest
    return card, "llamacpp"


def _converted_dequantized(card: ModelCard, runtime: str) -> Path | None:
    """A CPU conversion for `runtime` of a GGUF card's dequantised weights, made before (`models
    convert`); nothing is made or fetched."""
    from summarize.catalog.cards import card_for_folder
    from summarize.catalog.conversions import find_converted
    from summarize.catalog.gguf import dequantized_path, find_file, read_info

    path = find_file(card)
    folder = dequantized_path(read_info(path), card.alias) if path is not None else None
    if folder is None or not (folder / "config.json").is_file():
        return None
    return find_converted(card_for_folder(folder, card.task), "cpu", runtime)
