"""The steps of `article` and `translate`: detect, segment, translate (or identity), summarise."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from summarize.cards import load_cards
from summarize.engines.base import Summarizer, Translator
from summarize.errors import LanguageError, SummarizeError
from summarize.text.chunk import chunk_sentences, split_long_sentence
from summarize.text.document import Document
from summarize.text.langdetect import detect
from summarize.text.segment import segment_paragraphs, split_sentences

PROGRESS_GROUP = 64


def supported_languages() -> tuple[str, ...]:
    """Every language some card translates from or into."""
    langs = {l for c in load_cards().values() if c.task == "translation"
             for l in (*c.source_languages, *c.target_languages)}
    return tuple(sorted(langs))


@dataclass
class Timer:
    """Wall time per step, in seconds."""

    steps: dict[str, float] = field(default_factory=dict)

    def measure(self, step: str):
        timer = self

        class _Span:
            def __enter__(self):
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                timer.steps[step] = round(timer.steps.get(step, 0.0) + time.perf_counter() - self.start, 4)

        return _Span()


def source_language(doc: Document, requested: str) -> tuple[str, float | None]:
    """`--from`, or the detected language and its confidence."""
    languages = supported_languages()
    if requested != "auto":
        if requested not in languages:
            raise LanguageError(f"language '{requested}' is not supported; supported: {', '.join(languages)}")
        return requested, None
    found = detect(doc.text, languages)
    return found.language, found.confidence


@dataclass
class Translation:
    """Translated sentences in their paragraphs, aligned one to one with the source sentences."""

    source: list[list[str]]
    target: list[list[str]]
    split_sentences: int


def translate_paragraphs(paragraphs: list[list[str]], translator: Translator, source: str, target: str,
                         progress: bool = False) -> Translation:
    """Translate every sentence (over-long ones in pieces), keeping order and paragraphs."""
    flat = [s for p in paragraphs for s in p]
    budget = translator.max_input_tokens
    pieces_per_sentence = [split_long_sentence(s, budget, translator.count_tokens) if budget else [s]
                           for s in flat]
    pieces = [piece for group in pieces_per_sentence for piece in group]
    translated = _translate_in_groups(pieces, translator, source, target, progress)
    out_flat, cursor = [], 0
    for group in pieces_per_sentence:
        out_flat.append(" ".join(translated[cursor:cursor + len(group)]))
        cursor += len(group)
    out, cursor = [], 0
    for paragraph in paragraphs:
        out.append(out_flat[cursor:cursor + len(paragraph)])
        cursor += len(paragraph)
    return Translation(paragraphs, out, sum(len(g) > 1 for g in pieces_per_sentence))


def _translate_in_groups(pieces: list[str], translator: Translator, source: str, target: str,
                         progress: bool) -> list[str]:
    """Longest first in groups (for batching and a progress bar); results in input order."""
    if not progress or len(pieces) <= PROGRESS_GROUP:
        return translator.translate_batch(pieces, source, target)
    from tqdm import tqdm

    order = sorted(range(len(pieces)), key=lambda i: -len(pieces[i]))
    results = [""] * len(pieces)
    with tqdm(total=len(pieces), desc="translating", unit="sent", leave=False) as bar:
        for start in range(0, len(order), PROGRESS_GROUP):
            group = order[start:start + PROGRESS_GROUP]
            for index, text in zip(group, translator.translate_batch([pieces[i] for i in group], source, target)):
                results[index] = text
            bar.update(len(group))
    return results


@dataclass
class Summary:
    """The summary and how it was reached: chunks per map-reduce level, sentences split."""

    text: str
    chunks_per_level: list[int]
    split_sentences: int


def summarize_sentences(sentences: list[str], summarizer: Summarizer, length: str, language: str) -> Summary:
    """One call if the text fits the budget, else map-reduce until one chunk fits."""
    budget = summarizer.max_input_tokens
    if budget is None:
        return Summary(summarizer.summarize(sentences, length, language), [1], 0)
    levels, splits, current = [], 0, sentences
    while True:
        chunks, split_count = chunk_sentences(current, budget, summarizer.count_tokens)
        splits += split_count
        if levels and len(chunks) >= levels[-1]:
            raise SummarizeError("the partial summaries stopped getting shorter; try --length short")
        levels.append(len(chunks))
        partials = summarizer.summarize_batch(chunks, length, language)
        if len(chunks) == 1:
            return Summary(partials[0], levels, splits)
        current = [s for p in partials for s in split_sentences(p, language)]


@dataclass
class Options:
    """What the user asked for; engines and models by name."""

    target: str = "en"
    source: str = "auto"
    length: str = "medium"
    order: str = "translate-first"
    engine: str = "auto"
    translator: str | None = None
    summarizer: str | None = None
    device: str = "auto"
    progress: bool = False


def summarize_article(doc: Document, options: Options, notify) -> dict:
    """The whole `article` job; returns the summary with its metadata."""
    from summarize.select import choose_summarizer, choose_translator

    timer = Timer()
    with timer.measure("detect"):
        source, confidence = source_language(doc, options.source)
    with timer.measure("segment"):
        paragraphs = segment_paragraphs(doc.paragraphs, source)
    sentences = [s for p in paragraphs for s in p]
    if options.order == "summarize-first":
        with timer.measure("load"):
            summarizer = choose_summarizer(source, options.summarizer, options.engine, options.device, notify)
        if not summarizer.language_preserving and source != "en":
            raise SummarizeError(f"--order summarize-first needs a summariser that writes {source}; "
                                 f"'{summarizer.card.alias}' writes English (try --summarizer mt5-xlsum)")
        with timer.measure("summarize"):
            summary = summarize_sentences(sentences, summarizer, options.length, source)
        with timer.measure("load"):
            translator = choose_translator(source, options.target, options.translator, options.engine,
                                           options.device, notify)
        with timer.measure("translate"):
            summary_sentences = split_sentences(summary.text, source)
            translation = translate_paragraphs([summary_sentences], translator, source, options.target)
        text = " ".join(translation.target[0])
    else:
        with timer.measure("load"):
            translator = choose_translator(source, options.target, options.translator, options.engine,
                                           options.device, notify)
        with timer.measure("translate"):
            translation = translate_paragraphs(paragraphs, translator, source, options.target, options.progress)
        with timer.measure("load"):
            summarizer = choose_summarizer(options.target, options.summarizer, options.engine,
                                           options.device, notify)
        with timer.measure("summarize"):
            translated = [s for p in translation.target for s in p]
            summary = summarize_sentences(translated, summarizer, options.length, options.target)
        text = summary.text
    return {
        "summary": text,
        "metadata": {
            "source": doc.origin,
            "languages": {"source": source, "detected_confidence": confidence, "target": options.target},
            "order": options.order,
            "length": options.length,
            "translator": translator.describe(),
            "summarizer": summarizer.describe(),
            "counts": {
                "paragraphs": len(paragraphs),
                "sentences": len(sentences),
                "sentences_split_for_translation": translation.split_sentences,
                "sentences_split_for_summary": summary.split_sentences,
                "chunks_per_level": summary.chunks_per_level,
            },
            "timings_s": timer.steps,
        },
    }


def translate_document(doc: Document, options: Options, notify) -> dict:
    """The whole `translate` job: paragraphs kept, sentence alignment returned."""
    from summarize.select import choose_translator

    timer = Timer()
    with timer.measure("detect"):
        source, confidence = source_language(doc, options.source)
    with timer.measure("segment"):
        paragraphs = segment_paragraphs(doc.paragraphs, source)
    with timer.measure("load"):
        translator = choose_translator(source, options.target, options.translator, options.engine,
                                       options.device, notify)
    with timer.measure("translate"):
        translation = translate_paragraphs(paragraphs, translator, source, options.target, options.progress)
    return {
        "paragraphs": [" ".join(p) for p in translation.target],
        "alignment": [
            {"paragraph": i, "source": s, "translation": t}
            for i, (src_p, tgt_p) in enumerate(zip(translation.source, translation.target))
            for s, t in zip(src_p, tgt_p)
        ],
        "metadata": {
            "source": doc.origin,
            "languages": {"source": source, "detected_confidence": confidence, "target": options.target},
            "translator": translator.describe(),
            "counts": {
                "paragraphs": len(paragraphs),
                "sentences": sum(len(p) for p in paragraphs),
                "sentences_split_for_translation": translation.split_sentences,
            },
            "timings_s": timer.steps,
        },
    }
