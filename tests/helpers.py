"""Helpers shared by the tests: the shared evaluation data, a fake hub cache entry."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_file(*parts: str) -> Path:
    """A file in ../shared/data, or a skip when this checkout has none."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


def fake_cache_entry(cache: Path, hub_id: str, source: Path, revision: str = "main") -> Path:
    """Lay `source`'s files out as the hub client's cache does for `hub_id` at `revision`."""
    pinned = len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)
    commit = revision if pinned else "0123456789abcdef0123456789abcdef01234567"
    repo = cache / f"models--{hub_id.replace('/', '--')}"
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    for file in source.iterdir():
        os.symlink(file, snapshot / file.name)
    if not pinned:
        (repo / "refs" / revision).parent.mkdir(parents=True, exist_ok=True)
        (repo / "refs" / revision).write_text(commit)
    return snapshot


def summarize_alone(sentences: list[str], summarizer, length: str, language: str, into: str | None = None):
    """The summary step for one document's sentences (its error raised)."""
    from summarize.core.jobs import Work
    from summarize.core.steps import summarize_together
    from summarize.text.document import Document

    work = Work(Document(("-",), "test"))
    summary = summarize_together([(work, sentences)], summarizer, length, language, into)[0]
    if work.error is not None:
        raise work.error
    return summary


def translate_alone(paragraphs: list[list[str]], translator, source: str, target: str):
    """The translation step for one document's paragraphs, all in `source`, by `translator`."""
    from summarize.core.engines import Engines
    from summarize.core.jobs import Work
    from summarize.core.steps import Translating, translate_together
    from summarize.text.document import Document

    work = Work(Document(("-",), "test"))
    engines = Engines(given={("translation", source, target): translator})
    part = Translating(work, paragraphs, [source] * len(paragraphs))
    translation = translate_together([part], target, engines)[0]
    if work.error is not None:
        raise work.error
    return translation


def without_timings(result: dict) -> dict:
    """A result without what differs from run to run: step timings and engine load times."""
    import json

    result = json.loads(json.dumps(result))
    metadata = result.get("metadata") or {}
    metadata.pop("timings_s", None)
    for engine in (metadata.get("translator"), *metadata.get("translators", [])):
        if engine:
            engine.pop("load_s", None)
    return result


def write_translation_set(path: Path, count: int, id_format: str = "item-{:03d}") -> None:
    """A translation dataset of `count` items cycling through the test corpus."""
    import json

    from tests.corpus import ENGLISH, SPANISH

    lines = [{"id": id_format.format(i), "src": SPANISH[i % 10], "ref": ENGLISH[i % 10]} for i in range(count)]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


@contextmanager
def http_site(handler):
    """The base URL of a threaded HTTP server on 127.0.0.1 answering with `handler`."""
    import threading
    from http.server import ThreadingHTTPServer

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def mapping_translator(translate, name: str = "fake"):
    """A fake translator (Apertium's card) whose translation of each sentence is `translate(sentence)`."""
    from summarize.catalog.cards import load_cards
    from summarize.engines.base import Translated, Translator

    class Mapping(Translator):
        engine_name = name
        max_input_tokens = None

        def __init__(self):
            self.card = load_cards()["apertium"]

        @classmethod
        def from_card(cls, card, device="auto", allow_download=True):
            return cls()

        def translate(self, sentences, source, target, starts=()):
            return Translated([translate(s) for s in sentences])

    return Mapping()


LIBRETRANSLATE_WHEEL = "libretranslate==1.9.6"


def libretranslate_wheel(folder: Path) -> Path:
    """LibreTranslate's wheel from PyPI into `folder` (pip's own cache keeps it), or a skip when
    it cannot be fetched; its files are read at test time, never copied into the project."""
    import subprocess
    import sys

    fetched = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", LIBRETRANSLATE_WHEEL, "-d", str(folder), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if fetched.returncode != 0 or not list(folder.glob("*.whl")):
        pytest.skip(f"{LIBRETRANSLATE_WHEEL} could not be fetched from PyPI: {fetched.stderr.strip().splitlines()[-1:]}")
    return next(folder.glob("*.whl"))


def browser_test_marks() -> list:
    """A browser test's marks: slow, and Apertium (the service's default engines) and Debian's
    chromium and chromedriver at hand; CI installs both (.ci/run), so there their absence is a
    failure, not a skip."""
    import shutil

    return [
        pytest.mark.slow,
        pytest.mark.skipif(not shutil.which("apertium"), reason="the service's default engines need Apertium"),
        pytest.mark.skipif(
            not (shutil.which("chromium") and shutil.which("chromedriver")) and not os.environ.get("CI"),
            reason="Debian's chromium and chromium-driver are not installed",
        ),
    ]


def revising_summarizer(first: str, second: str, revises: bool = True):
    """A fake summariser: `first` as every summary, `second` when asked again (where it
    `revises`), the spans it was told of kept in `told`."""
    from summarize.catalog.cards import load_cards
    from summarize.engines.base import Summarizer

    class Revising(Summarizer):
        engine_name = "fake-chat"
        lengths_in_sentences = True

        def __init__(self):
            self.card = load_cards()["lead"]
            self.revises = revises
            self.told: list[list[str]] = []

        @classmethod
        def from_card(cls, card, device="auto", allow_download=True):
            return cls()

        def summarize_batch(self, passages, length, language, into=None, stream=None):
            return [first for _ in passages]

        def revise(self, passage, length, language, into, spans):
            self.told.append(spans)
            return second

    return Revising()
