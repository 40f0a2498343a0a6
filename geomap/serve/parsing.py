"""Where the server parses: in worker processes, so that one long article holds up no other.

``geomap serve`` parses in a pool of worker processes (:class:`WorkerParsing`, one per core by
default), each with its own parser, loaded once when the worker starts. A parse that runs past the
time limit is stopped (its worker is replaced) and answered 503; when every worker is busy and
the queue is full, a new parse is answered 503 with ``Retry-After`` at once instead of waiting
behind the others. The pool is Pebble's ``ProcessPool``, which can stop one task's process.

:class:`InlineParsing` parses in one thread of the server's process with a parser it is given:
what the tests and the Python API use.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

from geomap.errors import InputError

if TYPE_CHECKING:
    from pebble import ProcessPool

    from geomap.model import ParsedArticle

#: The fields of an article as the API takes them.
Fields = dict[str, str | None]


class ParseBusy(Exception):
    """Every worker is busy and the queue is full: try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"every parser is busy; try again in {retry_after} s")
        self.retry_after = retry_after


class ParseTimeout(Exception):
    """A parse ran past the server's time limit and was stopped."""


class Parsing(Protocol):
    """What the server parses with."""

    async def parse(self, fields: Fields) -> ParsedArticle: ...

    def close(self) -> None: ...


def parse_fields(parser: Any, fields: Fields) -> ParsedArticle:
    """Parse the article; an ``.html`` upload gives its main text (and title, date) first.

    The id is the text's hash, so the same article pasted twice is one article in the store.
    """
    text = fields["text"] or ""
    title, date, url = fields["title"], fields["date"], fields["url"]
    filename = (fields["filename"] or "").lower()
    if filename.endswith((".html", ".htm")):
        from geomap.inputs.article import from_html

        page = from_html(text, "the uploaded page", "upload")
        text, title, date, url = page.text, title or page.title, date or page.date, url or page.url
    article_id = "web-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    parsed: ParsedArticle = parser.parse(text, id=article_id, title=title, date=date, url=url)
    return parsed


class InlineParsing:
    """Parsing in one thread of the server's process, with a parser already loaded."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="geomap-parse")

    async def parse(self, fields: Fields) -> ParsedArticle:
        return await asyncio.get_running_loop().run_in_executor(self.pool, parse_fields, self.parser, fields)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _load_parser() -> None:
    """Open the worker's parser when it starts (``geomap.batch.worker.cached_parser``, the one
    parser a process keeps), so that its first request does not wait for it."""
    from geomap.batch.worker import cached_parser

    cached_parser()


def _parse_in_worker(fields: Fields) -> ParsedArticle:
    from geomap.batch.worker import cached_parser

    return parse_fields(cached_parser(), fields)


class WorkerParsing:
    """Parsing in a pool of worker processes, with a time limit per parse and a bounded queue."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        timeout: float = 300.0,
        queue: int | None = None,
        loader: Callable[[], None] = _load_parser,
    ) -> None:
        """``workers``: processes (default one per core); ``timeout``: seconds a parse may take;
        ``queue``: parses that may wait for a worker (default as many as there are workers)."""
        from multiprocessing import get_context

        from pebble import ProcessPool

        from geomap.batch.worker import gazetteer_ready

        self.workers = workers or os.cpu_count() or 1
        if self.workers < 1:
            raise InputError(f"--workers must be at least 1, not {self.workers}")
        if timeout <= 0:
            raise InputError(f"--parse-timeout must be a positive number of seconds, not {timeout}")
        if queue is not None and queue < 0:
            raise InputError(f"--queue must be 0 or more, not {queue}")
        self.timeout = timeout
        self.capacity = self.workers + (self.workers if queue is None else queue)
        self.pending = 0
        gazetteer_ready()
        # "spawn": a worker starts from a fresh interpreter, not a copy of the server's threads
        self.pool: ProcessPool = ProcessPool(
            max_workers=self.workers, initializer=loader, context=get_context("spawn")
        )

    async def parse(self, fields: Fields) -> ParsedArticle:
        from concurrent.futures import TimeoutError as FutureTimeout

        if self.pending >= self.capacity:
            raise ParseBusy(retry_after=max(1, round(self.timeout / 10)))
        self.pending += 1
        try:
            future = self.pool.schedule(_parse_in_worker, args=(fields,), timeout=self.timeout)
            return await asyncio.wrap_future(future)
        except FutureTimeout:
            raise ParseTimeout(f"the article took over {self.timeout:g} s to parse and was stopped") from None
        finally:
            self.pending -= 1

    def close(self) -> None:
        """Stop the workers, a parse under way included (again: nothing)."""
        if self.pool.active:
            self.pool.stop()
            self.pool.join(timeout=10)
