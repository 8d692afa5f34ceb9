"""Sentence segmentation per language (pysbd), table-driven, that never loses a character."""

from __future__ import annotations

import re
import sys
from functools import cache

# pysbd has no rules for these; a related language's rules serve (reported once on stderr).
RELATED = {"pt": "es", "ca": "es", "gl": "es", "ro": "it"}
_SIMPLE_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”»)\]]*\s+(?=[\"'“«(\[¿¡]?[A-ZÁÉÍÓÚÑÀÈÌÒÙÂÊÎÔÛÄÖÜÇ0-9])")
_warned: set[str] = set()


@cache
def _segmenter(language: str):
    import pysbd
    from pysbd.languages import LANGUAGE_CODES

    rules = language if language in LANGUAGE_CODES else RELATED.get(language)
    if rules is None:
        return None
    if rules != language and language not in _warned:
        _warned.add(language)
        print(f"note: no sentence rules for '{language}'; using those for '{rules}'", file=sys.stderr)
    return pysbd.Segmenter(language=rules, clean=False, char_span=False)


def _same_text(pieces: list[str], text: str) -> bool:
    return "".join("".join(pieces).split()) == "".join(text.split())


def simple_split(text: str) -> list[str]:
    """Split after sentence-final punctuation followed by a capital: the fallback splitter."""
    return [s.strip() for s in _SIMPLE_BOUNDARY.split(text) if s.strip()]


def split_sentences(paragraph: str, language: str) -> list[str]:
    """The sentences of one paragraph, stripped, with every non-space character kept in order."""
    paragraph = paragraph.strip()
    if not paragraph:
        return []
    segmenter = _segmenter(language)
    if segmenter is not None:
        sentences = [s.strip() for s in segmenter.segment(paragraph) if s.strip()]
        if _same_text(sentences, paragraph):
            return sentences
    return simple_split(paragraph)


def segment_paragraphs(paragraphs: list[str] | tuple[str, ...], language: str) -> list[list[str]]:
    """Sentences per paragraph; paragraph boundaries kept."""
    return [split_sentences(p, language) for p in paragraphs]
