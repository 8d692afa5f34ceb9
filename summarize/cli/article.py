"""`summarize article SOURCE`: detect, translate if needed, summarise."""

from __future__ import annotations

import click

from summarize.cli.common import (
    LENGTH_HELP,
    Length,
    announce_engines,
    as_json,
    common_options,
    emit,
    notify,
    read_document,
    source_options,
)
from summarize.notes import show_progress


@click.command()
@source_options
@common_options
@click.option("--length", type=Length(), default="medium", show_default=True, help=LENGTH_HELP)
@click.option(
    "--order",
    type=click.Choice(["translate-first", "summarize-first"]),
    default="translate-first",
    show_default=True,
    help="summarize-first summarises in the source language, then translates the summary.",
)
@click.option(
    "--translator",
    envvar="SUMMARIZE_TRANSLATOR",
    default=None,
    help="Translation model: alias, hub id or local folder [env SUMMARIZE_TRANSLATOR].",
)
@click.option(
    "--summarizer",
    envvar="SUMMARIZE_SUMMARIZER",
    default=None,
    help="Summarisation model: alias, hub id or local folder [env SUMMARIZE_SUMMARIZER].",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def article(
    source, literal, target, from_lang, engine, device, length_factor, output, length, order, translator, summarizer, fmt
) -> None:
    """Summarise SOURCE (a file, - for stdin, or an http(s) URL) in the target language."""
    from summarize.jobs import Options, summarize_article

    document = read_document(source, literal)
    options = Options(
        target=target,
        source=from_lang,
        length=length,
        order=order,
        engine=engine,
        translator=translator,
        summarizer=summarizer,
        device=device,
        progress=show_progress(),
        length_factor=length_factor,
    )
    result = summarize_article(document, options, notify)
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
