"""Decoder-only models in GGUF on llama.cpp, through xllamacpp: llama.cpp's own server loop inside
this process, one prompt at a time, so that a prompt's answer never depends on the prompts decoded
beside it or before it (llama.cpp's arithmetic differs between a lone prompt, one in a batch of
slots, and one whose start came from what a slot's cache held before: docs/performance.md). A
prompt is read whole, or after the one saved state of its shared start (a completion prompt's
example pairs), restored: the same reading every time.
Greedy; an answer ends at the card's stop strings (checked on its streamed pieces). The binding
and its figures: pyproject.toml's `gguf` extra."""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import tempfile
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor

from summarize.catalog.cards import ModelCard
from summarize.engines import holding
from summarize.engines.chat import ChatModel, reached_stop
from summarize.engines.llamacpp_tokenizer import LlamaCppTokenizer, ServerRoutes
from summarize.engines.runtime import GeneratedIds, IncrementalText, load_tokenizer
from summarize.errors import EngineUnavailableError, ModelUnavailableError, first_line
from summarize.heap import give_back
from summarize.runtimes import cpu

#: Tokens of context each slot holds (prompt and answer): a map-reduce chunk fits in it, and
#: the slot's cache stays small (Gemma 3 270M: 18 KiB a token, 74 MiB a slot).
SLOT_CONTEXT = 4096
#: Prompts decoded at once: one. Beside others in parallel slots, 9 of 16 Gemma 3 270M
#: translations differed from the same prompts decoded alone, and the slots gave 1.15x at most
#: on 2 cores (docs/performance.md).
SLOTS = 1
#: DRY's penalty on a repeating token, large enough to bar it under greedy decoding.
DRY_MULTIPLIER = 1000.0
#: The fewest tokens a prompt's shared start must have for its state to be saved and restored.
SHARED_START_TOKENS = 32
#: What stands for a prompt's text while its shared start is cut from it.
_TEXT_MARK = "\x00text\x00"
#: llama.cpp servers by file and settings, kept for the process's life and shared by the engines
#: that load the same file: freeing a server while its loop thread runs aborted the process (the
#: test suite, 2 runs of 3, a later test's engine being used when an earlier one's was freed).
_SERVERS: dict[tuple, _Running] = {}


def import_xllamacpp():
    try:
        import xllamacpp
    except ImportError:
        raise EngineUnavailableError("engine 'llamacpp' needs the package 'xllamacpp': pip install 'summarize[gguf]'") from None
    return xllamacpp


class LlamaCppModel(ChatModel):
    runtime = "llamacpp"
    max_batch = SLOTS
    constrains_words = True

    def __init__(self, card: ModelCard, allow_download: bool):
        from summarize.catalog.gguf import read_info
        from summarize.catalog.hub import gguf_file

        xllamacpp = import_xllamacpp()
        info = read_info(gguf_file(card, allow_download))
        context = min(card.context_length or info.context_length or SLOT_CONTEXT, SLOT_CONTEXT)
        card = dataclasses.replace(card, context_length=context)
        self.info = info
        self.running = _server(xllamacpp, str(info.path), context, cpu.threads())
        super().__init__(card, _tokenizer(card, info, self.running.routes), "cpu", context)
        #: Prompt starts already noted (`prompt`).
        self.noted: set[str] = set()
        self.pool = ThreadPoolExecutor(SLOTS, thread_name_prefix="summarize-llamacpp")
        weakref.finalize(self, self.pool.shutdown, wait=False)

    @classmethod
    def load(cls, card: ModelCard, device: str, task: str, allow_download: bool) -> LlamaCppModel:
        if device == "cuda":
            raise EngineUnavailableError("the llamacpp engine runs on the CPU here; use --device cpu or another engine")
        return cls(card, allow_download)

    def precision(self) -> str:
        return self.info.quantization

    def threads(self) -> int:
        return cpu.threads()

    def describe(self) -> dict:
        return {
            **super().describe(),
            "file": str(self.info.path),
            "weights_bytes": self.info.tensor_bytes,
            "build": build(import_xllamacpp()),
        }

    def prompt(self, job: str, **fields) -> str:
        """The card's prompt; a completion prompt's start before its text (the example pairs, the
        language's name) is noted as one whose state is saved once and restored for each prompt."""
        if self.completion and "text" in fields:
            # up to the last word before the text: a space joins the word after it in one token
            start = super().prompt(job, **{**fields, "text": _TEXT_MARK}).split(_TEXT_MARK)[0].rstrip()
            if start not in self.noted:
                self.noted.add(start)
                ids = tuple(self.prompt_ids(start))
                if len(ids) >= SHARED_START_TOKENS:
                    self.running.starts |= {ids}  # a new set: `restore` may be reading the old
        return super().prompt(job, **fields)

    def runtime_settings(self, settings: dict) -> dict:
        forced = settings.get("min_new_tokens", 0) >= settings["max_new_tokens"]  # bench latency's exact lengths
        no_repeat = settings.get("no_repeat_ngram_size")
        return {
            "n_predict": settings["max_new_tokens"],
            "temperature": 0.0,
            "top_k": 1,
            "stop": tuple(settings.get("stop", ())),
            "ignore_eos": forced,
            # The answer in llama.cpp's own ids, which only its log-probabilities carry: lengths
            # (forced ones, a bound reached) are counted in them.
            "logprobs": 1,
            # llama.cpp bans no n-grams; its DRY penalty, this large, bars a token that would
            # repeat a run of allowed_length tokens from the answer.
            **({"dry_multiplier": DRY_MULTIPLIER, "dry_allowed_length": no_repeat - 1} if no_repeat else {}),
            **({"dry_penalty_last_n": settings["max_new_tokens"]} if no_repeat else {}),
            **({"grammars": [holding.grammar(*held) for held in settings["holding"]]} if "holding" in settings else {}),
        }

    def run_ids(self, inputs: list[list[int]], settings: dict, stream: IncrementalText | None = None) -> list[list[int]]:
        """The prompts, one after another; each answer in llama.cpp's own ids, with its mean
        log-probability."""
        streamed = stream if len(inputs) == 1 else None
        grammars = settings.pop("grammars", None)
        each = [{**settings, **({"grammar": g} if g else {})} for g in grammars or [None] * len(inputs)]
        answers = list(self.pool.map(lambda ids, asked: self._answer(ids, asked, streamed), inputs, each))
        if grammars:
            # llama.cpp checks a grammar against every token of the vocabulary (Gemma's 262,144):
            # up to 100 MB for a moment, which its heap would keep for the rest of the run.
            give_back()
        return answers

    def _answer(self, ids: list[int], settings: dict, stream: IncrementalText | None) -> GeneratedIds:
        """One prompt's answer, streamed from its slot: its ids (from llama.cpp's log-probabilities)
        until the piece that reaches a stop string, checked here as on every runtime (llama.cpp's
        own stop would end an answer at the whitespace it starts with)."""
        asked = {key: value for key, value in settings.items() if key != "stop"}
        stops = settings["stop"]
        new: list[int] = []
        logprobs: list[float] = []
        text: list[str] = []
        errors: list[dict] = []

        def received(chunk: dict) -> bool:
            """Takes one streamed piece; True ends the answer."""
            if "choices" not in chunk:
                errors.append(chunk)
                return True
            choice = chunk["choices"][0]
            for step in (choice.get("logprobs") or {}).get("content") or ():
                new.append(step["id"])
                logprobs.append(step.get("logprob", 0.0))
            piece = choice.get("text") or ""
            if piece:
                text.append(piece)
                if stream is not None:
                    stream.say(piece)
            return bool(stops) and reached_stop("".join(text), stops)

        with self.running.lock:
            request = {**asked, "prompt": ids, "stream": True, "cache_prompt": self.running.restore(ids)}
            self.running.server.handle_completions(request, received)
        if errors:
            raise EngineUnavailableError(f"llama.cpp failed: {_message(errors[0])}")
        return GeneratedIds(new, sum(logprobs) / len(logprobs) if logprobs else None)


def build(xllamacpp) -> dict:
    """Which llama.cpp runs: the binding's version and the instruction sets its build uses (its
    system info: the prebuilt wheel's stop at AVX2, a native build's name AVX512 where the CPU
    has it; docs/performance.md)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        binding = f"xllamacpp {version('xllamacpp')}"
    except PackageNotFoundError:
        binding = "xllamacpp (from source)"
    parts = (part.rpartition(":")[2].partition("=") for part in xllamacpp.get_system_info().split("|"))
    return {"binding": binding, "instructions": [name.strip() for name, _, value in parts if value.strip() == "1"]}


class _Running:
    """A llama.cpp server of this process: its routes (on a local port, behind a key no other
    process knows), its one slot's lock, and the saved states of the prompt starts noted."""

    def __init__(self, server, key: str, folder: tempfile.TemporaryDirectory):
        self.server, self.folder = server, folder
        self.routes = ServerRoutes(server.listening_address.removeprefix("http://"), key)
        self.lock = threading.Lock()
        #: Prompt starts (ids) whose state is saved on first use, and the files saved.
        self.starts: frozenset[tuple[int, ...]] = frozenset()
        self.saved: dict[tuple[int, ...], str] = {}

    def restore(self, ids: list[int]) -> bool:
        """Puts in the slot the saved state of the longest noted start of `ids` (saving it first,
        read alone, where it was not), so that the rest of `ids` is read after it as every time;
        False where `ids` starts with none (then the prompt is read whole). Under `lock`."""
        start = max((s for s in self.starts if len(s) < len(ids) and tuple(ids[: len(s)]) == s), key=len, default=None)
        if start is None:
            return False
        if start not in self.saved:
            self.server.handle_completions({"prompt": list(start), "n_predict": 0, "cache_prompt": False})
            name = hashlib.sha256(repr(start).encode()).hexdigest()[:32] + ".bin"
            self.routes.ask("/slots/0?action=save", {"filename": name})
            self.saved[start] = name
        self.routes.ask("/slots/0?action=restore", {"filename": self.saved[start]})
        return True


def _server(xllamacpp, path: str, context: int, threads: int) -> _Running:
    """The llama.cpp server of a GGUF file with these settings, started once per process."""
    settings = (path, context, threads)
    if settings not in _SERVERS:
        params = xllamacpp.CommonParams()
        params.model.path = path
        params.n_parallel = SLOTS
        params.n_ctx = context * SLOTS
        params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads
        params.verbosity = -1  # llama.cpp's own log lines off: the run says its own notes
        params.warmup = False
        # Sized to the job, not to the machine: no probe of the memory for the largest context
        # (0.6 s of the start), and no prompt cache in memory: a prompt is read whole or after
        # a saved start. (The cache's checkpoints stay: without them, llama.cpp splits a
        # prompt's reading otherwise, and its answers change.)
        params.fit_params = False
        params.cache_ram_mib = 0
        # The saved starts, in a folder of this process's own, removed with it.
        try:
            folder = tempfile.TemporaryDirectory(prefix="summarize-llamacpp-")
        except OSError as exc:
            raise ModelUnavailableError(f"llama.cpp has no folder for its saved prompt starts ({first_line(exc)})") from None
        params.slot_save_path = folder.name + "/"  # llama.cpp appends the file's name as it is
        params.endpoint_slots = True
        key = secrets.token_hex(16)
        params.api_keys = [key]
        try:
            _SERVERS[settings] = _Running(xllamacpp.Server(params), key, folder)
        except RuntimeError as exc:
            raise ModelUnavailableError(f"llama.cpp cannot load '{path}' ({first_line(exc)})") from None
    return _SERVERS[settings]


def _tokenizer(card: ModelCard, info, routes: ServerRoutes):
    """A pretrained model's tokenizer as llama.cpp reads it; a chat model's from transformers,
    whose chat template it applies."""
    if card.prompting == "completion":
        return LlamaCppTokenizer(routes, info.control_tokens)
    from summarize.catalog.gguf import tokenizer_folder

    return load_tokenizer(tokenizer_folder(info))


def _message(response: dict) -> str:
    error = response.get("error", response)
    return str(error.get("message", error) if isinstance(error, dict) else error).splitlines()[0]
