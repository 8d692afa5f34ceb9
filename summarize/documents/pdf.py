"""PDFs read for their text (pypdf): pages in order, words hyphenated at line ends joined, running
headers, footers and page numbers dropped, lines joined into paragraphs."""

from __future__ import annotations

import io
import re
import statistics

from summarize.errors import InputError, first_line
from summarize.limits import limit, limit_said
from summarize.text.document import Document

# Lines near a page's top or bottom looked at for running headers, footers and page numbers.
_EDGE_LINES = 3
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—]*(?:(?:page|página|pág\.?|p\.|seite|pagina|pag\.?)\s*)?\d{1,4}(?:\s*(?:of|de|von|di|/|sur)\s*\d{1,4})?[\s\-–—]*$",
    re.IGNORECASE,
)
_HYPHENATED = re.compile(r"(\w)[-\u00ad]$")
_SENTENCE_END = (".", "!", "?", "…", ":", '"', "”", "»", ")")


def read_pdf(data: bytes, origin: str) -> Document:
    """The text of a PDF as paragraphs; encrypted, damaged and image-only PDFs are refused."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, LimitReachedError, PyPdfError

    if not data:
        raise InputError(f"{origin}: the file is empty")
    if b"%PDF" not in data[:1024]:
        raise InputError(f"{origin}: not a PDF (it does not start as one)")
    _quiet_pypdf()
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{origin}: is password-protected; save it unprotected and try again")
        most = limit("max_pdf_pages")
        if len(reader.pages) > most:
            raise InputError(f"{origin}: has {len(reader.pages):,} pages, over {most:,} ({limit_said('max_pdf_pages')})")
        pages = [(page.extract_text() or "").splitlines() for page in reader.pages]
    except InputError:
        raise
    except LimitReachedError as error:
        raise InputError(f"{origin}: a stream of the PDF unpacks beyond pypdf's bound ({first_line(error)}); not read") from None
    except DependencyError as error:
        raise InputError(f"{origin}: the PDF's encryption cannot be read here ({first_line(error)})") from None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError, AttributeError, ZeroDivisionError) as error:
        raise InputError(f"{origin}: the PDF cannot be read ({first_line(error)}); the file is damaged") from None
    paragraphs = _paragraphs(_without_running_lines(pages))
    if not paragraphs:
        raise InputError(f"{origin}: holds no text (scanned pages need OCR first)")
    return Document(tuple(paragraphs), origin)


def _quiet_pypdf() -> None:
    """pypdf logs what it repairs or refuses ("EOF marker not found") on stderr, beside the one
    line said here: its log is kept out of the output."""
    import logging

    logger = logging.getLogger("pypdf")
    logger.propagate = False
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _without_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Each page less its page number and the lines at its edges that recur on at least half the
    pages (digits aside): running headers and footers."""
    counts: dict[str, int] = {}
    for lines in pages:
        for shape in {_shape(line) for line in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:] if line.strip()}:
            counts[shape] = counts.get(shape, 0) + 1
    recurring = {shape for shape, count in counts.items() if count >= max(2, len(pages) / 2)}
    kept = []
    for lines in pages:
        edge = set(range(_EDGE_LINES)) | set(range(len(lines) - _EDGE_LINES, len(lines)))
        kept.append(
            [
                line
                for index, line in enumerate(lines)
                if line.strip() and not (index in edge and (_shape(line) in recurring or _PAGE_NUMBER.match(line)))
            ]
        )
    return kept


def _paragraphs(pages: list[list[str]]) -> list[str]:
    """Lines joined into paragraphs: a short line that ends a sentence ends its paragraph; a word
    hyphenated at a line's end is joined with its rest."""
    lengths = [len(line) for lines in pages for line in lines]
    if not lengths:
        return []
    full = statistics.median(lengths)
    paragraphs, current = [], ""
    for line in (line.strip() for lines in pages for line in lines):
        if current and _HYPHENATED.search(current) and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        if line.endswith(_SENTENCE_END) and len(line) < 0.8 * full:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs
