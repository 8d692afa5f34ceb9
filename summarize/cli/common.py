"""Options shared by commands, and writing results."""

from __future__ import annotations

import json
from pathlib import Path

import click

from summarize.engines.table import engine_choices
from summarize.notes import VERBOSE, note, show_progress
from summarize.output import check_writable, write_atomically, write_stdout

LANGUAGE_HELP = "ISO 639-1 code (en, es, fr, de, it, pt)"


def notify(message: str) -> None:
    """A note for the user on stderr, never mixed into the output (silent with -q)."""
    note(message)


def _apply(options: list, function):
    for option in reversed(options):
        function = option(function)
    return function


def common_options(function):
    """--from, --to, --engine, --device, --max-length-factor and -o, shared by `article` and `translate`."""
    return _apply([*_job_options(), _output_option()], function)


def job_options(function):
    """The options of the jobs without -o (`batch` writes to --out)."""
    return _apply(_job_options(), function)


def _job_options() -> list:
    return [
        click.option("--to", "target", default="en", show_default=True, help=f"Target language, {LANGUAGE_HELP}."),
        click.option(
            "--from",
            "from_lang",
            default="auto",
            show_default=True,
            help=f"Source language, {LANGUAGE_HELP}, or auto to detect it.",
        ),
        click.option(
            "--engine",
            type=click.Choice(engine_choices()),
            default="auto",
            show_default=True,
            help="Force an engine for the steps it can do; auto picks local models, else fallbacks.",
        ),
        click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True),
        click.option(
            "--max-length-factor",
            "length_factor",
            type=click.FloatRange(min=0, min_open=True),
            default=None,
            help="Translation output at most this times its source in tokens, plus the card's offset "
            "(default: the card's, else 2).",
        ),
    ]


def pipeline_options(target: str, from_lang: str, **job) -> dict:
    """The Pipeline's options from a command's job options (click's names)."""
    return {"to": target, "source": from_lang, **job}


def job_pipeline(stream=None, **job):
    """The Pipeline of a command's job options, its notes on stderr, progress bars on a terminal;
    `stream` gets a chat model's summary as it is generated."""
    from summarize.api import Pipeline

    return Pipeline(**pipeline_options(**job), notify=notify, progress=show_progress(), stream=stream)


def _output_option():
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        default=None,
        callback=checked_output,
        help="Write the result to this file instead of stdout (replaced whole, or left as it was).",
    )


def article_options(function):
    """--length, --order, --translator and --summarizer of the `article` job."""
    options = [
        click.option("--length", type=Length(), default="medium", show_default=True, help=LENGTH_HELP),
        click.option(
            "--order",
            type=click.Choice(["translate-first", "summarize-first", "direct"]),
            default="translate-first",
            show_default=True,
            help="summarize-first summarises in the source language, then translates the summary; "
            "direct: a chat model (--summarizer) reads the source language and writes the target's in one call.",
        ),
        click.option(
            "--translator",
            envvar="SUMMARIZE_TRANSLATOR",
            default=None,
            help="Translation model: alias, hub id or local folder [env SUMMARIZE_TRANSLATOR].",
        ),
        click.option(
            "--summarizer",
            envvar="SUMMARIZE_SUMMARIZER",
            default=None,
            help="Summarisation model: alias, hub id or local folder [env SUMMARIZE_SUMMARIZER].",
        ),
    ]
    return _apply(options, function)


def source_options(function):
    """SOURCE (a path, - or a URL; standard input when left out and piped) or --text."""
    function = click.option("--text", "literal", default=None, help="Work on this text instead of a SOURCE.")(function)
    return click.argument("source", required=False)(function)


def read_document(source: str | None, literal: str | None):
    """The document from SOURCE, --text, or piped standard input."""
    import sys

    from summarize.errors import InputError
    from summarize.text.readers import document_from_text, read_source

    if literal is not None and source is not None:
        raise InputError("give SOURCE or --text, not both")
    if literal is not None:
        return document_from_text(literal, "<text>")
    if source is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise InputError("no input: give SOURCE (a file, - for standard input, or a URL), pipe text in, or pass --text")
        source = "-"
    return read_source(source)


def checked_output(ctx, param, value: Path | None) -> Path | None:
    """`-o` is checked when the command line is read, before any work."""
    if value is not None:
        check_writable(value)
    return value


def emit(text: str, output: Path | None) -> None:
    """Write `text` to the output file (atomically) or stdout, ending with one newline."""
    text = text.rstrip("\n") + "\n"
    if output:
        write_atomically(output, text)
    else:
        write_stdout(text)


def announce_engines(meta: dict) -> None:
    """Say on stderr which engines did the work."""
    languages = f"{meta['languages']['source']} -> {meta['languages']['target']}"
    translator = meta["translator"]
    said = (
        "no translation needed"
        if translator["engine"] == "identity"
        else f"translated with {translator['alias']} ({_engine(translator)})"
    )
    if "summarizer" in meta:
        said += f", summarised with {meta['summarizer']['alias']} ({_engine(meta['summarizer'])})"
    notify(f"{languages}: {said}")
    timings = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in meta["timings_s"].items())
    note(f"timings: {timings}", at=VERBOSE)


def _engine(described: dict) -> str:
    compute = f" {described['quantization']}" if described.get("quantization") else ""
    return f"{described['engine']}{compute}, {described['device']}"


def as_json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)


class Length(click.ParamType):
    """--length: short, medium or long; a number (sentences for the extractive summarisers, new
    tokens for the neural ones); or a percentage of the sentences (extractive)."""

    name = "short|medium|long|N|N%"

    def convert(self, value, param, ctx) -> str:
        from summarize.jobs import length_problem

        problem = length_problem(value)
        if problem:
            self.fail(problem, param, ctx)
        return str(value).strip()


LENGTH_HELP = (
    "short, medium or long; or a number: sentences for the extractive summarisers (textrank, lexrank, lead), "
    "new tokens for neural ones; or a percentage of the sentences (extractive)."
)
