"""Fidelity of OpenVINO's int8 encoder (NNCF, weights and activations) against its float32
encoder: the relative error of the encoder's outputs (every layer's cross-attention keys and
values) and the share of inputs whose first 20 greedy tokens are the same, through the engine.

On the tiny test architectures (BART, Marian; random weights, calibrated on the packaged text)
and on opus-mt-tc-big-fr-en with random weights and its real tokenizer on FLORES French
sentences. Random weights are a harsh case: their activations have no structure for the
calibration to find; real models' figures will differ.

    python benchmarks/int8_encoder.py [--sentences 40]"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

import numpy as np

from summarize.bench.datasets import script_data

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


# Greedy tokens compared per input (the first ones, where a different encoder shows first).
GREEDY_TOKENS = 20


def compare(card, folder: Path, texts: list[str], target: str | None) -> tuple[float, float]:
    from summarize.bench.noweights import forced_settings
    from summarize.engines.openvino import OVModel
    from summarize.runtimes import cpu

    classes = {row.name: row for row in cpu.CLASSES}
    models = {}
    for precision, row in (("f32", classes["avx2"]), ("int8", classes["avx512_vnni"])):
        cpu.current = lambda row=row: row  # the encoder each class takes
        models[precision] = OVModel(card, folder)
        assert models[precision].runner.encoder_precision == precision
    errors = []
    for text in texts:
        ids = models["f32"].tokenizer(card.prefix(target) + text).input_ids
        feed = {"input_ids": np.array([ids]), "attention_mask": np.ones((1, len(ids)), dtype=np.int64)}
        exact = np.concatenate([v.ravel() for v in models["f32"].runner.encoder(feed).values()])
        fast = np.concatenate([v.ravel() for v in models["int8"].runner.encoder(feed).values()])
        errors.append(float(np.abs(exact - fast).mean() / np.abs(exact).mean()))
    ids = [models["f32"].tokenizer(card.prefix(target) + text).input_ids for text in texts]
    greedy = forced_settings(GREEDY_TOKENS, 1)
    outputs = {p: [m.generate_ids([one], greedy)[0] for one in ids] for p, m in models.items()}
    same = sum(a == b for a, b in zip(outputs["f32"], outputs["int8"])) / len(texts)
    return float(np.median(errors)), same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=40)
    args = parser.parse_args()
    from summarize.bench.datasets import load
    from summarize.bench.noweights import random_model_folder
    from summarize.catalog.cards import card_for_folder, lookup
    from summarize.catalog.conversions import ensure_converted
    from tests.corpus import ENGLISH, SPANISH
    from tests.tiny_models import build

    root = Path(tempfile.mkdtemp(prefix="int8-encoder-"))
    print("| model | inputs | encoder output, median relative error | first 20 greedy tokens identical |")
    print("|---|---|---|---|")
    for architecture, task, texts in (("bart", "summarization", ENGLISH), ("marian", "translation", SPANISH)):
        card = card_for_folder(build(architecture, root / architecture), task)
        error, same = compare(
            card, ensure_converted(card, "int8", "openvino"), list(texts), "en" if task == "translation" else None
        )
        print(f"| tiny {architecture} (random) | {len(texts)} test sentences | {error:.3%} | {same:.0%} |")
    _, records = load("flores200-fra-eng-dev", "translation", limit=args.sentences)
    big = lookup("opus-mt-tc-big-fr-en")
    tokenizer = script_data("tokenizers/opus-mt-tc-big-fr-en")
    source = random_model_folder(big, tokenizer)
    card = dataclasses.replace(card_for_folder(source, "translation"), source_languages=("fr",), target_languages=("en",))
    error, same = compare(card, ensure_converted(card, "int8", "openvino"), [r["src"] for r in records], "en")
    print(
        f"| opus-mt-tc-big-fr-en (random, real tokenizer) | {len(records)} FLORES French sentences | {error:.3%} | {same:.0%} |"
    )


if __name__ == "__main__":
    main()
