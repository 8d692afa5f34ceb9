"""`summarize article SOURCE`: detect, translate if needed, summarise."""

from __future__ import annotations

import sys

import click

from summarize.cli.common import (
    announce_engines,
    as_json,
    emit,
    job_options,
    job_pipeline,
    notify,
    read_document,
    source_options,
)
from summarize.output import write_stdout


@click.command()
@source_options
@job_options("article")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "brief", "brief-json"]),
    default="text",
    show_default=True,
    help="brief: a page for a journalist (points citing their sentences, quotes with speakers, names, numbers and "
    "dates), in Markdown; brief-json: the result with its brief, as JSON (both imply --brief).",
)
def article(location, literal, output, fmt, **job) -> None:
    """Summarise SOURCE (a file, - for stdin, or an http(s) URL) in the target language."""
    job["brief"] = job["brief"] or fmt.startswith("brief")
    document = read_document(location, literal)
    streamed = _Streamed() if fmt == "text" and output is None and sys.stdout.isatty() and not job["strict"] else None
    pipeline = job_pipeline(**job, stream=streamed)
    result = pipeline.article(document)
    if streamed and streamed.said:
        streamed.finish(result["summary"])
    announce_engines(result["metadata"])
    if streamed and streamed.said:
        return
    rendered = {"text": lambda r: r["summary"], "json": as_json, "markdown": _markdown, "brief": _brief, "brief-json": as_json}[
        fmt
    ](result)
    emit(rendered, output)


class _Streamed:
    """A chat model's summary printed as it is generated (on a terminal, as text); whitespace at
    either end is held back, as the final summary has none."""

    def __init__(self):
        self.said = ""
        self.held = ""

    def __call__(self, text: str) -> None:
        text = self.held + text if self.said else text.lstrip()
        shown = text.rstrip()
        self.held = text[len(shown) :]
        if shown:
            write_stdout(shown)
            self.said += shown

    def finish(self, summary: str) -> None:
        """The line ended; anything the final text holds beyond what was streamed, added. A final
        text that does not begin with what was streamed (a cleaned-up answer) is printed whole."""
        if summary.startswith(self.said):
            write_stdout(summary[len(self.said) :] + "\n")
        else:
            notify("the streamed text differs from the final summary, which follows")
            write_stdout("\n" + summary + "\n")


def _brief(result: dict) -> str:
    from summarize.text.brief import markdown

    return markdown(result["brief"], result["metadata"])


def _markdown(result: dict) -> str:
    meta = result["metadata"]
    return "\n".join(
        [
            f"## {result['headline'] or 'Summary of ' + meta['source']}",
            "",
            result["summary"],
            "",
            f"*{meta['languages']['source']} → {meta['languages']['target']}; "
            f"translator {meta['translator']['alias']} ({meta['translator']['engine']}), "
            f"summariser {meta['summarizer']['alias']} ({meta['summarizer']['engine']})*",
        ]
    )
