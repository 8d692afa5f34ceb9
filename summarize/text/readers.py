"""Read a source (a path, `-` for stdin, or an http(s) URL) into a Document."""

from __future__ import annotations

import codecs
import sys
import urllib.error
import urllib.request
from pathlib import Path

from summarize.errors import InputError
from summarize.text.document import Document, split_paragraphs

MAX_BYTES = 20 * 1024 * 1024
URL_TIMEOUT_S = 20
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def read_source(source: str, max_bytes: int = MAX_BYTES) -> Document:
    """Read `source` whole; refuse what cannot be read as text, never cut it."""
    if source.startswith(("http://", "https://")):
        raw, origin, is_html = _fetch(source, max_bytes)
    elif source == "-":
        raw = sys.stdin.buffer.read(max_bytes + 1)
        origin, is_html = "<stdin>", False
    else:
        raw, origin = _read_file(Path(source), max_bytes), source
        is_html = Path(source).suffix.lower() in _HTML_SUFFIXES
    if len(raw) > max_bytes:
        raise InputError(f"{origin}: larger than {max_bytes // (1024 * 1024)} MiB; split it first")
    text = decode(raw, origin)
    if is_html or _looks_like_html(text):
        text = extract_main_text(text, origin)
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        raise InputError(f"{origin}: no text to read (the input is empty or blank)")
    return Document(tuple(paragraphs), origin)


def _read_file(path: Path, max_bytes: int) -> bytes:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None


def _fetch(url: str, max_bytes: int) -> tuple[bytes, str, bool]:
    request = urllib.request.Request(url, headers={"User-Agent": "summarize/0.1"})
    try:
        with urllib.request.urlopen(request, timeout=URL_TIMEOUT_S) as response:
            raw = response.read(max_bytes + 1)
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise InputError(f"{url}: the server answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"{url}: cannot be fetched ({reason})") from None
    return raw, url, "html" in content_type


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(raw: bytes, origin: str) -> str:
    """UTF-16/32 with a byte-order mark, UTF-8 (with or without one), else the detected
    encoding; binary is refused."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                raise InputError(f"{origin}: starts as {encoding.upper()} but does not decode as it") from None
    if b"\x00" in raw[:8192]:
        raise InputError(f"{origin}: looks like a binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    western = _as_western_european(raw)
    if western is not None:
        print(f"note: {origin} is not UTF-8; read it as cp1252 (Western European)", file=sys.stderr)
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise InputError(f"{origin}: not UTF-8 and no text encoding could be detected; convert it to UTF-8")
    print(f"note: {origin} is not UTF-8; read it as {best.encoding}", file=sys.stderr)
    return str(best)


# Letters and marks of the languages this tool serves; short texts fool statistical detectors.
_WESTERN = set("áéíóúñüçàèìòùâêîôûäëïöÿœæßãõ¿¡«»€ºª“”‘’–—…°·ÁÉÍÓÚÑÜÇÀÈÌÒÙÂÊÎÔÛÄËÏÖŒÆÃÕ")


def _as_western_european(raw: bytes) -> str | None:
    """cp1252 text, when every non-ASCII character it gives belongs to a served language."""
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return text if all(c.isascii() or c in _WESTERN for c in text) else None


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html"))


def extract_main_text(html: str, origin: str) -> str:
    """The article's main text from an HTML page (trafilatura), paragraphs kept."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)
    if not text or not text.strip():
        raise InputError(f"{origin}: no article text could be found in the page")
    return text.replace("\n", "\n\n")
