"""Who may call, how often, and how much: API keys from a file, a per-caller rate limit, and the
request size limit. Each refusal is a `Refused` with its HTTP status and a one-line message."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from fastapi import HTTPException

from summarize.errors import SummarizeError


class Refused(HTTPException):
    """A request turned away before any work: its status and one line (an HTTPException, so that
    FastAPI passes it through when it is raised while a body is read)."""

    def __init__(self, status: int, message: str):
        super().__init__(status, message)


def read_keys(path: str) -> frozenset[str]:
    """API keys, one per line; blank lines and # comments ignored."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SummarizeError(f"{path}: the API keys file cannot be read ({exc.strerror or exc})") from None
    keys = frozenset(line.split("#")[0].strip() for line in lines) - {""}
    if not keys:
        raise SummarizeError(f"{path}: the API keys file holds no key")
    return keys


class Gate:
    """Admits a request by its API key (when keys are required) within the rate limit, counted in
    a SQLite file that every worker process of the service shares (`counts`: its path)."""

    def __init__(self, keys: frozenset[str] | None, requests_per_minute: int, counts: Path, clock=time.time):
        self.keys = keys
        self.per_minute = requests_per_minute
        self.clock = clock
        self.counts = counts

    def admit(self, api_key: str | None, client: str) -> None:
        """Raise Refused (400, 403 or 429) unless this request may go on."""
        if api_key is not None and not isinstance(api_key, str):
            raise Refused(400, "Invalid request: api_key must be a string")
        if self.keys is not None and not api_key:
            raise Refused(400, "Please contact the server operator to get an API key")  # LibreTranslate's words
        if self.keys is not None and api_key not in self.keys:
            raise Refused(403, "Invalid API key")
        if self.per_minute <= 0:
            return
        caller = api_key if self.keys is not None else client
        now = self.clock()
        with self._counted() as counts:
            counts.execute("DELETE FROM hits WHERE at <= ?", (now - 60,))
            made, first = counts.execute("SELECT COUNT(*), MIN(at) FROM hits WHERE caller = ?", (caller,)).fetchone()
            if made >= self.per_minute:
                wait = 60 - (now - first)
                raise Refused(429, f"Slowdown: more than {self.per_minute} requests per minute; retry in {wait:.0f} s")
            counts.execute("INSERT INTO hits VALUES (?, ?)", (caller, now))

    @contextlib.contextmanager
    def _counted(self):
        """The counts, in one transaction that holds the file while it runs."""
        import sqlite3

        connection = sqlite3.connect(self.counts, timeout=10, isolation_level=None)
        try:
            # Counts of the last minute, lost with no harm in a crash: nothing waits on the disk.
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("PRAGMA journal_mode = MEMORY")
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("CREATE TABLE IF NOT EXISTS hits (caller TEXT, at REAL)")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        finally:
            connection.close()


class BodyLimit:
    """ASGI middleware: a body over `max_bytes` (declared or streamed) is refused with 413 before
    it is read whole."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await _send_error(send, 413, self._message())
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise Refused(413, self._message())
            return message

        return await self.app(scope, limited_receive, send)

    def _message(self) -> str:
        return f"Request larger than {self.max_bytes} bytes (summarize serve --max-request-bytes)"


class FiniteNumbers:
    """ASGI middleware: a JSON body that holds NaN or Infinity (which Python's parser takes, and
    JSON does not have) is refused with 400 before any route reads it. Inside BodyLimit, so the
    body it reads whole is bounded."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
        if scope["type"] != "http" or b"json" not in content_type.lower():
            return await self.app(scope, receive, send)
        messages, more = [], True
        try:
            while more:
                message = await receive()
                messages.append(message)
                more = message.get("type") == "http.request" and message.get("more_body", False)
        except Refused as refused:
            return await _send_error(send, refused.status_code, refused.detail)
        body = b"".join(message.get("body", b"") for message in messages)
        if (b"NaN" in body or b"Infinity" in body) and _non_finite(body):
            return await _send_error(send, 400, "Invalid request: the JSON body holds a number that is not finite")
        pending = list(messages)

        async def replay():
            return pending.pop(0) if pending else await receive()

        return await self.app(scope, replay, send)


def _non_finite(body: bytes) -> bool:
    """Whether the JSON `body` holds NaN, Infinity or -Infinity as a value (not inside a string)."""
    import json

    found = []
    try:
        json.loads(body, parse_constant=found.append)
    except (ValueError, RecursionError):
        return False  # not JSON: the route says so
    return bool(found)


async def _send_error(send, status: int, message: str) -> None:
    import json

    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
