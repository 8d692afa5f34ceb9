"""The command-line reference, docs/cli.md, rendered from the commands' own `--help` (a test fails
when the file and the code drift apart). Regenerate it with:

    python -m summarize.cli.reference > docs/cli.md
"""

from __future__ import annotations

import click

#: A fixed width, so that the page does not depend on the terminal that rendered it.
WIDTH = 100


def render() -> str:
    """Every command's help, in the order `summarize --help` lists them, as Markdown."""
    from summarize.cli import cli

    sections = ["# Command-line reference", "", "Generated from `--help` by `python -m summarize.cli.reference`.", ""]
    for path, command in _commands(cli, ["summarize"]):
        context = click.Context(
            command, info_name=" ".join(path), terminal_width=WIDTH, max_content_width=WIDTH, help_option_names=["-h", "--help"]
        )
        sections += [f"## `{' '.join(path)}`", "", "```", command.get_help(context), "```", ""]
    return "\n".join(sections)


def _commands(command: click.Command, path: list[str]):
    yield path, command
    if isinstance(command, click.Group):
        for name in command.list_commands(click.Context(command)):
            yield from _commands(command.commands[name], [*path, name])


if __name__ == "__main__":
    click.echo(render(), nl=False)
