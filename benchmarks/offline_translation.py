"""The offline translators of this machine on FLORES-200 dev, into English: Apertium along each
installed route (direct, or through Spanish, Catalan or Galician where two installed pairs make
one; the first is the product's), Gemma 3 270M (the PyPI package, on
llama.cpp) with the card's prompt and with a plain two-shot prompt of news sentences, each
Gemma without the per-sentence choice against Apertium, which benchmarks/translation_choice.py
weighs on these outputs. chrF (sacrebleu) and seconds per sentence, per pair.

    python benchmarks/offline_translation.py [--sentences 100] [--start 20] [--pairs es,fr,de,it,pt] [--systems ...] [--out FILE]

Every system translates the same dev sentences, one sentence per document, a system at a time
(llama.cpp's threads spin: nothing else should run). The two-shot prompt's examples are two
other dev sentences, never among those scored. The outputs go to --out (JSON) for
translation_choice.py, merged into what the file holds (a system run again replaces its own).
Needs ../shared/data."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

#: FLORES-200's three-letter names of the sources scored.
FLORES = {"es": "spa", "fr": "fra", "de": "deu", "it": "ita", "pt": "por"}
#: The systems a run may name: Apertium's routes, and Gemma with the card's prompt or a plain one.
SYSTEMS = ("apertium", "gemma-card", "gemma-two-shot-news")
#: The first dev sentences, kept out of the scores: the plain prompt's two examples are chosen
#: among them (the two shortest).
HELD_FOR_EXAMPLES = 20


def dev(language: str) -> list[dict]:
    from summarize.bench.datasets import script_data

    path = script_data(f"flores200/{FLORES[language]}_eng.dev.jsonl")
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def apertium(sentences: list[str], language: str) -> dict[str, tuple[list[str], list[float | None], float]]:
    """Per installed route into English (its name), the translations, confidences and seconds:
    the renderings the per-sentence choice weighs (`glosses`, a word one route lacks as another
    gives it)."""
    from summarize.engines.apertium import ApertiumTranslator, route_name, routes

    found = {}
    for route in routes(language, "en"):
        start = time.perf_counter()
        done = ApertiumTranslator(None, other_routes=True).along(route, sentences)
        found[route_name(language, "en", route)] = done.texts, done.confidences, time.perf_counter() - start
    return found


def best_route_alone(sentences: list[str], language: str) -> dict:
    """Apertium's translation along its best route into English with that route's words alone:
    what a machine with no other route's pairs gives (the choice's `one_route`)."""
    from summarize.engines.apertium import ApertiumTranslator, route_for

    start = time.perf_counter()
    done = ApertiumTranslator(None).along(route_for(language, "en"), sentences)
    return {"texts": done.texts, "confidences": done.confidences, "seconds": time.perf_counter() - start}


def gemma(sentences: list[str], language: str, examples: list[tuple[str, str]] | None):
    """The product's Gemma translations, one sentence per document, without the per-sentence
    choice against Apertium (translation_choice.py weighs it on these); `examples`: the prompt's
    pairs instead of the card's."""
    from summarize.core import jobs
    from summarize.core.pipeline import Pipeline
    from summarize.engines import chat

    saved, choose = dict(chat.EXAMPLE_SENTENCES), jobs._choose_per_sentence
    jobs._choose_per_sentence = lambda *arguments: None
    if examples is not None:
        chat.EXAMPLE_SENTENCES[language] = tuple(source for source, _ in examples)
        chat.EXAMPLE_SENTENCES["en"] = tuple(english for _, english in examples)
    try:
        pipeline = Pipeline(source=language, translator="gemma-3-270m", engine="llamacpp", notify=lambda _: None)
        pipeline.translate("Hola.")  # loaded before the clock starts
        start = time.perf_counter()
        results = list(pipeline.translations(sentences, batch_size=1))
        seconds = time.perf_counter() - start
    finally:
        chat.EXAMPLE_SENTENCES.clear()
        chat.EXAMPLE_SENTENCES.update(saved)
        jobs._choose_per_sentence = choose
    texts = [" ".join(r["paragraphs"]) if "paragraphs" in r else "" for r in results]
    confidences = [r["alignment"][0]["confidence"] if r.get("alignment") else None for r in results]
    return texts, confidences, seconds


def chrf(hypotheses: list[str], references: list[str]) -> float:
    from sacrebleu.metrics import CHRF

    return round(CHRF().corpus_score(hypotheses, [references]).score, 2)


def sentence_chrf(hypothesis: str, reference: str) -> float:
    from sacrebleu.metrics import CHRF

    return CHRF().sentence_score(hypothesis, [reference]).score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100)
    parser.add_argument("--start", type=int, default=HELD_FOR_EXAMPLES, help="the first dev sentence scored (from 0)")
    parser.add_argument("--pairs", default="es,fr,de,it,pt")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/offline-translation.json"))
    args = parser.parse_args()
    if unknown := set(args.systems.split(",")) - set(SYSTEMS):
        parser.error(f"--systems: {', '.join(sorted(unknown))} is none of {', '.join(SYSTEMS)}")
    if args.start < HELD_FOR_EXAMPLES:
        parser.error(f"--start: the first {HELD_FOR_EXAMPLES} dev sentences hold the plain prompt's examples")
    print(f"FLORES-200 dev, {args.sentences} sentences per pair from the {args.start + 1}th; {os.cpu_count()} cores\n")
    print("| pair | system | chrF | s/sentence |")
    print("|---|---|---|---|")
    saved = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    for language in args.pairs.split(","):
        records = dev(language)
        scored = records[args.start : args.start + args.sentences]
        sources, references = [r["src"] for r in scored], [r["ref"] for r in scored]
        shortest = sorted(records[:HELD_FOR_EXAMPLES], key=lambda r: len(r["src"]))[:2]
        examples = [(r["src"], r["ref"]) for r in shortest]
        if saved.get(language, {}).get("references", references) != references:
            parser.error(f"--out holds other sentences of {language}: give another file")
        found = saved.setdefault(language, {})
        found.update(references=references, examples=examples)
        for name in args.systems.split(","):
            if name == "apertium":
                outputs = apertium(sources, language)
                if not outputs:
                    print(f"| {language}-en | apertium | (no route installed) | |", flush=True)
                found["apertium-routes"] = {
                    route: {"texts": texts, "confidences": confidences, "seconds": seconds}
                    for route, (texts, confidences, seconds) in outputs.items()
                }
                found.pop("apertium", None)
                if outputs:
                    found["apertium"] = best_route_alone(sources, language)
                    route, texts = next(iter(outputs)), found["apertium"]["texts"]
                    print(f"| {language}-en | apertium {route}, its words alone | {chrf(texts, references)} | |", flush=True)
                for route, (texts, _, seconds) in outputs.items():
                    print(
                        f"| {language}-en | apertium {route} | {chrf(texts, references)} | {seconds / len(sources):.3f} |",
                        flush=True,
                    )
                continue
            texts, confidences, seconds = gemma(sources, language, None if name == "gemma-card" else examples)
            found[name] = {"texts": texts, "confidences": confidences, "seconds": seconds}
            print(f"| {language}-en | {name} | {chrf(texts, references)} | {seconds / len(sources):.3f} |", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
