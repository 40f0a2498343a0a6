"""``geomap batch``: parse a corpus into a folder, resumably, in one process or on Dask.

Layout of DIR:

- ``articles/<safe id>.json`` — one parsed article each (the JSON of ``geomap parse --json``);
  it is the unit of resumption: an article whose file exists and parses is not parsed again.
- ``incidents.geojson``, ``incidents.csv``, ``map.html`` — built at the end by reading the
  article files back, in input order, so a resumed run gives the same combined outputs.
- ``failures.jsonl`` — one ``{"input", "id", "reason"}`` line per input that gave no article.

Every file is written atomically, so an interrupted run leaves no half-written file.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.batch_input import Failure, Item, iter_inputs, safe_name
from geomap.batch_worker import Outcome, cached_parser, parse_chunk
from geomap.errors import GeomapError, InputError
from geomap.output import is_geomap_output, write_text_atomic
from geomap.parsed_io import article_from_dict, is_parsed_object

if TYPE_CHECKING:
    from geomap.model import ParsedArticle
    from geomap.parser import Geoparser

ARTICLES_DIR = "articles"
GEOJSON_NAME = "incidents.geojson"
CSV_NAME = "incidents.csv"
MAP_NAME = "map.html"
FAILURES_NAME = "failures.jsonl"

#: Articles per task: enough for spaCy to batch, few enough that a lost task costs little.
CHUNK_SIZE = 16


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a run did; ``articles`` counts every article in the combined outputs."""

    articles: int
    parsed: int
    skipped: int
    places: int
    incidents: int
    failures: int
    seconds: float

    def line(self) -> str:
        return (
            f"{self.articles} articles ({self.parsed} parsed, {self.skipped} already done), "
            f"{self.places} places, {self.incidents} incidents, {self.failures} failures, "
            f"{self.seconds:.1f} s"
        )


def article_path(out: Path, article_id: str) -> Path:
    return out / ARTICLES_DIR / f"{safe_name(article_id)}.json"


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


class _Run:
    """The bookkeeping of one run: which ids were seen, what was written, what failed."""

    def __init__(self, out: Path, report: Callable[[str], None]) -> None:
        self.out = out
        self.report = report
        self.first_input: dict[str, str] = {}  # id → where it was first read (duplicate ids)
        self.id_of_name: dict[str, str] = {}  # safe name → id (two ids, one file name)
        self.order: list[str] = []  # ids in input order: the order of the combined outputs
        self.failures: list[Failure] = []
        self.parsed = 0
        self.skipped = 0

    def fail(self, failure: Failure) -> None:
        self.failures.append(failure)
        self.report(f"geomap: failed: {failure.reason}")

    def admit(self, item: Item) -> bool:
        """True when ``item`` must be parsed; duplicates fail, finished articles are skipped."""
        article_id = item.article.id
        if article_id in self.first_input:
            where = self.first_input[article_id]
            self.fail(
                Failure(
                    item.input, article_id, f"{item.input}: duplicate id {article_id!r} (first in {where})"
                )
            )
            return False
        name = safe_name(article_id)
        if self.id_of_name.setdefault(name, article_id) != article_id:
            other = self.id_of_name[name]
            self.fail(
                Failure(
                    item.input, article_id, f"{item.input}: id {article_id!r} has the file name of {other!r}"
                )
            )
            return False
        self.first_input[article_id] = item.input
        self.order.append(article_id)
        if _is_done(article_path(self.out, article_id)):
            self.skipped += 1
            return False
        return True

    def record(self, outcome: Outcome) -> None:
        if outcome.json is None:
            self.fail(Failure(outcome.input, outcome.id, outcome.reason or "parse failed"))
            return
        # force: DIR/articles belongs to the batch, and a file there is only replaced when torn
        write_text_atomic(article_path(self.out, outcome.id), outcome.json, force=True)
        self.parsed += 1


def _chunks(items: Iterable[Item | Failure], run: _Run, tick: Callable[[], None]) -> Iterator[list]:
    """Chunks of ``(input, article)`` to parse; failures and finished articles are dealt with here."""
    chunk: list = []
    for item in items:
        if isinstance(item, Failure):
            run.fail(item)
            tick()
        elif run.admit(item):
            chunk.append((item.input, item.article))
            if len(chunk) >= CHUNK_SIZE:
                yield chunk
                chunk = []
        else:
            tick()
    if chunk:
        yield chunk


def _load_written(run: _Run) -> list[ParsedArticle]:
    """The written articles, in input order; an unreadable file is a failure, not a crash."""
    articles = []
    for article_id in run.order:
        path = article_path(run.out, article_id)
        if not path.exists():
            continue  # its parse failed, already recorded
        try:
            articles.append(article_from_dict(json.loads(path.read_text(encoding="utf-8")), str(path)))
        except (ValueError, InputError) as exc:
            run.fail(Failure(str(path), article_id, f"{path}: cannot read back ({exc})"))
    return articles


def _write_combined(out: Path, articles: list[ParsedArticle], failures: list[Failure]) -> int:
    """The combined outputs; returns the number of distinct places."""
    from geomap.export import dumps_csv, dumps_geojson, merge_places
    from geomap.render import render_html

    write_text_atomic(out / GEOJSON_NAME, dumps_geojson(articles))
    write_text_atomic(out / CSV_NAME, dumps_csv(articles))
    write_text_atomic(out / MAP_NAME, render_html(articles, title=f"{len(articles)} articles"))
    lines = "".join(json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in failures)
    write_text_atomic(out / FAILURES_NAME, lines, force=True)  # batch-owned; not a marked format
    return len(merge_places(articles))


def run_batch(
    source: str,
    out: str | Path,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool | None = None,
    parser: Geoparser | None = None,
    index_path: str | None = None,
) -> BatchSummary:
    """Parse every article of ``source`` into ``out``; see the module docstring for the layout.

    ``workers`` > 1 or a ``scheduler`` address runs the parsing on Dask; otherwise it runs
    here, with ``parser`` (or this process's cached one). Failures are recorded, never raised;
    KeyboardInterrupt propagates, leaving every finished article on disk for the next run.
    """
    from tqdm import tqdm

    if workers < 1:
        raise InputError(f"--workers must be at least 1, not {workers}")
    started = time.monotonic()
    out = Path(out)
    _check_outputs(out)
    (out / ARTICLES_DIR).mkdir(parents=True, exist_ok=True)
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(unit=" articles", disable=not show, file=sys.stderr, dynamic_ncols=True)
    run = _Run(out, lambda line: tqdm.write(line, file=sys.stderr))
    try:
        chunks = _chunks(iter_inputs(source), run, lambda: bar.update(1))
        if workers > 1 or scheduler:
            if parser is None:
                from geomap.gazetteer import Gazetteer

                Gazetteer(index_path).close()  # build a missing index here once, not in every worker
            from geomap.batch_dask import run_dask

            results = run_dask(chunks, workers=workers, scheduler=scheduler, index_path=index_path)
        else:
            local = parser if parser is not None else cached_parser(index_path)
            results = (parse_chunk(chunk, parser=local) for chunk in chunks)
        for outcomes in results:
            for outcome in outcomes:
                run.record(outcome)
            bar.update(len(outcomes))
    finally:
        bar.close()
    articles = _load_written(run)
    if not articles and not run.failures:
        raise GeomapError(f"{source}: no articles in the input")
    places = _write_combined(out, articles, run.failures)
    return BatchSummary(
        articles=len(articles),
        parsed=run.parsed,
        skipped=run.skipped,
        places=places,
        incidents=sum(len(a.incidents) for a in articles),
        failures=len(run.failures),
        seconds=time.monotonic() - started,
    )
