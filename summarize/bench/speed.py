"""`bench latency`: generate calls with forced output lengths, one or several engines, each in
its own process, timed in turn (interleaved) and each call gated on a quiet machine.

The model is a card's cached weights or, with no_weights, its architecture with random weights
(noweights.py); converted engines run a conversion of it, made once and cached. Inputs are random
token ids of a set length, or real sentences of a dataset in the real tokenizer's pieces."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from summarize.bench.environment import describe as environment
from summarize.bench.latency import summarize_timings
from summarize.bench.quiet import Gate
from summarize.bench.store import RunStore
from summarize.bench.workloads import LatencyRun, parse_engines
from summarize.bench.workloads import label as engine_label
from summarize.catalog.cards import ModelCard, lookup
from summarize.errors import EngineUnavailableError, InputError
from summarize.runtimes.table import ENGINES

# Retries of a call during which other processes were busy, before it is kept and flagged.
MAX_RETRIES = 3


def _timed_card(run: LatencyRun) -> ModelCard:
    card = lookup(run.model)
    if card.weightless:
        raise InputError(
            f"'{card.alias}' is weight-free: bench latency times a neural model's generate calls; "
            f"time it on real text with 'summarize bench {card.task} --model {card.alias} --dataset ...'"
        )
    return card


def _tokenizer_folder(run: LatencyRun) -> Path | None:
    if run.tokenizer is None:
        return None
    from summarize.bench.datasets import data_folders

    path = Path(run.tokenizer)
    for candidate in [path, *(folder / run.tokenizer for folder in data_folders())]:
        if (candidate / "tokenizer_config.json").is_file():
            return candidate
    raise InputError(f"tokenizer folder '{run.tokenizer}' not found (looked beside the data folders too)")


def _model_folder(run: LatencyRun, card: ModelCard) -> Path:
    """The weights the workers load: random ones built once, or the card's cached snapshot."""
    if run.no_weights:
        from summarize.bench.noweights import random_model_folder

        return random_model_folder(card, _tokenizer_folder(run))
    if card.weight_format == "gguf":  # its weights dequantised: the other runtimes' source
        from summarize.catalog.gguf import dequantized_folder, read_info
        from summarize.catalog.hub import gguf_file

        return dequantized_folder(read_info(gguf_file(card, allow_download=False)), card.alias, reuse=True)
    from summarize.catalog.hub import resolve_weights

    return resolve_weights(card, allow_download=False)


def _engine_folder(engine: tuple[str, str | None], source: Path, card: ModelCard, run: LatencyRun, device: str) -> Path:
    """The folder a worker loads: the model folder for transformers, else its conversion (made once)."""
    from summarize.catalog.cards import card_for_folder
    from summarize.catalog.conversions import ensure_converted

    runtime, quantization = engine
    row = ENGINES[runtime]
    if "*.gguf" in row.weights:
        if card.weight_format != "gguf":
            raise EngineUnavailableError(f"the {runtime} engine runs GGUF files; '{card.alias}' has none")
        from summarize.catalog.hub import gguf_file

        return gguf_file(card, allow_download=False)
    if not row.converted:
        return source
    if device not in row.devices:
        raise EngineUnavailableError(f"the {runtime} engine does not run on {device}")
    converted_card = card_for_folder(source, card.task) if run.no_weights or card.weight_format == "gguf" else card
    return ensure_converted(converted_card, quantization or row.preferred[device][0], runtime)


def _inputs(run: LatencyRun, card: ModelCard, source: Path) -> list[list[list[int]]]:
    """The batches of token ids: real sentences of the dataset in the model's tokenizer, or one
    batch of random ids of exactly `input_tokens`."""
    from transformers import AutoConfig, AutoTokenizer

    if run.dataset is None:
        from summarize.bench.noweights import random_inputs

        return [random_inputs(AutoConfig.from_pretrained(source), run.batch_size, run.input_tokens)]
    from summarize.bench import datasets

    field_name = "src" if card.task == "translation" else "document"
    _, records = datasets.load(run.dataset, card.task, limit=run.batch_size * max(run.runs, 1))
    tokenizer = AutoTokenizer.from_pretrained(source)
    texts = [card.prefix(card.target_languages[0] if card.target_languages else None) + r[field_name] for r in records]
    ids = [tokenizer(text, truncation=True, max_length=1024).input_ids for text in texts]
    return [ids[start : start + run.batch_size] for start in range(0, len(ids) - run.batch_size + 1, run.batch_size)]


class Worker:
    """One engine's process: start, time calls, stop."""

    def __init__(self, label: str, spec: dict):
        self.label = label
        spec_file = Path(tempfile.mkstemp(prefix="summarize-worker-", suffix=".json")[1])
        spec_file.write_text(json.dumps(spec), encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "summarize.bench.worker", str(spec_file)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.spec_file = spec_file

    def receive(self) -> dict:
        line = self.process.stdout.readline()
        reply = json.loads(line) if line.strip() else {"error": f"the worker stopped (exit {self.process.wait()})"}
        if "error" in reply:
            self.spec_file.unlink(missing_ok=True)
            raise EngineUnavailableError(f"engine {self.label}: {reply['error']}")
        return reply

    def send(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def stop(self) -> dict:
        self.send("quit")
        memory = self.receive()
        self.process.wait()
        self.spec_file.unlink(missing_ok=True)
        return memory


def run_latency(run: LatencyRun, out: Path, fresh: bool, notify, progress: bool = True) -> dict[str, dict]:
    """Time `runs` calls per engine, interleaved; a summary per engine (by label), each also in
    out/LABEL/summary.json, and a comparison in out/comparison.md."""
    from tqdm import tqdm
    from transformers import AutoConfig

    from summarize.bench.noweights import forced_settings
    from summarize.engines.runtime import pick_device

    engines = parse_engines(",".join(run.engines))
    card = _timed_card(run)
    device = pick_device(run.device)
    source = _model_folder(run, card)
    batches = _inputs(run, card, source)
    vocabulary = AutoConfig.from_pretrained(source).vocab_size
    # A translation's outputs are scored for their confidence, as `translate` asks.
    settings = {**forced_settings(run.output_tokens, run.beams), "scored": card.task == "translation"}
    stores = {
        engine_label(e): RunStore(
            out / engine_label(e).replace(":", "-"), {**asdict(run), "engine": engine_label(e), "device": device}, fresh
        )
        for e in engines
    }
    workers = {}
    try:
        for engine in engines:
            spec = {
                "runtime": engine[0],
                "folder": str(_engine_folder(engine, source, card, run, device)),
                "task": card.task,
                "device": device,
                "dtype": run.dtype if engine[0] == "transformers" else None,
                "threads": run.threads,
                "batches": batches,
                "settings": settings,
            }
            workers[engine_label(engine)] = Worker(engine_label(engine), spec)
        ready = {label: worker.receive() for label, worker in workers.items()}
        gate = Gate(run.quiet_threshold)
        if not gate.enabled:
            notify("no /proc here: calls are not gated on a quiet machine")
        for index in range(run.warmup):
            for worker in workers.values():
                worker.send(f"run {index}")
                worker.receive()
        pending = [(i, label) for i in range(run.runs) for label in workers if f"call-{i}" not in stores[label].done]
        for index, label in tqdm(pending, desc="bench latency", unit="call", disable=not progress):
            stores[label].append([_timed_call(workers[label], gate, index, run, len(batches))])
        memory = {label: worker.stop() for label, worker in workers.items()}
    finally:
        for worker in workers.values():
            if worker.process.poll() is None:
                worker.process.kill()
    summaries = {
        label: _summary(run, card, stores[label], ready[label], memory[label], device, label, batches, vocabulary)
        for label in workers
    }
    for label, summary in summaries.items():
        _finish(stores[label], summary, notify)
    if all(store.writable for store in stores.values()):
        (out / "comparison.md").write_text(comparison(summaries), encoding="utf-8")
    return summaries


def _timed_call(worker: Worker, gate: Gate, index: int, run: LatencyRun, batch_count: int) -> dict:
    """One call on batch `index`, repeated while other processes were busy during it."""
    waited, retries = 0.0, 0
    while True:
        waited += gate.wait_until_quiet()
        start = gate.read(worker.process.pid)
        worker.send(f"run {index}")
        reply = worker.receive()
        others = gate.others_share(start, gate.read(worker.process.pid)) if gate.enabled else None
        if others is None or others <= gate.threshold or retries >= MAX_RETRIES:
            break
        retries += 1
    wrong = [n for n in reply["lengths"] if n != run.output_tokens]
    if wrong:
        raise EngineUnavailableError(
            f"engine {worker.label} made {wrong[0]} new tokens where {run.output_tokens} were forced: its times would not compare"
        )
    return {
        "id": f"call-{index}",
        "batch": index % batch_count,
        "seconds": round(reply["seconds"], 6),
        "rows": len(reply["lengths"]),
        "generated_tokens": sum(reply["lengths"]),
        "others_cpu_share": None if others is None else round(others, 3),
        "quiet": others is None or others <= gate.threshold,
        "retries": retries,
        "waited_s": round(waited, 2),
    }


def _summary(
    run: LatencyRun, card: ModelCard, store: RunStore, ready: dict, memory: dict, device: str, label, batches, vocabulary: int
) -> dict:
    items = sorted(store.items, key=lambda i: int(i["id"].split("-")[1]))
    seconds = [i["seconds"] for i in items]
    source_tokens = sum(sum(len(ids) for ids in batches[i["batch"]]) for i in items)
    timing = summarize_timings(seconds, sum(i["rows"] for i in items), source_tokens, sum(i["generated_tokens"] for i in items))
    timing.update(
        per=f"generate call on a batch of {run.batch_size}",
        min_s=round(min(seconds), 6),
        max_s=round(max(seconds), 6),
        per_item_p50_s=round(timing["p50_s"] / run.batch_size, 6),
        ms_per_output_token_p50=round(1000 * timing["p50_s"] / run.output_tokens, 3),
        peak_rss_mb=memory["peak_rss_mb"],
        peak_gpu_mb=memory["peak_gpu_mb"],
    )
    inputs = sorted(len(ids) for batch in batches for ids in batch)
    return {
        "kind": "latency",
        "model": {
            "alias": card.alias,
            "hub_id": card.hub_id,
            "revision": card.revision,
            **ready["describe"],
            "engine": label.split(":")[0],
            "label": label,
            "device": device,
            "weights": "random" if run.no_weights else "real",
        },
        "settings": asdict(run),
        "inputs": {
            "source": run.dataset or "random ids",
            "tokens_min": inputs[0],
            "tokens_median": statistics.median(inputs),
            "tokens_max": inputs[-1],
            "vocabulary": vocabulary,
        },
        "latency": timing,
        "gate": {
            "threshold": run.quiet_threshold,
            "retried_calls": sum(i["retries"] for i in items),
            "calls_kept_noisy": sum(not i["quiet"] for i in items),
            "waited_s": round(sum(i["waited_s"] for i in items), 1),
        },
        "load_seconds": round(ready["load_seconds"], 3),
        "environment": environment(ready["describe"].get("threads")),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _finish(store: RunStore, summary: dict, notify) -> None:
    from summarize.bench.report import write_report

    if store.write_summary(summary) is None:
        notify(f"{store.folder} is read-only: the run is reported here, nothing is written")
        return
    write_report(store.folder, summary, store.items)


def comparison(summaries: dict[str, dict]) -> str:
    """The engines of one run side by side: median and range per call, ratio to the first."""
    first = next(iter(summaries.values()))
    s = first["settings"]
    lines = [
        f"{first['model']['alias']} ({first['model']['weights']} weights, {first['model']['device']}), "
        f"{first['inputs']['source']} of {first['inputs']['tokens_median']:g} tokens (median) in / {s['output_tokens']} out, "
        f"batch {s['batch_size']}, beams {s['beams']}; {s['runs']} interleaved calls per engine, "
        f"each gated on other processes' CPU use <= {s['quiet_threshold']:.0%}",
        "",
        "| engine | median s | range s | ms/token | tokens/s | x first | peak RSS MiB | peak GPU MiB | retried | noisy kept |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    base = first["latency"]["p50_s"]
    for label, summary in summaries.items():
        t, g = summary["latency"], summary["gate"]
        gpu = "-" if t["peak_gpu_mb"] is None else f"{t['peak_gpu_mb']:.0f}"
        lines.append(
            f"| {label} | {t['p50_s']:.3f} | {t['min_s']:.3f}-{t['max_s']:.3f} | {t['ms_per_output_token_p50']:.2f} "
            f"| {t['generated_tokens_per_s']:.1f} | {base / t['p50_s']:.2f}x | {t['peak_rss_mb']:.0f} "
            f"| {gpu} | {g['retried_calls']} | {g['calls_kept_noisy']} |"
        )
    for label, summary in summaries.items():
        kept, vocabulary = summary["model"].get("output_vocabulary"), summary["inputs"].get("vocabulary")
        if kept and vocabulary:
            share = f"{kept:,} target pieces of the {vocabulary:,}-piece vocabulary ({kept / vocabulary:.1%})"
            lines.append(f"\n{label}: output limited to the {share}.")
    env = first["environment"]
    caps = ", ".join(f"{k}={v}" for k, v in env.get("isa_caps", {}).items())
    lines += [
        "",
        f"{env['cpu']} ({', '.join(env.get('cpu_features', [])) or 'features unknown'}), {env['cores']} cores; "
        f"CPU class {env.get('cpu_class', 'unknown')}" + (f" ({caps})" if caps else "") + ".",
    ]
    return "\n".join(lines) + "\n"
