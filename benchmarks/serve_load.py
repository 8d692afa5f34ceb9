"""A bounded load test of `summarize serve`: N concurrent clients send LibreTranslate
`POST /translate` requests (one newstest2013 Spanish sentence each) to a server on 127.0.0.1 for a
fixed time, then stop (form bodies with their accents sent raw, as curl sends them, and the Origin
header of a page elsewhere: CORS); requests/s, p50/p99 latency, errors and 5xx are printed for dynamic batching
on (--max-batch 32, --max-wait-ms 10) and off (--max-batch 1), for Apertium and for a random-weight
opus-mt-es-en CTranslate2 int8 conversion (outputs bounded with --max-length-factor 0.25, as random
weights never stop by themselves). The server has a glossary of news terms
(benchmarks/news_terms.csv); the fact check and the confidence are always on.

    python benchmarks/serve_load.py [--clients 32] [--seconds 30] [--rounds 1]

The server and the clients share the machine's cores. Needs ../shared/data."""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from summarize.bench.noweights import random_conversion

GLOSSARY = ["--glossary", str(Path(__file__).with_name("news_terms.csv"))]
BATCHING = {"on": ["--max-batch", "32", "--max-wait-ms", "10"], "off": ["--max-batch", "1", "--max-wait-ms", "0"]}


def sentences(count: int = 1000) -> list[str]:
    from summarize.bench.datasets import load

    _, records = load("newstest2013-spa-eng", "translation", limit=count)
    return [r["src"] for r in records]


#: What a browser page on another origin sends (CORS), with a form body.
HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://cms.example"}


def raw_form(fields: dict[str, str]) -> bytes:
    """A form body as curl's `-d` sends it: the UTF-8 bytes of accented letters unencoded, only
    the characters that would cut a field percent-encoded."""
    cut = re.compile(r"[%&=+#\s]")
    return "&".join(f"{k}={cut.sub(lambda m: f'%{ord(m.group()):02X}', v)}" for k, v in fields.items()).encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`summarize serve` in its own process, up until the block ends."""

    def __init__(self, options: list[str], log: Path):
        self.port = free_port()
        self.command = [sys.executable, "-m", "summarize", "serve", "--port", str(self.port), *options]
        self.log = log

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(self.command, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped:\n{self.log.read_text()[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"the server did not start within 120 s:\n{self.log.read_text()[-2000:]}")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def load(port: int, texts: list[str], clients: int, seconds: float) -> dict:
    """`clients` threads, each with a kept-alive connection, posting until the time is up."""
    deadline = time.monotonic() + seconds
    results: list[tuple[float, int]] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        index = number
        while time.monotonic() < deadline:
            body = raw_form({"q": texts[index % len(texts)], "source": "es", "target": "en"})
            start = time.perf_counter()
            try:
                connection.request("POST", "/translate", body, HEADERS)
                response = connection.getresponse()
                response.read()
                # An answer a browser page elsewhere could not read counts as an error.
                status = response.status if response.getheader("access-control-allow-origin") == "*" else -1
            except (OSError, http.client.HTTPException):
                status, connection = 0, http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            with lock:
                results.append((time.perf_counter() - start, status))
            index += clients

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = sorted(seconds for seconds, status in results if status == 200)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return {
        "requests": len(results),
        "rate": len(latencies) / elapsed,
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
        "errors": sum(status != 200 for _, status in results),
        "server_errors": sum(status >= 500 or status == 0 for _, status in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=1, help="Each round runs every engine with batching on, then off.")
    args = parser.parse_args()
    texts = sentences()
    neural = str(random_conversion("opus-mt-es-en", "translation", "int8", "ctranslate2"))
    engines = {
        "Apertium": ["--engine", "apertium"],
        "random opus-mt CTranslate2 int8": ["--translator", neural, "--max-length-factor", "0.25"],
    }
    logs = Path(tempfile.mkdtemp(prefix="serve-load-"))
    print(f"{args.clients} clients for {args.seconds:g} s per run; {os.cpu_count()} cores shared by server and clients\n")
    print("| engine | dynamic batching | requests/s | p50 ms | p99 ms | requests | errors | 5xx |")
    print("|---|---|---|---|---|---|---|---|")
    rates: dict[str, dict[str, list[float]]] = {}
    for round_ in range(args.rounds):
        for name, options in engines.items():
            for batching, batch_options in BATCHING.items():
                with Server([*options, *batch_options, *GLOSSARY], logs / f"{round_}-{batching}.log") as server:
                    found = load(server.port, texts, args.clients, args.seconds)
                rates.setdefault(name, {}).setdefault(batching, []).append(found["rate"])
                print(
                    f"| {name} | {batching} | {found['rate']:.1f} | {found['p50_ms']:.0f} | {found['p99_ms']:.0f} "
                    f"| {found['requests']} | {found['errors']} | {found['server_errors']} |",
                    flush=True,
                )
    print()
    for name, by_batching in rates.items():
        gain = statistics.median(by_batching["on"]) / statistics.median(by_batching["off"])
        print(f"{name}: dynamic batching gives {gain:.2f}x the requests/s (medians over {args.rounds} round(s))")


if __name__ == "__main__":
    main()
