"""The `openvino` engine: BART summarisers and Marian (OPUS-MT) translators converted to OpenVINO
graphs (see summarize/openvino_export.py), decoded by summarize/engines/search.py with
transformers' rules.

On CPUs with bfloat16 matrix units (AMX, AVX-512 BF16) OpenVINO runs the encoder in bfloat16, its
default there; the decoder step, bound by reading weights, runs int8 weights in float32. The
figures behind these choices are in benchmarks/cpu_speed.py and the README."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from summarize.cards import ModelCard
from summarize.engines.base import NeuralSummarizer, NeuralTranslator, check_budget
from summarize.engines.search import SearchSettings, search
from summarize.errors import EngineUnavailableError, ModelUnavailableError

ENCODER, DECODER = "encoder.xml", "decoder.xml"
# Additive mask value for padding: exp() of it is exactly 0 in float32, as transformers' mask.
MASKED = -1.0e9
# Inputs encoded and searched together: one 1024-token input already fills the cores.
MAX_BATCH = 8
# Generation settings this engine honours; any other one set to a non-default value is refused.
HONOURED = {"num_beams", "max_new_tokens", "min_new_tokens", "max_length", "min_length", "length_penalty",
            "early_stopping", "no_repeat_ngram_size", "forced_bos_token_id", "forced_eos_token_id",
            "decoder_start_token_id", "eos_token_id", "pad_token_id", "bos_token_id", "bad_words_ids",
            "renormalize_logits"}
IGNORED = {"do_sample", "transformers_version", "_from_model_config", "use_cache", "output_attentions",
           "output_hidden_states", "output_scores", "return_dict_in_generate", "num_return_sequences"}
_NEUTRAL = {"repetition_penalty": 1.0, "temperature": 1.0, "top_k": 50, "top_p": 1.0, "num_beam_groups": 1,
            "diversity_penalty": 0.0, "encoder_no_repeat_ngram_size": 0}


def _import_openvino():
    try:
        import openvino
    except ImportError:
        raise EngineUnavailableError("engine 'openvino' needs the package 'openvino'; pip install openvino") from None
    return openvino


class OVRunner:
    """The two compiled graphs of one conversion and a search over them, on token ids."""

    def __init__(self, folder: Path, quantization: str):
        openvino = _import_openvino()
        core = openvino.Core()
        latency = {"PERFORMANCE_HINT": "LATENCY"}
        exact = {**latency, "INFERENCE_PRECISION_HINT": "f32"}
        try:
            self.encoder = core.compile_model(folder / ENCODER, "CPU", exact if quantization == "float32" else latency)
            self.decoder = core.compile_model(folder / DECODER, "CPU", exact)
        except RuntimeError as exc:
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelUnavailableError(f"the OpenVINO conversion in {folder} cannot be loaded ({first_line}); "
                                        "convert again with 'summarize models convert ... --force'") from None
        self.encoder_precision = str(self.encoder.get_property("INFERENCE_PRECISION_HINT"))

    def generate_ids(self, batch: list[list[int]], pad_token_id: int, settings: SearchSettings) -> list[list[int]]:
        """Generated ids (start token excluded) for each input of `batch`, in order."""
        width = max(len(ids) for ids in batch)
        input_ids = np.full((len(batch), width), pad_token_id, dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, :len(ids)] = ids
        attention_mask = (np.arange(width)[None, :] < np.array([len(ids) for ids in batch])[:, None]).astype(np.int64)
        encoded = self.encoder({"input_ids": input_ids, "attention_mask": attention_mask})
        cross = {port.get_any_name(): encoded[port] for port in self.encoder.outputs}
        request = self.decoder.create_infer_request()
        layers = len(cross) // 2
        _, heads, _, head_size = cross["cross_keys.0"].shape
        hypotheses = len(batch) * settings.num_beams
        state = {
            "self_keys": np.zeros((layers, hypotheses, heads, 0, head_size), dtype=np.float32),
            "self_values": np.zeros((layers, hypotheses, heads, 0, head_size), dtype=np.float32),
            "position": 0,
        }
        encoder_mask = np.where(attention_mask == 1, 0.0, MASKED).astype(np.float32)

        def step(tokens: np.ndarray, origins: np.ndarray | None) -> np.ndarray:
            # Outputs are the request's own buffers (share_outputs), rewritten by the next call: the
            # cache is copied (or gathered, which copies) before it goes back in, and the
            # log-probabilities are used up before then.
            keys, values = state["self_keys"], state["self_values"]
            if origins is None:
                keys, values = keys.copy(), values.copy()
            else:
                keys, values = np.take(keys, origins, axis=1), np.take(values, origins, axis=1)
            result = request.infer({
                "input_ids": tokens.reshape(-1, 1).astype(np.int64), "position": np.array([state["position"]]),
                "self_keys": keys, "self_values": values, "encoder_mask": encoder_mask, **cross},
                share_inputs=True, share_outputs=True)
            state["self_keys"], state["self_values"] = result["new_self_keys"], result["new_self_values"]
            state["position"] += 1
            return result["log_probs"]

        return search(step, len(batch), settings)


class OVModel:
    """A converted BART or Marian model with its Hugging Face tokenizer and generation settings."""

    def __init__(self, card: ModelCard, folder: Path):
        from transformers import AutoTokenizer

        from summarize.convert import read_metadata

        metadata = read_metadata(folder)
        self.card = card
        self.device = "cpu"
        self.quantization = metadata["quantization"]
        self.architecture = metadata["architecture"]
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.runner = OVRunner(folder, self.quantization)
        self.max_input_tokens = card.max_input_tokens or min(self.tokenizer.model_max_length, 1024)
        self.model_config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        saved = folder / "generation_config.json"
        self.saved_generation = json.loads(saved.read_text(encoding="utf-8")) if saved.is_file() else {}

    def count_tokens(self, text: str, target: str | None = None) -> int:
        return len(self.tokenizer(self.card.prefix(target) + text).input_ids)

    def set_source_language(self, source: str | None) -> None:
        """BART and Marian take no source-language token."""

    def settings(self, length: str | None = None) -> SearchSettings:
        """The model's saved generation settings, then the card's and the length's, as
        transformers combines them (max_new_tokens over max_length; its default length is 20)."""
        merged = {**self.saved_generation, **self.card.generation_for(length)}
        refused = sorted(k for k, v in merged.items()
                         if k not in HONOURED | IGNORED and v is not None and _NEUTRAL.get(k) != v)
        if refused:
            raise EngineUnavailableError(f"the openvino engine does not apply the generation setting(s) "
                                         f"{', '.join(refused)} of '{self.card.alias}'; use --engine transformers")
        config = self.model_config
        token = lambda name: merged.get(name, config.get(name))  # noqa: E731
        max_new = merged.get("max_new_tokens") or merged.get("max_length", 20) - 1
        min_new = merged.get("min_new_tokens")
        if min_new is None:
            min_new = max(merged.get("min_length", 0) - 1, 0)
        bad_words = merged.get("bad_words_ids") or []
        if any(len(words) != 1 for words in bad_words):
            raise EngineUnavailableError(f"the openvino engine bans single tokens only; '{self.card.alias}' "
                                         "bans longer sequences; use --engine transformers")
        return SearchSettings(
            start_token_id=token("decoder_start_token_id"), eos_token_id=token("eos_token_id"),
            pad_token_id=token("pad_token_id"), num_beams=merged.get("num_beams", 1), max_new_tokens=max_new,
            min_new_tokens=min_new, length_penalty=merged.get("length_penalty", 1.0),
            early_stopping=merged.get("early_stopping", False),
            no_repeat_ngram_size=merged.get("no_repeat_ngram_size") or 0,
            banned_token_ids=tuple(words[0] for words in bad_words),
            renormalize=bool(merged.get("renormalize_logits")),
            forced_bos_token_id=merged.get("forced_bos_token_id"),
            forced_eos_token_id=merged.get("forced_eos_token_id"))

    def generate(self, texts: list[str], length: str | None = None, target: str | None = None) -> list[str]:
        if not texts:
            return []
        settings = self.settings(length)
        prefix = self.card.prefix(target)
        ids = [self.tokenizer(prefix + text).input_ids for text in texts]
        check_budget([len(seq) for seq in ids], self.max_input_tokens)
        order = sorted(range(len(texts)), key=lambda i: -len(ids[i]))
        outputs = [""] * len(texts)
        for start in range(0, len(order), MAX_BATCH):
            chosen = order[start:start + MAX_BATCH]
            generated = self.runner.generate_ids([ids[i] for i in chosen], settings.pad_token_id, settings)
            for index, tokens in zip(chosen, generated):
                outputs[index] = self.tokenizer.decode(tokens, skip_special_tokens=True).strip()
        return outputs


def _load(card: ModelCard, device: str, allow_download: bool) -> OVModel:
    """The OpenVINO conversion of `card`, converting it first (int8) if needed."""
    from summarize.convert import convert, find_converted

    if device == "cuda":
        raise EngineUnavailableError("the openvino engine runs on the CPU; use --device cpu or another engine")
    folder = find_converted(card, "cpu", "openvino")
    if folder is None:
        if allow_download:
            from summarize.hub import resolve_weights

            resolve_weights(card, allow_download=True)
        folder = convert(card, "int8", runtime="openvino")
    return OVModel(card, folder)


class _Converted:
    """What an OpenVINO conversion adds to the metadata."""

    engine_name = "openvino"

    def describe(self) -> dict:
        return {**super().describe(), "compute_type": self.model.quantization,
                "encoder_precision": self.model.runner.encoder_precision}


class OVTranslator(_Converted, NeuralTranslator):
    @classmethod
    def from_card(cls, card: ModelCard, device: str = "auto", allow_download: bool = True) -> OVTranslator:
        return cls(_load(card, device, allow_download))


class OVSummarizer(_Converted, NeuralSummarizer):
    @classmethod
    def from_card(cls, card: ModelCard, device: str = "auto", allow_download: bool = True) -> OVSummarizer:
        return cls(_load(card, device, allow_download))
