"""Running ``geomap batch`` chunks on Dask: a LocalCluster, or an existing cluster by address.

Imported only when a batch asks for more than one worker or names a scheduler, so dask is
never loaded otherwise.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence

import dask
from distributed import Client, LocalCluster, as_completed

from geomap.batch.worker import Outcome, parse_chunk
from geomap.errors import GeomapError
from geomap.inputs.article import Article

Chunk = Sequence[tuple[str, Article]]
LocalParse = Callable[[Chunk], list[Outcome]]


def _local_config() -> dict:
    """Dask settings for our own worker processes, which only ever run parse_chunk.

    - No ``MALLOC_TRIM_THRESHOLD_``: Dask sets it (64 KiB) so that workers give memory back to
      the OS, but it also pins glibc's mmap threshold, and spaCy's many large short-lived
      buffers then cost a page fault each time: about 10% more CPU per article, measured.
      A parse worker's memory is bounded by the model and one chunk anyway.
    - No statistical profiler: it samples the task thread every 10 ms, for a dashboard we do
      not run.
    """
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    return {"distributed.nanny.pre-spawn-environ": environ, "distributed.worker.profile.enabled": False}


def _connect(workers: int, scheduler: str | None) -> tuple[Client, LocalCluster | None]:
    if scheduler:
        try:
            return Client(scheduler, timeout="20s"), None
        except OSError as exc:
            raise GeomapError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
    with dask.config.set(_local_config()):
        # One thread per worker process: spaCy and SQLite work is CPU-bound and holds the GIL.
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # Without a dashboard the scheduler still serves a few HTTP routes (health, metrics),
            # by default on port 8787, and warns "Port 8787 is already in use" whenever another
            # cluster holds it. Any free local port will do: nothing here reads them.
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )
    return Client(cluster), cluster


class DaskRunner:
    """Chunks parsed on Dask: a LocalCluster of ``workers`` processes, or a cluster by address."""

    def __init__(
        self, *, workers: int, scheduler: str | None, index_path: str | None, out_dir: str | None = None
    ) -> None:
        self.client, self.cluster = _connect(workers, scheduler)
        self.workers = workers
        self.index_path = index_path
        self.out_dir = out_dir

    def results(self, chunks: Iterable[Chunk], local: LocalParse | None = None) -> Iterator[list[Outcome]]:
        """The outcomes of every chunk, as they complete (not in input order).

        With ``out_dir`` (a folder the workers can write to) each task writes its articles'
        files and returns small outcomes; otherwise outcomes carry the JSON for the caller to
        write. At most two tasks per worker are in flight, and the next chunk is only read from
        the input when one completes, so memory stays bounded however long the input is. A
        chunk whose task fails (e.g. its worker kept dying) comes back as a failure of each
        article. With ``local``, this process parses chunks too whenever no task has finished.
        """
        client = self.client
        n_workers = len(client.scheduler_info().get("workers", {})) or self.workers
        max_in_flight = 2 * max(n_workers, 1)
        chunks = iter(chunks)
        pending: dict = {}
        done = as_completed()

        def submit_next() -> None:
            chunk = next(chunks, None)
            if chunk is not None:
                args = (list(chunk), self.index_path, None, self.out_dir)
                future = client.submit(parse_chunk, *args, pure=False)
                pending[future] = chunk
                done.add(future)

        for _ in range(max_in_flight):
            submit_next()
        while True:
            if local is not None and not done.has_ready():
                chunk = next(chunks, None)
                if chunk is not None:
                    yield local(chunk)
                    continue
                local = None  # the input is used up: only the tasks are left
            if done.is_empty():
                return
            future = next(done)
            chunk = pending.pop(future)
            try:
                outcomes = future.result()
            except Exception as exc:  # KilledWorker and the like: the articles fail, the batch goes on
                reason = f"worker task failed ({type(exc).__name__}: {exc})"
                outcomes = [Outcome(where, a.id, None, f"{where}: {reason}") for where, a in chunk]
            future.release()
            submit_next()
            yield outcomes

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()

    def close_in_background(self) -> threading.Thread:
        """Start closing; join the thread before exiting. Stopping the worker processes is
        mostly waiting, which the caller's remaining work can overlap."""
        thread = threading.Thread(target=self.close, name="geomap-dask-close")
        thread.start()
        return thread
