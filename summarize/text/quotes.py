"""Quotes in news text and who said them, by rules per language: the quoted span between a pair
of quotation marks, and its speaker where the article names one beside it ("said Naeem Wardak",
"the mayor said", "según el alcalde", "a déclaré le ministre", "sagte er"). Outside English a
speaker is found by where it stands, whatever the verb ("«…», se lamentaba Núria Pons"; the
subject of the quote's sentence); a pronoun speaker is the subject of the sentence before, else
the last one named. A quote with none is unattributed."""

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
    "en": r"said|says|say|told|tells|added|adding|explained|stated|asked|warned|insisted|noted|wrote|writes|replied|"
    r"announced|argued|claimed|declared|admitted|recalled|read|reads|continued|concluded|urged|saying",
    "es": r"dijo|dice|afirmó|afirma|aseguró|asegura|explicó|explica|señaló|señala|añadió|añade|declaró|declara|indicó|"
    r"indica|advirtió|agregó|sostuvo|comentó|manifestó|subrayó|insistió|apuntó|precisó|reconoció|lamentó|replicó|"
    r"respondió|criticó|denunció|recordó|admitió|concluyó|escribió|cuenta|relata|contaba|contó|relató|lamenta|"
    r"denuncia|advierte|insiste|critica|responde|zanjó|sentenció|defendió|destacó|opinó|apostilló|reconoce",
    "fr": r"a déclaré|a dit|a affirmé|a expliqué|a ajouté|a souligné|a indiqué|a assuré|a estimé|a précisé|a averti|"
    r"a reconnu|a réagi|a répondu|a dénoncé|a lancé|a confié|a résumé|a rappelé|a écrit|a insisté|déclare|dit|affirme|"
    r"explique|ajoute|souligne|indique|assure|estime|précise|confie|raconte|s'inquiète|répond|reconnaît|résume|"
    r"dénonce|témoigne|insiste|s'est félicité|s'est félicitée|lâche|s'alarme|s'indigne|lance|regrette|"
    r"a regretté|martèle|a martelé|a prévenu|prévient|s'inquiète|note|observe|a observé|poursuit",
    "de": r"sagte|sagt|sagten|erklärte|erklärt|erklärten|betonte|betont|meinte|meint|warnte|warnt|berichtete|"
    r"berichtet|schrieb|schreibt|kritisierte|kritisiert|räumte ein|fügte hinzu|ergänzte|forderte|fordert|"
    r"mahnte|klagte|klagt|lobte|sprach von|so",
    "it": r"ha detto|ha dichiarato|ha spiegato|ha aggiunto|ha affermato|ha sottolineato|ha osservato|ha avvertito|"
    r"ha replicato|ha risposto|ha ammesso|ha ricordato|ha scritto|ha commentato|ha denunciato|dice|afferma|spiega|"
    r"aggiunge|sottolinea|dichiara|racconta|replica|commenta|osserva|titolava|scrive|ha raccontato|denuncia|"
    r"lamenta|ammette|avverte|ha annunciato|annuncia|sostiene|ha sostenuto|assicura|ha assicurato",
    "pt": r"disse|diz|afirmou|afirma|declarou|declara|explicou|explica|acrescentou|acrescenta|sublinhou|referiu|"
    r"garantiu|garante|salientou|adiantou|reagiu|respondeu|reconheceu|lamentou|admitiu|escreveu|conta|recordou|"
    r"criticou|denunciou|lamenta|contou|avisou|alertou|anunciou|defendeu|frisou|insistiu|reconhece|admite",
}
ACCORDING = {
    "en": r"according to",
    "es": r"según",
    "fr": r"selon|d'après",
    "de": r"laut",
    "it": r"secondo|stando a",
    "pt": r"segundo|de acordo com",
}
#: "For X, «…»": whose view a quote gives, at the start of its sentence.
VIEWPOINT = {"fr": r"pour", "es": r"para", "it": r"per", "pt": r"para"}
#: Words that open a relative clause: never a speaker.
RELATIVES = {"who", "which", "that", "que", "qui", "der", "die", "das", "welcher", "che", "cui", "quem"}
_RELATIVE_CLAUSE = re.compile(r",\s*(?:" + "|".join(sorted(RELATIVES)) + r")\b[^,]*,", re.IGNORECASE)
#: Verbs of saying that are also common words elsewhere: read only right after a quote.
_AMBIGUOUS = {"so", "read", "reads", "dit", "cuenta", "conta", "say"}
#: Possessives that open a speaker's phrase ("Her statement said:"): whose it is, as a pronoun.
POSSESSIVES = {
    "en": {"her", "his", "their"},
    "es": {"su", "sus"},
    "fr": {"sa", "son", "ses", "leur"},
    "de": {"ihr", "ihre", "sein", "seine"},
    "it": {"suo", "sua"},
    "pt": {"seu", "sua"},
}
PRONOUNS = {
    "en": {"he", "she", "they", "it"},
    "es": {"él", "ella", "ellos", "ellas"},
    "fr": {"il", "elle", "ils", "elles"},
    "de": {"er", "sie"},
    "it": {"lui", "lei", "egli", "essi"},
    "pt": {"ele", "ela", "eles", "elas"},
}
#: Characters either side of a quote read for its speaker: its sentence and the one before.
LOOK_AROUND = 600
#: The most words a speaker is named in ("the president of the neighbourhood association").
MOST_WORDS = 9
#: Where a sentence ends, around a quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Þ¿¡\"“«„])")
#: Articles: a phrase they open names someone ("the mayor", "el alcalde", "der Sprecher").
DETERMINERS = {
    "the", "a", "an", "one", "el", "la", "los", "las", "un", "una", "le", "les", "l", "une", "der", "die", "das",
    "ein", "eine", "il", "lo", "i", "gli", "uno", "o", "os", "as", "um", "uma",
}  # fmt: skip
#: The words that join a noun to what it is of ("the head of the fire brigade").
_OF = {
    "of", "de", "del", "des", "du", "della", "dello", "dei", "degli", "delle", "di", "do", "da", "dos", "das", "von",
    "vom", "der",
}  # fmt: skip
#: Prepositions: a name or article's phrase they govern is no verb's subject ("afirmó ante sus
#: simpatizantes en Málaga"); one that opens a sentence opens an adverbial phrase ("Sur le quai, ...").
PREPOSITIONS = {
    "to", "in", "at", "on", "before", "after", "during", "for", "from", "according", "ante", "en", "durante", "tras",
    "con", "sobre", "desde", "por", "para", "entre", "à", "a", "au", "aux", "devant", "dans", "lors", "sur", "pour",
    "par", "vor", "im", "am", "bei", "nach", "auf", "zwischen", "davanti", "nel", "nella", "alla", "al", "per", "fra",
    "tra", "perante", "diante", "ao", "aos", "na", "no", "em",
}  # fmt: skip
#: Conjunctions: a clause after a quote they open is not its attribution.
CONJUNCTIONS = {"and", "but", "or", "nor", "y", "e", "o", "ni", "pero", "et", "mais", "ou", "und", "aber", "oder", "ma", "mas"}
#: Forms of "to be": a clause after a quote they open says what it is, not who said it.
COPULAS = {
    "is", "was", "are", "were", "es", "era", "fue", "son", "est", "était", "sont", "ist", "war", "sind", "è", "sono",
    "é", "foi", "são",
}  # fmt: skip
#: Reflexive pronouns before a verb ("se lamentaba", "s'insurge", "si dice").
REFLEXIVES = {"se", "s'", "s’", "si", "sich"}
#: Auxiliaries that open a compound verb of saying ("a fait savoir", "ha esultato").
AUXILIARIES = {"es": {"ha", "había", "han"}, "fr": {"a", "avait", "ont"}, "it": {"ha", "aveva", "hanno"}, "pt": {"tem", "tinha"}}
#: Adverbs that may open a sentence before its subject ("Auch Sportvorstand Max Eberl war ...").
_ADVERBS = {
    "auch", "zudem", "también", "además", "anche", "inoltre", "aussi", "também", "also", "meanwhile", "ahora",
    "maintenant", "jetzt", "ora", "agora", "now", "then",
}  # fmt: skip
#: Words that open a clause but name no one: articles, numbers and prepositions, capitalised
#: at a sentence's start.
_NOT_NAMES = {
    "a", "an", "the", "one", "in", "on", "at", "for", "with", "after", "before", "during", "el", "la", "los", "las",
    "un", "una", "en", "con", "para", "tras", "durante", "desde", "le", "les", "l", "une", "dans", "à", "avec",
    "pour", "après", "der", "die", "das", "ein", "eine", "im", "am", "mit", "nach", "bei", "für", "il", "lo", "gli",
    "uno", "nel", "nella", "per", "dopo", "o", "os", "as", "um", "uma", "em", "no", "na", "com", "após",
    "i", "we", "it", "it's", "this", "that", "there", "but", "and", "so", "if", "when", "next", "nous", "wir",
    "discussing", "speaking", "asked", "mais", "et", "pero", "y", "aber", "und", "ma", "e", "mas",
}  # fmt: skip
_NAME_RUN = re.compile(r"(?:[A-ZÀ-Þ][\w'’-]*)(?:\s+(?:(?:van|von|der|den|de|del|da|dos|di|le|la)\s+)*[A-ZÀ-Þ][\w'’-]*)*")
#: What a speaker said only by a verb, or by a pronoun, stands for: the last speaker named.
PRONOUN = "\u2026"
_SPEAKER_END = re.compile(r"[,.;:!?()\[\]\"“”«»„]|\s(?:who|that|which|que|qui|che|when|cuando|quand|als)\s")


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
    its paragraph's end runs to it (the newswire's way with a quote of several paragraphs); one
    with no speaker beside it goes on the quote before it in its paragraph, or on the previous
    paragraph's when it opens its own; a pronoun, on the last one who spoke, quoted or reported
    ("X said the talks had failed")."""
    found: list[tuple[int, Quote]] = []
    last_speaker: str | None = None
    quoted_before, masked_before = False, ""
    for index, paragraph in enumerate(paragraphs):
        quoted_here, at = False, 0
        spans = _spans(paragraph)
        masked = _masked(paragraph, spans)
        for start, end, text in spans:
            last_speaker = _reported(masked[at:start], language) or last_speaker
            at = end
            if len(text.split()) < 2:  # a quoted word or title ("so-called"), not a quote
                continue
            before = masked[max(0, start - LOOK_AROUND) : start]
            speaker = _speaker(before, masked[end : end + LOOK_AROUND], language)
            opens = start <= len(paragraph) - len(paragraph.lstrip())
            if speaker == PRONOUN and not quoted_here:
                earlier = None if quoted_before or not index else _previous_subject(masked_before + " ", language)
                speaker = _previous_subject(before, language) or earlier or last_speaker
            elif speaker == PRONOUN or (speaker is None and (quoted_here or (quoted_before and opens))):
                speaker = last_speaker
            elif speaker is None and not opens and _said(before, language):  # She told her friend ... "I said ..."
                speaker = last_speaker
            elif speaker is None and opens and index:
                speaker = _about(masked_before, language) or last_speaker
            last_speaker = speaker or last_speaker
            quoted_here = True
            found.append((index, Quote(text, speaker, start, end)))
        last_speaker = _reported(masked[at:], language) or last_speaker
        quoted_before, masked_before = quoted_here, masked
    return found


def _said(before: str, language: str) -> bool:
    """Whether the sentence right before a quote, in its paragraph, reports speech ("She told her
    friend she wanted to move.")."""
    sentences = [s for s in _SENTENCE_END.split(before) if s.strip()]
    if not sentences or not re.search(r"[.!?]\s*$", before):
        return False
    said = _last_verb(sentences[-1], VERBS[language]) if language in VERBS else None
    return said is not None and said.group() not in _AMBIGUOUS


def _previous_subject(before: str, language: str) -> str | None:
    """The subject of the sentence before the quote's in `before` (a name or an article's phrase:
    "Le préfet de l'Hérault a interdit ... « … », a-t-il précisé"; "Bürgermeister Frank Hix zeigte
    sich fassungslos. „…“, warnte er"): whom the quote's pronoun stands for."""
    sentences = [s for s in _SENTENCE_END.split(before) if s.strip()]
    ended = bool(re.search(r"[.!?]\s*$", before))
    previous = sentences[-1] if ended and sentences else (sentences[-2] if len(sentences) > 1 else "")
    subject = _sentence_subject(previous, language) if previous.strip() else None
    return None if subject == PRONOUN else subject


def _reported(text: str, language: str) -> str | None:
    """Who a stretch of text outside quotes says spoke last ("Stephen Williams, who chairs the
    committee, said the positives outweighed the negatives"): a named subject of a verb of saying."""
    verbs = VERBS.get(language)
    if verbs is None:
        return None
    said = _last_verb(text, verbs)
    sources = list(re.finditer(rf"\b(?:{ACCORDING[language]})\s+(?P<who>[^,.;:!?]+)", text, re.IGNORECASE))
    if sources and (said is None or sources[-1].start() > said.start()):  # "According to Joshua, it was ..."
        return _phrase(sources[-1].group("who"), language)
    if said is None or said.group() in _AMBIGUOUS:
        return None
    speaker = _subject(_SENTENCE_END.split(text[: said.start()])[-1], language)
    words = speaker.split() if speaker not in (None, PRONOUN) else []
    role = bool(words) and words[0].lower() in DETERMINERS and len(words) <= 4
    named = bool(words) and len(words) <= MOST_WORDS and any(word[:1].isupper() for word in words[1:] or words)
    return speaker if role or named else None


def _masked(paragraph: str, spans: list[tuple[int, int, str]]) -> str:
    """The paragraph with what its quotes say blanked ("_"), their marks kept: never read for who
    said it. In one pass, however many quotes."""
    pieces, at = [], 0
    for start, end, _ in spans:
        pieces += [paragraph[at : start + 1], "_" * max(0, end - start - 2)]
        at = max(start + 1, end - 1)
    return "".join([*pieces, paragraph[at:]])


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
    """The speaker named beside the quote: right after it ("…," said X / "…," X said / «…»,
    dijo. / «…», se quejaba X, any verb outside English), else before it in its sentence (X said:
    "…" / X dijo que «…» / X, adding: "…" / Pour X, « … »), else by "according to X", else the
    subject of the quote's sentence where a name says who it is ("L'amministratore delegato,
    Gianpiero Strisciuglio, ha parlato di «…»"); PRONOUN where a pronoun or a bare verb says it."""
    verbs, according = VERBS.get(language), ACCORDING.get(language)
    if verbs is None:
        return None
    tail = _SENTENCE_END.split(after[:240], 1)[0] + " "
    head = "" if re.search(r"[.!?][\"”»“]?\s*$", before) else _SENTENCE_END.split(before[-300:])[-1]
    inverted = re.match(rf"\s*[,.]?\s*(?:{verbs})(?:-t-|\s+|\b)(?P<who>.*)", tail, re.IGNORECASE)
    if inverted and language == "en":
        return _phrase(inverted.group("who"), language) or PRONOUN
    if language != "en" and (inverted or tail.lstrip().startswith(",")):
        speaker = _after_verb(tail, language)
        if speaker is not None or inverted:
            return speaker or PRONOUN
    closing = re.match(rf"\s*\w+(?:\s+\w+)?(?=,\s*(?:{verbs})\b)", tail, re.IGNORECASE) if language != "en" else None
    if closing:  # „…“ verloren, sagte er: the quote ends its clause, the verb opens the next
        return _after_verb(tail[closing.end() :], language) or PRONOUN
    asked = re.match(r"\s*[,.]?\s*\w+(?:\s+\w+)?-t-(?:il|elle|ils|elles)\b", tail) if language == "fr" else None
    if asked:
        return PRONOUN
    leading = re.match(
        rf"\s*[,.]?\s*(?P<who>[^,.;:!?]{{1,120}}?)(?:,[^.;:!?\"“”«»]{{1,160}},)?\s+(?:{verbs})\b", tail, re.IGNORECASE
    )
    if leading and len(leading.group("who").split()) <= MOST_WORDS and _names_someone(leading.group("who").split(), language):
        return _phrase(leading.group("who"), language)
    viewpoint = VIEWPOINT.get(language)
    seen = re.match(rf"\s*(?:{viewpoint})\s+(?P<who>[^.;:!?]+?),\s*$", head, re.IGNORECASE) if viewpoint else None
    if seen:
        return _phrase(seen.group("who"), language)
    said = _last_verb(head, verbs)
    if said is not None and said.group() not in _AMBIGUOUS:
        return _subject(head[: said.start()], language)
    if head.rstrip().endswith(":") and language == "en":
        words = head.split()
        opened = words and words[0].lower() in DETERMINERS
        return _named(head, language) or (" ".join(_noun_phrase(words)) if opened else None)
    if head.rstrip().endswith(":"):
        return _sentence_subject(head, language)
    if according:
        source = re.search(rf"\b(?:{according})\s+(?P<who>[^,.;:!?]+)", head + " " + tail, re.IGNORECASE)
        if source:
            return _phrase(source.group("who"), language)
    subject = _sentence_subject(head, language) if head.strip() else None
    named = subject not in (None, PRONOUN) and any(word[:1].isupper() for word in subject.split()[1:])
    return subject if named or subject == PRONOUN else None


def _after_verb(tail: str, language: str) -> str | None:
    """The subject of a verb that follows a quote and its comma («…», se lamentaba ayer Núria Pons /
    „…“, freute sich Trainer Xabi Alonso / «…», ha commentato a fine gara Simone Inzaghi): the first
    name or article's phrase after the verb that no preposition governs; PRONOUN for a pronoun.
    None where the clause opens with no verb or names no one."""
    tokens = list(re.finditer(r"[\w'’-]+|[^\w\s]", tail))
    words = [token.group() for token in tokens]
    at = 1 if words[:1] == [","] else 0
    if at >= len(words) or not _opens_verb(words[at], language):
        return None
    governed = False
    for index in range(at + 1, min(len(words), at + 9)):
        word, before = words[index], words[index - 1]
        if word in ".;:!?()":
            return None
        if re.search(r"-t-(?:il|elle|ils|elles)$", before):  # «…», a-t-elle réagi
            return PRONOUN
        # a name goes on being governed ("en Santa Cruz"), a new phrase is governed by its preposition
        carried = governed and word[:1].isupper() and before[:1].isupper()
        governed = carried or before.lower() in PREPOSITIONS or before.lower() in _OF
        if word.lower() in PRONOUNS.get(language, ()) and not governed:
            return PRONOUN
        if (word[:1].isupper() or _article(word, language)) and not governed:
            return _role(tail[tokens[index].start() :], language)
    return None


def _article(word: str, language: str) -> bool:
    """Whether a word is an article or a possessive, an elided one too ("l'un", "L'amministratore")."""
    lower = word.lower()
    if lower == "a" and language in ("es", "fr", "it"):  # a preposition there
        return False
    return lower in DETERMINERS or lower in POSSESSIVES.get(language, ()) or bool(re.match(r"l['’]\w", lower))


def _opens_verb(word: str, language: str) -> bool:
    """Whether a word after a quote opens a verb: lower case, and no article, preposition,
    conjunction, pronoun or form of "to be"."""
    lower = word.lower()
    if word != lower or not word[:1].isalpha():
        return False
    if lower in AUXILIARIES.get(language, ()) or lower in REFLEXIVES or re.match(r"s['’]\w", lower):
        return True
    closed = DETERMINERS | PREPOSITIONS | CONJUNCTIONS | COPULAS | RELATIVES | _OF
    return lower not in closed and lower not in PRONOUNS.get(language, ()) and lower not in POSSESSIVES.get(language, ())


def _role(text: str, language: str) -> str | None:
    """The speaker a clause opens with: a name ("Ministerpräsident Markus Söder bei ..."), or an
    article's phrase up to its first preposition or clause end ("la réalisatrice en recevant ...",
    "il presidente di Legambiente"), with the name an apposition gives it (", Stefano Ciafani")."""
    text = text.lstrip()
    if not text:
        return None
    if not _article(text.split()[0], language):
        run = _NAME_RUN.match(text)
        words = run.group().split() if run else []
        while words and words[0].lower().strip("'’") in _NOT_NAMES:
            words.pop(0)
        if not words or len(words) < len(run.group().split()):
            return None
        following = text[run.end() :].split()[:1]
        governs = following and following[0] in _OF
        return None if len(words) == 1 and governs else " ".join(words)  # "Ahead of the verdict, ..."
    cut = _SPEAKER_END.search(text)
    clause = text[: cut.start()] if cut else text
    words = []
    for word in clause.split()[:MOST_WORDS]:
        lower = word.lower()
        if words and lower in PREPOSITIONS and lower not in _OF:
            break
        if words and words[-1][:1].isupper() and len(words) > 1 and word[:1].islower() and lower not in _OF:
            break  # "The club's chief executive Mark Arthur | called it ..."
        words.append(word)
    named = any(word[:1].isupper() for word in words[1:])
    phrase = " ".join(words if named else _noun_phrase(words)).strip(" '\u2019-")
    apposition = re.match(rf",\s*({_NAME_RUN.pattern})\s*(?:[,.;:!?]|$)", text[len(clause) :]) if cut else None
    if apposition:
        phrase = f"{phrase}, {apposition.group(1)}"
    return phrase or None


def _sentence_subject(sentence: str, language: str) -> str | None:
    """Who a sentence is about: its subject, past an opening adverbial phrase ("Sur le quai de la
    gare, Sophie, 34 ans, peste ..." -> "Sophie"; "Auch Sportvorstand Max Eberl war ..."), a name or
    an article's phrase with its apposition; PRONOUN for a pronoun."""
    text = _SENTENCE_END.split(sentence.strip())[-1] if sentence.strip() else ""
    words = text.split()
    if not words:
        return None
    first = words[0].lower().strip(",")
    if first in _ADVERBS:
        words = words[1:]
        text = " ".join(words)
    elif (first in PREPOSITIONS or first in _OF) and not _article(words[0], language):
        comma = text.find(",")
        if comma < 0 or len(text[:comma].split()) > 10:
            return None
        text = text[comma + 1 :]
        words = text.split()
    if not words:
        return None
    if words[0].lower() in PRONOUNS.get(language, ()):
        return PRONOUN
    subject = _role(text, language)
    if subject == words[0]:  # "Deluso invece Tim Merlier, secondo ...": a capitalised first word, a name after it
        longer = [" ".join(run) for run, _ in name_runs(re.split(r"[,;:]", text)[0]) if len(run) > 1]
        return longer[0] if longer else subject
    return subject


def _names_someone(words: list[str], language: str) -> bool:
    """Whether a phrase before a verb of saying is its subject: an article's phrase, a pronoun,
    or one holding a capitalised word, never a relative clause or a preposition's phrase."""
    first = words[0].lower() if words else ""
    if first in RELATIVES or not words:
        return False
    capitalised = any(word[:1].isupper() for word in words)
    return first in DETERMINERS or first in PRONOUNS.get(language, ()) or (first not in _NOT_NAMES and capitalised)


def name_runs(text: str) -> list[tuple[list[str], int]]:
    """The runs of capitalised words in `text` (with their start), each less the article,
    preposition or other word that opens a clause without naming anyone ("El", "One", "Asked")."""
    found = []
    for run in _NAME_RUN.finditer(text):
        words = run.group().split()
        while words and words[0].lower().strip("'’") in _NOT_NAMES:
            words.pop(0)
        if words:
            found.append((words, run.start()))
    return found


def _about(paragraph: str, language: str) -> str | None:
    """Whom a paragraph without a quote is about, for the quote that opens the next one: its last
    name of two words or more, else its last name."""
    runs = [" ".join(words) for words, _ in name_runs(paragraph) if words[0].lower() not in PRONOUNS.get(language, ())]
    longer = [run for run in runs if " " in run]
    return (longer or runs or [None])[-1]


def _last_verb(text: str, verbs: str):
    """The last verb of saying in `text` (a match), or None."""
    found = list(re.finditer(rf"\b(?:{verbs})\b", text, re.IGNORECASE))
    return found[-1] if found else None


def _subject(text: str, language: str) -> str | None:
    """The speaker a verb of saying follows: the clause right before it when it names someone
    ("the mayor", "Ivan Knezovich"), else the clause's first name ("Robert Heyer, Terry's cousin,
    said"; "Churcher believes his side ..., adding")."""
    text = _RELATIVE_CLAUSE.sub(" ", text)
    clauses = re.split(r"[,;:\"“”«»„]", text)
    last = clauses[-1].split()
    named_before = clauses[-2].strip() if len(clauses) > 1 else ""
    if last and named_before and _NAME_RUN.fullmatch(named_before) and not _NAME_RUN.fullmatch(" ".join(last)):
        return f"{named_before}, {' '.join(last)}"  # "Dido Harding, TalkTalk chief executive told"
    first = last[0].lower() if last else ""
    named = any(word[:1].isupper() for word in last[1:])
    if first in PRONOUNS.get(language, ()) or (first in POSSESSIVES.get(language, ()) and not named):
        return PRONOUN
    if last and _names_someone(last, language):
        if len(last) > MOST_WORDS and last[0].lower() not in _NOT_NAMES and last[0][:1].isupper():
            return _role(" ".join(last), language)  # "Emily Heywood of the Total Eclipse of the S*n group said"
        return _phrase(" ".join(_noun_phrase(last)), language, from_end=True)
    return _named(text, language)


def _noun_phrase(words: list[str]) -> list[str]:
    """The phrase an article opens, of a clause that goes on past it ("La alcaldesa defendió la
    inversión y" -> "La alcaldesa"): the article, its noun, and what "of" joins to them."""
    if words[0].lower() not in DETERMINERS or len(words) <= 4:
        return words
    phrase, at = words[:2], 2
    while at + 1 < len(words) and words[at].lower() in _OF:
        step = 3 if words[at + 1].lower() in DETERMINERS and at + 2 < len(words) else 2
        phrase += words[at : at + step]
        at += step
    return phrase


def _named(clause: str, language: str) -> str | None:
    """The name in a clause that introduces a quote ("El técnico sevillista, Quique Sánchez Flores,
    lamentó el arbitraje:"): the first of two words or more, else the first; its leading article
    or preposition aside; PRONOUN for a pronoun."""
    runs: list[str] = []
    for words, _ in name_runs(clause):
        if words[0].lower() in PRONOUNS.get(language, ()):
            return PRONOUN if not runs else runs[0]
        runs.append(" ".join(words))
    return next((run for run in runs if " " in run), runs[0] if runs else None)


def _phrase(text: str, language: str, from_end: bool = False) -> str | None:
    """The speaker's words: up to a clause's end, at most MOST_WORDS (the last ones, for a speaker
    named before the verb); a pronoun first stands for the last speaker."""
    if from_end:
        words = text.split()[-MOST_WORDS:]
    else:
        cut = _SPEAKER_END.search(text)
        words = (text[: cut.start()] if cut else text).split()[:MOST_WORDS]
    if words and words[0].lower() in PRONOUNS.get(language, ()):
        return PRONOUN
    phrase = " ".join(words).strip(" '\u2019-")
    return phrase or None
