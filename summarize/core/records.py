"""What goes in at the front door and what comes out: a `Job` (a task, a document, the options
of its request) and its `Result` (the translation or the summary, the alignment, the
alternatives, and the metadata: languages, counts, fact check, notes, timings, and the signature
of the engines that ran). `record()` is what `--format json` prints and the service answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from summarize.core.options import TASKS, Options
from summarize.text.document import Document


@dataclass(frozen=True)
class Job:
    """One document and what is asked of it."""

    task: str
    document: Document
    options: Options

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f"a job's task is one of {', '.join(TASKS)}, not {self.task!r}")


@dataclass(frozen=True)
class Aligned:
    """One source sentence and its translation."""

    paragraph: int
    source: str
    translation: str
    confidence: float | None
    low_confidence: bool
    #: The alias of the translator that made it (None: kept as it was, in the target already).
    translator: str | None = None


@dataclass
class Result:
    """One job's outcome. `translate`: the paragraphs, their sentence alignment and the other
    translations asked (each the document's paragraphs); `article`: the summary and headline."""

    task: str
    metadata: dict
    paragraphs: list[str] = field(default_factory=list)
    alignment: list[Aligned] = field(default_factory=list)
    alternatives: list[list[str]] = field(default_factory=list)
    #: How many alternatives the job asked for (the record lists them when it asked).
    alternatives_asked: int = 0
    summary: str | None = None
    headline: str | None = None
    #: The article's brief, when the job asked for one (text/brief.py).
    brief: dict | None = None

    @property
    def notes(self) -> list[str]:
        return self.metadata["notes"]

    @property
    def fact_check(self) -> dict:
        return self.metadata["fact_check"]

    @property
    def source_language(self) -> str:
        return self.metadata["languages"]["source"]

    @property
    def sentences(self) -> int:
        return self.metadata["counts"]["sentences"]

    @property
    def signature(self) -> dict:
        """The engines that made it: model, revision, runtime and its version, device, precision."""
        return {key: self.metadata[key] for key in ("translators", "summarizer") if key in self.metadata}

    def record(self) -> dict:
        """The result as `--format json` prints it."""
        if self.task == "article":
            brief = {"brief": self.brief} if self.brief is not None else {}
            return {"summary": self.summary, "headline": self.headline, **brief, "metadata": self.metadata}
        return {
            "paragraphs": self.paragraphs,
            "alignment": [row.__dict__.copy() for row in self.alignment],
            **({"alternatives": self.alternatives} if self.alternatives_asked else {}),
            "metadata": self.metadata,
        }
