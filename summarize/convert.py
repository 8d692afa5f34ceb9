"""CTranslate2 conversions: one folder per hub id, revision and quantisation, written to a
temporary folder and renamed when complete; never overwritten without `force`."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from summarize.cards import ModelCard
from summarize.errors import EngineUnavailableError, ModelUnavailableError
from summarize.hub import resolve_weights

QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "float32", "float16")
# What `auto` looks for, best first, per device.
PREFERRED = {"cpu": ("int8", "int8_float32", "float32"), "cuda": ("float16", "int8_float16", "float32")}
METADATA = "summarize.json"


def conversions_home() -> Path:
    """$SUMMARIZE_HOME/ctranslate2, by default ~/.cache/summarize/ctranslate2."""
    base = os.environ.get("SUMMARIZE_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "summarize")
    return Path(base) / "ctranslate2"


def _revision_key(card: ModelCard, source: Path) -> str:
    """The commit hash of a cached snapshot, else the card's revision; local folders by path."""
    if card.local_path is not None:
        return "local-" + hashlib.sha1(str(card.local_path.resolve()).encode()).hexdigest()[:10]
    return source.name if source.parent.name == "snapshots" else card.revision


def converted_folder(card: ModelCard, quantization: str, source: Path) -> Path:
    name = (card.hub_id or card.alias).strip("/").replace("/", "--")
    return conversions_home() / f"{name}@{_revision_key(card, source)}-{quantization}"


def find_converted(card: ModelCard, device: str) -> Path | None:
    """An existing conversion of `card` for `device` (int8 first on CPU, float16 on CUDA)."""
    if card.weightless or "ctranslate2" not in card.engines and card.local_path is None:
        return None
    from summarize.hub import local_weights

    source = local_weights(card)
    if source is None:
        return None
    for quantization in PREFERRED.get(device, PREFERRED["cpu"]):
        folder = converted_folder(card, quantization, source)
        if (folder / METADATA).is_file():
            return folder
    return None


def convert(card: ModelCard, quantization: str = "int8", force: bool = False) -> Path:
    """Convert the card's local weights (cache or folder) for CTranslate2; returns the folder."""
    if quantization not in QUANTIZATIONS:
        raise EngineUnavailableError(f"quantization must be one of {', '.join(QUANTIZATIONS)}")
    source = resolve_weights(card, allow_download=False)
    target = converted_folder(card, quantization, source)
    if target.exists() and not force:
        raise EngineUnavailableError(f"{target} exists already; pass --force to convert again")
    try:
        from ctranslate2.converters import TransformersConverter
    except ImportError:
        raise EngineUnavailableError("converting needs the package 'ctranslate2'; pip install ctranslate2") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        print(f"converting {card.alias} ({quantization}) from {source} ...", file=sys.stderr)
        TransformersConverter(str(_with_converter_config(source, staging))).convert(
            str(staging / "model"), quantization=quantization, force=True)
        for item in (staging / "model").iterdir():
            os.replace(item, staging / item.name)
        shutil.rmtree(staging / "model")
        shutil.rmtree(staging / "source", ignore_errors=True)
        _copy_tokenizer(source, staging)
        (staging / METADATA).write_text(json.dumps({
            "alias": card.alias, "hub_id": card.hub_id, "revision": card.revision, "source": str(source),
            "quantization": quantization, "architecture": _architecture(card, source),
            "output_vocabulary": _target_vocabulary_map(source, staging)},
            indent=2), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except Exception as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, (EngineUnavailableError, ModelUnavailableError)):
            raise
        raise EngineUnavailableError(f"converting '{card.alias}' failed: {str(exc).strip().splitlines()[0]}") from None
    return target


# Config fields the CTranslate2 converter reads that some saved configs lack (BART is post-norm,
# PEGASUS pre-norm); transformers itself ignores them.
_CONVERTER_DEFAULTS = {"bart": {"normalize_before": False}, "pegasus": {"normalize_before": True}}


def _with_converter_config(source: Path, staging: Path) -> Path:
    """`source`, or a view of it (links) whose config.json has the fields the converter needs."""
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    missing = {k: v for k, v in _CONVERTER_DEFAULTS.get(config.get("model_type"), {}).items() if k not in config}
    if not missing:
        return source
    view = staging / "source"
    view.mkdir()
    for item in source.iterdir():
        if item.name != "config.json":
            os.symlink(item.resolve(), view / item.name)
    (view / "config.json").write_text(json.dumps({**config, **missing}, indent=2), encoding="utf-8")
    return view


def _architecture(card: ModelCard, source: Path) -> str:
    """The card's architecture, or for a card-less hub id the one its config.json names."""
    if card.architecture != "auto":
        return card.architecture
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    return "nllb" if config.get("tokenizer_class") == "NllbTokenizer" else config.get("model_type", "auto")


def _copy_tokenizer(source: Path, target: Path) -> None:
    """The engine tokenises with the Hugging Face tokenizer and starts from the model's saved
    generation settings: keep those files beside the converted model."""
    from transformers import AutoTokenizer

    AutoTokenizer.from_pretrained(source).save_pretrained(target)
    for name in ("generation_config.json", "spiece.model", "sentencepiece.bpe.model", "source.spm", "target.spm"):
        if (source / name).exists() and not (target / name).exists():
            shutil.copy(source / name, target / name)


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


def read_metadata(folder: Path) -> dict:
    return json.loads((folder / METADATA).read_text(encoding="utf-8"))
