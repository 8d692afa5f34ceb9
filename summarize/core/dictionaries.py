"""What a word of one language means in another, for the fact check (text/factcheck.py's
`Dictionary`): Apertium's bilingual dictionaries where its pairs are installed, and FreeDict's
where Debian's packages are (German, which Apertium lacks)."""

from __future__ import annotations


def meanings(words: list[str], source: str, target: str) -> dict[str, frozenset[str]]:
    """Each word's lemmas in `target`, as either dictionary lists them."""
    from summarize.engines import apertium
    from summarize.text import freedict

    given = [apertium.meanings(words, source, target), freedict.meanings(words, source, target)]
    return {word: frozenset().union(*(found.get(word, frozenset()) for found in given)) for word in words}
