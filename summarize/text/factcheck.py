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
import functools
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from summarize.text import names
from summarize.text.numbers import CONVENTIONS
from summarize.text.plain import plain as _plain

#: A number as text2num leaves it (its words turned into digits) with the separators any served
#: language writes: groups, decimal marks, the spaces French groups with; digits after a letter
#: belong to a name (A361, MH370), which the names' check reads.
_TOKEN = re.compile(r"(?<!\w)(?:\d{1,3}(?: \d{3}\b)+|\d+)(?:[.,\u202f\u00a0\u2009]\d+)*")
#: Two numbers of a range or a choice, the second larger and with a scale word that is the
#: first's too ("entre 340 y 500 millones": 340 million and 500 million).
_RANGE_JOIN = re.compile(r"\s*(?:-|–|y|e|o|u|a|et|ou|à|und|oder|bis|and|or|to)\s*", re.IGNORECASE)
#: Digit groups split by a space of any width: groups in every language (SI's rule).
_SPACED = re.compile(r"\d{1,3}(?:[ \u202f\u00a0\u2009]\d{3})+(?:[.,]\d+)?")
#: The powers of ten text2num writes for scale words ("millones" alone becomes 1000000).
_SCALES = {10**3, 10**6, 10**9, 10**12}
#: A scale word (or hundred) without a number before it that says "many" ("thousands of",
#: "miles de", "Tausende", "migliaia", "hundreds of", "hunderten"): no value.
_VAGUE_SCALE = re.compile(r"(?:s|ende|erte|nen|arden|aia|oni|ardi)$")
_VAGUE_VALUES = _SCALES | {100}
#: "Per cent" in the served languages, read by text2num as a hundred ("por ciento"): a sign.
_PER_CENT = re.compile(r"\b(?:por|per|pour)\s+(?:ciento|cento|cent)\b", re.IGNORECASE)
#: A Roman numeral of two letters or more (siglo XVIII): a source's number.
#: French writes one with an ordinal's ending: "XVIIIe siècle".
_ROMAN = re.compile(
    r"\b(?=[MDCLXVI]{2,}(?:e|er|ème)?\b)(M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))(?:e|er|ème)?\b"
)
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
_ABBREVIATION_LETTERS = set("CDM")
#: Nouns for about a hundred or a thousand ("un millier", "un centenar"): a translation's bare
#: "a thousand" says as much; their plurals say many ("des milliers"), as "thousands" does.
_GROUP_NOUNS = {
    "es": {"centenar": 100, "millar": 1000},
    "fr": {"centaine": 100, "millier": 1000},
    "it": {"centinaio": 100, "migliaio": 1000},
    "pt": {"centena": 100, "milhar": 1000},
}
#: Units a translation converts its source's into, and how many of the source's unit one is:
#: (the unit after a number, as the output writes it; factor; offset). Fahrenheit to Celsius is
#: (F - 32) x 5/9.
_CONVERSIONS = (
    (r"(?:square\s+miles|sq\.?\s*mi)\b", Decimal("2.589988"), 0),
    (r"(?:miles?|mi)\b(?!\s*(?:per|an)\s+hour)", Decimal("1.609344"), 0),
    (r"(?:mph|miles\s+(?:per|an)\s+hour)\b", Decimal("1.609344"), 0),
    (r"(?:feet|foot|ft)\b", Decimal("0.3048"), 0),
    (r"(?:yards?|yd)\b", Decimal("0.9144"), 0),
    (r"(?:inch(?:es)?|in\.)", Decimal("2.54"), 0),
    (r"(?:pounds?|lbs?)\b", Decimal("0.45359237"), 0),
    (r"(?:ounces?|oz)\b", Decimal("28.349523"), 0),
    (r"(?:gallons?)\b", Decimal("3.785411"), 0),
    (r"(?:°\s*F|\(?F\)?(?=\W|$)|degrees?\s+Fahrenheit|Fahrenheit)", Decimal(5) / 9, -32),
)
_UNIT_GAP = r"[\s\-(°]*"
_CONVERSION_ROUNDING = Decimal("0.0075")
_METRIC = re.compile(
    r"\d\s*(?:m|g|l)\b|(?<![^\W\d_])(?:km|kg|cm|°\s*C)(?![^\W\d_])|\b(?:(?:kilo|centi)?(?:met(?:re|er)s?|grams?)|lit(?:re|er)s?|Celsius)\b"
)
_PUNCTUATION = ".,;:!?()[]«»\"'"
#: A decade an English output writes in full: 1970s, 1920's.
_DECADE = re.compile(r"\b(1\d\d0|20\d0)['’]?s\b")


def _value(token: str, language: str) -> Decimal | None:
    """The value of `token` read by `language`'s convention (the other mark, where the groups do
    not fit, as a decimal point: "1.5" in Spanish)."""
    groups, decimal = CONVENTIONS.get(language, CONVENTIONS["en"])
    group = "[" + re.escape("".join(groups)) + "]"
    if _SPACED.fullmatch(token):
        plain = re.sub(r"\s", "", token).replace(decimal, ".")
    elif re.fullmatch(rf"\d{{1,3}}(?:{group}\d{{3}})+(?:{re.escape(decimal)}\d+)?", token):
        plain = re.sub(group, "", token).replace(decimal, ".")
    else:
        plain = token.replace(",", ".")
    try:
        return Decimal(plain) if plain.count(".") <= 1 else None
    except InvalidOperation:
        return None


@functools.cache
def _scale_words(language: str) -> tuple[re.Pattern, dict[str, int]]:
    """CLDR's long scale words of `language` ("milioni", "mil millones") after a number, and
    their powers of ten: text2num leaves some ("2,8 milioni")."""
    from babel import Locale

    scales: dict[str, int] = {}
    for patterns in Locale.parse(language).compact_decimal_formats.get("long", {}).values():
        for magnitude, pattern in patterns.items():
            text = str(getattr(pattern, "pattern", pattern))
            zeros = text.count("0")
            words = text.replace("0", "").strip().lower()
            if zeros and words and text.startswith("0"):
                scales.setdefault(words, int(magnitude) // 10 ** (zeros - 1))
    alternatives = "|".join(re.escape(w) for w in sorted(scales, key=len, reverse=True)) or "(?!)"
    return re.compile(rf"\s+({alternatives})\b", re.IGNORECASE), scales


#: English number words a hyphen joins to a noun ("three-wheeled", "eight-year"): read apart.
_ENGLISH_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion"
).split()
_HYPHENATED_NUMBER = re.compile(
    rf"\b({'|'.join(_ENGLISH_NUMBER_WORDS)})-(?=[a-z])|(?<=[a-z])-(?=(?:{'|'.join(_ENGLISH_NUMBER_WORDS)})\b)", re.IGNORECASE
)
#: A time of day (11:20, 11.20 Uhr, 10.30 h, 11.29 o'clock): its hour and minutes are two numbers, and no
#: minutes ("11:00", "11 h") none.
_TIME = re.compile(
    r"\b(\d{1,2})(?::(\d{2})\b|\.(\d{2})(?=\s*(?:Uhr\b|h\b|hrs?\b|o['’]clock\b|[ap]\.?\s?m(?!\w)))|\s?h\s?(\d{2})\b)"
    r"|\b([01]\d|2[0-3])([0-5]\d)(?=\s*(?:UTC|GMT|hours|hrs)\b)"
)
#: German ordinals in words end so (achten, ersten, zweite); its cardinals never do.
_GERMAN_ORDINAL = re.compile(r"(?:te[nrsm]?|erst\w*)$")
#: What text2num leaves after an ordinal it wrote in digits ("cuarto" -> "4º", "tercera" -> "3ª").
_ORDINAL_MARK = re.compile(r"[ºª°ᵃᵉᵈᵗʰˢᵒʳⁿ]|(?:st|nd|rd|th)s?\b|(?:er|e|ème|re)\b")
#: Articles text2num may read as one ("un título"): no number.
_ARTICLES = frozenset("un una uno unos unas um uma uns umas une ein eine einen".split())
#: The languages whose articles text2num reads as one (its "un", "uno", "um").
_ARTICLES_READ_AS_ONE = {"es", "pt", "fr", "it"}
#: Articles that say "about" or "a" before a number ("unos 300", "una 645"), which text2num would
#: read as a one before it (1 300): kept from it.
_ARTICLE_BEFORE_NUMBER = re.compile(r"\b(?:unos|unas|uns|umas|un|una|um|uma)(?=\s+\d)|\b(?:unos|unas|uns|umas)\b", re.I)
#: A no-break space of any width between a number and a word ("27\u00a0millions", French
#: typography): text2num reads the scale word apart from the number unless it is a plain space.
_NARROW_SPACE_BEFORE_WORD = re.compile(r"(?<=\d)[\u00a0\u202f\u2009](?=[^\W\d_])")
#: Two in the served languages' words, as a cardinal (no "segunda", "Zweitem"); three and more
#: text2num reads itself.
_TWO = frozenset("two dos deux zwei due dois duas".split())
#: Words that say two or three of something without the number: what a translation writes for a
#: source's "los dos", "les deux", "tres veces".
_MULTIPLES = {"en": {"both": 2, "twice": 2, "double": 2, "pair": 2, "couple": 2, "thrice": 3, "triple": 3, "triad": 3, "trio": 3}}
#: Ordinals text2num writes without a mark ("el tercer lugar" -> "el 3 lugar").
_BARE_ORDINALS = frozenset({"primer", "tercer"})


def numbers(text: str, language: str, small: bool = False) -> list[tuple[Decimal, str]]:
    """Each number of `text` as (value, its words in `text`), scale words applied; a scale word
    alone that says "many" has none, an ordinal in words ("cuarto", "second") or an article
    ("unos diez") none either. `small`: the words for one to three too ("dos horas"), which a
    text may say where its translation writes digits, and ordinals in words."""
    from text_to_num import alpha2digit

    signed = _TIME.sub(_minutes_apart, _PER_CENT.sub("%", text))
    if language == "en" and "-" in signed:
        signed = _HYPHENATED_NUMBER.sub(lambda hyphen: f"{hyphen.group(1) or ''} ", signed)
    masked = _NARROW_SPACE_BEFORE_WORD.sub(" ", signed)
    if language in _ARTICLES_READ_AS_ONE:
        masked = _ARTICLE_BEFORE_NUMBER.sub(lambda article: "_" * len(article.group()), masked)
    try:
        converted = alpha2digit(masked, language, threshold=0 if small else 3)
    except ValueError:  # a language text2num lacks: digits only
        converted = masked
    after_number, scales = _scale_words(language)
    opcodes = []
    if converted != signed:
        opcodes = difflib.SequenceMatcher(a=converted.split(), b=signed.split(), autojunk=False).get_opcodes()
    found: list[tuple[Decimal, tuple[int, int], int]] = []  # value, span, the scale applied
    for match in _TOKEN.finditer(converted):
        value = _value(match.group(), language)
        if value is None:
            continue
        if opcodes and _from_words(signed, converted, opcodes, match, value, small, language):
            continue
        end, factor = match.end(), _scale_said(signed, converted, opcodes, match, scales)
        scale = after_number.match(converted, end)
        if scale:
            factor = scales[scale.group(1).lower()]
            value, end = value * factor, scale.end()
        if found and value in _SCALES and converted[found[-1][1][1] : match.start()].strip() == "":
            previous, (start, _), _ = found.pop()
            found.append((previous * value, (start, end), int(value)))
        elif value in _VAGUE_VALUES and _VAGUE_SCALE.search(_plain(_words_of(signed, converted, opcodes, match.span()))):
            continue
        else:
            found.append((value, (match.start(), end), factor))
        if len(found) > 1 and found[-1][2] > 1 and found[-2][2] == 1:
            (first, span, _), (second, (start, _), factor) = found[-2], found[-1]
            if first < second / factor and _RANGE_JOIN.fullmatch(converted, span[1], start):
                found[-2] = (first * factor, span, factor)
    return [(value.normalize(), _words_of(signed, converted, opcodes, span).strip(_PUNCTUATION)) for value, span, _ in found]


def _scale_said(signed: str, converted: str, opcodes: list, match: re.Match, scales: dict[str, int]) -> int:
    """The largest scale word among the words text2num made `match` of ("tres millones": a
    million), or 1."""
    if not opcodes:
        return 1
    words = _plain(_words_of(signed, converted, opcodes, match.span()))
    return max((value for word, value in scales.items() if re.search(rf"\b{re.escape(word)}\b", words)), default=1)


def _minutes_apart(time: re.Match) -> str:
    """A time of day as its hour and minutes apart, the same length: "11 20", "11   "."""
    hour, minutes = time.group(1) or time.group(5), time.group(2) or time.group(3) or time.group(4) or time.group(6)
    return f"{hour} {'' if minutes == '00' else minutes}".ljust(len(time.group()))


def _from_words(signed: str, converted: str, opcodes: list, match: re.Match, value: Decimal, small: bool, language: str) -> bool:
    """Whether text2num's number `match` is no number: an article it read as one ("un título"), a
    fraction it made of words, or an ordinal in words ("cuarto", "tercer", "achten": German's
    ordinals and the verb achten alike) unless `small` (reading all it can support)."""
    written = _plain(_words_of(signed, converted, opcodes, match.span()).strip(_PUNCTUATION)).split()
    if _HAS_DIGIT.search(" ".join(written)):
        return False
    article = value == 1 and bool(written) and written[0] in _ARTICLES
    ordinal = bool(_ORDINAL_MARK.match(converted, match.end()) or set(written) & _BARE_ORDINALS)
    ordinal |= language == "de" and bool(written) and _GERMAN_ORDINAL.search(written[-1]) is not None
    # A fraction text2num made of words: "un centavo" (a cent) is "1 1/100" to it.
    fraction = "/" in converted[max(0, match.start() - 1) : match.start()] + converted[match.end() : match.end() + 1]
    return article or fraction or (ordinal and not small)


def _roman(text: str) -> list[tuple[Decimal, str]]:
    """The Roman numerals of `text`, as (value, numeral): read in a translation's source, where
    "siglo XVIII" becomes "18th century", and in an output for the numbers it kept ("Juan Pablo
    II", "John Paul II"); never what an output states (in English, "DC" and "CD" are no numbers).
    Two letters with a C, D or M are an abbreviation ("eine CD", "MD"), not a numeral."""
    found = []
    for match in _ROMAN.finditer(text):
        if len(match.group(1)) == 2 and set(match.group(1)) & _ABBREVIATION_LETTERS:
            continue
        digits = [_ROMAN_VALUES[c] for c in match.group(1)]
        found.append((Decimal(sum(-d if d < n else d for d, n in zip(digits, [*digits[1:], 0]))), match.group()))
    return found


def _words_of(text: str, converted: str, opcodes: list, span: tuple[int, int]) -> str:
    """The words of `text` that became `converted[span]`; `opcodes` turn the converted words
    into the text's (difflib's)."""
    if converted == text:
        return text[span[0] : span[1]]
    before = converted[: span[0]]
    first = len(before.split()) - (1 if before and not before[-1].isspace() else 0)
    last = first + len(converted[span[0] : span[1]].split()) - 1
    blocks = [block for block in opcodes if block[1] <= first < block[2] or block[1] <= last < block[2]]
    if len(blocks) == 1 and blocks[0][0] == "equal":  # the same words: the same characters
        return converted[span[0] : span[1]]
    if not blocks:
        return converted[span[0] : span[1]]
    start = blocks[0][3] + (first - blocks[0][1] if blocks[0][0] == "equal" else 0)
    end = blocks[-1][3] + (last - blocks[-1][1] + 1 if blocks[-1][0] == "equal" else blocks[-1][4] - blocks[-1][3])
    return " ".join(text.split()[start:end])


#: What a word of one language means in another: (words, from, to) -> each word's lemmas there
#: (Apertium's dictionaries: `engines.apertium.meanings`).
Dictionary = Callable[[list[str], str, str], dict[str, frozenset[str]]]


def check(
    output: str,
    output_language: str,
    sources: list[tuple[str, str]],
    both_ways: bool,
    glosses: tuple[str, ...] = (),
    dictionary: Dictionary | None = None,
) -> dict[str, list]:
    """The spans of `output` none of `sources` (text, language) supports (`unsupported`, each
    (span, kind): number, date, name or quote), and, `both_ways`, the numbers of the sources the
    output lost (`missing`). `glosses` are the sources rendered word by word in the output's
    language by a rule-based translator (Apertium): a name one of them writes is supported;
    `dictionary` says what a capitalised common word of the output means in a source's language."""
    # A translation's source may say in words ("dos horas") what the translation writes in digits,
    # and in Roman numerals ("siglo XVIII") what it writes in digits ("18th century").
    translated = [language != output_language for _, language in sources]
    read = [_source_numbers(text, language, other, both_ways) for (text, language), other in zip(sources, translated)]
    held = {value for (given, small), other in zip(read, translated) for value, _ in given + (small if other else [])}
    said = numbers(output, output_language)
    kept = {value for value, _ in numbers(output, output_language, small=True) + _roman(output)}
    # A decade written in full ("the 1970s") is the one a source names by its last digits ("los años 70").
    decades = {Decimal(decade) for decade in _DECADE.findall(output)}
    held |= {decade for decade in decades if decade % 100 in held}
    kept |= {decade % 100 for decade in decades}
    converted = _converted(output, held)
    # A translation that converts keeps the source's figure; one that gives both units ("645
    # miles (1040 km)"), or a source that does, keeps both.
    if not _METRIC.search(output):
        kept |= {source_value for value, source_value in converted.items() if value not in held}
    held |= set(converted)
    held |= {value for text, language in sources for value in _counted_by_groups(text, language)}
    # A number in words a source writes as it stands (the name "Six Flags") is copied, not said.
    copied = " ".join(text for text, _ in sources)
    unsupported = [
        (words, "number")
        for value, words in said
        if value not in held and (_HAS_DIGIT.search(words) or not re.search(rf"\b{re.escape(words)}\b", copied))
    ]
    if calendar_words(output, output_language) or capitalised(output) or _QUOTE.search(output):
        plain = [(_plain(text), language) for text, language in sources]
        glossed = {word for text in glosses for word in names.words(text)}
        unsupported += [(span, "date") for span in _unsupported_dates(output, output_language, plain)]
        found = _unsupported_names(output, output_language, plain, glossed, dictionary)
        if found:
            found = _not_initialled_by_the_source(found, output, sources)
        if found and dictionary is not None:
            found = _said_by_the_source(found, output, output_language, sources, glossed, dictionary)
        unsupported += [(span, "name") for span in found]
        unsupported += [(span, "quote") for span in _unsupported_quotes(output, output_language, plain)]
    result = {"unsupported": list(dict.fromkeys(unsupported))}
    if both_ways:
        # A translation that keeps a two writes it in words or digits, or says "both".
        multiples = _MULTIPLES.get(output_language, {})
        kept |= {Decimal(value) for word, value in multiples.items() if re.search(rf"\b{word}\b", output, re.IGNORECASE)}
        to_keep = [_to_keep(given, small) for given, small in read]
        lost = [words for found in to_keep for value, words in found if value not in kept and not _copied_two(words, output)]
        if lost and dictionary is not None:
            written = {PLURAL.sub("", word) for word in LETTERS.findall(_plain(output))}
            lost = [words for words in lost if not _said_as_another_word(words, written, output_language, sources, dictionary)]
        result["missing"] = list(dict.fromkeys(lost))
    return result


def _said_as_another_word(
    words: str, written: set[str], language: str, sources: list[tuple[str, str]], dictionary: Dictionary
) -> bool:
    """Whether a source's number word is another word spelt alike that the output translates
    (`written`: its plain words, singular): Italian "venti" (twenty; winds) as "winds", French
    "neuf" (nine; new) as "new"."""
    if not (words.isalpha() and words.islower()):
        return False
    for source_language in {source_language for _, source_language in sources if source_language != language}:
        for lemma in dictionary([words], source_language, language).get(words, ()):
            if not numbers(lemma, language, small=True) and PLURAL.sub("", _plain(lemma)) in written:
                return True
    return False


def _converted(output: str, held: set[Decimal]) -> dict[Decimal, Decimal]:
    """The numbers of an English output in miles, feet, pounds, Fahrenheit and the like that are a
    source's number in kilometres, metres, kilograms, Celsius (`held`), rounded to a unit or
    within 0.75% (a number changed by one in its second digit is 1% off or more): each as the
    source's ("645 miles" for "1040 km", "3,000 miles" for "4800 km", "90 F" for "32 °C")."""
    found: dict[Decimal, Decimal] = {}
    for match in _TOKEN.finditer(output):
        value = _value(match.group(), "en")
        if value is None:
            continue
        for unit, factor, offset in _CONVERSIONS:
            if re.match(_UNIT_GAP + unit, output[match.end() :], re.IGNORECASE):
                metric = (value + offset) * factor
                tolerance = max(factor / 2, metric * _CONVERSION_ROUNDING)
                for source_value in held:
                    if abs(source_value - metric) <= tolerance:
                        found[value] = source_value
                break
    return found


def _counted_by_groups(text: str, language: str) -> set[Decimal]:
    """The hundreds and thousands `text` counts by a noun ("un millier", "migliaia")."""
    nouns = _GROUP_NOUNS.get(language)
    return {Decimal(nouns[word]) for word in LETTERS.findall(_plain(text)) if word in nouns} if nouns else set()


def numbers_to_keep(source: str, language: str, translated: bool = True) -> list[tuple[Decimal, str]]:
    """The numbers of a source its translation must keep: its numbers, its Roman numerals
    (`translated`: "siglo XVIII" is "18th century"), and its two in words ("dos pasajeros"),
    ordinals aside."""
    return _to_keep(*_source_numbers(source, language, translated, True))


def _source_numbers(source: str, language: str, translated: bool, both_ways: bool) -> tuple[list, list]:
    """A source's numbers (with its Roman numerals where `translated`), and, where they are
    needed, all it says read with the small words and ordinals (`numbers(small=True)`): what
    supports a translation's digits, and where a two in words is found."""
    given = numbers(source, language) + (_roman(source) if translated else [])
    if not (translated or both_ways):
        return given, []
    return given, numbers(source, language, small=True) + (_compound_numbers(source) if language in _COMPOUNDING else [])


def _compound_numbers(source: str) -> list[tuple[Decimal, str]]:
    """The numbers a German source writes inside a word ("zehnmal", "achtjährige"): what supports
    a translation's "ten times", "eight-year"."""
    from text_to_num import alpha2digit

    found = []
    for match in _COMPOUND_NUMBER.finditer(_plain(source)):
        read = alpha2digit(match.group(1), "de", threshold=0)
        if read.isdigit():
            found.append((Decimal(read), match.group()))
    return found


def _to_keep(given: list, small: list) -> list[tuple[Decimal, str]]:
    return given + [(value, words) for value, words in small if _plain(words) in _TWO]


def _copied_two(words: str, output: str) -> bool:
    """A two the output copies as the source writes it ("Dos Hermanas", a town): kept."""
    return _plain(words) in _TWO and re.search(rf"\b{re.escape(words)}\b", output, re.IGNORECASE) is not None


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


def calendar_words(text: str, language: str) -> list[tuple[str, tuple[str, int]]]:
    """The weekdays and months an output names, and which."""
    words = _CALENDAR_WORDS.get(language, {})
    found = []
    for match in _WORD.finditer(text):
        word = _ELISION.sub("", _CLITIC.sub("", match.group()))
        entry = words.get(_plain(word))
        if entry and not (language in _CAPITALISED_CALENDAR and not word[0].isupper()):
            found.append((word, entry))
    return found


def _unsupported_dates(output: str, language: str, plain_sources: list[tuple[str, str]]) -> list[str]:
    """Weekdays and months of the output that name a day or month no source names."""
    said = calendar_words(output, language)
    if not said:
        return []
    held = set()
    for text, source_language in plain_sources:
        words = _CALENDAR_WORDS.get(source_language, {})
        written = {_ELISION.sub("", _CLITIC.sub("", w)) for w in _WORD.findall(text)}
        written |= compound_parts(written) if source_language in _COMPOUNDING else set()
        held |= {words[w] for w in written if w in words}
    return [word for word, entry in said if entry not in held]


#: Languages that write compounds as one word: a source word's parts count as its words.
_COMPOUNDING = {"de"}
#: The fewest letters of a compound's part.
PART_LETTERS = 3
#: A number word at the start of a German compound: zehnmal, achtjährige, zweistündigen.
_COMPOUND_NUMBER = re.compile(
    r"\b([a-zß]{3,}?)(?:mal|fach|jahrig|stundig|tagig|wochig|monatig|radrig|kopfig|teilig|stockig|seitig|sprachig)\w*"
)
#: What comes before a sentence's first word (looked for this far back).
_SENTENCE_START = re.compile(r"(?:[.!?…:;]\s+|[\n\"“«(—–-]\s*)$")
_LOOK_BACK = 8
# A near spelling: this similarity with the same first letter (Government, Gobierno 0.56), or
# this one with any.
_NEAR_SAME_START = 0.55
_NEAR = 0.7
LETTERS = re.compile(r"[^\W\d_]+")
_HAS_DIGIT = re.compile(r"\d")
#: A name and a gloss's word with these first letters in common are taken as one stem (South,
#: Southern; America, American).
STEM_LETTERS = 5
PLURAL = re.compile(r"(?<=\w{3})e?s$")
#: The most letters of an acronym read in another order (OTAN, NATO).
ACRONYM_LETTERS = 6
#: A clitic after a name's apostrophe (U's, I'm, Marsh-Brown's): not part of the name.
_CLITIC = re.compile(r"['’](?:s|m|d|ll|re|ve|t)$")
#: An article or preposition elided before a word (d'octobre, l'aprile, dell'agosto).
_ELISION = re.compile(r"^[a-zà-ÿ]{1,4}['’](?=[^\W\d_])")
# Spanish, French and Portuguese put an e before s + consonant (estados, état): compared without.
_PROTHETIC_E = re.compile(r"e(?=s[^aeiou])")


def compound_parts(words: set[str]) -> set[str]:
    """The starts and ends of long words that may be compounds (Premierminister: premier,
    minister; Mittwochnachmittag: mittwoch), of at least PART_LETTERS letters each."""
    return {
        part
        for word in words
        if len(word) >= 2 * PART_LETTERS
        for cut in range(PART_LETTERS, len(word) - PART_LETTERS + 1)
        for part in (word[:cut], word[cut:])
    }


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
    output: str, language: str, plain_sources: list[tuple[str, str]], glossed: set[str], dictionary: Dictionary | None = None
) -> list[str]:
    """Capitalised words inside the output's sentences that no source supports: one in the
    output's language by writing it (a plural aside), one in another language by writing it,
    nearly writing it (Sevilla, Seville), or naming the same thing in its own words (CLDR's names:
    Alemania, Germany), a gloss (`glossed`, its plain words) by writing it or a word of the same
    stem (South, Southern); weekdays and months are the dates' check. A word written with digits
    or hyphens (A361, Labastide-Wellington) is matched as the source writes it, or part by part."""
    said = capitalised(output)
    if not said:
        return []
    same: set[str] = set()
    other: dict[str, set[str]] = {}
    # A compound's parts are matched exactly, and by what the dictionary says they mean, never
    # nearly: so many parts would nearly spell a name swapped in.
    parts: dict[str, set[str]] = {}
    for text, source_language in plain_sources:
        in_order = names.words(text)
        written = set(in_order) | set(LETTERS.findall(text)) | set(_WORD.findall(text))
        if source_language == language:
            same |= written
        else:
            other.setdefault(source_language, set()).update(written)
            same |= names.equivalents(in_order, source_language, language, text)
            if source_language in _COMPOUNDING:
                parts.setdefault(source_language, set()).update(compound_parts(written))
                same |= parts[source_language]
    stems = {word[:STEM_LETTERS] for word in glossed if len(word) >= STEM_LETTERS}
    everywhere = set().union(*other.values())
    # An acronym a translation writes in its own language's order (OTAN: NATO, COI: IOC, ADN: DNA).
    anagrams = {"".join(sorted(w)) for w in everywhere if len(w) <= ACRONYM_LETTERS}
    flagged = [
        word
        for word in said
        if not _supported_name(word, same | glossed, everywhere, stems)
        and not (word.isupper() and len(word) <= ACRONYM_LETTERS and "".join(sorted(_plain(word))) in anagrams)
    ]
    if not flagged or dictionary is None:
        return flagged
    meant = {source_language: written | parts.get(source_language, set()) for source_language, written in other.items()}
    return [word for word in flagged if word not in _said_in_other_words(flagged, language, meant, dictionary)]


def _said_by_the_source(
    flagged: list[str], output: str, language: str, sources: list[tuple[str, str]], glossed: set[str], dictionary: Dictionary
) -> list[str]:
    """`flagged` less the words a translation the dictionary lists for a capitalised word of a
    source in another language writes ("Rathaus": townhall, town), and less the common words
    that stand in a name beside a supported proper name where the output keeps every name of its
    sources: the name is the source's, and its common words are how the translation names it
    ("Stanford University School of Medicine", "Maswa Game Reserve"). A name swapped for a common
    word loses the source's name ("Nicklas Planned" for "Nicklas Backstrom"), and stays flagged."""
    other = [(text, source_language) for text, source_language in sources if source_language != language]
    meant, names_kept = set(), True
    for text, source_language in other:
        translations = dictionary(list(dict.fromkeys(capitalised(text))), source_language, language)
        meant |= {word for lemmas in translations.values() for lemma in lemmas for word in LETTERS.findall(_plain(lemma))}
        names_kept &= _keeps_names(output, language, text, source_language, translations, glossed, dictionary)
    flagged = [word for word in flagged if _plain(word) not in meant and PLURAL.sub("", _plain(word)) not in meant]
    if not (flagged and names_kept):
        return flagged
    known = _known(flagged, language, other, dictionary)
    common = {word for word in flagged if known[word] and not names.is_named(word, language)}
    proper = set(capitalised(output)) - set(flagged) - common
    runs = _name_runs(output)
    return [word for word in flagged if not (word in common and any(word in run and proper & set(run) - {word} for run in runs))]


def _keeps_names(
    output: str, language: str, source: str, source_language: str, translations: dict, glossed: set[str], dictionary: Dictionary
) -> bool:
    """Whether the output writes (or nearly writes) every capitalised word of `source` that may be
    a name: one the dictionary does not translate (`translations`), a gloss copies as it stands,
    CLDR names, or `language` writes alike ("Grand Prix", "The Guardian")."""
    lost = _unsupported_names(source, source_language, [(_plain(output), language)], set())
    if not lost:
        return True
    alike = _known(lost, language, [("", source_language)], dictionary)
    return not any(
        not translations.get(word) or alike[word] or _plain(word) in glossed or names.is_named(word, source_language)
        for word in lost
    )


def _known(words: list[str], language: str, others: list[tuple[str, str]], dictionary: Dictionary) -> dict[str, set[str]]:
    """What the dictionary gives for `words` in each language of `others`."""
    found: dict[str, set[str]] = {word: set() for word in words}
    for other in {other_language for _, other_language in others}:
        for word, lemmas in dictionary(words, language, other).items():
            found[word] |= lemmas
    return found


def _not_initialled_by_the_source(flagged: list[str], output: str, sources: list[tuple[str, str]]) -> list[str]:
    """`flagged` less the words of a name of the output whose initials a source writes as an
    abbreviation of its own ("United States" for "US-Botschaft", "United Nations" for "UN")."""
    written = {part for text, _ in sources for part in _INITIALISM.findall(text)}
    if not written:
        return flagged
    initialled = set()
    for run in _name_runs(output):
        for start in range(len(run)):
            for end in range(start + 2, min(len(run), start + INITIALS_MOST) + 1):
                if "".join(word[0] for word in run[start:end]).upper() in written:
                    initialled |= set(run[start:end])
    return [word for word in flagged if word not in initialled]


#: An abbreviation of a name's initials: two to INITIALS_MOST capitals as a word or a compound's part.
INITIALS_MOST = 5
_INITIALISM = re.compile(rf"(?<![^\W\d_])[A-Z]{{2,{INITIALS_MOST}}}(?![^\W\d_])")
#: What joins the words of one name: a space or a linking word ("Ministry of Foreign Affairs",
#: "Fire of Anatolia"); a possessive's apostrophe is its word's ("Drivers' Championship").
_NAME_JOIN = re.compile(r"\s+(?:(?:of|the|and|for|on|de|del|du|des|la|le|di|da|do|von|der)\s+)*")


def _name_runs(output: str) -> list[list[str]]:
    """The names of several capitalised words of `output`, each as its capitalised words."""
    run: list[str] = []
    runs = [run]
    end = 0
    for match in _WORD.finditer(output):
        if not match.group()[0].isupper():
            continue
        if not (run and _NAME_JOIN.fullmatch(output, end, match.start())):
            run = []
            runs.append(run)
        run.append(_CLITIC.sub("", match.group().rstrip("'’-")))
        end = match.end()
    return [run for run in runs if len(run) > 1]


def _said_in_other_words(words: list[str], language: str, other: dict[str, set[str]], dictionary: Dictionary) -> set[str]:
    """The capitalised common words of an output ("War", "Navy", "School") that a source in another
    language says: a translation the dictionary lists for one is a source's word, or the stem of
    one ("guerra", "Segunda Guerra Mundial"; "estado", "Estados")."""
    said = set()
    for source_language, written in other.items():
        for word, lemmas in dictionary(words, language, source_language).items():
            for lemma in map(_plain, lemmas):
                stem = lemma[: max(len(lemma) - 2, STEM_LETTERS - 1)] if len(lemma) >= STEM_LETTERS else lemma
                if any(w.startswith(stem) for w in written):
                    said.add(word)
    return said


def _supported_name(written_as: str, same: set[str], other: set[str], stems: set[str]) -> bool:
    """A name written in `same` (plain words of its own language), or written or nearly written
    in `other` (words of another), or sharing its first letters with one of `stems`; joined by
    hyphens, part by part."""
    word = _plain(written_as)
    if _written(word, same, other, stems):
        return True
    # A name with digits, in the plural ("Il-76s" for "los Il-76"), is its singular.
    if _HAS_DIGIT.search(word) and word.endswith("s") and word[:-1] in same | other:
        return True
    # Of a hyphenated name, its capitalised parts are the name's ("French-speaking": French).
    parts = [_plain(part) for part in written_as.split("-") if len(part) >= 3 and part[0].isupper()]
    return "-" in written_as and bool(parts) and all(_written(part, same, other, stems) for part in parts)


def _written(word: str, same: set[str], other: set[str], stems: set[str]) -> bool:
    if word in same or word in other or PLURAL.sub("", word) in same or word[:STEM_LETTERS] in stems:
        return True
    return bool(other) and not _HAS_DIGIT.search(word) and _near_any(word, other)


def _near_any(word: str, others: set[str]) -> bool:
    """`word` among `others`, or nearly spelled by one of similar length."""
    if word in others or any(spelling in others for spelling in _spellings(word)):
        return True
    return any(abs(len(word) - len(other)) <= max(len(word), len(other)) // 2 and _near(word, other) for other in others)


def capitalised(text: str) -> list[str]:
    """The capitalised words inside the sentences of `text` (not their first), weekdays and
    months aside."""
    found = []
    for match in _WORD.finditer(text):
        word = _ELISION.sub("", _CLITIC.sub("", match.group().rstrip("'’-")))
        if word[0].isupper() and len(word) >= 3 and _plain(word) not in _ANY_CALENDAR_WORD:
            before = text[max(0, match.start() - _LOOK_BACK) : match.start()]
            if not (_SENTENCE_START.search(before) or (match.start() < _LOOK_BACK and not before.strip())):
                found.append(word)
    return found


_QUOTE = re.compile(r"[\"“«]([^\"”»]{3,})[\"”»]")
_QUOTE_WORDS = 3
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")


def _unsupported_quotes(output: str, language: str, plain_sources: list[tuple[str, str]]) -> list[str]:
    """Quoted passages of the output not found word for word in a source of its language, sentence
    by sentence (between two straight quotes of consecutive sentences may lie a quote's end, the
    words between, and the next one's start)."""
    if not _QUOTE.search(output):
        return []
    same = [" ".join(_WORD.findall(text)) for text, source_language in plain_sources if source_language == language]
    if not same:
        return []
    unsupported = []
    for match in _QUOTE.finditer(output):
        for piece in _SENTENCE_END.split(match.group(1)):
            words = [_plain(w) for w in _WORD.findall(piece)]
            if len(words) >= _QUOTE_WORDS and not any(f" {' '.join(words)} " in f" {text} " for text in same):
                unsupported.append(match.group(1).strip())
                break
    return unsupported


def to_hold(source: str, language: str, output: str, output_language: str, glosses: tuple = ()) -> list[tuple[str, str]]:
    """What a translation of `source` must write that `output` lost, as (the source's words, how
    `output_language` writes them): its numbers (in the target's digits, or its long scale words
    where they say the value exactly: "cuarenta millones" -> "40 million"), its weekdays and
    months, and its names that a gloss of it writes unchanged (a name, not a word to translate)."""
    kept = {value for value, _ in numbers(output, output_language)}
    held = [
        (words, words if words.isdigit() else _written_number(value, output_language))  # 0230 stays 0230
        for value, words in numbers(source, language)
        if value not in kept
    ]
    said = {entry for _, entry in calendar_words(output, output_language)}
    table = _CALENDAR.get(output_language)
    for word, (kind, index) in calendar_words(source, language):
        if (kind, index) not in said and table:
            written = table[kind == "month"].split()[index]
            held.append((word, written.capitalize() if output_language in _CAPITALISED_CALENDAR else written))
    glossed = {word for text in glosses for word in names.words(text)}
    plain_output = [(_plain(output), output_language)]
    for word in _unsupported_names(source, language, plain_output, set()) if glossed else ():
        if _plain(word) in glossed:
            held.append((word, word))
    return list(dict.fromkeys(pair for pair in held if pair[0] in source))


def _written_number(value: Decimal, language: str) -> str:
    """`value` as `language` writes it: with its long scale word where that says it exactly."""
    from babel.numbers import format_compact_decimal, format_decimal

    compact = format_compact_decimal(value, format_type="long", locale=language, fraction_digits=3)
    if abs(value) >= 10**6 and [v for v, _ in numbers(compact, language)] == [value]:
        return compact
    return format_decimal(value, locale=language, group_separator=abs(value) >= 10**4)


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
