"""The steps of `article` and `translate`: detect, segment, translate (or identity), summarise."""

from __future__ import annotations

import math
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate

from summarize.cards import load_cards
from summarize.engines.base import Summarizer, Translator
from summarize.errors import LanguageError, SummarizeError
from summarize.limits import limit
from summarize.text.chunk import chunk_sentences, cut_at_length, split_long_sentence
from summarize.text.document import Document
from summarize.text.langdetect import detect, detect_paragraphs
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

    def describe(self, target: str) -> dict:
        counts = {lang: self.paragraphs.count(lang) for lang in sorted(set(self.paragraphs))}
        return {
            "source": self.source,
            "detected_confidence": self.confidence,
            "target": target,
            "mixed": len(counts) > 1,
            "paragraphs_per_language": counts,
        }


def detect_languages(doc: Document, requested: str, target: str) -> Languages:
    """`--from` for every paragraph, or detection of the document and of each paragraph among the
    languages served here (the target needs no translation, so it is served too)."""
    languages = tuple(sorted({*supported_languages(), target}))
    if requested != "auto":
        if requested not in languages:
            raise LanguageError(f"language '{requested}' is not supported; supported: {', '.join(languages)}")
        return Languages(requested, None, [requested] * len(doc.paragraphs))
    found = detect(doc.text, languages)
    per_paragraph = detect_paragraphs(list(doc.paragraphs), languages, found.language)
    return Languages(found.language, found.confidence, per_paragraph)


@dataclass
class Translation:
    """Translated sentences in their paragraphs, aligned one to one with the source sentences."""

    source: list[list[str]]
    target: list[list[str]]
    split_sentences: int
    untranslated_paragraphs: int = 0
    #: Pieces whose translation ran to its length bound, or looped, even after a retry.
    hit_length_bound: int = 0
    #: Pieces translated again alone to keep them one to one (chat models).
    retranslated_alone: int = 0


def translate_paragraphs(
    paragraphs: list[list[str]], translator: Translator, source: str, target: str, progress: bool = False
) -> Translation:
    """Translate every sentence (over-long ones in pieces), keeping order and paragraphs."""
    flat = [s for p in paragraphs for s in p]
    pieces_per_sentence = translation_pieces(flat, translator, target)
    pieces = [piece for group in pieces_per_sentence for piece in group]
    ends = list(accumulate(len(p) for p in paragraphs))
    pieces_per_paragraph = [sum(len(g) for g in pieces_per_sentence[a:b]) for a, b in zip([0, *ends], ends)]
    starts = tuple(accumulate(pieces_per_paragraph[:-1], initial=0))
    translated, runaway, alone = _translate_in_groups(pieces, translator, source, target, progress, starts)
    out_flat, cursor = [], 0
    for group in pieces_per_sentence:
        out_flat.append(" ".join(translated[cursor : cursor + len(group)]))
        cursor += len(group)
    out, cursor = [], 0
    for paragraph in paragraphs:
        out.append(out_flat[cursor : cursor + len(paragraph)])
        cursor += len(paragraph)
    splits = sum(len(g) > 1 for g in pieces_per_sentence)
    return Translation(paragraphs, out, splits, hit_length_bound=runaway, retranslated_alone=alone)


def translation_pieces(sentences: list[str], translator: Translator, target: str) -> list[list[str]]:
    """Each sentence as the pieces it is translated in: over-long ones split at the engine's budget."""
    budget = translator.max_input_tokens
    count = lambda text: translator.count_tokens(text, target)  # noqa: E731  (the target's prefix counts)
    return [split_long_sentence(s, budget, count) if budget else [s] for s in sentences]


def translate_by_language(
    paragraphs: list[list[str]], languages: list[str], target: str, translator_for, progress: bool = False, notify=None
) -> tuple[Translation, list[Translator]]:
    """Translate each paragraph from its own language; paragraphs already in `target` stay.

    With `notify` given (engine `auto`), paragraphs in a secondary language that nothing here
    translates are kept as they are, and said; without it that is an error."""
    out: list[list[str]] = [list(p) for p in paragraphs]
    splits, used, kept, runaway, alone = 0, [], 0, 0, 0
    by_frequency = sorted(set(languages), key=languages.count, reverse=True)
    for language in by_frequency:
        indices = [i for i, lang in enumerate(languages) if lang == language]
        try:
            translator = translator_for(language)
        except SummarizeError as error:
            if notify is None or language == by_frequency[0]:
                raise
            notify(f"{len(indices)} paragraph(s) in '{language}' kept untranslated: {error}")
            kept += len(indices)
            continue
        used.append(translator)
        part = translate_paragraphs([paragraphs[i] for i in indices], translator, language, target, progress)
        for index, translated in zip(indices, part.target):
            out[index] = translated
        splits += part.split_sentences
        runaway += part.hit_length_bound
        alone += part.retranslated_alone
    return Translation(paragraphs, out, splits, kept, runaway, alone), used


def _translate_in_groups(
    pieces: list[str], translator: Translator, source: str, target: str, progress: bool, starts: tuple[int, ...] = ()
) -> tuple[list[str], int, int]:
    """Longest first in groups (for batching and a progress bar); results in input order, how
    many ran to their length bound, and how many were translated again alone. A translator that
    works by paragraph is told where they start (`starts`)."""
    group_size = translator.progress_group
    if not progress or group_size is None or len(pieces) <= group_size:
        by_paragraph = {"starts": starts} if translator.by_paragraph else {}
        translations = translator.translate_batch(pieces, source, target, **by_paragraph)
        return translations, translator.hit_length_bound, sum(translator.realigned)
    from tqdm import tqdm

    order = sorted(range(len(pieces)), key=lambda i: -len(pieces[i]))
    results, runaway, alone = [""] * len(pieces), 0, 0
    with tqdm(total=len(pieces), desc="translating", unit="sent", leave=False) as bar:
        for start in range(0, len(order), group_size):
            group = order[start : start + group_size]
            for index, text in zip(group, translator.translate_batch([pieces[i] for i in group], source, target)):
                results[index] = text
            runaway += translator.hit_length_bound
            alone += sum(translator.realigned)
            bar.update(len(group))
    return results, runaway, alone


@dataclass
class Summary:
    """The summary and how it was reached: chunks per map-reduce level, sentences split."""

    text: str
    chunks_per_level: list[int]
    split_sentences: int
    #: Prompts the summariser's model answered (chat models count them; None: not counted).
    model_calls: int | None = None


def summarize_sentences(
    sentences: list[str], summarizer: Summarizer, length: str, language: str, into: str | None = None, stream=None
) -> Summary:
    """One call if the text fits the budget, else map-reduce until one chunk fits. For an
    extractive summariser a percentage length is a share of the whole text's sentences, kept as
    that number at every level (a neural one refuses it). `into`: a chat model writes the summary
    in that language from text in `language` (--order direct); the levels above the first read it.
    `stream` gets the final summary's text as it is generated, where the summariser can stream."""
    if length.endswith("%") and summarizer.lengths_in_sentences:
        length = str(max(1, math.ceil(len(sentences) * float(length[:-1]) / 100)))
    calls_before = summarizer.calls
    budget = summarizer.max_input_tokens
    into_kw = {"into": into} if into else {}
    streams = stream is not None and summarizer.streams
    if budget is None:
        return Summary(summarizer.summarize_batch([sentences], length, language, **into_kw)[0], [1], 0)
    levels, splits, current = [], 0, sentences
    while True:
        chunks, split_count = chunk_sentences(current, budget, summarizer.count_tokens)
        splits += split_count
        if levels and len(chunks) >= levels[-1]:
            raise SummarizeError("the partial summaries stopped getting shorter; try --length short")
        levels.append(len(chunks))
        last = {"stream": stream} if streams and len(chunks) == 1 else {}
        partials = summarizer.summarize_batch(chunks, length, language, **into_kw, **last)
        if len(chunks) == 1:
            calls = None if calls_before is None else summarizer.calls - calls_before
            return Summary(partials[0], levels, splits, calls)
        language, into_kw = into or language, {}
        current = [piece for p in partials for s in split_sentences(p, language) for piece in _bounded(s)]


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
