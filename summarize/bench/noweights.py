"""No-weights mode: a card's architecture with random weights, output lengths forced."""

from __future__ import annotations

from summarize.cards import ModelCard
from summarize.errors import CardError


def build_random_model(card: ModelCard, device: str = "cpu", dtype: str = "float32"):
    """The card's architecture from its `[config]` values, randomly initialised, in eval mode."""
    import torch
    from transformers import AutoConfig, AutoModelForSeq2SeqLM

    if not card.config.get("model_type"):
        raise CardError(f"card '{card.alias}' has no [config] model_type: it cannot be built without weights")
    values = {k: v for k, v in card.config.items() if k not in ("model_type", "tokenizer_class")}
    config = AutoConfig.for_model(card.config["model_type"], **values)
    torch.manual_seed(0)
    model = AutoModelForSeq2SeqLM.from_config(config, dtype=getattr(torch, dtype))
    return model.to(device).eval()


def random_inputs(model, batch_size: int, input_tokens: int, device: str, seed: int = 0) -> dict:
    """A batch of random token ids of exactly `input_tokens`, ending in EOS, no padding."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    # Ordinary pieces only: special ids sit at the start of every vocabulary (and at its end for Marian).
    ids = torch.randint(10, min(model.config.vocab_size - 2, 30000), (batch_size, input_tokens), generator=generator)
    ids[:, -1] = model.config.eos_token_id
    return {"input_ids": ids.to(device), "attention_mask": torch.ones_like(ids).to(device)}


def forced_generation_config(model, output_tokens: int, beams: int):
    """Every setting stated, lengths forced: exactly `output_tokens` new tokens per sequence."""
    from transformers import GenerationConfig

    return GenerationConfig(
        max_new_tokens=output_tokens,
        min_new_tokens=output_tokens,
        num_beams=beams,
        do_sample=False,
        early_stopping=False,
        length_penalty=1.0,
        no_repeat_ngram_size=0,
        repetition_penalty=1.0,
        forced_bos_token_id=None,
        forced_eos_token_id=None,
        use_cache=True,
        decoder_start_token_id=model.config.decoder_start_token_id,
        eos_token_id=model.config.eos_token_id,
        pad_token_id=model.config.pad_token_id,
        bos_token_id=getattr(model.config, "bos_token_id", None),
    )


class VocabularyOnlyTokenizer:
    """What the CTranslate2 converter reads from a tokenizer (the vocabulary and the special
    tokens), for a random-weight model that has no real tokenizer."""

    def __init__(self, config):
        names = {config.pad_token_id: "<pad>", config.eos_token_id: "</s>"}
        if getattr(config, "bos_token_id", None) is not None:
            names.setdefault(config.bos_token_id, "<s>")
        unk_id = next(i for i in (3, 1, 2, 0) if i not in names)
        names[unk_id] = "<unk>"
        self.tokens = [names.get(i, f"▁t{i}") for i in range(config.vocab_size)]
        self.pad_token, self.eos_token, self.unk_token = "<pad>", "</s>", "<unk>"
        self.bos_token = "<s>" if "<s>" in names.values() else "</s>"
        self.unk_token_id = unk_id
        self.special_tokens_map: dict = {}

    def get_vocab(self) -> dict[str, int]:
        return {token: index for index, token in enumerate(self.tokens)}

    def convert_ids_to_tokens(self, ids):
        return self.tokens[ids] if isinstance(ids, int) else [self.tokens[i] for i in ids]

    def __len__(self) -> int:
        return len(self.tokens)


def convert_random_model(model, quantization: str, folder) -> None:
    """Convert a random-weight model for CTranslate2 (no tokenizer files needed)."""
    import tempfile

    from ctranslate2.converters import TransformersConverter

    config_folder = tempfile.mkdtemp(prefix="summarize-config-")
    model.config.save_pretrained(config_folder)

    class _RandomModelConverter(TransformersConverter):
        def load_model(self, *args, **kwargs):
            return model

        def load_tokenizer(self, *args, **kwargs):
            return VocabularyOnlyTokenizer(model.config)

    _RandomModelConverter(config_folder).convert(str(folder), quantization=quantization, force=True)
