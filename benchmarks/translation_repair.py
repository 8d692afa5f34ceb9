"""What the fact check's repair does to Gemma 3 270M translations: numbers of the source lost in
the output, and chrF, before and after, with the seconds the check and its repair take.

    python benchmarks/translation_repair.py [--pairs spa,fra,deu,ita,por] [--sentences 100] [--lost]

The first N sentences of each shared FLORES-200 dev set are translated into English with the
Gemma package's GGUF file (llama.cpp), each sentence its own paragraph. A sentence whose
translation lost or added a number, a date or a name is translated again with the source's held
and the new one kept when the check finds less (core/jobs.py `_repair`); one that still adds a
number or a date is translated again clause by clause (`_translate_in_clauses`); one that still
loses or adds one is replaced by Apertium's translation where a route is installed and the check
finds less in it (`_fall_back_to_apertium`), and one that still loses one is translated clause by
clause, with what it lost held where that is not enough. "Before" puts the first translations back (the
metadata's `fact_check.repaired` holds them), "after" is what ships. Numbers lost: the source's
numbers the translation does not write, over all the numbers a translation must keep
(`factcheck.numbers_to_keep`)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from summarize.bench.environment import describe

LANGUAGES = {"spa": "es", "fra": "fr", "deu": "de", "ita": "it", "por": "pt"}
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def lost_numbers(sources: list[str], outputs: list[str], language: str) -> tuple[int, int]:
    """(numbers of the sources the outputs lost, numbers of the sources)."""
    from summarize.text.factcheck import check, numbers_to_keep

    total = sum(len(numbers_to_keep(source, language)) for source in sources)
    lost = sum(len(check(o, "en", [(s, language)], both_ways=True)["missing"]) for s, o in zip(sources, outputs))
    return lost, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", default=",".join(LANGUAGES))
    parser.add_argument("--sentences", type=int, default=100)
    parser.add_argument("--translator", default="gemma-3-270m")
    parser.add_argument("--lost", action="store_true", help="After each row, each number still lost, with its sentence.")
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} is absent: this benchmark reads the shared FLORES-200 sets")

    from sacrebleu.metrics import CHRF

    from summarize import Pipeline
    from summarize.text.document import Document
    from summarize.text.factcheck import check as check_numbers

    info = describe()
    print(f"CPU: {info['cpu']} ({info['cpu_class']}; {', '.join(info['cpu_features'])}), {info['cores']} cores")
    columns = (
        "pair, sentences, repaired, of them by Apertium, numbers lost before, after, chrF before, after, "
        "translate s, check and repair s"
    )
    print("| " + " | ".join(columns.split(", ")) + " |\n" + "|---" * len(columns.split(", ")) + "|")
    for pair in args.pairs.split(","):
        language = LANGUAGES[pair]
        path = SHARED / "flores200" / f"{pair}_eng.dev.jsonl"
        records = [json.loads(line) for line in path.open()][: args.sentences]
        sources = [r["src"] for r in records]
        pipeline = Pipeline(to="en", source=language, translator=args.translator, notify=lambda _: None)
        start = time.perf_counter()
        result = pipeline.translate(Document(tuple(sources), f"flores200-{pair}-dev"))
        wall = time.perf_counter() - start
        after = result["paragraphs"]  # a sentence per paragraph (the segmenter may split one in two)
        repaired = result["metadata"]["fact_check"]["repaired"]
        before = list(after)
        for entry in reversed(repaired):  # a sentence repaired twice (held, then Apertium's) goes back in order
            before = [text.replace(entry["replacement"], entry["sentence"], 1) for text in before]
        references = [[r["ref"] for r in records]]
        scores = {label: CHRF().corpus_score(texts, references).score for label, texts in (("before", before), ("after", after))}
        lost = {label: lost_numbers(sources, texts, language) for label, texts in (("before", before), ("after", after))}
        check = result["metadata"]["timings_s"].get("check", 0.0)
        shares = {label: f"{n} of {total} ({n / max(1, total):.1%})" for label, (n, total) in lost.items()}
        by_apertium = sum("by" in entry for entry in repaired)
        print(
            f"| {pair}-eng | {len(records)} | {len(repaired)} | {by_apertium} | {shares['before']} | {shares['after']} | "
            f"{scores['before']:.2f} | {scores['after']:.2f} | {wall - check:.0f} | {check:.1f} |"
        )
        for source, output in zip(sources, after) if args.lost else ():
            if lost_here := check_numbers(output, "en", [(source, language)], True)["missing"]:
                print(f"  lost {', '.join(lost_here)}: {source}\n    -> {output}")


if __name__ == "__main__":
    main()
