"""`summarize translate SOURCE --to LANG`: translation alone, paragraphs kept."""

from __future__ import annotations

import click

from summarize.cli.common import (
    announce_engines,
    as_json,
    common_options,
    emit,
    job_pipeline,
    options_of,
    read_document,
    source_options,
)


@click.command()
@source_options
@common_options
@options_of("translator", renamed={"translator": "--model"})
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "tsv"]),
    default="text",
    show_default=True,
    help="json and tsv carry the sentence alignment.",
)
def translate(location, literal, output, fmt, **job) -> None:
    """Translate SOURCE (a file, - for stdin, or an http(s) URL) into the target language."""
    document = read_document(location, literal)
    pipeline = job_pipeline(**job)
    result = pipeline.translate(document)
    announce_engines(result["metadata"])
    if fmt == "json":
        rendered = as_json(result)
    elif fmt == "tsv":
        rendered = "\n".join(
            f"{row['paragraph']}\t{_tsv(row['source'])}\t{_tsv(row['translation'])}" for row in result["alignment"]
        )
    else:
        rendered = "\n\n".join(result["paragraphs"])
    emit(rendered, output)


def _tsv(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())
