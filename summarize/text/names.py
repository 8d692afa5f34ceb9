"""Names that are the same name in another language, from CLDR (through Babel): territories and
regions (Alemania = Germany, Estados Unidos = United States, Mundo = World), languages (alemán =
German, which English also writes for the people), scripts, and the cities CLDR names (Londres =
London, Nueva York = New York). The fact check takes a name of a translation as supported when
the source names the same thing in its own language."""

from __future__ import annotations

import functools
import re
from collections import defaultdict

from summarize.text.plain import plain

#: The CLDR tables read: each maps a code to its name in a language.
TABLES = ("territories", "languages", "scripts")
#: A name of one word also matches its inflections that start with all but its last letter and
#: are at most this many letters longer (alemán: alemanes, alemana; italiano: italianos).
INFLECTION_LETTERS = 3
#: Shorter one-word names match exactly only ("Perú", "Irán").
INFLECTED_FROM = 5
_WORDS = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def words(text: str) -> list[str]:
    """The plain words of `text`, in order."""
    return _WORDS.findall(plain(text))


@functools.cache
def _names(language: str) -> dict[str, set[str]]:
    """CLDR's names in `language`, plain, each with the codes it names ("zone:Europe/London")."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return {}
    found: dict[str, set[str]] = defaultdict(set)
    for table in TABLES:
        for code, name in getattr(locale, table).items():
            found[" ".join(words(name))].add(f"{table}:{code}")
    for zone in _zones():
        city = (locale.time_zones.get(zone) or {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
        found[" ".join(words(city))].add(f"zone:{zone}")
    found.pop("", None)
    return dict(found)


@functools.cache
def _zones() -> tuple[str, ...]:
    """CLDR's time zones, each named after a city."""
    from babel.core import get_global

    return tuple(get_global("zone_territories"))


@functools.cache
def _index(language: str) -> tuple[dict[str, list[tuple[tuple[str, ...], set[str]]]], dict[str, set[str]]]:
    """`language`'s names by their first word (several words), and its one-word names by stem."""
    phrases: dict[str, list[tuple[tuple[str, ...], set[str]]]] = defaultdict(list)
    stems: dict[str, set[str]] = defaultdict(set)
    for name, codes in _names(language).items():
        parts = tuple(name.split())
        phrases[parts[0]].append((parts, codes))
        if len(parts) == 1 and len(name) >= INFLECTED_FROM:
            stems[name[:-1]] |= codes
    return phrases, stems


def named_in(text_words: list[str], language: str) -> set[str]:
    """The codes of the CLDR names `text_words` (plain, in order) says in `language`."""
    phrases, stems = _index(language)
    found: set[str] = set()
    for i, word in enumerate(text_words):
        for parts, codes in phrases.get(word, ()):
            if tuple(text_words[i : i + len(parts)]) == parts:
                found |= codes
        for cut in range(max(INFLECTED_FROM - 1, len(word) - INFLECTION_LETTERS - 1), len(word)):
            found |= stems.get(word[:cut], set())
    return found


@functools.cache
def _words_of_codes(language: str) -> dict[str, set[str]]:
    """Each code's name in `language`, as its plain words."""
    by_code: dict[str, set[str]] = defaultdict(set)
    for name, codes in _names(language).items():
        for code in codes:
            by_code[code] |= set(name.split())
    return by_code


def equivalents(source_words: list[str], source_language: str, language: str) -> set[str]:
    """The plain words of `language`'s names for what `source_words` names in its own language."""
    if source_language == language:
        return set()
    names = _words_of_codes(language)
    return {word for code in named_in(source_words, source_language) for word in names.get(code, ())}
