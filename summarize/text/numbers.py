"""Numbers in the reader's convention: a number the source writes with its language's separators
("120.000" and "3,5" in Spanish) and the translation copies as it was is rewritten with the
target's ("120,000" and "3.5" in English), whichever engine translated it. Only numbers found in
the source sentence are touched, read by the source's convention: "1.5" in Spanish (no group of
three after the point) and years or plain integers are left alone."""

from __future__ import annotations

import re

#: Per served language, the thousands separators its news copy uses (the first is written) and
#: its decimal mark (CLDR; French groups with a narrow no-break space, and plain or no-break
#: spaces are read too).
CONVENTIONS = {
    "en": ((",",), "."),
    "es": ((".",), ","),
    "de": ((".",), ","),
    "it": ((".",), ","),
    "pt": ((".",), ","),
    "fr": (("\u202f", "\u00a0", " "), ","),
}


def _number_pattern(language: str) -> re.Pattern:
    """A number that carries the language's separators: groups of three after a thousands
    separator, an optional decimal part, or a decimal part alone."""
    groups, decimal = CONVENTIONS[language]
    group = "[" + re.escape("".join(groups)) + "]"
    mark = re.escape(decimal)
    return re.compile(rf"(?<![\d.,])(?:\d{{1,3}}(?:{group}\d{{3}})+(?:{mark}\d+)?|\d+{mark}\d+)(?![\d]|[.,]\d)")


_PATTERNS = {language: _number_pattern(language) for language in CONVENTIONS}


def _written(number: str, source: str, target: str) -> str:
    """`number`, in `source`'s convention, written in `target`'s."""
    groups, decimal = CONVENTIONS[source]
    whole, _, fraction = number.partition(decimal)
    digits = re.sub("[" + re.escape("".join(groups)) + "]", "", whole)
    target_groups, target_decimal = CONVENTIONS[target]
    if re.search("[" + re.escape("".join(groups)) + "]", whole):
        grouped = f"{int(digits):,}".replace(",", target_groups[0])
    else:
        grouped = digits
    return grouped + (target_decimal + fraction if fraction else "")


def in_convention(translation: str, source_sentence: str, source: str, target: str) -> tuple[str, int]:
    """The translation with each number it copied from the source, separators and all, rewritten
    in the target's convention; and how many were rewritten."""
    if source == target or source not in CONVENTIONS or target not in CONVENTIONS:
        return translation, 0
    rewritten = 0
    for number in dict.fromkeys(_PATTERNS[source].findall(source_sentence)):
        written = _written(number, source, target)
        if written == number:
            continue
        copied = re.compile(rf"(?<![\d.,]){re.escape(number)}(?![\d]|[.,]\d)")
        translation, count = copied.subn(written, translation)
        rewritten += count
    return translation, rewritten
