"""Where a chat model's CTranslate2 decode step goes: ms/token of the int8 conversion of the
random-weight Qwen2.5-0.5B architecture after a short and after a long prompt (the difference is
the cost of the growing attention cache), with CTranslate2's packed int8 GEMM off and on; each
setting in its own process, best of --runs calls (each gated on a quiet machine as the harness
does), called directly on ctranslate2.Generator.

    python benchmarks/llm_decode_profile.py [--runs 2] [--tokens 32]

The weights read per step (the model.bin size) and the memory floor at --bandwidth GB/s are
printed beside them."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

PROMPTS = (16, 1024)
SETTINGS = {"default": {}, "packed GEMM": {"CT2_USE_EXPERIMENTAL_PACKED_GEMM": "1"}}


def measure(folder: str, prompt: int, tokens: int, runs: int) -> float:
    """ms/token of `tokens` greedy steps after a `prompt`-token prompt (this process)."""
    import ctranslate2
    import numpy as np

    from summarize.bench.quiet import Gate
    from summarize.runtimes import cpu

    cpu.cap_runtimes()
    generator = ctranslate2.Generator(folder, device="cpu", compute_type="int8", intra_threads=cpu.threads())
    vocabulary = json.loads(open(os.path.join(folder, "vocabulary.json"), encoding="utf-8").read())
    ids = [vocabulary[i] for i in np.random.default_rng(0).integers(1000, 30000, prompt)]

    gate = Gate()

    def seconds(new: int) -> float:
        """One call's seconds, on a quiet machine: retried (up to 5 times) while other processes
        used more than the harness's threshold of the cores during it."""
        for _ in range(5):
            gate.wait_until_quiet()
            before, start = gate.read(os.getpid()), time.perf_counter()
            generator.generate_batch([ids], max_length=new, min_length=new, sampling_topk=1, include_prompt_in_result=False)
            elapsed = time.perf_counter() - start
            if gate.others_share(before, gate.read(os.getpid())) <= gate.threshold:
                break
        return elapsed

    seconds(2)
    best = {new: min(seconds(new) for _ in range(runs)) for new in (1, tokens + 1)}
    return 1000 * (best[tokens + 1] - best[1]) / tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--bandwidth", type=float, default=27.0, help="GB/s the cores read large arrays at")
    parser.add_argument("--measure", nargs=2, metavar=("FOLDER", "PROMPT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(measure(args.measure[0], int(args.measure[1]), args.tokens, args.runs))
        return
    from summarize.bench.noweights import random_conversion

    folder = str(random_conversion("qwen2.5-0.5b-instruct", "summarization", "int8", "ctranslate2"))
    weights = os.path.getsize(os.path.join(folder, "model.bin")) / 1e9
    floor = weights / args.bandwidth * 1000
    print(f"qwen2.5-0.5b-instruct int8 (random weights): {weights * 1000:.0f} MB read per step, ", end="")
    print(f"floor {floor:.1f} ms/token at {args.bandwidth:g} GB/s\n")
    print("| setting | " + " | ".join(f"prompt {p}, ms/token" for p in PROMPTS) + " |")
    print("|---|" + "---|" * len(PROMPTS))
    for name, variables in SETTINGS.items():
        row = []
        for prompt in PROMPTS:
            command = [sys.executable, __file__, "--measure", folder, str(prompt), "--runs", str(args.runs)]
            command += ["--tokens", str(args.tokens)]
            done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **variables}, check=True)
            row.append(f"{float(done.stdout.strip().splitlines()[-1]):.1f}")
        print(f"| {name} | " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
