"""Reading, paragraphs, segmentation and chunking: nothing is ever lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize.documents.readers import read_source
from summarize.errors import InputError
from summarize.text.chunk import chunk_sentences, split_long_sentence
from summarize.text.document import split_paragraphs
from summarize.text.segment import split_sentences


def _letters(text: str) -> str:
    return "".join(text.split())


def test_paragraphs_split_on_blank_lines_and_join_wrapped_lines():
    assert split_paragraphs("One line\nwrapped.\n\n  \nTwo.\r\n\r\nThree.") == ["One line wrapped.", "Two.", "Three."]


def test_text_without_blank_lines_has_a_paragraph_per_line():
    assert split_paragraphs("First.\nSecond.\n") == ["First.", "Second."]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no text"),
        (b"  \n\n \t\n", "no text"),
        (b"\x7fELF\x02\x01\x00\x00\x00", "binary"),
    ],
)
def test_unreadable_files_are_refused(tmp_path, content, message):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_source(str(path))


def test_missing_file_is_refused():
    with pytest.raises(InputError, match="no such file"):
        read_source("does-not-exist.txt")


def test_latin1_file_is_decoded(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("El niño comió piñas en la montaña durante el año pasado con su señora.".encode("latin-1"))
    assert "niño" in read_source(str(path)).paragraphs[0]


def test_utf16_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_text("El niño comió piñas.\n\nSegundo párrafo.", encoding="utf-16")
    assert read_source(str(path)).paragraphs == ("El niño comió piñas.", "Segundo párrafo.")


def test_oversized_input_is_refused_not_cut(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    with pytest.raises(InputError, match="larger than"):
        read_source(str(path), max_bytes=100)


def test_html_file_gives_main_text(tmp_path):
    path = tmp_path / "page.html"
    body = "".join(
        f"<p>{s}</p>"
        for s in [
            "The council approved the budget on Tuesday after a long debate about buses and bridges.",
            "Officials said three new bus lines would open before the winter, and two bridges would be repaired.",
            "Residents worried about higher taxes, while shop owners welcomed the plan for the town centre.",
        ]
    )
    path.write_text(f"<html><head><title>T</title></head><body><nav>Menu Home</nav><article>{body}</article></body></html>")
    doc = read_source(str(path))
    assert any("council approved" in p for p in doc.paragraphs)
    assert len(doc.paragraphs) == 3


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "It rained. Schools closed! Why? Nobody knows.", ["It rained.", "Schools closed!", "Why?", "Nobody knows."]),
        ("en", "Prices rose 3.5 percent. Mr. Smith disagreed.", ["Prices rose 3.5 percent.", "Mr. Smith disagreed."]),
        ("es", "¿Qué pasó? Llovió mucho. ¡Qué lluvia!", ["¿Qué pasó?", "Llovió mucho.", "¡Qué lluvia!"]),
    ],
)
def test_sentences(language, text, expected):
    assert split_sentences(text, language) == expected


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=300),
    st.sampled_from(["en", "es", "pt", "fr"]),
)
def test_segmentation_keeps_every_character_in_order(text, language):
    assert _letters(" ".join(split_sentences(text, language))) == _letters(text)


def _word_count(text: str) -> int:
    return len(text.split())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="abc ,;.xyzé", min_size=1, max_size=120), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=12),
)
def test_chunks_fit_the_budget_and_keep_everything(sentences, budget):
    sentences = [s for s in sentences if s.strip()]
    groups, _ = chunk_sentences(sentences, budget, _word_count)
    assert all(_word_count(" ".join(g)) <= budget for g in groups)
    assert _letters(" ".join(s for g in groups for s in g)) == _letters(" ".join(sentences))


def test_long_sentence_splits_at_clauses_first():
    sentence = "one two three, four five six, seven eight nine"
    assert split_long_sentence(sentence, 3, _word_count) == ["one two three,", "four five six,", "seven eight nine"]


def test_a_single_huge_word_is_split_by_characters():
    pieces = split_long_sentence("x" * 50, 10, len)
    assert all(len(p) <= 10 for p in pieces) and "".join(pieces) == "x" * 50


@pytest.mark.parametrize(
    ("translation", "source_sentence", "languages", "expected"),
    [
        ("until 120.000 cubic metres", "hasta 120.000 metros cúbicos", ("es", "en"), "until 120,000 cubic metres"),
        ("3,5 km and 1.234,56 euros", "3,5 km y 1.234,56 euros", ("es", "en"), "3.5 km and 1,234.56 euros"),
        ("hasta 120,000 metros y 3.5 km", "until 120,000 metres and 3.5 km", ("en", "es"), "hasta 120.000 metros y 3,5 km"),
        (
            "a city of 120 000 people, 3,5 %",
            "une ville de 120 000 habitants, 3,5 %",
            ("fr", "en"),
            "a city of 120,000 people, 3.5 %",
        ),
        # Already in the target's convention, not in the source, or not a number with separators: kept.
        ("until 120,000 cubic metres", "hasta 120.000 metros cúbicos", ("es", "en"), "until 120,000 cubic metres"),
        ("in 2019, 1.5 and 120.000", "en 2019, 1.5 y 120", ("es", "en"), "in 2019, 1.5 and 120.000"),
        ("von 120.000", "de 120.000", ("es", "de"), "von 120.000"),
    ],
)
def test_numbers_copied_from_the_source_are_written_in_the_targets_convention(translation, source_sentence, languages, expected):
    from summarize.text.numbers import in_convention

    assert in_convention(translation, source_sentence, *languages)[0] == expected


@pytest.mark.skipif(not __import__("shutil").which("apertium"), reason="needs Apertium")
def test_the_example_articles_numbers_read_in_english_through_apertium():
    from summarize.core.pipeline import Pipeline

    example = Path(__file__).resolve().parents[1] / "examples" / "noticia-valencia.es.txt"
    result = Pipeline(to="en", source="es", engine="apertium").translate(example)
    text = "\n".join(result["paragraphs"])
    assert "120,000 cubic metres" in text and "120.000" not in text
    assert result["metadata"]["counts"]["numbers_in_target_convention"] == 1


def test_a_sentence_across_a_line_break_is_one_paragraph():
    text = "El Ayuntamiento aprobó ayer por la tarde\nel presupuesto.\nLos vecinos piden parques:\nmás árboles.\n- uno\n- dos"
    assert split_paragraphs(text) == [
        "El Ayuntamiento aprobó ayer por la tarde el presupuesto.",
        "Los vecinos piden parques:",
        "más árboles.",
        "- uno",
        "- dos",
    ]
