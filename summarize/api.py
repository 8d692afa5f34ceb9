"""The Python API: a `Pipeline` chooses and loads its engines once, then runs `article` and
`translate` on as many documents as it is given, returning what `--format json` prints.

    from summarize import Pipeline

    pipeline = Pipeline(to="en", length="short")
    result = pipeline.article("El Ayuntamiento aprobó ayer el presupuesto...")
    print(result["summary"], result["metadata"]["translator"]["engine"])
    for result in pipeline.articles(texts):          # sentences of many documents batched together
        print(result.get("error") or result["summary"])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from summarize.errors import SummarizeError, attempt
from summarize.jobs import Options, summarize_article, translate_document
from summarize.text.document import Document

# Documents run through one batch of shared engine calls (batching.py) in `articles` and
# `translations`: enough to fill the converted engines' batches of 16 sentences per core.
DOCUMENTS_PER_BATCH = 32


def as_document(document: str | Path | Document, origin: str = "<text>") -> Document:
    """Text, a file (a Path: text, HTML or any encoding the CLI reads), or a Document."""
    from summarize.text.readers import document_from_text, read_source

    if isinstance(document, Document):
        return document
    if isinstance(document, Path):
        return read_source(str(document))
    if isinstance(document, str):
        return document_from_text(document, origin)
    raise TypeError(f"a document is text, a Path or a Document, not {type(document).__name__}")


def error_record(error: SummarizeError) -> dict:
    """A failed document as a record: the one-line message and the exit code of its class."""
    return {"error": str(error), "error_class": type(error).__name__, "exit_code": error.exit_code}


class Pipeline:
    """The `article` and `translate` jobs with fixed options; the engines are chosen on first use
    and kept (with the same `auto` rule and fallbacks as the command line)."""

    def __init__(self, to: str = "en", *, notify: Callable[[str], None] | None = None, **options):
        """`options`: those of the jobs (summarize/jobs.py `Options`): source ("auto"), length
        ("medium"), order, engine ("auto"), translator, summarizer, device, length_factor,
        progress; `notify` receives the notes (fallbacks, runaways) the CLI prints on stderr."""
        self.options = Options(target=to, **options)
        self.notify = notify or (lambda message: None)

    def article(self, document: str | Path | Document) -> dict:
        """The summary of one document in the target language, with its metadata; raises a
        SummarizeError (with its exit code) when it cannot be done."""
        return summarize_article(as_document(document), self.options, self.notify)

    def translate(self, document: str | Path | Document) -> dict:
        """One document translated, paragraphs kept, with the sentence alignment."""
        return translate_document(as_document(document), self.options, self.notify)

    def articles(self, documents: Iterable, batch_size: int = DOCUMENTS_PER_BATCH) -> Iterator[dict]:
        """`article` on many documents, in order, their sentences batched together; a document
        that fails (or a SummarizeError given in its place) yields its error record
        (`error_record`) instead of stopping the rest."""
        return self._many(documents, "article", batch_size)

    def translations(self, documents: Iterable, batch_size: int = DOCUMENTS_PER_BATCH) -> Iterator[dict]:
        """`translate` on many documents, as `articles` does."""
        return self._many(documents, "translate", batch_size)

    def _many(self, documents: Iterable, task: str, batch_size: int) -> Iterator[dict]:
        pending: list = []
        for document in documents:
            pending.append(document)
            if len(pending) == batch_size:
                yield from self._run(pending, task)
                pending = []
        if pending:
            yield from self._run(pending, task)

    def _run(self, documents: list, task: str) -> Iterator[dict]:
        from summarize.batching import Batch

        read = [d if isinstance(d, SummarizeError) else attempt(lambda d=d: as_document(d)) for d in documents]
        done = iter(Batch(self.options, self.notify).run([d for d in read if isinstance(d, Document)], task))
        for document in read:
            outcome = document if isinstance(document, SummarizeError) else next(done)
            yield error_record(outcome) if isinstance(outcome, SummarizeError) else outcome
