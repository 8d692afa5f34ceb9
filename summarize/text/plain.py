"""Text compared as plain letters: lower-cased, accents dropped."""

from __future__ import annotations

import re
import unicodedata

_COMBINING = re.compile("[\u0300-\u036f]")


def plain(text: str) -> str:
    """`text` lower-cased, its accents dropped (one pass over a whole text: cheap on a long one)."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower()))
