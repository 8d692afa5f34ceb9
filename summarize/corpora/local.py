"""`summarize batch --executor local`: the records in this process, a batch of documents at a time
through one Pipeline (its engines loaded once)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from summarize.corpora.inputs import Record
from summarize.errors import InputError, attempt


def results(pipeline, task: str, records: Iterable[Record], batch_size: int, done: set, counts: dict) -> Iterator[list[dict]]:
    """The output records, a batch at a time, in input order; ids in `done` are skipped (and
    counted), an id seen twice in this run is an error record."""
    run = pipeline.translations if task == "translate" else pipeline.articles
    for chunk in _chunks(records, batch_size, done, counts):
        outcomes = run([document for _, document in chunk], batch_size)
        yield [{"id": record_id, **_with_error(result)} for (record_id, _), result in zip(chunk, outcomes)]


def _chunks(records: Iterable[Record], size: int, done: set, counts: dict):
    """Chunks of `size` (id, document) pairs for the records not yet in the output; a document
    that cannot be read, or an id seen twice, is the error instead."""
    seen: set = set()
    chunk: list = []
    for record in records:
        if record.id in done:
            counts["skipped"] += 1
            continue
        document = attempt(record.read) if record.id not in seen else duplicate_id(record.id)
        seen.add(record.id)
        chunk.append((record.id, document))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def duplicate_id(record_id: str) -> InputError:
    """The error of a record whose id came before in the same run (both executors)."""
    return InputError(f"id {record_id!r} is used twice")


def _with_error(result: dict) -> dict:
    return result if "error" in result else {**result, "error": None}
