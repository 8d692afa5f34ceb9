"""A quiet machine for timed calls: other processes' CPU use, read from /proc, before a call
(wait for it to drop) and during it (the call is retried when it was too high)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

# Other processes may use at most this share of the machine's cores during a timed call.
DEFAULT_THRESHOLD = 0.10
# Before a call: how long the machine is watched, and how long we wait for it to be quiet.
WINDOW_S = 0.25
PATIENCE_S = 60.0
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def available() -> bool:
    return os.path.isfile("/proc/stat")


def _busy_ticks() -> int:
    """Every core's non-idle time since boot."""
    with open("/proc/stat", encoding="ascii") as handle:
        user, nice, system, _idle, _iowait, irq, softirq, steal, *_ = (int(v) for v in handle.readline().split()[1:])
    return user + nice + system + irq + softirq + steal


def _process_ticks(pid: int) -> int:
    """CPU time of one process, all its threads."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


@dataclass
class Reading:
    """Ticks at one moment: the machine's and the measured process's."""

    busy: int
    own: int
    when: float


class Gate:
    """Judges each timed call of one worker process by what the rest of the machine did."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD):
        self.threshold = threshold
        self.cores = os.cpu_count() or 1
        self.enabled = available() and threshold < 1

    def others_share(self, start: Reading, end: Reading) -> float:
        """Other processes' share of all cores between two readings."""
        seconds = max(end.when - start.when, 1e-9)
        others = (end.busy - start.busy) - (end.own - start.own)
        return max(others, 0) / TICKS / (seconds * self.cores)

    def read(self, pid: int) -> Reading:
        if not self.enabled:
            return Reading(0, 0, time.perf_counter())
        return Reading(_busy_ticks(), _process_ticks(pid), time.perf_counter())

    def wait_until_quiet(self) -> float:
        """Seconds waited for a quiet window (0 when already quiet); gives up after PATIENCE_S."""
        if not self.enabled:
            return 0.0
        started = time.perf_counter()
        while True:
            first = Reading(_busy_ticks(), 0, time.perf_counter())
            time.sleep(WINDOW_S)
            if self.others_share(first, Reading(_busy_ticks(), 0, time.perf_counter())) <= self.threshold:
                return time.perf_counter() - started
            if time.perf_counter() - started > PATIENCE_S:
                return time.perf_counter() - started
