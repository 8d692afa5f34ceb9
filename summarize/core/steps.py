"""The steps of `article` and `translate`: detect, segment, translate (or identity), summarise."""

from __future__ import annotations

import bisect
import dataclasses
import math
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from summarize.catalog.cards import load_cards
from summarize.engines.apertium import ApertiumTranslator
from summarize.engines.base import Summarizer, Translated, Translator
from summarize.errors import EngineUnavailableError, InputError, LanguageError, SummarizeError, first_line
from summarize.limits import limit
from summarize.text.chunk import chunk_sentences, cut_at_length, split_long_sentence
from summarize.text.document import Document, has_letters
from summarize.text.langdetect import detect_paragraphs, document_language, language_name
from summarize.text.numbers import in_convention
from summarize.text.segment import split_sentences


def supported_languages() -> tuple[str, ...]:
    """Every language some neural card or an installed Apertium pair translates from or into."""
    from summarize.engines.apertium import installed_languages

    languages = {
        language
        for card in load_cards().values()
        if card.task == "translation" and not card.weightless
        for language in (*card.source_languages, *card.target_languages)
    }
    return tuple(sorted(languages | installed_languages()))


def languages_here(target: str) -> str:
    """What translates into `target` on this machine now (installed Apertium pairs, models whose
    weights are here), and what `summarize models download` would add, for the errors that say
    which languages are served."""
    from summarize.catalog.hub import local_weights
    from summarize.engines.apertium import installed_pairs

    now = {source for source, into in installed_pairs() if into == target} | {target}
    later: dict[str, str] = {}
    cards = sorted(
        (c for c in load_cards().values() if c.task == "translation" and not c.weightless and target in c.target_languages),
        key=lambda card: card.parameters or 0,
    )
    for card in cards:
        if local_weights(card) is not None:
            now |= set(card.source_languages)
    for card in cards:
        for language in set(card.source_languages) - now:
            later.setdefault(language, card.alias)
    said = f"translated into {target} here now: {', '.join(sorted(now))}"
    if later:
        said += "; 'summarize models download' adds " + ", ".join(f"{code} ({later[code]})" for code in sorted(later))
    return said


@dataclass
class Timer:
    """Wall time per step, in seconds."""

    steps: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def measure(self, step: str):
        """Add the time spent in the `with` block to `step`."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.steps[step] = round(self.steps.get(step, 0.0) + time.perf_counter() - start, 4)


@dataclass
class Languages:
    """The document's language, the confidence in it, and each paragraph's language."""

    source: str
    confidence: float | None
    paragraphs: list[str]
    #: What the user should know of the detection (a short text's unsure answer).
    notes: tuple[str, ...] = ()
    #: The paragraphs without letters: in no language, given back as they are (as in `target`).
    letterless: tuple[int, ...] = ()

    def describe(self, target: str) -> dict:
        without = set(self.letterless)
        worded = [lang for index, lang in enumerate(self.paragraphs) if index not in without]
        counts = {lang: worded.count(lang) for lang in sorted(set(worded))}
        return {
            "source": self.source,
            "detected_confidence": self.confidence,
            "target": target,
            "mixed": len(counts) > 1,
            "paragraphs_per_language": counts,
            "paragraphs_without_letters": len(self.letterless),
        }


def detect_languages(doc: Document, requested: str, target: str, served: tuple[str, ...] | None = None) -> Languages:
    """`--from` for every paragraph, or detection of the document and of each paragraph among the
    languages served (by default every card's and Apertium pair's; the target needs no
    translation, so it is served too)."""
    languages = tuple(sorted({*(served or supported_languages()), target}))
    letterless = tuple(index for index, paragraph in enumerate(doc.paragraphs) if not has_letters(paragraph))
    worded = [paragraph for paragraph in doc.paragraphs if has_letters(paragraph)]
    if requested != "auto":
        if requested not in languages:
            raise LanguageError(f"language '{requested}' is not supported; {languages_here(target)}")
        return _with_letterless(Languages(requested, None, [requested] * len(worded)), letterless, target)
    if not worded:
        said = ("the text holds no letters (emoji, numbers, marks only): given back as it is",)
        return Languages(target, None, [target] * len(letterless), said, letterless)
    try:
        found = document_language(worded, languages)
    except LanguageError as error:
        raise type(error)(f"{error}; {languages_here(target)}") from None
    per_paragraph = detect_paragraphs(worded, languages, found.language)
    said = (
        (
            f"the text is short: its language was taken as '{found.language}' with confidence "
            f"{found.confidence:.2f} only; pass --from LANG if that is wrong",
        )
        if found.unsure
        else ()
    )
    return _with_letterless(Languages(found.language, found.confidence, per_paragraph, said), letterless, target)


def _with_letterless(languages: Languages, letterless: tuple[int, ...], target: str) -> Languages:
    """`languages` of the paragraphs with letters, the letterless ones put back in their places as
    `target` (kept as they are)."""
    worded, skipped = iter(languages.paragraphs), set(letterless)
    count = len(languages.paragraphs) + len(letterless)
    every = [target if index in skipped else next(worded) for index in range(count)]
    return dataclasses.replace(languages, paragraphs=every, letterless=letterless)


@dataclass
class Translation:
    """Translated sentences in their paragraphs, aligned one to one with the source sentences, and
    the translators that made them (most used language first)."""

    source: list[list[str]]
    target: list[list[str]]
    split_sentences: int = 0
    untranslated_paragraphs: int = 0
    #: Pieces whose translation ran to its length bound, or looped, even after a retry.
    hit_length_bound: int = 0
    #: Pieces translated again alone to keep them one to one (chat models).
    retranslated_alone: int = 0
    translators: list[Translator] = field(default_factory=list)
    #: Numbers the translation copied in the source's convention, rewritten in the target's.
    numbers_in_target_convention: int = 0
    #: Per sentence, the engine's confidence (0-1, None where it gives none), and whether it is
    #: below the engine's threshold.
    confidence: list[list[float | None]] = field(default_factory=list)
    low_confidence: list[list[bool]] = field(default_factory=list)
    #: Glossary terms the sentences held, and those a translation still lacks after its retry:
    #: (term, source sentence) pairs.
    terms_applied: int = 0
    terms_missed: list[tuple] = field(default_factory=list)
    #: Other translations of the document, each its paragraphs: the k-th takes each sentence's
    #: k-th other hypothesis of the beam search (its translation where it has fewer).
    alternatives: list[list[str]] = field(default_factory=list)
    #: Per paragraph, per sentence, the alias of the translator that made it (None: kept as it
    #: was; the fact check may give a sentence to another: core/jobs.py).
    sentence_translators: list[list[str | None]] = field(default_factory=list)
    #: Sentences Apertium translated unasked of the model (`--optimize-for latency`).
    apertium_unasked: int = 0


@dataclass
class Translating:
    """One document's part of a translation step: its paragraphs and each one's language."""

    work: object
    paragraphs: list[list[str]]
    languages: list[str]
    #: Per paragraph, its sentences as the pieces they are translated in (set per language).
    pieces: dict[int, list[list[str]]] = field(default_factory=dict)
    translated: dict[str, str] = field(default_factory=dict)
    flags: dict[str, tuple[bool, bool]] = field(default_factory=dict)
    confidence: dict[str, float | None] = field(default_factory=dict)
    #: Per piece, the glossary terms it held and those its translation lacks.
    terms: dict[str, tuple[list, list]] = field(default_factory=dict)
    used: dict[str, Translator] = field(default_factory=dict)
    kept: int = 0
    #: Per piece, its other hypotheses, best first (asked for alternatives only).
    ranked: dict[str, list[str]] = field(default_factory=dict)
    #: Pieces Apertium translated unasked of the model (`--optimize-for latency`).
    by_apertium: set[str] = field(default_factory=set)


def translate_together(
    parts: list[Translating],
    target: str,
    engines,
    progress: bool = False,
    glossary=None,
    alternatives: int = 0,
    request=None,
) -> list[Translation | None]:
    """Translate every paragraph of every part from its own language into `target`: each part's
    runtime chosen by its own pair and sentence count (never by what it was pooled with), then one
    engine call per source language and runtime for the parts together (each part alone where
    that call fails). A paragraph already in `target` stays. A language nothing here translates
    (or the engine named does not) stops the parts whose main language it is; elsewhere its
    paragraphs are kept untranslated, with a note. None for a part that stopped (its work holds
    the error). `glossary`: its terms are kept (`_translate_with_terms`). `alternatives`: that
    many other translations of each part, from the engines' beam search. `request`: the job's
    options, each engine given them (`Translator.for_request`)."""
    for part in parts:
        if target in part.languages:
            part.used[target] = engines.translator(target, target).engine
    languages = sorted({lang for part in parts for lang in part.languages if lang != target})
    for language in languages:
        by_engine: dict[int, tuple[Translator, list[Translating]]] = {}
        for part in (part for part in parts if part.work.error is None and language in part.languages):
            own = sum(len(paragraph) for paragraph, lang in zip(part.paragraphs, part.languages) if lang == language)
            try:
                choice = engines.translator(language, target, own)
            except SummarizeError as error:
                count = part.languages.count(language)
                if language == _by_frequency(part.languages)[0]:
                    part.work.fail(error)
                else:
                    part.work.note(f"{count} paragraph(s) in '{language}' kept untranslated: {error}")
                    part.kept += count
                continue
            part.work.note(*choice.notes)
            refusal = _register_refusal(choice.engine, request, language, target) if request is not None else None
            if refusal is not None and request.formality.startswith("prefer_"):
                part.work.note(refusal)
            elif refusal is not None:
                part.work.fail(InputError(f"{refusal}; formality=prefer_{request.formality} falls back to it"))
                continue
            engine = choice.engine.for_request(request) if request is not None else choice.engine
            by_engine.setdefault(id(choice.engine), (engine, []))[1].append(part)
        for translator, group in by_engine.values():
            _translate_language(group, language, translator, target, progress, glossary, alternatives, request)
    return [_assembled(part, target, alternatives) if part.work.error is None else None for part in parts]


def _register_refusal(engine: Translator, request, source: str, target: str) -> str | None:
    """Why the register `request.formality` asks cannot be had from `engine` into `target`
    (None when it can, or none is asked)."""
    if request.formality == "default" or target in engine.registers:
        return None
    alias = engine.describe().get("alias", type(engine).__name__)
    return (
        f"formality={request.formality}: {alias} ({source}->{target}) cannot be asked for a register "
        f"in {language_name(target)}; it writes in its one register"
    )


def _translate_language(
    with_language: list[Translating],
    language: str,
    translator: Translator,
    target: str,
    progress: bool,
    glossary,
    alternatives: int = 0,
    request=None,
) -> None:
    """The paragraphs in `language` of the parts, by `translator`, in one call (each part alone
    where it fails); pieces without letters are given back as they are, never sent. With
    `alternatives`, each piece's other hypotheses too. Under `--optimize-for latency`, a piece
    Apertium's routes agree on is theirs, unasked of the model (`_agreed_by_apertium`)."""
    for part in with_language:
        part.used[language] = translator
        for index, paragraph_language in enumerate(part.languages):
            if paragraph_language == language:
                part.pieces[index] = translation_pieces(part.paragraphs[index], translator, target)
                for piece in (p for sentence in part.pieces[index] for p in sentence if not has_letters(p)):
                    part.translated[piece], part.flags[piece], part.confidence[piece] = piece, (False, False), None
    terms = glossary.for_pair(language, target) if glossary is not None else ()
    groups = [with_language]
    while groups:
        group = groups.pop(0)
        pieces, starts, owned = _pieces_of(group, language, distinct=not translator.by_paragraph)
        latency = _latency_asked(request, translator, language, target)
        if latency and (terms or alternatives):
            for part in group:
                alias = translator.card.alias
                part.work.note(f"--optimize-for latency: with a glossary or alternatives, {alias} translates every sentence")
            latency = False
        given = _agreed_by_apertium(pieces, language, target) if latency else {}
        asked = [i for i in range(len(pieces)) if i not in given]
        # Where each paragraph's asked pieces start.
        asked_starts = tuple(sorted({p for p in (bisect.bisect_left(asked, start) for start in starts) if p < len(asked)}))
        try:
            done, held, retry_error = (
                _translate_with_terms([pieces[i] for i in asked], translator, language, target, progress, asked_starts, terms)
                if asked
                else (Translated([]), [], None)
            )
            done, held = _merged(done, held, asked, given)
        except SummarizeError as error:
            if len(group) > 1:  # each part alone, so that one part's failure stops only it
                groups.extend([part] for part in group)
            else:
                group[0].work.fail(error)
            continue
        for part, indices in zip(group, owned):
            if retry_error is not None and any(held[i][1] for i in indices):
                part.work.note(f"the glossary's retry failed, first translations kept: {retry_error}")
            part.by_apertium.update(pieces[i] for i in indices if i in given)
            if unasked := sum(i in given for i in indices):
                part.work.note(
                    f"{unasked} of {len(indices)} sentence(s) in '{language}' are Apertium's, unasked of "
                    f"{translator.card.alias}: its routes agreed on them (--optimize-for latency; alignment translator)"
                )
            for i in indices:
                part.terms[pieces[i]] = held[i]
                part.translated[pieces[i]] = done.texts[i]
                part.flags[pieces[i]] = (done.ran_away[i], done.realigned[i])
                part.confidence[pieces[i]] = done.confidences[i]
        if alternatives:
            ranked = _ranked(pieces, translator, language, target, alternatives, terms)
            for part, indices in zip(group, owned):
                for i in indices:
                    others = [text for text in ranked[i] if text != done.texts[i]] if ranked else []
                    part.ranked[pieces[i]] = others[:alternatives]


def _latency_asked(request, translator: Translator, source: str, target: str) -> bool:
    """Whether the job asks `--optimize-for latency` of a translator whose card measured a
    per-sentence choice against Apertium on the pair (the sentences it may leave to Apertium)."""
    from summarize.core.engines import chosen_chrf

    asked = request is not None and request.optimize_for == "latency"
    return asked and bool(translator.card.choice) and chosen_chrf(translator.card, source, target) is not None


def _agreed_by_apertium(pieces: list[str], source: str, target: str) -> dict[int, tuple[str, float]]:
    """The pieces (by position) whose renderings along Apertium's installed routes agree
    (text/choice.py `agreed`), each with the rendering taken and its confidence."""
    from summarize.engines.apertium import glosses
    from summarize.text.choice import agreed

    rendered = glosses(pieces, source, target)
    given = {}
    for i in range(len(pieces)):
        taken = agreed([rendering.texts[i] for rendering in rendered])
        if taken is not None:
            given[i] = (rendered[taken].texts[i], rendered[taken].confidences[i])
    return given


def _merged(done: Translated, held: list, asked: list[int], given: dict[int, tuple[str, float]]) -> tuple[Translated, list]:
    """The model's translations of the `asked` pieces (and the terms each held) and Apertium's
    `given` ones, in the pieces' order."""
    if not given:
        return done, held
    count = len(asked) + len(given)
    merged, terms = Translated([""] * count), [([], [])] * count
    for i, (text, confidence) in given.items():
        merged.texts[i], merged.confidences[i] = text, confidence
    for position, i in enumerate(asked):
        merged.texts[i], merged.confidences[i], terms[i] = done.texts[position], done.confidences[position], held[position]
        merged.ran_away[i], merged.realigned[i] = done.ran_away[position], done.realigned[position]
    return merged, terms


def _ranked(pieces: list[str], translator: Translator, source: str, target: str, count: int, terms) -> list[list[str]] | None:
    """Up to `count` + 1 hypotheses of each piece from the engine's beam search (bounded as its
    translations are), the glossary's terms kept as in the translation; None from an engine that
    makes one translation only, or when the search fails (the translation stands)."""
    from summarize.text.glossary import protect, restore

    protected = [protect(piece, terms, translator.term_forms[0]) for piece in pieces] if terms else None
    asked = [text for text, _ in protected] if protected else pieces
    try:
        ranked = translator.ranked_translations(asked, source, target, count + 1)
    except SummarizeError:
        return None
    if not ranked or len(ranked) != len(pieces):
        return None
    if protected:
        ranked = [[restore(text, found) for text in texts] for texts, (_, found) in zip(ranked, protected)]
    return ranked


def _by_frequency(languages: list[str]) -> list[str]:
    return sorted(dict.fromkeys(languages), key=languages.count, reverse=True)


def _pieces_of(group: list[Translating], language: str, distinct: bool) -> tuple[list[str], tuple[int, ...], list[list[int]]]:
    """The pieces of the group's paragraphs in `language`, in order (each once when `distinct`),
    where each paragraph's pieces start (for translators that work by paragraph), and per part,
    the positions of its own pieces."""
    pieces: list[str] = []
    starts: list[int] = []
    position: dict[str, int] = {}
    owned: list[list[int]] = []
    for part in group:
        own = []
        for index, paragraph_language in enumerate(part.languages):
            if paragraph_language != language:
                continue
            starts.append(len(pieces))
            for piece in (piece for sentence in part.pieces[index] for piece in sentence if has_letters(piece)):
                if distinct and piece in position:
                    own.append(position[piece])
                    continue
                position[piece] = len(pieces)
                own.append(len(pieces))
                pieces.append(piece)
        owned.append(own)
    return pieces, (() if distinct else tuple(starts)), owned


def _assembled(part: Translating, target: str, alternatives: int = 0) -> Translation:
    """A part's translation from the pieces' translations, numbers in the target's convention;
    what was split, bounded, redone or rewritten, counted; each sentence's confidence the lowest
    of its pieces'; and `alternatives` other translations, where the engine ranked some."""
    out, confidence, low, splits, runaway, alone, numbers = [], [], [], 0, 0, 0, 0
    applied, missed = 0, []
    for index, paragraph in enumerate(part.paragraphs):
        if index not in part.pieces:
            out.append(list(paragraph))
            confidence.append([None] * len(paragraph))
            low.append([False] * len(paragraph))
            continue
        threshold = part.used[part.languages[index]].confidence_threshold
        sentences, scores, lows = [], [], []
        for source, group in zip(paragraph, part.pieces[index]):
            translated = " ".join(part.translated[piece] for piece in group)
            translated, rewritten = in_convention(translated, source, part.languages[index], target)
            sentences.append(translated)
            given = [part.confidence.get(piece) for piece in group if has_letters(piece)]
            scores.append(None if not given or None in given else min(given))
            bound = ApertiumTranslator.confidence_threshold if _by_apertium(part, group) else threshold
            lows.append(scores[-1] is not None and bound is not None and scores[-1] < bound)
            numbers += rewritten
            for piece in group:
                found, lacking = part.terms.get(piece, ((), ()))
                applied += len(found)
                missed += [(term, source) for term in lacking]
            splits += len(group) > 1
            runaway += sum(part.flags[piece][0] for piece in group)
            alone += sum(part.flags[piece][1] for piece in group)
        out.append(sentences)
        confidence.append(scores)
        low.append(lows)
    order = _by_frequency([lang for lang in part.languages if lang in part.used])
    translators = [part.used[language] for language in order]
    translation = Translation(
        part.paragraphs, out, splits, part.kept, runaway, alone, translators, numbers, confidence, low, applied, missed
    )
    translation.alternatives = _alternatives(part, out, target, alternatives) if alternatives else []
    used = [part.used.get(language) if index in part.pieces else None for index, language in enumerate(part.languages)]
    translation.sentence_translators = [
        [
            ApertiumTranslator.engine_name if _by_apertium(part, group) else engine.card.alias if engine is not None else None
            for group in part.pieces.get(index, [()] * len(sentences))
        ]
        for index, (engine, sentences) in enumerate(zip(used, out))
    ]
    translation.apertium_unasked = sum(_by_apertium(part, group) for groups in part.pieces.values() for group in groups)
    return translation


def _by_apertium(part: Translating, pieces: list[str]) -> bool:
    """Whether Apertium translated each of a sentence's `pieces` unasked of the model."""
    worded = [piece for piece in pieces if has_letters(piece)]
    return bool(worded) and all(piece in part.by_apertium for piece in worded)


def _alternatives(part: Translating, best: list[list[str]], target: str, count: int) -> list[list[str]]:
    """Up to `count` other translations of the part, each its paragraphs, distinct and unlike
    the best: the k-th takes every piece's k-th other hypothesis (its translation where it has
    fewer), numbers in the target's convention as in the translation."""
    made: dict[tuple[str, ...], None] = {}
    first = tuple(" ".join(sentences) for sentences in best)
    for k in range(count):
        paragraphs = []
        for index, paragraph in enumerate(part.paragraphs):
            if index not in part.pieces:
                paragraphs.append(" ".join(paragraph))
                continue
            sentences = []
            for source, group in zip(paragraph, part.pieces[index]):
                pieces = [_kth(part, piece, k) for piece in group]
                sentences.append(in_convention(" ".join(pieces), source, part.languages[index], target)[0])
            paragraphs.append(" ".join(sentences))
        if tuple(paragraphs) != first:
            made.setdefault(tuple(paragraphs), None)
    return [list(paragraphs) for paragraphs in made]


def _kth(part: Translating, piece: str, k: int) -> str:
    others = part.ranked.get(piece, [])
    return others[k] if k < len(others) else part.translated[piece]


def translation_pieces(sentences: list[str], translator: Translator, target: str) -> list[list[str]]:
    """Each sentence as the pieces it is translated in: over-long ones split at the engine's budget."""
    budget = translator.max_input_tokens
    count = lambda text: translator.count_tokens(text, target)  # noqa: E731  (the target's prefix counts)
    return [split_long_sentence(s, budget, count) if budget else [s] for s in sentences]


def _translate_with_terms(
    pieces: list[str], translator: Translator, source: str, target: str, progress: bool, starts: tuple[int, ...], terms
) -> tuple[Translated, list[tuple[list, list]]]:
    """The pieces translated with the glossary's `terms` of the pair in the engine's first form,
    put back; a piece whose translation lacks one of its terms is translated once more
    (`translate_with_terms`), and kept if that holds more of them. Per piece, the terms it held
    and those still lacking; and the retry's error where it failed (the first translations stand,
    their lost terms counted)."""
    from summarize.text.glossary import missing, protect, restore

    if not terms:
        return _translate_in_groups(pieces, translator, source, target, progress, starts), [([], [])] * len(pieces), None
    protected = [protect(piece, terms, translator.term_forms[0]) for piece in pieces]
    done = _translate_in_groups([text for text, _ in protected], translator, source, target, progress, starts)
    done.texts = [restore(text, found) for text, (_, found) in zip(done.texts, protected)]
    lacking = [missing(text, found, target) for text, (_, found) in zip(done.texts, protected)]
    lost = [index for index, terms_lost in enumerate(lacking) if terms_lost]
    held = [(found, lost_terms) for (_, found), lost_terms in zip(protected, lacking)]
    if not lost:
        return done, held, None
    try:
        again = translator.translate_with_terms([pieces[i] for i in lost], source, target, terms)
    except SummarizeError as error:
        return done, held, first_line(error)
    for position, index in enumerate(lost):
        still = missing(again.texts[position], protected[index][1], target)
        if len(still) < len(lacking[index]):
            done.texts[index], held[index] = again.texts[position], (protected[index][1], still)
            done.ran_away[index] = again.ran_away[position]
            done.confidences[index] = again.confidences[position]
    return done, held, None


def _translate_in_groups(
    pieces: list[str], translator: Translator, source: str, target: str, progress: bool, starts: tuple[int, ...] = ()
) -> Translated:
    """One call, or (with a progress bar) longest first in groups; results in input order."""
    group_size = translator.progress_group
    if not progress or group_size is None or len(pieces) <= group_size:
        return translator.translate(pieces, source, target, starts)
    from tqdm import tqdm

    order = sorted(range(len(pieces)), key=lambda i: -len(pieces[i]))
    result = Translated([""] * len(pieces))
    with tqdm(total=len(pieces), desc="translating", unit="sent", leave=False) as bar:
        for start in range(0, len(order), group_size):
            group = order[start : start + group_size]
            done = translator.translate([pieces[i] for i in group], source, target)
            for position, index in enumerate(group):
                result.texts[index] = done.texts[position]
                result.ran_away[index] = done.ran_away[position]
                result.realigned[index] = done.realigned[position]
                result.confidences[index] = done.confidences[position]
            bar.update(len(group))
    return result


@dataclass
class Summary:
    """The summary and how it was reached: chunks per map-reduce level, sentences split."""

    text: str
    chunks_per_level: list[int]
    split_sentences: int
    #: Prompts the summariser answered for this summary (one per chunk at every level).
    model_calls: int
    #: The sentences the final level summarised.
    passage: list[str] = field(default_factory=list)


@dataclass
class _Summarizing:
    work: object
    sentences: list[str]
    length: str
    levels: list[int] = field(default_factory=list)
    splits: int = 0
    text: str | None = None


def summarize_together(
    parts: list[tuple[object, list[str]]],
    summarizer: Summarizer,
    length: str,
    language: str,
    into: str | None = None,
    stream=None,
) -> list[Summary | None]:
    """Summarise each part's sentences: one call if they fit the budget, else map-reduce until one
    chunk fits; the chunks of every part at one level go to the engine together. For an extractive
    summariser a percentage length is a share of the part's sentences, kept as that number at every
    level (a neural one refuses it). `into`: a chat model writes the summary in that language from
    text in `language` (--order direct); the levels above the first read it. `stream` gets the final
    summary's text as it is generated, where the summariser can stream and there is one part.
    None for a part that stopped (its work holds the error)."""
    states = [_Summarizing(work, sentences, _length_for(length, sentences, summarizer)) for work, sentences in parts]
    budget = summarizer.max_input_tokens
    level_language, level_into = language, into
    active = list(states)
    while active:
        chunks_of = {}
        for state in active:
            if budget is None:
                chunks, split_count = [state.sentences], 0
            else:
                chunks, split_count = chunk_sentences(state.sentences, budget, summarizer.count_tokens)
            if state.levels and len(chunks) >= state.levels[-1]:
                state.work.fail(SummarizeError("the partial summaries stopped getting shorter; try --length short"))
                continue
            state.splits += split_count
            state.levels.append(len(chunks))
            chunks_of[id(state)] = chunks
        active = [state for state in active if state.work.error is None]
        last = stream if stream is not None and summarizer.streams and len(states) == 1 else None
        for length_asked in dict.fromkeys(state.length for state in active):
            group = [state for state in active if state.length == length_asked]
            keys = list(dict.fromkeys(tuple(chunk) for state in group for chunk in chunks_of[id(state)]))
            final = last if len(keys) == 1 and len(chunks_of[id(group[0])]) == 1 else None
            try:
                texts = summarizer.summarize_batch([list(k) for k in keys], length_asked, level_language, level_into, final)
            except SummarizeError as error:
                for state in group:
                    state.work.fail(error)
                continue
            answers = dict(zip(keys, texts))
            for state in group:
                partials = [answers[tuple(chunk)] for chunk in chunks_of[id(state)]]
                if not any(p.strip() for p in partials):
                    alias = summarizer.describe()["alias"]
                    state.work.fail(
                        EngineUnavailableError(
                            f"the summariser {alias} answered with nothing; try another --summarizer or --length"
                        )
                    )
                    continue
                if len(partials) == 1:
                    state.text = partials[0]
                else:
                    written_in = level_into or level_language
                    state.sentences = [
                        p for partial in partials for s in split_sentences(partial, written_in) for p in _bounded(s)
                    ]
        active = [state for state in active if state.work.error is None and state.text is None]
        level_language, level_into = into or language, None
    return [
        Summary(state.text, state.levels, state.splits, sum(state.levels), state.sentences) if state.work.error is None else None
        for state in states
    ]


def _length_for(length: str, sentences: list[str], summarizer: Summarizer) -> str:
    """A percentage as a number of sentences, for summarisers that count sentences."""
    if length.endswith("%") and summarizer.lengths_in_sentences:
        return str(max(1, math.ceil(len(sentences) * float(length[:-1]) / 100)))
    return length


def _bounded(sentence: str) -> list[str]:
    """`sentence`, or its pseudo-sentences when it runs over the length limits."""
    return cut_at_length(sentence, int(limit("max_sentence_words")), int(limit("max_sentence_chars")))


def segment_by_language(doc: Document, languages: Languages) -> tuple[list[list[str]], int]:
    """Sentences per paragraph, each paragraph split by its own language's rules; runs over the
    length limits (text without sentence punctuation) cut into pseudo-sentences, and counted."""
    paragraphs, cut = [], 0
    for paragraph, language in zip(doc.paragraphs, languages.paragraphs):
        sentences = []
        for sentence in split_sentences(paragraph, language):
            pieces = _bounded(sentence)
            cut += len(pieces) > 1
            sentences.extend(pieces)
        paragraphs.append(sentences)
    return paragraphs, cut
