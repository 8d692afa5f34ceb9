"""No-weights mode: a card's architecture with random weights, saved once as a model folder
(safetensors, config, a tokenizer) so that every runtime loads and converts it through the
product's own path; the folder and its conversions are cached by the configuration's hash."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from summarize.catalog.cards import ModelCard
from summarize.catalog.home import summarize_home
from summarize.errors import CardError
from summarize.runtimes.loading import quiet_transformers

# Files copied from a real model folder without weights (a tokenizer folder): the random model
# gets the real vocabulary and the model's saved generation settings.
TOKENIZER_FILES = (
    "generation_config.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.json",
    "source.spm",
    "target.spm",
    "tokenizer.json",
    "spiece.model",
    "sentencepiece.bpe.model",
)


def random_config(card: ModelCard):
    """The card's architecture (its `[config]`) as a transformers config."""
    from transformers import AutoConfig

    if not card.config.get("model_type"):
        raise CardError(
            f"'{card.alias}' has no [config] model_type: it cannot be built without weights"
            + (" (it is weight-free: measure it with 'summarize bench translation|summarization')" if card.weightless else "")
        )
    values = {k: v for k, v in card.config.items() if k not in ("model_type", "tokenizer_class")}
    return AutoConfig.for_model(card.config["model_type"], **values)


def build_random_model(card: ModelCard, device: str = "cpu", dtype: str = "float32"):
    """The card's architecture, randomly initialised (seed 0), in eval mode."""
    import torch
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM

    torch.manual_seed(0)
    family = AutoModelForCausalLM if card.chat else AutoModelForSeq2SeqLM
    model = family.from_config(random_config(card), dtype=getattr(torch, dtype))
    return model.to(device).eval()


def random_model_folder(card: ModelCard, tokenizer: Path | None = None) -> Path:
    """A model folder of the card's architecture with random weights, built once: under
    $SUMMARIZE_HOME/random, named by the alias and a hash of the configuration and tokenizer."""
    config = random_config(card)
    key = json.dumps({"config": config.to_dict(), "tokenizer": _tokenizer_key(tokenizer)}, sort_keys=True, default=str)
    folder = summarize_home() / "random" / f"{card.alias}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    if (folder / "model.safetensors").is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        with quiet_transformers():
            model = build_random_model(card)
            model.save_pretrained(staging, safe_serialization=True)
        if tokenizer is not None:
            for name in TOKENIZER_FILES:
                if (tokenizer / name).is_file():
                    shutil.copy(tokenizer / name, staging / name)
        else:
            vocabulary_only_tokenizer(model.config).save_pretrained(staging)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def random_conversion(alias: str, task: str, quantization: str, runtime: str) -> Path:
    """The card's architecture with random weights, converted for `runtime` in `quantization`;
    made once and cached (throughput benchmarks run the product's path on it)."""
    from summarize.catalog.cards import card_for_folder, lookup
    from summarize.catalog.conversions import ensure_converted

    source = random_model_folder(lookup(alias))
    return ensure_converted(card_for_folder(source, task), quantization, runtime)


def _tokenizer_key(tokenizer: Path | None) -> str | None:
    if tokenizer is None:
        return None
    digest = hashlib.sha256()
    for name in TOKENIZER_FILES:
        if (tokenizer / name).is_file():
            digest.update(name.encode() + (tokenizer / name).read_bytes())
    return digest.hexdigest()


def vocabulary_only_tokenizer(config):
    """A word-level tokenizer over placeholder pieces (`▁t5`) with the model's special tokens at
    their ids: enough for the converters and the engines when no real tokenizer is at hand."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    names = {config.pad_token_id: "<pad>", config.eos_token_id: "</s>"}
    if getattr(config, "bos_token_id", None) is not None:
        names.setdefault(config.bos_token_id, "<s>")
    names[next(i for i in (3, 1, 2, 0) if i not in names)] = "<unk>"
    vocabulary = {names.get(i, f"▁t{i}"): i for i in range(config.vocab_size)}
    backend = Tokenizer(models.WordLevel(vocabulary, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    bos = "<s>" if "<s>" in names.values() else "</s>"
    # A chat model's engine needs a template; this one joins the messages (the bench feeds ids).
    template = "{% for message in messages %}{{ message['content'] }}{% endfor %}" if not config.is_encoder_decoder else None
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, pad_token="<pad>", eos_token="</s>", unk_token="<unk>", bos_token=bos, chat_template=template
    )


def random_inputs(config, batch_size: int, input_tokens: int, seed: int = 0) -> list[list[int]]:
    """A batch of random ordinary token ids of exactly `input_tokens`, ending in EOS."""
    import random

    generator = random.Random(seed)
    # Ordinary pieces only: special ids sit at the start of every vocabulary (and at its end for Marian).
    top = min(config.vocab_size - 2, 30000)
    return [[generator.randrange(10, top) for _ in range(input_tokens - 1)] + [config.eos_token_id] for _ in range(batch_size)]


def forced_settings(output_tokens: int, beams: int) -> dict:
    """Generation settings with every choice stated and exactly `output_tokens` new tokens, in
    the engines' shared terms (engines/seq2seq.py)."""
    return {
        "num_beams": beams,
        "max_new_tokens": output_tokens,
        "min_new_tokens": output_tokens,
        "length_penalty": 1.0,
        "no_repeat_ngram_size": 0,
        "repetition_penalty": 1.0,
        "early_stopping": False,
        "do_sample": False,
        "forced_bos_token_id": None,
        "forced_eos_token_id": None,
        "bad_words_ids": None,
    }
