"""Batching across documents, in one place (../shared/DESIGN.md section 9): the sentences of
many documents are translated together, per source language, in one call to the engine (which
sorts them by length and cuts its batches), and the first-level chunks of their summaries are
summarised together; then each document runs its own job, served from those results. A document
that fails becomes its error, never the batch's."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from summarize.errors import SummarizeError, attempt
from summarize.jobs import Options, Prepared, finish_article, finish_translation, prepare, summarizer_factory, translator_factory
from summarize.pipeline import Timer, translation_pieces
from summarize.text.document import Document


class _Recorded(Exception):
    """First pass of a summary: its chunks are recorded, and the document's job stops here."""


@dataclass
class _Served:
    """An engine whose answers come from the batch's results where it has them; the rest it
    computes (or, recording, notes and stops)."""

    engine: object
    results: dict
    recording: set | None = None
    hit_length_bound: int = 0
    ran_away: tuple[bool, ...] = ()
    realigned: tuple[bool, ...] = ()
    progress_group: None = None
    #: Summaries asked of this engine (each one model call, made now or in the batch's pass).
    served_calls: int = 0

    @property
    def calls(self) -> int | None:
        """As the engine's own count: only for engines that count their model calls."""
        return self.served_calls if self.engine.calls is not None else None

    def __getattr__(self, name: str):
        return getattr(self.engine, name)

    def translate_batch(self, sentences: list[str], source: str, target: str) -> list[str]:
        missing = [s for s in dict.fromkeys(sentences) if (source, s) not in self.results]
        if missing:
            _translate_into(self.results, self.engine, missing, source, target)
        answers = [self.results[(source, s)] for s in sentences]
        self.ran_away = tuple(ran_away for _, ran_away, _ in answers)
        self.realigned = tuple(realigned for _, _, realigned in answers)
        self.hit_length_bound = sum(self.ran_away)
        return [text for text, _, _ in answers]

    def summarize_batch(self, passages: list[list[str]], length: str, language: str, **into) -> list[str]:
        keys = [(language, length, into.get("into"), tuple(p)) for p in passages]
        missing = [k for k in dict.fromkeys(keys) if k not in self.results]
        if missing and self.recording is not None:
            self.recording.update(missing)
            raise _Recorded
        if missing:
            texts = self.engine.summarize_batch([list(k[3]) for k in missing], length, language, **into)
            self.results.update(zip(missing, texts))
        self.served_calls += len(passages)
        return [self.results[k] for k in keys]


def _translate_into(results: dict, translator, sentences: list[str], source: str, target: str) -> None:
    texts = translator.translate_batch(sentences, source, target)
    ran_away = translator.ran_away or (False,) * len(sentences)
    realigned = translator.realigned or (False,) * len(sentences)
    results.update({(source, s): answer for s, *answer in zip(sentences, texts, ran_away, realigned)})


@dataclass
class Batch:
    """One batch of documents through `article` or `translate` with shared engine calls."""

    options: Options
    notify: Callable[[str], None]
    translations: dict = field(default_factory=dict)
    summaries: dict = field(default_factory=dict)

    def __post_init__(self):
        self.translator_for = translator_factory(self.options, self.notify)
        self.summarizer_for = summarizer_factory(self.options, self.notify)

    def run(self, documents: list[Document], task: str) -> list[dict | SummarizeError]:
        """Each document's result, or the error that stopped it, in order."""
        prepared = [attempt(lambda d=d: prepare(d, self.options)) for d in documents]
        ready = [p for p in prepared if isinstance(p, Prepared)]
        self._translate_together(ready)
        served = lambda language: self._served_translator(language)  # noqa: E731
        if task == "translate":
            finish = lambda p: finish_translation(p, self.options, self.notify, served)  # noqa: E731
        else:
            self._summarize_together(ready, served)
            summarizer = lambda language: _Served(self.summarizer_for(language), self.summaries)  # noqa: E731
            finish = lambda p: finish_article(p, self.options, self.notify, served, summarizer)  # noqa: E731
        return [p if isinstance(p, SummarizeError) else attempt(lambda p=p: finish(p)) for p in prepared]

    def _served_translator(self, language: str):
        """The translator from `language`, served from the pooled results; a translator that
        works by paragraph (a chat model) translates each document itself."""
        translator = self.translator_for(language)
        return translator if translator.by_paragraph else _Served(translator, self.translations)

    def _translate_together(self, ready: list[Prepared]) -> None:
        """Every piece of every paragraph not in the target language, one call per source language."""
        wanted: dict[str, dict[str, None]] = {}
        for prepared in ready:
            for paragraph, language in zip(prepared.paragraphs, prepared.languages.paragraphs):
                if language != self.options.target:
                    wanted.setdefault(language, {}).update(dict.fromkeys(paragraph))
        for language, sentences in wanted.items():
            try:
                translator = self.translator_for(language)
            except SummarizeError:
                continue  # each document's own step says it (or keeps the paragraph) as it would alone
            if translator.by_paragraph:
                continue
            pieces = [piece for group in translation_pieces(list(sentences), translator, self.options.target) for piece in group]
            fresh = [p for p in dict.fromkeys(pieces) if (language, p) not in self.translations]
            if fresh:
                _translate_into(self.translations, translator, fresh, language, self.options.target)

    def _summarize_together(self, ready: list[Prepared], served) -> None:
        """A first pass records each document's first-level summary chunks; they are summarised in
        one call per language and length. Extractive summaries gain nothing from it: skipped."""
        probe = attempt(lambda: self.summarizer_for(self.options.target))
        if isinstance(probe, SummarizeError) or probe.card.weightless:
            return
        chunks: set = set()
        recorder = lambda language: _Served(self.summarizer_for(language), self.summaries, chunks)  # noqa: E731
        for prepared in ready:
            try:  # on a copy with its own timer: the document's timings are those of its real run
                finish_article(dataclasses.replace(prepared, timer=Timer()), self.options, lambda message: None, served, recorder)
            except (_Recorded, SummarizeError):
                continue
        by_setting: dict[tuple, list[tuple]] = {}
        for language, length, into, chunk in chunks:
            by_setting.setdefault((language, length, into), []).append(chunk)
        for (language, length, into), passages in by_setting.items():
            summarizer = self.summarizer_for(language)
            texts = summarizer.summarize_batch([list(p) for p in passages], length, language, **({"into": into} if into else {}))
            self.summaries.update({(language, length, into, p): t for p, t in zip(passages, texts)})
