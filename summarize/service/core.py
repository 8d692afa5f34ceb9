"""The service's state: its settings, the engines loaded at start, the batcher every job goes
through, the gate, the metrics, and the notes (fallbacks) said so far."""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
from functools import cache, cached_property
from pathlib import Path

from summarize.core.engines import Engines
from summarize.core.options import Options
from summarize.core.records import Job, Result
from summarize.errors import InputError, SummarizeError
from summarize.service.batcher import Batcher
from summarize.service.files import KeptFiles
from summarize.service.glossaries import Glossaries
from summarize.service.guard import Gate, read_keys
from summarize.service.metrics import Metrics
from summarize.service.settings import Settings
from summarize.text.document import Document

log = logging.getLogger("summarize.serve")


def resident_mib() -> float:
    """This process's resident memory now (0 where /proc is absent)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


class Service:
    """One per app: everything a request handler needs."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.metrics = Metrics()
        self.notes: list[str] = []
        #: The engines holder every request's jobs use; `loaded` describes what preload loaded.
        self.engines = Engines(settings.job)
        self.loaded: list[dict] = []
        self.batcher = Batcher(settings.max_batch, settings.max_wait_ms, self.metrics, self.engines)
        if settings.shared_dir is None:
            self._own_files = tempfile.TemporaryDirectory(prefix="summarize-files-")
        shared = Path(settings.shared_dir or self._own_files.name)
        self.files = KeptFiles(shared)
        (shared / ".documents").mkdir(exist_ok=True)
        #: DeepL's document uploads: each one's status, and the tasks that translate them.
        self.document_states = KeptFiles(shared / ".documents")
        self.background: set[asyncio.Task] = set()
        self.glossaries = Glossaries(shared / ".glossaries.sqlite")
        keys = read_keys(settings.api_keys_file) if settings.api_keys_file else None
        self.gate = Gate(keys, settings.requests_per_minute, shared / ".requests.sqlite")
        self.started = time.time()

    async def admit(self, api_key, request, translates: bool = True) -> None:
        """The gate's word on a request (Refused when it may not go on), off the event loop: the
        rate limit's counts are a file the workers share."""
        client = request.client.host if request.client else ""
        await asyncio.to_thread(self.gate.admit, api_key, client, translates)

    async def charge(self, api_key, request, characters: int) -> None:
        """`characters` translated for the request's caller (its key, else its address)."""
        caller = self.gate.caller(api_key, request.client.host if request.client else "")
        await asyncio.to_thread(self.gate.charge, caller, characters)

    def note(self, message: str) -> None:
        """A note of the jobs (a fallback, a runaway), kept once and logged."""
        if message not in self.notes:
            self.notes.append(message)
            log.warning(message)

    def preload(self) -> None:
        """Choose and load, as the CLI would, the translator of every served source language into
        the default target, and the summariser of that target; each load is timed, and each
        choice's notes (its fallbacks) said."""
        target = self.settings.job.target
        # Each translation in both shapes `auto` tells apart: a batch, and a request of one sentence.
        steps = [("translation", source, target, size) for source in self.sources_into(target) for size in (None, 1)]
        steps.append(("summarization", target, "", None))
        entries: dict[int, dict] = {}
        for task, language, into, sentences in steps:
            start, before = time.perf_counter(), resident_mib()
            try:
                choice = (
                    self.engines.translator(language, into, sentences)
                    if task == "translation"
                    else self.engines.summarizer(language)
                )
            except SummarizeError as error:
                if sentences is None:
                    self.note(f"{task} from {language}: not served ({error})")
                continue
            calls = "one sentence" if sentences else ("batches" if task == "translation" else "documents")
            if id(choice.engine) in entries:
                entries[id(choice.engine)]["calls"] = sorted({*entries[id(choice.engine)]["calls"], calls})
                continue
            seconds, grown = time.perf_counter() - start, resident_mib() - before
            for message in choice.notes:
                self.note(message)
            described = choice.engine.describe()
            entries[id(choice.engine)] = {
                "task": task,
                "source": language,
                "target": into,
                "calls": [calls],
                "load_s": round(seconds, 3),
                "rss_growth_mib": round(grown, 1),
                **described,
            }
            self.loaded.append(entries[id(choice.engine)])
            self.metrics.load_seconds.labels(task, language, into, described["alias"], described["engine"]).set(seconds)

    @cached_property
    def pairs(self) -> set[tuple[str, str]]:
        """(source, target) pairs served here: the forced translator's or engine's, else every
        pair `auto` ranks a translator for (a local model, an installed Apertium route); read
        once, at start (a model downloaded later is served after a restart)."""
        from summarize.catalog.cards import resolve
        from summarize.catalog.hub import local_weights
        from summarize.core.engines import default_card, ranked_translators
        from summarize.core.steps import supported_languages
        from summarize.engines.apertium import installed_pairs

        languages = supported_languages()
        job = self.settings.job
        if job.translator:
            card = resolve(job.translator, "translation")
            sources, targets = card.source_languages or languages, card.target_languages or languages
            return {(s, t) for s in sources for t in targets if s != t}
        if job.engine == "apertium":
            return installed_pairs()
        if job.engine != "auto":
            pairs = set()
            for source in languages:
                for target in languages:
                    card = default_card("translation", source, target) if source != target else None
                    if card is not None and local_weights(card) is not None:
                        pairs.add((source, target))
            return pairs
        allowed = job.allowed_runtimes()
        return {
            (source, target)
            for source in languages
            for target in languages
            if source != target and ranked_translators(source, target, default_card("translation", source, target), allowed)
        }

    @cached_property
    def known_languages(self) -> frozenset[str]:
        """The languages some card or installed Apertium pair translates, served here or not."""
        from summarize.core.steps import supported_languages

        return frozenset(supported_languages())

    @cache  # noqa: B019 (one Service per app, alive as long as it)
    def formality_served(self, target: str) -> bool:
        """Whether a register may be asked of the translation into `target` from some source
        (the translators into it chosen, and loaded, as a job would)."""
        for source in self.sources_into(target):
            try:
                if target in self.engines.translator(source, target).engine.registers:
                    return True
            except SummarizeError:
                continue
        return False

    def sources_into(self, target: str) -> list[str]:
        return sorted({s for s, t in self.pairs if t == target})

    def options(self, target: str, strict: bool = False, **request) -> Options:
        """A request's job options: the service's, its own languages, length, order, glossary and
        alternatives; strict when the request or the service asks it."""
        return self.settings.options(target, strict=strict or self.settings.strict, **request)

    async def run(self, task: str, document: Document, options: Options) -> Result:
        """One job through the batcher (the front door, with the jobs of concurrent requests); its
        notes kept for /models too; raises its error (a strict refusal is a 422)."""
        result = await self.batcher.run(Job(task, document, options))
        for message in result.notes:
            self.note(message)
        return result

    async def translate_file(self, document, file_format: str, options: Options) -> tuple[bytes, dict]:
        """A document file translated in its own format: its steps (documents/translation.py)
        run off the event loop, each translation they ask for a job like any other."""
        from summarize.documents.translation import translation_steps

        steps = translation_steps(document, file_format)
        asked, finished = await asyncio.to_thread(_advance, steps, None)
        while finished is None:
            text, changes = asked
            result = await self.run("translate", text, options.replace(**changes))
            asked, finished = await asyncio.to_thread(_advance, steps, result.record())
        for message in finished[1]["metadata"]["notes"]:
            self.note(message)
        return finished

    async def within_timeout(self, work):
        """`work` (a request's whole handling: reading a URL, detecting, the jobs) within the
        request timeout; a job not yet started when it runs out is dropped from its batch."""
        timeout = self.settings.request_timeout_s
        try:
            return await asyncio.wait_for(work, timeout)
        except TimeoutError:
            raise TimedOut(f"Not done within {timeout:g} s (summarize serve --request-timeout); try a shorter text") from None

    async def read_url(self, url: str) -> Document:
        """An http(s) URL read as the CLI reads it (same size and time limits), off the event loop;
        loopback and private addresses refused unless the operator allowed them."""
        from summarize.documents.readers import read_source

        if not url.startswith(("http://", "https://")):
            raise InputError(f"{url[:200]}: only http and https URLs are fetched")
        return await asyncio.to_thread(read_source, url, None, not self.settings.allow_private_urls)


def _advance(steps, answer):
    """The steps' next ask, or what they returned: (ask, None) or (None, value)."""
    try:
        return steps.send(answer), None
    except StopIteration as finished:
        return None, finished.value


class TimedOut(SummarizeError):
    """A request not done within the service's timeout."""
