"""`summarize article SOURCE`: detect, translate if needed, summarise."""

from __future__ import annotations

import click

from summarize.cli.common import (
    announce_engines,
    article_options,
    as_json,
    common_options,
    emit,
    job_pipeline,
    read_document,
    source_options,
)


@click.command()
@source_options
@common_options
@article_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def article(source, literal, output, fmt, **job) -> None:
    """Summarise SOURCE (a file, - for stdin, or an http(s) URL) in the target language."""
    document = read_document(source, literal)
    pipeline = job_pipeline(**job)
    result = pipeline.article(document)
    announce_engines(result["metadata"])
    rendered = {"text": lambda r: r["summary"], "json": as_json, "markdown": _markdown}[fmt](result)
    emit(rendered, output)


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
