"""Language identification accuracy on FLORES-200 dev sentences (six languages).

Each sentence of `../shared/data/flores200/*_eng.dev.jsonl` is detected on its own: the source
side of the five pairs, and the English side once. Prints accuracy per language and overall,
and the errors.

    python benchmarks/language_id.py [--show 20]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from summarize.pipeline import supported_languages
from summarize.text.langdetect import detect_sentences

FLORES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "flores200"
PAIRS = {"es": "spa", "fr": "fra", "de": "deu", "it": "ita", "pt": "por"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=10)
    args = parser.parse_args()
    items: list[tuple[str, str]] = []
    for language, code in PAIRS.items():
        rows = [json.loads(line) for line in (FLORES / f"{code}_eng.dev.jsonl").open(encoding="utf-8")]
        items += [(language, row["src"]) for row in rows]
        if language == "es":
            items += [("en", row["ref"]) for row in rows]
    languages = supported_languages()
    start = time.perf_counter()
    predicted = detect_sentences([text for _, text in items], languages)
    seconds = time.perf_counter() - start
    right, total, errors = Counter(), Counter(), []
    for (gold, text), guess in zip(items, predicted):
        total[gold] += 1
        right[gold] += guess == gold
        if guess != gold:
            errors.append(f"{gold}->{guess}: {text[:80]}")
    for language in sorted(total):
        print(f"  {language}: {100 * right[language] / total[language]:.2f}% ({right[language]}/{total[language]})")
    overall = sum(right.values()) / sum(total.values())
    print(f"language id accuracy: {100 * overall:.2f}% on {sum(total.values())} FLORES-200 dev sentences, "
          f"{seconds:.1f} s [lingua, restricted to {','.join(languages)}]")
    for error in errors[: args.show]:
        print(f"    {error}")


if __name__ == "__main__":
    main()
