"""The two jobs, `article` and `translate`, as chains of the pipeline's steps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from summarize.engines.base import Summarizer, Translator
from summarize.errors import SummarizeError
from summarize.pipeline import (
    Languages,
    Timer,
    Translation,
    detect_languages,
    segment_by_language,
    summarize_sentences,
    translate_by_language,
    translate_paragraphs,
)
from summarize.selection import choose
from summarize.text.document import Document
from summarize.text.segment import split_sentences


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
    #: Translation output at most this times the source (plus the card's offset); None: the card's.
    length_factor: float | None = None
    #: Gets the summary's text as a chat model generates it (`article` on a terminal).
    stream: Callable[[str], None] | None = None


def length_problem(length: str) -> str | None:
    """Why `length` is no summary length (None when it is one): short, medium or long; a whole
    number (sentences for the extractive summarisers, new tokens for neural ones); or a
    percentage of the sentences up to 100%."""
    text = str(length).strip()
    if text in ("short", "medium", "long"):
        return None
    number = text[:-1] if text.endswith("%") else text
    try:
        valid = float(number) > 0 and (text.endswith("%") and float(number) <= 100 or number.isdigit())
    except ValueError:
        valid = False
    return None if valid else f"{length!r} is not short, medium, long, a whole number or a percentage up to 100%"


@dataclass
class Prepared:
    """A document detected and segmented: what both jobs start from."""

    doc: Document
    languages: Languages
    paragraphs: list[list[str]]
    cut: int
    timer: Timer


def prepare(doc: Document, options: Options) -> Prepared:
    """Detect the languages (the document's and each paragraph's) and split the sentences."""
    timer = Timer()
    with timer.measure("detect"):
        languages = detect_languages(doc, options.source, options.target)
    with timer.measure("segment"):
        paragraphs, cut = segment_by_language(doc, languages)
    return Prepared(doc, languages, paragraphs, cut, timer)


def summarize_article(doc: Document, options: Options, notify) -> dict:
    """The whole `article` job; returns the summary with its metadata."""
    return finish_article(prepare(doc, options), options, notify)


def finish_article(prepared: Prepared, options: Options, notify, translator_for=None, summarizer_for=None) -> dict:
    """Translate and summarise a prepared document. `translator_for(language)` and
    `summarizer_for(language)` give the engines (default: chosen by `options`)."""
    translator_for = translator_for or translator_factory(options, notify)
    summarizer_for = summarizer_for or summarizer_factory(options, notify)
    doc, languages, paragraphs, cut, timer = prepared.doc, prepared.languages, prepared.paragraphs, prepared.cut, prepared.timer
    source = languages.source
    sentences = [s for p in paragraphs for s in p]
    # A headline is translated, and names the summary, but is not summarised with the body.
    body = slice(1, None) if doc.has_headline else slice(None)
    translators: list[Translator] = []
    if options.order == "direct":
        with timer.measure("load"):
            summarizer = summarizer_for(source)
        if not summarizer.card.chat:
            raise SummarizeError(
                f"--order direct needs a chat model as summariser, which reads {source} and writes {options.target} "
                f"in one call; '{summarizer.card.alias}' is not one (try --summarizer qwen2.5-1.5b-instruct)"
            )
        with timer.measure("summarize"):
            body_sentences = [s for p in paragraphs[body] for s in p]
            summary = summarize_sentences(
                body_sentences, summarizer, options.length, source, options.target, stream=options.stream
            )
        translation = Translation(paragraphs, paragraphs, 0)
        translators = [summarizer]
        text, headline_text = summary.text, None
    elif options.order == "summarize-first":
        with timer.measure("load"):
            summarizer = summarizer_for(source)
        if not summarizer.language_preserving and source != "en":
            raise SummarizeError(
                f"--order summarize-first needs a summariser that writes {source}; "
                f"'{summarizer.card.alias}' writes English (try --summarizer mt5-xlsum)"
            )
        with timer.measure("summarize"):
            summary = summarize_sentences([s for p in paragraphs[body] for s in p], summarizer, options.length, source)
        with timer.measure("load"):
            translator = translator_for(source)
        with timer.measure("translate"):
            summary_sentences = split_sentences(summary.text, source)
            headline = paragraphs[:1] if doc.has_headline else []
            translation = translate_paragraphs([*headline, summary_sentences], translator, source, options.target)
        translators = [translator]
        text = " ".join(translation.target[-1])
        headline_text = " ".join(translation.target[0]) if headline else None
        _say_runaways(translation, notify)
    else:
        with timer.measure("translate"):
            translation, translators = _translate(paragraphs, languages, options, notify, translator_for)
        with timer.measure("load"):
            summarizer = summarizer_for(options.target)
        with timer.measure("summarize"):
            translated = [s for p in translation.target[body] for s in p]
            summary = summarize_sentences(translated, summarizer, options.length, options.target, stream=options.stream)
        text = summary.text
        headline_text = " ".join(translation.target[0]) if doc.has_headline else None
    return {
        "summary": text,
        "headline": headline_text,
        "metadata": {
            "source": doc.origin,
            "languages": languages.describe(options.target),
            "order": options.order,
            "length": options.length,
            "translator": translators[0].describe(),
            "translators": [t.describe() for t in translators],
            "summarizer": summarizer.describe(),
            "counts": {
                "paragraphs": len(paragraphs),
                "sentences": len(sentences),
                "sentences_cut_at_length": cut,
                "sentences_split_for_translation": translation.split_sentences,
                "paragraphs_left_untranslated": translation.untranslated_paragraphs,
                "sentences_hit_length_bound": translation.hit_length_bound,
                "sentences_retranslated_alone": translation.retranslated_alone,
                "sentences_split_for_summary": summary.split_sentences,
                "chunks_per_level": summary.chunks_per_level,
                "summary_model_calls": summary.model_calls,
            },
            "timings_s": timer.steps,
        },
    }


def translate_document(doc: Document, options: Options, notify) -> dict:
    """The whole `translate` job: paragraphs kept, sentence alignment returned."""
    return finish_translation(prepare(doc, options), options, notify)


def finish_translation(prepared: Prepared, options: Options, notify, translator_for=None) -> dict:
    """Translate a prepared document; `translator_for(language)` gives the engines."""
    translator_for = translator_for or translator_factory(options, notify)
    doc, languages, paragraphs, cut, timer = prepared.doc, prepared.languages, prepared.paragraphs, prepared.cut, prepared.timer
    with timer.measure("translate"):
        translation, translators = _translate(paragraphs, languages, options, notify, translator_for)
    return {
        "paragraphs": [" ".join(p) for p in translation.target],
        "alignment": [
            {"paragraph": i, "source": s, "translation": t}
            for i, (src_p, tgt_p) in enumerate(zip(translation.source, translation.target))
            for s, t in zip(src_p, tgt_p)
        ],
        "metadata": {
            "source": doc.origin,
            "languages": languages.describe(options.target),
            "translator": translators[0].describe(),
            "translators": [t.describe() for t in translators],
            "counts": {
                "paragraphs": len(paragraphs),
                "sentences": sum(len(p) for p in paragraphs),
                "sentences_cut_at_length": cut,
                "sentences_split_for_translation": translation.split_sentences,
                "paragraphs_left_untranslated": translation.untranslated_paragraphs,
                "sentences_hit_length_bound": translation.hit_length_bound,
                "sentences_retranslated_alone": translation.retranslated_alone,
            },
            "timings_s": timer.steps,
        },
    }


def _translate(paragraphs: list[list[str]], languages, options: Options, notify, translator_for):
    """Every paragraph from its own language; untranslatable secondary ones kept and said under
    `auto`; runaway translations said."""
    translation, translators = translate_by_language(
        paragraphs,
        languages.paragraphs,
        options.target,
        translator_for,
        options.progress,
        notify if options.engine == "auto" else None,
    )
    _say_runaways(translation, notify)
    return translation, translators


def _say_runaways(translation, notify) -> None:
    if translation.hit_length_bound:
        notify(
            f"{translation.hit_length_bound} sentence(s) ran to the translation length bound or looped, "
            "even when decoded again without repeats; kept as they came (sentences_hit_length_bound)"
        )


def translator_factory(options: Options, notify):
    """Builds (once per language) the translator from that language into the target."""

    def translator_for(language: str) -> Translator:
        return choose(
            "translation",
            language,
            options.target,
            options.translator,
            options.engine,
            options.device,
            notify,
            options.length_factor,
        )

    return translator_for


def summarizer_factory(options: Options, notify):
    """Builds (once per language) the summariser of text in that language."""

    def summarizer_for(language: str) -> Summarizer:
        return choose("summarization", language, None, options.summarizer, options.engine, options.device, notify)

    return summarizer_for
