"""One brief for several articles on one story, in the target language: each article's points
with the articles whose sentences also say them, the numbers the articles give for the same
thing side by side where they disagree, the quotes grouped by speaker, and the names merged
across the articles' languages."""

from __future__ import annotations

import re
from decimal import Decimal

from summarize.text import factcheck

#: A point is said by another article when one of its sentences shares this share of the
#: point's words (four at least).
SHARED_WORDS = 0.5
_WORD = re.compile(r"\w+")
#: The letters of the word after a number that say what it counts, across word forms.
THING_LETTERS = 3
#: Words after a number that say nothing of what it counts.
_FILLERS = {
    "of", "the", "a", "an", "and", "in", "on", "at", "to", "than", "more", "some", "about", "around", "over", "people",
    "least", "nearly", "almost", "up", "with", "by", "persons",
}  # fmt: skip
#: Words a translation uses for the same count: a toll of the dead, of the injured.
SAME_THING = {
    "killed": "dead", "died": "dead", "death": "dead", "deaths": "dead", "fatalities": "dead", "victims": "dead",
    "lives": "dead", "wounded": "injured", "hurt": "injured", "injuries": "injured",
}  # fmt: skip


def combine(articles: list[tuple[str, dict]], target: str) -> dict:
    """The story of `articles`: (name, article result with its brief) pairs, in order."""
    sentences = {name: _translated_sentences(result["brief"]) for name, result in articles}
    points: list[dict] = []
    for name, result in articles:
        for point in result["brief"]["points"]:
            if _says(point["text"], [kept["text"] for kept in points]):
                continue  # another article's point says it already
            said_by = [other for other, theirs in sentences.items() if other == name or _says(point["text"], theirs)]
            points.append({"text": point["text"], "article": name, "said_by": said_by})
    return {
        "articles": [{"name": name, "headline": r["brief"]["headline"], "language": _language(r)} for name, r in articles],
        "points": sorted(points, key=lambda p: -len(p["said_by"])),
        "numbers_disagreeing": _disagreements(articles, target),
        "quotes_by_speaker": _quotes_by_speaker(articles),
        "names": _names(articles),
    }


def _language(result: dict) -> str:
    return result["metadata"]["languages"]["source"]


def _translated_sentences(brief: dict) -> list[str]:
    found = {cite["translation"] for point in brief["points"] for cite in point["cites"]}
    found |= {number["translation"] for number in brief["numbers"]}
    return sorted(found)


def _says(point: str, sentences: list[str]) -> bool:
    words = set(_WORD.findall(point.lower())) - _FILLERS
    for sentence in sentences:
        shared = words & set(_WORD.findall(sentence.lower()))
        if len(shared) >= 4 and len(shared) >= SHARED_WORDS * len(words):
            return True
    return False


def _disagreements(articles: list[tuple[str, dict]], target: str) -> list[dict]:
    """Numbers that count the same thing (the words after them in the translation: "1,659 dead",
    "1,600 dead") with different values in different articles, each with its sentence."""
    by_thing: dict[str, dict[str, list[dict]]] = {}
    labels: dict[str, str] = {}
    for name, result in articles:
        for number in result["brief"]["numbers"]:
            for value, written in factcheck.numbers(number["translation"], target):
                word = _counted(number["translation"], written)
                thing = word[:THING_LETTERS] if word else None
                if thing:
                    labels.setdefault(thing, word)
                    entry = {"value": f"{value:f}", "written": written, "sentence": number["translation"]}
                    by_thing.setdefault(thing, {}).setdefault(name, []).append(entry)
    found = []
    for thing, said in by_thing.items():
        values = {Decimal(entry["value"]) for entries in said.values() for entry in entries}
        if len(said) > 1 and len(values) > 1:
            found.append({"about": labels[thing], "by_article": {name: _unique(entries) for name, entries in said.items()}})
    return found


def _unique(entries: list[dict]) -> list[dict]:
    seen, kept = set(), []
    for entry in entries:
        if entry["value"] not in seen:
            seen.add(entry["value"])
            kept.append(entry)
    return kept


def _counted(sentence: str, written: str) -> str | None:
    """What a number counts: the first word after it that is not a filler, else the last before
    it ("killed at least 1,600"), as news words it names the same ("killed", "deaths": dead);
    None when there is none. Its first THING_LETTERS letters match two articles' numbers."""
    at = sentence.find(written)
    if at < 0:
        return None
    after = _WORD.findall(sentence[at + len(written) :].lower())[:4]
    before = _WORD.findall(sentence[:at].lower())[-4:][::-1]
    for word in [*after, *before]:
        if word not in _FILLERS and not word.isdigit() and word not in ("million", "millions", "thousand", "billion"):
            return SAME_THING.get(word, word)
    return None


def _quotes_by_speaker(articles: list[tuple[str, dict]]) -> list[dict]:
    """The quotes of every article, grouped by speaker (the same surname is the same speaker)."""
    groups: dict[str, dict] = {}
    for name, result in articles:
        for quote in result["brief"]["quotes"]:
            speaker = quote["speaker"] or "unattributed"
            key = _surname(speaker) if quote["speaker"] else "unattributed"
            group = groups.setdefault(key, {"speaker": speaker, "quotes": []})
            group["quotes"].append({"article": name, "quote": quote["quote"], "translation": quote["translation"]})
    return sorted(groups.values(), key=lambda g: (g["speaker"] == "unattributed", -len(g["quotes"])))


def _surname(speaker: str) -> str:
    """The last word of the longest name a speaker's words hold ("el presidente Recep Tayyip
    Erdogan en Ankara": erdogan), else of the words."""
    from summarize.text.quotes import name_runs

    runs = [words for words, _ in name_runs(speaker)]
    words = max(runs, key=len) if runs else speaker.split()
    return _plain(words[-1])


def _names(articles: list[tuple[str, dict]]) -> list[dict]:
    """Every article's names merged: the same name (accents aside), the same thing in CLDR's
    names of each language (Afganistán, Afghanistan), or a person's surname written alone."""
    from summarize.text.names import named_in, words

    merged: list[dict] = []
    for name, result in articles:
        language = _language(result)
        for entry in result["brief"]["names"]:
            forms = {entry["name"], *entry["also_written"]}
            keys = {_plain(form) for form in forms} | {code for form in forms for code in named_in(words(form), language)}
            match = next((m for m in merged if m["keys"] & keys or _same_person(m["name"], entry["name"])), None)
            if match is None:
                match = {"name": entry["name"], "keys": set(), "written": [], "mentions": 0, "articles": []}
                merged.append(match)
            match["keys"] |= keys
            match["mentions"] += entry["mentions"]
            match["written"] = sorted({*match["written"], *forms} - {match["name"]})
            match["articles"] = [*dict.fromkeys([*match["articles"], name])]
    return [{k: v for k, v in m.items() if k != "keys"} for m in sorted(merged, key=lambda m: -m["mentions"])]


def _plain(text: str) -> str:
    from summarize.text.plain import plain

    return plain(text).casefold()


def _same_person(one: str, other: str) -> bool:
    """Two names of several capitalised words that end alike ("Abdul Ghani Baradar", "Baradar")."""
    a, b = one.split(), other.split()
    return (len(a) > 1 or len(b) > 1) and one.istitle() and other.istitle() and _plain(a[-1]) == _plain(b[-1])


def markdown(story: dict) -> str:
    """The story as a page: the articles, the points with who says them, the numbers that
    disagree, the quotes by speaker, the names."""
    numbered = {article["name"]: number for number, article in enumerate(story["articles"], 1)}
    lines = ["# Story", ""]
    lines += [f"{numbered[a['name']]}. {a['headline']} ({a['language']}; {a['name']})" for a in story["articles"]]
    lines += ["", "## Points", ""]
    for point in story["points"]:
        said = ", ".join(f"[{numbered[name]}]" for name in point["said_by"])
        lines.append(f"- {point['text']} {said}")
    lines += ["", "## Numbers that disagree", ""]
    for disagreement in story["numbers_disagreeing"]:
        lines.append(f"- **{disagreement['about']}**:")
        for name, entries in disagreement["by_article"].items():
            for entry in entries:
                lines.append(f"  - [{numbered[name]}] {entry['written']}: {entry['sentence']}")
    if not story["numbers_disagreeing"]:
        lines.append("None found.")
    lines += ["", "## Quotes by speaker", ""]
    for group in story["quotes_by_speaker"]:
        lines.append(f"- **{group['speaker']}**")
        lines += [f"  - “{q['translation']}” [{numbered[q['article']]}]" for q in group["quotes"]]
    lines += ["", "## Names", "", "| name | also written | mentions | articles |", "|---|---|---|---|"]
    for name in story["names"]:
        articles = ", ".join(f"[{numbered[a]}]" for a in name["articles"])
        lines.append(f"| {name['name']} | {', '.join(name['written'])} | {name['mentions']} | {articles} |")
    return "\n".join(lines) + "\n"
