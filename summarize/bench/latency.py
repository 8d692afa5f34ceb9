"""Timing and memory: percentiles, throughput, peak RSS and peak GPU memory."""

from __future__ import annotations

import resource
import sys
import time


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation, as numpy's default."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB: VmHWM on Linux (getrusage's maxrss
    also counts the parent's peak when the process was started by vfork and exec, as
    subprocess does), else getrusage (Linux reports KiB, macOS bytes)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            return round(int(next(line for line in handle if line.startswith("VmHWM:")).split()[1]) / 1024, 1)
    except (OSError, StopIteration):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def peak_gpu_mb() -> float | None:
    """Peak GPU memory of this process in MiB: torch's allocator peak where torch used CUDA, else
    what nvidia-smi reports for the process now (CTranslate2 keeps its cache allocated); None
    without a GPU."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    import os
    import shutil
    import subprocess

    if shutil.which("nvidia-smi") is None:
        return None
    query = ["nvidia-smi", "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"]
    try:
        rows = subprocess.run(query, capture_output=True, text=True, timeout=10).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return None
    used = [float(row.split(",")[1]) for row in rows if row.split(",")[0].strip() == str(os.getpid())]
    return used[0] if used else None


def summarize_timings(seconds: list[float], items: int, source_tokens: int, generated_tokens: int) -> dict:
    """p50/p90/p99 per call, items/s and tokens/s over the timed calls."""
    total = sum(seconds)
    return {
        "calls": len(seconds),
        "p50_s": round(percentile(seconds, 50), 6),
        "p90_s": round(percentile(seconds, 90), 6),
        "p99_s": round(percentile(seconds, 99), 6),
        "mean_s": round(total / len(seconds), 6) if seconds else None,
        "items_per_s": round(items / total, 3) if total else None,
        "source_tokens_per_s": round(source_tokens / total, 1) if total else None,
        "generated_tokens_per_s": round(generated_tokens / total, 1) if total else None,
        "peak_rss_mb": peak_rss_mb(),
        "peak_gpu_mb": peak_gpu_mb(),
    }


class Stopwatch:
    """Context manager measuring one call's wall time (synchronising CUDA when in use)."""

    def __enter__(self):
        _sync()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        _sync()
        self.seconds = time.perf_counter() - self.start


def _sync() -> None:
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()


def call_seconds(summary: dict, items: list[dict]) -> list[float]:
    """Seconds per call of a run: a batched quality run's items share their call's time."""
    if summary["kind"] == "latency":
        return [i["seconds"] for i in items]
    calls = {i.get("call", i["id"]): i.get("batch_seconds", i["seconds"]) for i in items}
    return list(calls.values())


def memory_bandwidth_gbs(megabytes: int = 512, repeats: int = 5) -> float:
    """This machine's memory bandwidth in GB/s, read plus write, from the fastest of `repeats`
    copies of a buffer far larger than any cache: what a decode step that reads every weight
    once cannot beat."""
    import numpy as np

    source = np.ones(megabytes * 2**20, dtype=np.uint8)
    target = np.empty_like(source)
    fastest = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        np.copyto(target, source)
        fastest = min(fastest, time.perf_counter() - start)
    return 2 * source.nbytes / fastest / 1e9
