"""`summarize batch INPUT... --out FILE`: many documents, engines loaded once, sentences of
many documents batched together; resumable by id, one record per input, errors as records."""

from __future__ import annotations

import time
from pathlib import Path

import click

from summarize.cli.common import article_options, job_options, job_pipeline, notify, pipeline_options
from summarize.errors import SummarizeError
from summarize.notes import show_progress


class SomeRecordsFailed(SummarizeError):
    """Every record was processed, and some have an error instead of a result."""

    exit_code = 9


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--task", type=click.Choice(["article", "translate"]), default="article", show_default=True)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A .jsonl or .parquet file: one record per input (a run resumes from the ids already there).",
)
@click.option("--text-column", default="text", show_default=True, help="Tables (JSONL, CSV, Parquet): the text.")
@click.option("--id-column", default="id", show_default=True, help="Tables: the record's id (default: FILE:ROW).")
@click.option("--url-column", default=None, help="Tables: fetch each record's text from this column's URL instead.")
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True, help="Documents per shared batch.")
@click.option("--fresh", is_flag=True, help="Start over: discard the records already in --out.")
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="ray: the same records on Ray Data, a pool of actors each holding the engines (pip install 'summarize[ray]').",
)
@click.option("--ray-address", default=None, help="A running Ray cluster (default: start a local Ray).")
@click.option("--actors", type=click.IntRange(min=1), default=2, show_default=True, help="Ray actors, each with its own engines.")
@job_options
@article_options
def batch(inputs, task, out, text_column, id_column, url_column, batch_size, fresh, executor, ray_address, actors, **job) -> None:
    """Run `article` or `translate` on every INPUT: files, folders (.txt, .html, .md), globs, and
    JSONL, CSV or Parquet tables (one document per row). Exit 9 when some records failed (each
    carries its `error`, message and exit code)."""
    from summarize.batch_output import Output
    from summarize.corpus import Columns, records

    output = Output(out, fresh)
    columns = Columns(text=text_column, id=id_column or None, url=url_column)
    counts = {"done": 0, "skipped": 0, "failed": 0}
    started = time.perf_counter()
    if executor == "ray":
        from summarize.ray_executor import results

        counts["skipped"] = len(output.done)
        options = pipeline_options(**job)
        batches = results(list(inputs), columns, set(output.done), task, options, batch_size, actors, ray_address)
    else:
        # The ids done before this run: one seen again in this run is an error, not a skip.
        batches = _local(job_pipeline(**job), task, records(list(inputs), columns), batch_size, set(output.done), counts)
    with _progress() as bar:
        for rows in batches:
            output.append(rows)
            counts["failed"] += sum(row["error"] is not None for row in rows)
            counts["done"] += sum(row["error"] is None for row in rows)
            bar.update(len(rows))
    output.finish()
    seconds = time.perf_counter() - started
    processed = counts["done"] + counts["failed"]
    notify(
        f"{counts['done']} done, {counts['skipped']} skipped (already in {out}), {counts['failed']} failed; "
        f"{processed / seconds if seconds else 0:.2f} records/s"
    )
    if output.failed:
        raise SomeRecordsFailed(
            f"{len(output.failed)} record(s) in {out} failed ({counts['failed']} in this run); each has its error"
        )


def _local(pipeline, task: str, stream, batch_size: int, done: set, counts: dict):
    """The output records, a batch at a time, from this process."""
    run = pipeline.translations if task == "translate" else pipeline.articles
    for chunk in _chunks(stream, batch_size, done, counts):
        results = run([document for _, document in chunk], batch_size)
        yield [{"id": record_id, **_with_error(result)} for (record_id, _), result in zip(chunk, results)]


def _chunks(stream, size: int, done: set, counts: dict):
    """Chunks of `size` (id, document) pairs for the records not yet in the output; a document
    that cannot be read, or an id seen twice, is the error instead."""
    from summarize.errors import InputError, attempt

    seen: set = set()
    chunk: list = []
    for record in stream:
        if record.id in done:
            counts["skipped"] += 1
            continue
        document = attempt(record.read) if record.id not in seen else InputError(f"id {record.id!r} is used twice")
        seen.add(record.id)
        chunk.append((record.id, document))
        if len(chunk) == size:
            yield chunk
            chunk: list = []
    if chunk:
        yield chunk


def _with_error(result: dict) -> dict:
    return result if "error" in result else {**result, "error": None}


def _progress():
    from tqdm import tqdm

    return tqdm(desc="batch", unit="record", disable=not show_progress())
