"""Language identification (lingua): first among every language lingua knows, so that a text in
a language nothing here serves is named as such, then among the served languages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from summarize.errors import LanguageError
from summarize.heap import give_back

MIN_CONFIDENCE = 0.5
# Below this length a text's most likely served language is taken even when the detector is
# unsure ("Hola mundo.", a headline): so few characters cannot make it sure, and the confidence
# is said with the answer. Longer unsure texts are refused.
SHORT_TEXT_CHARS = 120
# A text is refused as being in a language nothing serves only this sure (on single FLORES
# sentences, scientific names read as Latin at up to 1.0, so a few are still refused).
UNSERVED_CONFIDENCE = 0.9
# A paragraph is given its own language only when it is this long and sure in both passes.
# Both read its first 120 characters, where lingua's low accuracy mode is reliable: fewer wrong
# switches and less time than reading more (benchmarks/results/figures.md).
PARAGRAPH_MIN_CHARS = 60
PARAGRAPH_SAMPLE_CHARS = 120
PARAGRAPH_MIN_CONFIDENCE = 0.9
_SAMPLE_CHARS = 4000
# The document's language is weighed over its paragraphs up to this many characters.
WEIGHED_CHARS = 20_000


#: The detectors built, whose models `release_models` gives back.
_built: list = []


class UnsureLanguage(LanguageError):
    """The most likely served language is below the confidence the jobs need."""


@dataclass(frozen=True)
class Detection:
    """A detected ISO 639-1 language with lingua's confidence in it."""

    language: str
    confidence: float
    #: Taken below MIN_CONFIDENCE because the text is short.
    unsure: bool = False


@cache
def _detector(languages: tuple[str, ...] | None, low_accuracy: bool = False):
    """lingua's detector for `languages` (None: all 75 it knows). Low accuracy mode uses
    trigrams only: as good on 120+ characters, and over all languages a fraction of high
    accuracy's load time and memory (benchmarks/results/figures.md)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    builder = (
        LanguageDetectorBuilder.from_all_languages()
        if languages is None
        else LanguageDetectorBuilder.from_iso_codes_639_1(*(IsoCode639_1.from_str(c) for c in languages))
    )
    detector = (builder.with_low_accuracy_mode() if low_accuracy else builder).build()
    _built.append(detector)
    return detector


def release_models() -> None:
    """Gives lingua's models back: it keeps them for the process's life (49 MB for the quick
    pass over every language), and a process that has detected all it will (one command's one
    document) has no more use for them. The freed heap goes back to the system."""
    for detector in _built:
        detector.unload_language_models()
    _built.clear()
    _detector.cache_clear()
    give_back()


@cache
def detectable(languages: tuple[str, ...]) -> tuple[str, ...]:
    """The subset of `languages` lingua has models for."""
    from lingua import Language

    known = {language.iso_code_639_1.name.lower() for language in Language.all()}
    return tuple(sorted(code for code in languages if code in known))


def _ranked(detector, text: str) -> list[tuple[str, float]]:
    return [(v.language.iso_code_639_1.name.lower(), v.value) for v in detector.compute_language_confidence_values(text)]


def language_name(code: str) -> str:
    """The English name of an ISO 639-1 code ("es": "Spanish"); a code lingua does not know, as it is."""
    from lingua import IsoCode639_1, Language

    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code)).name.title()
    except ValueError:
        return code


@cache
def known_language(code: str) -> bool:
    """Whether `code` is an ISO 639-1 code of a language the detector knows (its 75)."""
    from lingua import Language

    return code in {language.iso_code_639_1.name.lower() for language in Language.all()}


def _unserved(sample: str, served: tuple[str, ...]) -> tuple[str, float] | None:
    """The language of `sample` when it is one outside `served`: the quick pass over every
    language proposes it, a careful pass between it and the served languages confirms it."""
    ranked = _ranked(_detector(None, low_accuracy=True), sample)
    if not ranked or ranked[0][0] in served:
        return None
    candidate = ranked[0][0]
    careful = _ranked(_detector(detectable(tuple(sorted({*served, candidate})))), sample)
    if careful and careful[0][0] == candidate and careful[0][1] >= UNSERVED_CONFIDENCE:
        return careful[0]
    return None


def detect(text: str, served: tuple[str, ...]) -> Detection:
    """The language of `text`, one of `served`. A language outside them, or an unsure answer,
    raises LanguageError (naming the language when it is known)."""
    sample = text[:_SAMPLE_CHARS]
    other = _unserved(sample, served)
    if other is not None:
        code, confidence = other
        raise LanguageError(
            f"the text looks like {language_name(code)} ('{code}') with confidence {confidence:.2f}, which no model card "
            "or installed Apertium pair translates (pass --from LANG if the detection is wrong)"
        )
    if len(served) == 1:
        return Detection(served[0], 1.0)
    ranked = _ranked(_detector(detectable(tuple(sorted(served)))), sample)
    if not ranked:
        raise LanguageError("the language could not be detected; pass --from LANG")
    code, confidence = ranked[0]
    if confidence < MIN_CONFIDENCE and len(text.strip()) < SHORT_TEXT_CHARS:
        return Detection(code, round(confidence, 4), unsure=True)
    if confidence < MIN_CONFIDENCE:
        raise UnsureLanguage(f"the language looks like '{code}' but only with confidence {confidence:.2f}; pass --from LANG")
    return Detection(code, round(confidence, 4))


def document_language(paragraphs: list[str], served: tuple[str, ...]) -> Detection:
    """The language of most of the text, as `detect` says it: each paragraph of running prose is
    weighed by its length under the quick pass's language, and the document is detected on the
    paragraphs of the heaviest one (a paragraph in another language among more text in one
    language does not decide it, wherever it stands)."""
    text = "\n\n".join(paragraphs)
    candidates, weighed = [], 0
    for paragraph in paragraphs:  # the document's start, up to WEIGHED_CHARS: time stays bounded
        if weighed >= WEIGHED_CHARS:
            break
        if _is_prose(paragraph):
            candidates.append(paragraph)
            weighed += len(paragraph)
    if len(candidates) > 1:
        found = _detector(None, low_accuracy=True).detect_languages_in_parallel_of(
            [p[:PARAGRAPH_SAMPLE_CHARS] for p in candidates]
        )
        named = [_code(f) or "" for f in found]
        weight: dict[str, int] = {}
        for paragraph, language in zip(candidates, named):
            weight[language] = weight.get(language, 0) + len(paragraph)
        heaviest = max(weight, key=weight.get)
        text = "\n\n".join(p for p, language in zip(candidates, named) if language == heaviest)
    return detect(text, served)


def ranked_languages(text: str, served: tuple[str, ...], top: int = 3) -> list[Detection]:
    """The `top` most likely of the served languages for `text`, with lingua's confidences."""
    ranked = _ranked(_detector(detectable(tuple(sorted(served)))), text[:_SAMPLE_CHARS])
    return [Detection(code, round(confidence, 4)) for code, confidence in ranked[:top]]


def detect_sentences(texts: list[str], languages: tuple[str, ...]) -> list[str]:
    """The most likely of `languages` for each text (lingua's batch call, in parallel)."""
    detector = _detector(detectable(tuple(sorted(languages))))
    found = detector.detect_languages_in_parallel_of(texts)
    return [_code(f) or "" for f in found]


def detect_paragraphs(paragraphs: list[str], served: tuple[str, ...], default: str) -> list[str]:
    """Each paragraph's language, served or not. A paragraph leaves the document's language
    `default` only when it is running prose (not a list of names), long, and sure both in the
    quick pass over every language and in a careful one between that language and the served
    ones; a paragraph in a language nothing serves is then named, never read as a served one.
    Each paragraph is read on its first PARAGRAPH_SAMPLE_CHARS characters, and each distinct
    sample once (bylines, captions and boilerplate repeat)."""
    candidates = [i for i, p in enumerate(paragraphs) if len(p) >= PARAGRAPH_MIN_CHARS and _is_prose(p)]
    samples = list(dict.fromkeys(paragraphs[i][:PARAGRAPH_SAMPLE_CHARS] for i in candidates))
    language_of = dict(zip(samples, _sample_languages(samples, served, default)))
    found = [default] * len(paragraphs)
    for index in candidates:
        found[index] = language_of[paragraphs[index][:PARAGRAPH_SAMPLE_CHARS]]
    return found


def _sample_languages(samples: list[str], served: tuple[str, ...], default: str) -> list[str]:
    """`detect_paragraphs`' decision per sample. The quick pass's most likely language is asked
    first, a third cheaper than its confidences, which only the samples it reads as another
    language than `default` need (most of a document's are in its own)."""
    quick = _detector(None, low_accuracy=True)
    found = [_code(f) or "" for f in quick.detect_languages_in_parallel_of(samples)]
    others = [i for i, language in enumerate(found) if language != default]
    decided = [default] * len(samples)
    for index, values in zip(others, quick.compute_language_confidence_values_in_parallel([samples[i] for i in others])):
        if not values or values[0].value < PARAGRAPH_MIN_CONFIDENCE:
            continue
        language = _code(values[0].language)
        if language != default and _confirmed(samples[index], language, served):
            decided[index] = language
    return decided


def _code(language) -> str | None:
    return language.iso_code_639_1.name.lower() if language is not None else None


def _is_prose(paragraph: str) -> bool:
    """Mostly lower-case words: running text rather than a line-up of names."""
    words = [w for w in paragraph.split() if w[:1].isalpha()]
    return bool(words) and sum(w[0].islower() for w in words) >= 0.5 * len(words)


def _confirmed(sample: str, language: str, served: tuple[str, ...]) -> bool:
    ranked = _ranked(_detector(detectable(tuple(sorted({*served, language})))), sample)
    return bool(ranked) and ranked[0][0] == language and ranked[0][1] >= PARAGRAPH_MIN_CONFIDENCE
