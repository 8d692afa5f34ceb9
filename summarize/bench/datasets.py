"""Benchmark datasets: JSONL files; names of the shared evaluation sets; and sacrebleu's test
sets by its own names, `TESTSET:SRC-TGT` (`wmt13:es-en`), fetched and cached by sacrebleu."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from summarize.catalog.home import summarize_home
from summarize.errors import InputError, first_line
from summarize.output import write_atomically

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
# Named sets sacrebleu also serves, taken from it when the shared file is absent.
SACREBLEU_NAMES = {"newstest2013-spa-eng": ("wmt13", "es-en")}
SACREBLEU_SET = re.compile(r"(?P<test>[\w./-]+):(?P<pair>[a-z]{2,3}-[a-z]{2,3})")
FIELDS = {"translation": ("id", "src", "ref"), "summarization": ("id", "document", "summary")}


def data_folders() -> list[Path]:
    """Where named sets are looked for, first match wins."""
    folders = [Path(os.environ["SUMMARIZE_DATA"])] if os.environ.get("SUMMARIZE_DATA") else []
    here = Path(__file__).resolve()
    beside_checkout = [Path.cwd() / "shared" / "data", Path.cwd().parent / "shared" / "data", here.parents[3] / "shared" / "data"]
    return [*folders, summarize_home() / "data", *beside_checkout]


def data_file(relative: str) -> Path:
    """A file or folder of the data folders (`flores200/spa_eng.dev.jsonl`), first match; an
    InputError naming where to put it when none has it (scripts under benchmarks/ use it too)."""
    for folder in data_folders():
        if (folder / relative).exists():
            return folder / relative
    raise InputError(f"{relative} not found: put it under $SUMMARIZE_DATA, {summarize_home() / 'data'} or ../shared/data")


def script_data(relative: str) -> Path:
    """`data_file` for a script: without the file, one line and exit 1."""
    try:
        return data_file(relative)
    except InputError as error:
        raise SystemExit(f"error: {error}") from None


def resolve(name_or_path: str) -> Path:
    """A dataset name or JSONL path to an existing file."""
    path = Path(name_or_path)
    if path.suffix == ".jsonl" and path.is_file():
        return path
    asked = SACREBLEU_SET.fullmatch(name_or_path)
    if asked:
        return sacrebleu_set(asked["test"], asked["pair"])
    if name_or_path not in NAMED:
        raise InputError(
            f"dataset '{name_or_path}' is neither a .jsonl file, a known name ({', '.join(sorted(NAMED))}) "
            "nor a sacrebleu test set (TESTSET:SRC-TGT, as wmt13:es-en)"
        )
    for folder in data_folders():
        candidate = folder / NAMED[name_or_path]
        if candidate.is_file():
            return candidate
    if name_or_path in SACREBLEU_NAMES:
        return sacrebleu_set(*SACREBLEU_NAMES[name_or_path], instead_of=NAMED[name_or_path])
    raise InputError(
        f"dataset '{name_or_path}' not found: put {NAMED[name_or_path]} under $SUMMARIZE_DATA or {summarize_home() / 'data'}"
    )


def sacrebleu_set(test: str, pair: str, instead_of: str | None = None) -> Path:
    """sacrebleu's test set `test` for `pair` as a JSONL of id, src and ref (the first
    reference), made once under SUMMARIZE_HOME from sacrebleu's own cached text files, which
    sacrebleu fetches when they are absent."""
    from sacrebleu.dataset import DATASETS

    if test not in DATASETS:
        raise InputError(f"dataset '{test}:{pair}': sacrebleu has no test set '{test}' (sacrebleu --list names them)")
    dataset = DATASETS[test]
    if pair not in dataset.langpairs:
        raise InputError(f"dataset '{test}:{pair}': '{test}' has no pair {pair}; it has {', '.join(sorted(dataset.langpairs))}")
    target = summarize_home() / "data" / "sacrebleu" / f"{test.replace('/', '_')}.{pair}.jsonl"
    if target.is_file():
        return target
    files = _fetched_by_sacrebleu(dataset, test, pair, target, instead_of)
    with open(files[0], encoding="utf-8") as sources, open(files[1], encoding="utf-8") as references:
        lines = [
            json.dumps({"id": number, "src": src.rstrip("\n"), "ref": ref.rstrip("\n")}, ensure_ascii=False) + "\n"
            for number, (src, ref) in enumerate(zip(sources, references), 1)
        ]
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, "".join(lines))
    return target


def _fetched_by_sacrebleu(dataset, test: str, pair: str, target: Path, instead_of: str | None) -> list[str]:
    """sacrebleu's source and reference files, fetched within the download deadline; offline,
    one line naming where a file would be taken from."""
    from summarize.catalog.hub import within_deadline
    from summarize.errors import ModelUnavailableError
    from summarize.limits import limit

    where = f"put {instead_of} under $SUMMARIZE_DATA, or " if instead_of else ""
    offline = (
        f"dataset '{test}:{pair}' is not cached and sacrebleu cannot fetch it (%s); {where}"
        f"put a JSONL of id, src and ref at {target}, or sacrebleu's files under "
        f"{os.environ.get('SACREBLEU', '~/.sacrebleu')}"
    )
    try:
        return within_deadline(lambda: dataset.get_files(pair), float(limit("download_deadline_s")), "sacrebleu")
    except (SystemExit, OSError, ModelUnavailableError) as exc:  # sacrebleu exits on a failed download
        raise InputError(offline % (first_line(exc) if not isinstance(exc, SystemExit) else "the download failed")) from None


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
    except RecursionError:
        raise InputError(f"{path}:{number}: JSON nested too deeply") from None
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
