"""Where `summarize batch` writes: one record per input, appended and flushed as each batch ends,
so that a killed run resumes by id with every record written once. JSONL is appended in place;
Parquet is gathered in a JSONL beside it and written once, under a temporary name renamed into
place, when the run ends (nested fields as JSON text, so that records of any shape share one
schema)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from summarize.errors import InputError, OutputError
from summarize.output import check_writable, lock_for_writing

FORMATS = {".jsonl": "jsonl", ".parquet": "parquet"}
# Records per Parquet row group written, and per batch read back: memory stays bounded.
ROWS_PER_WRITE = 10_000


class Output:
    """The output file of a batch run and the ids already in it; one run at a time writes it
    (a lock beside it, `.NAME.lock`)."""

    def __init__(self, path: Path, fresh: bool = False, retry_failed: bool = False):
        self.format = FORMATS.get(path.suffix.lower())
        if self.format is None:
            raise InputError(f"--out {path}: give a .jsonl or .parquet file")
        self.path = path
        self.log = path if self.format == "jsonl" else path.with_name(path.name + ".partial.jsonl")
        for target in {self.path, self.log}:
            check_writable(target)  # before any work
        self._lock = lock_for_writing(
            path.with_name(f".{path.name}.lock"), f"{path}: another batch is writing it; wait for it, or give another --out"
        )
        if fresh:
            for stale in {self.path, self.log}:
                stale.unlink(missing_ok=True)
        if self.format == "parquet" and self.path.exists() and not self.log.exists():
            self._seed_from_parquet()
        if retry_failed and any(record.get("error") is not None for record in self._records()):
            self._rewrite(json.dumps(r, ensure_ascii=False) + "\n" for r in list(self._records()) if r.get("error") is None)
        self.done: set = set()
        self.failed: set = set()
        for record in self._records():
            self.done.add(record["id"])
            if record.get("error") is not None:
                self.failed.add(record["id"])

    def __enter__(self) -> Output:
        return self

    def __exit__(self, *exc) -> None:
        self._lock.close()  # the next run, in this process or another, may write

    def _records(self) -> Iterator[dict]:
        """The records written so far, read a line at a time; a line a kill cut short is dropped
        from the file first."""
        if not self.log.exists():
            return
        if any(_parsed(line) is None or not line.endswith("\n") for line in _lines(self.log)):
            # A line cut short, or a whole record whose newline the kill kept from the file.
            self._rewrite(line.rstrip("\n") + "\n" for line in _lines(self.log) if _parsed(line) is not None)
        for line in _lines(self.log):
            yield _parsed(line)

    def _rewrite(self, lines: Iterable[str]) -> None:
        """The log replaced whole by `lines`, through a temporary file and a rename."""
        staging = self.log.with_name(f".{self.log.name}.{os.getpid()}.tmp")
        with staging.open("w", encoding="utf-8") as handle:
            handle.writelines(lines)
        os.replace(staging, self.log)

    def _seed_from_parquet(self) -> None:
        import pyarrow.parquet as pq

        batches = pq.ParquetFile(self.path).iter_batches(batch_size=ROWS_PER_WRITE)
        self._rewrite(json.dumps(_nested(row), ensure_ascii=False) + "\n" for batch in batches for row in batch.to_pylist())

    def append(self, records: list[dict]) -> None:
        try:
            with self.log.open("a", encoding="utf-8") as handle:
                handle.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise OutputError(f"{self.log}: cannot be written ({exc.strerror})") from None
        self.done.update(r["id"] for r in records)
        self.failed.update(r["id"] for r in records if r.get("error") is not None)

    def finish(self) -> None:
        """Parquet: every record into the final file, renamed into place; the gathering JSONL goes."""
        if self.format != "parquet":
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        names = list(dict.fromkeys(key for record in self._records() for key in record))
        schema = _schema(names)
        staging = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with pq.ParquetWriter(staging, schema) as writer:
            rows: list[dict] = []
            for record in self._records():
                rows.append(_flat(record))
                if len(rows) == ROWS_PER_WRITE:
                    writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                    rows = []
            if rows or not names:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        os.replace(staging, self.path)
        self.log.unlink()


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as handle:
        yield from handle


def _parsed(line: str) -> dict | None:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return None
    return record if isinstance(record, dict) and "id" in record else None


# Fields kept as columns of their own type in Parquet; any other nested value is JSON text.
_TEXT_LISTS = ("paragraphs",)


def _flat(record: dict) -> dict:
    return {
        key: json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) and key not in _TEXT_LISTS else value
        for key, value in record.items()
    }


def _nested(row: dict) -> dict:
    return {
        key: json.loads(value) if key in ("metadata", "alignment") and isinstance(value, str) else value
        for key, value in row.items()
    }


def _schema(names: list[str]):
    """One schema for every record: text columns, integer exit codes, lists of text."""
    import pyarrow as pa

    kinds = {"exit_code": pa.int64(), **{name: pa.list_(pa.string()) for name in _TEXT_LISTS}}
    return pa.schema([(name, kinds.get(name, pa.string())) for name in names])
