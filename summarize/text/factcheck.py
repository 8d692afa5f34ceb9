"""A cheap fact check of numbers (no model): every number of an output (digits in either
convention, or words: "cuarenta millones", "forty million", "40 millones") read as a value, and
compared with the values of its source. A number of the output the source does not hold is
unsupported; in a translation, a number of the source the output lost is missing. It cannot see
a wrong claim built from true numbers, nor names or dates."""

from __future__ import annotations

import difflib
import re
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


def check(output: str, output_language: str, sources: list[tuple[str, str]], both_ways: bool) -> dict[str, list[str]]:
    """The numbers of `output` none of `sources` (text, language) holds (`unsupported`), and,
    `both_ways`, those of the sources the output lost (`missing`)."""
    given = [numbers(text, language) for text, language in sources]
    held = {value for found in given for value, _ in found}
    said = numbers(output, output_language)
    kept = {value for value, _ in said}
    result = {"unsupported": list(dict.fromkeys(words for value, words in said if value not in held))}
    if both_ways:
        result["missing"] = list(dict.fromkeys(words for found in given for value, words in found if value not in kept))
    return result
