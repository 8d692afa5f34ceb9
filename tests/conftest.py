"""Shared fixtures: tiny models built once per session, an isolated Hugging Face cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tiny_models import ARCHITECTURES, CHAT_ARCHITECTURES, build, build_chat


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, Path]:
    """Folders of tiny models, one per architecture, built once per test session."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    root = tmp_path_factory.mktemp("tiny-models")
    return {arch: build(arch, root / arch) for arch in ARCHITECTURES}


@pytest.fixture(scope="session")
def tiny_chat_models(tmp_path_factory) -> dict[str, Path]:
    """Folders of tiny decoder-only chat models (Qwen2, Llama), built once per test session."""
    root = tmp_path_factory.mktemp("tiny-chat-models")
    return {arch: build_chat(arch, root / arch) for arch in CHAT_ARCHITECTURES}


@pytest.fixture(autouse=True)
def isolated_hub(tmp_path, monkeypatch):
    """An empty Hugging Face cache and offline mode: no test reaches the network."""
    cache = tmp_path / "hf-cache"
    cache.mkdir()
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("SUMMARIZE_HOME", str(tmp_path / "summarize-home"))
    try:
        from huggingface_hub import constants
    except ImportError:
        return cache
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    return cache


@pytest.fixture(autouse=True)
def without_installed_models(request, monkeypatch):
    """A machine without the GGUF packages the test tools install (the Gemma package): `auto`
    ranks no installed model unless the test is marked `installed_models`, in this process or in
    the commands it starts (their runtimes kept from llama.cpp's); a model named on the command
    line is found either way."""
    if request.node.get_closest_marker("installed_models") is None:
        from summarize.catalog import gguf
        from summarize.runtimes.table import auto_loadable

        monkeypatch.setattr(gguf, "package_installed", lambda card: False)
        monkeypatch.setenv("SUMMARIZE_RUNTIMES", ",".join(r for r in auto_loadable() if r != "llamacpp"))


@pytest.fixture(autouse=True)
def language_models_kept(request, monkeypatch):
    """The commands run in this process keep lingua's models between them, unless the test is
    marked `releases_models`: a command's own process gives them back (core/jobs.py), and reloading
    them for each of the suite's commands took a minute."""
    if request.node.get_closest_marker("releases_models") is None:
        from summarize.core import jobs

        monkeypatch.setattr(jobs, "release_models", lambda: None)


@pytest.fixture()
def vnni_cpu(monkeypatch):
    """Act as a CPU of the AVX-512 VNNI class, whatever this machine is (choices follow the class)."""
    from summarize.runtimes import cpu

    row = next(row for row in cpu.CLASSES if row.name == "avx512_vnni")
    monkeypatch.setattr(cpu, "current", lambda: row)
    return row


@pytest.fixture()
def browser(tmp_path):
    """Debian's headless Chromium through its chromedriver (selenium); downloads go to tmp_path."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(tmp_path)})
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()
