"""`summarize bench translation|summarization|latency|compare`: measured, signed, resumable."""

from __future__ import annotations

import re
from pathlib import Path

import click

from summarize.bench.workloads import WORKLOADS
from summarize.cli.common import checked_output, notify, options_of
from summarize.notes import show_progress
from summarize.output import echo
from summarize.runtimes.table import ENGINES

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
        options_of("engine", "device"),
        click.option("--limit", type=POSITIVE, default=None, help="Only the first N items."),
        click.option("--batch-size", type=POSITIVE, default=None),
        options_of(
            "source",
            "target",
            defaults={"source": None, "target": None},
            helps={
                "source": "Source language (default: from the dataset name).",
                "target": "Target language (default: from the dataset name).",
            },
        ),
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
    echo(markdown(summary))


@bench.command()
@_quality_options
def translation(**options) -> None:
    """BLEU, chrF and chrF++ (sacrebleu, with signatures) and latency on a translation set."""
    _run_quality("translation", "medium", **options)


@bench.command()
@_quality_options
@options_of("length", defaults={"length": "short"})
def summarization(length, **options) -> None:
    """ROUGE-1/2/L/Lsum (rouge-score, accents kept) and latency on a summarisation set."""
    _run_quality("summarization", length, **options)


@bench.command()
@_quality_options
@options_of(
    "length",
    "order",
    "translator",
    defaults={"length": "short"},
    helps={"translator": "Translation model (--model names the summariser)."},
)
def article(length, order, translator, **options) -> None:
    """The whole article pipeline per document: ROUGE against the references, time per document."""
    _run_quality("article", length, order=order, translator=translator, **options)


@bench.command()
@click.option("--workload", default=None, help="A named shape: " + ", ".join(WORKLOADS) + " (flags below override it).")
@click.option("--model", default=None, help="A card alias; its [config] builds the architecture with --no-weights.")
@click.option(
    "--engine",
    "engines",
    default="transformers",
    show_default=True,
    help=f"One engine or several, comma-separated, timed in turn: {', '.join(n for n, r in ENGINES.items() if r.neural)}; "
    "ENGINE:QUANTIZATION picks a conversion (ctranslate2:int8_float32).",
)
@click.option("--no-weights", is_flag=True, help="Random weights from the card's config: speed without downloads.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="cpu", show_default=True)
@click.option(
    "--dtype",
    type=click.Choice(["float32", "float16", "bfloat16"]),
    default=None,
    help="transformers only (default: the engine's).",
)
@click.option("--batch-size", type=POSITIVE, default=None, help="[default: 1]")
@click.option("--beams", type=POSITIVE, default=None, help="[default: 1]")
@click.option("--input-tokens", type=POSITIVE, default=None, help="Random inputs of this length [default: 40].")
@click.option("--output-tokens", type=POSITIVE, default=None, help="[default: 40]")
@click.option("--dataset", default=None, help="Real sentences (src or document) in the model's tokens instead of random ids.")
@click.option("--tokenizer", default=None, help="A real tokenizer folder for --no-weights (vocabulary and lengths real).")
@click.option("--runs", type=POSITIVE, default=10, show_default=True, help="Timed calls per engine.")
@click.option("--warmup", type=click.IntRange(min=0), default=2, show_default=True)
@click.option(
    "--threads", type=POSITIVE, default=None, help="Engine threads per worker (SUMMARIZE_THREADS; default: every core)."
)
@click.option(
    "--quiet-threshold",
    type=click.FloatRange(0, 1),
    default=0.10,
    show_default=True,
    help="Most share of the cores other processes may use during a timed call (else it is retried); 1 turns the gate off.",
)
@click.option("--out", default=None)
@click.option("--fresh", is_flag=True)
def latency(workload, model, engines, out, fresh, **flags) -> None:
    """Median and range per generate call with forced output lengths; several engines are timed
    interleaved, each in its own process, and compared."""
    from summarize.bench.report import markdown
    from summarize.bench.speed import comparison, run_latency
    from summarize.bench.workloads import LatencyRun

    if workload:
        run = LatencyRun.from_workload(workload, model=model, engines=tuple(engines.split(",")), **flags)
    elif model:
        defaults = {"batch_size": 1, "beams": 1, "input_tokens": 40, "output_tokens": 40}
        run = LatencyRun(
            model=model, engines=tuple(engines.split(",")), **{**flags, **{k: flags[k] or v for k, v in defaults.items()}}
        )
    else:
        raise click.UsageError("give --workload or --model")
    name = f"latency-{workload or run.model}-b{run.batch_size}-beam{run.beams}-{run.device}"
    summaries = run_latency(run, _out(out, name), fresh, notify, progress=show_progress())
    if len(summaries) == 1:
        echo(markdown(next(iter(summaries.values()))))
    echo(comparison(summaries))


@bench.command()
@click.argument("runs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    callback=checked_output,
    help="Write a quality-against-speed plot here (one per task: NAME-TASK.png when runs of several tasks are given).",
)
@click.option(
    "--latency-plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    callback=checked_output,
    help="Write the distribution of seconds per call of every run here.",
)
def compare(runs, plot, latency_plot) -> None:
    """Runs side by side, one table per task with item counts, and a paired bootstrap test
    (as sacrebleu --paired-bs) of each run against the first on their shared items."""
    from summarize.bench.compare import compare as compare_runs
    from summarize.bench.compare import load_runs

    echo(compare_runs(load_runs(list(runs)), plot, latency_plot))
