"""`--optimize-for latency`: a sentence Apertium's routes agree on is theirs, unasked of the
model; the others go to the model and its per-sentence choice as under quality."""

from __future__ import annotations

import dataclasses

import pytest

from summarize.core.engines import Engines
from summarize.core.pipeline import Pipeline
from tests.helpers import mapping_translator

AGREED = "El puente abrió ayer por la tarde."
DISPUTED = "La alcaldesa, que llegó tarde, inauguró el puente nuevo."
ROUTES = {
    AGREED: ("The bridge opened yesterday afternoon.", "The bridge opened yesterday afternoon."),
    DISPUTED: ("The mayoress, that arrived late, opened the new bridge.", "Mayor late bridge new inaugurated who."),
}


@pytest.fixture()
def two_routes(monkeypatch):
    """Apertium's renderings along two routes: they agree on AGREED and not on DISPUTED."""
    from summarize.engines import apertium
    from summarize.engines.base import Translated

    def glosses(sentences, source, target, taken=slice(None)):
        return [Translated([ROUTES[s][k] for s in sentences], confidences=[1.0] * len(sentences)) for k in (0, 1)][taken]

    monkeypatch.setattr(apertium, "glosses", glosses)


def _model(seen: list[str]):
    from summarize.catalog.cards import Score
    from summarize.core.engines import CHOSEN_CHRF
    from summarize.text.choice import SIGNALS, WEIGHINGS

    def translate(sentence: str) -> str:
        seen.append(sentence)
        return {AGREED: "The bridge was opened yesterday evening.", DISPUTED: "The mayor, who came late, opened the new bridge."}[
            sentence
        ]

    model = mapping_translator(translate)
    never = dict.fromkeys(WEIGHINGS, {"intercept": -5.0, **dict.fromkeys(SIGNALS, 0.0)})  # the choice keeps the model's
    measured = tuple(Score("flores200-dev es-en", metric, 50.0, "a test's") for metric in CHOSEN_CHRF.values())
    model.card = dataclasses.replace(model.card, alias="a-model", choice=never, scores=measured)
    return model


def _translated(text: str, optimize_for: str, seen: list[str], by_paragraph: bool = False) -> list[tuple[str, str]]:
    model = _model(seen)
    model.by_paragraph = by_paragraph  # a chat model's paragraphs start where `starts` says
    engines = Engines(given={("translation", "es", "en"): model})
    notes: list[str] = []
    pipeline = Pipeline(to="en", source="es", engines=engines, notify=notes.append).varied(optimize_for=optimize_for)
    rows = [(row["translation"], row["translator"]) for row in pipeline.translate(text)["alignment"]]
    unasked = sum(translator == "apertium" for _, translator in rows)
    assert any(note.startswith(f"{unasked} of {len(rows)} sentence(s) in 'es' are Apertium's") for note in notes) == bool(unasked)
    return rows


@pytest.mark.parametrize("by_paragraph", [False, True])
def test_latency_asks_the_model_only_where_apertium_s_routes_disagree(two_routes, by_paragraph):
    seen: list[str] = []
    both = f"{AGREED} {DISPUTED}"
    assert _translated(both, "latency", seen, by_paragraph) == [
        ("The bridge opened yesterday afternoon.", "apertium"),
        ("The mayor, who came late, opened the new bridge.", "a-model"),
    ]
    assert seen == [DISPUTED]
    assert _translated(AGREED, "latency", []) == [("The bridge opened yesterday afternoon.", "apertium")]  # alone, the same
    seen.clear()
    assert [translator for _, translator in _translated(both, "quality", seen)] == ["a-model", "a-model"]
    assert seen == [AGREED, DISPUTED]


@pytest.mark.parametrize("unweighed", [{"choice": {}}, {"scores": ()}])
def test_latency_asks_the_model_for_every_sentence_where_its_card_weighs_no_choice(two_routes, unweighed, tmp_path):
    """No weights, or none measured on the pair: latency changes nothing, and says nothing of a
    glossary it could not have applied anyway."""
    glossary = tmp_path / "terms.csv"
    glossary.write_text("río,river\n", encoding="utf-8")
    seen: list[str] = []
    notes: list[str] = []
    model = _model(seen)
    model.card = dataclasses.replace(model.card, **unweighed)
    engines = Engines(given={("translation", "es", "en"): model})
    pipeline = Pipeline(to="en", source="es", engines=engines, notify=notes.append)
    pipeline.varied(optimize_for="latency").translate(f"{AGREED} {DISPUTED}")
    pipeline.varied(optimize_for="latency", glossary=str(glossary)).translate(f"{AGREED} {DISPUTED}")
    assert seen == [AGREED, DISPUTED] * 2
    assert not any("latency" in note for note in notes)


def test_latency_with_a_glossary_asks_the_model_for_every_sentence_and_says_so(two_routes, tmp_path):
    glossary = tmp_path / "terms.csv"
    glossary.write_text("río,river\n", encoding="utf-8")  # a term of the pair, in neither sentence
    seen: list[str] = []
    notes: list[str] = []
    engines = Engines(given={("translation", "es", "en"): _model(seen)})
    pipeline = Pipeline(to="en", source="es", engines=engines, notify=notes.append)
    pipeline.varied(optimize_for="latency", glossary=str(glossary)).translate(f"{AGREED} {DISPUTED}")
    assert seen == [AGREED, DISPUTED]
    assert "--optimize-for latency: with a glossary or alternatives, a-model translates every sentence" in notes
