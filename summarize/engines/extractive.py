"""Weight-free extractive summarisers: lead-N, TextRank and LexRank. Any language, any machine."""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from summarize.catalog.cards import ModelCard
from summarize.engines.base import Summarizer
from summarize.lengths import LENGTH_SENTENCES
from summarize.limits import limit

# PageRank: power iterations at most (it converges in a few dozen on sentence graphs).
MAX_ITERATIONS = 200
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

#: Per language, the openings that make a sentence lean on the one before it (a personal pronoun
#: or possessive whose person is there, a connective that answers it; not demonstratives or "it",
#: which as determiners and expletives open sentences that stand alone): such a sentence is
#: chosen only with the sentence before it.
DEPENDENT_OPENINGS = {
    "en": "he she they his her their however but moreover furthermore meanwhile therefore thus instead "
    "nevertheless besides|in his opinion|in her opinion|according to him|according to her|for his part|"
    "for her part|on the other hand",
    "es": "él ella ellos ellas su sus esto eso pero además asimismo|sin embargo|en su opinión|según él|según ella|"
    "por su parte|por tanto|por lo tanto|no obstante|a su juicio|por otro lado",
    "fr": "il elle ils elles son sa ses leur leurs cela ceci mais cependant toutefois pourtant|de plus|en outre|"
    "par ailleurs|selon lui|selon elle|pour sa part|à son avis|par conséquent",
    "de": "er sie sein seine seiner ihr ihre dies jedoch aber außerdem zudem deshalb daher dennoch trotzdem|"
    "seiner meinung nach|ihrer meinung nach|laut ihm|laut ihr",
    "it": "lui lei loro egli ella suo sua suoi sue ciò ma però tuttavia inoltre quindi|secondo lui|secondo lei|"
    "a suo avviso|d'altra parte",
    "pt": "ele ela eles elas seu sua seus suas isso isto mas porém contudo portanto|no entanto|além disso|"
    "segundo ele|segundo ela|na opinião dele|na opinião dela|por sua vez",
}


def _openings(spec: str) -> tuple[tuple[str, ...], ...]:
    """Single words (space-separated, first field) and phrases ('|'-separated), as word tuples."""
    single, *phrases = spec.split("|")
    return tuple((word,) for word in single.split()) + tuple(tuple(phrase.split()) for phrase in phrases)


_OPENINGS = {language: _openings(spec) for language, spec in DEPENDENT_OPENINGS.items()}


def leans_on_previous(sentence: str, language: str) -> bool:
    """Whether `sentence` opens with a word or phrase that needs the sentence before it."""
    opening = words(sentence)[:4]
    return any(tuple(opening[: len(phrase)]) == phrase for phrase in _OPENINGS.get(language, ()))


def sentences_to_keep(length: str) -> int:
    """Sentences a summary keeps: a preset (short 1, medium 3, long 5) or a number ("4"); the
    pipeline turns a percentage into a number first."""
    return LENGTH_SENTENCES[length] if length in LENGTH_SENTENCES else int(length)


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
    for _ in range(MAX_ITERATIONS):
        updated = (1 - damping) / n + damping * transition.T @ scores
        if np.abs(updated - scores).sum() < tolerance:
            return updated
        scores = updated
    return scores


def _shared_presence(tokens: list[list[str]], counts: bool = False) -> np.ndarray:
    """Sentences by the words found in two or more of them (the only ones that link sentences),
    as presence (or counts) in float32: the matrix stays small however many words occur once."""
    frequency = Counter(w for ws in tokens for w in set(ws))
    shared = {w: i for i, w in enumerate(sorted(w for w, n in frequency.items() if n > 1))}
    matrix = np.zeros((len(tokens), max(len(shared), 1)), dtype=np.float32)
    for row, ws in enumerate(tokens):
        for w in ws if counts else set(ws):
            if w in shared:
                matrix[row, shared[w]] += 1.0
    return matrix


def textrank_similarity(tokens: list[list[str]]) -> np.ndarray:
    """Word overlap normalised by log lengths (Mihalcea and Tarau 2004, section 4.1)."""
    overlap = _shared_presence(tokens).astype(np.float64)
    overlap = overlap @ overlap.T
    logs = np.array([math.log(len(set(ws))) if len(set(ws)) > 1 else 0.0 for ws in tokens])
    norm = logs[:, None] + logs[None, :]
    similarity = np.divide(overlap, norm, out=np.zeros_like(overlap), where=norm > 0)
    np.fill_diagonal(similarity, 0.0)
    return similarity


def lexrank_similarity(tokens: list[list[str]]) -> np.ndarray:
    """Cosine similarity of idf-weighted term vectors (Erkan and Radev 2004, continuous LexRank)."""
    frequency = Counter(w for ws in tokens for w in set(ws))
    idf = {w: math.log(len(tokens) / n) + 1.0 for w, n in frequency.items()}
    lengths = np.array([math.sqrt(sum((c * idf[w]) ** 2 for w, c in Counter(ws).items())) for ws in tokens])
    shared = sorted(w for w, n in frequency.items() if n > 1)
    weights = np.array([idf[w] for w in shared] or [0.0])
    vectors = _shared_presence(tokens, counts=True).astype(np.float64) * weights
    vectors = np.divide(vectors, lengths[:, None], out=np.zeros_like(vectors), where=lengths[:, None] > 0)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, 0.0)
    return similarity


class ExtractiveSummarizer(Summarizer):
    """Picks whole sentences from the passage; the summary keeps their original order."""

    engine_name = "extractive"
    lengths_in_sentences = True

    def __init__(self, card: ModelCard):
        self.card = card
        self.method = card.alias
        # The graph methods hold a sentences-by-sentences matrix: the pipeline's map-reduce keeps
        # each graph within the words budget, and, since every sentence counts as at least
        # words/sentences words, within the sentences budget too.
        self.max_input_tokens = None if self.method == "lead" else int(limit("graph_words"))
        self._least_words = max(1, self.max_input_tokens // int(limit("graph_sentences"))) if self.max_input_tokens else 1

    def count_tokens(self, text: str, target: str | None = None) -> int:
        return max(len(text.split()), self._least_words)

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

    def summarize_batch(
        self, passages: list[list[str]], length: str, language: str, into: str | None = None, stream=None
    ) -> list[str]:
        summaries = []
        for sentences in passages:
            chosen = self.chosen(sentences, sentences_to_keep(length), language)
            summaries.append(" ".join(sentences[i] for i in chosen))
        return summaries

    def chosen(self, sentences: list[str], keep: int, language: str) -> list[int]:
        """The best `keep` sentences, in document order, a sentence that leans on the one before it
        only once that one is chosen (it may be, further down the ranking)."""
        ranked = self.rank(sentences)
        leaning = {i for i in ranked if i > 0 and leans_on_previous(sentences[i], language)}
        chosen: list[int] = []
        while len(chosen) < keep:
            best = next((i for i in ranked if i not in chosen and (i not in leaning or i - 1 in chosen)), None)
            if best is None:
                break
            chosen.append(best)
        return sorted(chosen)
