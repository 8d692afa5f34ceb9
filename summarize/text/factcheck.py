"""A cheap fact check (no model) of what an output states against its source:
- numbers: every number (digits in either convention, or words: "cuarenta millones", "forty
  million", "40 millones") read as a value and compared with the source's values;
- dates: weekday and month names, the same day or month in any served language;
- names: capitalised words inside a sentence (not its first word), found in the source as they
  are or as a near spelling with the same first letter ("Sevilla" for "Seville", "Gobierno" for
  "Government");
- quotes: a quoted passage of three words or more, found word for word in a source of the same
  language (a translation's quotes are translated, so only summaries are checked).
A span of the output the source does not support is unsupported; in a translation, a number of
the source the output lost is missing. It cannot see a wrong claim built from true words, and a
name translated into a different word (Germany, Alemania) is flagged though right."""

from __future__ import annotations

import difflib
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from summarize.text.numbers import CONVENTIONS

#: A number as text2num leaves it (its words turned into digits) with the separators any served
#: language writes: groups, decimal marks, the spaces French groups with.
_TOKEN = re.compile(r"\d+(?:(?:[.,\u202f\u00a0]|(?<=\d) (?=\d{3}\b))\d+)*")
#: The powers of ten text2num writes for scale words ("millones" alone becomes 1000000).
_SCALES = {10**3, 10**6, 10**9, 10**12}
_PUNCTUATION = ".,;:!?()[]«»\"'"


def _value(token: str, language: str) -> Decimal | None:
    """The value of `token` read by `language`'s convention (the other mark, where the groups do
    not fit, as a decimal point: "1.5" in Spanish)."""
    groups, decimal = CONVENTIONS.get(language, CONVENTIONS["en"])
    group = "[" + re.escape("".join(groups)) + "]"
    if re.fullmatch(rf"\d{{1,3}}(?:{group}\d{{3}})+(?:{re.escape(decimal)}\d+)?", token):
        plain = re.sub(group, "", token).replace(decimal, ".")
    else:
        plain = token.replace(",", ".")
    try:
        return Decimal(plain) if plain.count(".") <= 1 else None
    except InvalidOperation:
        return None


def numbers(text: str, language: str) -> list[tuple[Decimal, str]]:
    """Each number of `text` as (value, its words in `text`), scale words applied."""
    from text_to_num import alpha2digit

    try:
        converted = alpha2digit(text, language)
    except ValueError:  # a language text2num lacks: digits only
        converted = text
    found: list[tuple[Decimal, tuple[int, int]]] = []
    for match in _TOKEN.finditer(converted):
        value = _value(match.group(), language)
        if value is None:
            continue
        if found and value in _SCALES and converted[found[-1][1][1] : match.start()].strip() == "":
            previous, (start, _) = found.pop()
            found.append((previous * value, (start, match.end())))
        else:
            found.append((value, match.span()))
    return [(value.normalize(), _words_of(text, converted, span).strip(_PUNCTUATION)) for value, span in found]


def _words_of(text: str, converted: str, span: tuple[int, int]) -> str:
    """The words of `text` that became `converted[span]`."""
    if converted == text:
        return text[span[0] : span[1]]
    source_words, converted_words = text.split(), converted.split()
    first = len(converted[: span[0]].split())
    last = first + len(converted[span[0] : span[1]].split())
    matcher = difflib.SequenceMatcher(a=converted_words, b=source_words, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if a1 <= first < a2 or (a1 == a2 == first):
            if tag == "equal":
                return " ".join(source_words[b1 + first - a1 : b1 + last - a1])
            return " ".join(source_words[b1:b2])
    return converted[span[0] : span[1]]


def check(output: str, output_language: str, sources: list[tuple[str, str]], both_ways: bool) -> dict[str, list]:
    """The spans of `output` none of `sources` (text, language) supports (`unsupported`, each
    (span, kind): number, date, name or quote), and, `both_ways`, the numbers of the sources the
    output lost (`missing`)."""
    given = [numbers(text, language) for text, language in sources]
    held = {value for found in given for value, _ in found}
    said = numbers(output, output_language)
    kept = {value for value, _ in said}
    unsupported = [(words, "number") for value, words in said if value not in held]
    if _calendar(output, output_language) or _capitalised(output) or _QUOTE.search(output):
        plain = [(_plain(text), language) for text, language in sources]
        unsupported += [(span, "date") for span in _unsupported_dates(output, output_language, plain)]
        unsupported += [(span, "name") for span in _unsupported_names(output, output_language, sources, plain, both_ways)]
        unsupported += [(span, "quote") for span in _unsupported_quotes(output, output_language, plain)]
    result = {"unsupported": list(dict.fromkeys(unsupported))}
    if both_ways:
        result["missing"] = list(dict.fromkeys(words for found in given for value, words in found if value not in kept))
    return result


_COMBINING = re.compile("[\u0300-\u036f]")


def _plain(text: str) -> str:
    """Text lower-cased, its accents dropped (one pass over a whole text: it is what makes the
    check cheap on a long document)."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower()))


#: Weekdays (Monday first) and months in the served languages, by their plain spelling.
_CALENDAR = {
    "en": ("monday tuesday wednesday thursday friday saturday sunday",
           "january february march april may june july august september october november december"),
    "es": ("lunes martes miercoles jueves viernes sabado domingo",
           "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"),
    "fr": ("lundi mardi mercredi jeudi vendredi samedi dimanche",
           "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre"),
    "de": ("montag dienstag mittwoch donnerstag freitag samstag sonntag",
           "januar februar marz april mai juni juli august september oktober november dezember"),
    "it": ("lunedi martedi mercoledi giovedi venerdi sabato domenica",
           "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"),
    "pt": ("segunda-feira terca-feira quarta-feira quinta-feira sexta-feira sabado domingo",
           "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro"),
}  # fmt: skip
_CALENDAR_WORDS = {
    language: {word: (kind, index) for kind, names in zip(("day", "month"), table) for index, word in enumerate(names.split())}
    for language, table in _CALENDAR.items()
}
_ANY_CALENDAR_WORD = frozenset(word for words in _CALENDAR_WORDS.values() for word in words)
#: Languages that write weekdays and months capitalised: there "may" is a verb, "May" a month.
_CAPITALISED_CALENDAR = {"en", "de"}
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _calendar(text: str, language: str) -> list[tuple[str, tuple[str, int]]]:
    """The weekdays and months an output names, and which."""
    words = _CALENDAR_WORDS.get(language, {})
    found = []
    for match in _WORD.finditer(text):
        word = match.group()
        entry = words.get(_plain(word))
        if entry and not (language in _CAPITALISED_CALENDAR and not word[0].isupper()):
            found.append((word, entry))
    return found


def _unsupported_dates(output: str, language: str, plain_sources: list[tuple[str, str]]) -> list[str]:
    """Weekdays and months of the output that name a day or month no source names."""
    said = _calendar(output, language)
    if not said:
        return []
    held = set()
    for text, source_language in plain_sources:
        words = _CALENDAR_WORDS.get(source_language, {})
        held |= {words[w] for w in set(_WORD.findall(text)) if w in words}
    return [word for word, entry in said if entry not in held]


#: What comes before a sentence's first word (looked for this far back).
_SENTENCE_START = re.compile(r"(?:[.!?…:;]\s+|[\n\"“«(—–-]\s*)$")
_LOOK_BACK = 8
# A near spelling: this similarity with the same first letter (Government, Gobierno 0.56), or
# this one with any.
_NEAR_SAME_START = 0.55
_NEAR = 0.7
_LETTERS = re.compile(r"[^\W\d_]+")
# Spanish, French and Portuguese put an e before s + consonant (estados, état): compared without.
_PROTHETIC_E = re.compile(r"e(?=s[^aeiou])")


def _near(word: str, other: str) -> bool:
    """Whether two plain words are spellings of one name (a prothetic e aside)."""
    for a in _spellings(word):
        for b in _spellings(other):
            ratio = difflib.SequenceMatcher(a=a, b=b).ratio()
            if ratio >= _NEAR or (ratio >= _NEAR_SAME_START and a[:1] == b[:1]):
                return True
    return False


def _spellings(word: str) -> tuple[str, ...]:
    return (word, word[1:]) if _PROTHETIC_E.match(word) else (word,)


def _unsupported_names(
    output: str, language: str, sources: list[tuple[str, str]], plain_sources: list[tuple[str, str]], translation: bool
) -> list[str]:
    """Capitalised words inside the output's sentences that no source word spells or nearly
    spells (weekdays and months are the dates' check). For a `translation`, as many as its
    source has capitalised words of its own that the output does not spell are taken as
    translated names (Escuela, School) and not flagged: the least like those are flagged first."""
    said = _capitalised(output)
    if not said:
        return []
    source_words = {word for text, _ in plain_sources for word in _LETTERS.findall(text)}
    unsupported = [word for word in said if not _near_any(_plain(word), source_words)]
    if not translation or not unsupported:
        return unsupported
    output_words = set(_LETTERS.findall(_plain(output)))
    translated = [
        _plain(word)
        for text, source_language in sources
        if source_language != language
        for word in _capitalised(text)
        if not _near_any(_plain(word), output_words)
    ]
    if not translated:
        return unsupported
    likeness = {word: max(difflib.SequenceMatcher(a=_plain(word), b=t).ratio() for t in translated) for word in unsupported}
    flagged = set(sorted(unsupported, key=lambda word: likeness[word])[: max(0, len(unsupported) - len(translated))])
    return [word for word in unsupported if word in flagged]


def _near_any(word: str, others: set[str]) -> bool:
    """`word` among `others`, or nearly spelled by one of similar length."""
    if word in others or any(spelling in others for spelling in _spellings(word)):
        return True
    return any(abs(len(word) - len(other)) <= max(len(word), len(other)) // 2 and _near(word, other) for other in others)


def _capitalised(text: str) -> list[str]:
    """The capitalised words inside the sentences of `text` (not their first), weekdays and
    months aside."""
    found = []
    for match in _WORD.finditer(text):
        word = match.group().rstrip("'’-")
        if word[0].isupper() and len(word) >= 3 and _plain(word) not in _ANY_CALENDAR_WORD:
            before = text[max(0, match.start() - _LOOK_BACK) : match.start()]
            if not (_SENTENCE_START.search(before) or (match.start() < _LOOK_BACK and not before.strip())):
                found.append(word)
    return found


_QUOTE = re.compile(r"[\"“«]([^\"”»]{3,})[\"”»]")
_QUOTE_WORDS = 3


def _unsupported_quotes(output: str, language: str, plain_sources: list[tuple[str, str]]) -> list[str]:
    """Quoted passages of the output not found word for word in a source of its language."""
    if not _QUOTE.search(output):
        return []
    same = [" ".join(_WORD.findall(text)) for text, source_language in plain_sources if source_language == language]
    if not same:
        return []
    unsupported = []
    for match in _QUOTE.finditer(output):
        words = [_plain(w) for w in _WORD.findall(match.group(1))]
        if len(words) >= _QUOTE_WORDS and not any(f" {' '.join(words)} " in f" {text} " for text in same):
            unsupported.append(match.group(1).strip())
    return unsupported


def strict_refusal(found: dict):
    """The error a result is under --strict (a FactCheckError, exit 10, holding `found`) when its
    fact check `found` anything; None when it found nothing."""
    from summarize.errors import FactCheckError

    spans = [f"{item['span']!r} ({item.get('kind', 'number')})" for item in found["unsupported"]]
    spans += [f"{item['span']!r} (lost)" for item in found["missing"]]
    if not spans:
        return None
    shown = ", ".join(spans[:5]) + (f" and {len(spans) - 5} more" if len(spans) > 5 else "")
    return FactCheckError(f"--strict: the fact check found {len(spans)} span(s) its source does not support: {shown}", found)
