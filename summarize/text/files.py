"""Files read as bytes within their limit, and bytes decoded to text in whatever encoding they
are in."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from summarize.errors import InputError
from summarize.limits import limit, limit_said
from summarize.notes import note

# How much of the start of a file tells binary or UTF-16 apart.
_HEAD_BYTES = 8192


def read_file(path: Path, binary: bool, max_bytes: int | None = None) -> bytes:
    """A document file whole, refused in one line when missing or over its limit (a binary
    document's is SUMMARIZE_MAX_DOCUMENT_BYTES, a text file's SUMMARIZE_MAX_INPUT_BYTES)."""
    name = "max_document_bytes" if binary else "max_input_bytes"
    most = limit(name) if binary else max_bytes or limit(name)
    raw = read_bytes(path, most)
    if len(raw) > most:
        raise InputError(f"{path}: larger than {most / 2**20:g} MiB ({limit_said(name)})")
    return raw


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """Up to `max_bytes` + 1 bytes of a file (one more tells it is over); a one-line error when it
    cannot be read."""
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(raw: bytes, origin: str) -> str:
    """UTF-16/32 with a byte-order mark, UTF-8 (with or without one), else the detected
    encoding; binary is refused."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                raise InputError(f"{origin}: starts as {encoding.upper()} but does not decode as it") from None
    utf16 = _bomless_utf16(raw)
    if utf16 is not None:
        return utf16
    if b"\x00" in raw[:_HEAD_BYTES]:
        raise InputError(f"{origin}: looks like a binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    repaired = _as_mostly_utf8(raw)
    if repaired is not None:
        text, bad = repaired
        note(f"{origin} is UTF-8 but for {bad} invalid byte(s), read one by one as cp1252")
        return text
    western = _as_western_european(raw)
    if western is not None:
        note(f"{origin} is not UTF-8; read it as cp1252 (Western European)")
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise InputError(f"{origin}: not UTF-8 and no text encoding could be detected; convert it to UTF-8")
    note(f"{origin} is not UTF-8; read it as {best.encoding}")
    return str(best)


def _bomless_utf16(raw: bytes) -> str | None:
    """UTF-16 written without a byte-order mark: zero bytes at every other place (Latin text)."""
    head = raw[:_HEAD_BYTES]
    if len(head) < 4 or len(raw) % 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= 0.3 * len(head) / 2 and other == 0:
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


# Letters and marks of the languages this tool serves; short texts fool statistical detectors.
_WESTERN = set("áéíóúñüçàèìòùâêîôûäëïöÿœæßãõ¿¡«»€ºª“”‘’–—…°·ÁÉÍÓÚÑÜÇÀÈÌÒÙÂÊÎÔÛÄËÏÖŒÆÃÕ")


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _as_mostly_utf8(raw: bytes) -> tuple[str, int] | None:
    """UTF-8 text with a few stray bytes (a Windows quote pasted in): more well-formed multi-byte
    characters than invalid bytes. Each invalid byte becomes its cp1252 character (U+FFFD where
    cp1252 has none). Returns the text and the number of invalid bytes."""
    text = raw.decode("utf-8-sig", errors="surrogateescape")
    bad = len(_ESCAPED_BYTE.findall(text))
    if len(_UTF8_MULTIBYTE.findall(raw)) <= bad:
        return None
    as_cp1252 = lambda m: bytes([ord(m.group()) - 0xDC00]).decode("cp1252", errors="replace")  # noqa: E731
    return _ESCAPED_BYTE.sub(as_cp1252, text), bad


def _as_western_european(raw: bytes) -> str | None:
    """cp1252 text, when every non-ASCII character it gives belongs to a served language."""
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return text if all(c.isascii() or c in _WESTERN for c in text) else None
