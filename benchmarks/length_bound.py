"""Translation output bounded by the source, on a model that never stops by itself.

The full-size OPUS-MT tc-big fr-en architecture with random weights and its real tokenizer
(`../shared/data/tokenizers/opus-mt-tc-big-fr-en`), saved as a model folder. Random weights
rarely or never emit end-of-sentence, so every sentence runs to whatever bound applies: before
this bound that was the model's max_length of 512 tokens.

1. `summarize translate` of the first 14 FLORES-200 French dev sentences, as a user runs it:
   wall time, the bound it reports, and how many sentences hit it.
2. Per engine (transformers; ctranslate2 int8 with --engine ctranslate2): translating the first
   N sentences through the engine (its bound, its retries) against decoding exactly the bound,
   batch by batch, with the same model: the ratio the issue caps at 3x.

    python benchmarks/length_bound.py [--sentences 100] [--engines transformers,ctranslate2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from summarize.bench.datasets import script_data


def build(folder: Path) -> None:
    """The architecture from the tokenizer's config.json, random weights, saved as safetensors."""
    import torch
    from transformers import MarianConfig, MarianMTModel

    torch.manual_seed(0)
    tokenizer = script_data("tokenizers/opus-mt-tc-big-fr-en")
    config = MarianConfig.from_pretrained(tokenizer)
    MarianMTModel(config).save_pretrained(folder)
    for item in tokenizer.iterdir():
        if item.name not in ("config.json", "PROVENANCE.md"):
            shutil.copy(item, folder / item.name)


def sentences(count: int) -> list[str]:
    rows = [json.loads(line) for line in script_data("flores200/fra_eng.dev.jsonl").open(encoding="utf-8")]
    return [row["src"] for row in rows[:count]]


def user_run(folder: Path, work: Path) -> None:
    """`summarize translate` of 14 sentences, one per paragraph, timed from the outside."""
    source = work / "fourteen.fr.txt"
    source.write_text("\n\n".join(sentences(14)), encoding="utf-8")
    summarize = Path(sys.executable).with_name("summarize")
    start = time.perf_counter()
    done = subprocess.run(
        [str(summarize), "translate", str(source), "--from", "fr", "--model", str(folder), "--format", "json"],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    meta = json.loads(done.stdout)["metadata"]
    print(
        f"summarize translate, 14 FLORES French sentences: {seconds:.1f} s (load included); bound "
        f"{meta['translator']['output_bound']}; {meta['counts']['sentences_hit_length_bound']} of 14 "
        "ran to it after a retry"
    )


def engine_run(folder: Path, engine: str, count: int) -> None:
    """The engine's translation call (bound and retries) against decoding exactly the bound."""
    from summarize.catalog.cards import card_for_folder
    from summarize.engines.registry import engine_class

    translator = engine_class("translation", engine).from_card(card_for_folder(folder, "translation"), device="cpu")
    model = translator.model
    texts = sentences(count)
    translator.translate(texts[:2], "fr", "en")  # warm-up
    start = time.perf_counter()
    runaway = sum(translator.translate(texts, "fr", "en").ran_away)
    bounded = time.perf_counter() - start
    settings = model.generation(target="en")
    ids = [model.tokenizer(text).input_ids for text in texts]
    start = time.perf_counter()
    tokens = 0
    for batch in model._batches(sorted(range(len(ids)), key=lambda i: -len(ids[i])), ids):
        exact = model._bounded(settings, len(ids[batch[0]]))
        exact["min_new_tokens"] = exact["max_new_tokens"]
        model.generate_ids([ids[i] for i in batch], exact)
        tokens += exact["max_new_tokens"] * len(batch)
    reference = time.perf_counter() - start
    print(
        f"{engine}: {count} sentences in {bounded:.1f} s through the engine ({runaway} still at the bound after "
        f"a retry); decoding exactly the bound ({tokens} tokens, batches of up to {model.max_batch}) "
        f"{reference:.1f} s; ratio {bounded / reference:.2f}x (at most 3x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100)
    parser.add_argument("--engines", default="transformers,ctranslate2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        os.environ["SUMMARIZE_HOME"] = str(Path(work) / "conversions")
        folder = Path(work) / "opus-mt-tc-big-fr-en-random"
        build(folder)
        user_run(folder, Path(work))
        for engine in args.engines.split(","):
            engine_run(folder, engine, args.sentences)


if __name__ == "__main__":
    main()
