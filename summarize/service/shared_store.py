"""The SQLite files the service's worker processes share (the rate limit's counts, the stored
glossaries): one connection per call, each call one transaction that holds the file."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path


@contextlib.contextmanager
def transaction(path: Path, *tables: str, durable: bool = True):
    """A connection inside one transaction, its `tables` (CREATE TABLE statements) made first;
    committed when the block ends, rolled back when it raises. `durable=False`: counts that may
    be lost in a crash with no harm, nothing waiting on the disk."""
    connection = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        if not durable:
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("PRAGMA journal_mode = MEMORY")
        connection.execute("BEGIN IMMEDIATE")
        for table in tables:
            connection.execute(table)
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    finally:
        connection.close()
