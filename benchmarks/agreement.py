"""How often the converted engines' greedy output equals the transformers engine's, token for
token, on the tiny test models (random weights, large init), in float32 and int8: ctranslate2 on
six architectures, openvino on the two it converts (Marian, BART).

float32 must agree on at least 99% of inputs (the tests assert it); int8 is reported. Random
weights at a large init make every logit gap tiny, so int8 rounding flips far more tokens here
than it would on a trained model: read the int8 rate as a lower bound.

    python benchmarks/agreement.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ARCHITECTURES = {
    "marian": "translation",
    "m2m_100": "translation",
    "nllb": "translation",
    "bart": "summarization",
    "t5": "summarization",
    "mt5": "summarization",
}
RUNTIMES = {"ctranslate2": tuple(ARCHITECTURES), "openvino": ("marian", "bart")}


def load(runtime: str, card, folder: Path, task: str):
    if runtime == "openvino":
        from summarize.engines.openvino import OVModel

        return OVModel(card, folder)
    from summarize.engines.ctranslate2 import CT2Model

    return CT2Model(card, folder, "cpu", task)


def main() -> None:
    os.environ["SUMMARIZE_HOME"] = tempfile.mkdtemp(prefix="summarize-agreement-")
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()
    from summarize.catalog.cards import card_for_folder
    from summarize.catalog.conversions import convert
    from summarize.engines.huggingface import TransformersModel
    from tests.corpus import ENGLISH, SPANISH
    from tests.tiny_models import build

    inputs = SPANISH + ENGLISH + [f"{a} {b}" for a, b in zip(SPANISH, ENGLISH)]
    root = Path(tempfile.mkdtemp(prefix="summarize-tiny-"))
    totals = {(r, q): [0, 0] for r in RUNTIMES for q in ("float32", "int8")}
    for architecture, task in ARCHITECTURES.items():
        card = card_for_folder(build(architecture, root / architecture), task)
        reference = TransformersModel(card, "cpu")
        target = "en" if task == "translation" else None
        source = "es" if target else None
        expected = reference.generate(inputs, target=target, source=source)
        row = []
        for runtime, architectures in RUNTIMES.items():
            if architecture not in architectures:
                continue
            for quantization in ("float32", "int8"):
                engine = load(runtime, card, convert(card, quantization, runtime=runtime), task)
                same = sum(a == b for a, b in zip(expected, engine.generate(inputs, target=target, source=source)))
                totals[runtime, quantization][0] += same
                totals[runtime, quantization][1] += len(inputs)
                row.append(f"{runtime} {quantization} {same}/{len(inputs)}")
        print(f"{architecture:8s} " + "  ".join(row))
    for (runtime, quantization), (same, count) in totals.items():
        print(f"{runtime} {quantization}: greedy output equal to transformers on {100 * same / count:.1f}% of {count} inputs")


if __name__ == "__main__":
    main()
