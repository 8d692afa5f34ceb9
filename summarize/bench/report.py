"""One run's report: its markdown section and its latency plot, rendered from the summary JSON."""

from __future__ import annotations

from pathlib import Path

from summarize.bench.latency import call_seconds


def _model_line(summary: dict) -> str:
    model = summary["model"]
    weights = (
        "random weights"
        if model.get("weights") == "random"
        else f"{model.get('hub_id') or 'no weights'} @ {model.get('revision')}"
    )
    precision = f", {model['quantization']}" if model.get("quantization") else ""
    return f"{model['alias']} ({weights}), engine {model.get('label', model['engine'])}{precision}, device {model['device']}"


def markdown(summary: dict) -> str:
    """One run as a markdown section: scores with signatures, latency, environment."""
    env = summary["environment"]
    lines = [f"## {summary['kind']} run: {_model_line(summary)}", ""]
    if summary["kind"] == "quality":
        lines += [
            f"Dataset `{summary['dataset']}`, {summary['items']} items.",
            "",
            "| metric | score | signature |",
            "|---|---|---|",
        ]
        lines += [f"| {name} | {value['score']:.2f} | `{value['signature']}` |" for name, value in summary["scores"].items()]
        lines += ["", *(f"- {name}: {note}" for name, note in summary["optional_metrics"].items())]
    else:
        s, inputs = summary["settings"], summary.get("inputs", {})
        length = f"{inputs['source']} of {inputs['tokens_median']:g} tokens (median)" if inputs else f"{s['input_tokens']} tokens"
        lines += [
            f"Forced lengths: {length} in / {s['output_tokens']} out, batch {s['batch_size']}, beams {s['beams']}; "
            f"{s['runs']} timed calls after {s['warmup']} warm-up."
        ]
    t = summary["latency"]
    lines += [
        "",
        f"| per {t['per']} | p50 s | p90 s | p99 s | items/s | source tok/s | generated tok/s | peak RSS MiB |",
        "|---|---|---|---|---|---|---|---|",
        f"| | {fixed(t['p50_s'], 4)} | {fixed(t['p90_s'], 4)} | {fixed(t['p99_s'], 4)} | {fixed(t['items_per_s'], 2)} "
        f"| {fixed(t['source_tokens_per_s'], 1)} | {fixed(t['generated_tokens_per_s'], 1)} | {fixed(t['peak_rss_mb'], 0)} |",
        "",
        f"Load {summary['load_seconds']:.2f} s. {env['cpu']} ({', '.join(env.get('cpu_features', [])) or 'features unknown'}), "
        f"{env['cores']} cores, threads {env['threads']}, GPU {env['gpu'] or 'none'}; "
        + ", ".join(f"{k} {v}" for k, v in env["packages"].items() if v)
        + ".",
    ]
    return "\n".join(lines) + "\n"


def write_report(folder: Path, summary: dict, items: list[dict]) -> None:
    """report.md and latency.png beside the run's summary.json."""
    (folder / "report.md").write_text(markdown(summary), encoding="utf-8")
    _latency_plot(folder / "latency.png", call_seconds(summary, items), summary)


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _latency_plot(path: Path, seconds: list[float], summary: dict) -> None:
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(6, 3.5))
    axis.hist([1000 * s for s in seconds], bins=min(40, max(5, len(seconds) // 3)), color="#4477aa")
    for name, colour in (("p50_s", "#228833"), ("p90_s", "#ccbb44"), ("p99_s", "#ee6677")):
        axis.axvline(1000 * summary["latency"][name], color=colour, linestyle="--", label=name[:-2])
    axis.set_xlabel(f"ms per {summary['latency']['per']}")
    axis.set_ylabel("count")
    axis.set_title(summary["model"]["alias"], fontsize=10)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def fixed(value, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"
