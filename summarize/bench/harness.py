"""Benchmark runs: quality (translation, summarisation) and latency (forced lengths)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

from summarize.bench import datasets, quality
from summarize.bench.environment import describe as environment
from summarize.bench.environment import runtime_versions
from summarize.bench.latency import Stopwatch, summarize_timings
from summarize.bench.store import RunStore
from summarize.runtimes.table import ENGINES

# Languages of the named sets, by their code in the name.
ISO = {"spa": "es", "fra": "fr", "deu": "de", "ita": "it", "por": "pt", "eng": "en"}


@dataclass
class QualityRun:
    """What a quality run measures; stored in run.json to guard resumption."""

    task: str
    dataset: str
    model: str | None
    engine: str = "auto"
    device: str = "auto"
    limit: int | None = None
    batch_size: int = 16
    length: str = "short"
    source: str | None = None
    target: str | None = None
    warmup: int = 1
    order: str = "translate-first"
    translator: str | None = None

    def options(self, source: str, target: str) -> dict:
        """The job options of the run (summarize/core/options.py), for its Pipeline: the model is
        the translator of a translation run, else the summariser."""
        model_is = "translator" if self.task == "translation" else "summarizer"
        chosen = {"translator": self.translator, model_is: self.model}
        given = self.source if self.task == "article" else source
        return {
            "to": target,
            "source": given or "auto",
            "length": self.length,
            "order": self.order,
            "engine": self.engine,
            "device": self.device,
            **chosen,
        }


class BenchJob:
    """A quality run's items through the product's own path (the `Pipeline`: the same splitting,
    bounds and batching as every other surface); `describe` names the engines that ran."""

    def __init__(self, run: QualityRun, source: str, target: str, notify):
        from summarize.core.pipeline import Pipeline

        self.run, self.task, self.source, self.target = run, run.task, source, target
        self.pipeline = Pipeline(**run.options(source, target), notify=notify)
        self.described: dict | None = None

    def process(self, records: list[dict]) -> list[str]:
        """The output of each item, in order; an item that cannot be done stops the run, named."""
        if self.task == "translation":
            results = self.pipeline.translations([r["src"] for r in records], len(records))
        else:
            results = self.pipeline.articles([r["document"] for r in records], len(records))
        outputs = []
        for record, result in zip(records, results):
            if result.get("error"):
                from summarize import errors

                raise getattr(errors, result["error_class"], errors.SummarizeError)(f"item {record['id']!r}: {result['error']}")
            self.described = self.described or _described(result["metadata"], self.task)
            outputs.append(" ".join(result["paragraphs"]) if self.task == "translation" else result["summary"])
        return outputs

    def count_tokens(self, text: str) -> int:
        """Tokens of the model that did the run's task (words for the whole article job)."""
        engines = self.pipeline.engines
        if self.task == "translation":
            return engines.translator(self.source, self.target).engine.count_tokens(text, self.target)
        if self.task == "summarization":
            return engines.summarizer(self.source).engine.count_tokens(text)
        return len(text.split())

    def describe(self) -> dict:
        return dict(self.described or {"alias": self.run.model or "auto", "engine": self.run.engine, "device": self.run.device})


def _described(metadata: dict, task: str) -> dict:
    """The engines of a result, as the report names the run: the translator's or summariser's
    own description; for the article job, both models and both engines."""
    if task == "translation":
        return metadata["translator"]
    if task == "summarization":
        return metadata["summarizer"]
    translator, summarizer = metadata["translator"], metadata["summarizer"]
    return {
        "alias": f"{translator['alias']} + {summarizer['alias']}",
        "engine": f"{translator['engine']} + {summarizer['engine']}",
        "device": summarizer["device"],
        "hub_id": summarizer.get("hub_id"),
        "revision": summarizer.get("revision"),
        "translator": translator,
        "summarizer": summarizer,
    }


def languages_of(dataset: str, source: str | None, target: str | None, task: str) -> tuple[str, str]:
    """`--from`/`--to`, else the pair in a named set's name, else es->en (en for summaries)."""
    asked = datasets.SACREBLEU_SET.fullmatch(dataset)
    if asked:
        pair = asked["pair"].split("-")
        return source or ISO.get(pair[0], pair[0]), target or ISO.get(pair[1], pair[1])
    parts = dataset.split("-")
    named = [ISO[p] for p in parts if p in ISO]
    default = (named[0], named[1]) if len(named) >= 2 else (("en", "en") if task == "summarization" else ("es", "en"))
    return source or default[0], target or default[1]


def run_quality(run: QualityRun, out: Path, fresh: bool, notify, progress: bool = True) -> dict:
    """Score every item (resuming a killed run), then write summary, report and plots."""
    from tqdm import tqdm

    path, records = datasets.load(run.dataset, "translation" if run.task == "translation" else "summarization", run.limit)
    source, target = languages_of(run.dataset, run.source, run.target, run.task)
    store = RunStore(out, {**asdict(run), "dataset_file": str(path.resolve())}, fresh)
    load = Stopwatch()
    with load:
        engine = BenchJob(run, source, target, notify)
    pending = [r for r in records if r["id"] not in store.done]
    if pending:
        store.require_writable(f"score the {len(pending)} item(s) left")
    if pending and run.warmup:
        engine.process(pending[: run.warmup])
    if store.done:
        notify(f"resuming: {len(store.done)} of {len(records)} items already scored in {out}")
    scorer = quality.rouge_scorer(target) if run.task != "translation" else None
    reference_key, source_key = ("ref", "src") if run.task == "translation" else ("summary", "document")
    with tqdm(
        total=len(records), initial=len(records) - len(pending), desc=f"bench {run.task}", unit="item", disable=not progress
    ) as bar:
        for start in range(0, len(pending), run.batch_size):
            batch = pending[start : start + run.batch_size]
            watch = Stopwatch()
            with watch:
                outputs = engine.process(batch)
            items = []
            for record, hypothesis in zip(batch, outputs):
                item = {
                    "id": record["id"],
                    "hypothesis": hypothesis,
                    "reference": record[reference_key],
                    "call": batch[0]["id"],
                    "seconds": round(watch.seconds / len(batch), 6),
                    "batch_seconds": round(watch.seconds, 6),
                    "batch_size": len(batch),
                    "source_tokens": engine.count_tokens(record[source_key]),
                    "generated_tokens": engine.count_tokens(hypothesis),
                }
                if scorer is not None:
                    item["rouge"] = quality.rouge_item(scorer, hypothesis, item["reference"], target)
                else:
                    item["chrF"] = quality.sentence_chrf(hypothesis, item["reference"])
                items.append(item)
            store.append(items)
            bar.update(len(batch))
    by_id = {item["id"]: item for item in store.items}
    ordered = [by_id[r["id"]] for r in records]
    summary = _quality_summary(run, path, ordered, engine, load.seconds, target)
    _finish(store, summary, ordered, notify)
    return summary


def _quality_summary(run: QualityRun, path: Path, items: list[dict], engine, load_seconds: float, target: str) -> dict:
    hypotheses = [i["hypothesis"] for i in items]
    references = [i["reference"] for i in items]
    if run.task == "translation":
        scores = quality.translation_scores(hypotheses, references)
    else:
        signature = quality.rouge_signature(target)
        scores = {
            name: {"score": round(sum(i["rouge"][name] for i in items) / len(items), 4), "signature": signature}
            for name in quality.ROUGE_TYPES
        }
    calls = {i.get("call", i["id"]): i["batch_seconds"] for i in items}
    timing = summarize_timings(
        list(calls.values()),
        len(items),
        sum(i["source_tokens"] for i in items),
        sum(i["generated_tokens"] for i in items),
    )
    timing["per"] = f"call on a batch of up to {run.batch_size} item(s)"
    timing["per_item_mean_s"] = round(sum(calls.values()) / len(items), 6)
    model = engine.describe()
    row = ENGINES.get(model["engine"])
    model.setdefault("runtime_version", runtime_versions().get(row.package or row.name) if row else None)
    return {
        "kind": "quality",
        "task": run.task,
        "dataset": run.dataset,
        "dataset_file": str(path),
        "items": len(items),
        "model": model,
        "settings": asdict(run),
        "scores": scores,
        "optional_metrics": quality.optional_metrics(),
        "latency": timing,
        "load_seconds": round(load_seconds, 3),
        "environment": environment(),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _finish(store: RunStore, summary: dict, items: list[dict], notify) -> None:
    """summary.json, report.md and plots into the run folder, unless it is read-only."""
    from summarize.bench.report import write_report

    if store.write_summary(summary) is None:
        notify(f"{store.folder} is read-only: the run is reported here, nothing is written")
        return
    write_report(store.folder, summary, items)
    notify(f"wrote {store.folder}/summary.json, items.jsonl, report.md, latency.png")
