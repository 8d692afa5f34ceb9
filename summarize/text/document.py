"""The document: paragraphs of text read from a source."""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADLINE_MAX_WORDS = 25
_BLANK_LINE = re.compile(r"\n[ \t\f\v\r]*\n")


@dataclass(frozen=True)
class Document:
    """Paragraphs of plain text, in order, with where they came from."""

    paragraphs: tuple[str, ...]
    origin: str

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def has_headline(self) -> bool:
        """Whether the first paragraph is a title: short, with no sentence-ending mark, and a body
        after it. It is translated, and names the summary, but is no sentence of the body."""
        first = self.paragraphs[0]
        return (
            len(self.paragraphs) > 1
            and len(first.split()) <= HEADLINE_MAX_WORDS
            and not first.rstrip("\"'”’»)]").endswith((".", "!", "?", "…", ":", ";"))
        )


def has_letters(text: str) -> bool:
    """Whether `text` holds a letter: a text without any (emoji, numbers, marks) is in no language
    and is given back as it is, on every surface."""
    return any(character.isalpha() for character in text)


#: What ends a sentence at a line's end (closing quotes and brackets after it aside).
_SENTENCE_END = (".", "!", "?", "…", ":", ";")


def continues(previous: str, line: str) -> bool:
    """Whether `line` goes on the sentence `previous` left open: a hard-wrapped sentence (the
    line before ends without a sentence's end, this one starts in lower case)."""
    ended = previous.rstrip().rstrip("\"'”’»)]").endswith(_SENTENCE_END)
    start = line.lstrip()[:1]
    return bool(previous.strip()) and not ended and start.isalpha() and start.islower()


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines; a text without blank lines has one per line, but for
    a sentence that runs across a line break (`continues`), which stays one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _BLANK_LINE.search(text):
        blocks = [block.split("\n") for block in _BLANK_LINE.split(text)]
    else:
        blocks = []  # the lines of each paragraph, joined once at the end
        for line in text.split("\n"):
            if blocks and continues(blocks[-1][-1], line):
                blocks[-1].append(line)
            elif line.strip():
                blocks.append([line])
    paragraphs = (" ".join(line.strip() for line in block) for block in blocks)
    return [p.strip() for p in paragraphs if p.strip()]
