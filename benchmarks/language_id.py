"""Language identification accuracy on FLORES-200 dev sentences (six languages).

Each sentence of `../shared/data/flores200/*_eng.dev.jsonl` is detected on its own: the source
side of the five pairs, and the English side once. Prints accuracy per language and overall,
and the errors; then how many of these served-language sentences the check for unserved
languages (`detect`, which names a language nothing here translates) would wrongly refuse, and
how many, taken one by one as paragraphs of a document in their own language, would wrongly be
given another language (`detect_paragraphs`); and what lingua's detectors over every language
cost to load, in low and high accuracy mode (each in a fresh process).

    python benchmarks/language_id.py [--show 20]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter

from summarize.bench.datasets import script_data
from summarize.core.steps import supported_languages
from summarize.errors import LanguageError
from summarize.text.langdetect import detect, detect_paragraphs, detect_sentences

PAIRS = {"es": "spa", "fr": "fra", "de": "deu", "it": "ita", "pt": "por"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=10)
    args = parser.parse_args()
    items: list[tuple[str, str]] = []
    for language, code in PAIRS.items():
        rows = [json.loads(line) for line in script_data(f"flores200/{code}_eng.dev.jsonl").open(encoding="utf-8")]
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
    print(
        f"language id accuracy: {100 * overall:.2f}% on {sum(total.values())} FLORES-200 dev sentences, "
        f"{seconds:.1f} s [lingua, restricted to {','.join(languages)}]"
    )
    for error in errors[: args.show]:
        print(f"    {error}")
    for size in (1, 3):
        _refusals(items, languages, size, args.show)
    switched = []
    for gold in sorted({g for g, _ in items}):
        texts = [text for g, text in items if g == gold]
        switched += [
            f"{gold}->{found}: {text[:70]}"
            for found, text in zip(detect_paragraphs(texts, languages, gold), texts)
            if found != gold
        ]
    print(
        f"paragraphs wrongly given another language: {len(switched)} of {len(items)} "
        f"({100 * len(switched) / len(items):.2f}%) [detect_paragraphs(), one sentence a paragraph]"
    )
    for line in switched[: args.show]:
        print(f"    {line}")
    for mode in ("low", "high"):
        print(_load_cost(mode))


# Peak memory from /proc (VmHWM): getrusage's maximum survives exec and would report the parent's.
_LOAD = (
    "import sys, time; from lingua import LanguageDetectorBuilder as B; start = time.perf_counter(); "
    "b = B.from_all_languages(); b = b.with_low_accuracy_mode() if sys.argv[1] == 'low' else b; "
    "b.build().compute_language_confidence_values('El Ayuntamiento aprobó ayer un plan de obras.'); "
    "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]; "
    "print(f'{time.perf_counter() - start:.2f} s, peak RSS {int(peak) / 1024:.0f} MiB')"
)


def _load_cost(mode: str) -> str:
    """Load and first call of a detector over all 75 languages, in its own process."""
    done = subprocess.run([sys.executable, "-c", _LOAD, mode], capture_output=True, text=True, check=True)
    return f"all-language detector, {mode} accuracy: load and first call {done.stdout.strip()}"


def _refusals(items: list[tuple[str, str]], languages: tuple[str, ...], size: int, show: int) -> None:
    """Served-language texts of `size` consecutive sentences that detect() refuses as unserved."""
    texts = [
        (items[i][0], " ".join(t for _, t in items[i : i + size]))
        for i in range(0, len(items) - size + 1, size)
        if len({g for g, _ in items[i : i + size]}) == 1
    ]
    refused: list[str] = []
    start = time.perf_counter()
    for gold, text in texts:
        try:
            detect(text, languages)
        except LanguageError as error:
            if "which no model card" in str(error):
                refused.append(f"{gold}: {str(error)[:60]} | {text[:60]}")
    seconds = time.perf_counter() - start
    print(
        f"wrongly refused as an unserved language: {len(refused)} of {len(texts)} texts of {size} sentence(s) "
        f"({100 * len(refused) / len(texts):.2f}%), {seconds:.1f} s [detect()]"
    )
    for line in refused[:show]:
        print(f"    {line}")


if __name__ == "__main__":
    main()
