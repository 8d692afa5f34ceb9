"""The records of `summarize batch`: files and folders (one document each), JSONL, CSV and
Parquet tables (one per row), read lazily, each with an id and a way to read its document that
fails on its own (bad encoding, blank, over the size limit) without stopping the others."""

from __future__ import annotations

import csv
import glob
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from summarize.documents import FORMATS
from summarize.errors import InputError, first_line
from summarize.limits import limit, limit_said
from summarize.text.document import Document


@dataclass(frozen=True)
class Columns:
    """Where a table's records keep their text (or URL) and id."""

    text: str = "text"
    id: str | None = "id"
    url: str | None = None


@dataclass(frozen=True)
class Record:
    """One input, as plain values (so that it can travel to another process): its id, and where
    its document is: a file or URL to read, text to take, or the reason it cannot be had."""

    id: str
    kind: str  # "source" (a file or URL), "text", or "error"
    value: str
    origin: str = ""

    def read(self) -> Document:
        """The document; a SummarizeError when it cannot be had."""
        from summarize.documents.readers import read_source

        if self.kind == "source":
            return read_source(self.value)
        if self.kind == "text":
            return _document(self.value, self.origin)
        raise InputError(self.value)


def input_files(inputs: list[str]) -> list[Path]:
    """The files behind the inputs: globs (quoted, so the shell left them) expanded, folders
    listed (their text and document files, sorted), in order."""
    files = []
    for given in inputs:
        matches = sorted(glob.glob(given, recursive=True)) if glob.has_magic(given) else [given]
        if not matches:
            raise InputError(f"{given}: no file matches")
        for match in map(Path, matches):
            if match.is_dir():
                files += sorted(p for p in match.rglob("*") if p.is_file() and _is_document(p))
            elif match.exists():
                files.append(match)
            else:
                raise InputError(f"{match}: no such file or folder")
    return files


def records(inputs: list[str], columns: Columns) -> Iterator[Record]:
    """Every record of every input, in order."""
    for path in input_files(inputs):
        yield from records_of(path, columns)


def records_of(path: Path, columns: Columns) -> Iterator[Record]:
    """A table's rows, or a document file as one record."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl(path, columns)
    elif suffix == ".csv":
        yield from _rows(path, _csv_rows(path), columns)
    elif suffix == ".parquet":
        yield from _rows(path, _parquet_rows(path), columns)
    else:
        yield _file_record(path)


def _file_record(path: Path) -> Record:
    return Record(str(path), "source", str(path))


def _jsonl(path: Path, columns: Columns) -> Iterator[Record]:
    with path.open(encoding="utf-8-sig", errors="replace") as handle:  # a byte-order mark is no text
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield _broken(f"{path}:{number}", f"not JSON ({exc.msg})")
                continue
            except RecursionError:
                yield _broken(f"{path}:{number}", "not read: JSON nested too deeply")
                continue
            if not isinstance(row, dict):
                yield _broken(f"{path}:{number}", "a record must be a JSON object")
                continue
            yield _row_record(path, number, row, columns)


def _csv_rows(path: Path) -> Iterator[dict]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        yield from csv.DictReader(handle)


def _parquet_rows(path: Path) -> Iterator[dict]:
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise InputError(f"{path}: not a readable Parquet file ({first_line(exc)})") from None
    for batch in table.iter_batches(batch_size=1024):
        yield from batch.to_pylist()


def _rows(path: Path, rows: Iterator[dict], columns: Columns) -> Iterator[Record]:
    for number, row in enumerate(rows, 1):
        yield _row_record(path, number, row, columns)


def _row_record(path: Path, number: int, row: dict, columns: Columns) -> Record:
    identifier = row.get(columns.id) if columns.id else None
    record_id = f"{path}:{number}" if identifier is None or identifier == "" else str(identifier)
    column = columns.url or columns.text
    value = row.get(column)
    if not isinstance(value, str):
        found = "missing" if value is None else f"a {type(value).__name__}, not text"
        return _broken(record_id, f"column '{column}' is {found}")
    if columns.url:
        return Record(record_id, "source", value)
    return Record(record_id, "text", value, f"{path}:{number}")


def _document(text: str, origin: str) -> Document:
    from summarize.documents.readers import document_from_text

    if len(text.encode("utf-8", errors="replace")) > int(limit("max_input_bytes")):
        raise InputError(f"{origin}: over {int(limit('max_input_bytes'))} bytes ({limit_said('max_input_bytes')})")
    return document_from_text(text, origin)


def _broken(record_id: str, why: str) -> Record:
    return Record(record_id, "error", f"{record_id}: {why}")


def _is_document(path: Path) -> bool:
    """A file read when its folder is given: plain text and every document format."""
    return path.suffix.lower() in FORMATS
