"""How many Gemma 3 270M summaries ship a span their article does not support, before and after
the fact check's repair, and what the repair costs in ROUGE.

    python benchmarks/summary_repair.py [--articles 200] [--summarizer gemma-3-270m] [--length 1]

Each of the first N articles of the shared XSum set is summarised with the chat model (English to
English, llama.cpp): the model's summary is checked against the article, asked again once with
the unsupported spans named, and every sentence still unsupported is replaced by the article's
sentence with the most words in common (core/jobs.py `_repaired`). "Before" is the summary as it
stood after the revision (the repaired sentences put back), "after" is what ships. ROUGE-1/2/L
against XSum's one-sentence references, rouge-score's F-measure as `summarize bench` reports it."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from summarize.bench.environment import describe

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def before_repair(summary: str, repaired: list[dict]) -> str:
    """The summary with each replaced sentence put back where its replacement stands."""
    text = summary
    for entry in repaired:
        if entry["step"] != "summary":
            continue
        if entry["replacement"] in text:
            text = text.replace(entry["replacement"], entry["sentence"], 1)
        else:
            text = f"{text} {entry['sentence']}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--summarizer", default="gemma-3-270m")
    parser.add_argument("--length", default="1")
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} is absent: this benchmark reads the shared XSum set")

    from summarize import Pipeline
    from summarize.bench.quality import rouge_item, rouge_scorer

    info = describe()
    print(f"CPU: {info['cpu']} ({info['cpu_class']}; {', '.join(info['cpu_features'])}), {info['cores']} cores")
    articles = [json.loads(line) for line in (SHARED / "xsum" / "test.jsonl").open()][: args.articles]
    pipeline = Pipeline(to="en", source="en", summarizer=args.summarizer, length=args.length, notify=lambda _: None)
    scorer = rouge_scorer("en")
    flagged = {"before": 0, "after": 0}
    totals = {"before": {}, "after": {}}
    replaced = 0
    start = time.perf_counter()
    for article in articles:
        result = pipeline.article(article["document"])
        check = result["metadata"]["fact_check"]
        repaired = [entry for entry in check["repaired"] if entry["step"] == "summary"]
        still = [entry for entry in check["unsupported"] if entry["step"] == "summary"]
        replaced += len(repaired)
        texts = {"before": before_repair(result["summary"], repaired), "after": result["summary"]}
        flagged["before"] += bool(repaired or still)
        flagged["after"] += bool(still)
        for label, text in texts.items():
            for metric, value in rouge_item(scorer, text, article["summary"], "en").items():
                totals[label][metric] = totals[label].get(metric, 0.0) + value
    seconds = time.perf_counter() - start
    count = len(articles)
    print(f"{count} XSum articles, {args.summarizer}, length {args.length}: {seconds:.0f} s ({seconds / count:.1f} s an article)")
    print(f"sentences replaced: {replaced}")
    for label in ("before", "after"):
        rouge = " / ".join(f"{totals[label][m] / count:.2f}" for m in ("rouge1", "rouge2", "rougeL"))
        share = flagged[label] / count
        print(f"{label} repair: {flagged[label]} of {count} with an unsupported span ({share:.1%}); ROUGE-1/2/L {rouge}")


if __name__ == "__main__":
    main()
