"""How well the fact check catches seeded errors, and how often it flags faithful text.

    python benchmarks/factcheck.py [--sentences 997] [--articles 800] [--pairs spa,fra,deu,ita,por]

Translations: the human reference of each FLORES-200 dev sentence is checked as the translation
of its source (a span flagged there is a false alarm, or the reference's own liberty), then the
same reference with one error seeded, one kind at a time where the sentence allows it: a number
changed, a number dropped (a time's zero minutes aside), a name swapped for one the source does not have (a name another
sentence's source and reference write alike), a weekday or a month changed. An error counts as
caught only when the check names the seeded span (for a dropped number: the source's number,
lost). Summaries: the first two sentences of each XSum article and its two TextRank sentences
(verbatim extracts) are checked against the article, then seeded the same way (numbers changed,
names swapped, weekdays, months). Then one summary is checked against 20 MiB of English."""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import time
from pathlib import Path

from summarize.bench.environment import describe

LANGUAGES = {"spa": "es", "fra": "fr", "deu": "de", "ita": "it", "por": "pt"}
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
ALL_MONTHS = "January February March April May June July August September October November December".split()
#: May aside: the word is a verb too.
MONTHS = [month for month in ALL_MONTHS if month != "May"]
_DIGITS = re.compile(r"(?<![\w.,])\d+(?:,\d{3})*(?![\w,.]?\d)")
PARAGRAPH = (
    "The Ayuntamiento de Valencia approved on Monday a budget of 120,000 euros for the Turia gardens, said Mayor Joan Ribó. "
)
SUMMARY = (
    'Mayor Joan Ribó said on Monday that Valencia approved 120,000 euros for the Turia gardens and "a new bridge in Madrid".'
)


def seeds(text: str, source: str, source_language: str, names: list[str], rng: random.Random, translation: bool) -> dict:
    """Each kind of error `text` allows: kind -> (the text with the error, the span to be flagged).
    What is put in is absent from the source: a number of another value, a name it does not
    write, a weekday or month it does not name."""
    from summarize.text.factcheck import calendar_words, capitalised, numbers
    from summarize.text.plain import plain as _plain

    found = {}
    held = {value for value, _ in numbers(source, source_language)}
    candidates = [m for m in _DIGITS.finditer(text) if text.count(m.group()) == 1]
    if candidates:
        match = rng.choice(candidates)
        value = int(match.group().replace(",", ""))
        step = 10 ** max(0, len(str(value)) - 2)
        changed = next(f"{value + k * step:,}" for k in (1, 2, 3, 7, 11, 13) if value + k * step not in held)
        found["number changed"] = (text[: match.start()] + changed + text[match.end() :], changed)
        # A time's zero minutes ("11:00" to "11:") drop no fact: not a seed.
        if translation and not (match.group() == "00" and text[match.start() - 1 : match.start()] == ":"):
            dropped = (text[: match.start()].rstrip() + " " + text[match.end() :].lstrip()).strip()
            found["number dropped"] = (dropped, None)
    plain_source = _plain(source)
    own = [w for w in capitalised(text) if _plain(w) in plain_source and w not in WEEKDAYS + MONTHS + ["May"]]
    absent = [n for n in names if _plain(n) not in plain_source and n not in text]
    if own and absent:
        name = rng.choice(own)
        swap = rng.choice(absent)
        found["name swapped"] = (re.sub(rf"\b{re.escape(name)}\b", swap, text), swap)
    named = {entry for _, entry in calendar_words(source, source_language)}
    for kind, entry, table in (("weekday", "day", WEEKDAYS), ("month", "month", MONTHS)):
        said = [w for w in table if re.search(rf"\b{w}\b", text)]
        absent = [w for w in table if w not in text and (entry, _index(w)) not in named]
        if said and absent:
            new = rng.choice(absent)
            found[kind] = (re.sub(rf"\b{said[0]}\b", new, text), new)
    return found


def _index(word: str) -> int:
    """A weekday's or month's place in the calendar's tables (May included)."""
    return WEEKDAYS.index(word) if word in WEEKDAYS else ALL_MONTHS.index(word)


def caught(found: dict, span: str | None) -> bool:
    if span is None:
        return bool(found.get("missing"))
    return any(span in flagged for flagged, _ in found["unsupported"])


class Tally:
    def __init__(self, label: str):
        self.label, self.texts, self.flagged = label, 0, 0
        self.seeded: collections.Counter = collections.Counter()
        self.caught: collections.Counter = collections.Counter()
        self.alarms: collections.Counter = collections.Counter()
        self.missed: dict[str, list] = collections.defaultdict(list)

    def faithful(self, found: dict) -> None:
        self.texts += 1
        spans = [f"{span} ({kind})" for span, kind in found["unsupported"]] + [f"{s} (lost)" for s in found.get("missing", ())]
        self.flagged += bool(spans)
        self.alarms.update(spans)

    def seeded_error(self, kind: str, hit: bool, span) -> None:
        self.seeded[kind] += 1
        self.caught[kind] += hit
        if not hit:
            self.missed[kind].append(span)

    def report(self) -> None:
        rates = ", ".join(f"{k} {self.caught[k]}/{n} ({self.caught[k] / n:.1%})" for k, n in sorted(self.seeded.items()))
        share = self.flagged / max(1, self.texts)
        print(f"{self.label}: faithful flagged {self.flagged}/{self.texts} ({share:.1%}); caught: {rates}")
        print(f"  false alarms, most common: {', '.join(f'{s} x{n}' for s, n in self.alarms.most_common(15))}")
        for kind, spans in self.missed.items():
            print(f"  missed {kind}: {', '.join(str(s) for s in spans[:10])}")


def shared_names(records: list[dict]) -> list[str]:
    """Names a source and its reference write alike, over all records: the swaps' pool."""
    from summarize.text.factcheck import capitalised

    pool = {w for r in records for w in capitalised(r["ref"]) if re.search(rf"\b{re.escape(w)}\b", r["src"])}
    return sorted(w for w in pool if w not in WEEKDAYS + MONTHS and len(w) > 3)


def translations(pair: str, count: int, glossed: bool) -> None:
    from summarize.core.dictionaries import meanings
    from summarize.engines.apertium import glosses
    from summarize.text.factcheck import check

    records = [json.loads(line) for line in (SHARED / "flores200" / f"{pair}_eng.dev.jsonl").open()][:count]
    names = shared_names(records)
    language = LANGUAGES[pair]
    start = time.perf_counter()
    done = glosses([r["src"] for r in records], language, "en") if glossed else []
    if glossed and not done:
        return  # no Apertium route for the pair: the run without a gloss is the one
    how = f"with Apertium's glosses, {len(done)} route(s) ({time.perf_counter() - start:.1f} s)" if done else "without a gloss"
    tally, rng = Tally(f"{pair}->eng, {len(records)} references, {how}"), random.Random(0)
    for number, record in enumerate(records):
        sources, gloss = [(record["src"], language)], tuple(rendering.texts[number] for rendering in done)
        tally.faithful(check(record["ref"], "en", sources, both_ways=True, glosses=gloss, dictionary=meanings))
        for kind, (text, span) in seeds(record["ref"], record["src"], language, names, rng, translation=True).items():
            found = check(text, "en", sources, both_ways=True, glosses=gloss, dictionary=meanings)
            tally.seeded_error(kind, caught(found, span), span or f"{text!r} (from {record['src']!r})")
    tally.report()


def summaries(count: int) -> None:
    from summarize.catalog.cards import load_cards
    from summarize.engines.extractive import ExtractiveSummarizer
    from summarize.text.factcheck import check
    from summarize.text.segment import split_sentences

    articles = [json.loads(line) for line in (SHARED / "xsum" / "test.jsonl").open()][:count]
    textrank = ExtractiveSummarizer(load_cards()["textrank"])
    rng = random.Random(0)
    extracts = []
    for article in articles:
        sentences = [s for p in article["document"].split("\n") if p.strip() for s in split_sentences(p.strip(), "en")]
        extracts.append(("lead", article, " ".join(sentences[:2])))
        extracts.append(("textrank", article, " ".join(sentences[i] for i in textrank.chosen(sentences, 2, "en"))))
    names = shared_names([{"src": a["document"], "ref": e} for _, a, e in extracts])
    tallies = {method: Tally(f"{method}-2 extracts of {len(articles)} XSum articles") for method in ("lead", "textrank")}
    for method, article, extract in extracts:
        sources = [(article["document"], "en")]
        tallies[method].faithful(check(extract, "en", sources, both_ways=False))
        for kind, (text, span) in seeds(extract, article["document"], "en", names, rng, translation=False).items():
            tallies[method].seeded_error(kind, caught(check(text, "en", sources, both_ways=False), span), span)
    for tally in tallies.values():
        tally.report()


def largest_input() -> None:
    from summarize.text.factcheck import check

    paragraph = PARAGRAPH * 8
    sources = [(paragraph, "en")] * (20 * 2**20 // len(paragraph))
    start = time.perf_counter()
    found = check(SUMMARY, "en", sources, both_ways=False)
    print(f"a summary against 20 MiB of English ({len(sources):,} paragraphs): {time.perf_counter() - start:.1f} s, {found}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=997)
    parser.add_argument("--articles", type=int, default=800)
    parser.add_argument("--pairs", default=",".join(LANGUAGES))
    parser.add_argument("--largest", action="store_true", help="also time a summary against 20 MiB of English")
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} is absent: this benchmark reads the shared FLORES-200 and XSum sets")
    info = describe()
    print(f"CPU: {info['cpu']} ({info['cpu_class']}; {', '.join(info['cpu_features'])}), {info['cores']} cores")
    start = time.perf_counter()
    for pair in filter(None, args.pairs.split(",")):
        for glossed in (False, True):
            translations(pair, args.sentences, glossed)
    if args.articles:
        summaries(args.articles)
    print(f"checked in {time.perf_counter() - start:.0f} s")
    if args.largest:
        largest_input()


if __name__ == "__main__":
    main()
