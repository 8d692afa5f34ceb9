"""Loading weights through transformers: its progress bars and load reports kept off stderr
unless -v, and a load failure that is the weights' own named as such."""

from __future__ import annotations

import contextlib

from summarize.errors import first_line


@contextlib.contextmanager
def quiet_transformers():
    """transformers' progress bars, advice and load reports off, unless -v: our own errors say
    what went wrong in one line."""
    from transformers.utils import logging as hf_logging

    from summarize.notes import VERBOSE
    from summarize.notes import level as notes_level

    level = hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()
    if notes_level() < VERBOSE:
        hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        hf_logging.enable_progress_bar()


def damaged_weights(exc: Exception) -> str | None:
    """What is wrong with weights whose loading raised `exc`; None when the failure is not theirs."""
    if type(exc).__name__ == "SafetensorError":
        return f"the weights file is damaged ({first_line(exc)})"
    if "ignore_mismatched_sizes" in str(exc) or "size mismatch" in str(exc):
        return "the weights do not match its config.json (tensor shapes differ; -v shows transformers' load report)"
    return None
