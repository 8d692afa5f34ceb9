"""Apertium's modes kept running: a mode's programs start once per process in null-flush mode
(`apertium-wblank-mode -z`, as apertium-apy serves them), so that a call costs its text's
translation and not the loading of the pair's dictionaries and grammars again (0.2 s a mode and
call, docs/performance.md). The text goes in and comes out through Apertium's own deformatter and
reformatter, as the `apertium` command runs them."""

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
_pipes: dict[str, Pipe] = {}
_pipes_lock = threading.Lock()


class PipeFailed(Exception):
    """The running mode died or answered otherwise than in null-flush mode."""


class Pipe:
    """One mode's programs, running; one text at a time through them."""

    def __init__(self, mode_file: Path):
        script = subprocess.run(
            ["apertium-wblank-mode", "-z", str(mode_file)], capture_output=True, text=True, check=True, timeout=30
        ).stdout
        self.process = subprocess.Popen(
            ["bash", "-c", script, mode_file.stem, *MODE_ARGUMENTS],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        os.set_blocking(self.process.stdin.fileno(), False)
        self.lock = threading.Lock()

    def translate(self, formatted: bytes, timeout: float) -> bytes:
        """Apertium's stream format in, its translation out (up to the null that ends it)."""
        with self.lock:
            return self._exchange(formatted.replace(b"\0", b"") + b"\0", time.monotonic() + timeout)

    def _exchange(self, sent: bytes, deadline: float) -> bytes:
        received = bytearray()
        stdin, stdout = self.process.stdin, self.process.stdout
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            if sent:
                selector.register(stdin, selectors.EVENT_WRITE)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                for key, _ in selector.select(left):
                    if key.fileobj is stdin:
                        try:
                            written = os.write(stdin.fileno(), sent[:65536])
                        except BlockingIOError:
                            continue
                        except BrokenPipeError:
                            raise PipeFailed from None
                        sent = sent[written:]
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
    """`apertium <mode>` of `text`, through the mode kept running (started at its first call).
    PipeFailed where it could not answer (it is stopped, and the next call starts it again);
    TimeoutError past `timeout` seconds."""
    formatted = _filter(["apertium-destxt"], text.encode(), timeout)
    with _pipes_lock:
        pipe = _pipes.get(mode_file.stem)
        if pipe is None or pipe.process.poll() is not None:
            pipe = _pipes[mode_file.stem] = Pipe(mode_file)
    try:
        translated = pipe.translate(formatted, timeout)
    except (PipeFailed, TimeoutError):
        with _pipes_lock:
            if _pipes.get(mode_file.stem) is pipe:
                del _pipes[mode_file.stem]
        pipe.close()
        raise
    return _filter(["apertium-retxt"], translated, timeout).decode()


def _filter(command: list[str], data: bytes, timeout: float) -> bytes:
    done = subprocess.run(command, input=data, capture_output=True, timeout=timeout)
    if done.returncode != 0:
        raise PipeFailed
    return done.stdout


@atexit.register
def close_all() -> None:
    """Stops every running mode."""
    with _pipes_lock:
        for pipe in _pipes.values():
            pipe.close()
        _pipes.clear()
