"""What a word means in another language, from FreeDict's bilingual dictionaries as Debian installs
them (`dict-freedict-eng-deu` and the like, dictd's format under /usr/share/dictd): "earth": erde,
"navy": marine, kriegsmarine. The fact check asks it where Apertium has no pair (German) and
beside Apertium's dictionaries where it has one. A word is looked up by a binary search of the
sorted index and one compressed chunk of the dictionary read, so memory stays small and no
dictionary is read whole (benchmarks/factcheck.py)."""

from __future__ import annotations

import functools
import mmap
import re
import struct
import threading
import zlib
from pathlib import Path

from summarize.text.factcheck import LETTERS, PLURAL
from summarize.text.plain import plain

FOLDER = Path("/usr/share/dictd")
#: Words looked up and kept per process, past which the kept ones are forgotten.
MOST_WORDS_KEPT = 50_000
_BASE64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
#: Lines of an entry that give no translation: notes, examples, synonyms, cross-references.
_NOT_A_TRANSLATION = re.compile(r'^(?:see:|note:|synonyms?:|"|\d+\.\s*$)', re.IGNORECASE)
#: Labels inside a translation: gender, part of speech, field, usage, comments.
_LABELS = re.compile(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}")
_NUMBERED = re.compile(r"^\d+\.\s+")
_kept: dict[tuple[str, str, str], frozenset[str]] = {}
_lock = threading.Lock()


def meanings(words: list[str], source: str, target: str) -> dict[str, frozenset[str]]:
    """The translations FreeDict lists for each word of `source` in `target`, plain and lower
    case (a translation of several words by its longest); a plural looked up as its singular
    where the plural has no entry. Nothing where no dictionary of the pair is installed."""
    book = _dictionary(_iso3(source), _iso3(target))
    if book is None:
        return {}
    found = {}
    for word in words:
        key = (source, target, word)
        if key not in _kept:
            with _lock:
                if len(_kept) > MOST_WORDS_KEPT:
                    _kept.clear()
                headword = word.lower()
                try:
                    entries = book.entries(headword) or book.entries(PLURAL.sub("", headword))
                except (OSError, KeyError, zlib.error):  # a damaged file: nothing from it
                    entries = []
                _kept[key] = frozenset(t for entry in entries for t in _translations(entry))
        found[word] = _kept[key]
    return found


def _translations(entry: str) -> list[str]:
    """The translations an entry gives: the lines after its headword that are not notes, examples
    or references, split at commas and semicolons, labels dropped."""
    found = []
    for line in entry.splitlines()[1:]:
        line = _NUMBERED.sub("", line.strip())
        if not line or _NOT_A_TRANSLATION.match(line):
            continue
        for part in re.split(r"[,;]", _LABELS.sub(" ", line)):
            words = LETTERS.findall(plain(part))
            if words:
                found.append(max(words, key=len))
    return found


def _iso3(language: str) -> str:
    from lingua import IsoCode639_1, Language

    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(language)).iso_code_639_3.name.lower()
    except ValueError:
        return language


@functools.cache
def _dictionary(source: str, target: str) -> Dictzip | None:
    index, data = FOLDER / f"freedict-{source}-{target}.index", FOLDER / f"freedict-{source}-{target}.dict.dz"
    if not (index.is_file() and data.is_file()):
        return None
    try:
        return Dictzip(index, data)
    except (OSError, ValueError):
        return None


class Dictzip:
    """A dictd dictionary: an index of (headword, offset, length) lines sorted by headword in
    lower case, and the text, compressed in chunks that are read on their own (dictzip)."""

    def __init__(self, index: Path, data: Path):
        with index.open("rb") as file:
            self.index = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        self.data = data.open("rb")
        self.chunk_length, self.chunk_offsets = _chunks(self.data)

    def entries(self, headword: str) -> list[str]:
        """The text of every entry of `headword` (lower case)."""
        wanted = headword.encode().lower()
        # The first byte whose line's headword is not before `wanted`: a binary search of bytes.
        low, high = 0, len(self.index)
        while low < high:
            middle = (low + high) // 2
            if self._headword(self._line_start(middle)) < wanted:
                low = middle + 1
            else:
                high = middle
        start, found = self._line_start(low), []
        while start < len(self.index):
            end = self.index.find(b"\n", start)
            end = len(self.index) if end < 0 else end
            word, _, place = self.index[start:end].decode("utf-8", "replace").partition("\t")
            if word.lower() != headword:
                break
            offset, _, length = place.partition("\t")
            found.append(self._read(_number(offset), _number(length)))
            start = end + 1
        return found

    def _line_start(self, position: int) -> int:
        return self.index.rfind(b"\n", 0, position) + 1

    def _headword(self, start: int) -> bytes:
        end = self.index.find(b"\t", start)
        return self.index[start : end if end >= 0 else len(self.index)].lower()

    def _read(self, offset: int, length: int) -> str:
        """`length` bytes of the text from `offset`: the chunks that hold them, inflated."""
        first, last = offset // self.chunk_length, (offset + length - 1) // self.chunk_length
        text = b""
        for chunk in range(first, min(last, len(self.chunk_offsets) - 2) + 1):
            self.data.seek(self.chunk_offsets[chunk])
            text += zlib.decompressobj(-zlib.MAX_WBITS).decompress(
                self.data.read(self.chunk_offsets[chunk + 1] - self.chunk_offsets[chunk])
            )
        start = offset - first * self.chunk_length
        return text[start : start + length].decode("utf-8", "replace")


def _number(text: str) -> int:
    value = 0
    for character in text:
        value = value * 64 + _BASE64[character]
    return value


def _chunks(data) -> tuple[int, list[int]]:
    """A dictzip file's chunk length and each chunk's offset in the file (the gzip header's RA
    field), the end of the last one included."""
    header = data.read(10)
    if header[:3] != b"\x1f\x8b\x08" or not header[3] & 4:
        raise ValueError("not a dictzip file")
    extra = data.read(struct.unpack("<H", data.read(2))[0])
    if extra[:2] != b"RA":
        raise ValueError("no dictzip chunk table")
    _, chunk_length, count = struct.unpack("<HHH", extra[4:10])
    sizes = struct.unpack(f"<{count}H", extra[10 : 10 + 2 * count])
    for flag in (8, 16):  # the file's name, a comment: both end at a zero byte
        if header[3] & flag:
            while data.read(1) not in (b"\0", b""):
                pass
    position = data.tell() + (2 if header[3] & 2 else 0)
    offsets = [position]
    for size in sizes:
        offsets.append(offsets[-1] + size)
    return chunk_length, offsets
