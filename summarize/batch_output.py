"""Where `summarize batch` writes: one record per input, appended and flushed as each batch ends,
so that a killed run resumes by id with every record written once. JSONL is appended in place;
Parquet is gathered in a JSONL beside it and written once, under a temporary name renamed into
place, when the run ends (nested fields as JSON text, so that records of any shape share one
schema)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from summarize.errors import InputError, OutputError
from summarize.output import check_writable, write_atomically

FORMATS = {".jsonl": "jsonl", ".parquet": "parquet"}


class Output:
    """The output file of a batch run and the ids already in it."""

    def __init__(self, path: Path, fresh: bool = False):
        self.format = FORMATS.get(path.suffix.lower())
        if self.format is None:
            raise InputError(f"--out {path}: give a .jsonl or .parquet file")
        self.path = path
        self.log = path if self.format == "jsonl" else path.with_name(path.name + ".partial.jsonl")
        for target in {self.path, self.log}:
            check_writable(target)  # before any work
        if fresh:
            for stale in {self.path, self.log}:
                stale.unlink(missing_ok=True)
        if self.format == "parquet" and self.path.exists() and not self.log.exists():
            self._seed_from_parquet()
        written = self._read_log()
        self.done = {record["id"] for record in written}
        self.failed = {record["id"] for record in written if record.get("error") is not None}

    def _read_log(self) -> list[dict]:
        """The records written so far; a line a kill cut short is dropped from the file."""
        if not self.log.exists():
            return []
        lines = self.log.read_text(encoding="utf-8").splitlines()
        kept = []
        for line in lines:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and "id" in record:
                kept.append(record)
        if len(kept) != len(lines):
            write_atomically(self.log, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept))
        return kept

    def _seed_from_parquet(self) -> None:
        import pyarrow.parquet as pq

        rows = pq.read_table(self.path).to_pylist()
        write_atomically(self.log, "".join(json.dumps(_nested(r), ensure_ascii=False) + "\n" for r in rows))

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

        rows = [_flat(r) for r in self._read_log()]
        staging = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        pq.write_table(pa.Table.from_pylist(rows, schema=_schema(rows)), staging)
        os.replace(staging, self.path)
        self.log.unlink()


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


def _schema(rows: list[dict]):
    """One schema for every record: text columns, integer exit codes, lists of text."""
    import pyarrow as pa

    names = list(dict.fromkeys(key for row in rows for key in row))
    kinds = {"exit_code": pa.int64(), **{name: pa.list_(pa.string()) for name in _TEXT_LISTS}}
    return pa.schema([(name, kinds.get(name, pa.string())) for name in names])
