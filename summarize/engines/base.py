"""The two engine interfaces. Engines implement the batch call, which returns its results with
their flags; conveniences live here."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from summarize.catalog.cards import ModelCard


def count_words(text: str) -> int:
    """A tokenizer-free length: whitespace-separated words."""
    return len(text.split())


def check_budget(lengths: list[int], budget: int) -> None:
    """Refuse inputs longer than the model takes: the pipeline splits them before they get here."""
    too_long = [(index, length) for index, length in enumerate(lengths) if length > budget]
    if too_long:
        from summarize.errors import SummarizeError

        index, length = too_long[0]
        raise SummarizeError(
            f"input {index} has {length} tokens, over the budget of {budget}; it must be split before it reaches the model"
        )


@dataclass
class Translated:
    """What one translation call gives: a text per sentence, in order, and per sentence whether it
    ran to its length bound or looped even after a retry (kept as it came), whether it was
    translated again alone to keep the sentences one to one (chat models), and the engine's
    confidence in it, 0 to 1 (None where the engine gives none)."""

    texts: list[str]
    ran_away: list[bool] = field(default_factory=list)
    realigned: list[bool] = field(default_factory=list)
    confidences: list[float | None] = field(default_factory=list)

    def __post_init__(self):
        self.ran_away = self.ran_away or [False] * len(self.texts)
        self.realigned = self.realigned or [False] * len(self.texts)
        self.confidences = self.confidences or [None] * len(self.texts)


class Engine(ABC):
    """What the engines holder and the jobs call on every engine."""

    engine_name: str = ""
    #: The task of the engine's interface ("translation" or "summarization").
    task: str = ""
    card: ModelCard
    device: str = "cpu"

    #: Longest input, in the engine's own tokens, one call accepts; None means unbounded.
    max_input_tokens: int | None = None
    #: Why `auto` took this runtime, per shape of call it serves (set by the engines holder).
    auto_reasons: dict[str, str] = {}

    @classmethod
    @abstractmethod
    def from_card(cls, card: ModelCard, device: str = "auto", allow_download: bool = True) -> Engine:
        """The engine loaded for `card` on `device` ('auto', 'cpu' or 'cuda')."""

    def count_tokens(self, text: str, target: str | None = None) -> int:
        """Length of `text` in the unit `max_input_tokens` is measured in, with whatever the engine
        puts before it for `target`."""
        return count_words(text)

    def describe(self) -> dict:
        """Model, engine and device, for the JSON metadata."""
        return {
            "alias": self.card.alias,
            "hub_id": self.card.hub_id,
            "revision": self.card.revision,
            "engine": self.engine_name,
            "device": self.device,
            **({"auto": self.auto_reasons} if self.auto_reasons else {}),
        }


class Translator(Engine):
    """Translates sentences, one output per input, in order."""

    task = "translation"
    #: Below this confidence a sentence is flagged (each engine's scale: docs/usage.md).
    confidence_threshold: float | None = None
    #: `translate` reads `starts` (where paragraphs begin) and works a paragraph at a time: the
    #: jobs give it every document's sentences in order, repeats kept, with where each paragraph starts.
    by_paragraph: bool = False
    #: How a sentence's glossary terms stand in it when it is translated, then when a sentence that
    #: lost one is translated again (text/glossary.py FORMS), chosen per engine.
    term_forms: tuple[str, str] = ("inline", "placeholder")
    #: Sentences per call when a progress bar is shown; None: always one call (cheap engines
    #: whose per-call start-up would dominate, such as a subprocess).
    progress_group: int | None = 64
    #: The target languages whose register (formal or informal address) a job may ask of this
    #: translator (`Options.formality`); none: it writes in its one register.
    registers: frozenset[str] = frozenset()

    @abstractmethod
    def translate(self, sentences: list[str], source: str, target: str, starts: tuple[int, ...] = ()) -> Translated:
        """Translate each sentence from `source` into `target` (ISO 639-1 codes); `starts`: the
        indexes where paragraphs begin, for engines that work `by_paragraph`."""

    def translate_with_terms(self, sentences: list[str], source: str, target: str, terms) -> Translated:
        """Sentences that lost a glossary term translated again, their `terms` (a tuple of
        glossary Terms) in the retry's form; an engine that can make its output hold given words
        overrides this to constrain it."""
        from summarize.text.glossary import protect, restore

        protected = [protect(sentence, terms, self.term_forms[1]) for sentence in sentences]
        done = self.translate([text for text, _ in protected], source, target, tuple(range(len(sentences))))
        done.texts = [restore(text, found) for text, (_, found) in zip(done.texts, protected)]
        return done

    def for_request(self, options) -> Translator:
        """This translator as a job's options ask (core/options.py `Options`): an engine that
        takes an option of its own (a formality, a domain) answers a copy set for it; one that
        takes none, itself."""
        return self

    def translate_batch(self, sentences: list[str], source: str, target: str) -> list[str]:
        """The translations alone."""
        return self.translate(list(sentences), source, target).texts

    def ranked_translations(self, sentences: list[str], source: str, target: str, count: int) -> list[list[str]] | None:
        """Up to `count` distinct translations of each sentence, best first; None from an engine
        that makes one translation only (a rule-based one, a chat model's greedy answer)."""
        return None


class Summarizer(Engine):
    """Summarises passages (each a list of sentences), one summary per passage, in order."""

    task = "summarization"
    #: Whether the summary is written in the passage's language (mT5) or a fixed one (BART: en).
    language_preserving: bool = True
    #: Whether a number `length` counts sentences (extractive, chat) rather than new tokens.
    lengths_in_sentences: bool = False
    #: `summarize_batch` honours `stream`, which gets a single passage's summary as it is generated.
    streams: bool = False
    #: `summarize_batch` honours `into` (a summary written in another language: chat models).
    writes_other_languages: bool = False
    #: `revise` summarises a passage again, told what its summary said that the passage does not.
    revises: bool = False

    def revise(self, passage: list[str], length: str, language: str, into: str | None, spans: list[str]) -> str:
        """The passage summarised again, told that `spans` are not in it (where `revises`)."""
        raise NotImplementedError

    @abstractmethod
    def summarize_batch(
        self, passages: list[list[str]], length: str, language: str, into: str | None = None, stream=None
    ) -> list[str]:
        """Summarise each passage in `language`, or in `into` where the engine
        `writes_other_languages`; `length` is short, medium, long or a number."""


class IdentityTranslator(Translator):
    """The translation step when the text is already in the target language."""

    engine_name = "identity"
    max_input_tokens = None

    def __init__(self):
        self.card = ModelCard(alias="identity", task="translation", engines=("extractive",), architecture="extractive")

    @classmethod
    def from_card(cls, card: ModelCard, device: str = "auto", allow_download: bool = True) -> IdentityTranslator:
        return cls()

    def translate(self, sentences: list[str], source: str, target: str, starts: tuple[int, ...] = ()) -> Translated:
        return Translated(list(sentences))


class ModelBacked(Engine):
    """An engine around a loaded model (a sequence-to-sequence one, engines/seq2seq.py, or a chat
    one, engines/chat.py): `model_class` loads it for the engine's task."""

    model_class: type

    def __init__(self, model):
        self.model = model
        self.card = model.card
        self.device = model.device
        self.max_input_tokens = model.max_input_tokens

    @classmethod
    def from_card(cls, card: ModelCard, device: str = "auto", allow_download: bool = True) -> ModelBacked:
        return cls(cls.model_class.load(card, device, cls.task, allow_download))

    def count_tokens(self, text: str, target: str | None = None) -> int:
        return self.model.count_tokens(text, target)

    def describe(self) -> dict:
        return {**super().describe(), **self.model.describe()}


class NeuralTranslator(ModelBacked, Translator):
    """Translation by a sequence-to-sequence model, its output bounded by the source."""

    #: The geometric mean of the output's token probabilities below which a sentence is flagged:
    #: the chat models' threshold, not calibrated on these models (no real weights of them here).
    confidence_threshold = 0.5

    def translate(self, sentences: list[str], source: str, target: str, starts: tuple[int, ...] = ()) -> Translated:
        return self.model.translate(list(sentences), source, target)

    def ranked_translations(self, sentences: list[str], source: str, target: str, count: int) -> list[list[str]]:
        return self.model.ranked_translations(list(sentences), source, target, count)

    def describe(self) -> dict:
        from summarize.engines.bounds import length_factor

        factor, offset = length_factor(self.card)
        return {**super().describe(), "output_bound": f"{factor:g} x source tokens + {offset}"}


class NeuralSummarizer(ModelBacked, Summarizer):
    """Summaries by a sequence-to-sequence model; mT5 writes in the passage's language."""

    @property
    def language_preserving(self) -> bool:
        return self.model.architecture in ("mt5",)

    def summarize_batch(
        self, passages: list[list[str]], length: str, language: str, into: str | None = None, stream=None
    ) -> list[str]:
        return self.model.generate([" ".join(p) for p in passages], length=length)
