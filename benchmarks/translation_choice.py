"""The per-sentence choice between Gemma's translation and Apertium's (summarize/text/choice.py),
Apertium's rendering picked among its installed routes: its weights fitted on some FLORES-200 dev
sentences, its chrF measured on others.

    python benchmarks/offline_translation.py --sentences 100 --systems apertium,gemma-card
    python benchmarks/offline_translation.py --sentences 400 --start 120 --pairs es,fr,it,pt \\
        --systems apertium,gemma-card --out benchmarks/results/offline-translation-fit.json
    python benchmarks/offline_translation.py --sentences 477 --start 520 --pairs es,fr,it,pt \\
        --systems apertium,gemma-card --out benchmarks/results/offline-translation-rest.json
    python benchmarks/translation_choice.py [--outputs FILE:START ...]

The outputs (dev sentences 21-120, 121-520 and 521-997 by default) are cut in blocks of 100
sentences per pair; each block is chosen with weights fitted on every other block of every pair
(a logistic regression, L2, each sentence weighed by the chrF at stake: the difference of the two
sentence chrF), so no sentence is chosen by weights fitted on it. Two configurations, each fitted
and measured on its own: Apertium's best route alone (`one_route`, as where only the Spanish
pairs are installed), and every route the outputs hold (`several_routes`). Prints per pair the
chrF of each system (Gemma, each Apertium route), of the choice (with the p-value of its gain
over the best of them: sacrebleu's paired bootstrap) and of the oracle (the best candidate of
each sentence), and the weights fitted on every sentence, for the card's `choice`. A card states
a pair's chosen score (`[[scores]]`, metric "chrF, chosen per sentence with Apertium", "...
Apertium's routes") only where that p-value is below 0.05. Last, with every route, per threshold
of the routes' agreement (text/choice.py `ROUTES_AGREE`), the share of sentences
`--optimize-for latency` asks Gemma for and the chrF it then reaches."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy
from offline_translation import chrf, dev, sentence_chrf

from summarize.bench.significance import translation_paired
from summarize.text import choice
from summarize.text.choice import SIGNALS, apertium_preferred, weighed
from summarize.text.numbers import in_convention

RESULTS = Path(__file__).resolve().parent / "results"
#: The regression's L2 penalty (on standardised signals).
PENALTY = 1.0
#: Sentences per pair in a block of the cross-fitting.
FOLD = 100


def rows(path: Path, start: int, most_routes: int | None = None) -> dict[str, list[dict]]:
    """Per pair, each sentence's signals, the model's translation, Apertium's along each route
    (the first `most_routes` of them; the one weighed), reference and chrF difference."""
    found = {}
    for language, saved in json.loads(path.read_text(encoding="utf-8")).items():
        if not saved.get("apertium-routes") or "gemma-card" not in saved:
            continue
        sources = [r["src"] for r in dev(language)[start : start + len(saved["references"])]]
        names = list(saved["apertium-routes"])[:most_routes]
        model, routes = saved["gemma-card"], [saved["apertium-routes"][name] for name in names]
        if most_routes == 1:  # as where its pairs are the only ones: no other route gives a word
            routes = [saved["apertium"]]
        found[language] = []
        for i, (source, g, g_conf, reference) in enumerate(
            zip(sources, model["texts"], model["confidences"], saved["references"])
        ):
            # as the product weighs them: numbers in the target's convention, the routes with a
            # confidence, no choice without one
            renderings = [in_convention(route["texts"][i], source, language, "en")[0] for route in routes]
            weighable = [
                (text, route["confidences"][i]) for text, route in zip(renderings, routes) if route["confidences"][i] is not None
            ]
            texts, known = [text for text, _ in weighable], [k for _, k in weighable]
            best, found_signals = (0, None) if g_conf is None or not texts else weighed(source, g, texts, g_conf, known)
            apertium = texts[best] if texts else renderings[0]
            found[language].append(
                {
                    "signals": found_signals,
                    "source": source,
                    "model": g,
                    "apertium": apertium,
                    "routes": dict(zip(names, renderings)),
                    "reference": reference,
                    "gain": sentence_chrf(apertium, reference) - sentence_chrf(g, reference),
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


#: The card's two weighings (`choice`): with Apertium's best route alone (as where only the
#: Spanish pairs are installed), and with every route the outputs hold.
CONFIGURATIONS = {"one_route": 1, "several_routes": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--outputs",
        nargs="+",
        default=[
            f"{RESULTS / 'offline-translation.json'}:20",
            f"{RESULTS / 'offline-translation-fit.json'}:120",
            f"{RESULTS / 'offline-translation-rest.json'}:520",
        ],
        help="offline_translation.py outputs, each FILE:START (the first dev sentence it holds, from 0)",
    )
    args = parser.parse_args()
    card = {}
    for configuration, most_routes in CONFIGURATIONS.items():
        pairs: dict[str, list[dict]] = {}
        for given in args.outputs:
            path, _, first = given.rpartition(":")
            for language, sentences in rows(Path(path), int(first), most_routes).items():
                pairs.setdefault(language, []).extend(sentences)
        card[configuration], picked = report(configuration, pairs)
    latency(pairs, picked)
    print("\nthe card's [choice], each fitted on every sentence:")
    print(json.dumps({name: {k: round(v, 4) for k, v in weights.items()} for name, weights in card.items()}, indent=1))


#: The thresholds of Apertium's routes' agreement `latency` tries (text/choice.py `ROUTES_AGREE`).
THRESHOLDS = (0.6, 0.65, 0.7, 0.75, 0.8)


def latency(pairs: dict[str, list[dict]], picked: dict[str, list[str]]) -> None:
    """Prints, per threshold of Apertium's routes' agreement, the share of sentences that
    `--optimize-for latency` asks the model for (the others are the agreeing routes' rendering)
    and the chrF of that mix with the cross-fitted choice on the asked ones."""
    print("\n--optimize-for latency: per threshold of the routes' agreement, the share asked of Gemma and chrF\n")
    print("| threshold | " + " | ".join(f"{language}-en asked | chrF" for language in pairs) + " |")
    print("|---|" + "---|---|" * len(pairs))
    for threshold in THRESHOLDS:
        choice.ROUTES_AGREE = threshold
        cells = []
        for language, sentences in pairs.items():
            texts, asked = [], 0
            for sentence, chosen_text in zip(sentences, picked[language]):
                routes = list(sentence["routes"].values())
                taken = choice.agreed(routes)
                asked += taken is None
                texts.append(chosen_text if taken is None else routes[taken])
            references = [s["reference"] for s in sentences]
            cells.append(f"{asked / len(sentences):.0%} | {chrf(texts, references)}")
        print(f"| {threshold} | " + " | ".join(cells) + " |")


def report(configuration: str, pairs: dict[str, list[dict]]) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Prints the cross-fitted choice's table for one configuration; the weights fitted on all,
    and per pair the cross-fitted choice's sentences."""
    folds = -(-max(len(sentences) for sentences in pairs.values()) // FOLD)
    print(
        f"\n{configuration}: {sum(map(len, pairs.values()))} sentences ({', '.join(pairs)}); each block of {FOLD} per "
        f"pair chosen with the weights fitted on the other {folds - 1} blocks of every pair\n"
    )
    print("| pair | sentences | Gemma | Apertium, each route | the choice | over the best (p) | Apertium's | oracle | ms/sent. |")
    print("|---|---|---|---|---|---|---|---|---|")
    chosen_texts = {}
    for language, sentences in pairs.items():
        picked = chosen_texts[language] = []
        for block in range(folds):
            others = [s for pair in pairs.values() for i, s in enumerate(pair) if i // FOLD != block]
            picked += chosen(sentences[block * FOLD : (block + 1) * FOLD], fit(others))
        references = [s["reference"] for s in sentences]
        systems = {"gemma": [s["model"] for s in sentences]}
        systems |= {route: [s["routes"][route] for s in sentences] for route in sentences[0]["routes"]}
        scores = {name: chrf(texts, references) for name, texts in systems.items()}
        both, best = chrf(picked, references), max(scores, key=scores.get)
        p_value = translation_paired([systems[best], picked], references)["chrF"][1].p_value
        kept = sum(text != s["model"] for text, s in zip(picked, sentences))
        start = time.perf_counter()
        for s in sentences:
            weighed(s["source"], s["model"], list(s["routes"].values()), 1.0, [1.0] * len(s["routes"]))
        seconds = time.perf_counter() - start
        oracle = chrf(
            [max([s["model"], *s["routes"].values()], key=lambda t: sentence_chrf(t, s["reference"])) for s in sentences],
            references,
        )
        each = ", ".join(f"{route} {scores[route]}" for route in sentences[0]["routes"])
        print(
            f"| {language}-en | {len(sentences)} | {scores['gemma']} | {each} | {both} | {both - scores[best]:+.2f} "
            f"({p_value:.3f}) | {kept} | {oracle} | {1000 * seconds / len(sentences):.1f} |"
        )
    return fit([s for pair in pairs.values() for s in pair]), chosen_texts


if __name__ == "__main__":
    main()
