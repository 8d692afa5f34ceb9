"""Apertium's programs kept running: a mode's pipeline (`apertium-wblank-mode -z`, as apertium-apy
serves it) or one `lt-proc` starts once per process in null-flush mode, so that a call costs its
text's translation and not the loading of the pair's dictionaries and grammars again (0.1-0.4 s
a mode and call, docs/performance.md). A mode's text goes in and comes out through Apertium's
own deformatter and reformatter, as the `apertium` command runs them."""

from __future__ import annotations

import atexit
import os
import selectors
import subprocess
import threading
import time
from pathlib import Path

#: The generator's option (`-g`: unknown words marked, as `apertium` without `-u`) and the
#: tagger's (none), the two arguments a mode's script reads.
MODE_ARGUMENTS = ("-g", "")
_pipes: dict[tuple[str, ...], Pipe] = {}
_pipes_lock = threading.Lock()


class PipeFailed(Exception):
    """The running program died or answered otherwise than in null-flush mode."""


class Pipe:
    """One command, running; one text at a time through it, each ended by a null."""

    def __init__(self, command: tuple[str, ...]):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        os.set_blocking(self.process.stdin.fileno(), False)
        self.lock = threading.Lock()

    def exchange(self, data: bytes, timeout: float) -> bytes:
        """`data` in (a null in it dropped), the answer out, up to the null that ends it."""
        with self.lock:
            return self._exchange(data.replace(b"\0", b"") + b"\0", time.monotonic() + timeout)

    def _exchange(self, sent: bytes, deadline: float) -> bytes:
        received = bytearray()
        stdin, stdout = self.process.stdin, self.process.stdout
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
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
                    chunk = os.read(stdout.fileno(), 65536)
                    if not chunk:
                        raise PipeFailed
                    received += chunk
                    if received.endswith(b"\0"):
                        if sent:
                            raise PipeFailed
                        return bytes(received[:-1])

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def translate(mode_file: Path, text: str, timeout: float) -> str:
    """`apertium <mode>` of `text`, through the mode kept running."""
    script = _script(str(mode_file))
    formatted = _filter(["apertium-destxt"], text.encode(), timeout)
    translated = run(("bash", "-c", script, mode_file.stem, *MODE_ARGUMENTS), formatted, timeout)
    return _filter(["apertium-retxt"], translated, timeout).decode()


def run(command: tuple[str, ...], data: bytes, timeout: float) -> bytes:
    """What `command` (in null-flush mode) answers to `data`, through the process kept running for
    it (started at its first call). PipeFailed where it could not answer (it is stopped, and the
    next call starts it again); TimeoutError past `timeout` seconds."""
    with _pipes_lock:
        pipe = _pipes.get(command)
        if pipe is None or pipe.process.poll() is not None:
            pipe = _pipes[command] = Pipe(command)
    try:
        return pipe.exchange(data, timeout)
    except (PipeFailed, TimeoutError):
        with _pipes_lock:
            if _pipes.get(command) is pipe:
                del _pipes[command]
        pipe.close()
        raise


_scripts: dict[str, str] = {}


def _script(mode_file: str) -> str:
    """A mode's pipeline with every program in null-flush mode."""
    if mode_file not in _scripts:
        done = subprocess.run(["apertium-wblank-mode", "-z", mode_file], capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise PipeFailed
        _scripts[mode_file] = done.stdout
    return _scripts[mode_file]


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
    _pipes_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_in_child)
