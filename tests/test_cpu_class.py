"""The CPU's class decides `auto`'s runtime and OpenVINO's encoder precision; a cap lowers it."""

from __future__ import annotations

import dataclasses

import pytest

from summarize.conversions.openvino_graphs import ENCODER, ENCODER_INT8
from summarize.engines.openvino import encoder_for
from summarize.errors import InputError
from summarize.runtimes import cpu
from summarize.runtimes.table import auto_runtimes


@pytest.fixture()
def cpu_flags(monkeypatch):
    """Pretend the CPU reports the given /proc/cpuinfo flags."""

    def pretend(*flags: str) -> None:
        monkeypatch.setattr(cpu, "_flags", lambda: set(flags))
        cpu.detected.cache_clear()

    yield pretend
    cpu.detected.cache_clear()


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8"), "amx"),
        (("avx2", "avx512f", "avx512_vnni", "avx512_bf16"), "avx512_bf16"),
        (("avx2", "avx512f", "avx512_vnni"), "avx512_vnni"),
        (("avx2", "avx512f"), "avx2"),
        (("sse4_2",), "avx2"),
    ],
)
def test_the_class_is_the_best_whose_units_the_cpu_has(cpu_flags, flags, expected):
    cpu_flags(*flags)
    assert cpu.detected().name == expected


def test_a_cap_lowers_the_class_and_caps_the_runtimes_kernels(cpu_flags, monkeypatch):
    cpu_flags("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8")
    monkeypatch.setenv("SUMMARIZE_CPU_CLASS", "avx512_vnni")
    for name in ("ONEDNN_MAX_CPU_ISA", "CT2_FORCE_CPU_ISA"):
        monkeypatch.setenv(name, "")  # recorded, so that the variables set below go at teardown
        monkeypatch.delenv(name)
    assert cpu.cap_runtimes().name == "avx512_vnni"
    assert (cpu.os.environ["ONEDNN_MAX_CPU_ISA"], cpu.os.environ["CT2_FORCE_CPU_ISA"]) == ("AVX512_CORE_VNNI", "AVX512")


def test_a_cap_cannot_raise_the_class(cpu_flags, monkeypatch):
    cpu_flags("avx2", "avx512f", "avx512_vnni")
    monkeypatch.setenv("SUMMARIZE_CPU_CLASS", "amx")
    with pytest.raises(InputError, match="only cap"):
        cpu.current()


def test_auto_takes_the_runtime_the_class_table_names(monkeypatch):
    translation_on_openvino = dataclasses.replace(
        cpu.CLASSES[-1], name="fake", fastest=(("translation", "openvino"), ("summarization", "ctranslate2"))
    )
    monkeypatch.setattr(cpu, "current", lambda: translation_on_openvino)
    assert auto_runtimes("translation") == ("openvino", "ctranslate2")
    assert auto_runtimes("summarization") == ("ctranslate2", "openvino")


def test_the_encoder_follows_the_class(tmp_path):
    assert encoder_for(tmp_path, "int8", "bf16") == (ENCODER, "bf16")
    assert encoder_for(tmp_path, "int8", "int8") == (ENCODER, "f32")  # a conversion made before the int8 graph
    (tmp_path / ENCODER_INT8).write_text("")
    assert encoder_for(tmp_path, "int8", "int8") == (ENCODER_INT8, "int8")
    assert encoder_for(tmp_path, "int8", "f32") == (ENCODER, "f32")
    assert encoder_for(tmp_path, "float32", "int8") == (ENCODER, "f32")


@pytest.mark.slow  # an OpenVINO int8 conversion of its own, 14 s on 2 cores
def test_an_int8_openvino_conversion_carries_the_int8_encoder(tiny_models, vnni_cpu):
    from summarize.catalog.cards import card_for_folder
    from summarize.catalog.conversions import convert, read_metadata
    from summarize.engines.openvino import OVModel
    from tests.corpus import ENGLISH

    card = card_for_folder(tiny_models["bart"], "summarization")
    folder = convert(card, "int8", runtime="openvino")
    assert (folder / ENCODER_INT8).is_file() and read_metadata(folder)["int8_encoder_calibration"].endswith("text")
    model = OVModel(card, folder)
    assert model.describe()["encoder_precision"] == "int8"
    assert len(model.generate([ENGLISH[0], " ".join(ENGLISH[1:3])])) == 2


def test_on_avx2_both_tasks_take_ctranslate2(cpu_flags):

    cpu_flags("avx2", "fma")
    assert auto_runtimes("summarization")[0] == auto_runtimes("translation")[0] == "ctranslate2"
