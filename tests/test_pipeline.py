"""Map-reduce over long documents and translation that keeps every sentence in place."""

from __future__ import annotations

import pytest

from summarize.cards import card_for_folder
from summarize.engines.base import Translator
from summarize.engines.huggingface import HFSummarizer
from summarize.jobs import Options, summarize_article
from summarize.pipeline import summarize_sentences, translate_paragraphs
from summarize.text.document import Document
from tests.corpus import ENGLISH, SPANISH


class TaggingTranslator(Translator):
    """A fake that records each call and marks every sentence, to check order and batching."""

    engine_name = "fake"
    max_input_tokens = 8

    def __init__(self):
        from summarize.cards import load_cards

        self.card = load_cards()["apertium"]
        self.calls: list[list[str]] = []

    def translate_batch(self, sentences, source, target):
        self.calls.append(list(sentences))
        return [f"<{s}>" for s in sentences]


def test_translation_keeps_paragraphs_order_and_splits_long_sentences():
    paragraphs = [SPANISH[:2], SPANISH[2:3], SPANISH[3:7]]
    translator = TaggingTranslator()
    result = translate_paragraphs(paragraphs, translator, "es", "en")
    assert [len(p) for p in result.target] == [2, 1, 4]
    for source_paragraph, target_paragraph in zip(paragraphs, result.target):
        for source, target in zip(source_paragraph, target_paragraph):
            assert target.replace("<", "").replace(">", "").split() == source.split()
    assert result.split_sentences == sum(len(s.split()) > 8 for p in paragraphs for s in p)
    assert all(len(piece.split()) <= 8 for call in translator.calls for piece in call)


def test_long_document_map_reduce_accounts_for_every_chunk(tiny_models):
    summarizer = HFSummarizer.from_card(card_for_folder(tiny_models["bart"], "summarization"), device="cpu")
    sentences = ENGLISH * 12
    summary = summarize_sentences(sentences, summarizer, "medium", "en")
    assert len(summary.chunks_per_level) >= 2 and summary.chunks_per_level[-1] == 1
    assert summary.chunks_per_level == sorted(summary.chunks_per_level, reverse=True)
    assert summary.text


def test_summarize_first_translates_only_the_summary(tiny_models):
    doc = Document(tuple(" ".join(SPANISH[i:i + 2]) for i in range(0, 10, 2)), "test")
    options = Options(source="es", target="en", order="summarize-first", summarizer="lead",
                      translator=str(tiny_models["marian"]), device="cpu")
    result = summarize_article(doc, options, notify=lambda m: None)
    assert result["metadata"]["order"] == "summarize-first"
    assert result["metadata"]["summarizer"]["alias"] == "lead"


def test_summarize_first_refuses_an_english_only_summariser_for_spanish(tiny_models):
    from summarize.errors import SummarizeError

    doc = Document((" ".join(SPANISH),), "test")
    options = Options(source="es", order="summarize-first", summarizer=str(tiny_models["bart"]), device="cpu")
    with pytest.raises(SummarizeError, match="summarize-first"):
        summarize_article(doc, options, notify=lambda m: None)
