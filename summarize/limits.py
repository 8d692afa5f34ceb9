"""The bounds that keep memory and time in check on any input: one table, each settable through
an environment variable (README, "Limits")."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from summarize.errors import SummarizeError


def number_problem(value, low: float | None = None, high: float | None = None, low_open: bool = False) -> str | None:
    """Why `value` is not a finite number within [low, high] (low excluded when `low_open`);
    None when it is one. One rule for options and limit variables alike (NaN is no number)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"{value!r} is not a number"
    if not math.isfinite(number):
        return f"{value!r} is not a finite number"
    if low is not None and (number <= low if low_open else number < low):
        return f"{value!r} must be {'above' if low_open else 'at least'} {low:g}"
    if high is not None and number > high:
        return f"{value!r} must be at most {high:g}"
    return None


@dataclass(frozen=True)
class Limit:
    """A bound, its default, and the environment variable that overrides it."""

    variable: str
    default: float
    meaning: str


LIMITS = {
    "max_input_bytes": Limit("SUMMARIZE_MAX_INPUT_BYTES", 20 * 1024 * 1024, "largest file, stdin or page read, in bytes"),
    "max_sentence_words": Limit(
        "SUMMARIZE_MAX_SENTENCE_WORDS", 120, "longer runs without sentence punctuation are cut at clauses, then words"
    ),
    "max_sentence_chars": Limit(
        "SUMMARIZE_MAX_SENTENCE_CHARS", 1500, "the same in characters, for scripts written without spaces"
    ),
    "max_document_bytes": Limit(
        "SUMMARIZE_MAX_DOCUMENT_BYTES", 100 * 1024 * 1024, "largest Word, PowerPoint, OpenDocument or PDF file read, in bytes"
    ),
    "max_unpacked_bytes": Limit(
        "SUMMARIZE_MAX_UNPACKED_BYTES", 256 * 1024 * 1024, "a zipped document's entries unpacked, in bytes (zip bombs)"
    ),
    "max_document_entries": Limit("SUMMARIZE_MAX_DOCUMENT_ENTRIES", 10_000, "entries of a zipped document"),
    "max_xml_part_bytes": Limit(
        "SUMMARIZE_MAX_XML_PART_BYTES", 32 * 1024 * 1024, "one XML part of a document parsed for its text, in bytes"
    ),
    "max_pdf_pages": Limit("SUMMARIZE_MAX_PDF_PAGES", 2000, "pages of a PDF read"),
    "max_glossary_bytes": Limit("SUMMARIZE_MAX_GLOSSARY_BYTES", 16 * 1024 * 1024, "largest glossary file read, in bytes"),
    "max_glossary_terms": Limit("SUMMARIZE_MAX_GLOSSARY_TERMS", 100_000, "terms of the glossaries of one job or request"),
    "graph_sentences": Limit(
        "SUMMARIZE_GRAPH_SENTENCES", 1000, "sentences per TextRank/LexRank graph; longer texts go by map-reduce"
    ),
    "graph_words": Limit("SUMMARIZE_GRAPH_WORDS", 20_000, "words per TextRank/LexRank graph"),
    "url_deadline_s": Limit("SUMMARIZE_URL_DEADLINE_S", 60, "whole fetch of a URL, connection to last byte"),
    "network_timeout_s": Limit(
        "SUMMARIZE_NETWORK_TIMEOUT_S", 20, "connection or silence on one network call; the hub's first answer"
    ),
    "download_deadline_s": Limit("SUMMARIZE_DOWNLOAD_DEADLINE_S", 3600, "whole download of one model"),
}


def limit(name: str) -> int | float:
    """The value of the bound `name`: its environment variable when set, else the default."""
    entry = LIMITS[name]
    raw = os.environ.get(entry.variable)
    if raw is None or not raw.strip():
        return entry.default
    problem = number_problem(raw, low=0, low_open=True)
    if problem:
        raise SummarizeError(f"{entry.variable}={raw!r}: must be a positive number ({entry.meaning})")
    value = float(raw)
    return int(value) if float(entry.default).is_integer() and value.is_integer() else value


def limit_said(name: str) -> str:
    """How an error names the variable that sets a limit."""
    return f"{LIMITS[name].variable} sets the limit"


def mib(size: float) -> str:
    return f"{size / 2**20:,.0f} MiB"
