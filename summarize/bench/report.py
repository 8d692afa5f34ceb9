"""Markdown tables and matplotlib plots, rendered from the summary JSON."""

from __future__ import annotations

import json
from pathlib import Path

from summarize.errors import InputError


def _model_line(summary: dict) -> str:
    model = summary["model"]
    return (
        f"{model['alias']} ({model.get('hub_id') or 'no weights'} @ {model.get('revision')}), "
        f"engine {model['engine']}, device {model['device']}"
    )


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
        s = summary["settings"]
        lines += [
            f"Forced lengths: {s['input_tokens']} in / {s['output_tokens']} out, batch {s['batch_size']}, "
            f"beams {s['beams']}, {s['dtype']}, {s['runs']} timed calls after {s['warmup']} warm-up."
        ]
    t = summary["latency"]
    lines += [
        "",
        f"| per {t['per']} | p50 s | p90 s | p99 s | items/s | source tok/s | generated tok/s | peak RSS MiB |",
        "|---|---|---|---|---|---|---|---|",
        f"| | {t['p50_s']} | {t['p90_s']} | {t['p99_s']} | {t['items_per_s']} | {t['source_tokens_per_s']} "
        f"| {t['generated_tokens_per_s']} | {t['peak_rss_mb']} |",
        "",
        f"Load {summary['load_seconds']} s. {env['cpu']}, {env['cores']} cores, threads {env['threads']}, "
        f"GPU {env['gpu'] or 'none'}; " + ", ".join(f"{k} {v}" for k, v in env["packages"].items() if v) + ".",
    ]
    return "\n".join(lines) + "\n"


def write_report(folder: Path, summary: dict, items: list[dict]) -> None:
    """report.md and latency.png beside the run's summary.json."""
    (folder / "report.md").write_text(markdown(summary), encoding="utf-8")
    _latency_plot(folder / "latency.png", [i["seconds"] for i in items], summary)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _latency_plot(path: Path, seconds: list[float], summary: dict) -> None:
    plt = _pyplot()
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


def load_summaries(folders: list[Path]) -> list[dict]:
    """The summary.json of each run folder (or the file itself)."""
    summaries = []
    for folder in folders:
        path = folder / "summary.json" if folder.is_dir() else folder
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            raise InputError(f"{folder}: not a finished run (no readable summary.json)") from None
        if (
            not isinstance(summary, dict)
            or summary.get("kind") not in ("quality", "latency")
            or not {"model", "settings", "latency"} <= set(summary)
        ):
            raise InputError(f"{path}: not a summary written by 'summarize bench'")
        summaries.append(summary)
    return summaries


def compare(summaries: list[dict], plot: Path | None = None) -> str:
    """Runs side by side as a markdown table; quality against speed plotted when asked."""
    metrics = sorted({m for s in summaries if s["kind"] == "quality" for m in s["scores"]})
    header = ["model", "engine", "device", "dataset", "settings", *metrics, "p50 s", "items/s", "gen tok/s", "peak RSS MiB"]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for s in summaries:
        scores = [f"{s['scores'][m]['score']:.2f}" if s["kind"] == "quality" and m in s["scores"] else "-" for m in metrics]
        t = s["latency"]
        rows.append(
            "| "
            + " | ".join(
                [
                    s["model"]["alias"],
                    s["model"]["engine"],
                    s["model"]["device"],
                    s.get("dataset", "forced lengths"),
                    _settings(s),
                    *scores,
                    str(t["p50_s"]),
                    str(t["items_per_s"]),
                    str(t["generated_tokens_per_s"]),
                    str(t["peak_rss_mb"]),
                ]
            )
            + " |"
        )
    if plot is not None and metrics:
        _quality_speed_plot(plot, [s for s in summaries if s["kind"] == "quality"], metrics[0])
    return "\n".join(rows) + "\n"


def _settings(summary: dict) -> str:
    s = summary["settings"]
    if summary["kind"] == "latency":
        return f"batch {s['batch_size']}, beams {s['beams']}, {s['input_tokens']} in / {s['output_tokens']} out, {s['dtype']}"
    if summary["task"] == "article":
        return f"length {s['length']}, {s.get('order', 'translate-first')}"
    return f"length {s['length']}" if summary["task"] == "summarization" else f"batch {s['batch_size']}"


def _quality_speed_plot(path: Path, summaries: list[dict], metric: str) -> None:
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(6, 4))
    for s in summaries:
        x, y = s["latency"]["items_per_s"], s["scores"][metric]["score"]
        axis.scatter([x], [y])
        axis.annotate(f"{s['model']['alias']} ({_settings(s)})", (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
    axis.set_xscale("log")
    axis.set_xlabel("items per second (log)")
    axis.set_ylabel(metric)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
