"""OpenVINO graphs of a post-norm BART or Marian model, built from the transformers model.

Two graphs:
  encoder   input ids and mask -> each decoder layer's cross-attention keys and values, computed
            once per input (not once per beam), one output per layer (a stacked tensor would
            make the decoder copy each layer's slice on every step);
  decoder   one token per hypothesis -> log-probabilities and the grown self-attention cache. The
            hypotheses of one input (its beams) share that input's cross-attention keys and values,
            so a step reads them once instead of once per beam.

With `int8` the decoder's linear weights are stored as int8 with one float scale per output row
(OpenVINO multiplies them in that form); the encoder keeps 16-bit weights, and a second encoder
graph, quantised by NNCF (int8 weights and activations, ranges measured on the calibration
inputs of calibration.py), serves CPUs with int8 dot products but no AMX. `float32` keeps every
weight as it is, which the tests compare token for token with transformers."""

from __future__ import annotations

import contextlib
import io
import shutil
import warnings
from pathlib import Path

import torch

from summarize.conversions.calibration import calibration_inputs
from summarize.conversions.openvino_graphs import DECODER, ENCODER, ENCODER_INT8, MASKED, SUPPORTED
from summarize.errors import EngineUnavailableError


def write(source: Path, staging: Path, quantization: str) -> dict:
    """The two OpenVINO graphs in `staging`, from the safetensors weights in `source`."""
    try:
        import openvino  # noqa: F401
    except ImportError:
        raise EngineUnavailableError("converting needs the package 'openvino'; pip install openvino") from None
    from transformers import AutoConfig, AutoModelForSeq2SeqLM

    why = unsupported(AutoConfig.from_pretrained(source))
    if why:
        raise EngineUnavailableError(why)
    model = AutoModelForSeq2SeqLM.from_pretrained(source, use_safetensors=True, trust_remote_code=False)
    export_bart(model, staging, quantization)
    shutil.copy(source / "config.json", staging / "config.json")
    if quantization != "int8":
        return {}
    budget = min(model.config.max_position_embeddings, 1024)
    inputs, kind = calibration_inputs(source, model.config.vocab_size, model.config.eos_token_id, budget)
    quantize_encoder(staging, inputs)
    return {"int8_encoder_calibration": f"{len(inputs)} inputs: {kind}"}


def quantize_encoder(folder: Path, inputs: list[list[int]]) -> None:
    """ENCODER_INT8 beside the encoder: NNCF's post-training quantisation for transformers
    (int8 weights and activations, SmoothQuant), activation ranges from `inputs`."""
    import numpy as np
    import openvino

    try:
        import nncf
    except ImportError:
        raise EngineUnavailableError("an int8 OpenVINO conversion needs the package 'nncf'; pip install nncf") from None
    samples = [
        {"input_ids": np.array([ids], dtype=np.int64), "attention_mask": np.ones((1, len(ids)), dtype=np.int64)} for ids in inputs
    ]
    encoder = openvino.Core().read_model(folder / ENCODER)
    with _nncf_quiet(nncf):
        quantized = nncf.quantize(encoder, nncf.Dataset(samples), model_type=nncf.ModelType.TRANSFORMER, subset_size=len(samples))
    openvino.save_model(quantized, folder / ENCODER_INT8)


@contextlib.contextmanager
def _nncf_quiet(nncf):
    """NNCF's progress bars and advice off: a conversion says its own one line."""
    import logging

    from nncf.common.logging.logger import set_log_level

    set_log_level(logging.ERROR)
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def unsupported(config) -> str | None:
    """Why this config is outside the graphs below, or None."""
    if config.model_type not in SUPPORTED:
        return f"the openvino engine runs BART and Marian (OPUS-MT) models, not '{config.model_type}'"
    if getattr(config, "normalize_before", False) or getattr(config, "add_final_layer_norm", False):
        return "the openvino engine runs post-norm BART and Marian models only"
    return None


def export_bart(model, folder: Path, quantization: str) -> None:
    """Write encoder.xml/.bin and decoder.xml/.bin for `model` (BART or Marian, for generation)."""
    import openvino

    why = unsupported(model.config)
    if why:
        raise EngineUnavailableError(why)
    model = model.float().eval()
    config = model.config
    layers, heads = config.decoder_layers, config.decoder_attention_heads
    head_size = config.d_model // heads
    ids = torch.tensor([[0, 5, 6, 7, 2], [0, 8, 2, 1, 1]])
    mask = (ids != config.pad_token_id).long()
    with torch.inference_mode(), warnings.catch_warnings():
        # Tracing warns of Python branches on shapes; the graphs are checked against transformers.
        warnings.simplefilter("ignore")
        encoder = _Encoder(model)
        cross = encoder(ids, mask)
        decoder = _Decoder(model, quantized=quantization == "int8")
        beams = 3
        cache = torch.zeros(layers, 2 * beams, heads, 1, head_size)
        example = (
            torch.full((2 * beams, 1), 5),
            torch.tensor([1]),
            cache,
            cache.clone(),
            torch.where(mask.bool(), 0.0, MASKED),
            *cross,
        )
        encoder_graph = openvino.convert_model(encoder, example_input=(ids, mask))
        decoder_graph = openvino.convert_model(decoder, example_input=example)
    cross_names = [f"{kind}.{layer}" for layer in range(layers) for kind in ("cross_keys", "cross_values")]
    _name_ports(encoder_graph, ["input_ids", "attention_mask"], cross_names)
    _name_ports(
        decoder_graph,
        ["input_ids", "position", "self_keys", "self_values", "encoder_mask", *cross_names],
        ["log_probs", "new_self_keys", "new_self_values"],
    )
    openvino.save_model(encoder_graph, folder / ENCODER, compress_to_fp16=quantization == "int8")
    openvino.save_model(decoder_graph, folder / DECODER, compress_to_fp16=False)


def _name_ports(graph, inputs: list[str], outputs: list[str]) -> None:
    for port, name in zip(graph.inputs, inputs):
        port.get_tensor().set_names({name})
    for port, name in zip(graph.outputs, outputs):
        port.get_tensor().set_names({name})


class _Encoder(torch.nn.Module):
    """transformers' encoder, then each decoder layer's key and value projections of its output:
    keys and values of layer 0, then of layer 1, ..., each [inputs, heads, length, head_size]."""

    def __init__(self, model):
        super().__init__()
        self.encoder = model.get_encoder()
        self.projections = torch.nn.ModuleList(layer.encoder_attn for layer in model.model.decoder.layers)
        self.heads = model.config.decoder_attention_heads

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        n, length, width = hidden.shape
        split = lambda x: x.view(n, length, self.heads, width // self.heads).transpose(1, 2)  # noqa: E731
        return tuple(
            split(projection(hidden)) for attention in self.projections for projection in (attention.k_proj, attention.v_proj)
        )


class _Int8Linear(torch.nn.Module):
    """A linear layer whose weight is int8 times one scale per output row."""

    def __init__(self, linear):
        super().__init__()
        weight = linear.weight.detach().float()
        scale = weight.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / 127
        self.register_buffer("weight_int8", torch.round(weight / scale).to(torch.int8))
        self.register_buffer("scale", scale)
        self.register_buffer("bias", linear.bias.detach().float() if linear.bias is not None else torch.zeros(weight.shape[0]))

    def forward(self, x):
        return torch.nn.functional.linear(x, self.weight_int8.float() * self.scale, self.bias)


class _Decoder(torch.nn.Module):
    """One decoder step of post-norm BART or Marian for hypotheses grouped by input: hypothesis h
    belongs to input h // beams, where beams = hypotheses / inputs. BART scales its embeddings
    inside embed_tokens and normalises them; Marian scales them in the decoder and adds
    sinusoidal positions without an offset."""

    def __init__(self, model, quantized: bool):
        import copy

        super().__init__()
        decoder = copy.deepcopy(model.model.decoder)
        head = copy.deepcopy(model.lm_head)
        if quantized:
            _quantize_linears(decoder)
            head = _Int8Linear(head)
        self.decoder, self.head = decoder, head
        self.register_buffer("logits_bias", model.final_logits_bias.detach().float().clone())
        self.heads = model.config.decoder_attention_heads
        self.width = model.config.d_model
        self.offset = getattr(decoder.embed_positions, "offset", 0)
        self.embed_scale = float(getattr(decoder, "embed_scale", 1.0))
        self.embedding_norm = getattr(decoder, "layernorm_embedding", None)

    def forward(self, input_ids, position, self_keys, self_values, encoder_mask, *cross):
        decoder = self.decoder
        hypotheses = input_ids.shape[0]
        inputs = cross[0].shape[0]
        beams = hypotheses // inputs
        width = self.width
        head_size = width // self.heads
        positions = decoder.embed_positions.weight[position + self.offset]  # [1, width]
        x = decoder.embed_tokens(input_ids) * self.embed_scale + positions.view(1, 1, width)
        if self.embedding_norm is not None:
            x = self.embedding_norm(x)
        mask = encoder_mask.view(inputs, 1, 1, -1)
        split = lambda t: t.view(hypotheses, 1, self.heads, head_size).transpose(1, 2)  # noqa: E731
        new_keys, new_values = [], []
        for index, layer in enumerate(decoder.layers):
            attention = layer.self_attn
            q = split(attention.q_proj(x) * attention.scaling)
            k = torch.cat([self_keys[index], split(attention.k_proj(x))], 2)
            v = torch.cat([self_values[index], split(attention.v_proj(x))], 2)
            new_keys.append(k)
            new_values.append(v)
            # One query per hypothesis: products and sums rather than matmul-softmax-matmul, which
            # OpenVINO fuses into an attention kernel that goes wrong from 16 cached positions on.
            weights = torch.softmax((q * k).sum(dim=-1, keepdim=True), dim=2)  # [hypotheses, heads, positions, 1]
            mixed = (weights * v).sum(dim=2, keepdim=True)
            x = layer.self_attn_layer_norm(x + attention.out_proj(mixed.transpose(1, 2).reshape(hypotheses, 1, width)))
            attention = layer.encoder_attn
            q = (attention.q_proj(x) * attention.scaling).view(inputs, beams, self.heads, head_size).transpose(1, 2)
            scores = q @ cross[2 * index].transpose(2, 3) + mask  # [inputs, heads, beams, length]
            mixed = torch.softmax(scores, dim=-1) @ cross[2 * index + 1]  # [inputs, heads, beams, head_size]
            mixed = mixed.transpose(1, 2).reshape(hypotheses, 1, width)
            x = layer.encoder_attn_layer_norm(x + attention.out_proj(mixed))
            x = layer.final_layer_norm(x + layer.fc2(layer.activation_fn(layer.fc1(x))))
        logits = self.head(x[:, 0]) + self.logits_bias
        return torch.log_softmax(logits.float(), dim=-1), torch.stack(new_keys), torch.stack(new_values)


def _quantize_linears(module) -> None:
    for name, child in module.named_children():
        if isinstance(child, torch.nn.Linear):
            setattr(module, name, _Int8Linear(child))
        else:
            _quantize_linears(child)
