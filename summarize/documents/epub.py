"""EPUB books translated into EPUB: the zip bounded as Office files are, each XHTML document of
the spine (and the EPUB 3 navigation document) translated through the HTML path, the package
document's title and the EPUB 2 table of contents (NCX) through the XML layer, every other entry
(images, fonts, styles, the stored `mimetype` first) copied byte for byte."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from summarize.documents.base import Unit
from summarize.documents.html import HtmlDocument, read_html
from summarize.documents.zipped import ZippedDocument, open_zip, read_entry
from summarize.errors import InputError
from summarize.limits import limit, limit_said, mib
from summarize.text.safexml import parse_xml

CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
MIMETYPE = b"application/epub+zip"
XHTML = "application/xhtml+xml"
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(r"""^(\ufeff?<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


@dataclass
class EpubDocument(ZippedDocument):
    """The title and table of contents are the XML units (first, in `slots`); the XHTML
    documents' units follow, each document's in a run. The package document (the first tree)
    declares the language written."""

    #: (entry name, its HTML document) in reading order.
    pages: list[tuple[str, HtmlDocument]] = field(default_factory=list)

    def written_entries(self, texts: list[list[str]]) -> dict[str, bytes]:
        if self.language:
            for package in list(self.trees.values())[:1]:
                for declared in package.getroot().iter(f"{DC}language"):
                    declared.text = self.language
        entries = super().written_entries(texts[: len(self.slots)])
        at = len(self.slots)
        for name, page in self.pages:
            page_texts = texts[at : at + len(page.units)]
            if page_texts != [unit.texts for unit in page.units]:
                entries[name] = page.rebuilt(page_texts)
            at += len(page.units)
        return entries


def read_epub(data: bytes, origin: str) -> EpubDocument:
    """The units of an EPUB (2 or 3), ready to be written back; one that is not an EPUB, is
    damaged, encrypted (DRM) or declares entities is refused in one line."""
    archive = open_zip(data, origin, "zipped EPUB", ".epub")
    names = set(archive.namelist())
    if "mimetype" not in names or read_entry(archive, "mimetype", origin).strip() != MIMETYPE:
        raise InputError(f"{origin}: not an EPUB (its mimetype entry is not {MIMETYPE.decode()})")
    if "META-INF/encryption.xml" in names:
        raise InputError(f"{origin}: its content is encrypted (DRM); only a book without DRM can be translated")
    container = _xml(archive, "META-INF/container.xml", origin, names)
    rootfile = container.getroot().find(f"{CONTAINER}rootfiles/{CONTAINER}rootfile")
    if rootfile is None or not rootfile.get("full-path"):
        raise InputError(f"{origin}: META-INF/container.xml names no package document; the file is damaged")
    package_name = rootfile.get("full-path")
    package = _xml(archive, package_name, origin, names)
    folder = posixpath.dirname(package_name)
    manifest = {
        item.get("id"): (posixpath.normpath(posixpath.join(folder, unquote(item.get("href") or ""))), item)
        for item in package.getroot().iter(f"{OPF}item")
    }
    document = EpubDocument(origin, archive=archive, trees={package_name: package}, slots=[])
    for title in package.getroot().iter(f"{DC}title"):
        _add_xml_unit(document, title, "title")
    toc = package.getroot().find(f"{OPF}spine")
    ncx_id = toc.get("toc") if toc is not None else None
    if ncx_id in manifest and manifest[ncx_id][0] in names:
        ncx_name = manifest[ncx_id][0]
        document.trees[ncx_name] = ncx = _xml(archive, ncx_name, origin, names)
        for text in ncx.getroot().iter(f"{NCX}text"):
            _add_xml_unit(document, text, "table of contents")
    spine = [ref.get("idref") for ref in (toc.iter(f"{OPF}itemref") if toc is not None else ())]
    navigation = [key for key, (_, item) in manifest.items() if "nav" in (item.get("properties") or "").split()]
    for key in dict.fromkeys([*navigation, *spine]):
        if key in manifest and manifest[key][1].get("media-type") == XHTML and manifest[key][0] in names:
            name = manifest[key][0]
            page = read_html(_xhtml(archive, name, origin), f"{origin}:{name}")
            document.pages.append((name, page))
            document.units += page.units
    return document


def _add_xml_unit(document: EpubDocument, element, kind: str) -> None:
    if (element.text or "").strip() and not len(element):
        document.units.append(Unit(kind, [element.text], [None]))
        document.slots.append([(element, "text")])


def _xml(archive, name: str, origin: str, names: set[str]):
    if name not in names:
        raise InputError(f"{origin}: has no {name}; not an EPUB, or damaged")
    return parse_xml(read_entry(archive, name, origin), origin, name)


def _xhtml(archive, name: str, origin: str) -> str:
    """An XHTML document's text, in UTF-8 or UTF-16 as EPUB has it (its declaration then says
    UTF-8, as it is written back); one that declares entities, or is over the size of an XML
    part, is refused."""
    from summarize.text.files import decode

    data = read_entry(archive, name, origin)
    if len(data) > limit("max_xml_part_bytes"):
        raise InputError(f"{origin}: {name} is {mib(len(data))} of XHTML, over the limit ({limit_said('max_xml_part_bytes')})")
    if _ENTITY.search(data) or _ENTITY.search(data.replace(b"\x00", b"")):
        raise InputError(f"{origin}: {name} declares entities, which books do not need; not read")
    return _DECLARED_ENCODING.sub(r"\1\2utf-8\2", decode(data, f"{origin}:{name}"), count=1)
