"""The `apertium` engine: the rule-based translator from Debian packages, through its CLI.

All sentences of a call go through one `apertium` process, one sentence per line."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache

from summarize.catalog.cards import ModelCard
from summarize.engines.base import Translated, Translator
from summarize.errors import EngineUnavailableError

# Apertium's ISO 639-3 names for the ISO 639-1 codes this tool uses.
ISO3 = {"en": "eng", "es": "spa", "fr": "fra", "de": "deu", "it": "ita", "pt": "por", "ca": "cat", "gl": "glg"}
# '#' marks a generation error, '@' a transfer error, '*' an unknown word.
_MARK = re.compile(r"(?<![\w#@*])[#@*](?=\w)")
TIMEOUT_S = 600
LISTING_TIMEOUT_S = 30


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


def installed_pairs() -> set[tuple[str, str]]:
    """(source, target) ISO 639-1 codes of the installed pairs (`spa-eng_US` is es -> en)."""
    iso1 = {three: one for one, three in ISO3.items()}
    pairs = set()
    for mode in available_modes():
        codes = [iso1.get(code.split("_")[0], code.split("_")[0]) for code in mode.split("-")[:2]]
        if len(codes) == 2:
            pairs.add((codes[0], codes[1]))
    return pairs


def installed_languages() -> set[str]:
    """ISO 639-1 codes of the languages some installed pair translates from or into."""
    return {code for pair in installed_pairs() for code in pair}


def mode_for(source: str, target: str) -> str | None:
    """Apertium's mode name for a language pair, when that pair is installed."""
    mode = f"{ISO3.get(source, source)}-{ISO3.get(target, target)}"
    return mode if mode in available_modes() else None


def required_mode(source: str, target: str) -> str:
    """The mode of an installed pair, or EngineUnavailableError saying how to install it."""
    mode = mode_for(source, target)
    if mode is None:
        raise EngineUnavailableError(f"Apertium has no {source}->{target} pair installed; {install_hint(source, target)}")
    return mode


def _known_share(marked: str) -> float | None:
    """The share of a translation's words that are not marked unknown (*word); a capitalised
    unknown word is a name, copied as it should be, and counts as known."""
    words = [w.lstrip("\"'“‘«(¿¡") for w in marked.split() if any(c.isalpha() for c in w)]
    if not words:
        return None
    unknown = sum(w.startswith("*") and not w[1:2].isupper() for w in words)
    return round(1 - unknown / len(words), 4)


def strip_marks(translation: str, source: str) -> str:
    """Remove Apertium's unknown-word marks, except characters the source itself had."""
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

    def __init__(self, card: ModelCard, keep_marks: bool = False):
        if shutil.which("apertium") is None:
            raise EngineUnavailableError(f"Apertium is not installed; {install_hint()}")
        self.card = card
        self.keep_marks = keep_marks

    @classmethod
    def from_card(cls, card: ModelCard, device: str = "auto", allow_download: bool = True) -> ApertiumTranslator:
        return cls(card)

    #: The share of known words below which a sentence is flagged (more than one in twenty unknown;
    #: chosen on FLORES-200 dev spa->eng, checked on devtest: benchmarks/confidence.py).
    confidence_threshold = 0.95

    def translate(self, sentences: list[str], source: str, target: str, starts: tuple[int, ...] = ()) -> Translated:
        """Each sentence's translation, and its confidence: the share of its words Apertium knew
        (it marks the others with *)."""
        marked = self._run(sentences, source, target)
        lines = [" ".join(s.split()) for s in sentences]
        confidences = [_known_share(text) for text in marked]
        if self.keep_marks:
            return Translated([" ".join(t.split()) for t in marked], confidences=confidences)
        # Apertium leaves a double space where it drops a word ("will execute  in"): spaces collapsed.
        return Translated([" ".join(strip_marks(t, s).split()) for t, s in zip(marked, lines)], confidences=confidences)

    def _run(self, sentences: list[str], source: str, target: str) -> list[str]:
        """Each sentence through Apertium, its marks kept."""
        if not sentences:
            return []
        mode = required_mode(source, target)
        # One sentence per line, a blank line between them: across a single newline a multiword
        # ("Buenos" + "días") is matched and two lines come back as one (`-f line` would drop the
        # final full stops). Newlines inside a sentence would shift the alignment.
        lines = [" ".join(s.split()) for s in sentences]
        command = ["apertium", mode]
        try:
            done = subprocess.run(command, input="\n\n".join(lines) + "\n", capture_output=True, text=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise EngineUnavailableError(f"Apertium took over {TIMEOUT_S} s and was stopped") from None
        if done.returncode != 0:
            raise EngineUnavailableError(f"Apertium failed: {done.stderr.strip().splitlines()[-1:]}")
        returned = done.stdout.split("\n")
        output, blanks = returned[0::2][: len(lines)], returned[1::2][: len(lines) - 1]
        if len(output) != len(lines) or any(blank.strip() for blank in blanks):
            raise EngineUnavailableError(f"Apertium returned {len(output)} lines for {len(lines)} sentences")
        return output
