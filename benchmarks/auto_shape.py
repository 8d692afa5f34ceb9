"""`auto` by the call's shape against each runtime, on this CPU: for each shape, one gated,
interleaved `summarize bench latency --no-weights` run of the runtimes (each in its own
process), the runtime `auto` takes for that shape (runtimes/cpu.py, as the product asks it), and
auto's median over the best runtime's (1.00 when it takes the fastest); then one-sentence
`POST /translate` requests, one at a time and interleaved, to three servers on the same random
opus-mt-es-en weights: auto (both conversions present), and each runtime forced. Each request
waits for a quiet machine and is retried when the server shared it with more than 10% of the
cores' use by other processes.

    python benchmarks/auto_shape.py [--runs 5] [--requests 200] [--only opus-b1] [--no-service]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve_load import HEADERS, Server, raw_form  # noqa: E402

from summarize.bench.quiet import DEFAULT_THRESHOLD, Gate  # noqa: E402

RUNTIMES = ("ctranslate2", "openvino")
# Name: (workload, overrides of its batch size and beams). OPUS-MT's card translates with 4
# beams, so a one-sentence call of the product is opus-b1 with 4 beams.
SHAPES = {
    "opus-b1 (1 sentence, greedy)": ("opus-b1", []),
    "opus-b1, 4 beams (1 sentence as the product translates it)": ("opus-b1", ["--beams", "4"]),
    "opus-b2, 4 beams (2 sentences)": ("opus-b1", ["--batch-size", "2", "--beams", "4"]),
    "opus-b4, 4 beams (4 sentences)": ("opus-b1", ["--batch-size", "4", "--beams", "4"]),
    "opus-b16 (16 sentences, 4 beams)": ("opus-b16", []),
    "distilbart (one long input)": ("distilbart", []),
    "distilbart-b4 (four long inputs)": ("distilbart-b4", []),
}
SENTENCE = "El ayuntamiento aprobó ayer el presupuesto para el año que viene tras un largo debate."


def auto_takes(task: str, batch_size: int) -> str:
    from summarize.runtimes.table import auto_runtimes

    sentences = batch_size if task == "translation" else None
    return next(r for r in auto_runtimes(task, sentences=sentences) if r in RUNTIMES)


def latency(workload: str, overrides: list[str], runs: int, folder: Path) -> tuple[dict[str, float], dict]:
    """Each runtime's median seconds per call in one interleaved run, and the run's settings."""
    command = [sys.executable, "-m", "summarize", "bench", "latency", "--no-weights", "--workload", workload]
    command += [*overrides, "--engine", ",".join(RUNTIMES), "--runs", str(runs), "--out", str(folder), "--fresh", "-q"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)}: {done.stderr.strip()[-500:]}")
    summaries = {r: json.loads((folder / r / "summary.json").read_text()) for r in RUNTIMES}
    return {r: s["latency"]["p50_s"] for r, s in summaries.items()}, summaries[RUNTIMES[0]]["settings"]


def one_request(port: int, gate: Gate, pid: int) -> float | None:
    """Seconds of one quiet request (None when the machine stayed busy through three tries)."""
    body = raw_form({"q": SENTENCE, "source": "es", "target": "en"})
    for _ in range(3):
        gate.wait_until_quiet()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        start, before = time.perf_counter(), gate.read(pid)
        connection.request("POST", "/translate", body, HEADERS)
        response = connection.getresponse()
        response.read()
        seconds, after = time.perf_counter() - start, gate.read(pid)
        if response.status != 200:
            raise SystemExit(f"POST /translate answered {response.status}")
        if gate.others_share(before, after) <= gate.threshold:
            return seconds
    return None


def service(requests: int) -> None:
    from summarize.bench.noweights import random_conversion, random_model_folder
    from summarize.catalog.cards import lookup

    for runtime in RUNTIMES:
        random_conversion("opus-mt-es-en", "translation", "int8", runtime)
    weights = str(random_model_folder(lookup("opus-mt-es-en")))
    common = ["--translator", weights, "--max-length-factor", "0.25", "--max-batch", "1", "--max-wait-ms", "0"]
    configurations = {"auto": [], **{r: ["--engine", r] for r in RUNTIMES}}
    logs = Path(tempfile.mkdtemp(prefix="auto-shape-"))
    servers = {name: Server([*common, *extra], logs / f"{name}.log") for name, extra in configurations.items()}
    seconds: dict[str, list[float]] = {name: [] for name in servers}
    gate = Gate(DEFAULT_THRESHOLD)
    for server in servers.values():
        server.__enter__()
    try:
        engines = {}
        for name, server in servers.items():
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            connection.request("GET", "/models")
            loaded = json.loads(connection.getresponse().read())["engines"]
            translators = [e for e in loaded if e["task"] == "translation"]
            engines[name] = ", ".join(f"{e['engine']} for {' and '.join(e['calls'])}" for e in translators)
            one_request(server.port, gate, server.process.pid)  # warm-up
        for _ in range(requests):
            for name, server in servers.items():
                taken = one_request(server.port, gate, server.process.pid)
                if taken is not None:
                    seconds[name].append(taken)
    finally:
        for server in servers.values():
            server.__exit__()
    print(f"\nOne-sentence POST /translate, {requests} requests per server, interleaved, one at a time:\n")
    print("| server | engines loaded | p50 ms | range ms | kept requests |")
    print("|---|---|---|---|---|")
    for name, taken in seconds.items():
        cut = statistics.median(taken) * 1000
        print(f"| {name} | {engines[name]} | {cut:.1f} | {min(taken) * 1000:.1f}-{max(taken) * 1000:.1f} | {len(taken)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", default=None, help="Only the shapes whose name holds this.")
    parser.add_argument("--no-service", action="store_true", help="Skip the POST /translate part.")
    args = parser.parse_args()
    from summarize.bench.environment import describe

    machine = describe()
    print(f"{machine['cpu']} ({', '.join(machine['cpu_features'])}), {machine['cores']} cores; CPU class {machine['cpu_class']}")
    print(f"\n| shape | {' | '.join(f'{r} median s' for r in RUNTIMES)} | auto takes | auto / best |")
    print("|---|" + "---|" * (len(RUNTIMES) + 2))
    with tempfile.TemporaryDirectory() as folder:
        for name, (workload, overrides) in SHAPES.items():
            if args.only and args.only not in name:
                continue
            medians, settings = latency(workload, overrides, args.runs, Path(folder) / workload)
            task = "translation" if settings["model"].startswith("opus") else "summarization"
            taken = auto_takes(task, settings["batch_size"])
            ratio = medians[taken] / min(medians.values())
            cells = " | ".join(f"{medians[r]:.3f}" for r in RUNTIMES)
            print(f"| {name} | {cells} | {taken} | {ratio:.2f} |", flush=True)
    if not args.no_service:
        service(args.requests)


if __name__ == "__main__":
    main()
