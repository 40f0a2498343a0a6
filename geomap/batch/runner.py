"""``geomap batch``: parse a corpus into a folder, resumably, in one process or on Dask.

Layout of DIR:

- ``articles/<safe id>.json`` — one parsed article each (the JSON of ``geomap parse --json``);
  it is the unit of resumption: an article whose file exists and parses is not parsed again.
- ``incidents.geojson``, ``incidents.csv``, ``map.html`` — built by reading the article files
  back one at a time, in input order, as soon as each one and all before it are done, so a
  resumed run gives the same combined outputs and memory does not grow with the corpus (see
  ``batch_outputs``); the map shows the first ``map_limit`` articles only.
- ``failures.jsonl`` — one ``{"input", "id", "reason"}`` line per input that gave no article.

Every file is written atomically, so an interrupted run leaves no half-written file.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.batch.inputs import Failure, Item, Note, iter_inputs, safe_name
from geomap.batch.outputs import CSV_NAME, GEOJSON_NAME, MAP_LIMIT, MAP_NAME, CombinedWriter, map_note
from geomap.batch.worker import (
    ARTICLES_DIR,
    Outcome,
    article_path,
    cached_parser,
    gazetteer_ready,
    parse_chunk,
    write_article,
)
from geomap.errors import GeomapError, InputError
from geomap.inputs.parsed import article_from_dict, is_parsed_object
from geomap.outputs.files import is_geomap_output, json_line, write_text_atomic

if TYPE_CHECKING:
    from geomap.batch.dask_pool import DaskRunner
    from geomap.parser import Geoparser
    from geomap.store.store import AddTotals, Store

FAILURES_NAME = "failures.jsonl"

#: Articles per task: enough for spaCy to batch, few enough that a lost task costs little.
CHUNK_SIZE = 16


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a run did; ``articles`` counts every article in the combined outputs, ``mapped``
    those on the map."""

    articles: int
    parsed: int
    skipped: int
    places: int
    incidents: int
    failures: int
    seconds: float
    mapped: int = 0
    stored: AddTotals | None = None  # with a store: what adding the articles to it did

    def line(self) -> str:
        return (
            f"{self.articles} articles ({self.parsed} parsed, {self.skipped} already done), "
            f"{self.places} places, {self.incidents} incidents, {self.failures} failures, "
            f"{self.seconds:.1f} s"
        )

    def map_note(self) -> str | None:
        """Set when the map shows only part of the corpus."""
        return map_note(self.mapped, self.articles)


def _is_done(path: Path) -> bool:
    """A finished article: its file exists and holds a parsed article (a torn file does not count)."""
    try:
        return is_parsed_object(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return False


def _check_outputs(out: Path) -> None:
    """Refuse early, before any parsing, to replace a combined output geomap did not write."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file; give a folder")
    for name in (GEOJSON_NAME, CSV_NAME, MAP_NAME):
        path = out / name
        if path.exists() and not is_geomap_output(path):
            raise InputError(f"{path} exists and was not written by geomap; move it or use another --out")


class _SeenIds:
    """Every id of the run, with its file name and where it was read: duplicates and clashing
    file names are found against all of them. Kept in a private temporary SQLite database,
    which holds a small page cache in memory, so a long corpus does not grow the process.
    Text is stored as UTF-8 bytes with lone surrogates passed through: ids come from any JSON."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a temporary on-disk database, removed on close
        self._db.execute("CREATE TABLE seen (id BLOB PRIMARY KEY, name BLOB UNIQUE, input BLOB)")

    def lookup(self, article_id: str, name: str) -> tuple[str | None, str | None]:
        """Where ``article_id`` was first read, and another id already using file ``name``."""
        row = self._db.execute("SELECT input FROM seen WHERE id = ?", (_b(article_id),)).fetchone()
        if row is not None:
            return _s(row[0]), None
        row = self._db.execute("SELECT id FROM seen WHERE name = ?", (_b(name),)).fetchone()
        return None, None if row is None else _s(row[0])

    def add(self, article_id: str, name: str, where: str) -> None:
        self._db.execute("INSERT INTO seen VALUES (?, ?, ?)", (_b(article_id), _b(name), _b(where)))

    def close(self) -> None:
        self._db.close()


def _b(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _s(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


class _Run:
    """The bookkeeping of one run: which ids were seen, what was written, what failed."""

    def __init__(
        self, out: Path, report: Callable[[str], None], combined: CombinedWriter, store: Store | None = None
    ) -> None:
        self.out = out
        self.store = store
        self.stored: AddTotals | None = None
        if store is not None:
            from geomap.store.store import AddTotals

            self.stored = AddTotals()
        self.report = report
        self.combined = combined
        self.seen = _SeenIds()
        # Ids in input order not yet in the combined outputs, and those of them that are ready
        # (written, skipped or failed): the outputs take them in order as soon as they can.
        self.waiting: deque[str] = deque()
        self.ready: set[str] = set()
        self.admitted = 0
        self.failures: list[Failure] = []
        self.parsed = 0
        self.skipped = 0

    def fail(self, failure: Failure) -> None:
        self.failures.append(failure)
        self.report(f"geomap: failed: {failure.reason}")

    def admit(self, item: Item) -> bool:
        """True when ``item`` must be parsed; duplicates fail, finished articles are skipped."""
        article_id = item.article.id
        name = safe_name(article_id)
        where, other = self.seen.lookup(article_id, name)
        if where is not None:
            self.fail(
                Failure(
                    item.input, article_id, f"{item.input}: duplicate id {article_id!r} (first in {where})"
                )
            )
            return False
        if other is not None:
            self.fail(
                Failure(
                    item.input, article_id, f"{item.input}: id {article_id!r} has the file name of {other!r}"
                )
            )
            return False
        self.seen.add(article_id, name, item.input)
        self.admitted += 1
        self.waiting.append(article_id)
        if _is_done(article_path(self.out, article_id)):
            self.skipped += 1
            self.ready.add(article_id)
            return False
        return True

    def record(self, outcome: Outcome) -> None:
        self.ready.add(outcome.id)
        if not outcome.ok:
            self.fail(Failure(outcome.input, outcome.id, outcome.reason or "parse failed"))
            return
        if not outcome.written and outcome.json is not None:  # a worker that may not see DIR sent it back
            write_article(self.out, outcome.id, outcome.json)
        self.parsed += 1

    def flush(self) -> None:
        """Pass the ready articles at the head of the input order to the combined outputs.

        Read back from their files one at a time, so a resumed run gives the same outputs; an
        unreadable file is a failure. What waits is bounded by the chunks in flight.
        """
        while self.waiting and self.waiting[0] in self.ready:
            article_id = self.waiting.popleft()
            self.ready.discard(article_id)
            path = article_path(self.out, article_id)
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                continue  # its parse failed, already recorded
            try:
                article = article_from_dict(json.loads(text), str(path))
            except (ValueError, InputError) as exc:
                self.fail(Failure(str(path), article_id, f"{path}: cannot read back ({exc})"))
                continue
            self.combined.add(article)
            if self.store is not None and self.stored is not None:
                self.stored = self.stored.plus(self.store.add(article))


def _chunks(items: Iterable[Item | Failure | Note], run: _Run, tick: Callable[[], None]) -> Iterator[list]:
    """Chunks of ``(input, article)`` to parse; failures, notes and finished articles are dealt with here."""
    chunk: list = []
    for item in items:
        if isinstance(item, Note):
            run.report(item.line())
        elif isinstance(item, Failure):
            run.fail(item)
            tick()
        elif run.admit(item):
            chunk.append((item.input, item.article))
            if len(chunk) >= CHUNK_SIZE:
                yield chunk
                chunk = []
        else:
            tick()
            run.flush()  # a resumed run streams its finished articles through as it reads
    if chunk:
        yield chunk


def _write_failures(out: Path, failures: list[Failure]) -> None:
    lines = "".join(json_line(f.to_dict()) for f in failures)
    write_text_atomic(out / FAILURES_NAME, lines, force=True)  # batch-owned; not a marked format


def run_batch(
    source: str,
    out: str | Path,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool | None = None,
    parser: Geoparser | None = None,
    index_path: str | None = None,
    map_limit: int = MAP_LIMIT,
    store: Store | None = None,
) -> BatchSummary:
    """Parse every article of ``source`` into ``out``; see the module docstring for the layout.

    ``workers`` > 1 parses here and on a Dask LocalCluster of ``workers`` − 1 processes, and
    a ``scheduler`` address on that cluster's workers only; otherwise it all runs here. Here
    means with ``parser`` (or this process's cached one, opened only if something needs
    parsing). Failures are recorded, never raised; KeyboardInterrupt propagates, leaving
    every finished article on disk for the next run. With a ``store`` every article (parsed now
    or already done) is added to it as it reaches the combined outputs, one transaction each;
    a resumed run adds the missing ones, and those already stored change nothing.
    """
    from tqdm import tqdm

    if workers < 1:
        raise InputError(f"--workers must be at least 1, not {workers}")
    if map_limit < 1:
        raise InputError(f"--map-articles must be at least 1, not {map_limit}")
    started = time.monotonic()
    out = Path(out)
    _check_outputs(out)
    (out / ARTICLES_DIR).mkdir(parents=True, exist_ok=True)
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(unit=" articles", disable=not show, file=sys.stderr, dynamic_ncols=True)
    runner = None
    with CombinedWriter(out, map_limit) as combined:
        run = _Run(out, lambda line: tqdm.write(line, file=sys.stderr), combined, store)
        try:
            chunks = _chunks(iter_inputs(source), run, lambda: bar.update(1))
            here = functools.partial(_parse_here, parser=parser, index_path=index_path, out=out)
            if scheduler:
                runner = _dask_runner(workers, scheduler, index_path, out, build_index=parser is None)
                results = runner.results(chunks)
            elif workers > 1:
                # This process parses too, between handing out chunks: N processes parse in all.
                runner = _dask_runner(workers - 1, None, index_path, out, build_index=parser is None)
                results = runner.results(chunks, local=here)
            else:
                results = (here(chunk) for chunk in chunks)
            for outcomes in results:
                for outcome in outcomes:
                    run.record(outcome)
                bar.update(len(outcomes))
                run.flush()
        except BaseException:
            run.seen.close()
            if runner is not None:
                runner.close()
            raise
        finally:
            bar.close()
        # Shutting the workers down is mostly waiting: let it overlap the last of the outputs.
        closing = runner.close_in_background() if runner is not None else None
        try:
            if not run.admitted and not run.failures:
                raise GeomapError(f"{source}: no articles in the input")
            run.flush()
            totals = combined.finish()
        finally:
            run.seen.close()
            if closing is not None:
                closing.join()
    _write_failures(out, run.failures)  # after the read-back, which may add failures
    return BatchSummary(
        articles=totals.articles,
        parsed=run.parsed,
        skipped=run.skipped,
        places=totals.places,
        incidents=totals.incidents,
        failures=len(run.failures),
        seconds=time.monotonic() - started,
        mapped=totals.mapped,
        stored=run.stored,
    )


def _parse_here(chunk: list, parser: Geoparser | None, index_path: str | None, out: Path) -> list[Outcome]:
    """A chunk parsed in this process; the parser is opened on the first chunk, so a run with
    nothing left to parse never loads spaCy."""
    local = parser if parser is not None else cached_parser(index_path)
    return parse_chunk(chunk, parser=local, out_dir=str(out))


def _dask_runner(
    workers: int, scheduler: str | None, index_path: str | None, out: Path, build_index: bool
) -> DaskRunner:
    """Parsing on Dask. Workers of a LocalCluster share this machine, so they write the article
    files themselves; a remote cluster's workers may not see DIR, so they send the JSON back."""
    if build_index:
        gazetteer_ready(index_path)
    from geomap.batch.dask_pool import DaskRunner

    out_dir = None if scheduler else str(out.resolve())
    return DaskRunner(workers=workers, scheduler=scheduler, index_path=index_path, out_dir=out_dir)
