"""Who may call, how often, and how much: API keys from a file, a per-caller rate limit, and the
request size limit. Each refusal is a `Refused` with its HTTP status and a one-line message."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi import HTTPException

from summarize.errors import SummarizeError


class Refused(HTTPException):
    """A request turned away before any work: its status and one line (an HTTPException, so that
    FastAPI passes it through when it is raised while a body is read)."""

    def __init__(self, status: int, message: str):
        super().__init__(status, message)


#: The status DeepL answers when a key's characters are used up (LibreTranslate has none).
QUOTA_EXCEEDED = 456


def read_keys(path: str) -> dict[str, int | None]:
    """API keys, one per line, each optionally followed by the characters it may have translated
    (its quota; none: no limit); blank lines and # comments ignored."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SummarizeError(f"{path}: the API keys file cannot be read ({exc.strerror or exc})") from None
    keys: dict[str, int | None] = {}
    for number, line in enumerate(lines, 1):
        words = line.split("#")[0].split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and not (words[1].isascii() and words[1].isdigit())):
            raise SummarizeError(f"{path}, line {number}: a key, then optionally its quota in characters (a whole number)")
        keys[words[0]] = int(words[1]) if len(words) == 2 else None
    if not keys:
        raise SummarizeError(f"{path}: the API keys file holds no key")
    return keys


class Gate:
    """Admits a request by its API key (when keys are required) within the rate limit and the
    key's quota, counted in a SQLite file that every worker process of the service shares
    (`counts`: its path), with the characters translated per caller."""

    def __init__(self, keys: dict[str, int | None] | None, requests_per_minute: int, counts: Path, clock=time.time):
        self.keys = keys
        self.per_minute = requests_per_minute
        self.clock = clock
        self.counts = counts

    def admit(self, api_key: str | None, client: str, translates: bool = True) -> None:
        """Raise Refused (400, 403, 429 or 456) unless this request may go on; one that
        `translates` nothing (a usage or language list) is not held to the key's quota."""
        if api_key is not None and not isinstance(api_key, str):
            raise Refused(400, "Invalid request: api_key must be a string")
        if self.keys is not None and not api_key:
            raise Refused(400, "Please contact the server operator to get an API key")  # LibreTranslate's words
        if self.keys is not None and api_key not in self.keys:
            raise Refused(403, "Invalid API key")
        quota = self.keys.get(api_key) if self.keys is not None else None
        if translates and quota is not None and self.used(api_key) >= quota:
            raise Refused(QUOTA_EXCEEDED, f"Quota exceeded: this key's {quota:,} characters are translated")
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

    def caller(self, api_key: str | None, client: str) -> str:
        """Who a request's usage is counted for: its key, or without keys its client's address."""
        return api_key if self.keys is not None or api_key else client

    def charge(self, caller: str, characters: int) -> None:
        """`characters` more translated for `caller`."""
        with self._counted() as counts:
            counts.execute(
                "INSERT INTO used VALUES (?, ?) ON CONFLICT(caller) DO UPDATE SET characters = characters + ?",
                (caller, characters, characters),
            )

    def used(self, caller: str) -> int:
        """The characters translated for `caller` so far."""
        with self._counted() as counts:
            row = counts.execute("SELECT characters FROM used WHERE caller = ?", (caller,)).fetchone()
        return row[0] if row else 0

    def _counted(self):
        """The counts, in one transaction that holds the file while it runs."""
        from summarize.service.shared_store import transaction

        return transaction(self.counts, *_COUNTS, durable=False)


#: The rate limit's hits of the last minute, and the characters translated per caller.
_COUNTS = (
    "CREATE TABLE IF NOT EXISTS hits (caller TEXT, at REAL)",
    "CREATE TABLE IF NOT EXISTS used (caller TEXT PRIMARY KEY, characters INTEGER)",
)


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
            return await _send_error(send, 413, self._message(), scope)
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
            return await _send_error(send, refused.status_code, refused.detail, scope)
        body = b"".join(message.get("body", b"") for message in messages)
        if (b"NaN" in body or b"Infinity" in body) and _non_finite(body):
            return await _send_error(send, 400, "Invalid request: the JSON body holds a number that is not finite", scope)
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


#: The routes whose errors are answered in DeepL's shape, `{"message": ...}`; every other
#: route's in LibreTranslate's, `{"error": ...}`.
DEEPL_ROUTES = "/v2/"


def error_body(path: str, message: str) -> dict:
    return {"message": message} if path.startswith(DEEPL_ROUTES) else {"error": message}


async def _send_error(send, status: int, message: str, scope) -> None:
    import json

    body = json.dumps(error_body(scope.get("path", ""), message)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
