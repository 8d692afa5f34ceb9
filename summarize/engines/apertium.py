"""The `apertium` engine: the rule-based translator from Debian packages, through its CLI.

All sentences of a call go through a mode at once, one sentence per line, each mode kept running
for the process's life (engines/apertium_pipes.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

from summarize.catalog.cards import ModelCard
from summarize.engines import apertium_pipes
from summarize.engines.base import Translated, Translator
from summarize.errors import EngineUnavailableError

# Apertium's ISO 639-3 names for the ISO 639-1 codes this tool uses.
ISO3 = {"en": "eng", "es": "spa", "fr": "fra", "de": "deu", "it": "ita", "pt": "por", "ca": "cat", "gl": "glg"}
# '#' marks a generation error, '@' a transfer error, '*' an unknown word.
_MARKS = "#@*"
_MARK = re.compile(r"(?<![\w#@*])[#@*](?=\w)")
#: A word a leg marked as one it did not know.
_UNKNOWN = re.compile(r"\*(\w+)")
#: A form the generator could not make, left as its lemma's tags ("#<prn>").
_UNGENERATED = re.compile(r"[#@](?:<\w+>)+")
TIMEOUT_S = 600
LISTING_TIMEOUT_S = 30
#: Lines kept with their translation per mode, at most (a line's translation is the one the mode
#: gives it alone: engines/apertium_pipes.py), past which the kept ones are forgotten; and the
#: longest line kept (characters), so that what is kept stays within some tens of MB.
MOST_LINES_KEPT = 20_000
LONGEST_LINE_KEPT = 1_000
_translated: dict[tuple[str, str], str] = {}


#: Debian's package of each pair between the languages above (both directions in one package).
DEBIAN_PACKAGES = {
    frozenset(pair.split("-")): f"apertium-{package}"
    for pair, package in {
        "en-es": "eng-spa", "es-fr": "fr-es", "es-pt": "es-pt", "es-it": "spa-ita", "ca-en": "eng-cat", "en-gl": "en-gl",
        "ca-it": "cat-ita", "ca-fr": "fra-cat", "ca-es": "spa-cat", "es-gl": "es-gl", "ca-pt": "por-cat", "gl-pt": "pt-gl",
    }.items()
}  # fmt: skip


def install_hint(source: str = "es", target: str = "en") -> str:
    """How to install the pair, or that Debian packages none."""
    package = DEBIAN_PACKAGES.get(frozenset((source, target)))
    if package is None:
        return f"Debian packages no Apertium pair for {source}-{target}"
    return f"install Apertium and the pair: apt-get install apertium {package}"


@cache
def available_modes() -> tuple[str, ...]:
    """Translation directions Apertium reports (`apertium -l`); empty when not installed."""
    if shutil.which("apertium") is None:
        return ()
    try:
        listing = subprocess.run(["apertium", "-l"], capture_output=True, text=True, timeout=LISTING_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return tuple(line.strip() for line in listing.stdout.splitlines() if line.strip())


def _modes() -> dict[tuple[str, str], str]:
    """Each installed pair, (source, target) ISO 639-1 codes, and its mode: the plain one where a
    variant (`spa-eng_US`) is listed too; modes of more than two parts (`eco-es-fr`) are not pairs."""
    iso1 = {three: one for one, three in ISO3.items()}
    found: dict[tuple[str, str], str] = {}
    for mode in available_modes():
        parts = mode.split("-")
        if len(parts) != 2:
            continue
        pair = (iso1.get(parts[0], parts[0]), iso1.get(parts[1].split("_")[0], parts[1].split("_")[0]))
        if pair not in found or "_" not in mode:
            found[pair] = mode
    return found


#: Third languages a route goes through, the best first, as measured into English on FLORES-200
#: dev (docs/models.md: Spanish first for French and Portuguese, within noise of Catalan for Italian).
PIVOTS = ("es", "ca", "gl")


def routes(source: str, target: str) -> list[tuple[tuple[str, str], ...]]:
    """Every installed way to take `source` to `target`, the best first: the installed pair, then
    two installed pairs through each third language (those of `PIVOTS` in its order, then the
    others in code order)."""
    modes = _modes()
    pivots = sorted((p for first, p in modes if first == source and (p, target) in modes), key=_pivot_rank)
    direct = [((source, target),)] if (source, target) in modes else []
    return direct + [((source, pivot), (pivot, target)) for pivot in pivots]


def _pivot_rank(language: str) -> tuple[int, str]:
    return (PIVOTS.index(language) if language in PIVOTS else len(PIVOTS), language)


def route_for(source: str, target: str) -> tuple[tuple[str, str], ...] | None:
    """The best route of `source` to `target` (`routes`); None when there is none."""
    found = routes(source, target)
    return found[0] if found else None


def route_name(source: str, target: str, route: tuple[tuple[str, str], ...] | None = None) -> str:
    """A route (the best by default) as the notes say it: `fr->es->en` through Spanish, `es->en` direct."""
    route = route or route_for(source, target) or ((source, target),)
    return "->".join([route[0][0], *(leg[1] for leg in route)])


def installed_pairs() -> set[tuple[str, str]]:
    """(source, target) ISO 639-1 codes Apertium translates: its installed pairs, and those two of
    them make through a third language."""
    languages = {code for pair in _modes() for code in pair}
    return {(s, t) for s in languages for t in languages if s != t and route_for(s, t) is not None}


def installed_languages() -> set[str]:
    """ISO 639-1 codes of the languages some installed pair translates from or into."""
    return {code for pair in _modes() for code in pair}


def mode_for(source: str, target: str) -> str | None:
    """Apertium's mode name for a language pair, when that pair is installed."""
    return _modes().get((source, target))


def required_route(source: str, target: str) -> tuple[tuple[str, str], ...]:
    """The route of `source` to `target`, or EngineUnavailableError saying how to install it."""
    route = route_for(source, target)
    if route is None:
        raise EngineUnavailableError(f"Apertium has no {source}->{target} pair installed; {install_hint(source, target)}")
    return route


def _known_share(marked: str, translated: set[str] = frozenset()) -> float | None:
    """The share of a translation's words that are not marked unknown (*word), or that another
    route gave (`translated`); a capitalised unknown word is a name, copied as it should be, and
    counts as known."""
    words = [w.lstrip("\"'“‘«(¿¡") for w in marked.split() if any(c.isalpha() for c in w)]
    if not words:
        return None
    unknown = sum(_unknown(w) and ((m := _UNKNOWN.match(w)) is None or m.group(1) not in translated) for w in words)
    return round(1 - unknown / len(words), 4)


def _unknown(word: str) -> bool:
    """Whether a word of a leg's marked output is one it did not know (not a name)."""
    return word.startswith("*") and not word[1:2].isupper()


def _unknown_by_leg(legs: list[list[str]]) -> list[list[list[str]]]:
    """Per sentence, per leg, the words the leg did not know and no leg before it copied on."""
    found = []
    for index in range(len(legs[0]) if legs else 0):
        seen: set[str] = set()
        per_leg = []
        for marked in legs:
            words = [m.group(1) for m in _UNKNOWN.finditer(marked[index]) if not m.group(1)[:1].isupper()]
            per_leg.append(list(dict.fromkeys(w for w in words if w not in seen)))
            seen.update(words)
        found.append(per_leg)
    return found


def _known_alone(words: set[str], others: list[tuple[tuple[str, str], ...]]) -> dict[str, str]:
    """Each of `words` as the first of the `others` routes that knows it at every leg gives it,
    alone (a full stop after it, so that a word's reading never leans on the one before)."""
    found: dict[str, str] = {}
    for route in others:
        left = sorted(words - found.keys())
        if not left:
            break
        texts, legs = ApertiumTranslator(None)._legs(route, [f"{word}." for word in left])
        for index, (word, text) in enumerate(zip(left, texts)):
            written = text.rstrip(". ")
            written = written if written[:2].isupper() else written[:1].lower() + written[1:]  # not a sentence's start
            if written and not any(set(marked[index]) & set(_MARKS) for marked in legs):
                found[word] = written
    return found


def _given_for(route, leg_words: list[list[str]], given: dict[tuple[str, str], str]) -> dict[str, str]:
    """A sentence's unknown words (per leg of `route`) that another route gave, and how."""
    return {word: given[route[n][0], word] for n, words in enumerate(leg_words) for word in words if (route[n][0], word) in given}


def _written(text: str, given: dict[str, str]) -> str:
    """`text` with each word of `given` (where it stands whole) written as it gives it."""
    if not given:
        return text
    words = "|".join(re.escape(word) for word in sorted(given, key=len, reverse=True))
    return re.sub(rf"(?<!\w)(?:{words})(?!\w)", lambda m: given[m.group(0)], text)


def strip_marks(translation: str, source: str) -> str:
    """Remove Apertium's marks: a form left as its tags, every mark of a kind the source has none
    of (they stand inside words too: "5#-3", "4*x4", "Wi#-Fi"), and the others where they start a
    word the source does not write with them."""
    translation = _UNGENERATED.sub("", translation)
    absent = [mark for mark in _MARKS if mark not in source]
    translation = translation.translate(dict.fromkeys(map(ord, absent)))
    return _MARK.sub(lambda m: m.group(0) if m.group(0) + _word_after(translation, m.end()) in source else "", translation)


def _word_after(text: str, start: int) -> str:
    match = re.match(r"\w+", text[start:])
    return match.group(0) if match else ""


class ApertiumTranslator(Translator):
    """Rule-based translation; no weights, no GPU, starts in milliseconds."""

    engine_name = "apertium"
    max_input_tokens = None
    progress_group = None
    #: Apertium copies an unknown capitalised word unmarked: a placeholder comes back as it went.
    term_forms = ("placeholder", "inline")

    def __init__(self, card: ModelCard, keep_marks: bool = False, other_routes: bool = False):
        """`other_routes`: a word a leg did not know is written as another installed route gives
        it (`along`). The renderings of every route take it (`glosses`), which start those
        routes' programs anyway; a translation alone does not, so that it starts one route's
        (0.8 s more for the example article on a first call)."""
        if shutil.which("apertium") is None:
            raise EngineUnavailableError(f"Apertium is not installed; {install_hint()}")
        self.card = card
        self.keep_marks = keep_marks
        self.other_routes = other_routes

    @classmethod
    def from_card(cls, card: ModelCard, device: str = "auto", allow_download: bool = True) -> ApertiumTranslator:
        return cls(card)

    #: The share of known words below which a sentence is flagged (more than one in twenty unknown;
    #: chosen on FLORES-200 dev spa->eng, checked on devtest: benchmarks/confidence.py).
    confidence_threshold = 0.95

    def translate(self, sentences: list[str], source: str, target: str, starts: tuple[int, ...] = ()) -> Translated:
        """Each sentence's translation, and its confidence: the share of its words Apertium knew
        (it marks the others with *), the lowest of each leg's through a third language (where
        each leg's output goes on without its marks)."""
        return self.along(required_route(source, target), sentences)

    def along(self, route: tuple[tuple[str, str], ...], sentences: list[str]) -> Translated:
        """`translate` along one installed route (`routes`). With `other_routes`, a word a leg did
        not know is written as another installed route from that leg's language gives it alone,
        where one knows it at every leg ("polizia", which Italian-Spanish lacks, as
        Italian-Catalan-English's "police"), and then counts as known."""
        texts, legs = self._legs(route, sentences)
        unknown = _unknown_by_leg(legs)
        given: dict[tuple[str, str], str] = {}
        if self.other_routes and not self.keep_marks:
            for number, (language, _) in enumerate(route):
                words = {word for words in unknown for word in words[number]}
                others = [other for other in routes(language, route[-1][1]) if other != route[number:]]
                given |= {(language, word): text for word, text in _known_alone(words, others).items()}
        written = [_given_for(route, leg_words, given) for leg_words in unknown]
        texts = [_written(text, words) for text, words in zip(texts, written)]
        confidences: list[float | None] = [1.0] * len(texts)
        for marked in legs:
            confidences = [_lowest(c, _known_share(text, set(words))) for c, text, words in zip(confidences, marked, written)]
        return Translated(texts, confidences=confidences)

    def _legs(self, route: tuple[tuple[str, str], ...], sentences: list[str]) -> tuple[list[str], list[list[str]]]:
        """Each sentence along `route` (its marks stripped, the last leg's kept where
        `keep_marks`: each leg's output goes on without them), and each leg's marked output."""
        texts = [" ".join(s.split()) for s in sentences]
        legs = []
        for number, (leg_source, leg_target) in enumerate(route, start=1):
            marked = self._run(texts, mode_for(leg_source, leg_target))
            legs.append(marked)
            if self.keep_marks and number == len(route):
                texts = [" ".join(t.split()) for t in marked]
            else:
                # Apertium leaves a double space where it drops a word ("will execute  in"): spaces collapsed.
                texts = [" ".join(strip_marks(t, s).split()) for t, s in zip(marked, texts)]
        return texts, legs

    def _run(self, lines: list[str], mode: str) -> list[str]:
        """Each line (a sentence) through one Apertium mode, its marks kept, as alone: a line
        translated before in this process is not translated again."""
        found = {line: _translated.get((mode, line)) for line in lines}
        missing = [line for line, text in found.items() if text is None]
        if missing:
            found.update(zip(missing, self._run_text(missing, mode)))
            if len(_translated) > MOST_LINES_KEPT:
                _translated.clear()
            _translated.update(((mode, line), found[line]) for line in missing if len(line) <= LONGEST_LINE_KEPT)
        return [found[line] for line in lines]

    def _run_text(self, lines: list[str], mode: str) -> list[str]:
        """`_run`'s lines through the mode, in one text."""
        if not lines:
            return []
        # One sentence per line, a blank line between them: across a single newline a multiword
        # ("Buenos" + "días") is matched and two lines come back as one (`-f line` would drop the
        # final full stops). Newlines inside a sentence would shift the alignment.
        text = "\n\n".join(lines) + "\n"
        try:
            returned = apertium_pipes.translate(_modes_folder() / f"{mode}.mode", text, TIMEOUT_S).split("\n")
        except TimeoutError:
            raise EngineUnavailableError(f"Apertium took over {TIMEOUT_S} s and was stopped") from None
        except (apertium_pipes.PipeFailed, OSError, subprocess.SubprocessError):
            returned = _run_once(text, mode).split("\n")
        output, blanks = returned[0::2][: len(lines)], returned[1::2][: len(lines) - 1]
        if len(output) != len(lines) or any(blank.strip() for blank in blanks):
            raise EngineUnavailableError(f"Apertium returned {len(output)} lines for {len(lines)} sentences")
        return output


def _run_once(text: str, mode: str) -> str:
    """`apertium <mode>` of `text` in a process of its own: where the mode kept running failed,
    this says why."""
    try:
        done = subprocess.run(["apertium", mode], input=text, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise EngineUnavailableError(f"Apertium took over {TIMEOUT_S} s and was stopped") from None
    if done.returncode != 0:
        raise EngineUnavailableError(f"Apertium failed: {done.stderr.strip().splitlines()[-1:]}")
    return done.stdout


def _modes_folder() -> Path:
    """Where the installed modes' scripts are (`….mode`)."""
    return Path(shutil.which("apertium") or "apertium").resolve().parents[1] / "share" / "apertium" / "modes"


def glosses(sentences: list[str], source: str, target: str, taken: slice = slice(None)) -> list[Translated]:
    """Each sentence rendered in `target` by Apertium along every installed route (or the `taken`
    slice of them), the best first (a route where Apertium fails left out), a word no route knows
    as it was, with the share of its words Apertium knew: what the fact check reads a translation's names
    against (a name Apertium writes for a source word is one the source says), and what a
    model's sentence is weighed against (text/choice.py); empty where no route is installed."""
    if shutil.which("apertium") is None:
        return []
    found = []
    for route in routes(source, target)[taken]:
        try:
            found.append(ApertiumTranslator(None, other_routes=True).along(route, sentences))
        except EngineUnavailableError:
            continue
    return found


#: A mode's analyser (`lt-proc [-w] '…/xxx-yyy.automorf.bin'`) and bilingual dictionary (`'….autobil.bin'`,
#: which `lt-proc -b` or the transfer reads).
_STEP = {
    "analyser": re.compile(r"lt-proc\s+(?:-\w\s+)?'([^']+\.automorf\.bin)'"),
    "dictionary": re.compile(r"'([^']+\.autobil\.bin)'"),
}
#: A token as lt-proc writes it: `^School/School<adj>/School<n><sg>$`.
_TOKEN = re.compile(r"\^([^/$]+)/([^$]*)\$")
#: Words whose meanings are kept, at most.
MOST_WORDS_KEPT = 100_000
_meanings: dict[tuple[str, str, str], frozenset[str]] = {}


@cache
def _step(source: str, target: str, kind: str) -> str | None:
    """The path of the analyser or the bilingual dictionary an installed `source`-`target` mode
    runs; None where there is none."""
    mode = mode_for(source, target)
    if shutil.which("apertium") is None or mode is None:
        return None
    try:
        steps = (_modes_folder() / f"{mode}.mode").read_text()
    except OSError:
        return None
    found = _STEP[kind].search(steps)
    return found.group(1) if found else None


def _lt_proc(arguments: list[str], tokens: list[str]) -> list[list[str]] | None:
    """Each token's readings from lt-proc, kept running (one token a line in, one a line out);
    empty for a line it split; None where lt-proc failed."""
    data = ("\n".join(tokens) + "\n").encode()
    try:
        lines = apertium_pipes.run(("lt-proc", "-z", *arguments), data, TIMEOUT_S).decode().splitlines()
    except (apertium_pipes.PipeFailed, OSError, TimeoutError):
        return None
    if len(lines) < len(tokens):
        return None
    readings = []
    for line in lines[: len(tokens)]:
        token = _TOKEN.fullmatch(line.strip())
        readings.append(token.group(2).split("/") if token else [])
    return readings


def meanings(words: list[str], source: str, target: str) -> dict[str, frozenset[str]]:
    """What Apertium's dictionaries give for each word of `source` in `target` (the lemmas of
    every translation they list of its readings as a common word, lower case, through a third
    language where the route goes: "War": guerra; "Drivers": motor, conductor; "King": rey);
    nothing for a word they know only as a name or not at all ("Cairo"), or where no route is
    installed or lt-proc fails (then nothing is kept). One lt-proc call per step for all the
    words not looked up before."""
    route = route_for(source, target)
    analyser = _step(source, route[0][1], "analyser") if route else None
    dictionaries = [_step(*leg, "dictionary") for leg in route or ()]
    if analyser is None or None in dictionaries:
        return {}
    asked = [word for word in dict.fromkeys(words) if (source, target, word) not in _meanings and "\n" not in word]
    analyses = _lt_proc([analyser], asked) if asked else []
    if analyses is None:
        return {word: _meanings.get((source, target, word), frozenset()) for word in words}
    # Each word's forms, followed leg by leg: (word, form) pairs, one lt-proc call per leg.
    forms = [(word, f"^{r}$") for word, readings in zip(asked, analyses, strict=True) for r in readings if _common(r)]
    for dictionary in dictionaries:
        found = _lt_proc(["-b", dictionary], [form for _, form in forms]) if forms else []
        if found is None:
            return {word: _meanings.get((source, target, word), frozenset()) for word in words}
        forms = [(word, f"^{t}$") for (word, _), ts in zip(forms, found, strict=True) for t in ts if t and t[0] not in "@#*"]
    if len(_meanings) > MOST_WORDS_KEPT:
        _meanings.clear()
    lemmas: dict[str, set[str]] = {word: set() for word in asked}
    for word, form in forms:
        lemmas[word].add(re.sub(r"<.*", "", form.strip("^$")).lower())
    for word, found_lemmas in lemmas.items():
        _meanings[source, target, word] = frozenset(lemma for lemma in found_lemmas if lemma)
    return {word: _meanings.get((source, target, word), frozenset()) for word in words}


def _common(reading: str) -> bool:
    """A reading of a known word that is no proper noun."""
    return "<np>" not in reading and not reading.startswith("*")


def _lowest(first: float | None, second: float | None) -> float | None:
    """The lower of two legs' confidences; None where a leg gives none (a text without words)."""
    return None if first is None or second is None else min(first, second)
