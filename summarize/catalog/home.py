"""The user's own folder for this tool: $SUMMARIZE_HOME, by default ~/.cache/summarize. It holds
conversions (one folder per runtime), user model cards (`cards/`) and named datasets (`data/`)."""

from __future__ import annotations

import os
from pathlib import Path


def summarize_home() -> Path:
    return Path(os.environ.get("SUMMARIZE_HOME") or Path.home() / ".cache" / "summarize")
