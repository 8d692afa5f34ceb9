"""Every option of the jobs, declared once: its type, default, choices, help and environment
variable. The click options of each command, the service's request bodies and settings, and the
bench runs are derived from `Options`; a new option is one field here.

Scopes: `engines` options choose the engines (fixed for a service, which loads them at start),
`request` options may change per document or request."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from summarize.lengths import LENGTH_SENTENCES
from summarize.limits import number_problem
from summarize.runtimes.table import auto_loadable

if TYPE_CHECKING:
    from summarize.text.glossary import Glossary

#: The orders of the article job, and what each does.
ORDERS = {
    "translate-first": "translate the article, then summarise the translation",
    "summarize-first": "summarise in the source language, then translate the summary",
    "direct": "a chat model (--summarizer) reads the source language and writes the target's in one call",
}
DEVICES = ("auto", "cpu", "cuda")
#: DeepL's formality values: the register asked for, or only preferred.
FORMALITIES = ("default", "more", "less", "prefer_more", "prefer_less")
#: What a translation is optimised for (DeepL's `model_type` says quality_optimized or latency_optimized).
OPTIMIZATIONS = ("quality", "latency")
LANGUAGE_HELP = "ISO 639-1 code (en, es, fr, de, it, pt)"
LENGTH_HELP = (
    "short, medium or long; or a number: sentences for the extractive summarisers (textrank, lexrank, lead), "
    "new tokens for neural ones; or a percentage of the sentences (extractive)."
)


def length_problem(length: str) -> str | None:
    """Why `length` is no summary length (None when it is one): a preset; a whole number
    (sentences for the extractive summarisers, new tokens for neural ones); or a percentage of
    the sentences, above 0 and up to 100%."""
    text = str(length).strip()
    if text in LENGTH_SENTENCES:
        return None
    if text.endswith("%"):
        number = number_problem(text[:-1], low=0, high=100, low_open=True)
        return None if number is None else f"{length!r}: the percentage {number}"
    if text.isdigit() and int(text) > 0:
        return None
    return f"{length!r} is not short, medium, long, a whole number or a percentage up to 100%"


def length_factor_problem(value) -> str | None:
    return None if value is None else number_problem(value, low=0, high=100, low_open=True)


#: Other translations asked per document at most: each widens the beam search by one hypothesis.
MAX_ALTERNATIVES = 10


def alternatives_problem(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{value!r} is not a whole number"
    return number_problem(value, low=0, high=MAX_ALTERNATIVES)


def runtimes_problem(value: str) -> str | None:
    unknown = [name for name in str(value).split(",") if name.strip() not in auto_loadable()]
    return f"{value!r}: {', '.join(unknown)} not among {', '.join(auto_loadable())}" if unknown else None


#: The jobs, as their commands are named.
TASKS = ("article", "translate")


def _option(
    default,
    help: str,
    scope: str,
    flag: str,
    choices: tuple[str, ...] | Callable[[], tuple[str, ...]] | None = None,
    envvar: str | None = None,
    check: Callable[[object], str | None] | None = None,
    metavar: str | None = None,
    tasks: tuple[str, ...] = TASKS,
):
    """A field of `Options` with what its command-line option, request field and checks need;
    `tasks`: the jobs that take it (their commands and request bodies offer it)."""
    spec = {"help": help, "scope": scope, "flag": flag, "choices": choices, "envvar": envvar, "check": check}
    return field(default=default, metadata={**spec, "metavar": metavar, "tasks": tasks})


def _engine_names() -> tuple[str, ...]:
    from summarize.runtimes.table import engine_choices

    return engine_choices()


@dataclass(frozen=True)
class Options:
    """What the user asked of a job; engines and models by name."""

    target: str = _option("en", f"Target language, {LANGUAGE_HELP}.", "request", "--to", metavar="LANG")
    source: str = _option("auto", f"Source language, {LANGUAGE_HELP}, or auto to detect it.", "request", "--from", metavar="LANG")
    length: str = _option(
        "medium", LENGTH_HELP, "request", "--length", check=length_problem, metavar="short|medium|long|N|N%", tasks=("article",)
    )
    order: str = _option(
        "translate-first",
        "; ".join(f"{k}: {v}" for k, v in ORDERS.items()) + ".",
        "request",
        "--order",
        ORDERS,
        tasks=("article",),
    )
    engine: str = _option(
        "auto",
        "Force an engine for the steps it can do; auto picks local models, else fallbacks.",
        "engines",
        "--engine",
        _engine_names,
    )
    translator: str | None = _option(
        None,
        "Translation model: alias, hub id or local folder.",
        "engines",
        "--translator",
        envvar="SUMMARIZE_TRANSLATOR",
        metavar="MODEL",
    )
    summarizer: str | None = _option(
        None,
        "Summarisation model: alias, hub id or local folder.",
        "engines",
        "--summarizer",
        envvar="SUMMARIZE_SUMMARIZER",
        metavar="MODEL",
        tasks=("article",),
    )
    device: str = _option("auto", "Where neural models run.", "engines", "--device", DEVICES)
    length_factor: float | None = _option(
        None,
        "Translation output at most this times its source in tokens, plus the card's offset (default: the card's, else 2).",
        "engines",
        "--max-length-factor",
        check=length_factor_problem,
        metavar="FACTOR",
    )
    runtimes: str | None = _option(
        None,
        f"The runtimes auto may load, comma-separated ({','.join(auto_loadable())}; default: any): conversions, "
        "and an installed GGUF model ranked best for a pair; one runtime keeps a service to its memory, where auto "
        "would hold both conversions for calls of different shapes.",
        "engines",
        "--runtimes",
        envvar="SUMMARIZE_RUNTIMES",
        check=runtimes_problem,
        metavar="LIST",
    )

    glossary: Glossary | str | None = _option(
        None,
        "Glossary of terms to translate one way (CSV or TSV: source, target, and optionally source and target "
        "language and case/nocase; an empty target: do not translate; or TBX).",
        "request",
        "--glossary",
        envvar="SUMMARIZE_GLOSSARY",
        metavar="FILE",
    )

    alternatives: int = _option(
        0,
        "Other translations of each paragraph to give besides the best (0-10), from the engine's beam search, "
        "each with the glossary, number conventions and length bound applied; none from an engine that makes one.",
        "request",
        "--alternatives",
        check=alternatives_problem,
        metavar="N",
        tasks=("translate",),
    )
    formality: str = _option(
        "default",
        "The register the translation addresses its reader in, where the target language has one (tu/vous, du/Sie, "
        "tú/usted): more or less is refused by an engine that cannot be asked for it, prefer_more or prefer_less falls "
        "back to its one register with a note.",
        "request",
        "--formality",
        FORMALITIES,
        tasks=("translate",),
    )
    optimize_for: str = _option(
        "quality",
        "quality: a model whose card weighs a per-sentence choice against Apertium translates every sentence; "
        "latency: a sentence whose renderings along Apertium's installed routes agree is Apertium's, unasked of the "
        "model (without a glossary or alternatives; docs/usage.md).",
        "request",
        "--optimize-for",
        OPTIMIZATIONS,
    )
    brief: bool = _option(
        False,
        "Add a brief to the result (its `brief`): the headline, points that cite the article's sentences (checked "
        "against them), quotes with who said them, names, and every number and date with its sentence.",
        "request",
        "--brief",
        tasks=("article",),
    )
    strict: bool = _option(
        False,
        "Refuse the result (exit 10, writing nothing; 422 from the service) when the fact check finds a number, "
        "date, name or quote of the output its source does not hold, or a number the translation lost.",
        "request",
        "--strict",
    )

    def __post_init__(self):
        if isinstance(self.glossary, (str, Path)):
            from summarize.text.glossary import load

            object.__setattr__(self, "glossary", load(self.glossary))
        for spec in fields():
            problem = check(spec, getattr(self, spec.name))
            if problem:
                from summarize.errors import InputError

                raise InputError(f"{spec.metadata['flag']} {problem}")

    def allowed_runtimes(self) -> tuple[str, ...] | None:
        """The conversions `auto` may load (None: any)."""
        return tuple(name.strip() for name in self.runtimes.split(",")) if self.runtimes else None

    def engine_key(self) -> tuple:
        """The options that choose engines, as a key."""
        return tuple(getattr(self, f.name) for f in fields("engines"))

    def replace(self, **changes) -> Options:
        return dataclasses.replace(self, **changes)


def fields(scope: str | None = None) -> list[dataclasses.Field]:
    """The declared options, or those of one scope."""
    return [f for f in dataclasses.fields(Options) if scope is None or f.metadata["scope"] == scope]


def options_for(task: str, scope: str | None = None) -> tuple[str, ...]:
    """The names of the options `task` takes (of one scope), in their declared order."""
    return tuple(spec.name for spec in fields(scope) if task in spec.metadata["tasks"])


def choices_of(spec: dataclasses.Field) -> tuple[str, ...] | None:
    choices = spec.metadata["choices"]
    return tuple(choices()) if callable(choices) else (tuple(choices) if choices is not None else None)


def check(spec: dataclasses.Field, value) -> str | None:
    """Why `value` does not fit the option (None when it does)."""
    choices = choices_of(spec)
    if choices is not None and value not in choices:
        return f"{value!r} is not one of {', '.join(choices)}"
    if spec.metadata["check"] is not None and value is not None:
        return spec.metadata["check"](value)
    return None
