"""`summarize story SOURCE...`: one brief for several articles on one story, in any of the served
languages: points with the articles that say them, numbers that disagree side by side, quotes by
speaker, names merged across languages."""

from __future__ import annotations

import click

from summarize.cli.common import as_json, emit, job_options, job_pipeline


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@job_options("article")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
def story(sources, output, fmt, **job) -> None:
    """One brief for several articles on one story (files, folders of them, or http(s) URLs)."""
    from summarize.corpora.inputs import input_files
    from summarize.documents.readers import read_source
    from summarize.errors import InputError, SummarizeError
    from summarize.text.story import combine, markdown

    locations = [found for s in sources for found in ([s] if "://" in s else map(str, input_files([s])))]
    if len(locations) < 2:
        raise InputError("a story needs two articles or more; give their files, a folder or URLs")
    pipeline = job_pipeline(**{**job, "brief": True})
    outcomes = pipeline.run([read_source(location) for location in locations], "article")  # one batch
    failed = next((outcome for outcome in outcomes if isinstance(outcome, SummarizeError)), None)
    if failed is not None:
        raise failed
    articles = list(zip(locations, outcomes))
    told = combine(articles, pipeline.options.target)
    emit(as_json(told) if fmt == "json" else markdown(told), output)
