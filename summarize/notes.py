"""Notes for the user on stderr, never mixed into the output, at the level the command line set:
quiet (errors only), normal, or verbose (timings and causes too). Progress bars only on a terminal."""

from __future__ import annotations

import sys

QUIET, NORMAL, VERBOSE = 0, 1, 2
_level = {"now": NORMAL}


def set_level(level: int) -> None:
    _level["now"] = level


def level() -> int:
    return _level["now"]


def note(message: str, at: int = NORMAL) -> None:
    """Say `message` on stderr when the level is at least `at`."""
    if _level["now"] >= at:
        print(f"note: {message}", file=sys.stderr, flush=True)


def show_progress() -> bool:
    """Progress bars: on a terminal, unless quiet (a redirected log gets no carriage-return frames)."""
    return _level["now"] >= NORMAL and sys.stderr.isatty()
