"""A run's folder: per-item JSONL written as it goes (resumable), then summary, report, plots."""

from __future__ import annotations

import json
import os
from pathlib import Path

from summarize.errors import InputError


class RunStore:
    """Items append to `items.jsonl` and are flushed to disk one batch at a time, so a killed
    run resumes where it stopped: a torn last line is dropped, every other item is kept once."""

    def __init__(self, folder: Path, config: dict, fresh: bool = False):
        self.folder = folder
        self.items_path = folder / "items.jsonl"
        folder.mkdir(parents=True, exist_ok=True)
        config_path = folder / "run.json"
        if fresh:
            for name in ("items.jsonl", "run.json", "summary.json"):
                (folder / name).unlink(missing_ok=True)
        if config_path.exists():
            previous = json.loads(config_path.read_text(encoding="utf-8"))
            if previous != config:
                changed = sorted(k for k in set(previous) | set(config) if previous.get(k) != config.get(k))
                raise InputError(f"{folder} holds a run with other settings ({', '.join(changed)}); "
                                 "pass --fresh to start over or --out for another folder")
        else:
            config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")
        self.items = self._load_valid()

    def _load_valid(self) -> list[dict]:
        if not self.items_path.exists():
            return []
        items, seen = [], set()
        for line in self.items_path.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue  # the line a kill cut short
            if item.get("id") not in seen:
                seen.add(item["id"])
                items.append(item)
        temporary = self.items_path.with_suffix(".tmp")
        temporary.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
        os.replace(temporary, self.items_path)
        return items

    @property
    def done(self) -> set:
        return {item["id"] for item in self.items}

    def append(self, items: list[dict]) -> None:
        with self.items_path.open("a", encoding="utf-8") as handle:
            handle.write("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items))
            handle.flush()
            os.fsync(handle.fileno())
        self.items.extend(items)

    def write_summary(self, summary: dict) -> Path:
        path = self.folder / "summary.json"
        path.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
        return path
