"""A run's folder: per-item JSONL written as it goes (resumable), then summary, report, plots."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

from summarize.errors import InputError, OutputError
from summarize.output import lock_for_writing, write_atomically


class RunStore:
    """Items append to `items.jsonl` and are flushed to disk one batch at a time, so a killed
    run resumes where it stopped: a torn last line is dropped, every other item is kept once.
    One writer at a time holds the folder's lock; a folder that cannot be written (a finished
    run kept read-only) is opened read-only: it can be reported, not extended."""

    def __init__(self, folder: Path, config: dict, fresh: bool = False):
        self.folder = folder
        self.items_path = folder / "items.jsonl"
        self.writable = self._lock()
        config_path = folder / "run.json"
        if fresh:
            self.require_writable("start it over")
            for name in ("items.jsonl", "run.json", "summary.json"):
                (folder / name).unlink(missing_ok=True)
        if config_path.exists():
            try:
                previous = json.loads(config_path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
                raise InputError(f"{config_path}: unreadable; pass --fresh to start over") from None
            if previous != config:
                changed = sorted(k for k in set(previous) | set(config) if previous.get(k) != config.get(k))
                raise InputError(
                    f"{folder} holds a run with other settings ({', '.join(changed)}); "
                    "pass --fresh to start over or --out for another folder"
                )
        else:
            self.require_writable("start a run")
            config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")
        self.items = self._load_valid()

    def _lock(self) -> bool:
        """Take the folder's writer lock; False when the folder cannot be written at all."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock_file = lock_for_writing(
                self.folder / ".lock",
                f"{self.folder}: another bench is writing this run; wait for it, or pass --out for another folder",
            )
        except PermissionError:
            return False
        except OSError as exc:
            if exc.errno == errno.EROFS:
                return False
            raise OutputError(f"{self.folder}: cannot be used as a run folder ({exc.strerror})") from None
        return True

    def require_writable(self, what: str) -> None:
        if not self.writable:
            raise OutputError(f"{self.folder}: not writable, cannot {what}; pass --out for another folder")

    def _load_valid(self) -> list[dict]:
        if not self.items_path.exists():
            return []
        items, seen = [], set()
        lines = self.items_path.read_text(encoding="utf-8").splitlines()
        for line in lines:
            try:
                item = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                continue  # the line a kill cut short
            if isinstance(item, dict) and "id" in item and item["id"] not in seen:
                seen.add(item["id"])
                items.append(item)
        if len(items) == len(lines) or not self.writable:
            return items
        temporary = self.items_path.with_suffix(".tmp")
        temporary.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
        os.replace(temporary, self.items_path)
        return items

    @property
    def done(self) -> set:
        return {item["id"] for item in self.items}

    def append(self, items: list[dict]) -> None:
        self.require_writable(f"add {len(items)} item(s)")
        with self.items_path.open("a", encoding="utf-8") as handle:
            handle.write("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items))
            handle.flush()
            os.fsync(handle.fileno())
        self.items.extend(items)

    def write_summary(self, summary: dict) -> Path | None:
        """summary.json, replaced whole; None (nothing written) in a read-only folder."""
        if not self.writable:
            return None
        path = self.folder / "summary.json"
        write_atomically(path, json.dumps(summary, indent=2, ensure_ascii=False))
        return path
