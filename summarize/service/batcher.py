"""Dynamic batching: documents from concurrent requests are gathered (up to a maximum batch, for at
most a maximum wait after the first) and run through the batching core together, on one model
thread, so that the event loop never waits on a model and the engines are never called from two
threads at once. Each request gets its own result back."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from summarize.core.options import Options
from summarize.service.metrics import Metrics
from summarize.text.document import Document


@dataclass
class _Job:
    task: str
    options: Options
    document: Document
    future: asyncio.Future


class Batcher:
    """Gathers jobs on the event loop; runs them in batches on its model thread."""

    def __init__(self, max_batch: int, max_wait_ms: float, metrics: Metrics, engines):
        self.max_batch = max(1, max_batch)
        self.max_wait_s = max(0.0, max_wait_ms) / 1000
        self.metrics = metrics
        self.engines = engines
        self.model_thread = ThreadPoolExecutor(1, thread_name_prefix="summarize-model")
        self._queue: asyncio.Queue[_Job] | None = None
        self._worker: asyncio.Task | None = None

    async def run(self, task: str, options: Options, document: Document) -> dict:
        """The result of `task` ("article" or "translate") on one document; raises its
        SummarizeError when it failed."""
        if self._worker is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.get_running_loop().create_task(self._serve())
        future = asyncio.get_running_loop().create_future()
        await self._queue.put(_Job(task, options, document, future))
        return await future

    def call(self, function, *args):
        """Run `function(*args)` on the model thread (loading engines, reading them)."""
        return asyncio.get_running_loop().run_in_executor(self.model_thread, function, *args)

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
        self.model_thread.shutdown(wait=False, cancel_futures=True)

    async def _serve(self) -> None:
        while True:
            jobs = await self._gather()
            groups: dict[tuple, list[_Job]] = {}
            for job in jobs:
                if not job.future.done():  # a request that timed out before its turn is dropped
                    groups.setdefault((job.task, job.options), []).append(job)
            for group in groups.values():
                await self._run_group(group)

    async def _gather(self) -> list[_Job]:
        jobs = [await self._queue.get()]
        deadline = asyncio.get_running_loop().time() + self.max_wait_s
        while len(jobs) < self.max_batch:
            if not self._queue.empty():
                jobs.append(self._queue.get_nowait())
                continue
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            try:
                jobs.append(await asyncio.wait_for(self._queue.get(), left))
            except TimeoutError:
                break
        return jobs

    async def _run_group(self, group: list[_Job]) -> None:
        from summarize.core.jobs import run

        first = group[0]
        with self.metrics.batch_seconds.time():
            try:
                outcomes = await self.call(run, [job.document for job in group], first.task, first.options, self.engines)
            except Exception as error:  # a fault of ours: every request of the batch gets a 500
                outcomes = [error] * len(group)
        self.metrics.batch_documents.observe(len(group))
        self.metrics.batch_sentences.observe(sum(_sentences(o) for o in outcomes))
        for job, outcome in zip(group, outcomes):
            if job.future.done():
                continue
            if isinstance(outcome, Exception):
                job.future.set_exception(outcome)
            else:
                job.future.set_result(outcome)


def _sentences(outcome) -> int:
    return 0 if isinstance(outcome, Exception) else outcome["metadata"]["counts"]["sentences"]
