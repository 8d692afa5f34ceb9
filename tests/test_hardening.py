"""Hostile but realistic use: every case gives its documented exit code with one error line on
stderr and no traceback, and leaves any output file as it was (or whole)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize.cli import cli
from tests.corpus import SPANISH
from tests.helpers import http_site

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "noticia-valencia.es.txt"
ARTICLE = "\n\n".join([" ".join(SPANISH[:3]), " ".join(SPANISH[3:6]), " ".join(SPANISH[6:])])
UNSERVED = {
    "pl": "Rada miasta zatwierdziła we wtorek nowy budżet po długiej debacie o transporcie publicznym. Urzędnicy "
    "powiedzieli, że plan doda trzy linie autobusowe i naprawi dwa mosty przed zimą.",
    "ro": "Consiliul local a aprobat marți un nou buget după o lungă dezbatere despre transportul public. Oficialii "
    "au spus că planul va adăuga trei linii de autobuz și va repara două poduri înainte de iarnă.",
    "nl": "De gemeenteraad heeft dinsdag na een lang debat over het openbaar vervoer een nieuwe begroting "
    "goedgekeurd. Ambtenaren zeiden dat het plan drie buslijnen toevoegt en twee bruggen herstelt.",
    "fi": "Kaupunginvaltuusto hyväksyi tiistaina uuden talousarvion pitkän julkista liikennettä koskevan "
    "keskustelun jälkeen. Virkamiesten mukaan suunnitelma lisää kolme bussilinjaa ja korjaa kaksi siltaa.",
    "ca": "El consell municipal va aprovar dimarts un nou pressupost després d'un llarg debat sobre el transport "
    "públic. Els funcionaris van dir que el pla afegirà tres línies d'autobús i repararà dos ponts.",
}


@dataclass
class Case:
    """A command line, files it needs (name -> bytes or text), and the expected exit and message."""

    args: list[str]
    exit_code: int
    says: str
    files: dict = field(default_factory=dict)
    env: dict = field(default_factory=dict)


SPANISH_TO_SPANISH = ["article", "{tmp}/a.txt", "--from", "es", "--to", "es"]


def _bench_set(*records) -> str:
    return "\n".join(json.dumps(r) for r in records) + "\n"


CASES = {
    # Input
    "missing file": Case(["article", "{tmp}/missing.txt"], 2, "no such file"),
    "empty file": Case(["article", "{tmp}/empty.txt"], 2, "empty", {"empty.txt": ""}),
    "binary file": Case(["article", "{tmp}/bin.dat"], 2, "binary", {"bin.dat": bytes(range(256)) * 4}),
    "a folder": Case(["article", "{tmp}"], 2, "is a folder"),
    "symlink loop": Case(["article", "{tmp}/loop-a"], 2, "symbolic links"),
    "over the input limit": Case(
        ["article", "{tmp}/big.txt"], 2, "SUMMARIZE_MAX_INPUT_BYTES", {"big.txt": ARTICLE}, {"SUMMARIZE_MAX_INPUT_BYTES": "100"}
    ),
    "bad limit setting": Case(
        ["article", "{tmp}/a.txt"], 1, "must be a positive number", {"a.txt": ARTICLE}, {"SUMMARIZE_MAX_INPUT_BYTES": "lots"}
    ),
    "page of only scripts": Case(
        ["article", "{tmp}/scripts.html"],
        2,
        "no article text",
        {
            "scripts.html": "<html><head><script>var a = 'Hola mundo, esto es un texto';</script></head><body>"
            "<script>document.write('El Ayuntamiento de Valencia aprobó el jueves un plan')</script>"
            "<noscript>Enable JavaScript to read this page</noscript></body></html>"
        },
    ),
    "URL with a space": Case(["article", "http://exa mple.org/x"], 2, "cannot be fetched"),
    "URL with a bad port": Case(["article", "http://127.0.0.1:99999/x"], 2, "cannot be fetched"),
    "URL with a bad IPv6 literal": Case(["article", "http://[::1/x"], 2, "cannot be fetched"),
    "URL with a password": Case(["article", "http://reader:hunter2@127.0.0.1:1/x"], 2, "reader:***@"),
    "URL serving JSON": Case(["article", "{server}/json"], 2, "application/json"),
    "URL dripping bytes": Case(["article", "{server}/drip"], 2, "not fetched within", env={"SUMMARIZE_URL_DEADLINE_S": "2"}),
    # Languages
    **{
        f"unserved language {code}": Case(["article", "{tmp}/" + code + ".txt"], 5, f"('{code}')", {f"{code}.txt": text})
        for code, text in UNSERVED.items()
    },
    "unserved language per paragraph, forced engine": Case(
        ["translate", "{tmp}/mixed.txt", "--engine", "apertium"],
        6,
        "pl->en",
        {"mixed.txt": ARTICLE + "\n\n" + UNSERVED["pl"] + " " + UNSERVED["pl"]},
    ),
    "unknown --from": Case(["translate", "{tmp}/a.txt", "--from", "xx"], 5, "not supported", {"a.txt": ARTICLE}),
    # Models
    "unknown model": Case(["article", "{tmp}/a.txt", "--summarizer", "distilbart-cnn-12"], 3, "did you mean", {"a.txt": ARTICLE}),
    "model folder without tokenizer": Case(
        ["translate", "{tmp}/a.txt", "--from", "es", "--model", "{no_tokenizer}"], 4, "no tokenizer files", {"a.txt": ARTICLE}
    ),
    "model folder with pickled weights only": Case(
        ["models", "convert", "{pickled}", "--runtime", "ctranslate2"], 4, "no safetensors"
    ),
    "convert a weight-free model": Case(["models", "convert", "textrank"], 6, "no weights to convert"),
    "SUMMARIZE_HOME is a file": Case(
        ["models", "convert", "{marian}", "--runtime", "ctranslate2"],
        6,
        "set SUMMARIZE_HOME",
        {"home-file": "x"},
        {"SUMMARIZE_HOME": "{tmp}/home-file"},
    ),
    # Output
    "-o into a missing folder": Case(
        [*SPANISH_TO_SPANISH, "-o", "{tmp}/nowhere/out.txt"], 8, "does not exist", {"a.txt": ARTICLE}
    ),
    "-o is a folder": Case([*SPANISH_TO_SPANISH, "-o", "{tmp}"], 8, "is a folder", {"a.txt": ARTICLE}),
    "-o on a full disk": Case([*SPANISH_TO_SPANISH, "-o", "/dev/full"], 8, "cannot be written", {"a.txt": ARTICLE}),
    # Benchmarks
    "dataset with a repeated id": Case(
        ["bench", "translation", "--dataset", "{tmp}/d.jsonl", "--engine", "apertium", "--out", "{tmp}/run"],
        2,
        "used already",
        {"d.jsonl": _bench_set({"id": 1, "src": "Hola.", "ref": "Hello."}, {"id": 1, "src": "Adiós.", "ref": "Bye."})},
    ),
    "dataset field of the wrong type": Case(
        ["bench", "translation", "--dataset", "{tmp}/d.jsonl", "--out", "{tmp}/run"],
        2,
        "must be text",
        {"d.jsonl": _bench_set({"id": 1, "src": ["Hola."], "ref": "Hello."})},
    ),
    "dataset record not an object": Case(
        ["bench", "translation", "--dataset", "{tmp}/d.jsonl", "--out", "{tmp}/run"], 2, "JSON object", {"d.jsonl": "[1, 2]\n"}
    ),
    "Latin-1 dataset": Case(
        ["bench", "translation", "--dataset", "{tmp}/d.jsonl", "--out", "{tmp}/run"],
        2,
        "not UTF-8",
        {"d.jsonl": '{"id": 1, "src": "Canción", "ref": "Song"}\n'.encode("latin-1")},
    ),
    "compare an empty summary": Case(["bench", "compare", "{tmp}/s.json"], 2, "not a summary", {"s.json": "{}"}),
    "compare plot into a missing folder": Case(
        ["bench", "compare", "{tmp}/s.json", "--plot", "{tmp}/no/p.png"], 8, "does not exist", {"s.json": "{}"}
    ),
    "negative batch size": Case(["bench", "summarization", "--dataset", "xsum-test", "--batch-size", "-1"], 2, "-1"),
    "bench on a locked run folder": Case(
        ["bench", "translation", "--dataset", "{tmp}/d.jsonl", "--engine", "apertium", "--out", "{tmp}/locked"],
        8,
        "another bench",
        {"d.jsonl": _bench_set({"id": 1, "src": "Hola.", "ref": "Hello."})},
    ),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path == "/json":
            body = json.dumps({"title": "not an article"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        for _ in range(20):  # two bytes a second: slow enough to beat any per-read timeout
            try:
                self.wfile.write(b"ab")
                self.wfile.flush()
            except OSError:
                return
            time.sleep(1)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    with http_site(_Handler) as url:
        yield url


@pytest.fixture(scope="module")
def broken_models(tiny_models, tmp_path_factory) -> dict[str, Path]:
    """A Marian folder without tokenizer files, and one with pickled weights only."""
    root = tmp_path_factory.mktemp("broken")
    no_tokenizer, pickled = root / "no-tokenizer", root / "pickled"
    shutil.copytree(tiny_models["marian"], no_tokenizer)
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "special_tokens_map.json"):
        (no_tokenizer / name).unlink(missing_ok=True)
    shutil.copytree(tiny_models["marian"], pickled)
    (pickled / "model.safetensors").rename(pickled / "pytorch_model.bin")
    return {"no_tokenizer": no_tokenizer, "pickled": pickled, "marian": tiny_models["marian"]}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_case_is_one_line_with_its_exit_code(name, tmp_path, monkeypatch, server, broken_models):
    case = CASES[name]
    places = {"tmp": str(tmp_path), "server": server, **{k: str(v) for k, v in broken_models.items()}}
    for file, content in case.files.items():
        path = tmp_path / file
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    for key, value in case.env.items():
        monkeypatch.setenv(key, value.format(**places))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    lock = None
    if name == "bench on a locked run folder":
        (tmp_path / "locked").mkdir()
        lock = (tmp_path / "locked" / ".lock").open("a")
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    result = CliRunner().invoke(cli, [a.format(**places) for a in case.args])
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert result.exit_code == case.exit_code, result.stderr
    assert len(errors) == 1 and case.says in errors[0], result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in errors[0]
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    if lock:
        lock.close()


def test_a_failed_run_leaves_the_old_output_file_as_it_was(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    target, source = folder / "out.txt", folder / "pl.txt"
    target.write_text("the previous summary\n", encoding="utf-8")
    source.write_text(UNSERVED["pl"], encoding="utf-8")
    result = CliRunner().invoke(cli, ["article", str(source), "-o", str(target)])
    assert result.exit_code == 5
    assert target.read_text(encoding="utf-8") == "the previous summary\n"
    assert {p.name for p in folder.iterdir()} == {"out.txt", "pl.txt"}


def _summarize(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "summarize", *args],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        **kwargs,
    )


def test_concurrent_runs_writing_one_output_never_tear_it(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    target = folder / "out.txt"
    runs = [
        _summarize(
            "article",
            str(EXAMPLE),
            "--from",
            "es",
            "--to",
            "es",
            "--length",
            length,
            "-o",
            str(target),
            stdout=subprocess.DEVNULL,
        )
        for length in ("short", "medium", "long", "medium")
    ]
    for run in runs:
        run.communicate(timeout=120)
        assert run.returncode == 0
    alone = {}
    for length in ("short", "medium", "long"):
        done = subprocess.run(
            [sys.executable, "-m", "summarize", "article", str(EXAMPLE), "--from", "es", "--to", "es", "--length", length],
            capture_output=True,
            text=True,
            timeout=120,
        )
        alone[length] = done.stdout
    assert target.read_text(encoding="utf-8") in alone.values()
    assert [p.name for p in folder.iterdir()] == ["out.txt"]  # no temporary file left behind


def test_ctrl_c_exits_130_with_one_line_and_writes_nothing(tmp_path):
    target = tmp_path / "out.txt"
    run = _summarize("article", "-", "-o", str(target), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    time.sleep(3)  # imported and waiting for the end of stdin
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 130, stderr
    assert [line for line in stderr.splitlines() if line.strip()] == ["Error: interrupted; nothing was written"]
    assert not target.exists()


@pytest.mark.parametrize(
    ("stdout", "why"), [("closed pipe", "the reader closed the pipe"), ("/dev/full", "No space left on device")]
)
def test_a_stdout_that_cannot_be_written_is_one_line_and_exit_8(stdout, why):
    with open("/dev/full", "w") as full:
        run = _summarize(
            "article", str(EXAMPLE), "--from", "es", "--to", "es", stdout=subprocess.PIPE if stdout == "closed pipe" else full
        )
        if run.stdout:
            run.stdout.close()
        _, stderr = run.communicate(timeout=120)
    errors = [line for line in stderr.splitlines() if line.startswith("Error")]
    assert run.returncode == 8 and errors == [f"Error: standard output cannot be written ({why})"], stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


def test_closed_stdin_is_one_line():
    done = subprocess.run(
        [sys.executable, "-m", "summarize", "article", "-"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        preexec_fn=lambda: os.close(0),
    )
    assert done.returncode == 2 and "standard input is closed" in done.stderr
    assert "Traceback" not in done.stderr


def test_hub_that_never_answers_fails_within_the_timeout(tmp_path, monkeypatch):
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    env = {
        **os.environ,
        "HF_ENDPOINT": f"http://127.0.0.1:{silent.getsockname()[1]}",
        "HF_HOME": str(tmp_path),
        "SUMMARIZE_NETWORK_TIMEOUT_S": "2",
        "NO_PROXY": "127.0.0.1",
    }
    env.pop("HF_HUB_OFFLINE")
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "summarize", "models", "download", "opus-mt-es-en"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    silent.close()
    assert done.returncode == 4 and "no answer within 2 s" in done.stderr
    assert time.monotonic() - start < 30


def test_the_hub_probe_goes_through_the_proxy(monkeypatch):
    from summarize.catalog import hub

    probed = []

    def connect(address, timeout):
        probed.append(address)
        raise OSError("refused")

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.setattr(hub.socket, "create_connection", connect)
    assert hub.hub_reachable() is False
    assert probed == [("proxy.internal", 3128)]


# The library pieces behind the cases above.


@pytest.mark.parametrize(
    ("raw", "expected", "note"),
    [
        ("El Ayuntamiento aprobó “el plan”.".encode() + b"\x93", "El Ayuntamiento aprobó “el plan”.“", "1 invalid byte"),
        ("aprobó según él y también".encode().replace("ó".encode(), b"\xf3", 1), "aprobó según él y también", "1 invalid byte"),
        ("Canción de cuna".encode("cp1252"), "Canción de cuna", "cp1252"),
        ("Hola, ¿qué tal?".encode("utf-16-le"), "Hola, ¿qué tal?", None),
    ],
)
def test_decoding_keeps_utf8_with_a_few_stray_bytes(raw, expected, note, capsys):
    from summarize.text.readers import decode

    assert decode(raw, "in.txt") == expected
    said = capsys.readouterr().err
    assert (note in said) if note else said == ""


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        (" ".join(["palabra"] * 250), [120, 120, 10]),
        (", ".join(" ".join(["w"] * 7) for _ in range(20)), [63, 63, 14]),
    ],
)
def test_unpunctuated_text_becomes_pseudo_sentences(text, pieces):
    from summarize.text.chunk import cut_at_length

    cut = cut_at_length(text, 120, 1500)
    assert [len(p.split()) for p in cut] == pieces
    assert " ".join(cut).split() == text.split()


def test_a_word_longer_than_the_limit_is_cut_between_characters():
    from summarize.text.chunk import cut_at_length

    assert [len(p) for p in cut_at_length("x" * 3200, 120, 1500)] == [1500, 1500, 200]


def test_graph_summaries_stay_within_the_sentence_budget(monkeypatch):
    """5,000 one-word sentences: every graph holds at most SUMMARIZE_GRAPH_SENTENCES of them."""
    from summarize.catalog.cards import load_cards
    from summarize.engines.extractive import ExtractiveSummarizer
    from tests.helpers import summarize_alone

    monkeypatch.setenv("SUMMARIZE_GRAPH_SENTENCES", "500")
    summarizer = ExtractiveSummarizer(load_cards()["textrank"])
    sizes = []
    original = summarizer.summarize_batch
    monkeypatch.setattr(
        summarizer, "summarize_batch", lambda passages, *rest: sizes.extend(map(len, passages)) or original(passages, *rest)
    )
    words = [f"Palabra{i % 700}." for i in range(5000)]
    summary = summarize_alone(words, summarizer, "medium", "es")
    assert max(sizes) <= 500 and summary.chunks_per_level == [10, 1]
    assert len(summary.text.split()) == 3


def test_default_bench_folders_stay_inside_benchmarks_runs():
    from summarize.cli.bench import _out

    folder = _out(None, "latency-../../x-b1")
    assert folder.parent == Path("benchmarks") / "runs" and folder.name == "latency-.._.._x-b1"


def test_a_read_only_finished_run_is_reported_not_written(tmp_path, monkeypatch):
    from summarize.bench.store import RunStore

    folder = tmp_path / "run"
    store = RunStore(folder, {"task": "x"})
    store.append([{"id": 1, "seconds": 0.1}])
    store._lock_file.close()
    original_open = Path.open

    def read_only(path, mode="r", *args, **kwargs):
        if path.parent == folder and any(m in mode for m in "wax+"):
            raise PermissionError(13, "Permission denied")
        return original_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", read_only)
    reopened = RunStore(folder, {"task": "x"})
    assert not reopened.writable and reopened.done == {1}
    assert reopened.write_summary({"kind": "quality"}) is None
    with pytest.raises(Exception, match="not writable"):
        reopened.append([{"id": 2}])


def test_a_conversion_killed_midway_leaves_nothing_for_good(tiny_models, tmp_path, monkeypatch):
    """A staging folder whose process is gone is removed by the next conversion; the result is
    readable by others (not the 0700 of a temporary folder)."""
    from summarize.catalog.cards import resolve
    from summarize.catalog.conversions import convert, converted_folder
    from summarize.catalog.hub import resolve_weights

    card = resolve(str(tiny_models["marian"]), "translation")
    target = converted_folder(card, "int8", resolve_weights(card))
    target.parent.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    abandoned = target.parent / f".{target.name}-{dead.pid}-abc123"
    abandoned.mkdir()
    assert convert(card, "int8", runtime="ctranslate2") == target
    assert not abandoned.exists()
    assert target.stat().st_mode & 0o755 == 0o755


def test_a_full_disk_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch):
    import errno

    from summarize.errors import OutputError
    from summarize.output import write_atomically

    target = tmp_path / "out.txt"
    target.write_text("the previous summary\n", encoding="utf-8")

    def full(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomically(target, "ñ" * 10_000)
    assert target.read_text(encoding="utf-8") == "the previous summary\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_an_output_that_is_a_link_writes_the_file_it_names(tmp_path):
    from summarize.output import write_atomically

    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_text("old\n", encoding="utf-8")
    link.symlink_to(real)
    write_atomically(link, "new\n")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"
