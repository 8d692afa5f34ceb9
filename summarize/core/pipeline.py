"""The Python API: a `Pipeline` holds its options and its engines (chosen and loaded once), then
runs `article` and `translate` on as many documents as it is given, returning what
`--format json` prints.

    from summarize import Pipeline

    pipeline = Pipeline(to="en", length="short")
    result = pipeline.article("El Ayuntamiento aprobó ayer el presupuesto...")
    print(result["summary"], result["metadata"]["translator"]["engine"], result["metadata"]["notes"])
    for result in pipeline.articles(texts):          # sentences of many documents batched together
        print(result.get("error") or result["summary"])

Notes (a fallback, runaway translations) are in each result's `metadata.notes`; each distinct one
is also said once per Pipeline: to `notify` when one is given, else on the `summarize.pipeline`
logger (level WARNING).
"""

from __future__ import annotations

import copy
import dataclasses
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from summarize.core.engines import Engines
from summarize.core.jobs import submit
from summarize.core.options import Options
from summarize.core.records import Job
from summarize.errors import SummarizeError, attempt
from summarize.text.document import Document

# Documents run through one batch of shared engine calls in `articles` and `translations`:
# enough to fill the converted engines' batches of 16 sentences per core.
DOCUMENTS_PER_BATCH = 32
log = logging.getLogger("summarize.pipeline")


def as_document(document: str | Path | Document, origin: str = "<text>") -> Document:
    """Text, a file (a Path: text, HTML or any encoding the CLI reads), or a Document."""
    from summarize.documents.readers import document_from_text, read_source

    if isinstance(document, Document):
        return document
    if isinstance(document, Path):
        return read_source(str(document))
    if isinstance(document, str):
        return document_from_text(document, origin)
    raise TypeError(f"a document is text, a Path or a Document, not {type(document).__name__}")


def error_record(error: SummarizeError) -> dict:
    """A failed document as a record: the one-line message and the exit code of its class (and
    under strictness, what the fact check found)."""
    found = getattr(error, "fact_check", None)
    record = {"error": str(error), "error_class": type(error).__name__, "exit_code": error.exit_code}
    return {**record, "fact_check": found} if found is not None else record


class Pipeline:
    """The `article` and `translate` jobs with fixed options, and the engines they use (chosen on
    first use, with the same `auto` rule and fallbacks as the command line, and kept)."""

    def __init__(
        self,
        to: str = "en",
        *,
        notify: Callable[[str], None] | None = None,
        engines: Engines | None = None,
        progress: bool = False,
        stream: Callable[[str], None] | None = None,
        one_shot: bool = False,
        **options,
    ):
        """`options`: those of summarize/core/options.py `Options`: source ("auto"), length
        ("medium"), order, engine ("auto"), translator, summarizer, device, length_factor,
        glossary, alternatives (0), strict (a result whose fact check found anything raises a
        FactCheckError, or is its error record). `engines`: an engines holder to share (or
        fakes, in tests); `notify` gets each distinct note once (else the logger does);
        `progress` shows progress bars; `stream` gets a chat model's summary as it is generated;
        `one_shot`: this Pipeline runs the process's one job, and the language models are given
        back once it has detected."""
        self.options = Options(target=to, **options)
        self.engines = engines or Engines(self.options, one_shot=one_shot)
        self.notify = notify
        self.progress = progress
        self.stream = stream
        self._said: set[str] = set()

    def article(self, document: str | Path | Document) -> dict:
        """The summary of one document in the target language, with its metadata; raises a
        SummarizeError (with its exit code) when it cannot be done."""
        return self._one(document, "article")

    def translate(self, document: str | Path | Document) -> dict:
        """One document translated, paragraphs kept, with the sentence alignment."""
        return self._one(document, "translate")

    def articles(self, documents: Iterable, batch_size: int = DOCUMENTS_PER_BATCH) -> Iterator[dict]:
        """`article` on many documents, in order, their sentences batched together; a document
        that fails (or a SummarizeError given in its place) yields its error record
        (`error_record`) instead of stopping the rest."""
        return self._many(documents, "article", batch_size)

    def translations(self, documents: Iterable, batch_size: int = DOCUMENTS_PER_BATCH) -> Iterator[dict]:
        """`translate` on many documents, as `articles` does."""
        return self._many(documents, "translate", batch_size)

    def run(self, documents: list[Document], task: str) -> list[dict | SummarizeError]:
        """One batch of documents through `task` ("article" or "translate"): each one's result
        or error, in order; notes said."""
        jobs = [Job(task, document, self.options) for document in documents]
        outcomes = submit(jobs, self.engines, self.progress, self.stream)
        for outcome in outcomes:
            if not isinstance(outcome, SummarizeError):
                self.say(outcome.notes)
        return [outcome if isinstance(outcome, SummarizeError) else outcome.record() for outcome in outcomes]

    def varied(self, **changes) -> Pipeline:
        """A Pipeline of the same engines, its request options changed (`source`, `strict`...)."""
        if not changes:
            return self
        sibling = copy.copy(self)
        sibling.options = dataclasses.replace(self.options, **changes)
        return sibling

    def say(self, notes: list[str]) -> None:
        """Each note not said before by this Pipeline, to `notify` or the logger."""
        for message in notes:
            if message not in self._said:
                self._said.add(message)
                if self.notify is not None:
                    self.notify(message)
                else:
                    log.warning(message)

    def _one(self, document, task: str) -> dict:
        outcome = self.run([as_document(document)], task)[0]
        if isinstance(outcome, SummarizeError):
            raise outcome
        return outcome

    def _many(self, documents: Iterable, task: str, batch_size: int) -> Iterator[dict]:
        pending: list = []
        for document in documents:
            pending.append(document)
            if len(pending) == batch_size:
                yield from self._batch(pending, task)
                pending = []
        if pending:
            yield from self._batch(pending, task)

    def _batch(self, documents: list, task: str) -> Iterator[dict]:
        read = [d if isinstance(d, SummarizeError) else attempt(lambda d=d: as_document(d)) for d in documents]
        done = iter(self.run([d for d in read if isinstance(d, Document)], task))
        for document in read:
            outcome = document if isinstance(document, SummarizeError) else next(done)
            yield error_record(outcome) if isinstance(outcome, SummarizeError) else outcome
