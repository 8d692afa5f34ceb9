"""`summarize serve`: the jobs as an HTTP service (LibreTranslate's API and this project's own)."""

from __future__ import annotations

import click

from summarize.cli.common import options_of
from summarize.core.options import fields
from summarize.errors import EngineUnavailableError

#: The job options fixed for a service: the default target, the engines' options, the glossary.
SERVICE_JOB_OPTIONS = ("target", *(spec.name for spec in fields("engines")), "glossary")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes, each with its own engines in memory; one uses every core already.",
)
@options_of(*SERVICE_JOB_OPTIONS, helps={"target": "The target whose engines load at start (a request may ask for another)."})
@click.option(
    "--max-batch",
    type=click.IntRange(min=1),
    default=32,
    show_default=True,
    help="Texts of concurrent requests whose sentences go to the engines together (1: no batching).",
)
@click.option(
    "--max-wait-ms",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="How long a text waits for others to join its batch.",
)
@click.option(
    "--max-request-bytes", type=click.IntRange(min=1), default=1024 * 1024, show_default=True, help="Larger bodies get 413."
)
@click.option(
    "--request-timeout",
    "request_timeout_s",
    type=click.FloatRange(min=0, min_open=True),
    default=120.0,
    show_default=True,
    help="Seconds before a request gets 504.",
)
@click.option(
    "--api-keys",
    "api_keys_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="File of API keys, one per line: every request must carry one (api_key).",
)
@click.option(
    "--requests-per-minute",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Per API key (or client address without keys); more get 429. 0: no limit.",
)
@click.option("--allow-private-urls", is_flag=True, help="Let /summarize fetch loopback and private-network URLs.")
@click.option(
    "--char-limit",
    type=click.IntRange(min=-1),
    default=-1,
    show_default=True,
    help="Characters per text on /translate; longer get 400, as LibreTranslate's. -1: no limit.",
)
@click.option(
    "--batch-limit",
    type=click.IntRange(min=-1),
    default=-1,
    show_default=True,
    help="Texts per q list on /translate; more get 400, as LibreTranslate's. -1: no limit.",
)
@click.option(
    "--suggestions",
    "suggestions_file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="SQLite file where /suggest keeps readers' better translations (without it, /suggest is 403).",
)
@click.option(
    "--cors-origins",
    default="*",
    show_default=True,
    help="Origins whose web pages may call the service, comma-separated ('*': any, as LibreTranslate; '': none).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Answer 422, with the spans, when the fact check of a result finds a number, date, name or quote its "
    "source does not hold, or a number the translation lost (a request may ask this alone: strict).",
)
@click.option(
    "--max-connections",
    type=click.IntRange(min=1),
    default=256,
    show_default=True,
    help="Connections and requests held at once per process; more get 503 (bounds the queue's memory).",
)
def serve(host: str, port: int, workers: int, max_connections: int, **chosen) -> None:
    """Serve translation and summaries over HTTP: LibreTranslate's /translate, /detect and
    /languages; /summarize, /translate/aligned, /models, /health, /metrics; a page at /, the
    API's documentation at /docs."""
    import os

    try:
        import uvicorn

        from summarize.service.settings import ENVIRONMENT, Settings
    except ImportError as missing:
        raise EngineUnavailableError(f"serving needs {missing.name}: pip install 'summarize[serve]'") from None
    from summarize.core.options import Options

    job = Options(**{name: chosen.pop(name) for name in SERVICE_JOB_OPTIONS})
    chosen["cors_origins"] = tuple(origin.strip() for origin in chosen["cors_origins"].split(",") if origin.strip())
    settings = Settings(job=job, **chosen)
    _check_free(host, port)
    server = {"host": host, "port": port, "log_level": "info", "access_log": False, "limit_concurrency": max_connections}
    if workers == 1:
        from summarize.service.app import create_app

        uvicorn.run(create_app(settings), **server)
        return
    import dataclasses
    import shutil
    import tempfile

    from summarize.service.metrics import MULTIPROCESS

    files = tempfile.mkdtemp(prefix="summarize-shared-")  # translated files and rate counts, for every worker
    os.environ[MULTIPROCESS] = tempfile.mkdtemp(prefix="summarize-metrics-")  # each worker's metrics
    os.environ[ENVIRONMENT] = dataclasses.replace(settings, shared_dir=files).to_environment()
    try:
        uvicorn.run("summarize.service.app:app_from_environment", factory=True, workers=workers, **server)
    finally:
        for folder in (files, os.environ[MULTIPROCESS]):
            shutil.rmtree(folder, ignore_errors=True)


def _check_free(host: str, port: int) -> None:
    """Refuse an address another process listens on, before any engine loads (uvicorn would
    load them, then stop with its own exit code)."""
    import socket

    from summarize.errors import SummarizeError

    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise SummarizeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
