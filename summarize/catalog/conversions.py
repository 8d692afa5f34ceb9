"""The store of conversions: one folder per runtime, hub id, revision and quantisation, found by
the engines and written here, staged under a temporary name and renamed when complete; never
overwritten without `force`. The writer of each runtime is named in the engine table."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from summarize.catalog.cards import CONVERSION_METADATA as METADATA
from summarize.catalog.cards import ModelCard, architecture_of
from summarize.catalog.home import summarize_home
from summarize.catalog.hub import resolve_weights
from summarize.errors import EngineUnavailableError, ModelUnavailableError, first_line
from summarize.notes import note
from summarize.output import current_umask
from summarize.runtimes.loading import damaged_weights, quiet_transformers
from summarize.runtimes.table import ENGINES, runtimes


def default_runtime(card: ModelCard, quantization: str) -> str:
    """The runtime `models convert` uses unless told: the one measured fastest for the card's task
    on this class of CPU, where it converts this architecture in this quantisation; else
    CTranslate2 (which also has the quantisations for CUDA)."""
    from summarize.conversions.openvino_graphs import SUPPORTED
    from summarize.runtimes.cpu import fastest_runtime

    fastest = fastest_runtime("chat" if card.chat else card.task)
    family = ENGINES[fastest].family_of(card.chat)
    if family not in ENGINES[fastest].writers:
        return next(name for name in runtimes(family))
    if fastest == "openvino" and (card.architecture not in SUPPORTED or quantization not in ENGINES["openvino"].quantizations):
        return "ctranslate2"
    return fastest


def _dequantized(card: ModelCard, runtime: str, force: bool) -> Path:
    """A GGUF model runs as it is on llamacpp; for transformers, its weights dequantised into a
    safetensors folder (which converts for the other runtimes in turn)."""
    if runtime != "transformers":
        raise EngineUnavailableError(
            f"'{card.alias}' is a GGUF model: it runs as it is on llamacpp; '--runtime transformers' dequantises it "
            "into a safetensors folder, which converts for the other runtimes"
        )
    from summarize.catalog.gguf import dequantized_folder, read_info
    from summarize.catalog.hub import gguf_file

    note(f"dequantising {card.alias} for transformers (float32) ...")
    return dequantized_folder(read_info(gguf_file(card, allow_download=False)), card.alias, force)


def conversions_home(runtime: str = "ctranslate2") -> Path:
    """$SUMMARIZE_HOME/RUNTIME, by default ~/.cache/summarize/RUNTIME."""
    return summarize_home() / runtime


def _revision_key(card: ModelCard, source: Path) -> str:
    """The commit hash of a cached snapshot, else the card's revision; local folders by path."""
    if card.local_path is not None:
        return "local-" + hashlib.sha1(str(card.local_path.resolve()).encode()).hexdigest()[:10]
    return source.name if source.parent.name == "snapshots" else card.revision


def converted_folder(card: ModelCard, quantization: str, source: Path, runtime: str = "ctranslate2") -> Path:
    name = (card.hub_id or card.alias).strip("/").replace("/", "--")
    return conversions_home(runtime) / f"{name}@{_revision_key(card, source)}-{quantization}"


def conversions_of(card: ModelCard) -> list[Path]:
    """Every finished conversion of the card, for any runtime, revision and quantisation."""
    name = (card.hub_id or card.alias).strip("/").replace("/", "--")
    return sorted(
        path for runtime in runtimes() for path in conversions_home(runtime).glob(f"{name}@*") if (path / METADATA).is_file()
    )


def find_converted(card: ModelCard, device: str, runtime: str = "ctranslate2") -> Path | None:
    """An existing conversion of `card` for `device` and `runtime` (CTranslate2: int8 first on
    CPU, float16 on CUDA; OpenVINO: int8 first, CPU only)."""
    if card.weightless or runtime not in card.engines and card.local_path is None:
        return None
    from summarize.catalog.hub import local_weights

    source = local_weights(card)
    if source is None:
        return None
    for quantization in ENGINES[runtime].preferred.get(device, ()):
        folder = converted_folder(card, quantization, source, runtime)
        if (folder / METADATA).is_file():
            return folder
    return None


def convert(card: ModelCard, quantization: str = "int8", force: bool = False, runtime: str = "ctranslate2") -> Path:
    """Convert the card's local weights (cache or folder) for `runtime`; returns the folder."""
    if card.weightless:
        raise EngineUnavailableError(f"'{card.alias}' has no weights to convert; it runs as it is")
    if card.weight_format == "gguf":
        return _dequantized(card, runtime, force)
    if runtime not in runtimes():
        raise EngineUnavailableError(f"runtime must be one of {', '.join(runtimes())}")
    if quantization not in ENGINES[runtime].quantizations:
        raise EngineUnavailableError(f"{runtime} quantization must be one of {', '.join(ENGINES[runtime].quantizations)}")
    family = ENGINES[runtime].family_of(card.chat)
    if family not in ENGINES[runtime].writers:
        raise EngineUnavailableError(
            f"{runtime} does not convert {family} models such as '{card.alias}'; runtimes that do: {', '.join(runtimes(family))}"
        )
    source = resolve_weights(card, allow_download=False)
    target = converted_folder(card, quantization, source, runtime)
    if target.exists() and not force:
        raise EngineUnavailableError(f"{target} exists already; pass --force to convert again")
    module_name, function_name = ENGINES[runtime].writers[family].split(":")
    write = getattr(importlib.import_module(module_name), function_name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_staging(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-{os.getpid()}-", dir=target.parent))
    except OSError as exc:
        raise EngineUnavailableError(
            f"cannot write conversions under {target.parent} ({exc.strerror}); set SUMMARIZE_HOME to a writable folder"
        ) from None
    try:
        note(f"converting {card.alias} for {runtime} ({quantization}) from {source} ...")
        with quiet_transformers():
            extra = write(source, staging, quantization)
        copy_tokenizer(source, staging)
        config = json.loads((source / "config.json").read_text(encoding="utf-8"))
        (staging / METADATA).write_text(
            json.dumps(
                {
                    "alias": card.alias,
                    "hub_id": card.hub_id,
                    "revision": card.revision,
                    "source": str(source),
                    "runtime": runtime,
                    "quantization": quantization,
                    "architecture": card.architecture if card.architecture != "auto" else architecture_of(config),
                    "max_position_embeddings": config.get("max_position_embeddings"),
                    **extra,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
        staging.chmod(0o777 & ~current_umask())
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except Exception as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, (EngineUnavailableError, ModelUnavailableError)):
            raise
        if damaged_weights(exc):
            raise ModelUnavailableError(f"'{card.alias}' in {source} cannot be converted: {damaged_weights(exc)}") from None
        raise EngineUnavailableError(f"converting '{card.alias}' failed: {first_line(exc)}") from None
    return target


def conversion_for(card: ModelCard, runtime: str, device: str, allow_download: bool) -> Path:
    """The folder a converted runtime loads `card` from on `device`: the card's own when it is a
    conversion, else one found in the store, else one made now in the runtime's preferred
    quantisation for the device (the weights downloaded first when allowed)."""
    if card.converted_for == runtime:
        return card.local_path
    folder = find_converted(card, device, runtime)
    if folder is None:
        if allow_download:
            resolve_weights(card, allow_download=True)
        folder = convert(card, ENGINES[runtime].preferred[device][0], runtime=runtime)
    return folder


def ensure_converted(card: ModelCard, quantization: str, runtime: str) -> Path:
    """The card's conversion for `runtime` in `quantization`: the one made before, else made now."""
    folder = converted_folder(card, quantization, resolve_weights(card, allow_download=False), runtime)
    return folder if (folder / METADATA).is_file() else convert(card, quantization, runtime=runtime)


def _remove_abandoned_staging(target: Path) -> None:
    """Staging folders of `target` left by a conversion whose process is gone (killed)."""
    for staging in target.parent.glob(f".{target.name}-*-*"):
        pid = staging.name[len(target.name) + 2 :].split("-")[0]
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


def copy_tokenizer(source: Path, target: Path) -> None:
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


def read_metadata(folder: Path) -> dict:
    return json.loads((folder / METADATA).read_text(encoding="utf-8"))
