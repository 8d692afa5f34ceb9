"""Documents in their own formats: one table of the formats, by file suffix, each read into units
that are translated and written back in the same format, or read for its text alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from summarize.documents.base import DocumentFile
from summarize.errors import InputError
from summarize.text.document import Document


def _office(suffix: str):
    def read(data: bytes, origin: str) -> DocumentFile:
        from summarize.documents.office import read_office

        return read_office(data, origin, suffix)

    return read


def _epub(data: bytes, origin: str) -> DocumentFile:
    from summarize.documents.epub import read_epub

    return read_epub(data, origin)


def _markdown(data: bytes, origin: str) -> DocumentFile:
    from summarize.documents.markdown import read_markdown
    from summarize.text.files import decode

    return read_markdown(decode(data, origin), origin)


def _html(data: bytes, origin: str) -> DocumentFile:
    from summarize.documents.html import read_html
    from summarize.text.files import decode

    return read_html(decode(data, origin), origin)


def _plain_text(data: bytes, origin: str) -> DocumentFile:
    from summarize.documents.plaintext import read_plain_text
    from summarize.text.files import decode

    return read_plain_text(decode(data, origin), origin)


def _subtitles(suffix: str):
    def read(data: bytes, origin: str) -> DocumentFile:
        from summarize.documents.subtitles import read_subtitles
        from summarize.text.files import decode

        return read_subtitles(decode(data, origin), origin, suffix)

    return read


def _pdf(data: bytes, origin: str) -> Document:
    from summarize.documents.pdf import read_pdf

    return read_pdf(data, origin)


@dataclass(frozen=True)
class Format:
    """A document format: its name, whether it is binary (never written to a terminal), how it
    is read for translation in place (None: read for its text only), and for its text."""

    name: str
    binary: bool
    read: Callable[[bytes, str], DocumentFile] | None
    text_only: Callable[[bytes, str], Document] | None = None
    #: What the service's downloads say the file is.
    media_type: str = "text/plain; charset=utf-8"


_OOXML, _ODF = "application/vnd.openxmlformats-officedocument", "application/vnd.oasis.opendocument"
FORMATS = {
    ".docx": Format("docx", True, _office(".docx"), media_type=f"{_OOXML}.wordprocessingml.document"),
    ".pptx": Format("pptx", True, _office(".pptx"), media_type=f"{_OOXML}.presentationml.presentation"),
    ".odt": Format("odt", True, _office(".odt"), media_type=f"{_ODF}.text"),
    ".odp": Format("odp", True, _office(".odp"), media_type=f"{_ODF}.presentation"),
    ".txt": Format("text", False, _plain_text),
    ".epub": Format("epub", True, _epub, media_type="application/epub+zip"),
    ".md": Format("markdown", False, _markdown),
    ".markdown": Format("markdown", False, _markdown),
    ".html": Format("html", False, _html),
    ".htm": Format("html", False, _html),
    ".xhtml": Format("html", False, _html),
    ".srt": Format("srt", False, _subtitles(".srt")),
    ".vtt": Format("vtt", False, _subtitles(".vtt")),
    ".pdf": Format("pdf", True, None, _pdf),
}


def written_suffixes() -> list[str]:
    """The suffixes translated into their own format (PDFs are read only), from the table as it
    is now (a format added to FORMATS is one at once)."""
    return sorted(suffix for suffix, file_format in FORMATS.items() if file_format.read is not None)


def accepted_suffixes() -> list[str]:
    """The suffixes the service translates: those written back in their own format, and those read
    for their text alone, whose translation is a text file."""
    return sorted(FORMATS)


def format_of(path: str | Path) -> Format | None:
    """The document format of a file name, by its suffix; None for plain text."""
    return FORMATS.get(Path(str(path)).suffix.lower())


def open_document(path: str) -> tuple[DocumentFile, Format]:
    """A document file read for translation in its own format."""
    from summarize.text.files import read_file

    file_format = format_of(path)
    return file_format.read(read_file(Path(path), file_format.binary), path), file_format


def text_of(data: bytes, origin: str, file_format: Format) -> Document:
    """The document's text as paragraphs (for `article`): one per unit, or per run of cues up to
    a sentence's end."""
    from summarize.documents.placing import sent_text
    from summarize.documents.translation import paragraph_groups

    if file_format.text_only is not None:
        return file_format.text_only(data, origin)
    document = file_format.read(data, origin)
    paragraphs = tuple(
        " ".join(" ".join(sent_text(document.units[i]).split()) for i in group) for group in paragraph_groups(document)
    )
    if not paragraphs:
        raise InputError(f"{origin}: no text to read")
    return Document(paragraphs, origin)
