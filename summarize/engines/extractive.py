"""Weight-free extractive summarisers: lead-N, TextRank and LexRank. Any language, any machine."""

from __future__ import annotations

import math
import re

import numpy as np

from summarize.cards import ModelCard
from summarize.engines.base import Summarizer

SENTENCES_PER_LENGTH = {"short": 1, "medium": 3, "long": 5}
# The graph methods hold a sentences-by-sentences matrix: past this many words (about a thousand
# sentences, an 8 MB matrix) the pipeline's map-reduce splits the text, as for neural models.
GRAPH_WORD_BUDGET = 20_000
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def words(sentence: str) -> list[str]:
    """Lower-cased alphabetic words (accented letters kept)."""
    return [w.lower() for w in _WORD.findall(sentence)]


def pagerank(weights: np.ndarray, damping: float = 0.85, tolerance: float = 1e-8) -> np.ndarray:
    """Stationary scores of the weighted graph `weights` (Brin and Page 1998), by power iteration."""
    n = weights.shape[0]
    out = weights.sum(axis=1, keepdims=True)
    # A sentence linked to nothing spreads its score evenly, as in the original formulation.
    transition = np.where(out > 0, weights / np.where(out > 0, out, 1), 1.0 / n)
    scores = np.full(n, 1.0 / n)
    for _ in range(200):
        updated = (1 - damping) / n + damping * transition.T @ scores
        if np.abs(updated - scores).sum() < tolerance:
            return updated
        scores = updated
    return scores


def textrank_similarity(tokens: list[list[str]]) -> np.ndarray:
    """Word overlap normalised by log lengths (Mihalcea and Tarau 2004, section 4.1)."""
    vocabulary = {w: i for i, w in enumerate(sorted({w for ws in tokens for w in ws}))}
    presence = np.zeros((len(tokens), max(len(vocabulary), 1)))
    for row, ws in enumerate(tokens):
        for w in set(ws):
            presence[row, vocabulary[w]] = 1.0
    overlap = presence @ presence.T
    logs = np.array([math.log(len(set(ws))) if len(set(ws)) > 1 else 0.0 for ws in tokens])
    norm = logs[:, None] + logs[None, :]
    similarity = np.divide(overlap, norm, out=np.zeros_like(overlap), where=norm > 0)
    np.fill_diagonal(similarity, 0.0)
    return similarity


def lexrank_similarity(tokens: list[list[str]]) -> np.ndarray:
    """Cosine similarity of idf-weighted term vectors (Erkan and Radev 2004, continuous LexRank)."""
    vocabulary = {w: i for i, w in enumerate(sorted({w for ws in tokens for w in ws}))}
    counts = np.zeros((len(tokens), max(len(vocabulary), 1)))
    for row, ws in enumerate(tokens):
        for w in ws:
            counts[row, vocabulary[w]] += 1.0
    document_frequency = (counts > 0).sum(axis=0)
    idf = np.log(len(tokens) / np.maximum(document_frequency, 1)) + 1.0
    vectors = counts * idf
    lengths = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = np.divide(vectors, lengths, out=np.zeros_like(vectors), where=lengths > 0)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, 0.0)
    return similarity


class ExtractiveSummarizer(Summarizer):
    """Picks whole sentences from the passage; the summary keeps their original order."""

    engine_name = "extractive"

    def __init__(self, card: ModelCard):
        self.card = card
        self.method = card.alias
        self.max_input_tokens = None if self.method == "lead" else GRAPH_WORD_BUDGET

    @classmethod
    def from_card(cls, card: ModelCard, device: str = "auto", allow_download: bool = True) -> ExtractiveSummarizer:
        return cls(card)

    def rank(self, sentences: list[str]) -> list[int]:
        """Sentence indices, best first."""
        if self.method == "lead" or len(sentences) < 3:
            return list(range(len(sentences)))
        tokens = [words(s) for s in sentences]
        similarity = textrank_similarity(tokens) if self.method == "textrank" else lexrank_similarity(tokens)
        scores = pagerank(similarity)
        # Ties (e.g. a graph with no edges) fall back to document order.
        return sorted(range(len(sentences)), key=lambda i: (-round(scores[i], 12), i))

    def summarize_batch(self, passages: list[list[str]], length: str, language: str) -> list[str]:
        keep = SENTENCES_PER_LENGTH[length]
        summaries = []
        for sentences in passages:
            chosen = sorted(self.rank(sentences)[:keep])
            summaries.append(" ".join(sentences[i] for i in chosen))
        return summaries
