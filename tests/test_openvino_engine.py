"""The openvino engine on a converted tiny BART and Marian: transformers' outputs in float32, with
greedy and with beam search under the settings BART summarisers and OPUS-MT use."""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from summarize.catalog.cards import card_for_folder
from summarize.catalog.conversions import convert, find_converted
from summarize.cli import cli
from summarize.engines.huggingface import TransformersModel
from summarize.engines.openvino import OVModel
from summarize.errors import EngineUnavailableError
from tests.corpus import ENGLISH, SPANISH

INPUTS = ENGLISH + SPANISH
CNN_SETTINGS = {
    "num_beams": 4,
    "min_new_tokens": 6,
    "max_new_tokens": 20,
    "length_penalty": 2.0,
    "no_repeat_ngram_size": 3,
    "early_stopping": True,
    "forced_bos_token_id": 0,
    "forced_eos_token_id": 2,
}


@pytest.fixture(scope="module")
def converted(tiny_models, tmp_path_factory):
    """float32 and int8 OpenVINO conversions of the tiny BART, and float32 of the tiny Marian, made once."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUMMARIZE_HOME", str(tmp_path_factory.mktemp("openvino-home")))
        card = card_for_folder(tiny_models["bart"], "summarization")
        folders = {q: convert(card, q, runtime="openvino") for q in ("float32", "int8")}
        marian = card_for_folder(tiny_models["marian"], "translation")
        folders["marian"] = convert(marian, "float32", runtime="openvino")
        return folders


@pytest.mark.parametrize(
    "generation",
    [{}, CNN_SETTINGS, {**CNN_SETTINGS, "num_beams": 3, "early_stopping": False, "length_penalty": 0.5}],
    ids=["greedy", "cnn-beam4", "beam3-heuristic-stop"],
)
def test_float32_equals_transformers_token_for_token(tiny_models, converted, generation):
    card = dataclasses.replace(card_for_folder(tiny_models["bart"], "summarization"), generation=generation)
    expected = TransformersModel(card, "cpu").generate(INPUTS)
    got = OVModel(card, converted["float32"]).generate(INPUTS)
    assert got == expected, [pair for pair in zip(expected, got) if pair[0] != pair[1]]
    assert len(set(got)) > 1


@pytest.mark.parametrize("generation", [{}, {"num_beams": 4, "max_new_tokens": 16}], ids=["greedy", "beam4"])
def test_marian_float32_translation_equals_transformers(tiny_models, converted, generation):
    card = dataclasses.replace(card_for_folder(tiny_models["marian"], "translation"), generation=generation)
    expected = TransformersModel(card, "cpu").generate(SPANISH, target="en")
    got = OVModel(card, converted["marian"]).generate(SPANISH, target="en")
    assert got == expected, [pair for pair in zip(expected, got) if pair[0] != pair[1]]
    assert len(set(got)) > 1
    reference = TransformersModel(card, "cpu").translate(SPANISH, "es", "en")
    confident = OVModel(card, converted["marian"]).translate(SPANISH, "es", "en")
    assert confident.texts == reference.texts
    assert confident.confidences == pytest.approx(reference.confidences, rel=1e-3)


def test_int8_conversion_summarises_every_input(tiny_models, converted):
    card = dataclasses.replace(card_for_folder(tiny_models["bart"], "summarization"), generation=CNN_SETTINGS)
    model = OVModel(card, converted["int8"])
    assert model.quantization == "int8"
    outputs = model.generate(INPUTS)
    assert len(outputs) == len(INPUTS) and all(outputs)


def test_a_setting_the_engine_does_not_apply_is_refused(tiny_models, converted):
    card = dataclasses.replace(
        card_for_folder(tiny_models["bart"], "summarization"), generation={"num_beams": 2, "repetition_penalty": 1.3}
    )
    with pytest.raises(EngineUnavailableError, match="repetition_penalty"):
        OVModel(card, converted["float32"]).generate(INPUTS[:1])


@pytest.mark.parametrize("architecture", ["pegasus", "t5", "m2m_100"])
def test_other_architectures_fail_in_one_line(tiny_models, architecture):
    with pytest.raises(EngineUnavailableError) as caught:
        convert(card_for_folder(tiny_models[architecture], "summarization"), "int8", runtime="openvino")
    assert "\n" not in str(caught.value) and "BART and Marian" in str(caught.value)


def test_ctranslate2_quantizations_are_refused_for_openvino(tiny_models):
    with pytest.raises(EngineUnavailableError, match="int8, float32"):
        convert(card_for_folder(tiny_models["bart"], "summarization"), "float16", runtime="openvino")


@pytest.mark.slow  # an OpenVINO conversion of its own, 12 s on 2 cores
def test_auto_prefers_the_openvino_conversion_for_summaries(tiny_models, tmp_path, vnni_cpu):
    card = card_for_folder(tiny_models["bart"], "summarization")
    assert find_converted(card, "cpu", "openvino") is None
    path = tmp_path / "en.txt"
    path.write_text(" ".join(ENGLISH[:4]), encoding="utf-8")
    args = ["article", str(path), "--from", "en", "--summarizer", str(tiny_models["bart"]), "--format", "json"]
    before = json.loads(CliRunner().invoke(cli, args).stdout)["metadata"]["summarizer"]
    assert before["engine"] == "transformers"
    convert(card, "int8", runtime="ctranslate2")
    convert(card, "int8", runtime="openvino")
    after = CliRunner().invoke(cli, args)
    assert after.exit_code == 0, after.output
    meta = json.loads(after.stdout)["metadata"]["summarizer"]
    assert meta["engine"] == "openvino" and meta["quantization"] == "int8"
    assert "openvino int8" in after.stderr


@pytest.mark.slow  # an OpenVINO conversion of its own, 9-12 s on 2 cores
def test_cli_converts_for_openvino_and_refuses_a_second_time(tiny_models):
    args = ["models", "convert", str(tiny_models["bart"]), "--runtime", "openvino", "--quantization", "float32"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert (
        json.loads(
            (
                find_converted(card_for_folder(tiny_models["bart"], "summarization"), "cpu", "openvino") / "summarize.json"
            ).read_text()
        )["runtime"]
        == "openvino"
    )
    second = CliRunner().invoke(cli, args)
    assert second.exit_code != 0 and "--force" in second.output


# OpenVINO's conversion of its own takes 12 s on 2 cores: slow.
@pytest.mark.parametrize("engine", ["ctranslate2", pytest.param("openvino", marks=pytest.mark.slow)])
def test_a_forced_converted_engine_translates_and_converts_on_first_use(tiny_models, tmp_path, engine):
    path = tmp_path / "es.txt"
    path.write_text(" ".join(SPANISH[:3]), encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["translate", str(path), "--from", "es", "--engine", engine, "--model", str(tiny_models["marian"]), "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    translator = json.loads(result.stdout)["metadata"]["translator"]
    assert translator["engine"] == engine and translator["quantization"] == "int8"


@pytest.mark.slow  # an OpenVINO conversion of its own, 9-12 s on 2 cores
def test_settings_come_from_config_json_without_a_generation_config(tiny_models, tmp_path):
    """As transformers: a folder with no generation_config.json generates by its config.json."""
    import shutil

    folder = tmp_path / "bart-old-style"
    shutil.copytree(tiny_models["bart"], folder)
    (folder / "generation_config.json").unlink()
    config = json.loads((folder / "config.json").read_text())
    config.update(num_beams=3, no_repeat_ngram_size=2, max_length=15, min_length=5)
    (folder / "config.json").write_text(json.dumps(config))
    card = card_for_folder(folder, "summarization")
    reference = TransformersModel(card, "cpu")
    assert reference.settings_for().num_beams == 3
    model = OVModel(card, convert(card, "float32", runtime="openvino"))
    assert model.settings_for().num_beams == 3 and model.settings_for().max_new_tokens == 14
    assert model.generate(INPUTS) == reference.generate(INPUTS)


@pytest.mark.slow  # an OpenVINO conversion of its own, 9-12 s on 2 cores
def test_models_convert_picks_openvino_for_bart_and_ctranslate2_otherwise(tiny_models, vnni_cpu):
    from summarize.catalog.conversions import default_runtime

    bart = card_for_folder(tiny_models["bart"], "summarization")
    assert default_runtime(bart, "int8") == "openvino"
    assert default_runtime(bart, "float16") == "ctranslate2"
    assert default_runtime(card_for_folder(tiny_models["marian"], "translation"), "int8") == "ctranslate2"
    result = CliRunner().invoke(cli, ["models", "convert", str(tiny_models["bart"])])
    assert result.exit_code == 0, result.output
    assert "/openvino/" in result.stdout


@pytest.mark.slow  # an OpenVINO conversion of its own, 9-12 s on 2 cores
def test_a_damaged_conversion_is_a_one_line_error(tiny_models, tmp_path):
    import shutil

    from summarize.errors import ModelUnavailableError

    card = card_for_folder(tiny_models["bart"], "summarization")
    folder = convert(card, "float32", runtime="openvino")
    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    (damaged / "decoder.bin").write_bytes((damaged / "decoder.bin").read_bytes()[:1000])
    with pytest.raises(ModelUnavailableError) as caught:
        OVModel(card, damaged)
    assert "\n" not in str(caught.value) and "--force" in str(caught.value)


def test_auto_takes_the_runtime_measured_fastest_for_the_call_s_shape(tiny_models, converted, tmp_path, monkeypatch, vnni_cpu):
    """With both conversions, one sentence goes to OpenVINO and a batch to CTranslate2 (the AVX-512
    rows), each engine loaded once and held; `--runtimes` keeps to one, and the metadata says why."""
    from summarize.core.engines import Engines
    from summarize.core.options import Options

    monkeypatch.setenv("SUMMARIZE_HOME", str(converted["marian"].parents[1]))
    convert(card_for_folder(tiny_models["marian"], "translation"), "int8", runtime="ctranslate2")
    one, many = tmp_path / "one.txt", tmp_path / "many.txt"
    one.write_text(SPANISH[0], encoding="utf-8")
    many.write_text(" ".join(SPANISH[:4]), encoding="utf-8")

    def translator(path, *extra) -> dict:
        args = ["translate", str(path), "--from", "es", "--model", str(tiny_models["marian"]), "--format", "json", *extra]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["metadata"]["translator"]

    single, batch = translator(one), translator(many)
    assert single["engine"] == "openvino" and "of one sentence on avx512_vnni" in single["auto"]["translation-sentence"]
    assert batch["engine"] == "ctranslate2" and "fastest for translation in batches" in batch["auto"]["translation"]
    kept = translator(one, "--runtimes", "ctranslate2")
    assert kept["engine"] == "ctranslate2" and "openvino" in kept["auto"]["translation-sentence"]
    assert "not among --runtimes" in kept["auto"]["translation-sentence"]

    engines = Engines(Options(translator=str(tiny_models["marian"])))
    shapes = {sentences: engines.translator("es", "en", sentences).engine for sentences in (1, 2, None)}
    assert shapes[2] is shapes[None] and shapes[1] is not shapes[None]
    assert sorted(choice.engine.engine_name for _, choice in engines.held()) == ["ctranslate2", "openvino"]
    assert CliRunner().invoke(cli, ["translate", "--text", "x", "--runtimes", "marian"]).exit_code == 2


def test_a_document_runs_on_its_own_runtime_alone_or_pooled(tiny_models, converted, monkeypatch, vnni_cpu):
    """With both conversions, a one-sentence document runs on OpenVINO whether it is translated
    alone or pooled with a longer one (on CTranslate2), and comes back the same."""
    from summarize.core.pipeline import Pipeline
    from summarize.errors import EngineUnavailableError
    from summarize.text.document import Document

    monkeypatch.setenv("SUMMARIZE_HOME", str(converted["marian"].parents[1]))
    try:
        convert(card_for_folder(tiny_models["marian"], "translation"), "int8", runtime="ctranslate2")
    except EngineUnavailableError as made_before:  # by the test before, in the module's store
        assert "exists already" in str(made_before)
    one, many = Document((SPANISH[0],), "one"), Document((" ".join(SPANISH[:4]),), "many")
    alone = Pipeline(source="es", translator=str(tiny_models["marian"])).translate(one)
    pooled = list(Pipeline(source="es", translator=str(tiny_models["marian"])).translations([many, one, many]))
    engines = [result["metadata"]["translator"]["engine"] for result in pooled]
    assert alone["metadata"]["translator"]["engine"] == "openvino" and engines == ["ctranslate2", "openvino", "ctranslate2"]
    assert pooled[1]["paragraphs"] == alone["paragraphs"]


def test_the_n_best_are_transformers_n_best(tiny_models, converted):
    """`alternatives`' source: the finished hypotheses of the beam search, best first, distinct."""
    card = card_for_folder(tiny_models["marian"], "translation")
    expected = TransformersModel(card, "cpu").ranked_translations(SPANISH, "es", "en", 3)
    got = OVModel(card, converted["marian"]).ranked_translations(SPANISH, "es", "en", 3)
    assert got == expected
    assert all(len(set(found)) == len(found) <= 3 for found in got) and any(len(found) > 1 for found in got)
