"""Documents per second of `article` (Spanish translated, then summarised in English) on the real
Gemma 3 270M weights on llamacpp: eight short articles (three FLORES-200 dev sentences each) given
together, as `batch` and `serve` give them (their sentences and summaries share llama.cpp's
parallel slots), against the same eight one at a time. One process, the model loaded once; the
two ways interleaved, each run gated on a quiet machine:

    python benchmarks/gguf_throughput.py [--runs 3] [--documents 8]

Needs ../shared/data (FLORES-200) and the Gemma package."""

from __future__ import annotations

import argparse
import statistics
import time

from summarize.bench.quiet import Gate

SENTENCES_PER_DOCUMENT = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--documents", type=int, default=8)
    args = parser.parse_args()
    from summarize.bench.datasets import load, script_data
    from summarize.core.pipeline import Pipeline
    from summarize.engines.llamacpp import SLOTS
    from summarize.runtimes import cpu

    _, records = load(str(script_data("flores200/spa_eng.dev.jsonl")), "translation", args.documents * 3)
    sentences = [r["src"] for r in records]
    step = SENTENCES_PER_DOCUMENT
    documents = [" ".join(sentences[i : i + step]) for i in range(0, len(sentences), step)]
    pipeline = Pipeline(to="en", source="es", translator="gemma-3-270m", summarizer="gemma-3-270m", engine="llamacpp")
    ways = {
        "one at a time": lambda: [pipeline.article(d) for d in documents],
        "together": lambda: list(pipeline.articles(documents)),
    }
    ways["together"]()  # loads the model, warms up
    gate, seconds = Gate(), {name: [] for name in ways}
    for _ in range(args.runs):
        for name, way in ways.items():
            gate.wait_until_quiet()
            start = time.perf_counter()
            results = way()
            seconds[name].append(time.perf_counter() - start)
            if any("error" in r for r in results) or len(results) != len(documents):
                raise SystemExit(f"{name}: a document failed: {results}")
    print(
        f"{len(documents)} documents of {step} sentences, article es->en on gemma-3-270m (llamacpp, {SLOTS} slots, "
        f"{cpu.threads()} threads), {args.runs} interleaved gated runs\n"
    )
    print("| way | documents/s | seconds (median, range) |")
    print("|---|---|---|")
    for name, times in seconds.items():
        middle = statistics.median(times)
        print(f"| {name} | {len(documents) / middle:.3f} | {middle:.1f} ({min(times):.1f}-{max(times):.1f}) |")
    gain = statistics.median(seconds["one at a time"]) / statistics.median(seconds["together"])
    print(f"\ntogether / one at a time: {gain:.2f}x")


if __name__ == "__main__":
    main()
