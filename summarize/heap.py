"""Freed memory given back to the system: glibc keeps what a process frees in its heaps for the
next allocation, so a step that needed much for a moment (a language model's tables, a grammar
checked against a whole vocabulary) would hold it for the rest of the run."""

from __future__ import annotations

import ctypes
import sys


def give_back() -> None:
    """Returns the heaps' free memory to the system where the C library can (glibc's
    malloc_trim); elsewhere nothing."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None) if sys.platform == "linux" else None
    if trim is not None:
        trim(0)
