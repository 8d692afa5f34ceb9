"""Options shared by commands, and writing results."""

from __future__ import annotations

import json
from pathlib import Path

import click

from summarize.notes import VERBOSE, note, show_progress
from summarize.output import check_writable, write_atomically, write_stdout


def notify(message: str) -> None:
    """A note for the user on stderr, never mixed into the output (silent with -q)."""
    note(message)


class Checked(click.ParamType):
    """A value that one of the declared options' checks accepts (core/options.py)."""

    def __init__(self, spec, convert_to=str):
        self.spec, self.convert_to = spec, convert_to
        self.name = spec.metadata["metavar"] or convert_to.__name__

    def convert(self, value, param, ctx):
        from summarize.core.options import check

        try:
            converted = self.convert_to(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a {self.name}", param, ctx)
        problem = check(self.spec, converted)
        if problem:
            self.fail(problem, param, ctx)
        return converted


class LiveChoice(click.Choice):
    """A choice among what a table holds when the command line is read (an engine added to the
    table is a choice at once)."""

    def __init__(self, source):
        self.source = source
        super().__init__(tuple(source()))

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self.source())

    @choices.setter
    def choices(self, value) -> None:
        """Set by click's constructor; the table is read instead."""


#: How a command-line value becomes an option's type (by its annotation's first word).
_CONVERTERS = {"float": float, "int": int}


def options_of(*names: str, renamed: dict[str, str] | None = None, defaults: dict | None = None, helps: dict | None = None):
    """The click options of the named job options, derived from their declaration: the flag
    (or `renamed`'s), type, choices, default (or `defaults`'), help (or `helps`') and variable."""
    from summarize.core.options import choices_of, fields

    specs = {spec.name: spec for spec in fields()}
    renamed, defaults, helps = renamed or {}, defaults or {}, helps or {}
    options = []
    for name in names:
        spec = specs[name]
        choices = choices_of(spec)
        envvar = spec.metadata["envvar"]
        text = helps.get(name, spec.metadata["help"]) + (f" [env {envvar}]" if envvar else "")
        default = defaults.get(name, spec.default)
        flag = renamed.get(name, spec.metadata["flag"])
        if spec.type == "bool":
            options.append(click.option(flag, name, is_flag=True, default=default, envvar=envvar, help=text))
            continue
        if callable(spec.metadata["choices"]):
            kind = LiveChoice(spec.metadata["choices"])
        elif choices is not None:
            kind = click.Choice(choices)
        else:
            kind = Checked(spec, _CONVERTERS.get(str(spec.type).split(" ")[0], str))
        options.append(
            click.option(flag, name, type=kind, default=default, show_default=default is not None, envvar=envvar, help=text)
        )
    return lambda function: _apply(options, function)


def _apply(options: list, function):
    for option in reversed(options):
        function = option(function)
    return function


def job_options(task: str, renamed: dict[str, str] | None = None):
    """The job options `task` takes (core/options.py declares which), and -o."""
    from summarize.core.options import options_for

    return lambda function: _apply([options_of(*options_for(task), renamed=renamed), _output_option()], function)


def job_pipeline(stream=None, **job):
    """The Pipeline of a command's one job, its notes on stderr, progress bars on a terminal;
    `stream` gets a chat model's summary as it is generated."""
    from summarize.core.pipeline import Pipeline

    return Pipeline(**pipeline_options(**job), notify=notify, progress=show_progress(), stream=stream, one_shot=True)


def pipeline_options(target: str = "en", **job) -> dict:
    """The Pipeline's arguments from a command's job options."""
    return {"to": target, **job}


def _output_option():
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        default=None,
        callback=checked_output,
        help="Write the result to this file instead of stdout (replaced whole, or left as it was).",
    )


def source_options(function):
    """SOURCE (a path, - or a URL; standard input when left out and piped) or --text."""
    function = click.option("--text", "literal", default=None, help="Work on this text instead of a SOURCE.")(function)
    return click.argument("location", metavar="[SOURCE]", required=False)(function)


def read_document(location: str | None, literal: str | None):
    """The document from SOURCE (`location`), --text, or piped standard input."""
    import sys

    from summarize.documents.readers import document_from_text, read_source
    from summarize.errors import InputError

    if literal is not None and location is not None:
        raise InputError("give SOURCE or --text, not both")
    if literal is not None:
        return document_from_text(literal, "<text>")
    if location is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise InputError("no input: give SOURCE (a file, - for standard input, or a URL), pipe text in, or pass --text")
        location = "-"
    return read_source(location)


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
