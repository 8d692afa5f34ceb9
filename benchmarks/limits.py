"""Time and peak memory of `summarize article` on the inputs that once blew up (README, "Limits").

Builds each input in a temporary folder from the example articles, runs the installed command
once per input in its own process, and prints wall time, peak RSS and what came out:

    python benchmarks/limits.py [--only NAME]

- one-word lines: 100,000 lines of one Spanish word each (Apertium es->en, then TextRank), and the
  same with `--from es --to es` (no translation);
- one unpunctuated line of 5 MB, English and Spanish (transcripts, captions);
- one paragraph of ordinary sentences on one line: 500 KB (article, English and Spanish, and
  translate) and 5 MB (article, and one JSONL row through `batch --task translate`);
- the largest input accepted: just under 20 MiB of English paragraphs, the example's repeated,
  and as many paragraphs no two of which start alike (random words of the example).

The language check's seconds and share of the wall time are printed for `article`.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SPANISH = (EXAMPLES / "noticia-valencia.es.txt").read_text(encoding="utf-8")
ENGLISH = (EXAMPLES / "council-budget.en.txt").read_text(encoding="utf-8")
# Peak RSS of one child, measured by a parent that runs nothing else.
_MEASURE = (
    "import json, resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, "
    "text=True); print(json.dumps({'rc': done.returncode, 'out': done.stdout, 'err': done.stderr, "
    "'peak_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))"
)


def _one_word_lines(count: int) -> str:
    words = SPANISH.split()
    return "\n".join(random.choice(words) for _ in range(count))


def _unpunctuated(text: str, size: int) -> str:
    words = [w.strip(".,;:") for w in text.split()]
    chosen, total = [], 0
    while total < size:
        chosen.append(random.choice(words))
        total += len(chosen[-1]) + 1
    return " ".join(chosen)


def _one_paragraph(sentence: str, size: int) -> str:
    return " ".join([sentence] * (size // (len(sentence) + 1)))


def _jsonl_row(text: str) -> str:
    return json.dumps({"id": "row", "text": text}, ensure_ascii=False) + "\n"


EN_SENTENCE = "The council approved the budget yesterday."
ES_SENTENCE = "El consejo aprobó el presupuesto ayer."


def _largest(text: str, size: int) -> str:
    return "\n\n".join([text.strip()] * (size // (len(text.encode()) + 2)))


def _distinct_paragraphs(text: str, size: int) -> str:
    words = [w.strip(".,;:\"'()").lower() for w in text.split()]
    paragraphs, total = [], 0
    while total < size:
        sentences = [" ".join(random.choices(words, k=random.randint(12, 25))).capitalize() + "." for _ in range(3)]
        paragraphs.append(" ".join(sentences))
        total += len(paragraphs[-1].encode()) + 2
    return "\n\n".join(paragraphs[:-1])


ARTICLE = ["article", "{input}", "--format", "json"]
# Name: (the input, the command line; {input} and {out} are paths in a temporary folder).
CASES = {
    "100,000 one-word lines, es->en": (lambda: _one_word_lines(100_000), ARTICLE),
    "100,000 one-word lines, es->es": (lambda: _one_word_lines(100_000), [*ARTICLE, "--from", "es", "--to", "es"]),
    "5 MB unpunctuated line, en": (lambda: _unpunctuated(ENGLISH, 5_000_000), ARTICLE),
    "5 MB unpunctuated line, es->en": (lambda: _unpunctuated(SPANISH, 5_000_000), ARTICLE),
    "500 KB one paragraph of sentences, en": (lambda: _one_paragraph(EN_SENTENCE, 500_000), ARTICLE),
    "500 KB one paragraph of sentences, es->en": (lambda: _one_paragraph(ES_SENTENCE, 500_000), ARTICLE),
    "500 KB one paragraph of sentences, translate es->en": (
        lambda: _one_paragraph(ES_SENTENCE, 500_000),
        ["translate", "{input}", "--format", "json"],
    ),
    "5 MB one paragraph of sentences, en": (lambda: _one_paragraph(EN_SENTENCE, 5_000_000), ARTICLE),
    "5 MB one paragraph in a JSONL row, batch translate es->en": (
        lambda: _jsonl_row(_one_paragraph(ES_SENTENCE, 5_000_000)),
        ["batch", "{input}.jsonl", "--out", "{out}", "--task", "translate", "--from", "es"],
    ),
    "20 MiB of English paragraphs": (lambda: _largest(ENGLISH, 20 * 1024 * 1024 - 4096), ARTICLE),
    "20 MiB of distinct English paragraphs": (lambda: _distinct_paragraphs(ENGLISH, 20 * 1024 * 1024 - 4096), ARTICLE),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=None, help="Run only the cases whose name contains this.")
    args = parser.parse_args()
    random.seed(0)
    summarize = Path(sys.executable).with_name("summarize")
    columns = "input, size, exit, wall s, language check s (share), peak RSS MiB, sentences, chunks per level, summary words"
    print("| " + " | ".join(columns.split(", ")) + " |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name, (build, command) in CASES.items():
            if args.only and args.only not in name:
                continue
            argv = [part.format(input=Path(folder) / "input.txt", out=Path(folder) / "out.jsonl") for part in command]
            path = Path(next(part for part in argv if "input.txt" in part))
            path.write_text(build(), encoding="utf-8")
            (Path(folder) / "out.jsonl").unlink(missing_ok=True)
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", _MEASURE, str(summarize), *argv], capture_output=True, text=True)
            seconds = time.perf_counter() - start
            run = json.loads(done.stdout)
            counts, words, check = {}, "-", "-"
            if run["rc"] == 0 and run["out"].strip():
                result = json.loads(run["out"])
                counts = result["metadata"].get("counts", {})
                words = len(result["summary"].split()) if "summary" in result else "-"
                detect = result["metadata"].get("timings_s", {}).get("detect")
                check = f"{detect:.1f} ({detect / seconds:.0%})" if detect is not None else "-"
            elif run["rc"] != 0:
                print(f"  {name}: {run['err'].strip().splitlines()[-1:]}", file=sys.stderr)
            print(
                f"| {name} | {path.stat().st_size / 1e6:.1f} MB | {run['rc']} | {seconds:.1f} | {check} | "
                f"{run['peak_kib'] / 1024:.0f} | {counts.get('sentences', '-')} | "
                f"{counts.get('chunks_per_level', '-')} | {words} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
