"""A saved Hugging Face tokenizer read with the `tokenizers` library alone: what a pretrained
model prompted by completion asks of its tokenizer (ids, counts, decoding), without importing
transformers, which brings torch (on Gemma 3 270M's llama.cpp path, 680 MB of the process's
memory and 2 s of its start). The ids and texts equal transformers' fast tokenizer's, which wraps
the same `tokenizer.json` (tests/test_llamacpp.py compares them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple


class Encoded(NamedTuple):
    input_ids: list[int]


def plain_tokenizer(folder: Path) -> PlainTokenizer | None:
    """The folder's tokenizer read plainly, or None where transformers' adds to it (a config that
    asks for its clean-up of spaces on decoding, or no `tokenizer.json`)."""
    config_path, backend_path = folder / "tokenizer_config.json", folder / "tokenizer.json"
    if not (config_path.is_file() and backend_path.is_file()):
        return None
    config = json.loads(config_path.read_text(encoding="utf-8"))
    return None if config.get("clean_up_tokenization_spaces") else PlainTokenizer(backend_path, config)


class PlainTokenizer:
    """A `tokenizer.json` and its config, as transformers saved them."""

    def __init__(self, backend_path: Path, config: dict):
        from tokenizers import Tokenizer

        self.backend = Tokenizer.from_file(str(backend_path))
        named = [config.get(f"{role}_token") for role in ("bos", "eos", "unk", "sep", "pad", "cls", "mask")]
        tokens = [_content(token) for token in (*named, *config.get("additional_special_tokens", [])) if token]
        #: The ids of the tokens the config names as special, as transformers' `all_special_ids`.
        self.all_special_ids = sorted({i for i in map(self.backend.token_to_id, tokens) if i is not None})

    def __call__(self, text: str, add_special_tokens: bool = True) -> Encoded:
        return Encoded(self.encode(text, add_special_tokens=add_special_tokens))

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        return self.backend.encode(text, add_special_tokens=add_special_tokens).ids

    def decode(self, ids: list[int], skip_special_tokens: bool = False) -> str:
        return self.backend.decode(list(ids), skip_special_tokens=skip_special_tokens)


def _content(token) -> str:
    """A config's token: its text, or a table holding it (`{"content": ...}`)."""
    return token["content"] if isinstance(token, dict) else token
