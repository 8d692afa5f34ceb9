"""Dynamic batching: documents from concurrent requests are gathered (up to a maximum batch, for at
most a maximum wait after the first) and run through the batching core together, on one model
thread, so that the event loop never waits on a model and the engines are never called from two
threads at once. Each request gets its own result back."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from summarize.core.records import Job, Result
from summarize.service.metrics import Metrics


@dataclass
class _Waiting:
    job: Job
    future: asyncio.Future


class Batcher:
    """Gathers jobs on the event loop; runs them in batches on its model thread."""

    def __init__(self, max_batch: int, max_wait_ms: float, metrics: Metrics, engines):
        self.max_batch = max(1, max_batch)
        self.max_wait_s = max(0.0, max_wait_ms) / 1000
        self.metrics = metrics
        self.engines = engines
        self.model_thread = ThreadPoolExecutor(1, thread_name_prefix="summarize-model")
        self._queue: asyncio.Queue[_Waiting] | None = None
        self._worker: asyncio.Task | None = None

    async def run(self, job: Job) -> Result:
        """The job's Result; raises its SummarizeError when it failed."""
        if self._worker is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.get_running_loop().create_task(self._serve())
        future = asyncio.get_running_loop().create_future()
        await self._queue.put(_Waiting(job, future))
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
            waiting = [w for w in await self._gather() if not w.future.done()]  # a timed-out request is dropped
            if waiting:
                await self._run(waiting)

    async def _gather(self) -> list[_Waiting]:
        waiting = [await self._queue.get()]
        deadline = asyncio.get_running_loop().time() + self.max_wait_s
        while len(waiting) < self.max_batch:
            if not self._queue.empty():
                waiting.append(self._queue.get_nowait())
                continue
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            try:
                waiting.append(await asyncio.wait_for(self._queue.get(), left))
            except TimeoutError:
                break
        return waiting

    async def _run(self, waiting: list[_Waiting]) -> None:
        from summarize.core.jobs import submit

        with self.metrics.batch_seconds.time():
            try:
                outcomes = await self.call(submit, [w.job for w in waiting], self.engines)
            except Exception as error:  # submit gives each job its own error; this is past it
                outcomes = [error] * len(waiting)
        self.metrics.batch_documents.observe(len(waiting))
        self.metrics.batch_sentences.observe(sum(o.sentences for o in outcomes if isinstance(o, Result)))
        for w, outcome in zip(waiting, outcomes):
            if w.future.done():
                continue
            if isinstance(outcome, Exception):
                w.future.set_exception(outcome)
            else:
                w.future.set_result(outcome)
