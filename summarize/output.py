"""Writing results: output paths checked before any work, files replaced whole or not at all,
stdout failures reported in one line."""

from __future__ import annotations

import fcntl
import os
import sys
import tempfile
from pathlib import Path
from typing import IO

from summarize.errors import OutputError


def check_writable(path: Path) -> None:
    """Refuse, before any work, an output path whose folder is missing or closed to writing."""
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name")
    if path.exists() and not path.is_file():
        return  # a device or a pipe (/dev/stdout): written in place
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: the folder {folder} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"{path}: the file is not writable")


def check_writable_folder(folder: Path, what: str) -> None:
    """Refuse, before any work, a folder a file cannot be made in: a file is made there and
    removed (the permission bits do not say, for root or on a read-only mount)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise OutputError(f"{what} {folder}: no file can be written there ({exc.strerror or exc})") from None


def lock_for_writing(lock_path: Path, busy: str) -> IO:
    """An exclusive lock on `lock_path`, held while the returned file stays open (the process's
    life at most): one writer per output. OutputError(`busy`) when another process holds it."""
    handle = lock_path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise OutputError(busy) from None
    return handle


def same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file, through links; False when either does not exist."""
    try:
        return first.samefile(second)
    except OSError:
        return False


def write_atomically(path: Path, data: str | bytes) -> None:
    """Replace `path` with `data` whole: written to a temporary file beside it, flushed to disk,
    then renamed, so a full disk, a crash or a concurrent writer never leaves a torn file."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path = path.resolve() if path.is_symlink() else path  # replace the file a link names, not the link
    if path.exists() and not path.is_file():
        return _write_in_place(path, payload)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~current_umask()
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent or ".")
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot be written ({exc.strerror or exc}); the old file is unchanged") from None


def _write_in_place(path: Path, payload: bytes) -> None:
    try:
        with path.open("wb") as stream:
            stream.write(payload)
    except OSError as exc:
        raise OutputError(f"{path}: cannot be written ({exc.strerror or exc})") from None


def current_umask() -> int:
    """The process's umask (read by setting it and back)."""
    current = os.umask(0)
    os.umask(current)
    return current


def write_stdout(text: str) -> None:
    """Write `text` to stdout to the last byte: every short write to a pipe is followed by the
    rest, and a closed pipe or a full disk is one OutputError."""
    try:
        sys.stdout.flush()
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):  # a stream without a file (captured in tests)
        descriptor = None
    try:
        if descriptor is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        remaining = memoryview(text.encode(sys.stdout.encoding or "utf-8", errors="replace"))
        while remaining:
            remaining = remaining[os.write(descriptor, remaining) :]
    except (BrokenPipeError, OSError, ValueError) as exc:
        raise stdout_failed(exc) from None


def stdout_failed(exc: Exception) -> OutputError:
    """The error for a stdout that cannot be written, whoever wrote to it; nothing more may reach
    the broken stream, not even at interpreter exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    reason = "the reader closed the pipe" if isinstance(exc, BrokenPipeError) else getattr(exc, "strerror", None) or exc
    return OutputError(f"standard output cannot be written ({reason})")


def echo(line: str = "") -> None:
    """One line to stdout, through the writer that checks every byte."""
    write_stdout(f"{line}\n")
