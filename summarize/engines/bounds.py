"""Translation output bounded by its source, as MT toolkits do (Marian's --max-length-factor,
fairseq's max_len_a * src_len + max_len_b), and runaway output told apart after decoding."""

from __future__ import annotations

import math

from summarize.catalog.cards import ModelCard

# New tokens allowed per batch: FACTOR x the longest source in tokens + OFFSET. OPUS-MT
# translations between the served languages run about 0.8 to 1.3 times their source; twice it,
# with room for short inputs, leaves a loop at most a few times a normal translation's cost.
DEFAULT_LENGTH_FACTOR = 2.0
DEFAULT_LENGTH_OFFSET = 10
# A run of the same 1- to 4-word group this many times in a row is a loop, not language.
LOOP_REPEATS = 4
LOOP_NGRAM = 4
# The retry of a runaway sentence: no 3-gram twice (every runtime applies this setting).
RETRY_SETTINGS = {"no_repeat_ngram_size": 3}


def length_factor(card: ModelCard) -> tuple[float, int]:
    """The card's (factor, offset), else the defaults."""
    factor = card.max_length_factor if card.max_length_factor is not None else DEFAULT_LENGTH_FACTOR
    offset = card.max_length_offset if card.max_length_offset is not None else DEFAULT_LENGTH_OFFSET
    return factor, offset


def output_bound(card: ModelCard, longest_source: int) -> int:
    """New tokens allowed to a batch whose longest source has `longest_source` tokens."""
    factor, offset = length_factor(card)
    return max(1, math.ceil(factor * longest_source) + offset)


def loops(text: str) -> bool:
    """Whether `text` repeats a group of up to LOOP_NGRAM words LOOP_REPEATS times in a row."""
    words = text.split()
    for size in range(1, LOOP_NGRAM + 1):
        for phase in range(size):
            run = 1
            for start in range(phase + size, len(words) - size + 1, size):
                run = run + 1 if words[start : start + size] == words[start - size : start] else 1
                if run >= LOOP_REPEATS:
                    return True
    return False
