"""FreeDict's dictionaries (text/freedict.py) read as dictd writes them: a sorted index and a
dictzip text read one chunk at a time; and the fact check's German: what FreeDict says a
capitalised word means, a compound's parts and the numbers inside its words."""

from __future__ import annotations

import struct
import zlib

import pytest

from summarize.core.dictionaries import meanings
from summarize.text import freedict
from summarize.text.factcheck import check

_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _number(value: int) -> str:
    digits = ""
    while True:
        value, digit = divmod(value, 64)
        digits = _BASE64[digit] + digits
        if not value:
            return digits


def write_dictionary(folder, name: str, entries: list[tuple[str, str]], chunk_length: int = 64) -> None:
    """A dictd dictionary as dictfmt and dictzip write it: the entries' text compressed in chunks
    of `chunk_length` bytes each deflated on its own, and the index sorted by headword."""
    text, index = b"", []
    for headword, body in entries:
        entry = f"{headword}\n{body}\n".encode()
        index.append(f"{headword.lower()}\t{_number(len(text))}\t{_number(len(entry))}\n")
        text += entry
    chunks = []
    for start in range(0, len(text), chunk_length):
        compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        chunks.append(compressor.compress(text[start : start + chunk_length]) + compressor.flush(zlib.Z_FULL_FLUSH))
    table = struct.pack(f"<HHH{len(chunks)}H", 1, chunk_length, len(chunks), *map(len, chunks))
    extra = b"RA" + struct.pack("<H", len(table)) + table
    header = b"\x1f\x8b\x08\x04" + b"\0" * 4 + b"\x02\x03" + struct.pack("<H", len(extra)) + extra
    (folder / f"{name}.dict.dz").write_bytes(header + b"".join(chunks))
    (folder / f"{name}.index").write_text("".join(sorted(index, key=lambda line: line.split("\t")[0])), encoding="utf-8")


@pytest.fixture
def german(tmp_path, monkeypatch):
    entries = [
        ("earth", "Bau <masc> [zool.]\n   Note: of a burrowing animal"),
        ("Earth", "Erde <fem> [astron.]\n see: {Earth Day}"),
        ("minister", 'Minister <masc>, Ministerin <fem> [pol.]\n      "minister without portfolio"  - Minister ohne'),
        ("navy", "1. Marine <fem> [mil.]\n2. Kriegsflotte <fem>"),
        ("world", "Welt <fem>"),
        ("zebra", "Zebra <neut>"),
    ]
    write_dictionary(tmp_path, "freedict-eng-deu", entries)
    monkeypatch.setattr(freedict, "FOLDER", tmp_path)
    monkeypatch.setattr(freedict, "_kept", {})
    freedict._dictionary.cache_clear()
    yield
    freedict._dictionary.cache_clear()


def test_a_word_s_translations_are_read_from_its_entries_across_chunks(german):
    found = freedict.meanings(["Earth", "Navy", "Minister", "Worlds", "Cairo"], "en", "de")
    assert found["Earth"] == {"erde", "bau"}  # both entries, labels and notes dropped
    assert found["Navy"] == {"marine", "kriegsflotte"}  # numbered senses
    assert found["Minister"] == {"minister", "ministerin"}  # not the example's words
    assert found["Worlds"] == {"welt"}  # a plural by its singular's entry
    assert found["Cairo"] == frozenset()  # not in the dictionary
    assert freedict.meanings(["Navy"], "en", "it") == {}  # no dictionary of the pair installed


def test_a_german_source_supports_a_capitalised_word_by_its_meaning_and_a_compound_s_parts(german):
    def unsupported(output: str, source: str) -> list:
        return check(output, "en", [(source, "de")], True, dictionary=meanings)["unsupported"]

    source = "Der Gesundheitsminister sprach am Mittwochnachmittag über die Marine der Welt."
    assert unsupported("On Wednesday afternoon, the Minister spoke about the Navy of the World.", source) == []
    # A name swapped in stays unsupported, however many parts the source's compounds have.
    swapped = unsupported("On Wednesday afternoon, Minister Tokyo spoke about the Navy of the Earth.", source)
    assert swapped == [("Tokyo", "name"), ("Earth", "name")]
    assert unsupported("On Thursday afternoon, the Minister spoke.", source) == [("Thursday", "date")]
    # The dictionary's meaning is of the source's words, not of any word: "Earth" is "Erde".
    assert unsupported("The Minister spoke about the Earth.", "Der Minister sprach über die Erde.") == []


@pytest.mark.parametrize(
    ("source", "output", "unsupported"),
    [
        ("Die Preise sind zehnmal so hoch.", "Prices are ten times as high.", []),
        ("Allens achtjährige Suche endet.", "Allen's eight-year search ends.", []),
        ("Während seiner zweistündigen Rede.", "During his 2 hour speech.", []),
        ("Allens achtjährige Suche endet.", "Allen's nine-year search ends.", [("nine", "number")]),
    ],
)
def test_a_number_inside_a_german_compound_supports_the_translation_s(source, output, unsupported):
    assert check(output, "en", [(source, "de")], True)["unsupported"] == unsupported


def test_a_damaged_dictionary_gives_nothing_and_no_error(tmp_path, monkeypatch):
    write_dictionary(tmp_path, "freedict-eng-deu", [("navy", "Marine <fem>")])
    data = tmp_path / "freedict-eng-deu.dict.dz"
    whole = data.read_bytes()
    header = 12 + struct.unpack("<H", whole[10:12])[0]
    data.write_bytes(whole[:header] + b"\xff" * (len(whole) - header))  # no deflate stream left
    (tmp_path / "freedict-eng-ita.index").write_text("navy\t!!\tB\n", encoding="utf-8")  # no base64 offset
    (tmp_path / "freedict-eng-ita.dict.dz").write_bytes(data.read_bytes())
    monkeypatch.setattr(freedict, "FOLDER", tmp_path)
    monkeypatch.setattr(freedict, "_kept", {})
    freedict._dictionary.cache_clear()
    try:
        assert freedict.meanings(["Navy"], "en", "de") == {"Navy": frozenset()}
        assert freedict.meanings(["Navy"], "en", "it") == {"Navy": frozenset()}
    finally:
        freedict._dictionary.cache_clear()
