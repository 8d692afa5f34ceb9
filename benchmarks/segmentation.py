"""Sentence-boundary recall on FLORES-200 dev paragraphs (issue: long articles and many languages).

Paragraphs are built by joining 5 to 20 consecutive dev lines (seeded). A boundary between two
joined lines is *findable* when the line before it ends in sentence-final punctuation, possibly
followed by closing quotes or brackets. Prints, per language, the share of findable boundaries
found, and the splits made inside lines (counted and listed, not scored: some lines hold two
sentences).

    python benchmarks/segmentation.py [--segmenter summarize|pysbd] [--split dev|devtest] [--show 20]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time

from summarize.bench.datasets import script_data

FINDABLE = re.compile(r"[.!?…][\"'”’»)\]]*$")


def paragraphs_of(lines: list[str], seed: int = 13) -> list[list[str]]:
    rng = random.Random(seed)
    groups, start = [], 0
    while start < len(lines):
        size = rng.randint(5, 20)
        groups.append(lines[start : start + size])
        start += size
    return groups


def boundary_offsets(pieces: list[str], text: str) -> set[int]:
    """Character offsets in `text` where each piece after the first starts."""
    offsets, cursor = set(), 0
    for index, piece in enumerate(pieces):
        found = text.index(piece, cursor)
        if index:
            offsets.add(found)
        cursor = found + len(piece)
    return offsets


def evaluate(split, lines: list[str]) -> dict:
    found = findable = 0
    inner: list[str] = []
    missed: list[str] = []
    for group in paragraphs_of(lines):
        text = " ".join(group)
        gold = boundary_offsets(group, text)
        predicted = boundary_offsets(split(text), text)
        for line, offset in zip(group[:-1], sorted(gold)):
            if FINDABLE.search(line):
                findable += 1
                found += offset in predicted
                if offset not in predicted:
                    missed.append(text[max(0, offset - 40) : offset] + " ‖ " + text[offset : offset + 30])
        for offset in sorted(predicted - gold):
            inner.append(text[max(0, offset - 40) : offset] + " ‖ " + text[offset : offset + 30])
    return {"recall": found / findable, "found": found, "findable": findable, "inner_splits": inner, "missed": missed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segmenter", choices=["summarize", "pysbd"], default="summarize")
    parser.add_argument("--split", choices=["dev", "devtest"], default="dev")
    parser.add_argument("--show", type=int, default=10, help="misses and inner splits to list per language")
    args = parser.parse_args()
    rows = [json.loads(line) for line in script_data(f"flores200/spa_eng.{args.split}.jsonl").open(encoding="utf-8")]
    for language, side in (("es", "src"), ("en", "ref")):
        if args.segmenter == "pysbd":
            import pysbd

            segmenter = pysbd.Segmenter(language=language, clean=False)
            split = lambda text, segmenter=segmenter: [s.strip() for s in segmenter.segment(text) if s.strip()]  # noqa: E731
        else:
            from summarize.text.segment import split_sentences

            split = lambda text, language=language: split_sentences(text, language)  # noqa: E731
        start = time.perf_counter()
        result = evaluate(split, [row[side] for row in rows])
        seconds = time.perf_counter() - start
        print(
            f"{language}: {100 * result['recall']:.2f}% of findable boundaries found "
            f"({result['found']}/{result['findable']}), {len(result['inner_splits'])} splits inside lines, "
            f"{seconds:.2f} s  [segmenter={args.segmenter}, FLORES-200 {args.split}, {len(rows)} lines]"
        )
        for example in result["missed"][: args.show]:
            print(f"    missed: …{example}…")
        for example in result["inner_splits"][: args.show]:
            print(f"    inside: …{example}…")


if __name__ == "__main__":
    main()
