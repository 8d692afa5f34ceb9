"""The converted CPU engines (CTranslate2, OpenVINO) against transformers, interleaved, on
no-weights architectures.

Each engine runs in its own worker process (so peak RSS is its own), loads the card's
architecture with random weights (converted to int8 for CTranslate2 and OpenVINO), and the parent
alternates timed calls between them. Output lengths are forced on both. Prints medians, the ratios the
issue asks for, ms per generated token and peak RSS.

Engines:
  transformers   the transformers engine, fp32, torch's default threads
  ct2-defaults   CTranslate2 int8 with its default settings (AVX2 kernels, all cores on one batch)
  ct2            the ctranslate2 engine's CPU path (int8, AVX-512 where present, thread plan of
                 summarize/engines/ctranslate2.py)
  openvino       the openvino engine: int8 decoder weights, the encoder in bfloat16 where the
                 CPU has bfloat16 units, the numpy search of summarize/engines/search.py
  ct2-target-vocab  (Marian only) the same, with the output limited to the target side of the
                 shared vocabulary, as the engine does for OPUS-MT conversions. Random weights have
                 no target side: half the vocabulary stands in for it (an assumption; the real
                 share is the size of the model's target.spm).

    python benchmarks/cpu_speed.py [--runs 5] [--only opus-b16|opus-b1|distilbart|distilbart-b4]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKLOADS = {
    "opus-b16": dict(model="opus-mt-es-en", task="translation", batch=16, beams=4, input=40, output=40),
    "opus-b1": dict(model="opus-mt-es-en", task="translation", batch=1, beams=1, input=40, output=40),
    "distilbart": dict(model="distilbart-cnn-12-6", task="summarization", batch=1, beams=4, input=1024, output=64),
    # A long article's map step: several full chunks summarised together.
    "distilbart-b4": dict(model="distilbart-cnn-12-6", task="summarization", batch=4, beams=4, input=1024, output=64),
}


def prepare(workload: dict, folder: str) -> None:
    """Convert the random-weight architecture to int8 and save the input tokens (own process,
    so that no CTranslate2 worker ever holds the torch model)."""
    from summarize.bench.noweights import build_random_model, convert_random_model, random_inputs
    from summarize.cards import lookup

    model = build_random_model(lookup(workload["model"]))
    inputs = random_inputs(model, workload["batch"], workload["input"], "cpu")
    convert_random_model(model, "int8", folder)
    if workload["model"].startswith(("distilbart", "opus-mt")):
        from summarize.conversions.openvino_writer import export_bart

        os.makedirs(os.path.join(folder, "openvino"))
        export_bart(model, Path(folder, "openvino"), "int8")
        model.config.save_pretrained(os.path.join(folder, "openvino"))
    with open(os.path.join(folder, "input_ids.json"), "w", encoding="utf-8") as handle:
        json.dump(inputs["input_ids"].tolist(), handle)
    vocabulary = json.load(open(os.path.join(folder, "shared_vocabulary.json"), encoding="utf-8"))
    tokens = [[vocabulary[i] for i in row] for row in inputs["input_ids"].tolist()]
    with open(os.path.join(folder, "inputs.json"), "w", encoding="utf-8") as handle:
        json.dump(tokens, handle)
    if workload["model"].startswith("opus-mt"):
        with open(os.path.join(folder, "vmap.txt"), "w", encoding="utf-8") as handle:
            handle.write("\t" + " ".join(vocabulary[: len(vocabulary) // 2]) + "\n")


def worker(engine: str, workload: dict, folder: str) -> None:
    """Load, then answer each 'run' line on stdin with the call's seconds; 'quit' with peak RSS."""
    if engine == "ct2-defaults":
        os.environ.pop("CT2_FORCE_CPU_ISA", None)
    if engine == "transformers":
        import torch

        from summarize.bench.noweights import build_random_model, forced_generation_config, random_inputs
        from summarize.cards import lookup

        model = build_random_model(lookup(workload["model"]))
        inputs = random_inputs(model, workload["batch"], workload["input"], "cpu")
        config = forced_generation_config(model, workload["output"], workload["beams"])

        def call() -> int:
            with torch.inference_mode():
                return model.generate(**inputs, generation_config=config).shape[1] - 1
    elif engine == "openvino":
        from summarize.engines.openvino import OVRunner
        from summarize.engines.search import SearchSettings

        config = json.load(open(os.path.join(folder, "openvino", "config.json"), encoding="utf-8"))
        runner = OVRunner(Path(folder, "openvino"), "int8")
        ids = json.load(open(os.path.join(folder, "input_ids.json"), encoding="utf-8"))
        settings = SearchSettings(
            start_token_id=config["decoder_start_token_id"],
            eos_token_id=config["eos_token_id"],
            pad_token_id=config["pad_token_id"],
            num_beams=workload["beams"],
            max_new_tokens=workload["output"],
            min_new_tokens=workload["output"],
        )

        def call() -> int:
            return len(runner.generate_ids(ids, config["pad_token_id"], settings)[0])
    else:
        from summarize.engines.ctranslate2 import import_ctranslate2, thread_plan

        ctranslate2 = __import__("ctranslate2") if engine == "ct2-defaults" else import_ctranslate2()
        tokens = json.load(open(os.path.join(folder, "inputs.json"), encoding="utf-8"))
        intra, inter = (0, 1) if engine == "ct2-defaults" else thread_plan(workload["task"], "cpu")
        translator = ctranslate2.Translator(folder, device="cpu", compute_type="int8", intra_threads=intra, inter_threads=inter)
        options = dict(
            beam_size=workload["beams"],
            max_decoding_length=workload["output"],
            min_decoding_length=workload["output"],
            return_scores=False,
            max_batch_size=math.ceil(workload["batch"] / inter),
            use_vmap=engine == "ct2-target-vocab",
        )

        def call() -> int:
            return len(translator.translate_batch(tokens, **options)[0].hypotheses[0])

    call()  # warm-up
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "quit":
            break
        start = time.perf_counter()
        produced = call()
        print(json.dumps({"seconds": time.perf_counter() - start, "tokens": produced}), flush=True)
    print(json.dumps({"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)


def measure(name: str, workload: dict, engines: list[str], runs: int) -> dict:
    folder = tempfile.mkdtemp(prefix=f"ct2-bench-{name}-")
    subprocess.run([sys.executable, __file__, "--prepare", folder, "--only", name], check=True)
    workers = {
        e: subprocess.Popen(
            [sys.executable, __file__, "--worker", e, "--only", name, "--folder", folder],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for e in engines
    }
    for process in workers.values():
        assert process.stdout.readline().strip() == "ready"
    times: dict[str, list[float]] = {e: [] for e in engines}
    for _ in range(runs):
        for engine, process in workers.items():  # interleaved: one call each, in turn
            process.stdin.write("run\n")
            process.stdin.flush()
            reply = json.loads(process.stdout.readline())
            assert reply["tokens"] == workload["output"], reply
            times[engine].append(reply["seconds"])
    results = {}
    for engine, process in workers.items():
        process.stdin.write("quit\n")
        process.stdin.flush()
        rss = json.loads(process.stdout.readline())["peak_rss_mb"]
        process.wait()
        median = statistics.median(times[engine])
        generated = workload["batch"] * workload["output"]
        results[engine] = {
            "median_s": median,
            "tokens_per_s": generated / median,
            "ms_per_token": 1000 * median / workload["output"],
            "peak_rss_mb": rss,
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=sorted(WORKLOADS), default=None)
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--folder", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(WORKLOADS[args.only], args.prepare)
        return
    if args.worker:
        worker(args.worker, WORKLOADS[args.only], args.folder)
        return
    for name in [args.only] if args.only else list(WORKLOADS):
        w = WORKLOADS[name]
        engines = ["transformers", "ct2-defaults", "ct2"]
        if w["model"].startswith("opus-mt"):
            engines.append("ct2-target-vocab")
        engines.append("openvino")
        results = measure(name, w, engines, args.runs)
        print(
            f"\n{w['model']} (random weights), {w['input']} in / {w['output']} out, batch {w['batch']}, "
            f"beams {w['beams']}; medians of {args.runs} interleaved calls"
        )
        for engine, r in results.items():
            print(
                f"  {engine:16s} {r['median_s']:7.3f} s  {r['tokens_per_s']:8.1f} tok/s  "
                f"{r['ms_per_token']:7.2f} ms/token  peak RSS {r['peak_rss_mb']:7.0f} MiB"
            )
        base = results["transformers"]
        for engine in engines[1:]:
            print(
                f"  {engine} / transformers: {results[engine]['tokens_per_s'] / base['tokens_per_s']:.2f}x tokens/s, "
                f"peak RSS {results[engine]['peak_rss_mb'] / base['peak_rss_mb']:.2f}x"
            )


if __name__ == "__main__":
    main()
