"""Per sentence, a language model's translation or Apertium's of the same source: a logistic
score of signals every run has (the model's confidence, the share of words Apertium knew, how
far the two agree, their lengths against each other and the source, the source's numbers the
model lost, how much each copies the source; Apertium loses no digits). Where Apertium has
several routes (through Spanish, Catalan, Galician), the rendering weighed is the one that
agrees most with the others and the model's (a minimum-Bayes-risk pick, chrF its measure), and
how far each side agrees with the rest are signals too. The two fail on different sentences
(docs/models.md); the weights are fitted on FLORES-200 dev sentences other than those the
choice is measured on (benchmarks/translation_choice.py), and carried by the model's card
(`choice`), which applies them to the pairs it measured them on."""

from __future__ import annotations

import math
import re

#: The signals' names, in the order `signals` gives them.
SIGNALS = (
    "model_confidence",
    "apertium_known",
    "agreement",
    "length_model_apertium",
    "length_model_source",
    "length_apertium_source",
    "numbers_lost_model",
    "copied_model",
    "copied_apertium",
    "support_model",
    "support_apertium",
)
#: The card's weighings (`choice`), by how many of Apertium's routes there are to weigh: one, or
#: several (then the support signals say more than the agreement).
WEIGHINGS = ("one_route", "several_routes")
_NUMBER = re.compile(r"\d+")
#: The mean agreement (sentence chrF, 0 to 1) of Apertium's routes from which a sentence is theirs
#: unasked of the model under `--optimize-for latency`: where the routes agree, the choice gains
#: little from the model (benchmarks/translation_choice.py prints each threshold's share and chrF).
ROUTES_AGREE = 0.70


def weighed(
    source: str, model: str, renderings: list[str], model_confidence: float, known: list[float]
) -> tuple[int, list[float]]:
    """Which of Apertium's `renderings` (one per route, with the share of words it knew) is
    weighed against the `model`'s translation, and the signals of the two (confidences 0 to 1)."""
    agree = _agreements([model, *renderings])
    support = [sum(row) / len(renderings) for row in agree]
    best = _by_support(agree)[0]
    apertium = renderings[best]
    numbers = set(_NUMBER.findall(source))

    def ratio(a: str, b: str) -> float:
        return math.log(max(len(a), 1) / max(len(b), 1))

    return best, [
        model_confidence,
        known[best],
        agree[0][best + 1],
        ratio(model, apertium),
        ratio(model, source),
        ratio(apertium, source),
        len(numbers - set(_NUMBER.findall(model))),
        _chrf(model, source),
        _chrf(apertium, source),
        support[0],
        support[best + 1],
    ]


def consensus(model: str, renderings: list[str]) -> list[int]:
    """The indexes of Apertium's `renderings`, the one that agrees most with the others and the
    `model`'s translation first (the pick `weighed` makes)."""
    return _by_support(_agreements([model, *renderings]))


def _agreements(candidates: list[str]) -> list[list[float]]:
    """How far each of `candidates` agrees with each other one (sentence chrF, 0 to 1; 0 with itself)."""
    return [[_chrf(a, b) if i != j else 0.0 for j, b in enumerate(candidates)] for i, a in enumerate(candidates)]


def _by_support(agree: list[list[float]]) -> list[int]:
    """The renderings (candidates after the model's, of `_agreements`), the most agreed with first."""
    support = [sum(row) for row in agree[1:]]
    return sorted(range(len(support)), key=lambda k: -support[k])


def agreed(renderings: list[str]) -> int | None:
    """Which of Apertium's `renderings` of a sentence (one per route) to take without asking the
    model, under `--optimize-for latency`: the one that agrees most with the others, where there
    are two or more and they agree, on the mean, by ROUTES_AGREE or more; None otherwise."""
    if len(renderings) < 2:
        return None
    support = [sum(row) / (len(renderings) - 1) for row in _agreements(renderings)]
    return max(range(len(renderings)), key=support.__getitem__) if sum(support) / len(support) >= ROUTES_AGREE else None


def weighing(routes: int) -> str:
    """The name of the card's weighing for `routes` renderings of a sentence (`WEIGHINGS`)."""
    return WEIGHINGS[0] if routes == 1 else WEIGHINGS[1]


def apertium_preferred(weights: dict[str, float], found: list[float]) -> bool:
    """Whether the score of `found` (`signals`) under `weights` (one per signal and an
    "intercept") says Apertium's translation is the better one."""
    score = weights["intercept"] + sum(weights[name] * value for name, value in zip(SIGNALS, found))
    return score > 0


def _chrf(hypothesis: str, reference: str) -> float:
    """Sentence chrF (sacrebleu's), 0 to 1: a metric of its own per call, as the service's
    threads call it at once."""
    from sacrebleu.metrics import CHRF

    return CHRF().sentence_score(hypothesis, [reference]).score / 100
