"""Apertium's programs kept running: a mode's pipeline (`apertium-wblank-mode -z`, as apertium-apy
serves it) or one `lt-proc` starts once per process in null-flush mode, so that a call costs its
text's translation and not the loading of the pair's dictionaries and grammars again (0.1-0.4 s
a mode and call, docs/performance.md). A mode's text goes in and comes out through Apertium's
own deformatter and reformatter, as the `apertium` command runs them; each line of it with a null
after it, so that every program starts it afresh (a transfer's variables, set by one sentence,
change the next one's words: Galician-English's "#Prpers opposing." after "It encouraged."), and
the mode's HMM tagger apart, started again where it changed (`_TAGGER`)."""

from __future__ import annotations

import atexit
import os
import re
import selectors
import shlex
import subprocess
import threading
import time
from pathlib import Path

#: The generator's option (`-g`: unknown words marked, as `apertium` without `-u`) and the
#: tagger's (none), the two arguments a mode's script reads.
MODE_ARGUMENTS = ("-g", "")
#: A mode's HMM tagger. Where a word's readings make an ambiguity class its model lacks ("ex",
#: adverb or noun, in Portuguese), Apertium's tagger writes the nearest class it knows over its
#: class of unknown words (`find_similar_ambiguity_class` assigns through a reference) and keeps it
#: for the rest of its life, so that a later sentence is tagged otherwise than alone ("dessas" read
#: as a verb, or as "de" and "essas"). In debug mode (`-d`) it says so on stderr.
_TAGGER = re.compile(r"apertium-tagger -z -g\b[^|]*")
_NEW_CLASS = re.compile(rb"A new ambiguity class was found\..*?Word '(.*?)'\.\n", re.DOTALL)
#: Where the deformatter ends a line followed by a blank line (a "[" of the text is escaped).
_LINE_END = b"[][\n\n]"
_pipes: dict[tuple[str, ...], Pipe] = {}
_pipes_lock = threading.Lock()
#: Per tagger command, held while a call's pieces go through it: between a piece that changes the
#: tagger and its start again, no other call's piece may go through.
_tagger_locks: dict[tuple[str, ...], threading.Lock] = {}


class PipeFailed(Exception):
    """The running program died or answered otherwise than in null-flush mode."""


class Pipe:
    """One command, running; one text at a time through it, each ended by a null."""

    def __init__(self, command: tuple[str, ...]):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        os.set_blocking(self.process.stdin.fileno(), False)
        os.set_blocking(self.process.stderr.fileno(), False)
        self.lock = threading.Lock()

    def exchange(self, pieces: list[bytes], timeout: float) -> tuple[list[bytes], bytes]:
        """Each of `pieces` in, a null after it (a null in it dropped), and the answer to each
        out, up to the null that ends it; and what the command wrote on stderr meanwhile."""
        with self.lock:
            said = bytearray()
            sent = b"".join(piece.replace(b"\0", b"") + b"\0" for piece in pieces)
            answers = self._exchange(sent, len(pieces), time.monotonic() + timeout, said)
            said += self._said()  # written before the last answer's null, as the command runs
            return answers, bytes(said)

    def _said(self) -> bytes:
        """What the command has written on stderr and not yet been read."""
        try:
            return os.read(self.process.stderr.fileno(), 1 << 20)
        except BlockingIOError:
            return b""

    def _exchange(self, sent: bytes, count: int, deadline: float, said: bytearray) -> list[bytes]:
        received, ended = bytearray(), 0
        stdin, stdout, stderr = self.process.stdin, self.process.stdout, self.process.stderr
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            selector.register(stderr, selectors.EVENT_READ)
            selector.register(stdin, selectors.EVENT_WRITE)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                for key, _ in selector.select(left):
                    if key.fileobj is stdin:
                        try:
                            sent = sent[os.write(stdin.fileno(), sent[:65536]) :]
                        except BlockingIOError:
                            continue
                        except BrokenPipeError:
                            raise PipeFailed from None
                        if not sent:
                            selector.unregister(stdin)
                        continue
                    if key.fileobj is stderr:
                        chunk = self._said()
                        said += chunk
                        if not chunk:  # closed, or nothing after all
                            selector.unregister(stderr)
                        continue
                    chunk = os.read(stdout.fileno(), 65536)
                    if not chunk:
                        raise PipeFailed
                    received += chunk
                    ended += chunk.count(b"\0")
                    if ended >= count:
                        if sent or ended > count or not received.endswith(b"\0"):
                            raise PipeFailed
                        return bytes(received).split(b"\0")[:-1]

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def translate(mode_file: Path, text: str, timeout: float) -> str:
    """`apertium <mode>` of `text`, through the mode kept running, each line (a blank line after
    it) as the mode would translate it alone."""
    arguments = (mode_file.stem, *MODE_ARGUMENTS)
    before, tagger, after = _stages(str(mode_file))
    formatted = _filter(["apertium-destxt"], text.encode(), timeout)
    lines = formatted.split(_LINE_END)
    pieces = [line + _LINE_END for line in lines[:-1]] + lines[-1:]
    pieces = exchange(("bash", "-c", before, *arguments), pieces, timeout)[0]
    if tagger is not None:
        with _pipes_lock:
            lock = _tagger_locks.setdefault(tagger, threading.Lock())
        with lock:
            pieces = _tagged(tagger, pieces, timeout)
        pieces = exchange(("bash", "-c", after, *arguments), pieces, timeout)[0]
    return _filter(["apertium-retxt"], b"".join(pieces), timeout).decode()


def _tagged(command: tuple[str, ...], pieces: list[bytes], timeout: float) -> list[bytes]:
    """The tagger's answer to each piece, as from a tagger that met no class it lacked before:
    where it met one, it is started again, and the pieces after the first holding the word go
    through again one at a time, the tagger started again after each that changes it."""
    done, said = exchange(command, pieces, timeout)
    found = _NEW_CLASS.search(said)
    if found is None:
        return done
    stop(command)
    word = b"^" + found.group(1) + b"/"
    first = next((i for i, piece in enumerate(pieces) if word in piece), 0)
    answers = done[: first + 1]
    for piece in pieces[first + 1 :]:
        (answer,), said = exchange(command, [piece], timeout)
        answers.append(answer)
        if _NEW_CLASS.search(said):
            stop(command)
    return answers


def run(command: tuple[str, ...], data: bytes, timeout: float) -> bytes:
    """What `command` (in null-flush mode) answers to `data`, through the process kept running for
    it (started at its first call). PipeFailed where it could not answer (it is stopped, and the
    next call starts it again); TimeoutError past `timeout` seconds."""
    return exchange(command, [data], timeout)[0][0]


def exchange(command: tuple[str, ...], pieces: list[bytes], timeout: float) -> tuple[list[bytes], bytes]:
    """`run` of each of `pieces`, with what the command wrote on stderr meanwhile."""
    with _pipes_lock:
        pipe = _pipes.get(command)
        if pipe is None or pipe.process.poll() is not None:
            pipe = _pipes[command] = Pipe(command)
    try:
        return pipe.exchange(pieces, timeout)
    except (PipeFailed, TimeoutError):
        stop(command, pipe)
        raise


def stop(command: tuple[str, ...], pipe: Pipe | None = None) -> None:
    """Stops the process kept running for `command` (the one given, where it still is)."""
    with _pipes_lock:
        running = _pipes.get(command)
        if running is not None and (pipe is None or running is pipe):
            del _pipes[command]
    if pipe or running:
        (pipe or running).close()


_scripts: dict[str, str] = {}


def _script(mode_file: str) -> str:
    """A mode's pipeline with every program in null-flush mode."""
    if mode_file not in _scripts:
        done = subprocess.run(["apertium-wblank-mode", "-z", mode_file], capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise PipeFailed
        _scripts[mode_file] = done.stdout
    return _scripts[mode_file]


def _stages(mode_file: str) -> tuple[str, tuple[str, ...] | None, str | None]:
    """A mode's pipeline cut around its HMM tagger: the programs before it, the tagger's command
    (in debug mode, started without a shell: it is started again often) and the programs after;
    the whole pipeline and two Nones where it has no such tagger."""
    script = _script(mode_file).strip()
    found = _TAGGER.search(script)
    if found is None:
        return script, None, None
    before, after = script[: found.start()].strip().rstrip("|").strip(), script[found.end() :].strip().lstrip("|").strip()
    tagger = shlex.split(found.group(0).replace("$2", MODE_ARGUMENTS[1]).replace("-g", "-d -g", 1))
    if not before or not after or "$" in found.group(0).replace("$2", ""):
        return script, None, None
    return before, tuple(tagger), after


def _filter(command: list[str], data: bytes, timeout: float) -> bytes:
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TimeoutError from None
    if done.returncode != 0:
        raise PipeFailed
    return done.stdout


@atexit.register
def close_all() -> None:
    """Stops every running program."""
    with _pipes_lock:
        for pipe in _pipes.values():
            pipe.close()
        _pipes.clear()


def _forget_in_child() -> None:
    """A forked process starts its own: the parent's stay the parent's."""
    global _pipes_lock
    _pipes.clear()
    _tagger_locks.clear()
    _pipes_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_in_child)
