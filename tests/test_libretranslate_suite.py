"""LibreTranslate's own API tests (from the libretranslate 1.9.6 wheel on PyPI, fetched at test
time, never copied here) run unchanged over HTTP against `summarize serve`, an adapter in place
of their Flask client. Every one passes except the deliberate differences in DIFFERENCES."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

pytest.importorskip("fastapi")

from summarize.service.settings import Settings  # noqa: E402
from tests.helpers import libretranslate_wheel  # noqa: E402
from tests.serving import running  # noqa: E402

TESTS = "libretranslate/tests/test_api/"
#: Their tests that fail here on purpose, and why (the README's service section says so too).
DIFFERENCES = {
    # /health also says which engines are loaded and how long they took (their test wants exactly {"status": "ok"}).
    "test_api_get_health",
}

pytestmark = pytest.mark.skipif(not shutil.which("apertium"), reason="the service's default engines need Apertium")


@pytest.fixture(scope="module")
def their_tests(tmp_path_factory) -> Path:
    """Their test files beside our adapter as conftest.py (pip's own cache keeps the wheel)."""
    wheel_file = libretranslate_wheel(tmp_path_factory.mktemp("libretranslate-wheel"))
    folder = tmp_path_factory.mktemp("libretranslate-tests")
    with zipfile.ZipFile(wheel_file) as wheel:
        for name in wheel.namelist():
            if name.startswith(TESTS) and Path(name).name.startswith("test_") and name.endswith(".py"):
                (folder / Path(name).name).write_bytes(wheel.read(name))
    shutil.copy(Path(__file__).with_name("libretranslate_adapter.py"), folder / "conftest.py")
    return folder


@pytest.mark.slow
def test_libretranslates_own_api_tests_pass_over_http_but_the_deliberate_differences(their_tests):
    report = their_tests / "report.xml"
    with running(Settings()) as url:
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", str(their_tests)],
            env={**os.environ, "SUMMARIZE_SERVICE_URL": url},
            cwd=their_tests,
            capture_output=True,
            timeout=600,
        )
    cases = ElementTree.parse(report).getroot().iter("testcase")
    outcomes = {case.get("name"): not any(child.tag in ("failure", "error") for child in case) for case in cases}
    assert len(outcomes) == 14, outcomes
    assert {name for name, passed in outcomes.items() if not passed} == DIFFERENCES, outcomes
