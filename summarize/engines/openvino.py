"""The `openvino` engine: BART summarisers and Marian (OPUS-MT) translators converted to OpenVINO
graphs (summarize/conversions/openvino_writer.py), decoded by summarize/engines/search.py with
transformers' rules, behind the shared sequence-to-sequence half.

The encoder's precision follows the CPU's class (runtimes/cpu.py): bfloat16 with AMX, the int8
graph (weights and activations) on AVX-512 VNNI, float32 elsewhere; the decoder step, bound by
reading weights, runs int8 weights in float32 (benchmarks/results/figures.md)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from summarize.catalog.cards import GENERATION_KEYS, ModelCard
from summarize.conversions.openvino_graphs import DECODER, ENCODER, ENCODER_INT8, MASKED
from summarize.engines.search import SearchSettings, search
from summarize.engines.seq2seq import Converted
from summarize.errors import EngineUnavailableError, ModelUnavailableError, first_line
from summarize.runtimes import cpu

# Inputs encoded and searched together: one 1024-token input already fills the cores.
MAX_BATCH = 8
# Generation settings this engine honours: the card's (but a repetition penalty, which the search
# does not apply), the model's special tokens and banned words; any other one set to a value that
# changes the output is refused.
HONOURED = (set(GENERATION_KEYS) - {"repetition_penalty"}) | {
    "decoder_start_token_id",
    "eos_token_id",
    "pad_token_id",
    "bos_token_id",
    "bad_words_ids",
    "renormalize_logits",
    "hypotheses",
}
IGNORED = {
    "do_sample",
    "transformers_version",
    "_from_model_config",
    "use_cache",
    "output_attentions",
    "output_hidden_states",
    "output_scores",
    "return_dict_in_generate",
    "num_return_sequences",
    "scored",  # the search always gives each output's mean log-probability
}
_NEUTRAL = {
    "repetition_penalty": 1.0,
    "temperature": 1.0,
    "top_k": 50,
    "top_p": 1.0,
    "num_beam_groups": 1,
    "diversity_penalty": 0.0,
    "encoder_no_repeat_ngram_size": 0,
}


def _import_openvino():
    cpu.cap_runtimes()
    try:
        import openvino
    except ImportError:
        raise EngineUnavailableError("engine 'openvino' needs the package 'openvino'; pip install openvino") from None
    return openvino


def encoder_for(folder: Path, quantization: str, preferred: str) -> tuple[str, str]:
    """The encoder graph and precision for this CPU: float32 conversions stay exact; an int8
    conversion takes the precision of the CPU's class (its int8 graph where there is one)."""
    if quantization == "float32":
        return ENCODER, "f32"
    if preferred == "int8":
        return (ENCODER_INT8, "int8") if (folder / ENCODER_INT8).is_file() else (ENCODER, "f32")
    return ENCODER, preferred


class OVRunner:
    """The two compiled graphs of one conversion and a search over them, on token ids."""

    def __init__(self, folder: Path, quantization: str):
        openvino = _import_openvino()
        core = openvino.Core()
        latency = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": cpu.threads()}
        exact = {**latency, "INFERENCE_PRECISION_HINT": "f32"}
        encoder, self.encoder_precision = encoder_for(folder, quantization, cpu.current().encoder)
        try:
            self.encoder = core.compile_model(
                folder / encoder,
                "CPU",
                {**latency, "INFERENCE_PRECISION_HINT": "bf16"} if self.encoder_precision == "bf16" else exact,
            )
            self.decoder = core.compile_model(folder / DECODER, "CPU", exact)
        except RuntimeError as exc:
            raise ModelUnavailableError(
                f"the OpenVINO conversion in {folder} cannot be loaded ({first_line(exc)}); "
                "convert again with 'summarize models convert ... --force'"
            ) from None
        self.threads = int(self.decoder.get_property("INFERENCE_NUM_THREADS"))

    def generate_ids(self, batch: list[list[int]], pad_token_id: int, settings: SearchSettings) -> list[list[int]]:
        """Generated ids (start token excluded) for each input of `batch`, in order."""
        width = max(len(ids) for ids in batch)
        input_ids = np.full((len(batch), width), pad_token_id, dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
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
        openvino = _import_openvino()
        # The inputs every step shares, set once (passing them with each call costs about 0.5 ms).
        for name, value in {"encoder_mask": encoder_mask, **cross}.items():
            request.set_tensor(name, openvino.Tensor(value, shared_memory=True))

        def step(tokens: np.ndarray, origins: np.ndarray | None) -> np.ndarray:
            # Outputs are the request's own buffers (share_outputs), rewritten by the next call: the
            # cache is copied (or gathered, which copies) before it goes back in, and the
            # log-probabilities are used up before then.
            keys, values = state["self_keys"], state["self_values"]
            if origins is None:
                keys, values = keys.copy(), values.copy()
            else:
                keys, values = np.take(keys, origins, axis=1), np.take(values, origins, axis=1)
            result = request.infer(
                {
                    "input_ids": tokens.reshape(-1, 1).astype(np.int64),
                    "position": np.array([state["position"]]),
                    "self_keys": keys,
                    "self_values": values,
                },
                share_inputs=True,
                share_outputs=True,
            )
            state["self_keys"], state["self_values"] = result["new_self_keys"], result["new_self_values"]
            state["position"] += 1
            return result["log_probs"]

        return search(step, len(batch), settings)


class OVModel(Converted):
    """An OpenVINO conversion of a BART or Marian model."""

    runtime = "openvino"
    max_batch = MAX_BATCH

    def __init__(self, card: ModelCard, folder: Path, device: str = "cpu"):
        super().__init__(card, folder, device)
        self.runner = OVRunner(folder, self.quantization)
        self.model_config = json.loads((folder / "config.json").read_text(encoding="utf-8"))

    def describe(self) -> dict:
        return {**super().describe(), "encoder_precision": self.runner.encoder_precision}

    def threads(self) -> int | None:
        return self.runner.threads

    def runtime_settings(self, merged: dict) -> SearchSettings:
        """The generation settings as the numpy search takes them; a setting it does not apply
        is refused by name."""
        refused = sorted(k for k, v in merged.items() if k not in HONOURED | IGNORED and v is not None and _NEUTRAL.get(k) != v)
        if refused:
            raise EngineUnavailableError(
                f"the openvino engine does not apply the generation setting(s) "
                f"{', '.join(refused)} of '{self.card.alias}'; use --engine transformers"
            )
        bad_words = merged.get("bad_words_ids") or []
        if any(len(words) != 1 for words in bad_words):
            raise EngineUnavailableError(
                f"the openvino engine bans single tokens only; '{self.card.alias}' "
                "bans longer sequences; use --engine transformers"
            )
        token = lambda name: merged.get(name, self.model_config.get(name))  # noqa: E731
        return SearchSettings(
            start_token_id=token("decoder_start_token_id"),
            eos_token_id=token("eos_token_id"),
            pad_token_id=token("pad_token_id"),
            num_beams=merged.get("num_beams", 1),
            max_new_tokens=merged["max_new_tokens"],
            min_new_tokens=merged["min_new_tokens"],
            length_penalty=merged.get("length_penalty", 1.0),
            early_stopping=merged.get("early_stopping", False),
            no_repeat_ngram_size=merged.get("no_repeat_ngram_size") or 0,
            banned_token_ids=tuple(words[0] for words in bad_words),
            renormalize=bool(merged.get("renormalize_logits")),
            forced_bos_token_id=merged.get("forced_bos_token_id"),
            forced_eos_token_id=merged.get("forced_eos_token_id"),
            hypotheses=merged.get("hypotheses", 1),
        )

    def run_ids(self, inputs: list[list[int]], settings: SearchSettings) -> list[list[int]]:
        return self.runner.generate_ids(inputs, settings.pad_token_id, settings)
