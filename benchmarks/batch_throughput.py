"""Records per second on short articles made of newstest2013 Spanish sentences (five each):
(a) a loop calling `summarize article` once per document, (b) `summarize batch`, (c) `summarize
batch --executor ray` on a local Ray with two actors; for two engine sets: Apertium + TextRank,
and a random-weight opus-mt-es-en CTranslate2 conversion (int8; outputs bounded short with
--max-length-factor, as random weights never stop by themselves) + TextRank. Every run has the
fact check and the confidence (always on) and a glossary of news terms (benchmarks/news_terms.csv).

    python benchmarks/batch_throughput.py [--articles 500] [--loop-sample 20]

The per-document loop is timed on the first --loop-sample articles (it pays Python start-up and
the model load for each), the batch runs on all of them. Needs ../shared/data."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from summarize.bench.noweights import random_conversion

SUMMARIZE = [sys.executable, "-m", "summarize"]
GLOSSARY = ["--glossary", str(Path(__file__).with_name("news_terms.csv"))]


def articles(count: int) -> list[str]:
    from summarize.bench.datasets import load

    _, records = load("newstest2013-spa-eng", "translation", limit=count * 5)
    sentences = [r["src"] for r in records]
    return [" ".join(sentences[i * 5 : i * 5 + 5]) for i in range(count)]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode not in (0, 9):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--loop-sample", type=int, default=20)
    args = parser.parse_args()
    texts = articles(args.articles)
    folder = Path(tempfile.mkdtemp(prefix="batch-throughput-"))
    (folder / "docs").mkdir()
    for i, text in enumerate(texts):
        (folder / "docs" / f"a{i:04d}.txt").write_text(text, encoding="utf-8")
    engines = {
        "Apertium + TextRank": ["--engine", "auto", "--summarizer", "textrank"],
        "random opus-mt CTranslate2 int8 + TextRank": [
            "--translator",
            str(random_conversion("opus-mt-es-en", "translation", "int8", "ctranslate2")),
            "--summarizer",
            "textrank",
            "--max-length-factor",
            "0.25",
        ],
    }
    print(f"{len(texts)} articles of 5 newstest2013 sentences; {os.cpu_count()} cores; fact check, confidence, glossary\n")
    print("| engines | (a) loop, records/s | (b) batch, records/s | (c) batch on Ray (2 actors), records/s | b / a | c / b |")
    print("|---|---|---|---|---|---|")
    for name, options in engines.items():
        sample = sorted((folder / "docs").iterdir())[: args.loop_sample]
        loop = sum(timed([*SUMMARIZE, "article", str(path), "--from", "es", *options, *GLOSSARY, "-q"]) for path in sample)
        loop_rate = len(sample) / loop
        rates = []
        for executor in ("local", "ray"):
            out = folder / f"{executor}-{len(rates)}-{abs(hash(name))}.jsonl"
            command = [*SUMMARIZE, "batch", str(folder / "docs"), "--out", str(out), "--from", "es", *options, *GLOSSARY, "-q"]
            seconds = timed([*command, "--executor", executor])
            records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
            assert len(records) == len(texts), (executor, len(records))
            rates.append(len(texts) / seconds)
        local, ray = rates
        print(
            f"| {name} | {loop_rate:.2f} | {local:.2f} | {ray:.2f} | {local / loop_rate:.1f}x | {ray / local:.2f} |", flush=True
        )


if __name__ == "__main__":
    main()
