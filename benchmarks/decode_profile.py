"""Where a decode step of the openvino engine goes, against the memory floor: per step, the
decoder graph's own time (OpenVINO's infer call) and the rest (the numpy search, the cache copies
and gathers), then the graph's time by node type for one step (OpenVINO's performance counters).
Random weights, int8 conversions made through `models convert`, outputs forced to full length.

    python benchmarks/decode_profile.py [--runs 5] [--bandwidth 27]

The floor reads, once per step, the decoder's int8 weights and every layer's
cross-attention keys and values of the input, at --bandwidth GB/s (what 2 threads read large arrays
at on this machine)."""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict

import numpy as np

from summarize.bench.noweights import random_conversion
from summarize.bench.quiet import Gate
from summarize.conversions.openvino_graphs import DECODER
from summarize.engines.openvino import OVRunner
from summarize.engines.search import SearchSettings
from summarize.runtimes import cpu

# alias, task, input tokens, new tokens, beams: the two batch-1 workloads.
WORKLOADS = (
    ("opus-mt-es-en", "translation", 40, 40, 1),
    ("distilbart-cnn-12-6", "summarization", 1024, 64, 4),
)


class _TimedRequest:
    """An infer request that adds up the seconds of its infer calls."""

    def __init__(self, request):
        self.request, self.seconds, self.calls = request, 0.0, 0

    def infer(self, *args, **kwargs):
        start = time.perf_counter()
        result = self.request.infer(*args, **kwargs)
        self.seconds += time.perf_counter() - start
        self.calls += 1
        return result

    def __getattr__(self, name):
        return getattr(self.request, name)


class _TimedModel:
    """A compiled model whose requests are timed, and whose calls (the encoder's) are timed too."""

    def __init__(self, compiled):
        self.compiled, self.last, self.seconds = compiled, None, 0.0

    def create_infer_request(self):
        self.last = _TimedRequest(self.compiled.create_infer_request())
        return self.last

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        result = self.compiled(*args, **kwargs)
        self.seconds += time.perf_counter() - start
        return result

    def __getattr__(self, name):
        return getattr(self.compiled, name)


def profile(alias: str, task: str, length: int, new: int, beams: int, runs: int, bandwidth: float) -> None:
    folder = random_conversion(alias, task, "int8", "openvino")
    runner = OVRunner(folder, "int8")
    runner.encoder, runner.decoder = _TimedModel(runner.encoder), _TimedModel(runner.decoder)
    ids = [int(i) for i in np.random.default_rng(0).integers(100, 5000, length)] + [0]
    settings = SearchSettings(
        start_token_id=0, eos_token_id=0, pad_token_id=1, num_beams=beams, max_new_tokens=new, min_new_tokens=new
    )
    runner.generate_ids([ids], 1, settings)
    gate, steps = Gate(), []
    for _ in range(runs):
        gate.wait_until_quiet()
        runner.encoder.seconds = 0.0
        start = time.perf_counter()
        runner.generate_ids([ids], 1, settings)
        decoding = time.perf_counter() - start - runner.encoder.seconds
        request = runner.decoder.last
        steps.append((1000 * decoding / request.calls, 1000 * request.seconds / request.calls))
    step, graph = statistics.median(s for s, _ in steps), statistics.median(g for _, g in steps)
    read = _weight_bytes(folder) + _cross_bytes(runner, ids)
    floor = read / bandwidth / 1e6
    print(f"## {alias}: {length} tokens in, {new} out, batch 1, beams {beams}")
    print(
        f"per step {step:.2f} ms (median of {runs}) = decoder graph {graph:.2f} + search and cache {step - graph:.2f}; "
        f"floor {floor:.2f} ms ({read / 1e6:.0f} MB at {bandwidth:g} GB/s): {step / floor:.2f}x the floor"
    )
    print(_node_types(folder, runner, ids, settings))


def _weight_bytes(folder) -> int:
    """Bytes of the decoder's int8 weights, every linear layer's, read whole each step (their
    scales, a float per row, add under 1%; the float embedding tables are only gathered from)."""
    import openvino

    graph = openvino.Core().read_model(folder / DECODER)
    return sum(
        op.get_byte_size()
        for op in graph.get_ops()
        if op.get_type_name() == "Constant" and op.get_element_type() == openvino.Type.i8
    )


def _cross_bytes(runner: OVRunner, ids: list[int]) -> int:
    """Bytes of every layer's cross-attention keys and values for one input."""
    encoded = runner.encoder({"input_ids": np.array([ids]), "attention_mask": np.ones((1, len(ids)), dtype=np.int64)})
    return sum(encoded[port].nbytes for port in runner.encoder.outputs)


def _node_types(folder, runner: OVRunner, ids: list[int], settings: SearchSettings) -> str:
    """The last step's graph time by OpenVINO node type, the largest first."""
    import openvino

    config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": cpu.threads(), "INFERENCE_PRECISION_HINT": "f32"}
    runner.decoder = _TimedModel(openvino.Core().compile_model(folder / DECODER, "CPU", {**config, "PERF_COUNT": True}))
    runner.generate_ids([ids], 1, settings)
    times, counts = defaultdict(float), defaultdict(int)
    for node in runner.decoder.last.request.profiling_info:
        times[node.node_type, node.exec_type] += node.real_time.total_seconds() * 1000
        counts[node.node_type, node.exec_type] += 1
    lines = [f"last step's nodes: {sum(times.values()):.2f} ms", "| node type | kernel | nodes | ms |", "|---|---|---|---|"]
    for (kind, kernel), ms in sorted(times.items(), key=lambda item: -item[1])[:8]:
        lines.append(f"| {kind} | {kernel} | {counts[kind, kernel]} | {ms:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bandwidth", type=float, default=27.0)
    args = parser.parse_args()
    row = cpu.cap_runtimes()
    print(f"CPU class {row.name}, {cpu.threads()} threads\n")
    for workload in WORKLOADS:
        profile(*workload, runs=args.runs, bandwidth=args.bandwidth)


if __name__ == "__main__":
    main()
