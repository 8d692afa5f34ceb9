"""Where model weights come from: a local folder, the Hugging Face cache, or the hub."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse

from summarize.cards import ModelCard
from summarize.errors import ModelUnavailableError

# What a model needs to load; pickled .bin, TF, Flax and Rust weights are never fetched.
MODEL_FILES = ["*.json", "*.safetensors", "*.model", "*.spm", "*.txt"]
PROBE_TIMEOUT_S = 3.0


def hub_offline() -> bool:
    """True when the user asked for offline mode (HF_HUB_OFFLINE, or TRANSFORMERS_OFFLINE)."""
    return any(os.environ.get(v, "").lower() in ("1", "true", "yes", "on")
               for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def hub_reachable() -> bool:
    """A quick TCP probe of the hub endpoint, so offline machines fail in seconds, not minutes."""
    from huggingface_hub import constants

    parsed = urlparse(constants.ENDPOINT)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname, port), timeout=PROBE_TIMEOUT_S):
            return True
    except OSError:
        return False


def local_weights(card: ModelCard) -> Path | None:
    """The folder holding the card's files locally (a local folder, or the cache), else None."""
    if card.local_path is not None:
        return card.local_path if (card.local_path / "config.json").is_file() else None
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        folder = Path(snapshot_download(card.hub_id, revision=card.revision, local_files_only=True,
                                        allow_patterns=MODEL_FILES))
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None
    return folder if (folder / "config.json").is_file() else None


def _missing_message(card: ModelCard, why: str) -> str:
    return (f"model '{card.alias}' ({card.hub_id} @ {card.revision}) is not in the local cache and {why}; "
            f"run 'summarize models download {card.alias}' on a machine online (then copy "
            f"{os.environ.get('HF_HOME', '~/.cache/huggingface')} here), or pass a local model folder")


def download(card: ModelCard) -> Path:
    """Fetch the card's files at its pinned revision into the standard cache, with progress."""
    if card.local_path is not None:
        return card.local_path
    if hub_offline():
        raise ModelUnavailableError(_missing_message(card, "HF_HUB_OFFLINE is set"))
    if not hub_reachable():
        raise ModelUnavailableError(_missing_message(card, "the Hugging Face hub cannot be reached"))
    from huggingface_hub import snapshot_download

    print(f"downloading {card.hub_id} @ {card.revision} ...", file=sys.stderr)
    try:
        return Path(snapshot_download(card.hub_id, revision=card.revision, allow_patterns=MODEL_FILES))
    except Exception as exc:  # the hub client raises many types; the user needs one line
        raise ModelUnavailableError(f"downloading '{card.alias}' ({card.hub_id}) failed: {exc}") from None


def resolve_weights(card: ModelCard, allow_download: bool = True) -> Path:
    """The local folder for `card`, downloading it first when allowed and possible."""
    folder = local_weights(card)
    if folder is not None:
        return folder
    if card.local_path is not None:
        raise ModelUnavailableError(f"'{card.local_path}' holds no config.json: not a model folder")
    if not allow_download:
        raise ModelUnavailableError(_missing_message(card, "downloading was not allowed"))
    return download(card)
