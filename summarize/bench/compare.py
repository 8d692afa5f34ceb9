"""`bench compare`: runs side by side, one table per task, item counts, a paired bootstrap
test against the first run, and the plots (quality against speed, latency per call)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from summarize.bench.latency import call_seconds, percentile
from summarize.bench.report import fixed, pyplot
from summarize.errors import InputError


@dataclass
class Run:
    """A finished run folder: its summary and, where kept, its items."""

    name: str
    summary: dict
    items: list[dict]

    @property
    def group(self) -> str:
        """Runs compare within a group: a quality task, or latency."""
        return self.summary.get("task", "latency") if self.summary["kind"] == "quality" else "latency"

    def call_seconds(self) -> list[float]:
        return call_seconds(self.summary, self.items)


def load_runs(paths: list[Path]) -> list[Run]:
    """Each run folder's summary.json and items.jsonl (or a summary.json given alone)."""
    runs = []
    for path in paths:
        folder = path if path.is_dir() else path.parent
        summary_path = path / "summary.json" if path.is_dir() else path
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise InputError(f"{path}: not a finished run (no readable summary.json)") from None
        if (
            not isinstance(summary, dict)
            or summary.get("kind") not in ("quality", "latency")
            or not {"model", "settings", "latency"} <= set(summary)
        ):
            raise InputError(f"{summary_path}: not a summary written by 'summarize bench'")
        items = _items(folder / "items.jsonl")
        # An engine's folder inside a multi-engine latency run is named by the engine: keep the run's name.
        name = f"{folder.parent.name}/{folder.name}" if summary["model"].get("label") == folder.name else folder.name
        runs.append(Run(name or str(folder), summary, items))
    return runs


def _items(path: Path) -> list[dict]:
    """A finished run's items; a line that is no JSON object names the file and line."""
    if not path.is_file():
        return []
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        try:
            item = json.loads(line) if line.strip() else None
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not JSON ({exc.msg}); rerun the bench to finish the run") from None
        except RecursionError:
            raise InputError(f"{path}:{number}: JSON nested too deeply") from None
        if item is not None and not isinstance(item, dict):
            raise InputError(f"{path}:{number}: an item must be a JSON object")
        if item is not None:
            items.append(item)
    return items


def compare(runs: list[Run], plot: Path | None = None, latency_plot: Path | None = None) -> str:
    """One markdown table per task (and one for latency runs), item counts, a warning when runs
    of a task are not on the same items, and a paired bootstrap test against the first run."""
    groups: dict[str, list[Run]] = {}
    for run in runs:
        groups.setdefault(run.group, []).append(run)
    sections = []
    for group, members in groups.items():
        sections.append(_table(group, members))
        if group != "latency" and len(members) > 1:
            sections.append(_significance(group, members))
    quality_groups = {g: m for g, m in groups.items() if g != "latency"}
    if plot is not None and quality_groups:
        for group, members in quality_groups.items():
            path = plot if len(quality_groups) == 1 else plot.with_name(f"{plot.stem}-{group}{plot.suffix}")
            _quality_speed_plot(path, group, members)
    if latency_plot is not None:
        _latency_distribution_plot(latency_plot, [r for r in runs if r.call_seconds()])
    return "\n".join(sections)


def _metrics(group: str, runs: list[Run]) -> list[str]:
    if group == "latency":
        return []
    return [m for m in dict.fromkeys(m for r in runs for m in r.summary["scores"])]


def _table(group: str, runs: list[Run]) -> str:
    metrics = _metrics(group, runs)
    header = ["run", "model", "engine", "precision", "device", "dataset", "items", "settings", *metrics]
    header += ["p50 ms/call", "items/s", "gen tok/s", "peak RSS MiB"]
    lines = [f"### {group}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for run in runs:
        s, model, t = run.summary, run.summary["model"], run.summary["latency"]
        scores = [fixed(s["scores"][m]["score"], 2) if m in s.get("scores", {}) else "-" for m in metrics]
        calls = run.call_seconds()
        p50 = percentile(calls, 50) if calls else t["p50_s"]
        items = s.get("items", t.get("calls"))
        cells = [
            run.name,
            model["alias"],
            model.get("label", model["engine"]),
            str(model.get("quantization") or "-"),
            model["device"],
            s.get("dataset") or s.get("inputs", {}).get("source", "forced lengths"),
            str(items),
            _settings(s),
            *scores,
            fixed(1000 * p50, 2),
            fixed(t["items_per_s"], 2),
            fixed(t["generated_tokens_per_s"], 1),
            fixed(t["peak_rss_mb"], 0),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    warning = _different_items(group, runs)
    return "\n".join(lines + ([f"\n**WARNING**: {warning}"] if warning else [])) + "\n"


def _ids(run: Run) -> list:
    return [i["id"] for i in run.items]


def _different_items(group: str, runs: list[Run]) -> str | None:
    if group == "latency" or len(runs) < 2:
        return None
    sets = [set(_ids(r)) for r in runs]
    datasets = {r.summary.get("dataset_file") for r in runs}
    if all(s == sets[0] for s in sets) and len(datasets) == 1:
        return None
    shared = set.intersection(*sets)
    counts = ", ".join(f"{r.name} {len(s)}" for r, s in zip(runs, sets))
    return (
        f"these {group} runs are not on the same items ({counts}; {len(shared)} shared"
        + (f"; datasets {', '.join(sorted(str(d) for d in datasets))}" if len(datasets) > 1 else "")
        + "): their scores do not compare; the paired test below uses the shared items only."
    )


def _significance(group: str, runs: list[Run]) -> str:
    """Paired bootstrap of every run against the first, on the items all of them scored."""
    from summarize.bench.significance import RESAMPLES, mean_paired, translation_paired

    shared = set.intersection(*(set(_ids(r)) for r in runs))
    order = [i for i in _ids(runs[0]) if i in shared]
    if len(order) < 2:
        return f"No paired test for {group}: the runs share {len(order)} item(s).\n"
    by_id = [{i["id"]: i for i in r.items} for r in runs]
    if group == "translation":
        references = [by_id[0][i]["reference"] for i in order]
        if any([by_id[k][i]["reference"] for i in order] != references for k in range(1, len(runs))):
            return f"No paired test for {group}: the runs' references differ on the shared items.\n"
        table = translation_paired([[items[i]["hypothesis"] for i in order] for items in by_id], references)
    else:
        names = [m for m in _metrics(group, runs) if all("rouge" in items[order[0]] for items in by_id)]
        table = {m: mean_paired([[items[i]["rouge"][m] for i in order] for items in by_id]) for m in names}
    lines = [
        f"Paired bootstrap resampling against {runs[0].name} ({RESAMPLES} resamples, {len(order)} shared items, "
        "as sacrebleu --paired-bs): score, mean ± 95% interval, p-value.",
        "",
        "| run | " + " | ".join(table) + " |",
        "|" + "---|" * (len(table) + 1),
    ]
    for k, run in enumerate(runs):
        cells = []
        for results in table.values():
            r = results[k]
            p = "baseline" if r.p_value is None else f"p = {r.p_value:.4f}"
            cells.append(f"{r.score:.2f} ({r.mean:.2f} ± {r.ci:.2f}) {p}")
        lines.append(f"| {run.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _settings(summary: dict) -> str:
    s = summary["settings"]
    if summary["kind"] == "latency":
        inputs = summary.get("inputs", {})
        given = (
            f"{inputs['tokens_median']:g} (median)" if inputs.get("source", "random ids") != "random ids" else s["input_tokens"]
        )
        return f"batch {s['batch_size']}, beams {s['beams']}, {given} in / {s['output_tokens']} out"
    if summary["task"] == "article":
        return f"length {s['length']}, {s.get('order', 'translate-first')}"
    return f"length {s['length']}" if summary["task"] == "summarization" else f"batch {s['batch_size']}"


def pareto_front(points: list[tuple[float, float]]) -> list[int]:
    """Indices of the points no other point beats on both speed (x) and quality (y), by speed."""
    front = [i for i, (x, y) in enumerate(points) if not any((x2 >= x and y2 >= y) and (x2, y2) != (x, y) for x2, y2 in points)]
    return sorted(front, key=lambda i: points[i][0])


def _quality_speed_plot(path: Path, group: str, runs: list[Run]) -> None:
    """Quality against items per second; numbered points (the legend names them, so labels never
    overlap) and the Pareto front drawn through the runs no other run beats on both."""
    plt = pyplot()
    metric = _metrics(group, runs)[0]
    points = [(r.summary["latency"]["items_per_s"], r.summary["scores"][metric]["score"]) for r in runs]
    figure, axis = plt.subplots(figsize=(7.5, 4.5))
    front = pareto_front(points)
    axis.plot([points[i][0] for i in front], [points[i][1] for i in front], color="#bbbbbb", zorder=1, label="Pareto front")
    for number, (run, (x, y)) in enumerate(zip(runs, points), 1):
        on_front = runs.index(run) in front
        axis.scatter([x], [y], s=60, zorder=2, edgecolors="black" if on_front else "none")
        axis.annotate(str(number), (x, y), textcoords="offset points", xytext=(6, 4), fontsize=9)
        axis.plot([], [], " ", label=f"{number}: {run.name} ({run.summary['items']} items)")
    axis.set_xscale("log")
    axis.set_xlabel("items per second (log scale; higher is faster)")
    axis.set_ylabel(f"{metric} (higher is better)")
    axis.set_title(f"{group}: quality against speed", fontsize=11)
    axis.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _latency_distribution_plot(path: Path, runs: list[Run]) -> None:
    """Seconds per call of each run as a box with every call drawn over it."""
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(7.5, 1.5 + 0.45 * len(runs)))
    seconds = [[1000 * s for s in r.call_seconds()] for r in runs]
    axis.boxplot(seconds, orientation="horizontal", widths=0.5, showfliers=False)
    for row, values in enumerate(seconds, 1):
        axis.scatter(values, [row] * len(values), s=8, alpha=0.5, color="#4477aa", zorder=3)
    names = [
        r.name if r.group == "latency" else f"{r.name}: {r.summary['model']['alias']} on {r.summary['model']['engine']}"
        for r in runs
    ]
    axis.set_yticks(range(1, len(runs) + 1), names, fontsize=8)
    axis.invert_yaxis()
    axis.set_xscale("log")
    axis.set_xlabel("ms per call (log scale)")
    axis.set_title("latency per call", fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
