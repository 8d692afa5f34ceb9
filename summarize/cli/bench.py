"""`summarize bench translation|summarization|latency|compare`: measured, signed, resumable."""

from __future__ import annotations

import re
from pathlib import Path

import click

from summarize.cli.common import LENGTH_HELP, Length, checked_output, notify
from summarize.engines.table import engine_choices
from summarize.notes import show_progress

POSITIVE = click.IntRange(min=1)


def _out(out: str | None, name: str) -> Path:
    """`--out`, else benchmarks/runs/NAME with NAME made of safe characters (a model given as a
    path such as ../../x stays inside benchmarks/runs)."""
    return Path(out) if out else Path("benchmarks") / "runs" / re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")


def _quality_options(function):
    options = [
        click.option(
            "--dataset",
            required=True,
            help="A .jsonl file or a named set (flores200-spa-eng-dev, newstest2013-spa-eng, xsum-test, ...).",
        ),
        click.option("--model", default=None, help="Alias, hub id or local folder; default: what auto picks."),
        click.option("--engine", type=click.Choice(engine_choices()), default="auto"),
        click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto"),
        click.option("--limit", type=POSITIVE, default=None, help="Only the first N items."),
        click.option("--batch-size", type=POSITIVE, default=None),
        click.option("--from", "source", default=None, help="Source language (default: from the dataset name)."),
        click.option("--to", "target", default=None, help="Target language (default: from the dataset name)."),
        click.option("--warmup", type=click.IntRange(min=0), default=1, help="Items run once, untimed, before timing."),
        click.option("--out", default=None, help="Run folder (default benchmarks/runs/NAME)."),
        click.option("--fresh", is_flag=True, help="Discard a previous run in the folder instead of resuming."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.group()
def bench() -> None:
    """Benchmark quality (with metric signatures), latency and memory. Runs resume after a kill."""


def _run_quality(
    task: str,
    length: str,
    dataset,
    model,
    engine,
    device,
    limit,
    batch_size,
    source,
    target,
    warmup,
    out,
    fresh,
    order: str = "translate-first",
    translator: str | None = None,
) -> None:
    from summarize.bench.harness import QualityRun, run_quality
    from summarize.bench.report import markdown

    run = QualityRun(
        task=task,
        dataset=dataset,
        model=model,
        engine=engine,
        device=device,
        limit=limit,
        batch_size=batch_size or (16 if task == "translation" else 1),
        length=length,
        source=source,
        target=target,
        warmup=warmup,
        order=order,
        translator=translator,
    )
    name = f"{task}-{(model or engine).replace('/', '_')}-{Path(dataset).stem}"
    folder = _out(out, name)
    summary = run_quality(run, folder, fresh, notify, progress=show_progress())
    click.echo(markdown(summary))


@bench.command()
@_quality_options
def translation(**options) -> None:
    """BLEU, chrF and chrF++ (sacrebleu, with signatures) and latency on a translation set."""
    _run_quality("translation", "medium", **options)


@bench.command()
@_quality_options
@click.option("--length", type=Length(), default="short", show_default=True, help=LENGTH_HELP)
def summarization(length, **options) -> None:
    """ROUGE-1/2/L/Lsum (rouge-score, accents kept) and latency on a summarisation set."""
    _run_quality("summarization", length, **options)


@bench.command()
@_quality_options
@click.option("--length", type=Length(), default="short", show_default=True, help=LENGTH_HELP)
@click.option("--order", type=click.Choice(["translate-first", "summarize-first"]), default="translate-first", show_default=True)
@click.option("--translator", default=None, help="Translation model (--model names the summariser).")
def article(length, order, translator, **options) -> None:
    """The whole article pipeline per document: ROUGE against the references, time per document."""
    _run_quality("article", length, order=order, translator=translator, **options)


@bench.command()
@click.option("--model", required=True, help="A card alias; its [config] builds the architecture.")
@click.option("--no-weights", is_flag=True, help="Random weights from the card's config: speed without downloads.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="cpu", show_default=True)
@click.option("--dtype", type=click.Choice(["float32", "float16", "bfloat16"]), default="float32", show_default=True)
@click.option("--batch-size", type=POSITIVE, default=1, show_default=True)
@click.option("--beams", type=POSITIVE, default=1, show_default=True)
@click.option("--input-tokens", type=POSITIVE, default=40, show_default=True)
@click.option("--output-tokens", type=POSITIVE, default=40, show_default=True)
@click.option("--runs", type=POSITIVE, default=10, show_default=True)
@click.option("--warmup", type=click.IntRange(min=0), default=2, show_default=True)
@click.option("--threads", type=POSITIVE, default=None, help="torch intra-op threads (default: torch's choice).")
@click.option("--out", default=None)
@click.option("--fresh", is_flag=True)
def latency(
    model, no_weights, device, dtype, batch_size, beams, input_tokens, output_tokens, runs, warmup, threads, out, fresh
) -> None:
    """p50/p90/p99 and tokens per second of generate() with forced output lengths."""
    from summarize.bench.harness import LatencyRun, run_latency
    from summarize.bench.report import markdown

    run = LatencyRun(
        model=model,
        no_weights=no_weights,
        device=device,
        dtype=dtype,
        batch_size=batch_size,
        beams=beams,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        runs=runs,
        warmup=warmup,
        threads=threads,
    )
    name = f"latency-{model}-b{batch_size}-beam{beams}-{input_tokens}x{output_tokens}-{device}"
    folder = _out(out, name)
    summary = run_latency(run, folder, fresh, notify, progress=show_progress())
    t = summary["latency"]
    click.echo(markdown(summary))
    click.echo(
        f"p50 {t['p50_s']} s, p90 {t['p90_s']} s, p99 {t['p99_s']} s; "
        f"{t['generated_tokens_per_s']} generated tokens/s; {t['ms_per_output_token_p50']} ms per output token"
    )


@bench.command()
@click.argument("runs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    callback=checked_output,
    help="Write a quality-against-speed plot here.",
)
def compare(runs, plot) -> None:
    """Lay two or more run folders side by side."""
    from summarize.bench.report import compare as compare_runs
    from summarize.bench.report import load_summaries

    click.echo(compare_runs(load_summaries(list(runs)), plot))
