"""The README's shell examples run as written on a fresh install: each one that needs no network
and no model weights is run here, from a folder holding the examples, and must exit 0 with no
error line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What a line needs that a test machine has not (a network, weights, an install): such lines are
# left out, each rule saying why.
NEEDS = {
    r"\b(pip|apt-get|python3 -m venv)\b": "an install",
    r"https?://|\bcurl\b|models download|wmt13": "the network",
    r"\bpytest\b": "is the test suite itself",
    r"\[--|\bALIAS\b|\.\.\.": "a synopsis, not a command",
}


def examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for block in re.findall(r"```sh\n(.*?)```", text, re.S) for line in block.splitlines() if line.strip()]
    return [line for line in lines if not any(re.search(rule, line) for rule in NEEDS)]


def test_the_readme_has_examples_to_run():
    assert len(examples()) >= 5, examples()


@pytest.mark.skipif(not shutil.which("apertium"), reason="the weight-free defaults need Apertium")
@pytest.mark.parametrize("line", examples())
def test_a_readme_example_runs_as_written(line, tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    bin_folder = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_folder + os.pathsep + os.environ.get("PATH", ""),
        "HF_HUB_OFFLINE": "1",
        "SUMMARIZE_HOME": str(tmp_path / "home"),
    }
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert not [said for said in done.stderr.splitlines() if said.startswith("Error")], done.stderr
    assert done.stdout.strip() or any(p.is_file() for p in tmp_path.iterdir()), "the example printed and wrote nothing"
