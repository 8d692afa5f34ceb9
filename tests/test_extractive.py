"""Weight-free summarisers on real text."""

from __future__ import annotations

import pytest

from summarize.catalog.cards import load_cards
from summarize.engines.extractive import ExtractiveSummarizer, pagerank
from summarize.text.document import split_paragraphs
from summarize.text.segment import split_sentences
from tests.corpus import ENGLISH
from tests.helpers import shared_file


def _summarizer(alias: str) -> ExtractiveSummarizer:
    return ExtractiveSummarizer.from_card(load_cards()[alias])


def test_lead_takes_the_first_sentences():
    assert _summarizer("lead").summarize_batch([ENGLISH], "medium", "en")[0] == " ".join(ENGLISH[:3])


@pytest.mark.parametrize(("length", "count"), [("short", 1), ("medium", 3), ("long", 5)])
@pytest.mark.parametrize("alias", ["textrank", "lexrank"])
def test_graph_summaries_pick_whole_sentences_in_document_order(alias, length, count):
    article = shared_file("articles", "taliban-china.en.txt").read_text(encoding="utf-8")
    sentences = [s for p in split_paragraphs(article) for s in split_sentences(p, "en")]
    summary = _summarizer(alias).summarize_batch([sentences], length, "en")[0]
    chosen = [s for s in sentences if s in summary]
    assert len(chosen) == count
    positions = [summary.index(s) for s in chosen]
    assert positions == sorted(positions)


def test_textrank_prefers_the_central_sentence():
    sentences = [
        "The bridge was closed after the storm damaged the bridge supports.",
        "Engineers inspected the bridge supports after the storm.",
        "The storm damaged the bridge and engineers closed the bridge supports area.",
        "A cat slept in the sun.",
    ]
    assert _summarizer("textrank").rank(sentences)[-1] == 3


def test_pagerank_of_a_symmetric_graph_is_uniform():
    import numpy as np

    scores = pagerank(np.ones((4, 4)) - np.eye(4))
    assert np.allclose(scores, 0.25)


def test_a_huge_document_is_ranked_in_chunks_not_one_giant_matrix():
    import random

    from tests.helpers import summarize_alone

    rng = random.Random(3)
    sentences = [f"{rng.choice(ENGLISH)[:-1]} number {i}." for i in range(6000)]
    summary = summarize_alone(sentences, _summarizer("textrank"), "medium", "en")
    assert len(summary.chunks_per_level) == 2 and summary.chunks_per_level[-1] == 1
    assert summary.chunks_per_level[0] >= 6000 * 17 // 20_000
    assert set(split_sentences(summary.text, "en")) <= set(sentences)


@pytest.mark.parametrize(
    ("sentence", "language", "leans"),
    [
        ("In his opinion, the deposits are useful.", "en", True),
        ("However, the council voted.", "en", True),
        ("This year the council voted.", "en", False),
        ("It is expected to rain.", "en", False),
        ("Sin embargo, el pleno votó.", "es", True),
        ("Este año el pleno votó.", "es", False),
        ("Selon lui, les travaux sont utiles.", "fr", True),
        ("Le maire a parlé.", "fr", False),
    ],
)
def test_openings_that_lean_on_the_sentence_before(sentence, language, leans):
    from summarize.engines.extractive import leans_on_previous

    assert leans_on_previous(sentence, language) is leans


def test_a_leaning_sentence_is_chosen_only_with_the_one_before_it():
    summarizer = ExtractiveSummarizer(load_cards()["textrank"])
    sentences = ["The council met.", "The flood plan costs forty million.", "However, the flood plan is late."]
    summarizer.rank = lambda _: [2, 0, 1]  # the leaning sentence ranked first
    assert summarizer.chosen(sentences, 1, "en") == [0]
    assert summarizer.chosen(sentences, 2, "en") == [0, 1]
    assert summarizer.chosen(sentences, 3, "en") == [0, 1, 2]


@pytest.mark.skipif(not __import__("shutil").which("apertium"), reason="needs Apertium")
def test_the_example_articles_short_summary_does_not_open_on_a_dangling_pronoun():
    from pathlib import Path

    from summarize.core.pipeline import Pipeline
    from summarize.engines.extractive import leans_on_previous

    example = Path(__file__).resolve().parents[1] / "examples" / "noticia-valencia.es.txt"
    summary = Pipeline(to="en", source="es", engine="auto", length="short").article(example)["summary"]
    assert summary and not leans_on_previous(summary, "en"), summary
