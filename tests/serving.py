"""A real `summarize serve` app on 127.0.0.1 in a thread, for tests that need a socket (a client
library, a browser)."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager


@contextmanager
def running(settings):
    """The base URL of the app for `settings`, served by uvicorn until the block ends."""
    import uvicorn

    from summarize.service.app import create_app

    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
