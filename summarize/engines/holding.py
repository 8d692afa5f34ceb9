"""Answers held to glossary words: one line holding each word whole (a character of no word, or
the line's end, on each side), in any order for up to ORDERED_WORDS words (more in the given
order), at most `gap` characters before each and after the last. Written as a GBNF grammar, which
llama.cpp decodes under, and as a regular expression, checked token by token on transformers
(`HeldAnswers`) and on CTranslate2 (`next_token`). Free text holds no "<": Gemma's control tokens
read as text, and barred from ending, it wrote them, then a prompt of its own. An answer is cut
after the sentence holding the last word (`through_words`), so a checked one ends there."""

from __future__ import annotations

import itertools
import re

#: Glossary words an answer may hold in any order (orders grow as the factorial).
ORDERED_WORDS = 3
#: The characters the grammar lets stand beside a held word (GBNF knows no \w): spaces and
#: punctuation, none a character of words as the glossary's check (`glossary.missing`) and the
#: pattern read them, nor "<" or a line's end. A set of the characters that are not words let a
#: letter of another script stand there ("conditionsố"), and the check found no word.
BOUNDARIES = " \t!\"#$%&'()*+,-./:;=>?@[\\]^`{|}~\u00a0\u00a1\u00ab\u00bb\u00bf\u2013\u2014\u2018\u2019\u201c\u201d\u201e\u2026"
#: Candidates tried for each step, best first, before every other token is.
CANDIDATES = 64
#: A sentence's end: closing marks, then whitespace or the text's end.
_SENTENCE_END = re.compile(r"[.!?][»\"”’)]*(?=\s|$)")
#: The same in an answer still growing, where only whitespace after it tells.
_ENDED_SENTENCE = re.compile(r"[.!?][»\"”’)]*\s")


def _orders(words: tuple[str, ...]):
    return itertools.permutations(words) if len(words) <= ORDERED_WORDS else [words]


def grammar(words: tuple[str, ...], gap: int) -> str:
    """The GBNF grammar of the lines holding `words` (any line where there is none: a sentence
    none of whose terms was found)."""
    if not words:
        return 'root ::= [^\\n<]* "\\n"\n'
    choices = " | ".join(
        "(" + " boundary ".join(f"gap {_gbnf_literal(word)}" for word in order) + ")" for order in _orders(words)
    )
    return (
        f'root ::= ({choices}) (boundary free)? "\\n"\n'
        f"free ::= [^\\n<]{{0,{gap}}}\n"
        "gap ::= (free boundary)?\n"
        "boundary ::= [" + "".join(f"\\u{ord(c):04x}" for c in BOUNDARIES) + "]\n"
    )


def pattern(words: tuple[str, ...], gap: int):
    """The same lines as a compiled `regex` pattern (it matches partly: a line's start)."""
    import regex

    if not words:
        return regex.compile("[^\\n<]*\\n")
    free, boundary = f"[^\\n<]{{0,{gap}}}", "[^\\w\\n<]"
    choices = "|".join(boundary.join(f"(?:{free}{boundary})?{regex.escape(word)}" for word in order) for order in _orders(words))
    return regex.compile(f"(?:{choices})(?:{boundary}{free})?\\n")


def longest(words: tuple[str, ...], gap: int) -> int:
    """The tokens of the longest line holding `words`: its UTF-8 bytes, four a character outside
    the words (a token holds a byte at least)."""
    return sum(len(word.encode()) for word in words) + 4 * (len(words) + 1) * (gap + 1) + 1


def _gbnf_literal(word: str) -> str:
    """`word` as a GBNF string: quote and backslash escaped, control characters as \\xNN (GBNF
    knows no \\b or \\f)."""
    escaped = (f"\\{c}" if c in '"\\' else f"\\x{ord(c):02x}" if ord(c) < 0x20 or ord(c) == 0x7F else c for c in word)
    return '"' + "".join(escaped) + '"'


def _word_ends(text: str, words: tuple[str, ...]) -> list[int | None]:
    """Where each of `words` ends where it first stands whole in `text` (None where it does not)."""
    found = (re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text) for word in words)
    return [match.end() if match else None for match in found]


def through_words(text: str, words: tuple[str, ...]) -> str:
    """The answer to the end of the sentence where the last of `words` it holds first stands:
    what a model held to them writes after that is its own (dates, numbers, a prompt of its own)."""
    ends = [end for end in _word_ends(text, words) if end is not None]
    end = _SENTENCE_END.search(text, max(ends)) if ends else None
    return text[: end.end()] if end else text


class HeldLine:
    """The lines holding `words` with `gap`: which answers still start one, and which may end."""

    def __init__(self, words: tuple[str, ...], gap: int):
        self.words, self.line = words, pattern(words, gap)

    def keeps(self, text: str) -> bool:
        return self.line.fullmatch(text, partial=True) is not None

    def ended(self, text: str) -> bool:
        """Whether the line is whole, or holds every word and a sentence after the last has
        ended: all it would write after that is cut (`through_words`)."""
        if self.line.fullmatch(text):
            return True
        ends = _word_ends(text, self.words)
        return None not in ends and _ENDED_SENTENCE.search(text, max(ends, default=0)) is not None


def next_token(tokenizer, line: HeldLine, ids: list[int], candidates, special: set[int]) -> int | None:
    """The first of `candidates` (best first) after which the answer `ids` still starts a held
    `line`; None once the line has ended, or where no candidate keeps it."""
    text = tokenizer.decode(ids, skip_special_tokens=True)
    if line.ended(text):
        return None
    for token in candidates:
        if token in special:
            continue
        grown = tokenizer.decode([*ids, token], skip_special_tokens=True)
        if grown != text and line.keeps(grown):
            return token
    return None


def spelling(tokenizer, words: tuple[str, ...]) -> list[int]:
    """Tokens that write the words from any point in them (and a space before, a line's end
    after): candidates when none the model ranks first keeps the line."""
    pieces = [word[start:] for word in words for start in range(len(word))] + [f" {word}" for word in words] + [" ", "\n"]
    return list(dict.fromkeys(ids[0] for ids in (tokenizer.encode(piece, add_special_tokens=False) for piece in pieces) if ids))


def candidates(scores, spelled: list[int]):
    """The tokens a held step tries, in turn: the CANDIDATES best by `scores` (a numpy row), the
    tokens that spell the words, then every other token best first (sorted only if reached)."""
    import numpy

    first = numpy.argpartition(-scores, CANDIDATES)[:CANDIDATES]
    yield from first[numpy.argsort(-scores[first])].tolist()
    yield from spelled
    tried = set(first.tolist())
    yield from (token for token in numpy.argsort(-scores).tolist() if token not in tried)


class HeldAnswers:
    """transformers' logits-processor protocol for greedy decoding: in each row that has a
    pattern, every token but the best one that keeps the answer a start of a held line is barred,
    and once the line has ended (or where no token keeps it), every token but the end."""

    def __init__(self, tokenizer, held: list, prompt_length: int, end_id: int):
        self.tokenizer, self.prompt_length, self.end_id = tokenizer, prompt_length, end_id
        self.lines = [HeldLine(*words) for words in held]
        self.spellings = [spelling(tokenizer, words) for words, _ in held]
        self.special = set(tokenizer.all_special_ids)

    def __call__(self, input_ids, scores):
        for row, line in enumerate(self.lines):
            ids = input_ids[row, self.prompt_length :].tolist()
            ranked = candidates(scores[row].detach().float().cpu().numpy(), self.spellings[row])
            chosen = next_token(self.tokenizer, line, ids, ranked, self.special)
            chosen = self.end_id if chosen is None else chosen
            best = scores[row, chosen].clone()
            scores[row] = float("-inf")
            scores[row, chosen] = best
        return scores
