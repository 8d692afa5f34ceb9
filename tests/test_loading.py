"""Loading by alias through the standard cache, offline failures, corrupt files."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from summarize.catalog.cards import card_for_folder, load_cards
from summarize.catalog.hub import download, local_weights, resolve_weights
from summarize.engines.registry import engine_class
from summarize.errors import ModelUnavailableError
from tests.helpers import fake_cache_entry

HFTranslator = engine_class("translation", "transformers")


def _card_with_hub_id(tiny_models, hub_id="Helsinki-NLP/opus-mt-es-en"):
    card = load_cards()["opus-mt-es-en"]
    return dataclasses.replace(card, hub_id=hub_id, max_input_tokens=128, generation={})


def test_alias_loads_from_the_standard_cache(tiny_models, isolated_hub):
    card = _card_with_hub_id(tiny_models)
    assert local_weights(card) is None
    snapshot = fake_cache_entry(isolated_hub, card.hub_id, tiny_models["marian"], card.revision)
    assert local_weights(card) == snapshot
    translator = HFTranslator.from_card(card, device="cpu", allow_download=False)
    direct = HFTranslator.from_card(card_for_folder(tiny_models["marian"], "translation"), device="cpu")
    assert translator.translate_batch(["Hola, mundo."], "es", "en") == direct.translate_batch(["Hola, mundo."], "es", "en")


def test_a_model_without_safetensors_is_refused_by_name(tiny_models, tmp_path):
    folder = tmp_path / "no-weights"
    shutil.copytree(tiny_models["marian"], folder)
    (folder / "model.safetensors").unlink()
    with pytest.raises(ModelUnavailableError, match="no safetensors weights"):
        HFTranslator.from_card(card_for_folder(folder, "translation"), device="cpu")


def test_offline_and_not_cached_is_one_clear_line(tiny_models):
    card = _card_with_hub_id(tiny_models)
    with pytest.raises(ModelUnavailableError) as caught:
        resolve_weights(card)
    message = str(caught.value)
    assert "\n" not in message
    assert "opus-mt-es-en" in message and "Helsinki-NLP/opus-mt-es-en" in message
    assert "HF_HUB_OFFLINE" in message and "summarize models download" in message


def test_unreachable_hub_fails_fast(monkeypatch, tiny_models):
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr("summarize.catalog.hub.hub_reachable", lambda: False)
    with pytest.raises(ModelUnavailableError, match="cannot be reached"):
        download(_card_with_hub_id(tiny_models))


def test_corrupt_weights_are_a_one_line_error(tiny_models, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(tiny_models["marian"], broken)
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(ModelUnavailableError, match="cannot be loaded") as caught:
        HFTranslator.from_card(card_for_folder(broken, "translation"), device="cpu")
    assert "\n" not in str(caught.value)


def test_pickle_only_weights_are_refused(tiny_models, tmp_path):
    import torch
    from safetensors.torch import load_file

    pickled = tmp_path / "pickled"
    shutil.copytree(tiny_models["marian"], pickled)
    state = load_file(pickled / "model.safetensors")
    (pickled / "model.safetensors").unlink()
    torch.save(state, pickled / "pytorch_model.bin")
    with pytest.raises(ModelUnavailableError):
        HFTranslator.from_card(card_for_folder(pickled, "translation"), device="cpu")


def test_models_remove_deletes_the_cached_model_and_its_conversions(tiny_models, isolated_hub, tmp_path, monkeypatch):
    import json as json_module

    from click.testing import CliRunner

    from summarize.catalog.conversions import METADATA, conversions_home
    from summarize.cli import cli

    card = load_cards()["opus-mt-es-en"]
    blobs = tmp_path / "blobs"
    shutil.copytree(tiny_models["marian"], blobs)
    fake_cache_entry(isolated_hub, card.hub_id, blobs, card.revision)
    conversion = conversions_home("ctranslate2") / f"{card.hub_id.replace('/', '--')}@{card.revision}-int8"
    conversion.mkdir(parents=True)
    (conversion / METADATA).write_text(json_module.dumps({"quantization": "int8"}))
    runner = CliRunner()
    listed = {row["alias"]: row for row in json_module.loads(runner.invoke(cli, ["models", "list", "--json"]).stdout)}
    assert (
        listed["opus-mt-es-en"]["status"].startswith("local ") and "ctranslate2 int8 0 MiB" in listed["opus-mt-es-en"]["status"]
    )
    declined = runner.invoke(cli, ["models", "remove", "opus-mt-es-en"], input="n\n")
    assert declined.exit_code == 0 and "nothing removed" in declined.stdout and conversion.exists()
    assert local_weights(card) is not None
    done = runner.invoke(cli, ["models", "remove", "opus-mt-es-en", "--yes"])
    assert done.exit_code == 0 and "removed 2 folder(s)" in done.stdout, done.output
    assert local_weights(card) is None and not conversion.exists()
    again = runner.invoke(cli, ["models", "remove", "opus-mt-es-en", "--yes"])
    assert "nothing of 'opus-mt-es-en' is stored here" in again.stdout
