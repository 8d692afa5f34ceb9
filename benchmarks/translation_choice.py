"""The per-sentence choice between Gemma's translation and Apertium's (summarize/text/choice.py):
its weights fitted on some FLORES-200 dev sentences, its chrF measured on others.

    python benchmarks/offline_translation.py --sentences 100 --systems apertium,gemma-card
    python benchmarks/offline_translation.py --sentences 400 --start 120 --pairs es,fr,it,pt \\
        --systems apertium,gemma-card --out benchmarks/results/offline-translation-fit.json
    python benchmarks/translation_choice.py [--outputs FILE:START ...]

The outputs (dev sentences 21-120 and 121-520 by default) are cut in blocks of 100 sentences per
pair; each block is chosen with weights fitted on every other block of every pair (a logistic
regression, L2, each sentence weighed by the chrF at stake: the difference of the two sentence
chrF), so no sentence is chosen by weights fitted on it. Prints per pair the chrF of each system,
of the choice (with the p-value of its gain over the better system: sacrebleu's paired bootstrap)
and of the oracle, and the weights fitted on every sentence, for the card's `choice`. A card
states a pair's chosen score (`[[scores]]`, metric "chrF, chosen per sentence with Apertium")
only where that p-value is below 0.05."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy
from offline_translation import chrf, dev, sentence_chrf

from summarize.bench.significance import translation_paired
from summarize.text.choice import SIGNALS, apertium_preferred, signals
from summarize.text.numbers import in_convention

RESULTS = Path(__file__).resolve().parent / "results"
#: The regression's L2 penalty (on standardised signals).
PENALTY = 1.0
#: Sentences per pair in a block of the cross-fitting.
FOLD = 100


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
    parser.add_argument(
        "--outputs",
        nargs="+",
        default=[f"{RESULTS / 'offline-translation.json'}:20", f"{RESULTS / 'offline-translation-fit.json'}:120"],
        help="offline_translation.py outputs, each FILE:START (the first dev sentence it holds, from 0)",
    )
    args = parser.parse_args()
    pairs: dict[str, list[dict]] = {}
    for given in args.outputs:
        path, _, first = given.rpartition(":")
        for language, sentences in rows(Path(path), int(first)).items():
            pairs.setdefault(language, []).extend(sentences)
    folds = max(len(sentences) for sentences in pairs.values()) // FOLD
    print(
        f"{sum(map(len, pairs.values()))} sentences ({', '.join(pairs)}); each block of {FOLD} per pair chosen with the "
        f"weights fitted on the other {folds - 1} blocks of every pair\n"
    )
    print("| pair | sentences | Apertium | Gemma | the choice | gain over the better (p) | Apertium kept | oracle | ms/sent. |")
    print("|---|---|---|---|---|---|---|---|---|")
    for language, sentences in pairs.items():
        picked = []
        for block in range(folds):
            others = [s for pair in pairs.values() for i, s in enumerate(pair) if i // FOLD != block]
            picked += chosen(sentences[block * FOLD : (block + 1) * FOLD], fit(others))
        references = [s["reference"] for s in sentences]
        apertium, model = chrf([s["apertium"] for s in sentences], references), chrf([s["model"] for s in sentences], references)
        both = chrf(picked, references)
        better = [s["apertium"] for s in sentences] if apertium >= model else [s["model"] for s in sentences]
        p_value = translation_paired([better, picked], references)["chrF"][1].p_value
        kept = sum(text == s["apertium"] != s["model"] for text, s in zip(picked, sentences))
        start = time.perf_counter()
        for s in sentences:
            signals(s["source"], s["model"], s["apertium"], 1.0, 1.0)
        seconds = time.perf_counter() - start
        oracle = chrf([s["apertium"] if s["gain"] > 0 else s["model"] for s in sentences], references)
        print(
            f"| {language}-en | {len(sentences)} | {apertium} | {model} | {both} | {both - max(apertium, model):+.2f} "
            f"({p_value:.3f}) | {kept} | {oracle} | {1000 * seconds / len(sentences):.1f} |"
        )
    weights = fit([s for pair in pairs.values() for s in pair])
    print(f"\nweights fitted on all {sum(map(len, pairs.values()))} sentences (the card's [choice]):")
    print(json.dumps({name: round(value, 4) for name, value in weights.items()}, indent=1))


if __name__ == "__main__":
    main()
