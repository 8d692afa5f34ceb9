"""Markdown through markdown-it-py (CommonMark with tables and strikethrough): the text of
headings, paragraphs, list items, quotes and table cells is translated; code blocks, inline
code, link and image targets, raw HTML and front matter are kept. Only the lines that hold
translated text change."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarize.documents.base import VERBATIM, DocumentFile, Unit

_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\n.*?\n\1[ \t]*\n", re.DOTALL)
# Characters a translated text must not bring in as markup.
_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_KINDS = {"heading_open": "heading", "list_item_open": "list item", "td_open": "cell", "th_open": "cell"}


@dataclass
class _Inline:
    """One inline token: the line it starts on, its source text there, and its runs' styles
    (stacks of emphasis and links, outermost first)."""

    line: int
    content: str
    lines: int
    stacks: list[tuple] = field(default_factory=list)


@dataclass
class MarkdownDocument(DocumentFile):
    lines: list[str] = field(default_factory=list)
    inlines: list[_Inline] = field(default_factory=list)

    def rebuilt(self, texts: list[list[str]]) -> bytes:
        lines = list(self.lines)
        cursors: dict[int, int] = {}
        removed: set[int] = set()
        for inline, unit, unit_texts in zip(self.inlines, self.units, texts):
            if unit_texts == unit.texts:
                continue
            rendered = "".join(_render(text, stack) for text, stack in zip(unit_texts, inline.stacks))
            first = inline.content.split("\n")[0]
            line = lines[inline.line]
            at = line.find(first, cursors.get(inline.line, 0))
            if at < 0:
                continue
            lines[inline.line] = line[:at] + rendered + line[at + len(first) :]
            cursors[inline.line] = at + len(rendered)
            removed.update(range(inline.line + 1, inline.line + inline.lines))
        return "".join(line for index, line in enumerate(lines) if index not in removed).encode("utf-8")


def _render(text: str, stack: tuple) -> str:
    """A run's text as Markdown: escaped, inside its emphasis and links; the whitespace at its
    ends kept outside them (emphasis cannot start or end with a space)."""
    if stack == VERBATIM or not text.strip():
        return text
    core = _SPECIAL.sub(r"\\\1", text.strip())
    for kind, *detail in reversed(stack):
        if kind == "link":
            href, title = detail
            core = f"[{core}]({href}{_title(title)})"
        else:
            core = f"{detail[0]}{core}{detail[0]}"
    return text[: len(text) - len(text.lstrip())] + core + text[len(text.rstrip()) :]


def _title(title: str | None) -> str:
    return f' "{title}"' if title else ""


def read_markdown(text: str, origin: str) -> MarkdownDocument:
    from markdown_it import MarkdownIt

    front = _FRONT_MATTER.match(text)
    skipped = front.group(0).count("\n") if front else 0
    body = text[front.end() :] if front else text
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(body)
    document = MarkdownDocument(origin, lines=text.splitlines(keepends=True))
    kinds: list[str] = []
    for token in tokens:
        if token.type in _KINDS:
            kinds.append(_KINDS[token.type])
        elif token.type.endswith("_close") and token.type.replace("_close", "_open") in _KINDS:
            kinds.pop()
        elif token.type == "inline" and token.map:
            texts, stacks = _runs(token.children or [])
            if any(style != VERBATIM for style in stacks):
                document.units.append(Unit(kinds[-1] if kinds else "paragraph", texts, stacks))
                inline = _Inline(token.map[0] + skipped, token.content, token.content.count("\n") + 1, stacks)
                document.inlines.append(inline)
    return document


def _runs(children) -> tuple[list[str], list]:
    """The runs of an inline token: text in its stack of emphasis and links; inline code,
    images, raw HTML and autolinks verbatim, as written."""
    texts: list[str] = []
    stacks: list = []
    stack: list[tuple] = []
    autolink = False
    for child in children:
        kind = child.type
        if kind in ("strong_open", "em_open", "s_open"):
            stack.append(("mark", child.markup))
        elif kind in ("strong_close", "em_close", "s_close") and stack:
            stack.pop()
        elif kind == "link_open":
            autolink = child.markup == "autolink"
            if autolink:
                texts.append(f"<{child.attrs.get('href', '')}>")
                stacks.append(VERBATIM)
            else:
                stack.append(("link", child.attrs.get("href", ""), child.attrs.get("title")))
        elif kind == "link_close":
            if not autolink and stack:
                stack.pop()
            autolink = False
        elif autolink:
            continue
        elif kind == "text":
            texts.append(child.content)
            stacks.append(tuple(stack))
        elif kind in ("softbreak", "hardbreak"):
            texts.append(" ")
            stacks.append(tuple(stack))
        elif kind == "code_inline":
            texts.append(f"{child.markup}{child.content}{child.markup}")
            stacks.append(VERBATIM)
        elif kind == "image":
            title = child.attrs.get("title")
            alt = "".join(c.content for c in child.children or [])
            texts.append(f"![{alt}]({child.attrs.get('src', '')}{_title(title)})")
            stacks.append(VERBATIM)
        else:  # html_inline and what else a plugin may add
            texts.append(child.content)
            stacks.append(VERBATIM)
    return texts, stacks
