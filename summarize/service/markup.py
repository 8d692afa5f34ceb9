"""`format=html` of LibreTranslate's API: the text between tags is translated, the tags (and the
contents of script and style elements) are kept as they were."""

from __future__ import annotations

import html
import re

_PIECES = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_RAW_ELEMENTS = re.compile(r"<\s*(script|style)\b", re.IGNORECASE)


def text_nodes(markup: str) -> tuple[list[str], list[int]]:
    """The pieces of `markup` (tags and text, alternating as `re.split` cuts them) and the indexes
    of the text pieces worth translating (not blank, not inside script or style)."""
    pieces = _PIECES.split(markup)
    wanted, raw = [], False
    for index, piece in enumerate(pieces):
        if index % 2:
            opening = _RAW_ELEMENTS.match(piece)
            raw = bool(opening) or (raw and not re.match(r"<\s*/\s*(script|style)\b", piece, re.IGNORECASE))
        elif piece.strip() and not raw:
            wanted.append(index)
    return pieces, wanted


def plain(piece: str) -> str:
    """A text piece as text (entities decoded)."""
    return html.unescape(piece)


def rebuilt(pieces: list[str], wanted: list[int], translations: list[str]) -> str:
    """`pieces` with each wanted text piece replaced by its translation (which keeps the piece's
    own line breaks and surrounding whitespace), escaped."""
    pieces = list(pieces)
    for index, translation in zip(wanted, translations):
        pieces[index] = html.escape(translation, quote=False)
    return "".join(pieces)
