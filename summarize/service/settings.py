"""What the operator chose at `summarize serve`: engines, batching, limits."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass

from summarize.core.options import Options

#: How `summarize serve --workers N` hands its settings to each uvicorn worker process.
ENVIRONMENT = "SUMMARIZE_SERVE_SETTINGS"


@dataclass(frozen=True)
class Settings:
    """The service's fixed choices; each request adds its languages, length and order."""

    #: The options that choose the engines, and the default target whose engines load at start.
    job: Options = Options()
    #: Documents (texts of concurrent requests) whose sentences go to the engines together; 1: off.
    max_batch: int = 32
    #: How long the first document of a batch waits for others, in milliseconds.
    max_wait_ms: float = 10.0
    max_request_bytes: int = 1024 * 1024
    request_timeout_s: float = 120.0
    #: A file of API keys, one per line (# comments); when set, every request needs one.
    api_keys_file: str | None = None
    #: Requests per minute per API key (or per client address without keys); 0: unlimited.
    requests_per_minute: int = 0
    #: Let /summarize fetch URLs on loopback and private networks.
    allow_private_urls: bool = False
    #: LibreTranslate's limits: characters per text, texts per `q` list (-1: none).
    char_limit: int = -1
    batch_limit: int = -1
    #: The SQLite file /suggest stores readers' suggestions in; none: /suggest is 403.
    suggestions_file: str | None = None
    #: Origins whose pages may call the service (CORS): "*" every one, as LibreTranslate; none: off.
    cors_origins: tuple[str, ...] = ("*",)
    #: Every result whose fact check found anything is refused (422), on every endpoint.
    strict: bool = False
    #: The folder the worker processes share: the translated files kept for download, and the
    #: rate limit's counts; none: a temporary folder of the process's own.
    shared_dir: str | None = None

    def options(self, target: str, glossary=None, **request) -> Options:
        """The jobs' options for one request: its own languages, length and order, and its
        glossary (CSV or TSV text, or a stored one) added to the service's."""
        from summarize.text.glossary import Glossary, parse_table

        if glossary is not None and not isinstance(glossary, (str, Glossary)):
            from summarize.errors import InputError

            raise InputError("glossary: give the terms as CSV or TSV text")
        if glossary:
            given = parse_table(glossary, "the request's glossary") if isinstance(glossary, str) else glossary
            request["glossary"] = given if self.job.glossary is None else self.job.glossary + given
        return self.job.replace(target=target, **request)

    def to_environment(self) -> str:
        """The settings as JSON for the workers; a glossary by its file's path (each worker reads
        it again), never its terms (an environment variable holds 128 KiB at most)."""
        fields = dataclasses.asdict(dataclasses.replace(self, job=self.job.replace(glossary=None)))
        fields["job"]["glossary"] = self.job.glossary.origin if self.job.glossary is not None else None
        return json.dumps(fields)

    @classmethod
    def from_environment(cls) -> Settings:
        given = json.loads(os.environ.get(ENVIRONMENT, "{}"))
        job = given.get("job", {})
        return cls(**{**given, "job": Options(**job), "cors_origins": tuple(given.get("cors_origins", ("*",)))})
