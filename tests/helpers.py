"""Helpers shared by the tests: the shared evaluation data, a fake hub cache entry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_file(*parts: str) -> Path:
    """A file in ../shared/data, or a skip when this checkout has none."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


def fake_cache_entry(cache: Path, hub_id: str, source: Path, revision: str = "main") -> Path:
    """Lay `source`'s files out as the hub client's cache does for `hub_id` at `revision`."""
    pinned = len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)
    commit = revision if pinned else "0123456789abcdef0123456789abcdef01234567"
    repo = cache / f"models--{hub_id.replace('/', '--')}"
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    for file in source.iterdir():
        os.symlink(file, snapshot / file.name)
    if not pinned:
        (repo / "refs" / revision).parent.mkdir(parents=True, exist_ok=True)
        (repo / "refs" / revision).write_text(commit)
    return snapshot
