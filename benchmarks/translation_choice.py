"""The per-sentence choice between Gemma's translation and Apertium's (summarize/text/choice.py):
its weights fitted on one set of FLORES-200 dev sentences, its chrF measured on others.

    python benchmarks/offline_translation.py --sentences 400 --start 120 --pairs es,fr,it,pt \\
        --systems apertium,gemma-card --out benchmarks/results/offline-translation-fit.json
    python benchmarks/translation_choice.py [--fit FILE] [--score FILE]

--fit: the outputs the weights are fitted on (dev sentences 121-520); --score: those the choice is
scored on (sentences 21-120, the shipped figures of docs/models.md). Both are
`offline_translation.py` outputs. A logistic regression (L2, each sentence weighed by how much
the choice matters: the difference of the two sentence chrF), on every pair's sentences
together; then per pair fitted without that pair's sentences, to show how it carries to a pair
it never saw. Prints the chrF of each system, of the choice and of the oracle, and the weights
to put in choice.py."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy
from offline_translation import chrf, dev, sentence_chrf

from summarize.text.choice import SIGNALS, apertium_preferred, signals
from summarize.text.numbers import in_convention

RESULTS = Path(__file__).resolve().parent / "results"
#: The regression's L2 penalty (on standardised signals).
PENALTY = 1.0


def rows(path: Path, start: int) -> dict[str, list[dict]]:
    """Per pair, each sentence's signals, two translations, reference and chrF difference."""
    found = {}
    for language, saved in json.loads(path.read_text(encoding="utf-8")).items():
        if "apertium" not in saved or "gemma-card" not in saved:
            continue
        sources = [r["src"] for r in dev(language)[start : start + len(saved["references"])]]
        model, apertium = saved["gemma-card"], saved["apertium"]
        found[language] = []
        for source, g, a, g_conf, a_conf, reference in zip(
            sources, model["texts"], apertium["texts"], model["confidences"], apertium["confidences"], saved["references"]
        ):
            a = in_convention(a, source, language, "en")[0]  # as the product weighs it
            weighed = g_conf is not None and a_conf is not None  # else the product keeps the model's
            found[language].append(
                {
                    "signals": signals(source, g, a, g_conf, a_conf) if weighed else None,
                    "source": source,
                    "model": g,
                    "apertium": a,
                    "reference": reference,
                    "gain": sentence_chrf(a, reference) - sentence_chrf(g, reference),
                }
            )
    return found


def fit(sentences: list[dict]) -> dict[str, float]:
    """Logistic regression (Newton's method) of "Apertium's is better", each sentence weighed by
    the chrF at stake; the weights on the signals as they are."""
    sentences = [s for s in sentences if s["signals"] is not None]
    x = numpy.array([s["signals"] for s in sentences], dtype=float)
    y = numpy.array([s["gain"] > 0 for s in sentences], dtype=float)
    weight = numpy.abs([s["gain"] for s in sentences]) / 10
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = numpy.hstack([(x - mean) / scale, numpy.ones((len(x), 1))])
    beta = numpy.zeros(z.shape[1])
    penalty = numpy.eye(z.shape[1]) * PENALTY
    penalty[-1, -1] = 0
    for _ in range(50):
        p = 1 / (1 + numpy.exp(-z @ beta))
        gradient = z.T @ (weight * (y - p)) - penalty @ beta
        hessian = (z * (weight * p * (1 - p))[:, None]).T @ z + penalty
        step = numpy.linalg.solve(hessian, gradient)
        beta += step
        if numpy.abs(step).max() < 1e-8:
            break
    raw = beta[:-1] / scale
    return {"intercept": float(beta[-1] - raw @ mean), **{name: float(w) for name, w in zip(SIGNALS, raw)}}


def prefers_apertium(sentence: dict, weights: dict[str, float]) -> bool:
    return sentence["signals"] is not None and apertium_preferred(weights, sentence["signals"])


def chosen(sentences: list[dict], weights: dict[str, float]) -> list[str]:
    return [s["apertium"] if prefers_apertium(s, weights) else s["model"] for s in sentences]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", type=Path, default=RESULTS / "offline-translation-fit.json")
    parser.add_argument("--fit-start", type=int, default=120)
    parser.add_argument("--score", type=Path, default=RESULTS / "offline-translation.json")
    parser.add_argument("--score-start", type=int, default=20)
    args = parser.parse_args()
    fitted, scored = rows(args.fit, args.fit_start), rows(args.score, args.score_start)
    weights = fit([s for pair in fitted.values() for s in pair])
    print(f"fitted on {sum(map(len, fitted.values()))} sentences ({', '.join(fitted)}); scored on the others\n")
    print(
        "| pair | Apertium | Gemma | the choice | fitted without the pair | gain over the better | Apertium kept | oracle "
        "| ms/sentence |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for language, sentences in scored.items():
        references = [s["reference"] for s in sentences]
        apertium, model = chrf([s["apertium"] for s in sentences], references), chrf([s["model"] for s in sentences], references)
        both = chrf(chosen(sentences, weights), references)
        unseen = fit([s for other, pair in fitted.items() if other != language for s in pair])
        alone = chrf(chosen(sentences, unseen), references)
        kept = sum(prefers_apertium(s, weights) for s in sentences)
        start = time.perf_counter()
        for s in sentences:
            signals(s["source"], s["model"], s["apertium"], 1.0, 1.0)
        seconds = time.perf_counter() - start
        oracle = chrf([s["apertium"] if s["gain"] > 0 else s["model"] for s in sentences], references)
        print(
            f"| {language}-en | {apertium} | {model} | {both} | {alone} | {both - max(apertium, model):+.2f} | "
            f"{kept} of {len(sentences)} | {oracle} | {1000 * seconds / len(sentences):.1f} |"
        )
    print("\nweights (summarize/text/choice.py):")
    print(json.dumps({name: round(value, 4) for name, value in weights.items()}, indent=1))


if __name__ == "__main__":
    main()
