"""Names that are the same name in another language, from CLDR (through Babel): territories and
regions (Alemania = Germany, Estados Unidos = United States, Mundo = World), languages (alemán =
German, which English also writes for the people), scripts, the cities CLDR names (Londres =
London, Nueva York = New York) and eras (a. C. = BC, BCE). A Spanish or Portuguese plural
abbreviation doubles its initials (EE. UU. = Estados Unidos). A territory's people are named
by the languages spoken there (Grecia = Greek, Estados Unidos = American English). The fact check takes a name of a
translation as supported when the source names the same thing in its own language."""

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
#: The eras' names read: before and after the common era, abbreviated and in full.
ERA_WIDTHS = ("abbreviated", "wide")
#: The eras' names CLDR gives as variants ("BCE", "CE"), which Babel does not load.
ERA_VARIANTS = {"en": ("BCE", "CE")}
#: Languages whose plural abbreviations double their initials (EE. UU., FF. AA.).
DOUBLED_INITIALS = {"es", "pt"}
_DOUBLED = re.compile(r"\b((?:([a-z])\2\.\s?){2,})")
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
    for width in ERA_WIDTHS:
        for era, name in locale.eras[width].items():
            found[" ".join(words(name))].add(f"era:{era}")
    for era, name in enumerate(ERA_VARIANTS.get(language, ())):
        found[" ".join(words(name))].add(f"era:{era}")
    found.pop("", None)
    return dict(found)


def is_named(word: str, language: str) -> bool:
    """Whether `word` is, as it stands, one of CLDR's names in `language` (Vietnam, Europa)."""
    return plain(word) in _names(language)


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
        phrases[_stem(parts[0]) if len(parts) > 1 else name].append((parts, codes))
        if len(parts) == 1 and len(name) >= INFLECTED_FROM:
            stems[name[:-1]] |= codes
    return phrases, stems


def named_in(text_words: list[str], language: str) -> set[str]:
    """The codes of the CLDR names `text_words` (plain, in order) says in `language`."""
    phrases, stems = _index(language)
    found: set[str] = set()
    for i, word in enumerate(text_words):
        for key in dict.fromkeys([word] + [word[:cut] for cut in range(INFLECTED_FROM - 1, len(word))]):
            for parts, codes in phrases.get(key, ()):
                said = text_words[i : i + len(parts)]
                if parts == (word,) or (len(said) == len(parts) > 1 and all(map(_inflected, said, parts))):
                    found |= codes
        for cut in range(max(INFLECTED_FROM - 1, len(word) - INFLECTION_LETTERS - 1), len(word)):
            found |= stems.get(word[:cut], set())
    return found


def _stem(name_word: str) -> str:
    """A name's word less the last letter its inflections change (vereinigte: vereinigt)."""
    return name_word[:-1] if len(name_word) >= INFLECTED_FROM else name_word


def _inflected(word: str, name_word: str) -> bool:
    """`word` is a word of a name of several words, or an inflection of it (Vereinigten Staaten)."""
    stem = _stem(name_word)
    return word == name_word or (stem != name_word and word.startswith(stem) and len(word) - len(name_word) <= INFLECTION_LETTERS)


@functools.cache
def _words_of_codes(language: str) -> dict[str, set[str]]:
    """Each code's name in `language`, as its plain words."""
    by_code: dict[str, set[str]] = defaultdict(set)
    for name, codes in _names(language).items():
        for code in codes:
            by_code[code] |= set(name.split())
    return by_code


def equivalents(source_words: list[str], source_language: str, language: str, source: str = "") -> set[str]:
    """The plain words of `language`'s names for what `source_words` names in its own language,
    or `source` (its plain text) names by doubled initials."""
    if source_language == language:
        return set()
    names = _words_of_codes(language)
    codes = named_in(source_words, source_language)
    if source_language in DOUBLED_INITIALS:
        codes |= {code for initials in _DOUBLED.findall(source) for code in _by_initials(initials[0], source_language)}
    codes |= {spoken for code in codes for spoken in _spoken_in(code)}
    return {word for code in codes for word in names.get(code, ())}


@functools.cache
def _spoken_in(code: str) -> frozenset[str]:
    """The languages a territory's people speak, as CLDR names them (Grecia: Greek; Estados
    Unidos: "American English"): the words a translation writes for its people."""
    from babel.languages import get_official_languages

    if not code.startswith("territories:"):
        return frozenset()
    territory = code.split(":", 1)[1]
    spoken = get_official_languages(territory, de_facto=True)
    return frozenset(f"languages:{code}" for language in spoken for code in (language, f"{language}_{territory}"))


def _by_initials(abbreviation: str, language: str) -> set[str]:
    """The codes of `language`'s names of as many words as `abbreviation` ("ee. uu.", plain) has
    doubled initials, each word starting with its initial: estados unidos."""
    initials = re.findall(r"([a-z])\1", abbreviation)
    return {code for name, codes in _names(language).items() if [word[0] for word in name.split()] == initials for code in codes}
