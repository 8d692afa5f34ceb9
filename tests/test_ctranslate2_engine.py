"""The ctranslate2 engine on converted tiny models: same outputs as transformers in float32."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from summarize.catalog.cards import card_for_folder
from summarize.catalog.conversions import convert, find_converted
from summarize.cli import cli
from summarize.engines.ctranslate2 import CT2Model
from summarize.engines.huggingface import TransformersModel
from summarize.errors import EngineUnavailableError
from tests.corpus import ENGLISH, SPANISH

ARCHITECTURES = {
    "marian": "translation",
    "m2m_100": "translation",
    "nllb": "translation",
    "bart": "summarization",
    "t5": "summarization",
    "mt5": "summarization",
}
INPUTS = SPANISH + ENGLISH


@pytest.fixture(scope="module")
def converted(tiny_models, tmp_path_factory):
    """float32 conversions of every tiny model CTranslate2 supports, made once."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUMMARIZE_HOME", str(tmp_path_factory.mktemp("ct2-home")))
        return {a: convert(card_for_folder(tiny_models[a], t), "float32") for a, t in ARCHITECTURES.items()}


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
def test_float32_greedy_equals_transformers_token_for_token(tiny_models, converted, architecture):
    task = ARCHITECTURES[architecture]
    card = card_for_folder(tiny_models[architecture], task)
    reference = TransformersModel(card, "cpu")
    engine = CT2Model(card, converted[architecture], "cpu", task)
    languages = {"source": "es", "target": "en"} if task == "translation" else {}
    expected, got = reference.generate(INPUTS, **languages), engine.generate(INPUTS, **languages)
    assert got == expected
    assert len(set(got)) > 1
    # The confidence of the same decoding: CTranslate2 scores over the vocabulary it searches
    # (Marian's target pieces only, a retry's without its bans), so a little higher at most.
    if task == "translation":
        ids = [engine.encode(text, "es", "en") for text in INPUTS]
        scored = engine.generate_ids(ids, {**engine.generation(None, "en"), "scored": True})
        reference_scored = reference.generate_ids(ids, {**reference.generation(None, "en"), "scored": True})
        assert [g.mean_logprob for g in scored] == pytest.approx([g.mean_logprob for g in reference_scored], rel=1e-2)


def test_the_n_best_are_distinct_and_led_as_transformers_leads(tiny_models, converted):
    card = card_for_folder(tiny_models["marian"], "translation")
    engine = CT2Model(card, converted["marian"], "cpu", "translation")
    ranked = engine.ranked_translations(SPANISH, "es", "en", 3)
    assert all(len(set(found)) == len(found) <= 3 for found in ranked) and any(len(found) > 1 for found in ranked)
    # The same weights in transformers, its beam search as wide: the same hypotheses lead.
    reference = TransformersModel(card, "cpu").ranked_translations(SPANISH, "es", "en", 3)
    assert sum(found[0] == other[0] for found, other in zip(ranked, reference)) >= len(SPANISH) // 2


def test_translation_to_another_language_forces_its_token(tiny_models, converted):
    card = card_for_folder(tiny_models["nllb"], "translation")
    engine = CT2Model(card, converted["nllb"], "cpu", "translation")
    reference = TransformersModel(card, "cpu")
    assert engine.generate(SPANISH[:4], target="fr", source="es") == reference.generate(SPANISH[:4], target="fr", source="es")


def test_conversion_is_not_overwritten_without_force(tiny_models):
    card = card_for_folder(tiny_models["marian"], "translation")
    folder = convert(card, "int8")
    assert json.loads((folder / "summarize.json").read_text())["quantization"] == "int8"
    with pytest.raises(EngineUnavailableError, match="--force"):
        convert(card, "int8")
    assert convert(card, "int8", force=True) == folder
    assert [p.name for p in folder.parent.iterdir() if p.name.startswith(".")] == []


def test_unsupported_architecture_fails_in_one_line(tiny_models):
    with pytest.raises(EngineUnavailableError) as caught:
        convert(card_for_folder(tiny_models["pegasus"], "summarization"), "float32")
    assert "\n" not in str(caught.value)


def test_auto_prefers_the_converted_model(tiny_models, tmp_path):
    card = card_for_folder(tiny_models["marian"], "translation")
    assert find_converted(card, "cpu") is None
    path = tmp_path / "es.txt"
    path.write_text(" ".join(SPANISH[:3]), encoding="utf-8")
    args = ["translate", str(path), "--from", "es", "--model", str(tiny_models["marian"]), "--format", "json"]
    before = json.loads(CliRunner().invoke(cli, args).stdout)["metadata"]["translator"]
    assert before["engine"] == "transformers"
    convert(card, "int8")
    after = CliRunner().invoke(cli, args)
    meta = json.loads(after.stdout)["metadata"]["translator"]
    assert meta["engine"] == "ctranslate2" and meta["quantization"] == "int8"
    assert "ctranslate2 int8" in after.stderr


def test_models_convert_offline_without_weights_is_one_line():
    result = CliRunner().invoke(cli, ["models", "convert", "opus-mt-es-en"])
    assert result.exit_code == 4 and result.output.count("\n") == 1


def test_marian_output_is_limited_to_the_target_vocabulary(tmp_path):
    """OPUS-MT models share one vocabulary between a source and a target sentencepiece model:
    the converted model chooses among target pieces only, which equals transformers with every
    other piece suppressed."""
    import sentencepiece

    from tests.tiny_models import build_marian

    folder = build_marian(tmp_path / "marian2", two_vocabularies=True)
    card = card_for_folder(folder, "translation")
    converted = convert(card, "float32")
    engine = CT2Model(card, converted, "cpu", "translation")
    target = sentencepiece.SentencePieceProcessor(model_file=str(folder / "target.spm"))
    pieces = {target.id_to_piece(i) for i in range(target.get_piece_size())}
    assert (
        engine.output_vocabulary
        == len([t for t in json.loads((converted / "shared_vocabulary.json").read_text()) if t in pieces])
        < len(engine.target_ids) - 50
    )
    reference = TransformersModel(card, "cpu")
    vocab = reference.tokenizer.get_vocab()
    allowed = {vocab[p] for p in pieces if p in vocab} | {0, 1}
    config = reference.settings_for()
    config.suppress_tokens = [i for i in range(reference.model.config.vocab_size) if i not in allowed]
    expected = []
    for text in INPUTS:
        ids = reference.model.generate(**reference.tokenizer(text, return_tensors="pt"), generation_config=config)
        expected.append(reference.tokenizer.decode(ids[0], skip_special_tokens=True).strip())
    assert engine.generate(INPUTS, target="en") == expected


def test_lengths_come_from_config_json_without_a_generation_config(tiny_models, tmp_path):
    """The conversion writes the generation config transformers derives from config.json."""
    import shutil

    folder = tmp_path / "bart-old-style"
    shutil.copytree(tiny_models["bart"], folder)
    (folder / "generation_config.json").unlink()
    config = json.loads((folder / "config.json").read_text())
    config.update(num_beams=3, max_length=15, min_length=5)
    (folder / "config.json").write_text(json.dumps(config))
    card = card_for_folder(folder, "summarization")
    options = CT2Model(card, convert(card, "float32"), "cpu", "summarization").settings_for()
    assert (options["beam_size"], options["max_decoding_length"], options["min_decoding_length"]) == (3, 14, 4)
