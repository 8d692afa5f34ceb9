"""Quotes in news text and who said them, by rules per language: the quoted span between a pair
of quotation marks, and its speaker where the article names one beside it ("said Naeem Wardak",
"the mayor said", "según el alcalde", "a déclaré le ministre", "sagte er"); a pronoun speaker is
the last one named before it. A quote with none is unattributed."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Opening mark -> its closing marks.
_PAIRS = {"“": "”", '"': '"', "«": "»", "„": "“”", "»": "«", "‹": "›"}
_QUOTE = re.compile(
    "|".join(f"{re.escape(o)}([^{re.escape(c)}{re.escape(o)}]{{3,}}?)[{re.escape(c)}]" for o, c in _PAIRS.items())
)
#: Verbs of saying, per language (the forms a news report uses), and the words that introduce
#: a source ("according to").
VERBS = {
    "en": r"said|says|told|added|explained|stated|asked|warned|insisted|noted|wrote|replied|announced|argued|claimed|declared",
    "es": r"dijo|dice|afirmó|afirma|aseguró|asegura|explicó|explica|señaló|señala|añadió|añade|declaró|declara|indicó|"
    r"indica|advirtió|agregó|sostuvo|comentó|manifestó|subrayó|insistió|apuntó|precisó",
    "fr": r"a déclaré|a dit|a affirmé|a expliqué|a ajouté|a souligné|a indiqué|a assuré|a estimé|a précisé|a averti|"
    r"déclare|dit|affirme|explique|ajoute|souligne|indique|assure|estime|précise|a-t-il déclaré|a-t-elle déclaré",
    "de": r"sagte|sagt|erklärte|erklärt|betonte|betont|meinte|meint|warnte|warnt|berichtete|sagten|erklärten|so",
    "it": r"ha detto|ha dichiarato|ha spiegato|ha aggiunto|ha affermato|ha sottolineato|ha osservato|ha avvertito|dice|"
    r"afferma|spiega|aggiunge|sottolinea|dichiara",
    "pt": r"disse|diz|afirmou|afirma|declarou|declara|explicou|explica|acrescentou|acrescenta|sublinhou|referiu|"
    r"garantiu|garante|salientou|adiantou",
}
ACCORDING = {
    "en": r"according to",
    "es": r"según",
    "fr": r"selon|d'après",
    "de": r"laut",
    "it": r"secondo|stando a",
    "pt": r"segundo|de acordo com",
}
PRONOUNS = {
    "en": {"he", "she", "they"},
    "es": {"él", "ella", "ellos", "ellas"},
    "fr": {"il", "elle", "ils", "elles"},
    "de": {"er", "sie"},
    "it": {"lui", "lei", "egli", "essi"},
    "pt": {"ele", "ela", "eles", "elas"},
}
#: The most words a speaker is named in ("the president of the neighbourhood association").
MOST_WORDS = 9
#: Where a sentence ends, around a quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Þ¿¡\"“«„])")
#: What a speaker said only by a verb, or by a pronoun, stands for: the last speaker named.
PRONOUN = "\u2026"
_SPEAKER_END = re.compile(r"[,.;:!?()\[\]\"“”«»„]|\s(?:who|that|which|que|qui|der|die|das|che|when|cuando|quand|als)\s")


@dataclass(frozen=True)
class Quote:
    text: str
    #: The speaker as the article names them (a pronoun resolved to the last speaker named), or None.
    speaker: str | None
    #: Where the quote starts and ends in its paragraph.
    start: int
    end: int


def find_quotes(paragraphs: list[str], language: str) -> list[tuple[int, Quote]]:
    """Each quote of the paragraphs with its paragraph's index, in order. A quote left open at
    its paragraph's end runs to it (the newswire's way with a quote of several paragraphs), and
    one that opens a paragraph with no speaker beside it goes on the previous paragraph's quote."""
    found: list[tuple[int, Quote]] = []
    last_speaker: str | None = None
    quoted_before = False
    for index, paragraph in enumerate(paragraphs):
        quoted_here = False
        for start, end, text in _spans(paragraph):
            if len(text.split()) < 2:  # a quoted word or title ("so-called"), not a quote
                continue
            speaker = _speaker(paragraph[:start], paragraph[end:], language)
            if speaker == PRONOUN or (speaker is not None and speaker.lower() in PRONOUNS.get(language, ())):
                speaker = last_speaker
            elif speaker is None and quoted_before and not paragraph[:start].strip():
                speaker = last_speaker
            last_speaker = speaker or last_speaker
            quoted_here = True
            found.append((index, Quote(text, speaker, start, end)))
        quoted_before = quoted_here
    return found


def _spans(paragraph: str) -> list[tuple[int, int, str]]:
    """The quoted spans of a paragraph: (start, end, text), a last one left open to its end."""
    spans, at = [], 0
    for match in _QUOTE.finditer(paragraph):
        text = next(group for group in match.groups() if group is not None).strip()
        spans.append((match.start(), match.end(), text))
        at = match.end()
    rest = paragraph[at:]
    opening = min((rest.find(mark) for mark in _PAIRS if mark in rest), default=-1)
    if opening >= 0 and len(rest) - opening > 3:
        spans.append((at + opening, len(paragraph), rest[opening + 1 :].strip()))
    return spans


def _speaker(before: str, after: str, language: str) -> str | None:
    """The speaker named right after the quote ("…," said X / "…," X said / «…», dijo. for the
    last one), else right before it (X said: "…"), else by "according to X" in its sentence;
    a pronoun stands for the last speaker (`find_quotes`)."""
    verbs, according = VERBS.get(language), ACCORDING.get(language)
    if verbs is None:
        return None
    tail = _SENTENCE_END.split(after[:240], 1)[0] + " "
    head = _SENTENCE_END.split(before[-240:])[-1]
    inverted = re.match(rf"\s*[,.]?\s*(?:{verbs})(?:-t-|\s+|\b)(?P<who>.*)", tail, re.IGNORECASE)
    if inverted:
        return _phrase(inverted.group("who")) or PRONOUN
    asked = re.match(r"\s*[,.]?\s*\w+(?:\s+\w+)?-t-(?:il|elle|ils|elles)\b", tail) if language == "fr" else None
    if asked:
        return PRONOUN
    leading = re.match(rf"\s*[,.]?\s*(?P<who>[^,.;:!?]{{1,120}}?)\s+(?:{verbs})\b", tail, re.IGNORECASE)
    if leading and len(leading.group("who").split()) <= MOST_WORDS:
        return _phrase(leading.group("who"))
    introduced = re.search(rf"(?P<who>[^,.;:!?\"“”«»„]{{1,120}}?)\s+(?:{verbs})\s*[:,]?\s*$", head, re.IGNORECASE)
    if introduced:
        return _phrase(introduced.group("who"), from_end=True)
    if according:
        source = re.search(rf"\b(?:{according})\s+(?P<who>[^,.;:!?]+)", head + " " + tail, re.IGNORECASE)
        if source:
            return _phrase(source.group("who"))
    return None


def _phrase(text: str, from_end: bool = False) -> str | None:
    """The speaker's words: up to a clause's end, at most MOST_WORDS (the last ones, for a speaker
    named before the verb)."""
    if from_end:
        words = text.split()[-MOST_WORDS:]
    else:
        cut = _SPEAKER_END.search(text)
        words = (text[: cut.start()] if cut else text).split()[:MOST_WORDS]
    phrase = " ".join(words).strip(" '\u2019-")
    return phrase or None
