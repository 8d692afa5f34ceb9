"""How well a brief's parts are found, per language, on labelled sets: quotes with their
speakers in real BBC articles from ../shared's XSum (the labels name the article, paragraph and
first words; the text is read at run time) and in articles written for it in the five other
languages.

    python benchmarks/briefs.py [--misses]

Two sets: `dev`, the one the rules were written against (`quotes_xsum.jsonl`, 43 English quotes;
`quotes_written.jsonl`, 63 in Spanish, French, German, Italian and Portuguese), and `held-out`
(`quotes_xsum_heldout.jsonl`, 41 English quotes from six other XSum articles, labelled before the
rules were run on them).

A labelled quote is found when a quote the rules find starts with its first words; its speaker
is right when the one found names the labelled speaker (one of the names the article gives
them: one holds the other, case aside); an unattributed quote is right when none is found."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DATA = Path(__file__).with_name("data")
XSUM = Path(__file__).resolve().parents[2] / "shared" / "data" / "xsum" / "test.jsonl"


def _lines(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


def labelled(split: str) -> list[dict]:
    """Articles with their paragraphs, language and labelled quotes."""
    articles = _lines("quotes_written.jsonl") if split == "dev" else []
    labels = _lines("quotes_xsum.jsonl" if split == "dev" else "quotes_xsum_heldout.jsonl")
    if not XSUM.exists():
        print(f"{XSUM} is not here: the English (XSum) quotes are skipped")
        return articles
    wanted = {label["article"] for label in labels}
    texts = {}
    for line in XSUM.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] in wanted:
            texts[record["id"]] = record["document"].split("\n")
    for name in dict.fromkeys(label["article"] for label in labels):
        quotes = [label for label in labels if label["article"] == name]
        articles.append({"id": name, "language": "en", "paragraphs": texts[name], "quotes": quotes})
    return articles


def right_speaker(found: str | None, names: list[str] | None) -> bool:
    if names is None:
        return found is None
    if not found:
        return False
    said = found.casefold()
    return any(name.casefold() in said or said in name.casefold() for name in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="Print each quote missed or misattributed.")
    args = parser.parse_args()

    from summarize.text.quotes import find_quotes

    print("| set | language | quotes | found | attributed | speaker right (of attributed) |\n|---|---|---|---|---|---|")
    for split in ("dev", "held-out"):
        totals: dict[str, list[int]] = {}
        for article in labelled(split):
            language = article["language"]
            found = find_quotes(article["paragraphs"], language)
            counts = totals.setdefault(language, [0, 0, 0, 0])  # quotes, found, attributed labels, speakers right
            for label in article["quotes"]:
                counts[0] += 1
                counts[2] += label["speaker"] is not None
                match = next((q for i, q in found if i == label["paragraph"] and q.text.startswith(label["starts"])), None)
                if match is None:
                    if args.misses:
                        print(f"  missed {article['id']} ¶{label['paragraph']}: {label['starts']}")
                    continue
                counts[1] += 1
                right = right_speaker(match.speaker, label["speaker"])
                counts[3] += right and label["speaker"] is not None
                if args.misses and not right:
                    said = f"{match.speaker!r} for {label['speaker']}"
                    print(f"  speaker {said} in {article['id']} ¶{label['paragraph']}: {label['starts']}")
        for language, (quotes, found, attributed, right) in sorted(totals.items()):
            print(
                f"| {split} | {language} | {quotes} | {100 * found / quotes:.1f}% | {attributed} | "
                f"{100 * right / attributed:.1f}% |"
            )


if __name__ == "__main__":
    main()
