"""What the fact check flags on faithful translations (its false alarms), and how long it takes
on the largest input.

    python benchmarks/factcheck.py [--sentences 200] [--pairs spa,fra]

The human references of the first N FLORES-200 dev sentences are checked as if they were the
translations of their sources: every span flagged there is a false alarm (or the reference's own
liberty). Then one summary is checked against 20 MiB of English paragraphs."""

from __future__ import annotations

import argparse
import collections
import time

from summarize.bench.environment import describe

LANGUAGES = {"spa": "es", "fra": "fr", "deu": "de", "ita": "it", "por": "pt"}
PARAGRAPH = (
    "The Ayuntamiento de Valencia approved on Monday a budget of 120,000 euros for the Turia gardens, said Mayor Joan Ribó. "
)
SUMMARY = (
    'Mayor Joan Ribó said on Monday that Valencia approved 120,000 euros for the Turia gardens and "a new bridge in Madrid".'
)


def false_alarms(pair: str, count: int) -> None:
    from summarize.bench.datasets import load
    from summarize.text.factcheck import check

    _, records = load(f"flores200-{pair}-eng-dev", "translation", limit=count)
    kinds: collections.Counter = collections.Counter()
    examples = collections.defaultdict(list)
    flagged = 0
    for record in records:
        found = check(record["ref"], "en", [(record["src"], LANGUAGES[pair])], both_ways=True)
        for span, kind in found["unsupported"]:
            kinds[kind] += 1
            examples[kind].append(span)
        kinds["missing number"] += len(found["missing"])
        flagged += bool(found["unsupported"] or found["missing"])
    print(f"{pair}->eng, {len(records)} references: {flagged} flagged ({flagged / len(records):.0%}); {dict(kinds)}")
    for kind, spans in examples.items():
        print(f"  {kind}: {', '.join(spans[:12])}")


def largest_input() -> None:
    from summarize.text.factcheck import check

    paragraph = PARAGRAPH * 8
    sources = [(paragraph, "en")] * (20 * 2**20 // len(paragraph))
    start = time.perf_counter()
    found = check(SUMMARY, "en", sources, both_ways=False)
    print(f"a summary against 20 MiB of English ({len(sources):,} paragraphs): {time.perf_counter() - start:.1f} s, {found}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--pairs", default="spa,fra")
    args = parser.parse_args()
    info = describe()
    print(f"CPU: {info['cpu']} ({info['cpu_class']}; {', '.join(info['cpu_features'])}), {info['cores']} cores")
    for pair in args.pairs.split(","):
        false_alarms(pair, args.sentences)
    largest_input()


if __name__ == "__main__":
    main()
