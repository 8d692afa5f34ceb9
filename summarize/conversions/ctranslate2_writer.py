"""The CTranslate2 writer: its converter, fed a view of the model folder holding safetensors
weights only, and a vocabulary map for OPUS-MT models with separate target pieces."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from summarize.errors import EngineUnavailableError


def write(source: Path, staging: Path, quantization: str) -> dict:
    """The CTranslate2 model in `staging`, from the safetensors weights in `source`; returns the
    metadata it adds (the size of the output vocabulary map, if any)."""
    try:
        from ctranslate2.converters import TransformersConverter
    except ImportError:
        raise EngineUnavailableError("converting needs the package 'ctranslate2'; pip install ctranslate2") from None
    TransformersConverter(str(_with_converter_config(source, staging))).convert(
        str(staging / "model"), quantization=quantization, force=True
    )
    for item in (staging / "model").iterdir():
        os.replace(item, staging / item.name)
    shutil.rmtree(staging / "model")
    shutil.rmtree(staging / "source", ignore_errors=True)
    return {"output_vocabulary": _target_vocabulary_map(source, staging)}


# Config fields the CTranslate2 converter reads that some saved configs lack (BART is post-norm,
# PEGASUS pre-norm); transformers itself ignores them.
_CONVERTER_DEFAULTS = {"bart": {"normalize_before": False}, "pegasus": {"normalize_before": True}}


# Pickled weights: the converter's from_pretrained would torch.load them; they never reach it.
_PICKLES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".h5", ".msgpack")


def _with_converter_config(source: Path, staging: Path) -> Path:
    """A view of `source` (links) for the CTranslate2 converter: safetensors weights only, and a
    config.json with the fields the converter needs."""
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    missing = {k: v for k, v in _CONVERTER_DEFAULTS.get(config.get("model_type"), {}).items() if k not in config}
    view = staging / "source"
    view.mkdir()
    for item in source.iterdir():
        if item.name != "config.json" and item.suffix not in _PICKLES:
            os.symlink(item.resolve(), view / item.name)
    (view / "config.json").write_text(json.dumps({**config, **missing}, indent=2), encoding="utf-8")
    return view


def _target_vocabulary_map(source: Path, target: Path) -> int | None:
    """For Marian models with separate source and target sentencepiece models (OPUS-MT), a
    CTranslate2 vocabulary map that lets the decoder choose among target pieces only: the output
    layer shrinks to the target side of the shared vocabulary. Returns its size, or None."""
    source_spm, target_spm = source / "source.spm", source / "target.spm"
    if not (source_spm.is_file() and target_spm.is_file()) or source_spm.read_bytes() == target_spm.read_bytes():
        return None
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_file=str(target_spm))
    pieces = {processor.id_to_piece(i) for i in range(processor.get_piece_size())}
    vocabulary = json.loads((target / "shared_vocabulary.json").read_text(encoding="utf-8"))
    kept = [token for token in vocabulary if token in pieces]
    # An empty source n-gram: these candidates are always allowed (with <unk>, <s> and </s>).
    (target / "vmap.txt").write_text("\t" + " ".join(kept) + "\n", encoding="utf-8")
    return len(kept)
