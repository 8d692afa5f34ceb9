"""Builds tiny models of each architecture offline: random weights, tokenizers trained on the
test corpus, saved with save_pretrained so tests load them through the real loading path.

Random init at a large std makes outputs depend on the input (DESIGN.md section 7)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import sentencepiece as spm

from tests.corpus import ENGLISH, SPANISH

SIZES = dict(
    d_model=32,
    encoder_layers=2,
    decoder_layers=2,
    encoder_attention_heads=2,
    decoder_attention_heads=2,
    encoder_ffn_dim=64,
    decoder_ffn_dim=64,
)
MAX_NEW_TOKENS = 12
ARCHITECTURES = ("marian", "bart", "t5", "mt5", "pegasus", "m2m_100", "nllb")


def _train_spm(folder: Path, name: str, vocab_size: int = 300, lines: list[str] | None = None, **ids) -> Path:
    corpus = folder / f"{name}-corpus.txt"
    corpus.write_text("\n".join(lines or ENGLISH + SPANISH) + "\n", encoding="utf-8")
    prefix = folder / name
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="unigram",
        minloglevel=2,
        **ids,
    )
    corpus.unlink()
    return Path(f"{prefix}.model")


def _save(model, tokenizer, folder: Path, **generation) -> Path:
    model.generation_config.update(max_new_tokens=MAX_NEW_TOKENS, num_beams=1, do_sample=False, min_new_tokens=1, **generation)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_marian(folder: Path, two_vocabularies: bool = False) -> Path:
    """A Marian model; with `two_vocabularies`, Spanish source pieces and English target pieces
    in one shared vocabulary, as OPUS-MT models have."""
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    work = folder / "_work"
    work.mkdir(parents=True)
    ids = dict(unk_id=1, eos_id=0, bos_id=-1, pad_id=-1)
    if two_vocabularies:
        source_model = _train_spm(work, "source", 200, SPANISH, **ids)
        target_model = _train_spm(work, "target", 200, ENGLISH, **ids)
    else:
        source_model = target_model = _train_spm(work, "spm", **ids)
    vocab = {"</s>": 0, "<unk>": 1}
    for model_file in dict.fromkeys((source_model, target_model)):
        processor = spm.SentencePieceProcessor(model_file=str(model_file))
        for i in range(processor.get_piece_size()):
            vocab.setdefault(processor.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)  # the pad must be the last id (CTranslate2 drops the last row)
    (work / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    tokenizer = MarianTokenizer(str(source_model), str(target_model), str(work / "vocab.json"))
    config = MarianConfig(
        vocab_size=len(vocab),
        max_position_embeddings=128,
        pad_token_id=vocab["<pad>"],
        decoder_start_token_id=vocab["<pad>"],
        eos_token_id=0,
        forced_eos_token_id=None,
        init_std=1.0,
        share_encoder_decoder_embeddings=True,
        **SIZES,
    )
    _save(MarianMTModel(config), tokenizer, folder)
    shutil.rmtree(work)
    return folder


def build_bart(folder: Path) -> Path:
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    trainer = ByteLevelBPETokenizer()
    trainer.train_from_iterator(
        ENGLISH + SPANISH, vocab_size=400, min_frequency=1, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    )
    vocab = trainer.get_vocab()
    saved = json.loads(trainer.to_str())["model"]["merges"]
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in saved]
    tokenizer = BartTokenizer(vocab=vocab, merges=merges)
    config = BartConfig(
        vocab_size=len(vocab),
        max_position_embeddings=128,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_eos_token_id=None,
        forced_bos_token_id=None,
        init_std=1.0,
        **SIZES,
    )
    _save(BartForConditionalGeneration(config), tokenizer, folder)
    return folder


def _build_t5_family(folder: Path, multilingual: bool) -> Path:
    from transformers import MT5Config, MT5ForConditionalGeneration, T5Config, T5ForConditionalGeneration, T5Tokenizer

    work = folder / "_work"
    work.mkdir(parents=True)
    model_file = _train_spm(work, "spiece", pad_id=0, eos_id=1, unk_id=2, bos_id=-1)
    tokenizer = T5Tokenizer.from_pretrained(work, extra_ids=0) if (work / "spiece.model").exists() else None
    config_class, model_class = (
        (MT5Config, MT5ForConditionalGeneration) if multilingual else (T5Config, T5ForConditionalGeneration)
    )
    config = config_class(
        vocab_size=len(tokenizer),
        d_model=32,
        d_kv=8,
        d_ff=64,
        num_layers=2,
        num_heads=2,
        decoder_start_token_id=0,
        pad_token_id=0,
        eos_token_id=1,
        initializer_factor=3.0,
    )
    _save(model_class(config), tokenizer, folder)
    shutil.copy(model_file, folder / "spiece.model")
    shutil.rmtree(work)
    return folder


def build_t5(folder: Path) -> Path:
    return _build_t5_family(folder, multilingual=False)


def build_mt5(folder: Path) -> Path:
    return _build_t5_family(folder, multilingual=True)


def build_pegasus(folder: Path) -> Path:
    from transformers import PegasusConfig, PegasusForConditionalGeneration, PegasusTokenizer

    work = folder / "_work"
    work.mkdir(parents=True)
    _train_spm(work, "spiece", pad_id=0, eos_id=1, unk_id=2, bos_id=-1)
    tokenizer = PegasusTokenizer.from_pretrained(work)
    config = PegasusConfig(
        vocab_size=len(tokenizer),
        max_position_embeddings=128,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
        forced_eos_token_id=None,
        init_std=1.0,
        normalize_before=True,
        **SIZES,
    )
    _save(PegasusForConditionalGeneration(config), tokenizer, folder)
    shutil.rmtree(work)
    return folder


def _fairseq_vocab(model_file: Path) -> dict[str, int]:
    processor = spm.SentencePieceProcessor(model_file=str(model_file))
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for i in range(processor.get_piece_size()):
        vocab.setdefault(processor.id_to_piece(i), len(vocab))
    return vocab


def build_m2m_100(folder: Path) -> Path:
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer
    from transformers.models.m2m_100.tokenization_m2m_100 import FAIRSEQ_LANGUAGE_CODES

    work = folder / "_work"
    work.mkdir(parents=True)
    model_file = _train_spm(work, "sentencepiece.bpe", unk_id=3, bos_id=0, eos_id=2, pad_id=1)
    (work / "vocab.json").write_text(json.dumps(_fairseq_vocab(model_file)), encoding="utf-8")
    codes = [f"__{c}__" for c in FAIRSEQ_LANGUAGE_CODES["m2m100"]]
    tokenizer = M2M100Tokenizer(
        str(work / "vocab.json"), str(model_file), src_lang="es", tgt_lang="en", additional_special_tokens=codes
    )
    config = M2M100Config(
        vocab_size=len(tokenizer) + 8,
        max_position_embeddings=128,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        init_std=1.0,
        **SIZES,
    )
    _save(M2M100ForConditionalGeneration(config), tokenizer, folder)
    shutil.rmtree(work)
    return folder


def build_nllb(folder: Path) -> Path:
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    work = folder / "_work"
    work.mkdir(parents=True)
    _train_spm(work, "sentencepiece.bpe", unk_id=3, bos_id=0, eos_id=2, pad_id=1)
    codes = ["eng_Latn", "spa_Latn", "fra_Latn", "deu_Latn", "ita_Latn", "por_Latn"]
    tokenizer = NllbTokenizer.from_pretrained(work, src_lang="spa_Latn", tgt_lang="eng_Latn", additional_special_tokens=codes)
    config = M2M100Config(
        vocab_size=len(tokenizer),
        max_position_embeddings=128,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        init_std=1.0,
        tokenizer_class="NllbTokenizer",
        **SIZES,
    )
    _save(M2M100ForConditionalGeneration(config), tokenizer, folder)
    shutil.rmtree(work)
    return folder


BUILDERS = {
    "marian": build_marian,
    "bart": build_bart,
    "t5": build_t5,
    "mt5": build_mt5,
    "pegasus": build_pegasus,
    "m2m_100": build_m2m_100,
    "nllb": build_nllb,
}


def build(architecture: str, folder: Path) -> Path:
    """Build the tiny `architecture` model into `folder` and return it."""
    import torch

    torch.manual_seed(0)
    return BUILDERS[architecture](folder)


CHAT_ARCHITECTURES = ("qwen2", "llama")
# A chat template in the ChatML form Qwen's models use.
CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
CHAT_SPECIALS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")


def _chat_tokenizer():
    """A byte-level BPE tokenizer trained on the test corpus, with ChatML's special tokens and template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600, special_tokens=list(CHAT_SPECIALS), initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tokenizer.train_from_iterator(ENGLISH + SPANISH, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        bos_token="<|endoftext|>",
        chat_template=CHAT_TEMPLATE,
        model_max_length=2048,
    )


def build_chat(architecture: str, folder: Path) -> Path:
    """A tiny decoder-only chat model (Qwen2 or Llama) with the ChatML tokenizer."""
    import torch
    from transformers import AutoModelForCausalLM, LlamaConfig, Qwen2Config

    torch.manual_seed(0)
    tokenizer = _chat_tokenizer()
    end, pad = tokenizer.convert_tokens_to_ids("<|im_end|>"), tokenizer.convert_tokens_to_ids("<|endoftext|>")
    config_class = {"qwen2": Qwen2Config, "llama": LlamaConfig}[architecture]
    config = config_class(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        initializer_range=0.3,
        bos_token_id=pad,
        eos_token_id=end,
        pad_token_id=pad,
        tie_word_embeddings=False,
    )
    model = AutoModelForCausalLM.from_config(config)
    model.generation_config.update(eos_token_id=[end, pad], pad_token_id=pad, do_sample=False)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
