"""Glossaries kept by the service for DeepL's `/v2/glossaries`: each one a language pair and its
terms, owned by the key that made it, in a SQLite file every worker process shares; read back as
the glossary of a job."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

#: Glossaries one caller may keep, and terms one may hold (DeepL's own bound is 10 MB of entries).
MOST_GLOSSARIES = 1000
MOST_ENTRY_BYTES = 10 * 2**20


@dataclass(frozen=True)
class StoredGlossary:
    glossary_id: str
    name: str
    source: str
    target: str
    #: The terms as DeepL's TSV: a source term, a tab, its target, a line each.
    entries: str
    created: float

    @property
    def entry_count(self) -> int:
        return len(self.entries.splitlines())

    def describe(self) -> dict:
        """DeepL's GlossaryInfo."""
        return {
            "glossary_id": self.glossary_id,
            "name": self.name,
            "ready": True,
            "source_lang": self.source,
            "target_lang": self.target,
            "creation_time": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(self.created)),
            "entry_count": self.entry_count,
        }

    def glossary(self):
        """The terms as a job's glossary, each for this pair only."""
        from summarize.text.glossary import parse_table

        rows = "\n".join(f"{line}\t{self.source}\t{self.target}" for line in self.entries.splitlines())
        return parse_table(rows, f"glossary {self.glossary_id}", delimiter="\t")


class Glossaries:
    """The stored glossaries, by owner (an API key, or "" where the service has none)."""

    def __init__(self, path: Path):
        self.path = path

    def add(self, owner: str, name: str, source: str, target: str, entries: str) -> StoredGlossary | None:
        """The glossary stored; None when its owner holds MOST_GLOSSARIES already."""
        stored = StoredGlossary(secrets.token_hex(16), name, source, target, entries, time.time())
        with self._open() as db:
            (count,) = db.execute("SELECT COUNT(*) FROM glossaries WHERE owner = ?", (owner,)).fetchone()
            if count >= MOST_GLOSSARIES:
                return None
            db.execute(
                "INSERT INTO glossaries VALUES (?, ?, ?, ?, ?, ?, ?)",
                (stored.glossary_id, owner, name, source, target, entries, stored.created),
            )
        return stored

    def get(self, owner: str, glossary_id: str) -> StoredGlossary | None:
        with self._open() as db:
            row = db.execute(
                "SELECT id, name, source, target, entries, created FROM glossaries WHERE owner = ? AND id = ?",
                (owner, glossary_id),
            ).fetchone()
        return StoredGlossary(*row) if row else None

    def list(self, owner: str) -> list[StoredGlossary]:
        with self._open() as db:
            rows = db.execute(
                "SELECT id, name, source, target, entries, created FROM glossaries WHERE owner = ? ORDER BY created", (owner,)
            ).fetchall()
        return [StoredGlossary(*row) for row in rows]

    def delete(self, owner: str, glossary_id: str) -> bool:
        with self._open() as db:
            return db.execute("DELETE FROM glossaries WHERE owner = ? AND id = ?", (owner, glossary_id)).rowcount > 0

    def _open(self):
        from summarize.service.shared_store import transaction

        return transaction(self.path, _TABLE)


_TABLE = (
    "CREATE TABLE IF NOT EXISTS glossaries (id TEXT PRIMARY KEY, owner TEXT, name TEXT, source TEXT, target TEXT, "
    "entries TEXT, created REAL)"
)
