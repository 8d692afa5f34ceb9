"""The service's state: its settings, the engines loaded at start, the batcher every job goes
through, the gate, the metrics, and the notes (fallbacks) said so far."""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
from functools import cached_property
from pathlib import Path

from summarize.core.engines import Engines
from summarize.errors import InputError, SummarizeError
from summarize.service.batcher import Batcher
from summarize.service.files import KeptFiles
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
        keys = read_keys(settings.api_keys_file) if settings.api_keys_file else None
        self.gate = Gate(keys, settings.requests_per_minute, shared / ".requests.sqlite")
        self.started = time.time()

    async def admit(self, api_key, request) -> None:
        """The gate's word on a request (Refused when it may not go on), off the event loop: the
        rate limit's counts are a file the workers share."""
        client = request.client.host if request.client else ""
        await asyncio.to_thread(self.gate.admit, api_key, client)

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
        """(source, target) pairs served here: the forced translator's, installed Apertium pairs,
        and cards whose weights are in the local cache; read once, at start (a model downloaded
        later is served after a restart)."""
        from summarize.catalog.cards import resolve
        from summarize.catalog.hub import local_weights
        from summarize.core.engines import default_card
        from summarize.core.steps import supported_languages
        from summarize.engines.apertium import installed_pairs

        languages = supported_languages()
        job = self.settings.job
        if job.translator:
            card = resolve(job.translator, "translation")
            sources, targets = card.source_languages or languages, card.target_languages or languages
            return {(s, t) for s in sources for t in targets if s != t}
        pairs = installed_pairs() if job.engine in ("auto", "apertium") else set()
        if job.engine != "apertium":
            for source in languages:
                for target in languages:
                    card = default_card("translation", source, target) if source != target else None
                    if card is not None and local_weights(card) is not None:
                        pairs.add((source, target))
        return pairs

    @cached_property
    def known_languages(self) -> frozenset[str]:
        """The languages some card or installed Apertium pair translates, served here or not."""
        from summarize.core.steps import supported_languages

        return frozenset(supported_languages())

    def sources_into(self, target: str) -> list[str]:
        return sorted({s for s, t in self.pairs if t == target})

    async def run(self, task: str, document: Document, target: str, strict: bool = False, **request) -> dict:
        """One job through the batcher; its notes kept for /models too. Under `strict` (the
        request's or the service's), a result whose fact check found anything is a 422."""
        from summarize.text.factcheck import strict_refusal

        result = await self.batcher.run(task, self.settings.options(target, **request), document)
        for message in result["metadata"]["notes"]:
            self.note(message)
        refusal = strict_refusal(result) if strict or self.settings.strict else None
        if refusal is not None:
            raise refusal
        return result

    async def alternatives(self, text: str, translated: str, source: str, target: str, count: int) -> list[str]:
        """Up to `count` other translations of `text` than `translated`, on the model thread: the
        k-th of each is every sentence's k-th best hypothesis (its best where it has fewer), from
        the translator's beam search; none from an engine that makes one translation only."""
        return await self.batcher.call(self._alternatives, text, translated, source, target, count)

    def _alternatives(self, text: str, translated: str, source: str, target: str, count: int) -> list[str]:
        from summarize.text.segment import split_sentences

        sentences = split_sentences(" ".join(text.split()), source)
        if source == target or not sentences:
            return []
        engine = self.engines.translator(source, target, len(sentences)).engine
        ranked = engine.ranked_translations(sentences, source, target, count + 1)
        if not ranked or not all(ranked):
            return []
        candidates = (" ".join(found[min(k, len(found) - 1)] for found in ranked) for k in range(count + 1))
        return [candidate for candidate in dict.fromkeys(candidates) if candidate != translated][:count]

    def pipeline(self, loop, target: str, source: str, **request) -> ServicePipeline:
        """A Pipeline's `translate` for the document layer, run from a worker thread; `request`:
        the request's other options (its glossary)."""
        return ServicePipeline(self, loop, target, source, request)

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
        from summarize.text.readers import read_source

        if not url.startswith(("http://", "https://")):
            raise InputError(f"{url[:200]}: only http and https URLs are fetched")
        return await asyncio.to_thread(read_source, url, None, not self.settings.allow_private_urls)


class ServicePipeline:
    """What the document layer asks of a pipeline, answered by the service's batcher from a
    worker thread."""

    def __init__(self, service, loop, target: str, source: str, request: dict):
        self.service, self.loop, self.target, self.source, self.request = service, loop, target, source, request

    def translate(self, document) -> dict:
        job = self.service.run("translate", document, self.target, source=self.source, **self.request)
        return asyncio.run_coroutine_threadsafe(job, self.loop).result()

    def in_language(self, source: str) -> ServicePipeline:
        return ServicePipeline(self.service, self.loop, self.target, source, self.request)

    def say(self, notes: list[str]) -> None:
        for message in notes:
            self.service.note(message)


class TimedOut(SummarizeError):
    """A request not done within the service's timeout."""
