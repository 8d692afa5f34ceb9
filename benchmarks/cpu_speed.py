"""The converted CPU engines against transformers on the named no-weights workloads: a thin
caller of the harness, `summarize bench latency --no-weights --workload W --engine ...`, which
runs each engine in its own process, interleaves and gates the calls on a quiet machine, checks
every row's output length and caches the random-weight conversions.

    python benchmarks/cpu_speed.py [--runs 5] [--only distilbart,opus-b16] [--engines transformers,ctranslate2,openvino]
                                   [--cpu-class avx512_vnni|avx2]

Each workload's table (medians, ranges, ratios to transformers) is printed and kept in
benchmarks/runs/cpu-speed-WORKLOAD/comparison.md."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from summarize.bench.workloads import WORKLOADS

DEFAULT = ("opus-b16", "opus-b1", "distilbart", "distilbart-b4")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default=",".join(DEFAULT), help=f"comma-separated, of {', '.join(WORKLOADS)}")
    parser.add_argument("--engines", default="transformers,ctranslate2,openvino")
    parser.add_argument("--cpu-class", default=None, help="cap the CPU to a lower class (SUMMARIZE_CPU_CLASS)")
    args = parser.parse_args()
    env = {**os.environ, **({"SUMMARIZE_CPU_CLASS": args.cpu_class} if args.cpu_class else {})}
    suffix = f"-{args.cpu_class}" if args.cpu_class else ""
    for workload in args.only.split(","):
        command = ["bench", "latency", "--no-weights", "--workload", workload, "--engine", args.engines]
        command += ["--runs", str(args.runs), "--out", f"benchmarks/runs/cpu-speed-{workload}{suffix}", "--fresh", "-q"]
        print(f"\n## {workload}{suffix}\n", flush=True)
        subprocess.run([sys.executable, "-m", "summarize", *command], check=True, env=env)


if __name__ == "__main__":
    main()
