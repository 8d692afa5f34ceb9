"""Benchmark datasets: JSONL files, or names resolved to the shared evaluation sets."""

from __future__ import annotations

import json
import os
from pathlib import Path

from summarize.catalog.home import summarize_home
from summarize.errors import InputError

# Named sets, relative to the data folder (`../shared/data` beside a checkout, or $SUMMARIZE_DATA).
NAMED = {
    **{
        f"flores200-{code}-eng-{split}": f"flores200/{code}_eng.{split}.jsonl"
        for code in ("spa", "fra", "deu", "ita", "por")
        for split in ("dev", "devtest")
    },
    "newstest2013-spa-eng": "newstest2013/spa_eng.test.jsonl",
    "xsum-test": "xsum/test.jsonl",
}
FIELDS = {"translation": ("id", "src", "ref"), "summarization": ("id", "document", "summary")}


def data_folders() -> list[Path]:
    """Where named sets are looked for, first match wins."""
    folders = [Path(os.environ["SUMMARIZE_DATA"])] if os.environ.get("SUMMARIZE_DATA") else []
    here = Path(__file__).resolve()
    beside_checkout = [Path.cwd() / "shared" / "data", Path.cwd().parent / "shared" / "data", here.parents[3] / "shared" / "data"]
    return [*folders, summarize_home() / "data", *beside_checkout]


def resolve(name_or_path: str) -> Path:
    """A dataset name or JSONL path to an existing file."""
    path = Path(name_or_path)
    if path.suffix == ".jsonl" and path.is_file():
        return path
    if name_or_path not in NAMED:
        raise InputError(f"dataset '{name_or_path}' is neither a .jsonl file nor a known name ({', '.join(sorted(NAMED))})")
    for folder in data_folders():
        candidate = folder / NAMED[name_or_path]
        if candidate.is_file():
            return candidate
    raise InputError(
        f"dataset '{name_or_path}' not found: put {NAMED[name_or_path]} under $SUMMARIZE_DATA or {summarize_home() / 'data'}"
    )


def load(name_or_path: str, task: str, limit: int | None = None) -> tuple[Path, list[dict]]:
    """The first `limit` records (all by default), each checked for the task's fields and their
    types; an id used twice is refused (it would be scored twice)."""
    path = resolve(name_or_path)
    records, seen = [], {}
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if limit is not None and len(records) >= limit:
                    break
                if not line.strip():
                    continue
                record = _record(line, path, number, task)
                if record["id"] in seen:
                    raise InputError(
                        f"{path}:{number}: id {record['id']!r} is used already on line {seen[record['id']]}; ids must be unique"
                    )
                seen[record["id"]] = number
                records.append(record)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 (JSONL files must be); convert it first") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if not records:
        raise InputError(f"{path}: no records")
    return path, records


def _record(line: str, path: Path, number: int, task: str) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{number}: not JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise InputError(f"{path}:{number}: a record must be a JSON object")
    missing = [f for f in FIELDS[task] if f not in record]
    if missing:
        raise InputError(f"{path}:{number}: missing {', '.join(missing)} for a {task} dataset")
    identifier, *texts = FIELDS[task]
    if not isinstance(record[identifier], (str, int)) or isinstance(record[identifier], bool):
        raise InputError(f"{path}:{number}: '{identifier}' must be a string or an integer")
    wrong = [f for f in texts if not isinstance(record[f], str)]
    if wrong:
        raise InputError(f"{path}:{number}: {', '.join(wrong)} must be text (a JSON string)")
    return record
