"""What the operator chose at `summarize serve`: engines, batching, limits."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass

from summarize.jobs import Options

#: How `summarize serve --workers N` hands its settings to each uvicorn worker process.
ENVIRONMENT = "SUMMARIZE_SERVE_SETTINGS"


@dataclass(frozen=True)
class Settings:
    """The service's fixed choices; each request adds its languages, length and order."""

    target: str = "en"
    engine: str = "auto"
    translator: str | None = None
    summarizer: str | None = None
    device: str = "auto"
    length_factor: float | None = None
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

    def options(self, target: str, source: str = "auto", length: str = "medium", order: str = "translate-first") -> Options:
        """The jobs' options for one request."""
        return Options(
            target=target,
            source=source,
            length=length,
            order=order,
            engine=self.engine,
            translator=self.translator,
            summarizer=self.summarizer,
            device=self.device,
            length_factor=self.length_factor,
        )

    def to_environment(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(**json.loads(os.environ.get(ENVIRONMENT, "{}")))
