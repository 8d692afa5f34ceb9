"""Language identification (lingua), restricted to the languages the cards serve."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from summarize.errors import LanguageError

MIN_CONFIDENCE = 0.5
# Below this, the text may be in a language no card serves (Dutch reads as German at 0.56).
SURE_CONFIDENCE = 0.9
# A paragraph is given its own language only when it is this long and this sure.
# lingua's low accuracy mode is reliable from 120 characters on.
PARAGRAPH_MIN_CHARS = 120
# Enough text to tell the languages apart; more only costs time on long documents.
PARAGRAPH_SAMPLE_CHARS = 300
PARAGRAPH_MIN_CONFIDENCE = 0.9
_SAMPLE_CHARS = 4000


@dataclass(frozen=True)
class Detection:
    """A detected ISO 639-1 language with lingua's confidence in it."""

    language: str
    confidence: float


@cache
def _detector(languages: tuple[str, ...], low_accuracy: bool = False):
    """lingua's detector for `languages`; low accuracy mode uses trigrams only, which is as good
    on paragraphs of 120+ characters and loads in a sixth of the time."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*(IsoCode639_1.from_str(c) for c in languages))
    return (builder.with_low_accuracy_mode() if low_accuracy else builder).build()


@cache
def detectable(languages: tuple[str, ...]) -> tuple[str, ...]:
    """The subset of `languages` lingua has models for."""
    from lingua import Language

    known = {language.iso_code_639_1.name.lower() for language in Language.all()}
    return tuple(sorted(code for code in languages if code in known))


def detect(text: str, languages: tuple[str, ...]) -> Detection:
    """The most likely of `languages` for `text`; unsure answers raise LanguageError."""
    if len(languages) == 1:
        return Detection(languages[0], 1.0)
    sample = text[:_SAMPLE_CHARS]
    values = _detector(detectable(tuple(sorted(languages)))).compute_language_confidence_values(sample)
    if not values:
        raise LanguageError("the language could not be detected; pass --from LANG")
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    if best.value < SURE_CONFIDENCE:
        _refuse_unsupported(sample, languages)
    if best.value < MIN_CONFIDENCE:
        raise LanguageError(
            f"the language looks like '{code}' but only with confidence {best.value:.2f}; "
            f"pass --from LANG (one of {', '.join(sorted(languages))})"
        )
    return Detection(code, round(best.value, 4))


# Widely used languages the cards do not serve: detected only to name them in the error.
_OTHERS = ("ar", "ca", "cs", "cy", "da", "el", "eu", "fi", "ga", "hi", "hu", "ja", "ko", "la", "nb", "nl", "pl",
           "ro", "ru", "sv", "tr", "uk", "zh")


def _refuse_unsupported(sample: str, languages: tuple[str, ...]) -> None:
    """Raise a LanguageError naming the language when it is one no card serves."""
    broad = _detector(detectable(tuple(sorted(set(languages) | set(_OTHERS)))))
    values = broad.compute_language_confidence_values(sample)
    if values and values[0].value >= MIN_CONFIDENCE:
        language = values[0].language
        code = language.iso_code_639_1.name.lower()
        if code not in languages:
            raise LanguageError(
                f"the text looks like {language.name.title()} ('{code}'), which no installed model serves; "
                f"supported: {', '.join(sorted(languages))} (pass --from LANG if the detection is wrong)"
            )


def detect_sentences(texts: list[str], languages: tuple[str, ...]) -> list[str]:
    """The most likely of `languages` for each text (lingua's batch call, in parallel)."""
    detector = _detector(detectable(tuple(sorted(languages))))
    found = detector.detect_languages_in_parallel_of(texts)
    return [f.iso_code_639_1.name.lower() if f is not None else "" for f in found]


def detect_paragraphs(paragraphs: list[str], languages: tuple[str, ...], default: str) -> list[str]:
    """Each paragraph's language. A paragraph leaves the document's language `default` only when
    it is running prose (not a list of names), long, and sure in both a fast pass over the served
    languages and a careful one that also knows languages no card serves (Welsh is not German)."""
    if len(languages) == 1:
        return [default] * len(paragraphs)
    fast = _detector(detectable(tuple(sorted(languages))), low_accuracy=True)
    candidates = [i for i, p in enumerate(paragraphs) if len(p) >= PARAGRAPH_MIN_CHARS and _is_prose(p)]
    samples = [paragraphs[i][:PARAGRAPH_SAMPLE_CHARS] for i in candidates]
    found = [default] * len(paragraphs)
    for index, ranked in zip(candidates, fast.compute_language_confidence_values_in_parallel(samples)):
        if not ranked or ranked[0].value < PARAGRAPH_MIN_CONFIDENCE:
            continue
        language = ranked[0].language.iso_code_639_1.name.lower()
        if language != default and _confirmed(paragraphs[index][:PARAGRAPH_SAMPLE_CHARS], language, languages):
            found[index] = language
    return found


def _is_prose(paragraph: str) -> bool:
    """Mostly lower-case words: running text rather than a line-up of names."""
    words = [w for w in paragraph.split() if w[:1].isalpha()]
    return bool(words) and sum(w[0].islower() for w in words) >= 0.5 * len(words)


def _confirmed(sample: str, language: str, languages: tuple[str, ...]) -> bool:
    broad = _detector(detectable(tuple(sorted(set(languages) | set(_OTHERS)))))
    ranked = broad.compute_language_confidence_values(sample)
    return bool(ranked) and ranked[0].language.iso_code_639_1.name.lower() == language \
        and ranked[0].value >= PARAGRAPH_MIN_CONFIDENCE
