"""Zipped XML documents (Word, PowerPoint, OpenDocument) opened safely and written back: the zip
bounded before anything is unpacked (size, entries, encryption, macros), each text part parsed
without entities or network, and every other entry copied as it was."""

from __future__ import annotations

import io
import shutil
import zipfile
import zlib
from dataclasses import dataclass

from summarize.documents.base import DocumentFile
from summarize.errors import InputError
from summarize.limits import limit, limit_said, mib

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Entries that hold macros (Office's VBA project, OpenDocument's Basic and scripts).
_MACROS = ("vbaProject.bin", "Basic/", "Scripts/")


def open_zip(data: bytes, origin: str, kind: str, suffix: str) -> zipfile.ZipFile:
    """The zip of a document, refused in one line when it is empty, another kind of file,
    password-protected, truncated, holds macros, or unpacks beyond the bounds."""
    if not data:
        raise InputError(f"{origin}: the file is empty")
    if data.startswith(b"%PDF"):
        raise InputError(f"{origin}: is a PDF, not a {kind} file")
    if data.startswith(_OLE):
        raise InputError(
            f"{origin}: is password-protected, or an old binary {kind} file; save it unprotected as {suffix} and try again"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise InputError(f"{origin}: not a {kind} file (not a zip, or truncated)") from None
    most = limit("max_document_entries")
    if len(entries) > most:
        raise InputError(f"{origin}: holds {len(entries):,} entries, over {most:,} ({limit_said('max_document_entries')})")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limit("max_unpacked_bytes"):
        raise InputError(
            f"{origin}: unpacks to {mib(unpacked)}, over {mib(limit('max_unpacked_bytes'))} "
            f"(a zip bomb, or too large; {limit_said('max_unpacked_bytes')})"
        )
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise InputError(f"{origin}: is password-protected; save it unprotected and try again")
    if any(entry.filename.endswith(_MACROS[0]) or entry.filename.startswith(_MACROS[1:]) for entry in entries):
        raise InputError(f"{origin}: holds macros, which are not read here; save it without macros ({suffix})")
    return archive


def read_entry(archive: zipfile.ZipFile, name: str, origin: str) -> bytes:
    """One entry unpacked (never beyond the size it declares), or a one-line error."""
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise InputError(f"{origin}: the entry {name} cannot be unpacked ({error}); the file is damaged") from None


def rewritten(archive: zipfile.ZipFile, replaced: dict[str, bytes]) -> bytes:
    """The zip again, entry by entry in its order, with the entries named in `replaced` holding
    their new bytes and every other one copied as it was; names, dates, compression and
    attributes kept (an EPUB's stored `mimetype` stays first and stored)."""
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w") as out:
        for entry in archive.infolist():
            copy = zipfile.ZipInfo(entry.filename, entry.date_time)
            copy.compress_type, copy.external_attr, copy.create_system = (
                entry.compress_type,
                entry.external_attr,
                entry.create_system,
            )
            if entry.filename in replaced:
                out.writestr(copy, replaced[entry.filename])
                continue
            with archive.open(entry) as source, out.open(copy, "w") as target:
                shutil.copyfileobj(source, target)
    return written.getvalue()


@dataclass
class ZippedDocument(DocumentFile):
    """A zip whose text parts are XML trees: the parts named by the format are parsed, the rest
    copied entry by entry, compression and dates kept."""

    archive: zipfile.ZipFile | None = None
    trees: dict | None = None
    #: For each unit, its runs' text slots: (element, "text" or "tail"), or (element, None) for
    #: an element that stands for a space.
    slots: list | None = None

    def rebuilt(self, texts: list[list[str]]) -> bytes:
        return rewritten(self.archive, self.written_entries(texts))

    def written_entries(self, texts: list[list[str]]) -> dict[str, bytes]:
        """The XML parts, with each unit's slots holding `texts[unit]`, as bytes by entry name."""
        from lxml import etree

        for unit, unit_slots, unit_texts in zip(self.units, self.slots, texts):
            if unit_texts == unit.texts:
                continue
            for (element, attribute), text in zip(unit_slots, unit_texts):
                if attribute is not None and (getattr(element, attribute) or "") != text:
                    setattr(element, attribute, text)
                    self.after_set(element, attribute, text)
            for element, attribute in unit_slots:
                if attribute is None:
                    self.fixed_in_changed(element)
            self.unit_written(unit_slots[0][0])
        replaced = {}
        for name, tree in self.trees.items():
            encoding, standalone = tree.docinfo.encoding or "UTF-8", tree.docinfo.standalone
            replaced[name] = etree.tostring(tree, xml_declaration=True, encoding=encoding, standalone=standalone)
        return replaced

    def after_set(self, element, attribute: str, text: str) -> None:
        """What a format does after a slot gets its text (Word marks spaces to be kept)."""

    def fixed_in_changed(self, element) -> None:
        """What a format does with a space element of a translated unit."""

    def unit_written(self, element) -> None:
        """What a format does once a unit holds its translation (`element`: its first slot's)."""
