"""HTML files translated into HTML: every tag, comment, script and style kept byte for byte; the
text between block boundaries is one unit, so a sentence is never cut at an inline tag (a link
or a bold word inside it), and the inline tags around a span go with its translation."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from summarize.documents.base import DocumentFile, Unit

_RAW_ELEMENTS = re.compile(r"<\s*(script|style)\b", re.IGNORECASE)

# Elements that sit inside a sentence; any other tag ends the unit before it.
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "mark", "q", "s", "samp",
    "small", "span", "strong", "sub", "sup", "time", "u", "var",
}  # fmt: skip
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w:-]*)")
_KINDS = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
          "li": "list item", "td": "cell", "th": "cell", "title": "title", "caption": "cell"}  # fmt: skip


@dataclass
class HtmlDocument(DocumentFile):
    pieces: list[str] = field(default_factory=list)
    #: For each unit, the indexes of its text pieces.
    places: list[list[int]] = field(default_factory=list)

    def rebuilt(self, texts: list[list[str]]) -> bytes:
        pieces = list(self.pieces)
        for unit, places, unit_texts in zip(self.units, self.places, texts):
            if unit_texts != unit.texts:
                for index, text in zip(places, unit_texts):
                    pieces[index] = html.escape(text, quote=False)
        return "".join(pieces).encode("utf-8")


def split_markup(markup: str) -> list[str]:
    """`markup` cut into text and markup, alternating, text first: a comment up to its `-->`, else
    a tag up to its `>` (the cut of `re.split(r"(<!--.*?-->|<[^>]*>)", markup, flags=re.DOTALL)`).
    In linear time: an end not found from one place is not looked for again from a later one
    (that regex is quadratic on unclosed comments: 1 MB of them took 20 minutes)."""
    pieces: list[str] = []
    text_from = at = 0
    no_comment_end = no_tag_end = len(markup) + 1  # where a search found no end, to the text's end
    while (start := markup.find("<", at)) >= 0:
        end = -1
        if markup.startswith("<!--", start) and start + 4 < no_comment_end:
            close = markup.find("-->", start + 4)
            end, no_comment_end = (close + 3, no_comment_end) if close >= 0 else (-1, start + 4)
        if end < 0 and start + 1 < no_tag_end:
            close = markup.find(">", start + 1)
            end, no_tag_end = (close + 1, no_tag_end) if close >= 0 else (-1, start + 1)
        if end < 0:
            break  # no `>` after this `<`, so none after a later one either
        pieces += [markup[text_from:start], markup[start:end]]
        text_from = at = end
    pieces.append(markup[text_from:])
    return pieces


def text_nodes(markup: str) -> tuple[list[str], list[int]]:
    """The pieces of `markup` (tags and text, alternating as `split_markup` cuts them) and the
    indexes of the text pieces worth translating (not blank, not inside script or style)."""
    pieces = split_markup(markup)
    wanted, raw = [], False
    for index, piece in enumerate(pieces):
        if index % 2:
            opening = _RAW_ELEMENTS.match(piece)
            raw = bool(opening) or (raw and not re.match(r"<\s*/\s*(script|style)\b", piece, re.IGNORECASE))
        elif piece.strip() and not raw:
            wanted.append(index)
    return pieces, wanted


def read_html(markup: str, origin: str) -> HtmlDocument:
    pieces, wanted = text_nodes(markup)
    wanted_set = set(wanted)
    document = HtmlDocument(origin, pieces=pieces)
    texts: list[str] = []
    styles: list[tuple] = []
    places: list[int] = []
    open_inline: list[tuple[str, str]] = []
    kind = "paragraph"

    def finish():
        if places and any(t.strip() for t in texts):
            document.units.append(Unit(kind, list(texts), list(styles)))
            document.places.append(list(places))
        texts.clear(), styles.clear(), places.clear()

    for index, piece in enumerate(pieces):
        if index % 2:
            tag = _TAG.match(piece)
            name = tag.group(2).lower() if tag else ""
            if name in _INLINE:
                names = [entry[0] for entry in open_inline]
                if not tag.group(1):
                    open_inline.append((name, piece if name == "a" else ""))
                elif name in names:
                    del open_inline[len(names) - 1 - names[::-1].index(name) :]
            elif tag:
                finish()
                open_inline.clear()
                kind = _KINDS.get(name, "paragraph") if not tag.group(1) else "paragraph"
        elif index in wanted_set or not piece.strip():
            texts.append(html.unescape(piece))
            styles.append(tuple(open_inline))
            places.append(index)
        elif piece.strip():
            finish()
    finish()
    return document
