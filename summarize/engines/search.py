"""Greedy and beam search over a step function, in numpy, with transformers' semantics (its
`generate` in version 5: the same candidates, length penalty, early stopping and logits
processors), so that an engine running its own graphs gives transformers' outputs.

A step function takes the last token of every hypothesis and, when the hypotheses were reordered,
the one each continues (else None); it returns log-probabilities, one row per hypothesis, and keeps
its own cache in the hypotheses' order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from summarize.engines.runtime import GeneratedIds

Step = Callable[[np.ndarray, "np.ndarray | None"], np.ndarray]
_BANNED = -np.inf
_LOST = np.float32(-1.0e9)  # transformers' score for a hypothesis that may not be chosen


@dataclass(frozen=True)
class SearchSettings:
    """What the decoder may produce: the subset of a GenerationConfig this search honours."""

    start_token_id: int
    eos_token_id: int
    pad_token_id: int
    num_beams: int = 1
    max_new_tokens: int = 256
    min_new_tokens: int = 0
    length_penalty: float = 1.0
    early_stopping: bool | str = False
    no_repeat_ngram_size: int = 0
    banned_token_ids: tuple[int, ...] = ()
    renormalize: bool = False
    forced_bos_token_id: int | None = None
    forced_eos_token_id: int | None = None
    #: Finished hypotheses to give per input, best first (beam search; at most `num_beams`).
    hypotheses: int = 1


def process(sequences: np.ndarray, log_probs: np.ndarray, settings: SearchSettings) -> np.ndarray:
    """transformers' logits processors, in its order, on log-probabilities of the next token
    (`sequences`: [hypotheses, current length], start token included)."""
    length = sequences.shape[1]
    n = settings.no_repeat_ngram_size
    if n and length + 1 >= n:
        for row, sequence in enumerate(sequences.tolist()):
            prefix = tuple(sequence[length - n + 1 :])
            banned = [sequence[i + n - 1] for i in range(length - n + 1) if tuple(sequence[i : i + n - 1]) == prefix]
            log_probs[row, banned] = _BANNED
    if settings.banned_token_ids:
        log_probs[:, list(settings.banned_token_ids)] = _BANNED
    if length - 1 < settings.min_new_tokens:
        log_probs[:, settings.eos_token_id] = _BANNED
    for token, at in ((settings.forced_bos_token_id, 1), (settings.forced_eos_token_id, settings.max_new_tokens)):
        if token is not None and length == at:
            log_probs[:, :] = _BANNED
            log_probs[:, token] = 0.0
    if settings.renormalize:
        peak = log_probs.max(axis=1, keepdims=True)
        log_probs = log_probs - (peak + np.log(np.exp(log_probs - peak).sum(axis=1, keepdims=True)))
    return log_probs


def search(step: Step, inputs: int, settings: SearchSettings) -> list[GeneratedIds]:
    """Generated token ids per input (start token excluded, end token included when produced),
    each with its tokens' mean log-probability."""
    if settings.num_beams == 1:
        return _greedy(step, inputs, settings)
    return _beam(step, inputs, settings)


def _greedy(step: Step, inputs: int, settings: SearchSettings) -> list[GeneratedIds]:
    sequences = np.full((inputs, 1), settings.start_token_id, dtype=np.int64)
    done = np.zeros(inputs, dtype=bool)
    total = np.zeros(inputs, dtype=np.float64)
    for _ in range(settings.max_new_tokens):
        log_probs = process(sequences, step(sequences[:, -1], None), settings)
        chosen = log_probs.argmax(axis=-1)
        total += np.where(done, 0.0, log_probs[np.arange(inputs), chosen])
        tokens = np.where(done, settings.pad_token_id, chosen)
        sequences = np.concatenate([sequences, tokens[:, None]], axis=1)
        done |= tokens == settings.eos_token_id
        if done.all():
            break
    trimmed = [_trim(row[1:], settings) for row in sequences.tolist()]
    forced = settings.forced_bos_token_id is not None
    return [GeneratedIds(ids, float(sum_) / max(len(ids) - forced, 1)) for ids, sum_ in zip(trimmed, total)]


def _beam(step: Step, inputs: int, settings: SearchSettings) -> list[list[int]]:
    beams, max_length = settings.num_beams, settings.max_new_tokens + 1
    keep = 2 * beams  # transformers: max(2, 1 + number of end tokens) x beams
    fill = settings.pad_token_id or settings.eos_token_id  # as transformers
    running = np.full((inputs, beams, max_length), fill, dtype=np.int64)
    running[:, :, 0] = settings.start_token_id
    running_scores = np.zeros((inputs, beams), dtype=np.float32)
    running_scores[:, 1:] = _LOST
    finished = running.copy()
    finished_scores = np.full((inputs, beams), _LOST, dtype=np.float32)
    is_finished = np.zeros((inputs, beams), dtype=bool)
    improvable = np.ones((inputs, 1), dtype=bool)
    rows = np.arange(inputs)[:, None]
    origins = None
    length = 1
    while True:
        flat = running[:, :, :length].reshape(inputs * beams, length)
        log_probs = process(flat, step(flat[:, -1], origins), settings)
        vocabulary = log_probs.shape[-1]
        scores = (log_probs.reshape(inputs, beams, vocabulary) + running_scores[:, :, None]).reshape(inputs, -1)
        top = _top(scores, keep)
        top_scores = np.take_along_axis(scores, top, axis=1)
        top_beams, top_tokens = top // vocabulary, top % vocabulary
        candidates = running[rows, top_beams]
        candidates[:, :, length] = top_tokens
        hits = (top_tokens == settings.eos_token_id) | (length + 1 >= max_length)
        # Live hypotheses for the next step: the best candidates that did not stop.
        live_scores = top_scores + hits.astype(np.float32) * _LOST
        chosen = _top(live_scores, beams)
        running = candidates[rows, chosen]
        running_scores = np.take_along_axis(live_scores, chosen, axis=1)
        origins = (np.take_along_axis(top_beams, chosen, axis=1) + rows * beams).reshape(-1)
        # Finished hypotheses: the stopped ones among the first `beams` candidates, if they beat the kept.
        just_finished = hits & (np.arange(keep) < beams)[None, :]
        final = (top_scores / np.float32(length**settings.length_penalty)).astype(np.float32)
        full = is_finished.all(axis=1, keepdims=True) & (settings.early_stopping is True)
        for excluded in (full, ~improvable, ~just_finished):
            final = final + excluded.astype(np.float32) * _LOST
        merged = np.concatenate([finished, candidates], axis=1)
        merged_scores = np.concatenate([finished_scores, final], axis=1)
        merged_finished = np.concatenate([is_finished, just_finished], axis=1)
        best = _top(merged_scores, beams)
        finished = merged[rows, best]
        finished_scores = np.take_along_axis(merged_scores, best, axis=1)
        is_finished = np.take_along_axis(merged_finished, best, axis=1)
        length += 1
        improvable = _improvable(improvable, running_scores, finished_scores, is_finished, length, max_length, settings)
        open_beam = not (is_finished.all() and settings.early_stopping is True)
        if not (improvable.any() and open_beam and not hits.all()):
            break
    trimmed = [_trim(row[1:], settings) for row in finished[:, 0].tolist()]
    forced = int(settings.forced_bos_token_id is not None)
    others = [
        tuple(_trim(row[n, 1:].tolist(), settings) for n in range(1, settings.hypotheses) if done[n])
        for row, done in zip(finished, is_finished)
    ]
    return [
        GeneratedIds(ids, mean_of_score(float(score), len(ids), settings.length_penalty, forced), alternatives)
        for ids, score, alternatives in zip(trimmed, finished_scores[:, 0], others)
    ]


def mean_of_score(score: float, tokens: int, length_penalty: float, forced: int = 0) -> float:
    """A hypothesis' mean log-probability per chosen token from its beam score (its sum over its
    length to the power of the length penalty); `forced` tokens (a target-language code, log-
    probability 0) are not chosen and not counted."""
    return score * max(tokens, 1) ** length_penalty / max(tokens - forced, 1)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest per row, largest first (equal scores among them: lower index first)."""
    if k < scores.shape[1]:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.broadcast_to(np.arange(scores.shape[1]), scores.shape)
    order = np.lexsort((part, -np.take_along_axis(scores, part, axis=1)), axis=1)
    return np.take_along_axis(part, order, axis=1)


def _improvable(improvable, running_scores, finished_scores, is_finished, length, max_length, settings) -> np.ndarray:
    """transformers' early-stop heuristic: can a running hypothesis still beat the worst finished?"""
    if settings.early_stopping == "never" and settings.length_penalty > 0.0:
        best_length = max_length - 1
    else:
        best_length = length - 1
    best_possible = running_scores[:, :1] / (best_length**settings.length_penalty)
    worst = np.where(is_finished, finished_scores.min(axis=1, keepdims=True), _LOST)
    return improvable & (best_possible > worst).any(axis=1, keepdims=True)


def _trim(tokens: list[int], settings: SearchSettings) -> list[int]:
    """Up to and including the first end token (a hypothesis that never ended fills the maximum)."""
    if settings.eos_token_id in tokens:
        return tokens[: tokens.index(settings.eos_token_id) + 1]
    return tokens
