"""Prefill tokens/s and decode ms/token of a chat model on transformers and on its CTranslate2
int8 conversion, through `bench latency` (each engine in its own process, calls interleaved and
gated on a quiet machine): the random-weight Qwen2.5-0.5B architecture, a 1,024-token prompt, batch 1.

    python benchmarks/llm_speed.py [--runs 5] [--out bench-results]

Two workloads: `qwen-prefill` (1 new token: the prompt's read) and `qwen-decode` (128 new
tokens); decode ms/token = (decode median - prefill median) / 127."""

from __future__ import annotations

import argparse
from pathlib import Path

from summarize.bench.speed import comparison, run_latency
from summarize.bench.workloads import LatencyRun

ENGINES = ("transformers", "ctranslate2")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    args = parser.parse_args()
    medians: dict[str, dict[str, float]] = {}
    for workload in ("qwen-prefill", "qwen-decode"):
        run = LatencyRun.from_workload(workload, engines=ENGINES, no_weights=True, runs=args.runs, warmup=1)
        summaries = run_latency(run, args.out / f"latency-{workload}", fresh=True, notify=print, progress=False)
        print(comparison(summaries), "\n")
        for label, summary in summaries.items():
            medians.setdefault(label, {})[workload] = summary["latency"]["p50_s"]
    prompt, answer = LatencyRun.from_workload("qwen-prefill").input_tokens, LatencyRun.from_workload("qwen-decode").output_tokens
    print("| engine | prefill tokens/s | decode ms/token | x transformers (decode) |")
    print("|---|---|---|---|")
    decode = {e: 1000 * (m["qwen-decode"] - m["qwen-prefill"]) / (answer - 1) for e, m in medians.items()}
    for engine, m in medians.items():
        print(
            f"| {engine} | {prompt / m['qwen-prefill']:.0f} | {decode[engine]:.1f} | "
            f"{decode['transformers'] / decode[engine]:.2f}x |"
        )


if __name__ == "__main__":
    main()
