"""Word (.docx), PowerPoint (.pptx) and OpenDocument (.odt, .odp) files: one table row per format
(the parts that hold text, the paragraph element, how runs and their formatting are found, what
kind of unit a paragraph is), read and written through the zipped-XML layer."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass

from summarize.documents.base import VERBATIM, Unit
from summarize.documents.zipped import ZippedDocument, open_zip, read_entry
from summarize.errors import InputError
from summarize.text.safexml import parse_xml

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
PRESENTATION = "{urn:oasis:names:tc:opendocument:xmlns:presentation:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
XLINK = "{http://www.w3.org/1999/xlink}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# Run properties that say nothing of how text looks: the spelling language and proofing marks.
_VOLATILE_CHILDREN = {W + "lang", W + "noProof"}
_VOLATILE_ATTRIBUTES = {"lang", "altLang", "dirty", "err", "noProof", "smtClean"}
# Word heading styles by id in the languages served (ids are localised in files Word writes).
_HEADING_STYLES = re.compile(r"^(Heading|Title|Subtitle|T[ií]?tulo|Titre|[UÜ]berschrift|Titolo|Intestazione)", re.IGNORECASE)


@dataclass(frozen=True)
class OfficeFormat:
    """What one zipped-XML format is to the translation."""

    kind: str
    suffix: str
    #: The entry every such file has.
    main: str
    parts: re.Pattern
    paragraph: frozenset[str]
    slots: Callable  # paragraph -> [(element, "text"|"tail", style)]
    unit_kind: Callable  # (part name, paragraph) -> kind, or None to leave it as it is
    encrypted: Callable = lambda archive: False


def _ancestors(element):
    parent = element.getparent()
    while parent is not None:
        yield parent
        parent = parent.getparent()


def _ooxml_slots(run: str, text: str, properties: str, link: str | None):
    """A paragraph's text elements that belong to it (not to a text box inside it), each styled by
    its run's properties (less the volatile ones) and the link around it; field results verbatim."""

    def slots(paragraph):
        found = []
        for element in paragraph.iter(text):
            holder = element.getparent()
            if holder is None or holder.tag != run or _nearest(element, paragraph.tag) is not paragraph:
                continue
            style = _run_style(holder.find(properties))
            for ancestor in _ancestors(holder):
                if ancestor is paragraph:
                    break
                if ancestor.tag == W + "fldSimple":
                    style = VERBATIM
                elif link and ancestor.tag == link and style != VERBATIM:
                    style = (style, ancestor.get(R + "id") or ancestor.get(W + "anchor"))
            found.append((element, "text", style))
        return found

    return slots


def _nearest(element, tag: str):
    return next((a for a in _ancestors(element) if a.tag == tag), None)


def _run_style(properties) -> str:
    from lxml import etree

    if properties is None:
        return ""
    cleaned = copy.deepcopy(properties)
    for child in list(cleaned):
        if child.tag in _VOLATILE_CHILDREN:
            cleaned.remove(child)
    for attribute in list(cleaned.attrib):
        if attribute in _VOLATILE_ATTRIBUTES:
            del cleaned.attrib[attribute]
    return etree.tostring(cleaned, encoding="unicode") if len(cleaned) or cleaned.attrib else ""


def _word_kind(part: str, paragraph) -> str:
    if "header" in part:
        return "header"
    if "footer" in part:
        return "footer"
    if "notes" in part:
        return "note"
    ancestors = {a.tag for a in _ancestors(paragraph)}
    if W + "tc" in ancestors:
        return "cell"
    if W + "txbxContent" in ancestors:
        return "text box"
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    style_id = style.get(W + "val", "") if style is not None else ""
    if _HEADING_STYLES.match(style_id) or paragraph.find(f"{W}pPr/{W}outlineLvl") is not None:
        return "heading"
    if paragraph.find(f"{W}pPr/{W}numPr") is not None or style_id.startswith("List"):
        return "list item"
    return "paragraph"


def _slide_kind(part: str, paragraph) -> str:
    if "notesSlide" in part:
        return "note"
    ancestors = list(_ancestors(paragraph))
    if any(a.tag == A + "tc" for a in ancestors):
        return "cell"
    shape = next((a for a in ancestors if a.tag == P + "sp"), None)
    placeholder = shape.find(f"{P}nvSpPr/{P}nvPr/{P}ph") if shape is not None else None
    if placeholder is not None and placeholder.get("type") in ("title", "ctrTitle", "subTitle"):
        return "title"
    return "paragraph"


# Elements inside an OpenDocument paragraph whose text is the paragraph's, with formatting.
_ODF_INLINE = {TEXT + "span": TEXT + "style-name", TEXT + "a": XLINK + "href"}


# Elements that stand for spaces, a tab or a line break inside a paragraph's text.
_ODF_SPACES = {TEXT + "s", TEXT + "tab", TEXT + "line-break"}


def _odf_slots(paragraph):
    """The paragraph's own text nodes (notes, frames and comments inside it hold their own),
    each styled by the spans and links around it."""
    found = []

    def walk(element, style):
        found.append((element, "text", style))
        for child in element:
            if child.tag in _ODF_INLINE:
                walk(child, (*style, child.get(_ODF_INLINE[child.tag])))
            elif child.tag in _ODF_SPACES:
                found.append((child, None, style))
            found.append((child, "tail", style))

    walk(paragraph, ())
    return found


def _odf_kind(part: str, paragraph) -> str | None:
    ancestors = list(_ancestors(paragraph))
    tags = {a.tag for a in ancestors}
    if OFFICE + "annotation" in tags:
        return None
    if STYLE + "header" in tags or STYLE + "header-first" in tags:
        return "header"
    if STYLE + "footer" in tags or STYLE + "footer-first" in tags:
        return "footer"
    if part == "styles.xml":
        return None  # the styles' sample text and master pages' placeholders
    if PRESENTATION + "notes" in tags or TEXT + "note" in tags:
        return "note"
    if TABLE + "table-cell" in tags:
        return "cell"
    if paragraph.tag == TEXT + "h":
        return "heading"
    frame = next((a for a in ancestors if a.tag == DRAW + "frame"), None)
    if frame is not None and frame.get(PRESENTATION + "class") in ("title", "subtitle"):
        return "title"
    if TEXT + "list-item" in tags:
        return "list item"
    return "paragraph"


def _odf_encrypted(archive) -> bool:
    try:
        return b"encryption-data" in archive.read("META-INF/manifest.xml")
    except KeyError:
        return False


_WORD = OfficeFormat(
    "Word",
    ".docx",
    "word/document.xml",
    re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml"),
    frozenset({W + "p"}),
    _ooxml_slots(W + "r", W + "t", W + "rPr", W + "hyperlink"),
    _word_kind,
)
_POWERPOINT = OfficeFormat(
    "PowerPoint",
    ".pptx",
    "ppt/presentation.xml",
    re.compile(r"ppt/(slides/slide|notesSlides/notesSlide)\d+\.xml"),
    frozenset({A + "p"}),
    _ooxml_slots(A + "r", A + "t", A + "rPr", None),
    _slide_kind,
)
_ODF_PARTS = re.compile(r"(content|styles)\.xml")
_ODF_PARAGRAPHS = frozenset({TEXT + "p", TEXT + "h"})
_ODF = (_ODF_PARTS, _ODF_PARAGRAPHS, _odf_slots, _odf_kind, _odf_encrypted)
#: Suffix -> format.
FORMATS = {
    ".docx": _WORD,
    ".pptx": _POWERPOINT,
    ".odt": OfficeFormat("OpenDocument text", ".odt", "content.xml", *_ODF),
    ".odp": OfficeFormat("OpenDocument presentation", ".odp", "content.xml", *_ODF),
}


class OfficeDocument(ZippedDocument):
    def after_set(self, element, attribute: str, text: str) -> None:
        if element.tag == W + "t" and text != text.strip():
            element.set(XML_SPACE, "preserve")

    def unit_written(self, element) -> None:
        """A spreadsheet-style cell's string value follows its translated text."""
        cell = _nearest(element, TABLE + "table-cell")
        if cell is not None and cell.get(OFFICE + "string-value") is not None:
            cell.set(OFFICE + "string-value", "\n".join("".join(p.itertext()) for p in cell.iter(TEXT + "p")))

    def fixed_in_changed(self, element) -> None:
        """A space element of a translated paragraph is dropped (its tail kept): the
        translation's own spaces stand in its place. Tabs and line breaks stay."""
        if element.tag != TEXT + "s":
            return
        parent, previous = element.getparent(), element.getprevious()
        if element.tail:
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)


def read_office(data: bytes, origin: str, suffix: str) -> OfficeDocument:
    """The units of a Word, PowerPoint or OpenDocument file, ready to be written back."""
    spec = FORMATS[suffix]
    archive = open_zip(data, origin, spec.kind, spec.suffix)
    if spec.encrypted(archive):
        raise InputError(f"{origin}: is password-protected; save it unprotected and try again")
    document = OfficeDocument(origin, archive=archive, trees={}, slots=[])
    names = [entry.filename for entry in archive.infolist() if spec.parts.fullmatch(entry.filename)]
    if spec.main not in archive.namelist():
        raise InputError(f"{origin}: not a {spec.kind} file (it has no {spec.main})")
    for name in sorted(names, key=_reading_order):
        tree = parse_xml(read_entry(archive, name, origin), origin, name)
        document.trees[name] = tree
        for paragraph in tree.iter(*spec.paragraph):
            kind = spec.unit_kind(name, paragraph)
            slots = spec.slots(paragraph) if kind else []
            texts = [_slot_text(element, attribute, origin) for element, attribute, _ in slots]
            if not "".join(texts).strip():
                continue
            document.slots.append([(element, attribute) for element, attribute, _ in slots])
            fixed = frozenset(i for i, (_, attribute, _) in enumerate(slots) if attribute is None)
            document.units.append(Unit(kind, texts, [style for _, _, style in slots], fixed))
    return document


#: Spaces a space element stands for in the text translated, at most: its own count is kept in
#: the file, and a translated paragraph drops the element (its translation's spaces stand there).
_MOST_SPACES = 64


def _slot_text(element, attribute: str | None, origin: str) -> str:
    """A slot's text; a space element's is its spaces (text:c of them, bounded), a tab's or
    break's one."""
    if attribute is None:
        return " " * _space_count(element, origin) if element.tag == TEXT + "s" else " "
    return getattr(element, attribute) or ""


def _space_count(element, origin: str) -> int:
    """The spaces of a text:s element, as many as it says up to _MOST_SPACES; a count that is no
    positive whole number is a damaged file."""
    said = (element.get(TEXT + "c") or "1").strip()
    digits = said.lstrip("0")[:6]  # more digits than these only say "the most"
    if not said.isascii() or not said.isdigit() or not digits:
        raise InputError(f"{origin}: a space element counts {said[:40]!r} spaces, not a positive number; the file is damaged")
    return min(int(digits), _MOST_SPACES)


def _reading_order(name: str) -> tuple:
    """Slides and notes by number (slide10 after slide9), the body before headers and notes."""
    number = re.search(r"(\d+)\.xml$", name)
    main = name.startswith(("word/document", "ppt/slides", "content"))
    return (not main, re.sub(r"\d*\.xml$", "", name), int(number.group(1)) if number else 0)
