"""Glossaries: terms a translation must render one way, and do-not-translate terms (a row whose
target is empty). Read from CSV or TSV (DeepL's columns: source term, target term, and optionally
source language, target language and `case` or `nocase`; a header row is skipped) or TBX
(ISO 30042, TBX 3 and TBX 2 "martif"). A sentence's terms are put in one of two forms before it
is translated (`protect`), and the translation restored and checked (`restore`):

- "placeholder": the term becomes a token no dictionary or vocabulary knows (ZXQ0), which rule-
  based and neural engines copy, and the target term is put back in its place;
- "inline": the target term itself stands in the source (code-switching), which language models
  copy while they inflect the words around it.

A term counts as present when its words are words of the output, in order: a do-not-translate
term word for word (in its case where it says so), a target term in its own form or a regular
inflection of the target language (`INFLECTIONS`: "reservoir" in "reservoirs", "embalse" in
"embalses"); never a word that merely starts like it ("accident" is not "accidente")."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from summarize.errors import InputError
from summarize.limits import limit, limit_said
from summarize.text.files import decode, read_bytes

FORMS = ("placeholder", "inline")
#: The placeholder of a sentence's n-th term: capitalised (Apertium copies an unknown capitalised
#: word as a name and does not mark it) and made of letters no language here writes together.
PLACEHOLDER = "ZXQ{}"
_PLACEHOLDER = re.compile(r"\*?ZXQ(\d+)")
_SUFFIXES = {".csv": ",", ".tsv": "\t", ".txt": "\t", ".tbx": None, ".xml": None}
_CASE = {"case": True, "cs": True, "true": True, "yes": True, "nocase": False, "ci": False, "false": False, "no": False}
_HEADER = {"source", "source term", "term", "src"}
#: Glossaries (a service makes one per request that sends terms) whose lookups are kept.
KEPT = 32
#: The regular inflections a target term's word may take, per target language: (ending of the
#: term's word, ending of the inflected word); "" is any word. Plurals everywhere, the gender of
#: Romance adjectives, German's case and plural endings.
INFLECTIONS = {
    "en": (("", "s"), ("", "es"), ("y", "ies")),
    "es": (("", "s"), ("", "es"), ("o", "a"), ("o", "os"), ("o", "as"), ("z", "ces")),
    "pt": (("", "s"), ("o", "a"), ("o", "os"), ("o", "as"), ("ão", "ões"), ("ão", "ães"), ("m", "ns"), ("l", "is")),
    "fr": (("", "s"), ("", "x"), ("", "e"), ("", "es")),
    "it": (("o", "i"), ("o", "a"), ("o", "e"), ("a", "e"), ("e", "i"), ("co", "chi"), ("ca", "che"), ("go", "ghi")),
    "de": (("", "e"), ("", "en"), ("", "n"), ("", "er"), ("", "s"), ("", "es"), ("", "ern")),
}


@dataclass(frozen=True)
class Term:
    """One glossary entry: the source form, the target form (the source's for a do-not-translate
    term), the language pair it is for (None: any) and whether its case must match."""

    source: str
    target: str
    source_language: str | None = None
    target_language: str | None = None
    case_sensitive: bool = False

    @property
    def keep(self) -> bool:
        """A do-not-translate term."""
        return self.target == self.source

    def describe(self) -> dict:
        return {"source": self.source, "target": self.target}


@dataclass(frozen=True)
class Glossary:
    """The terms of one or more glossaries, and where they came from."""

    terms: tuple[Term, ...]
    origin: str = "glossary"

    def __add__(self, other: Glossary) -> Glossary:
        return Glossary(self.terms + other.terms, f"{self.origin} + {other.origin}")

    def for_pair(self, source: str, target: str) -> tuple[Term, ...]:
        """The terms of a language pair, longest first (a longer term wins where two overlap)."""
        return _for_pair(self, source, target)

    def target_words(self, source: str, target: str) -> frozenset[str]:
        """The words of the pair's target terms, case folded: what a translation may say because
        the glossary told it to (the fact check does not ask a source for them)."""
        return _target_words(self, source, target)

    def describe(self) -> dict:
        return {"origin": self.origin, "terms": len(self.terms)}


@lru_cache(maxsize=KEPT)
def _target_words(glossary: Glossary, source: str, target: str) -> frozenset[str]:
    return frozenset(word for term in glossary.for_pair(source, target) for word in term.target.casefold().split())


@lru_cache(maxsize=KEPT)
def _for_pair(glossary: Glossary, source: str, target: str) -> tuple[Term, ...]:
    chosen = {}
    for term in glossary.terms:
        if term.source_language in (None, source) and term.target_language in (None, target):
            chosen.setdefault((term.source.casefold(), term.case_sensitive), term)
    return tuple(sorted(chosen.values(), key=lambda t: -len(t.source)))


@lru_cache(maxsize=KEPT)
def _pattern(terms: tuple[Term, ...]) -> re.Pattern | None:
    """One expression finding every term at word boundaries, longest first, each in its own case rule."""
    if not terms:
        return None
    parts = [f"(?{'' if t.case_sensitive else 'i'}:{re.escape(t.source)})" for t in terms]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


def found_in(sentence: str, terms: tuple[Term, ...]) -> list[tuple[Term, re.Match]]:
    """The terms a sentence holds, in order, with where each stands."""
    pattern = _pattern(terms)
    if pattern is None:
        return []
    found = []
    for match in pattern.finditer(sentence):
        text = match.group(0)
        term = next(t for t in terms if (text == t.source if t.case_sensitive else text.casefold() == t.source.casefold()))
        found.append((term, match))
    return found


def protect(sentence: str, terms: tuple[Term, ...], form: str) -> tuple[str, list[Term]]:
    """The sentence with each of its terms in `form` (FORMS), and the terms, in order."""
    found = found_in(sentence, terms)
    pieces, last = [], 0
    for index, (term, match) in enumerate(found):
        pieces += [sentence[last : match.start()], PLACEHOLDER.format(index) if form == "placeholder" else term.target]
        last = match.end()
    return "".join(pieces) + sentence[last:], [term for term, _ in found]


def restore(translation: str, terms: list[Term]) -> str:
    """A translation with its placeholders turned back into their target terms."""
    return _PLACEHOLDER.sub(lambda m: terms[int(m.group(1))].target if int(m.group(1)) < len(terms) else m.group(0), translation)


def missing(translation: str, terms: list[Term], language: str) -> list[Term]:
    """The terms a translation into `language` does not hold; placeholders left are missing."""
    words = re.findall(r"\w+", translation.casefold())
    return [term for term in dict.fromkeys(terms) if not _holds(words, term, translation, language)]


def _holds(words: list[str], term: Term, translation: str, language: str) -> bool:
    if term.case_sensitive and term.keep:
        return re.search(r"(?<!\w)" + re.escape(term.target) + r"(?!\w)", translation) is not None
    wanted = re.findall(r"\w+", term.target.casefold())
    rules = () if term.keep else INFLECTIONS.get(language, INFLECTIONS["en"][:1])
    for start in range(len(words) - len(wanted) + 1):
        if all(_inflected(words[start + i], word, rules) for i, word in enumerate(wanted)):
            return True
    return not wanted


def _inflected(word: str, term_word: str, rules: tuple[tuple[str, str], ...]) -> bool:
    """The term's word itself, or one of its `rules`' inflections."""
    return word == term_word or any(
        term_word.endswith(ending) and word == term_word[: len(term_word) - len(ending)] + inflected
        for ending, inflected in rules
    )


def load(path: str | Path) -> Glossary:
    """A glossary file (by its suffix: .csv, .tsv or .txt, .tbx or .xml), or a one-line error."""
    path = Path(path)
    return _load(path.resolve(), path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=KEPT)
def _load(path: Path, modified: int) -> Glossary:
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise InputError(f"{path}: a glossary is .csv, .tsv or .tbx, not '{suffix or 'no suffix'}'")
    most = limit("max_glossary_bytes")
    raw = read_bytes(path, most)
    if len(raw) > most:
        raise InputError(f"{path}: larger than {most / 2**20:g} MiB ({limit_said('max_glossary_bytes')})")
    if _SUFFIXES[suffix] is None:
        return parse_tbx(raw, str(path))
    return parse_table(decode(raw, str(path)), str(path), _SUFFIXES[suffix])


def parse_table(text: str, origin: str, delimiter: str | None = None) -> Glossary:
    """CSV or TSV rows (the delimiter found from the text when not given): source term, target
    term (empty: do not translate), source language, target language, case."""
    if delimiter is None:
        delimiter = "\t" if "\t" in text.split("\n", 1)[0] else ","
    terms = []
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for number, row in enumerate(rows, 1):
            cells = [cell.strip() for cell in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if number == 1 and cells[0].casefold() in _HEADER:
                continue
            terms.append(_term(cells, f"{origin}, row {number}"))
            _check_count(terms, origin)
    except csv.Error as error:
        raise InputError(f"{origin}: not a readable {'TSV' if delimiter == chr(9) else 'CSV'} file ({error})") from None
    return _glossary(terms, origin)


def _term(cells: list[str], where: str) -> Term:
    source, target, source_language, target_language, case = (cells + [""] * 5)[:5]
    if not source:
        raise InputError(f"{where}: the source term is empty")
    if case and case.casefold() not in _CASE:
        raise InputError(f"{where}: the case column is {case!r}, not 'case' or 'nocase'")
    languages = [_language(code, where) for code in (source_language, target_language)]
    return Term(source, target or source, *languages, _case_sensitive(source, _CASE.get(case.casefold())))


def _language(code: str, where: str) -> str | None:
    """The ISO 639-1 code of a language tag ('es', 'es-ES', 'EN_us'), None for none."""
    primary = re.split(r"[-_]", code.strip())[0].lower() if code.strip() else ""
    if not primary:
        return None
    if not re.fullmatch(r"[a-z]{2,3}", primary):
        raise InputError(f"{where}: {code!r} is not a language code")
    return primary


def _case_sensitive(source: str, said: bool | None) -> bool:
    """As the row says; else a term with a capital in it (a name, an acronym) keeps its case."""
    return said if said is not None else any(c.isupper() for c in source)


def parse_tbx(data: bytes, origin: str) -> Glossary:
    """A TBX term base: every concept gives a term from each of its languages into each other
    one; a language's first term is the one to write, the others (synonyms, deprecated forms)
    are rendered as it."""
    from summarize.text.safexml import parse_xml

    root = parse_xml(data, origin, "the term base", allow_doctype=True).getroot()
    terms: list[Term] = []
    for concept in root.iter("{*}conceptEntry", "{*}termEntry"):
        forms: dict[str, list[str]] = {}
        for section in concept.iter("{*}langSec", "{*}langSet"):
            code = _language(section.get("{http://www.w3.org/XML/1998/namespace}lang") or "", f"{origin}, a term entry")
            if code is None:
                raise InputError(f"{origin}: a language section has no xml:lang")
            written = [" ".join("".join(t.itertext()).split()) for t in section.iter("{*}term")]
            forms.setdefault(code, []).extend(w for w in written if w)
        for source_language, sources in forms.items():
            for target_language, targets in forms.items():
                if source_language != target_language and targets:
                    for source in sources:
                        terms.append(Term(source, targets[0], source_language, target_language, _case_sensitive(source, None)))
                        _check_count(terms, origin)
    if not terms and root.find(".//{*}body") is None:
        raise InputError(f"{origin}: not a TBX term base (no body of term entries)")
    return _glossary(terms, origin)


def _check_count(terms: list[Term], origin: str) -> None:
    if len(terms) > limit("max_glossary_terms"):
        raise InputError(f"{origin}: over {limit('max_glossary_terms')} terms ({limit_said('max_glossary_terms')})")


def _glossary(terms: list[Term], origin: str) -> Glossary:
    if not terms:
        raise InputError(f"{origin}: the glossary holds no terms")
    return Glossary(tuple(terms), origin)
