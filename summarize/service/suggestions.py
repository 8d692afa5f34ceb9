"""LibreTranslate's `/suggest`: a reader's better translation of a text, kept in a local SQLite
file (`summarize serve --suggestions FILE`) with its languages and the time it came, for the
desk to review; at most MAX_ROWS of them, so that the file stays bounded."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

from summarize.service.guard import Refused

MAX_ROWS = 1_000_000
_SCHEMA = """CREATE TABLE IF NOT EXISTS suggestions (
    q TEXT NOT NULL, s TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, received REAL NOT NULL
)"""


def add(path: str, text: str, suggestion: str, source: str, target: str) -> None:
    """Store one suggestion (a connection per call: safe across threads and worker processes)."""
    try:
        with contextlib.closing(sqlite3.connect(Path(path), timeout=10)) as db, db:
            db.execute(_SCHEMA)
            if db.execute("SELECT COUNT(*) FROM suggestions").fetchone()[0] >= MAX_ROWS:
                raise Refused(507, f"the suggestions store is full ({MAX_ROWS} suggestions); the operator can empty {path}")
            db.execute("INSERT INTO suggestions VALUES (?, ?, ?, ?, ?)", (text, suggestion, source, target, time.time()))
    except sqlite3.Error as error:
        raise Refused(503, f"suggestions cannot be stored in {path}: {error}") from None
