"""How often the ctranslate2 engine's greedy output equals the transformers engine's, token for
token, on the tiny test models (random weights, large init), in float32 and int8.

float32 must agree on at least 99% of inputs (the tests assert it); int8 is reported. Random
weights at a large init make every logit gap tiny, so int8 rounding flips far more tokens here
than it would on a trained model: read the int8 rate as a lower bound.

    python benchmarks/ct2_agreement.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ARCHITECTURES = {"marian": "translation", "m2m_100": "translation", "nllb": "translation",
                 "bart": "summarization", "t5": "summarization", "mt5": "summarization"}


def main() -> None:
    os.environ["SUMMARIZE_HOME"] = tempfile.mkdtemp(prefix="summarize-agreement-")
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()
    from summarize.cards import card_for_folder
    from summarize.convert import convert
    from summarize.engines.ctranslate2 import CT2Model
    from summarize.engines.huggingface import Seq2SeqModel
    from tests.corpus import ENGLISH, SPANISH
    from tests.tiny_models import build

    inputs = SPANISH + ENGLISH + [f"{a} {b}" for a, b in zip(SPANISH, ENGLISH)]
    root = Path(tempfile.mkdtemp(prefix="summarize-tiny-"))
    totals = {"float32": [0, 0], "int8": [0, 0]}
    for architecture, task in ARCHITECTURES.items():
        card = card_for_folder(build(architecture, root / architecture), task)
        reference = Seq2SeqModel(card, "cpu")
        target = "en" if task == "translation" else None
        reference.set_source_language("es" if target else None)
        expected = reference.generate(inputs, target=target)
        row = []
        for quantization in ("float32", "int8"):
            engine = CT2Model(card, convert(card, quantization), "cpu", task)
            engine.set_source_language("es" if target else None)
            same = sum(a == b for a, b in zip(expected, engine.generate(inputs, target=target)))
            totals[quantization][0] += same
            totals[quantization][1] += len(inputs)
            row.append(f"{quantization} {same}/{len(inputs)}")
        print(f"{architecture:8s} " + "  ".join(row))
    for quantization, (same, count) in totals.items():
        print(f"{quantization}: greedy output equal to transformers on {100 * same / count:.1f}% of {count} inputs")


if __name__ == "__main__":
    main()
