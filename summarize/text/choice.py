"""Per sentence, a language model's translation or Apertium's of the same source: a logistic
score of signals every run has (the model's confidence, the share of words Apertium knew, how
far the two agree, their lengths against each other and the source, the source's numbers the
model lost, how much each copies the source; Apertium loses no digits). The two fail on
different sentences (docs/models.md); the weights are fitted on FLORES-200 dev sentences other
than those the choice is measured on (benchmarks/translation_choice.py), and carried by the
model's card (`choice`), which applies them to the pairs it measured them on."""

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
)
_NUMBER = re.compile(r"\d+")


def signals(source: str, model: str, apertium: str, model_confidence: float, apertium_known: float) -> list[float]:
    """The signals of one sentence's two translations (confidences 0 to 1)."""
    numbers = set(_NUMBER.findall(source))

    def ratio(a: str, b: str) -> float:
        return math.log(max(len(a), 1) / max(len(b), 1))

    return [
        model_confidence,
        apertium_known,
        _chrf(model, apertium),
        ratio(model, apertium),
        ratio(model, source),
        ratio(apertium, source),
        len(numbers - set(_NUMBER.findall(model))),
        _chrf(model, source),
        _chrf(apertium, source),
    ]


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
