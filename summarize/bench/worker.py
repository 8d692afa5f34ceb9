"""One engine in its own process for `bench latency`: it loads a model folder or conversion
through the product's runtime class, then answers each `run N` line on stdin with the time of one
`generate_ids` call on batch N and the length of every row, and `quit` with its peak memory.

    python -m summarize.bench.worker SPEC.json"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from summarize.errors import first_line


def load(spec: dict):
    """The runtime's model object for the spec's folder, loaded as the engines load it (a
    conversion folder on its runtime, a model folder by transformers, a GGUF file by llama.cpp)."""
    from summarize.catalog.cards import card_for_folder, card_for_gguf
    from summarize.engines.registry import runtime_class

    if spec.get("threads"):
        os.environ["SUMMARIZE_THREADS"] = str(spec["threads"])
    path = Path(spec["folder"])
    card = card_for_gguf(str(path), spec["task"]) if path.suffix == ".gguf" else card_for_folder(path, spec["task"])
    model = runtime_class(spec["runtime"], card.chat).load(card, spec["device"], spec["task"], allow_download=False)
    if spec.get("dtype"):
        import torch

        model.model.to(getattr(torch, spec["dtype"]))
    return model


def serve(spec: dict, lines, reply) -> None:
    from transformers.utils import logging as hf_logging

    from summarize.bench.latency import Stopwatch, peak_gpu_mb, peak_rss_mb

    hf_logging.disable_progress_bar()
    started = time.perf_counter()
    model = load(spec)
    batches, settings = spec["batches"], spec["settings"]
    model.generate_ids(batches[0], settings)  # warm-up: first-call allocations and kernel choice
    reply({"ready": True, "load_seconds": time.perf_counter() - started, "describe": model.describe()})
    for line in lines:
        command, *argument = line.split()
        if command == "quit":
            break
        batch = batches[int(argument[0]) % len(batches)]
        watch = Stopwatch()
        with watch:
            generated = model.generate_ids(batch, settings)
        reply({"seconds": watch.seconds, "lengths": [len(ids) for ids in generated]})
    reply({"peak_rss_mb": peak_rss_mb(), "peak_gpu_mb": peak_gpu_mb()})


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))

    def reply(message: dict) -> None:
        print(json.dumps(message), flush=True)

    try:
        serve(spec, sys.stdin, reply)
    except Exception as exc:  # the parent reports it as this engine's one-line error
        reply({"error": f"{type(exc).__name__}: {first_line(exc)}"})


if __name__ == "__main__":
    main()
