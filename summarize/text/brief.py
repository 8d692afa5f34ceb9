"""A brief a journalist can check: the headline, the summary's points each citing the article's
sentences that support it (checked against those sentences alone, replaced by the best one where
the check finds something they lack, left out where no sentence shares a word with it), the
quotes with who said them, the names with how often and how they are written, and every number
and date with its sentence; in the target language, each citation with its source sentence."""

from __future__ import annotations

import re

from summarize.text import factcheck
from summarize.text.quotes import find_quotes
from summarize.text.segment import split_sentences

#: The points of a brief: the summary's first sentences, at most this many.
MOST_POINTS = 5
#: Sentences a point cites at most: those sharing the most words with it.
MOST_CITED = 2
_WORD = re.compile(r"\w+")
#: What may stand before a sentence's first word.
_OPENERS = " \"“«„»¿¡(‘'-—"
_CLOSING = {"“": "”", '"': '"', "«": "»", "„": "“", "»": "«"}


def build(source: list[list[str]], target: list[list[str]], languages: tuple[str, str], summary: str, headline) -> dict:
    """The brief of an article whose sentences, by paragraph, are `source` and their translations
    `target` (aligned one to one), in the languages (source, target), from its `summary` (in the
    target language) and headline (None: the first point stands for it)."""
    source_language, target_language = languages
    sentences = [
        {"paragraph": p + 1, "sentence": n + 1, "source": s, "translation": t}
        for p, (sources, targets) in enumerate(zip(source, target))
        for n, (s, t) in enumerate(zip(sources, targets))
    ]
    written = _summary_sentences(summary, [s["translation"] for s in sentences], target_language)
    made = [_point(text, sentences, languages) for text in written]
    points = [point for point in made if point["cites"]][:MOST_POINTS]
    if not points and sentences:  # nothing the summary says is in the article: its lead stands
        lead = sentences[1] if headline is not None and len(sentences) > 1 else sentences[0]
        points = [{"text": lead["translation"], "cites": [lead], "supported": True}]
    paragraphs = [" ".join(sources) for sources in source]
    return {
        "headline": headline or (points[0]["text"] if points else None),
        "headline_written": headline is None,
        "points": points,
        # Summary sentences that share no word with any of the article's: nothing to cite.
        "points_dropped": [point["text"] for point in made if not point["cites"]],
        "quotes": (quotes := _quotes(paragraphs, source, target, source_language)),
        "names": _names(sentences, source_language, {quote["speaker"] for quote in quotes}),
        "numbers": _numbers(sentences, source_language),
    }


def _summary_sentences(summary: str, translations: list[str], language: str) -> list[str]:
    """The summary's sentences: each article sentence it copies whole (an extractive summary's,
    whatever the segmenter would make of them), and the rest as the segmenter splits it. Only
    the sentences that start with the summary's next word are tried at each place."""
    by_first: dict[str, list[str]] = {}
    for text in sorted({t.strip() for t in translations if t.strip()}, key=len, reverse=True):
        by_first.setdefault(text.split(None, 1)[0], []).append(text)
    found, at, rest = [], 0, ""
    while at < len(summary):
        if summary[at].isspace():
            rest += summary[at]
            at += 1
            continue
        word = summary[at:].split(None, 1)[0]
        copied = next((t for t in by_first.get(word, ()) if summary.startswith(t, at)), None)
        if copied is None:
            rest += summary[at : at + len(word)]
            at += len(word)
            continue
        found += split_sentences(rest, language) if rest.strip() else []
        found.append(copied)
        rest, at = "", at + len(copied)
    return found + (split_sentences(rest, language) if rest.strip() else [])


def _point(text: str, sentences: list[dict], languages: tuple[str, str]) -> dict:
    """A summary sentence with the article's sentence it copies, else those that share most words
    with it (the second only with half the first's at least); one the check finds unsupported by
    them is replaced by the cited sentence it overlaps most."""
    source_language, target_language = languages
    words = set(_WORD.findall(text.lower()))
    shared = sorted(((len(words & set(_WORD.findall(s["translation"].lower()))), s) for s in sentences), key=lambda p: -p[0])
    ranked = [(count, s) for count, s in shared if count]
    same = [s for _, s in ranked if " ".join(s["translation"].split()) == " ".join(text.split())]
    cited = same[:1] or [s for count, s in ranked[:MOST_CITED] if 2 * count >= ranked[0][0]]
    besides = [(s["translation"], target_language) for s in cited] + [(s["source"], source_language) for s in cited]
    supported = bool(cited) and not factcheck.check(text, target_language, besides, both_ways=False)["unsupported"]
    point = {"text": text, "cites": cited, "supported": supported}
    if not point["supported"] and cited:
        point.update(text=cited[0]["translation"], cites=cited[:1], replaced=text, supported=True)
    return point


def _quotes(paragraphs: list[str], source: list[list[str]], target: list[list[str]], language: str) -> list[dict]:
    """The article's quotes with their speakers, each with where it is and its translation: the
    quoted span of its sentence's translation where the translation kept the marks, else that
    sentence."""
    found = []
    for index, quote in find_quotes(paragraphs, language):
        at = _sentence_at(source[index], quote.start)
        translated = target[index][at] if at < len(target[index]) else ""
        found.append(
            {
                "quote": quote.text,
                "translation": _quoted(translated) or translated,
                "speaker": quote.speaker,
                "attributed": quote.speaker is not None,
                "paragraph": index + 1,
                "sentence": at + 1,
            }
        )
    return found


def _sentence_at(sentences: list[str], offset: int) -> int:
    """The index of the sentence that holds `offset` of their paragraph (joined by spaces)."""
    end = -1
    for index, sentence in enumerate(sentences):
        end += len(sentence) + 1
        if offset <= end:
            return index
    return max(0, len(sentences) - 1)


def _quoted(text: str) -> str | None:
    for opening, closing in _CLOSING.items():
        start = text.find(opening)
        end = text.find(closing, start + 1) if start >= 0 else -1
        if start >= 0 and end > start + 1:
            return text[start + 1 : end].strip(" ,.;:")
    return None


def _names(sentences: list[dict], language: str, speakers: set[str | None] = frozenset()) -> list[dict]:
    """The names of the article, as it writes them, with how often and where first; a shorter
    name that ends or begins a longer one of capitalised words only ("Baradar", "Mullah Abdul
    Ghani Baradar") is counted as it. A lone capitalised word that opens a sentence is a name only
    where the article also writes it capitalised inside one, or a quote's speaker is that word
    ("Maria, madre di un bambino, racconta: «…»"); weekdays and months are dates, not names."""
    from summarize.text.quotes import name_runs

    runs: list[tuple[str, bool, dict]] = []
    for sentence in sentences:
        for words, start in name_runs(sentence["source"]):
            name = re.sub(r"['’]s$", "", " ".join(words))
            opens = len(words) == 1 and not sentence["source"][:start].strip(_OPENERS)
            if name and not factcheck.calendar_words(name, language):
                runs.append((name, opens, sentence))
    inside = {name for name, opens, _ in runs if not opens}
    inside_words = {word for name in inside for word in name.split()} | {speaker for speaker in speakers if speaker}
    seen: dict[str, dict] = {}
    for name, opens, sentence in runs:
        if opens and name not in inside_words:
            continue
        entry = seen.setdefault(name, {"name": name, "mentions": 0, "first": [sentence["paragraph"], sentence["sentence"]]})
        entry["mentions"] += 1
    merged: dict[str, dict] = {}
    for name in sorted(seen, key=lambda n: -len(n.split())):
        # A person's name written shorter; never a place inside an institution's ("Valencia").
        longer = next((m for m in merged if (m.endswith(" " + name) or m.startswith(name + " ")) and m.istitle()), None)
        if longer is not None:
            merged[longer]["mentions"] += seen[name]["mentions"]
            merged[longer]["also_written"].append(name)
            merged[longer]["first"] = min(merged[longer]["first"], seen[name]["first"])
        else:
            merged[name] = {**seen[name], "also_written": []}
    return sorted(merged.values(), key=lambda entry: (-entry["mentions"], entry["first"]))


def _numbers(sentences: list[dict], language: str) -> list[dict]:
    """Every number and date the article states, as written, with its sentence and translation."""
    found = []
    for sentence in sentences:
        for value, written in factcheck.numbers(sentence["source"], language):
            found.append({"value": f"{value:f}", "written": written, **_where(sentence)})
        for written, _ in factcheck.calendar_words(sentence["source"], language):
            found.append({"value": None, "written": written, **_where(sentence)})
    return found


def _where(sentence: dict) -> dict:
    return {key: sentence[key] for key in ("paragraph", "sentence", "source", "translation")}


def markdown(brief: dict, metadata: dict) -> str:
    """The brief as a page a journalist can paste: each point with its cited sentences (source and
    translation), the quotes with their speakers, the names, the numbers and dates."""
    languages = metadata["languages"]
    lines = [f"# {brief['headline']}", ""]
    engines = f"translator {metadata['translator']['alias']}, summariser {metadata['summarizer']['alias']}"
    lines += [f"*{metadata['source']} · {languages['source']} → {languages['target']} · {engines}*", "", "## Points", ""]
    for number, point in enumerate(brief["points"], 1):
        cited = ", ".join(f"¶{c['paragraph']}.{c['sentence']}" for c in point["cites"]) or "no sentence"
        flag = "" if point["supported"] else " ⚠ not supported by its sentences"
        lines.append(f"{number}. {point['text']} [{cited}]{flag}")
        for cite in point["cites"]:
            lines.append(f"   > ¶{cite['paragraph']}.{cite['sentence']} {cite['source']}")
            if cite["translation"] != cite["source"]:
                lines.append(f"   > — {cite['translation']}")
        if point.get("replaced"):
            lines.append(f"   (the summary's sentence, which its sentences do not support: {point['replaced']})")
    if brief["points_dropped"]:
        lines.append(f"\n*{len(brief['points_dropped'])} sentence(s) of the summary cite nothing in the article: left out.*")
    lines += ["", "## Quotes", ""]
    for quote in brief["quotes"]:
        said = quote["speaker"] or "unattributed"
        shown = quote["translation"] if quote["translation"] != quote["quote"] else quote["quote"]
        lines.append(f"- “{shown}” — {said} (¶{quote['paragraph']}.{quote['sentence']}; “{quote['quote']}”)")
    lines += [*([] if brief["quotes"] else ["None."]), "", "## Names", "", "| name | mentions | first | also written |"]
    lines.append("|---|---|---|---|")
    for name in brief["names"]:
        first = f"¶{name['first'][0]}.{name['first'][1]}"
        lines.append(f"| {name['name']} | {name['mentions']} | {first} | {', '.join(name['also_written'])} |")
    lines += ["", "## Numbers and dates", ""]
    for number in brief["numbers"]:
        lines.append(f"- **{number['written']}** (¶{number['paragraph']}.{number['sentence']}): {number['translation']}")
    return "\n".join(lines).rstrip() + "\n"
