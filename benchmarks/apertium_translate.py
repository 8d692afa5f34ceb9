"""`summarize translate` through Apertium against `apertium -u spa-eng` run directly.

Source: `../shared/data/newstest2013/spa_eng.test.jsonl` (3,000 sentences). The direct run gets
one sentence per line; `summarize` gets the same sentences joined into a document of paragraphs
(up to four sentences each; a line without final punctuation, such as a headline, ends its
paragraph, as it would in real copy) and must find the sentences again. Its output is mapped back to the
source lines through the sentence alignment (`--format json`). Both are scored with chrF
(sacrebleu) against the references, and timed end to end as subprocesses, start-up included
(median of --runs, interleaved).

    python benchmarks/apertium_translate.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sacrebleu

from summarize.bench.datasets import script_data

SENTENCES_PER_PARAGRAPH = 4
FINAL = re.compile(r"[.!?…][\"'”’»)\]]*$")


def make_paragraphs(lines: list[str]) -> list[list[str]]:
    """Consecutive lines, up to SENTENCES_PER_PARAGRAPH each; unpunctuated lines end a paragraph."""
    paragraphs, current = [], []
    for line in lines:
        current.append(line)
        if len(current) == SENTENCES_PER_PARAGRAPH or not FINAL.search(line):
            paragraphs.append(current)
            current = []
    return paragraphs + ([current] if current else [])


def timed(command: list[str], stdin_path: Path | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    with open(stdin_path or "/dev/null", "rb") as stdin:
        done = subprocess.run(command, stdin=stdin, capture_output=True, check=True)
    return time.perf_counter() - start, done.stdout.decode("utf-8")


def lines_from_alignment(result: dict, paragraphs: list[list[str]]) -> list[str]:
    """Each source line's translation: the translations of the sentences that start in it."""
    hypotheses: list[str] = []
    rows = iter(result["alignment"])
    row = next(rows, None)
    for index, lines in enumerate(paragraphs):
        text = " ".join(lines)
        starts, cursor = [], 0
        for line in lines:
            starts.append(text.index(line, cursor))
            cursor = starts[-1] + len(line)
        pieces: list[list[str]] = [[] for _ in lines]
        cursor = 0
        while row is not None and row["paragraph"] == index:
            position = text.index(row["source"], cursor)
            cursor = position + len(row["source"])
            owner = max(i for i, start in enumerate(starts) if start <= position)
            pieces[owner].append(row["translation"])
            row = next(rows, None)
        hypotheses += [" ".join(p) for p in pieces]
    return hypotheses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = [json.loads(line) for line in script_data("newstest2013/spa_eng.test.jsonl").open(encoding="utf-8")]
    sources = [r["src"] for r in rows]
    references = [r["ref"] for r in rows]
    paragraphs = make_paragraphs(sources)
    work = Path(tempfile.mkdtemp())
    (work / "lines.es").write_text("\n".join(sources) + "\n", encoding="utf-8")
    (work / "document.es.txt").write_text("\n\n".join(" ".join(p) for p in paragraphs) + "\n", encoding="utf-8")
    summarize = [
        sys.executable,
        "-m",
        "summarize",
        "translate",
        str(work / "document.es.txt"),
        "--to",
        "en",
        "--engine",
        "apertium",
        "--format",
        "json",
    ]
    direct_times, ours_times = [], []
    for _ in range(args.runs):
        seconds, direct_out = timed(["apertium", "-u", "spa-eng"], work / "lines.es")
        direct_times.append(seconds)
        seconds, ours_out = timed(summarize)
        ours_times.append(seconds)
    direct = direct_out.rstrip("\n").split("\n")
    ours = lines_from_alignment(json.loads(ours_out), paragraphs)
    assert len(direct) == len(ours) == len(references)
    metric = sacrebleu.metrics.CHRF()
    chrf_direct = metric.corpus_score(direct, [references])
    chrf_ours = metric.corpus_score(ours, [references])
    signature = metric.get_signature()
    t_direct, t_ours = statistics.median(direct_times), statistics.median(ours_times)
    print(f"apertium -u spa-eng (one sentence per line): chrF {chrf_direct.score:.2f}, {t_direct:.2f} s")
    print(
        f"summarize translate --engine apertium (document of {len(paragraphs)} paragraphs): "
        f"chrF {chrf_ours.score:.2f}, {t_ours:.2f} s"
    )
    print(
        f"chrF difference {chrf_ours.score - chrf_direct.score:+.2f} (target within 0.3); "
        f"time ratio {t_ours / t_direct:.2f}x (target at most 1.5x); medians of {args.runs} interleaved runs"
    )
    print(f"signature: {signature}; newstest2013 es-en, {len(sources)} sentences")


if __name__ == "__main__":
    main()
