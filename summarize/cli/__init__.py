"""The click command line. Errors from the library become one line and an exit code here."""

from __future__ import annotations

import os
from pathlib import Path

import click

from summarize import __version__
from summarize.errors import SummarizeError

INTERRUPTED = 130  # 128 + SIGINT, as shells report it


class _UserFacingError(click.ClickException):
    def __init__(self, message: str, exit_code: int):
        super().__init__(" ".join(message.split()) or "failed")
        self.exit_code = exit_code


class _Group(click.Group):
    """Turns every failure below into one line on stderr and its exit code: SummarizeError with
    its own, Ctrl-C with 130, anything unforeseen with 1 (SUMMARIZE_DEBUG=1 shows the traceback)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SummarizeError as error:
            raise _UserFacingError(str(error), error.exit_code) from None
        except (KeyboardInterrupt, click.exceptions.Abort):
            raise _UserFacingError("interrupted; nothing was written", INTERRUPTED) from None
        except (click.ClickException, click.exceptions.Exit):
            raise
        except Exception as error:  # the promise is one line, never a traceback
            if os.environ.get("SUMMARIZE_DEBUG"):
                raise
            where = error.__traceback__
            while where.tb_next is not None:
                where = where.tb_next
            origin = f"{Path(where.tb_frame.f_code.co_filename).name}:{where.tb_lineno}"
            raise _UserFacingError(
                f"unexpected {type(error).__name__} at {origin}: {error} "
                "(a bug: please report it; SUMMARIZE_DEBUG=1 shows the traceback)",
                1,
            ) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="summarize")
def cli() -> None:
    """Translate and summarise news articles; benchmark the models that do it."""


def _register() -> None:
    from summarize.cli.article import article
    from summarize.cli.bench import bench
    from summarize.cli.models import models
    from summarize.cli.translate import translate

    cli.add_command(article)
    cli.add_command(translate)
    cli.add_command(models)
    cli.add_command(bench)


_register()


def main() -> None:
    cli()
