"""The service's Prometheus metrics, in a registry of its own (one per app); under `serve
--workers N`, prometheus-client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by `serve`
before the workers start) sums them over the workers, whichever one answers `/metrics`."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

#: Seconds; from a cached short sentence to a long article on CPU.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self):
        r = self.registry
        self.requests = Counter("summarize_requests", "HTTP requests by route and status", ["route", "status"], registry=r)
        self.latency = Histogram(
            "summarize_request_seconds", "Request latency by route", ["route"], buckets=LATENCY_BUCKETS, registry=r
        )
        self.batch_documents = Histogram(
            "summarize_batch_documents", "Documents per dynamic batch", buckets=BATCH_BUCKETS, registry=r
        )
        self.batch_sentences = Histogram(
            "summarize_batch_sentences", "Source sentences per dynamic batch", buckets=BATCH_BUCKETS, registry=r
        )
        self.batch_seconds = Histogram(
            "summarize_batch_seconds", "Model time per dynamic batch", buckets=LATENCY_BUCKETS, registry=r
        )
        self.load_seconds = Gauge(
            "summarize_model_load_seconds",
            "Time to choose and load each engine at start",
            ["task", "source", "target", "alias", "engine"],
            registry=r,
            multiprocess_mode="max",
        )

    def exposition(self) -> bytes:
        """The Prometheus text format: this app's metrics, or every worker's together."""
        if not os.environ.get(MULTIPROCESS):
            return generate_latest(self.registry)
        from prometheus_client import multiprocess

        workers = CollectorRegistry()
        multiprocess.MultiProcessCollector(workers)
        return generate_latest(workers)


#: The folder prometheus-client's multiprocess mode keeps every process's values in.
MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"


class Measured:
    """ASGI middleware: each HTTP request counted by route and status, and timed."""

    def __init__(self, app, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start, status = time.perf_counter(), [500]

        async def send_status(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            path = route.path if route is not None else "unmatched"
            self.metrics.requests.labels(path, str(status[0])).inc()
            self.metrics.latency.labels(path).observe(time.perf_counter() - start)
