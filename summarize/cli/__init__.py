"""The click command line. Errors from the library become one line and an exit code here."""

from __future__ import annotations

import click

from summarize import __version__
from summarize.errors import SummarizeError


class _UserFacingError(click.ClickException):
    def __init__(self, error: SummarizeError):
        super().__init__(str(error))
        self.exit_code = error.exit_code


class _Group(click.Group):
    """Converts SummarizeError, raised anywhere below, into a one-line error."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SummarizeError as error:
            raise _UserFacingError(error) from None


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
