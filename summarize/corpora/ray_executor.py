"""`summarize batch --executor ray`: the same records on Ray Data. The driver lists the input
files; Ray parses them with the local path's reader (same ids, same error records) and runs
`map_batches` on a pool of actors, each holding one Pipeline (engines loaded once per actor, a GPU
each when CUDA is present); the driver writes the records as they come back, in input order,
through the same resumable output."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from summarize.corpora.inputs import Columns, Record, input_files, records_of
from summarize.errors import EngineUnavailableError, first_line


def _check_reachable(address: str) -> None:
    """A cluster's address answers a connection within the network timeout, or one line says
    it does not (Ray itself would retry for minutes). Ray's own connection tries are bounded by
    the same timeout."""
    import socket
    from urllib.parse import urlsplit

    from summarize.limits import LIMITS, limit

    seconds = float(limit("network_timeout_s"))
    os.environ.setdefault("RAY_gcs_server_port_wait_time_s", str(max(1, int(seconds))))
    try:
        parts = urlsplit(address if "://" in address else f"ray://{address}")
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host or not port:
        raise EngineUnavailableError(f"--ray-address {address}: give HOST:PORT (or ray://HOST:PORT)")
    try:
        socket.create_connection((host, port), timeout=seconds).close()
    except OSError as exc:
        raise EngineUnavailableError(
            f"--ray-address {address}: no Ray cluster answers there within {seconds:g} s "
            f"({exc.strerror or exc}; {LIMITS['network_timeout_s'].variable} sets the wait)"
        ) from None


class _Worker:
    """A Ray actor: one Pipeline, a batch of records in, their output records (JSON) out."""

    def __init__(self, task: str, options: dict, batch_size: int, threads: int):
        from summarize.core.pipeline import Pipeline

        # Set before any engine loads: the actors share the node's cores instead of each taking
        # them all (a runtime_env would do it too, but starts a fresh worker process per actor).
        os.environ["SUMMARIZE_THREADS"] = str(threads)
        self.pipeline = Pipeline(**options)
        self.task, self.batch_size = task, batch_size

    def __call__(self, batch: dict) -> dict:
        from summarize.errors import attempt

        records = [Record(*values) for values in zip(batch["id"], batch["kind"], batch["value"], batch["origin"])]
        documents = [attempt(record.read) for record in records]
        run = self.pipeline.translations if self.task == "translate" else self.pipeline.articles
        rows = [{"id": r.id, **result} for r, result in zip(records, run(documents, self.batch_size))]
        return {"record": [json.dumps({**row, "error": row.get("error")}, ensure_ascii=False) for row in rows]}


def results(
    inputs: list[str], columns: Columns, done: set, task: str, options: dict, batch_size: int, actors: int, address: str | None
) -> Iterator[list[dict]]:
    """The output records, a batch at a time, in input order."""
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # a local Ray for this run only
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")  # the core's own log lines, on the console
    try:
        import ray
        import ray.data
    except ImportError:
        raise EngineUnavailableError("--executor ray needs Ray Data: pip install 'summarize[ray]'") from None
    files = [str(path) for path in input_files(inputs)]
    if address not in (None, "auto", "local"):
        _check_reachable(address)
    _quiet(ray)
    try:
        with _without_level_banner():
            ray.init(
                address=address,
                ignore_reinit_error=True,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.ERROR,
            )
    except (ConnectionError, TimeoutError, RuntimeError) as exc:
        raise EngineUnavailableError(f"--ray-address {address}: Ray cannot start or join there ({first_line(exc)})") from None
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    ray.data.DataContext.get_current().enable_progress_bars = False
    skipped = ray.put(done)

    def parse(row: dict) -> list[dict]:
        seen = ray.get(skipped)
        return [dataclasses.asdict(r) for r in records_of(Path(row["path"]), columns) if r.id not in seen]

    gpus = 1 if options.get("device") != "cpu" and _cuda() else 0
    # Parsing is light: one task at a time, holding no CPU (the actors hold them, and a parse task
    # must never wait for one; without the bound Ray would start a process per block).
    # A block of paths per batch: Ray's default of one block per few paths costs a task each
    # (7-17 s on 500 files and 2 cores, against 3 s).
    paths = ray.data.from_items([{"path": path} for path in files], override_num_blocks=max(1, -(-len(files) // batch_size)))
    dataset = paths.flat_map(parse, num_cpus=0, compute=ray.data.TaskPoolStrategy(size=1))
    # One table gives one block: cut into blocks of exactly a batch (a looser cut makes a batch
    # of one record after every few) so that every actor gets full batches.
    dataset = dataset.repartition(target_num_rows_per_block=batch_size, strict=True)
    processed = dataset.map_batches(
        _Worker,
        fn_constructor_kwargs={
            "task": task,
            "options": options,
            "batch_size": batch_size,
            "threads": _threads_per_actor(ray, actors),
        },
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=_cpus_per_actor(ray, actors),
        batch_size=batch_size,
        num_gpus=gpus,
        batch_format="numpy",
    )
    seen: set = set()
    for batch in processed.iter_batches(batch_size=batch_size, batch_format="numpy"):
        yield [_first_use(json.loads(line), seen) for line in batch["record"]]


def _first_use(row: dict, seen: set) -> dict:
    """The row, or (for an id seen before in this run) the error the local path gives it."""
    from summarize.core.pipeline import error_record
    from summarize.corpora.local import duplicate_id

    if row["id"] in seen:
        return {"id": row["id"], **error_record(duplicate_id(row["id"]))}
    seen.add(row["id"])
    return row


def _cpus_per_actor(ray, actors: int) -> float:
    """Ray's share of CPUs per actor, leaving one CPU for parsing and cutting blocks (else they
    wait for an actor's CPU forever); each actor's engines still use the cores they find."""
    cpus = ray.cluster_resources().get("CPU", 1)
    return max(0.25, min(1.0, (cpus - 1) / actors))


def _threads_per_actor(ray, actors: int) -> int:
    """Engine threads per actor: the cores of a node shared by the actors it can hold (on a
    cluster Ray spreads them, and each node's CPU count is the one that matters)."""
    nodes = [node["Resources"].get("CPU", 1) for node in ray.nodes() if node.get("Alive")]
    per_node = max(1, -(-actors // max(1, len(nodes))))
    return max(1, int(min(nodes or [1])) // per_node)


def _quiet(ray) -> None:
    """Ray Data's start and finish lines and advice off the console (its log files keep them):
    the run says its own notes."""
    import warnings

    logger = logging.getLogger("ray.data")
    for handler in logger.handlers:
        if type(handler).__name__ == "PlainRayHandler":
            handler.setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="ray\\.data")


@contextlib.contextmanager
def _without_level_banner():
    """Ray's core announces on stderr, at its start, the log level RAY_BACKEND_LOG_LEVEL gave it
    (the one line it writes before applying that level): that line is dropped, whatever else is
    written to stderr meanwhile is passed on. When the start fails, its retry lines are dropped
    too: the error says it in one line."""
    sys.stderr.flush()
    saved = os.dup(2)
    failed = False
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        except BaseException:
            failed = True
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            for line in captured.read().decode("utf-8", "replace").splitlines(keepends=True):
                if not failed and "Set ray log level from environment variable" not in line:
                    sys.stderr.write(line)


def _cuda() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()
