"""Token-budget chunking: whole sentences packed into chunks; over-long sentences split."""

from __future__ import annotations

import re
from collections.abc import Callable

TokenCounter = Callable[[str], int]
_CLAUSE_END = re.compile(r"(?<=[,;:—–])\s+")


def split_long_sentence(sentence: str, budget: int, count: TokenCounter) -> list[str]:
    """Pieces of `sentence` that each fit `budget`: at clause boundaries, then between words,
    then (for a single over-long word) between characters. Every character is kept."""
    if count(sentence) <= budget:
        return [sentence]
    for splitter in (_CLAUSE_END.split, str.split):
        parts = [p for p in splitter(sentence) if p]
        if len(parts) > 1:
            pieces = pack(parts, budget, count)
            return [q for piece in pieces for q in split_long_sentence(piece, budget, count)]
    half = len(sentence) // 2
    return split_long_sentence(sentence[:half], budget, count) + split_long_sentence(sentence[half:], budget, count)


def cut_at_length(sentence: str, max_words: int, max_chars: int) -> list[str]:
    """Pseudo-sentences of at most `max_words` words and `max_chars` characters, for text without
    sentence punctuation (transcripts, captions): cut after clause marks where possible, else
    between words, else between characters. Linear in the length; every word kept in order."""
    if len(sentence) <= max_chars and sentence.count(" ") < max_words:
        return [sentence]
    pieces: list[str] = []
    current: list[str] = []
    words = chars = 0
    for clause in _CLAUSE_END.split(sentence):
        for word in clause.split():
            for part in [word[i : i + max_chars] for i in range(0, len(word), max_chars)]:
                if current and (words + 1 > max_words or chars + 1 + len(part) > max_chars):
                    pieces.append(" ".join(current))
                    current, words, chars = [], 0, 0
                current.append(part)
                words, chars = words + 1, chars + len(part) + (1 if words else 0)
        if words >= max_words // 2:
            pieces.append(" ".join(current))
            current, words, chars = [], 0, 0
    if current:
        pieces.append(" ".join(current))
    return pieces


def pack(pieces: list[str], budget: int, count: TokenCounter) -> list[str]:
    """Greedy packing of consecutive `pieces` (joined by spaces) into strings within `budget`.
    A piece alone over budget stays alone; the caller splits it further."""
    chunks: list[str] = []
    current: list[str] = []
    for piece in pieces:
        candidate = " ".join([*current, piece])
        if current and count(candidate) > budget:
            chunks.append(" ".join(current))
            current = [piece]
        else:
            current.append(piece)
    if current:
        chunks.append(" ".join(current))
    return chunks


def chunk_sentences(sentences: list[str], budget: int, count: TokenCounter) -> tuple[list[list[str]], int]:
    """Consecutive sentences grouped so each group, joined, fits `budget`.
    Returns the groups and how many sentences had to be split to fit."""
    fitted: list[str] = []
    splits = 0
    for sentence in sentences:
        pieces = split_long_sentence(sentence, budget, count)
        splits += len(pieces) > 1
        fitted.extend(pieces)
    # Pack by the sum of sentence sizes (each counted once; special tokens make the sum an
    # overestimate for most tokenizers), then check each packed group once, joined.
    groups: list[list[str]] = []
    current: list[str] = []
    used = 0
    for sentence in fitted:
        size = count(sentence)
        if current and used + size > budget:
            groups.extend(_fit(current, budget, count))
            current, used = [], 0
        current.append(sentence)
        used += size
    if current:
        groups.extend(_fit(current, budget, count))
    return groups, splits


def _fit(group: list[str], budget: int, count: TokenCounter) -> list[list[str]]:
    """`group`, or its halves, so that each joined part fits `budget` (a one-sentence part fits)."""
    if len(group) == 1 or count(" ".join(group)) <= budget:
        return [group]
    middle = len(group) // 2
    return _fit(group[:middle], budget, count) + _fit(group[middle:], budget, count)
