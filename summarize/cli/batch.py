"""`summarize batch INPUT... --out FILE`: many documents, engines loaded once, sentences of
many documents batched together; resumable by id, one record per input, errors as records."""

from __future__ import annotations

import time
from pathlib import Path

import click

from summarize.cli.common import notify, options_of, pipeline_options
from summarize.core.options import fields
from summarize.documents import written_suffixes
from summarize.errors import OutputError, SummarizeError
from summarize.notes import show_progress
from summarize.output import same_file


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
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"--task translate: write each document file ({' '.join(written_suffixes())}) translated in its "
    "own format into this folder, as NAME.LANG.SUFFIX (its record still goes to --out).",
)
@click.option("--fresh", is_flag=True, help="Start over: discard the records already in --out.")
@click.option("--retry-failed", is_flag=True, help="Run again the records whose earlier result in --out is an error.")
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="ray: the same records on Ray Data, a pool of actors each holding the engines (pip install 'summarize[ray]').",
)
@click.option("--ray-address", default=None, help="A running Ray cluster (default: start a local Ray).")
@click.option("--actors", type=click.IntRange(min=1), default=2, show_default=True, help="Ray actors, each with its own engines.")
@options_of(
    *(spec.name for spec in fields()),
    helps={
        "strict": "A record whose fact check finds a number, date, name or quote its source does not hold, or a number "
        "the translation lost, is an error (exit code 10 in the record, with its fact check; its document not written)."
    },
)
def batch(
    inputs, task, out, text_column, id_column, url_column, batch_size, out_dir, fresh, retry_failed, executor,
    ray_address, actors, **job,
) -> None:  # fmt: skip
    """Run `article` or `translate` on every INPUT: files, folders (text and document files), globs, and
    JSONL, CSV or Parquet tables (one document per row). Exit 9 when some records failed (each
    carries its `error`, message and exit code)."""
    from summarize.corpora.inputs import Columns, input_files, records
    from summarize.corpora.output import Output

    documents = _documents_out(out_dir, task, executor, job.get("target", "en"))
    files = input_files(list(inputs))
    for path in files:
        if same_file(path, out):
            raise OutputError(f"--out {out} is also an input ({path}); give another file")
    if documents is not None:
        documents.check_apart(files)
    with Output(out, fresh, retry_failed) as output:
        columns = Columns(text=text_column, id=id_column or None, url=url_column)
        counts = {"done": 0, "skipped": 0, "failed": 0}
        started = time.perf_counter()
        if executor == "ray":
            from summarize.corpora.ray_executor import results

            counts["skipped"] = len(output.done)
            options = pipeline_options(**job)
            batches = results(list(inputs), columns, set(output.done), task, options, batch_size, actors, ray_address)
        else:
            from summarize.core.pipeline import Pipeline
            from summarize.corpora.local import results

            # The notes are said from the records, as for Ray (`_say_notes`), not by the Pipeline.
            pipeline = Pipeline(**pipeline_options(**job), progress=show_progress(), notify=lambda message: None)
            # The ids done before this run: one seen again in this run is an error, not a skip.
            batches = results(pipeline, task, records(list(inputs), columns), batch_size, set(output.done), counts, documents)
        said: set[str] = set()
        with _progress() as bar:
            for rows in batches:
                _say_notes(rows, said)
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


def _documents_out(out_dir: Path | None, task: str, executor: str, target: str):
    """Where translated documents go, checked before any work."""
    if out_dir is None:
        return None
    from summarize.corpora.local import DocumentsOut

    if task != "translate" or executor != "local":
        raise OutputError("--out-dir goes with --task translate on the local executor")
    from summarize.output import check_writable_folder

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"--out-dir {out_dir}: cannot be made ({exc.strerror or exc})") from None
    check_writable_folder(out_dir, "--out-dir")
    return DocumentsOut(out_dir, target)


def _say_notes(rows: list[dict], said: set[str]) -> None:
    """The notes of the records (whichever executor ran them), each distinct one said once."""
    for row in rows:
        for message in (row.get("metadata") or {}).get("notes", []):
            if message not in said:
                said.add(message)
                notify(message)


def _progress():
    from tqdm import tqdm

    return tqdm(desc="batch", unit="record", disable=not show_progress())
