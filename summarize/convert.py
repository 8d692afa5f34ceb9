"""Conversions for the CTranslate2 and OpenVINO runtimes: one folder per runtime, hub id,
revision and quantisation, written to a temporary folder and renamed when complete; never
overwritten without `force`."""

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
from summarize.output import current_umask

RUNTIMES = ("ctranslate2", "openvino")
QUANTIZATIONS = {"ctranslate2": ("int8", "int8_float32", "int8_float16", "float32", "float16"),
                 "openvino": ("int8", "float32")}
# What `auto` looks for, best first, per runtime and device (OpenVINO: CPU only).
PREFERRED = {"ctranslate2": {"cpu": ("int8", "int8_float32", "float32"), "cuda": ("float16", "int8_float16", "float32")},
             "openvino": {"cpu": ("int8", "float32"), "cuda": ()}}
METADATA = "summarize.json"


def default_runtime(card: ModelCard, quantization: str) -> str:
    """The runtime `models convert` uses unless told: OpenVINO for BART (the summarisers; 4.6x
    transformers on DistilBART against CTranslate2's 2.4x), CTranslate2 for the rest and for the
    quantisations only it has (float16 for CUDA)."""
    if card.architecture == "bart" and quantization in QUANTIZATIONS["openvino"]:
        return "openvino"
    return "ctranslate2"


def conversions_home(runtime: str = "ctranslate2") -> Path:
    """$SUMMARIZE_HOME/RUNTIME, by default ~/.cache/summarize/RUNTIME."""
    base = os.environ.get("SUMMARIZE_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "summarize")
    return Path(base) / runtime


def _revision_key(card: ModelCard, source: Path) -> str:
    """The commit hash of a cached snapshot, else the card's revision; local folders by path."""
    if card.local_path is not None:
        return "local-" + hashlib.sha1(str(card.local_path.resolve()).encode()).hexdigest()[:10]
    return source.name if source.parent.name == "snapshots" else card.revision


def converted_folder(card: ModelCard, quantization: str, source: Path, runtime: str = "ctranslate2") -> Path:
    name = (card.hub_id or card.alias).strip("/").replace("/", "--")
    return conversions_home(runtime) / f"{name}@{_revision_key(card, source)}-{quantization}"


def find_converted(card: ModelCard, device: str, runtime: str = "ctranslate2") -> Path | None:
    """An existing conversion of `card` for `device` and `runtime` (CTranslate2: int8 first on
    CPU, float16 on CUDA; OpenVINO: int8 first, CPU only)."""
    if card.weightless or runtime not in card.engines and card.local_path is None:
        return None
    from summarize.hub import local_weights

    source = local_weights(card)
    if source is None:
        return None
    for quantization in PREFERRED[runtime].get(device, PREFERRED[runtime]["cpu"]):
        folder = converted_folder(card, quantization, source, runtime)
        if (folder / METADATA).is_file():
            return folder
    return None


def convert(card: ModelCard, quantization: str = "int8", force: bool = False, runtime: str = "ctranslate2") -> Path:
    """Convert the card's local weights (cache or folder) for `runtime`; returns the folder."""
    if card.weightless:
        raise EngineUnavailableError(f"'{card.alias}' has no weights to convert; it runs as it is")
    if quantization not in QUANTIZATIONS[runtime]:
        raise EngineUnavailableError(f"{runtime} quantization must be one of {', '.join(QUANTIZATIONS[runtime])}")
    source = resolve_weights(card, allow_download=False)
    target = converted_folder(card, quantization, source, runtime)
    if target.exists() and not force:
        raise EngineUnavailableError(f"{target} exists already; pass --force to convert again")
    write = _write_openvino if runtime == "openvino" else _write_ctranslate2
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_staging(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-{os.getpid()}-", dir=target.parent))
    except OSError as exc:
        raise EngineUnavailableError(f"cannot write conversions under {target.parent} ({exc.strerror}); "
                                     "set SUMMARIZE_HOME to a writable folder") from None
    try:
        print(f"converting {card.alias} for {runtime} ({quantization}) from {source} ...", file=sys.stderr)
        extra = write(source, staging, quantization)
        _copy_tokenizer(source, staging)
        (staging / METADATA).write_text(json.dumps({
            "alias": card.alias, "hub_id": card.hub_id, "revision": card.revision, "source": str(source),
            "runtime": runtime, "quantization": quantization, "architecture": _architecture(card, source), **extra},
            indent=2), encoding="utf-8")
        staging.chmod(0o777 & ~current_umask())
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except Exception as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, (EngineUnavailableError, ModelUnavailableError)):
            raise
        raise EngineUnavailableError(f"converting '{card.alias}' failed: {str(exc).strip().splitlines()[0]}") from None
    return target


def _remove_abandoned_staging(target: Path) -> None:
    """Staging folders of `target` left by a conversion whose process is gone (killed)."""
    for staging in target.parent.glob(f".{target.name}-*-*"):
        pid = staging.name[len(target.name) + 2:].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_ctranslate2(source: Path, staging: Path, quantization: str) -> dict:
    try:
        from ctranslate2.converters import TransformersConverter
    except ImportError:
        raise EngineUnavailableError("converting needs the package 'ctranslate2'; pip install ctranslate2") from None
    TransformersConverter(str(_with_converter_config(source, staging))).convert(
        str(staging / "model"), quantization=quantization, force=True)
    for item in (staging / "model").iterdir():
        os.replace(item, staging / item.name)
    shutil.rmtree(staging / "model")
    shutil.rmtree(staging / "source", ignore_errors=True)
    return {"output_vocabulary": _target_vocabulary_map(source, staging)}


def _write_openvino(source: Path, staging: Path, quantization: str) -> dict:
    try:
        import openvino  # noqa: F401
    except ImportError:
        raise EngineUnavailableError("converting needs the package 'openvino'; pip install openvino") from None
    from transformers import AutoConfig, AutoModelForSeq2SeqLM

    from summarize.openvino_export import export_bart, unsupported

    why = unsupported(AutoConfig.from_pretrained(source))
    if why:
        raise EngineUnavailableError(why)
    model = AutoModelForSeq2SeqLM.from_pretrained(source, use_safetensors=True, trust_remote_code=False)
    export_bart(model, staging, quantization)
    shutil.copy(source / "config.json", staging / "config.json")
    return {}


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


def _architecture(card: ModelCard, source: Path) -> str:
    """The card's architecture, or for a card-less hub id the one its config.json names."""
    if card.architecture != "auto":
        return card.architecture
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    return "nllb" if config.get("tokenizer_class") == "NllbTokenizer" else config.get("model_type", "auto")


def _copy_tokenizer(source: Path, target: Path) -> None:
    """The engine tokenises with the Hugging Face tokenizer and starts from the model's saved
    generation settings: keep those files beside the converted model. A model without a
    generation_config.json gets the one transformers derives from its config.json."""
    from transformers import AutoTokenizer, GenerationConfig

    AutoTokenizer.from_pretrained(source).save_pretrained(target)
    if not (source / "generation_config.json").exists():
        # The raw dict: transformers 5's config objects no longer carry generation fields.
        config = json.loads((source / "config.json").read_text(encoding="utf-8"))
        GenerationConfig.from_model_config(config).save_pretrained(target)
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
