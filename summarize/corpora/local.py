"""`summarize batch --executor local`: the records in this process, a batch of documents at a time
through one Pipeline (its engines loaded once)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from summarize.corpora.inputs import Record
from summarize.errors import InputError, OutputError, SummarizeError, attempt


def results(
    pipeline, task: str, records: Iterable[Record], batch_size: int, done: set, counts: dict, documents=None
) -> Iterator[list[dict]]:  # fmt: skip
    """The output records, a batch at a time, in input order; ids in `done` are skipped (and
    counted), an id seen twice in this run is an error record. With `documents` (DocumentsOut), a document
    file (.docx, .srt, ...) is translated in its own format into that folder, its record beside."""
    run = pipeline.translations if task == "translate" else pipeline.articles
    for chunk in _chunks(records, batch_size, done, counts):
        in_format = [documents is not None and documents.takes(record_id) for record_id, _ in chunk]
        outcomes = iter(run([document for (_, document), own in zip(chunk, in_format) if not own], batch_size))
        yield [
            {"id": record_id, **_with_error(documents.translate(record_id, pipeline) if own else next(outcomes))}
            for (record_id, _), own in zip(chunk, in_format)
        ]


class DocumentsOut:
    """`batch --task translate --out-dir DIR`: each document file translated into DIR as
    NAME.TARGET.SUFFIX, written atomically; two inputs of one name are an error, not a loss."""

    def __init__(self, folder: Path, target: str):
        self.folder, self.target = folder, target
        self.written: set[Path] = set()

    def path_for(self, source: Path) -> Path:
        return self.folder / f"{source.stem}.{self.target}{source.suffix}"

    def check_apart(self, inputs: list[Path]) -> None:
        """Refuse, before any work, a folder that holds an input (a translation written there
        would be an input of the next run, or replace one of this run's)."""
        folder = self.folder.resolve()
        for path in inputs:
            if path.resolve().is_relative_to(folder):
                raise OutputError(f"--out-dir {self.folder} holds an input ({path}); give a folder apart from the inputs")

    def takes(self, record_id: str) -> bool:
        from summarize.documents import format_of

        file_format = format_of(record_id)
        return file_format is not None and file_format.read is not None and Path(record_id).is_file()

    def translate(self, record_id: str, pipeline) -> dict:
        from summarize.core.pipeline import error_record
        from summarize.documents import open_document
        from summarize.documents.translation import translate_document
        from summarize.output import write_atomically

        path = self.path_for(Path(record_id))

        def step():
            if path in self.written:
                raise InputError(f"{record_id}: another input was already written as {path}; rename one")
            document, file_format = open_document(record_id)
            data, result = translate_document(document, pipeline, file_format.name)
            write_atomically(path, data)
            self.written.add(path)
            result["metadata"]["document"]["written"] = str(path)
            return result

        outcome = attempt(step)
        return error_record(outcome) if isinstance(outcome, SummarizeError) else outcome


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
