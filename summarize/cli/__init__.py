"""The click command line. Errors from the library become one line and an exit code here."""

from __future__ import annotations

import os
import sys

import click

from summarize import __version__, notes
from summarize.errors import SummarizeError, UnexpectedError, unexpected

INTERRUPTED = 130  # 128 + SIGINT, as shells report it


class _UserFacingError(click.ClickException):
    def __init__(self, message: str, exit_code: int):
        super().__init__(" ".join(message.split()) or "failed")
        self.exit_code = exit_code


class _Group(click.Group):
    """Turns every failure below into one line on stderr and its exit code: SummarizeError with
    its own, Ctrl-C with 130, anything unforeseen with 1 (SUMMARIZE_DEBUG=1 shows the traceback)."""

    def main(self, args=None, prog_name=None, **extra):
        """click's own handling, except that a bad command line is one line too: the error and
        where help is, without click's usage block."""
        extra.pop("standalone_mode", None)
        try:
            code = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as error:  # a group alone: its help
            error.show()
            sys.exit(error.exit_code)
        except click.exceptions.UsageError as error:
            where = f" (see '{error.ctx.command_path} --help')" if error.ctx is not None else ""
            click.echo(f"Error: {' '.join(error.format_message().split())}{where}", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.exceptions.Abort:
            click.echo("Error: interrupted; nothing was written", err=True)
            sys.exit(INTERRUPTED)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx):
        notes.set_level(notes.NORMAL)  # until the command's -q or -v says otherwise
        try:
            return super().invoke(ctx)
        except SummarizeError as error:
            if isinstance(error, UnexpectedError) and _debugging():
                raise error.__cause__ from None
            raise _UserFacingError(str(error), error.exit_code) from None
        except BrokenPipeError as error:  # a listing piped into `head`
            from summarize.output import stdout_failed

            failed = stdout_failed(error)
            raise _UserFacingError(str(failed), failed.exit_code) from None
        except (KeyboardInterrupt, click.exceptions.Abort):
            raise _UserFacingError("interrupted; nothing was written", INTERRUPTED) from None
        except (click.ClickException, click.exceptions.Exit):
            raise
        except Exception as error:  # the promise is one line, never a traceback
            if _debugging():
                raise
            fault = unexpected(error)
            raise _UserFacingError(str(fault), fault.exit_code) from None


def _debugging() -> bool:
    """Whether a fault of ours shows its traceback: SUMMARIZE_DEBUG set, or -v."""
    return bool(os.environ.get("SUMMARIZE_DEBUG")) or notes.level() >= notes.VERBOSE


def _print_version(ctx, param, value: bool) -> None:
    """The package's version and those of the runtimes present, read without importing them."""
    if not value or ctx.resilient_parsing:
        return
    from summarize.bench.environment import runtime_versions
    from summarize.output import echo

    echo(f"summarize {__version__}")
    for name, found in runtime_versions().items():
        echo(f"  {name} {found or 'not installed'}")
    ctx.exit()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and those of the engines' runtimes (every engine's package, and Apertium's).",
)
def cli() -> None:
    """Translate and summarise news articles; benchmark the models that do it."""


def _set_level(level: int):
    def callback(ctx, param, value: bool) -> None:
        if value:
            notes.set_level(level)

    return callback


def _verbosity_options() -> list[click.Option]:
    """-q and -v, added to every command (they may follow the command's own arguments)."""
    levels = (
        (["-q", "--quiet"], notes.QUIET, "Errors only: no notes, no progress bars."),
        (["-v", "--verbose"], notes.VERBOSE, "More notes: timings of each step, and the traceback of an unforeseen failure."),
    )
    return [
        click.Option(names, is_flag=True, expose_value=False, is_eager=True, callback=_set_level(level), help=text)
        for names, level, text in levels
    ]


def _with_verbosity(command: click.Command) -> None:
    if isinstance(command, click.Group):
        for child in command.commands.values():
            _with_verbosity(child)
    else:
        command.params.extend(_verbosity_options())


def _register() -> None:
    from summarize.cli.article import article
    from summarize.cli.batch import batch
    from summarize.cli.bench import bench
    from summarize.cli.models import models
    from summarize.cli.serve import serve
    from summarize.cli.story import story
    from summarize.cli.translate import translate

    cli.add_command(article)
    cli.add_command(story)
    cli.add_command(translate)
    cli.add_command(batch)
    cli.add_command(models)
    cli.add_command(bench)
    cli.add_command(serve)
    _with_verbosity(cli)


_register()


def main() -> None:
    cli()
