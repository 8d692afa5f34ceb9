"""Whether `--formality` gets the register asked: English sentences that address one reader
(benchmarks/data/second_person.en.txt) translated into each served language with a register,
per engine that claims one, each output read for the pronouns and possessives that mark its
register; and what an engine that claims none answers.

    python benchmarks/formality.py [--split dev|test] [--engines llamacpp,apertium] [--targets es,fr,de,it,pt]

The prompt's register examples were chosen on the dev sentences; the test sentences are reported.

An output is formal when it holds a formal marker and no informal one, informal the other way,
unmarked when it holds neither (a pronoun dropped, as Spanish and Italian allow: "¿Puede
confirmar...?"), mixed when both. The share in the asked register is of every output."""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from summarize.bench.environment import describe

SENTENCES = {
    "dev": Path(__file__).with_name("data") / "second_person_dev.en.txt",
    "test": Path(__file__).with_name("data") / "second_person.en.txt",
}
#: The words that mark each register (lower case but for German's and Italian's capitalised
#: courtesy forms, matched as written).
MARKERS = {
    "es": {
        "informal": {"tú", "te", "ti", "contigo", "tu", "tus", "tuyo", "tuya", "vosotros", "os", "vuestro", "vuestra"},
        "formal": {"usted", "ustedes", "le", "les", "su", "sus", "suyo", "suya"},
    },
    "fr": {"informal": {"tu", "te", "t", "toi", "ton", "ta", "tes"}, "formal": {"vous", "votre", "vos"}},
    "de": {
        "informal": {"du", "dich", "dir", "dein", "deine", "deinen", "deinem", "deiner", "deines"},
        "formal": {"Sie", "Ihnen", "Ihr", "Ihre", "Ihren", "Ihrem", "Ihrer", "Ihres"},
    },
    "it": {
        "informal": {"tu", "ti", "te", "tuo", "tua", "tuoi", "tue", "teco"},
        "formal": {"lei", "Lei", "suo", "sua", "suoi", "sue", "Suo", "Sua", "Suoi", "Sue", "Le", "La"},
    },
    "pt": {
        "informal": {"tu", "te", "ti", "contigo", "teu", "tua", "teus", "tuas"},
        "formal": {"você", "senhor", "senhora", "lhe", "seu", "sua", "seus", "suas", "consigo"},
    },
}
MODELS = {"llamacpp": "gemma-3-270m", "apertium": None}


def register(text: str, language: str) -> str:
    """The register `text` is written in, by its marker words (as written, or in lower case)."""
    words = set(re.findall(r"\w+", text))
    candidates = words | {word.lower() for word in words}
    found = {kind for kind, marks in MARKERS[language].items() if marks & candidates}
    return "mixed" if len(found) == 2 else (found.pop() if found else "unmarked")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="llamacpp,apertium")
    parser.add_argument("--targets", default="es,fr,de,it,pt")
    parser.add_argument("--split", default="test", choices=sorted(SENTENCES))
    args = parser.parse_args()

    from summarize import Pipeline
    from summarize.errors import SummarizeError
    from summarize.text.document import Document

    path = SENTENCES[args.split]
    sentences = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    document = Document(tuple(sentences), path.name)
    info = describe()
    print(f"CPU: {info['cpu']} ({info['cpu_class']}; {', '.join(info['cpu_features'])}), {info['cores']} cores")
    print(f"{len(sentences)} sentences from {path.name}, English into each target\n")
    names = ["engine", "target", "formality", "in the asked register", "formal", "informal", "unmarked", "mixed", "s"]
    print("| " + " | ".join(names) + " |\n" + "|---" * len(names) + "|")
    for engine in args.engines.split(","):
        chosen = {"translator": MODELS[engine]} if MODELS[engine] else {"engine": engine}
        for target in args.targets.split(","):
            for formality in ("default", "more", "less"):
                pipeline = Pipeline(to=target, source="en", formality=formality, notify=lambda message: None, **chosen)
                start = time.perf_counter()
                try:
                    outputs = pipeline.translate(document)["paragraphs"]
                except SummarizeError as refusal:
                    print(f"| {engine} | {target} | {formality} | refused: {str(refusal)[:90]} | | | | | |")
                    continue
                seconds = time.perf_counter() - start
                found = [register(text, target) for text in outputs]
                share = {kind: 100 * found.count(kind) / len(found) for kind in ("formal", "informal", "unmarked", "mixed")}
                asked = {"more": "formal", "less": "informal"}.get(formality)
                print(
                    f"| {engine} | {target} | {formality} | {f'{share[asked]:.0f}%' if asked else '-'} | "
                    + " | ".join(f"{value:.0f}%" for value in share.values())
                    + f" | {seconds:.0f} |"
                )


if __name__ == "__main__":
    main()
