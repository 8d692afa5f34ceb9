"""What every document format gives the translation: its units (paragraphs, headings, cells,
notes, cues) as runs of text with their formatting, and how it is written back."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

#: The style of a run kept verbatim (inline code): placed in the translation like a formatted
#: span, never translated.
VERBATIM = ("verbatim",)


@dataclass
class Unit:
    """One paragraph, heading, list item, table cell, note, header or footer: its runs' texts
    and each run's formatting (any hashable key; equal keys, equal formatting)."""

    kind: str
    texts: list[str]
    styles: list[Hashable]
    #: Runs that stand for a space, tab or line break element: they count in the text but never
    #: take any (the format drops or keeps the element).
    fixed: frozenset[int] = frozenset()
    #: The text as it is translated (placing.sent_text), once worked out.
    sent: str | None = None

    @property
    def text(self) -> str:
        return "".join(self.texts)


@dataclass
class DocumentFile:
    """A document read for translation. A format gives its units and writes them back with new
    texts (one per run, in the same order); everything else in the file is kept as it was."""

    origin: str
    units: list[Unit] = field(default_factory=list)
    #: Cues: the units are one flow of text, sentences spanning them (subtitles).
    flowing: bool = False
    #: Units whose inline formatting the translation cannot carry (tags inside a cue).
    formatting_dropped: int = 0
    #: The language the units are written back in; a format that declares its language (an
    #: EPUB's package document) says it.
    language: str | None = None

    def rebuilt(self, texts: list[list[str]]) -> bytes:
        """The file with each unit's runs holding `texts[unit][run]`."""
        raise NotImplementedError

    def counts(self) -> dict[str, int]:
        """Units per kind, for the metadata."""
        counts: dict[str, int] = {}
        for unit in self.units:
            counts[unit.kind] = counts.get(unit.kind, 0) + 1
        return dict(sorted(counts.items()))
