"""Paired bootstrap resampling between runs on the same items, as `sacrebleu --paired-bs` does
(1,000 resamples, seed 12345 or $SACREBLEU_SEED, p-value and 95% interval): sacrebleu's own test
for BLEU and chrF, the same procedure on per-item means for ROUGE."""

from __future__ import annotations

import os
from dataclasses import dataclass

RESAMPLES = 1000


@dataclass(frozen=True)
class Paired:
    """One system's metric against the baseline's: score, bootstrap mean ± half the 95% interval,
    and the p-value of the difference (None for the baseline itself)."""

    score: float
    mean: float
    ci: float
    p_value: float | None


def _seed() -> int | None:
    seed = os.environ.get("SACREBLEU_SEED", "12345")
    return None if seed.lower() == "none" else int(seed)


def translation_paired(systems: list[list[str]], references: list[str]) -> dict[str, list[Paired]]:
    """BLEU and chrF of each system (the first is the baseline) by sacrebleu's PairedTest."""
    from sacrebleu.metrics import BLEU, CHRF
    from sacrebleu.significance import PairedTest

    named = [(f"system-{i}", hypotheses) for i, hypotheses in enumerate(systems)]
    test = PairedTest(named, {"BLEU": BLEU(), "chrF": CHRF()}, [references], test_type="bs", n_samples=RESAMPLES)
    _, results = test()
    table = {}
    for name in ("BLEU", "chrF2"):
        table["chrF" if name == "chrF2" else name] = [Paired(r.score, r.mean, r.ci, r.p_value) for r in results[name]]
    return table


def mean_paired(systems: list[list[float]]) -> list[Paired]:
    """The same test on a per-item score averaged over items (ROUGE): sacrebleu's resampling,
    confidence interval and p-value, with the mean as the corpus statistic."""
    import numpy as np
    from sacrebleu.significance import _compute_p_value, estimate_ci

    values = [np.asarray(system, dtype="float64") for system in systems]
    count = len(values[0])
    baseline = values[0]
    confidence_rng = np.random.default_rng(_seed())
    baseline_samples = baseline[confidence_rng.choice(count, size=(RESAMPLES, count), replace=True)].mean(axis=1)
    mean, ci = estimate_ci(baseline_samples)
    results = [Paired(float(baseline.mean()), float(mean), float(ci), None)]
    for system in values[1:]:
        indices = np.random.default_rng(_seed()).choice(count, size=(RESAMPLES, count), replace=True)
        baseline_scores, system_scores = baseline[indices].mean(axis=1), system[indices].mean(axis=1)
        mean, ci = estimate_ci(system_scores)
        differences = np.abs(system_scores - baseline_scores)
        p_value = _compute_p_value(differences - differences.mean(), abs(float(system.mean()) - float(baseline.mean())))
        results.append(Paired(float(system.mean()), float(mean), float(ci), p_value))
    return results
