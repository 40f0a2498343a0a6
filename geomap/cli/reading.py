"""Articles from the command line's inputs, read and parsed for ``parse``, ``map``, ``export`` and ``add``."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from geomap.errors import InputError

if TYPE_CHECKING:
    from geomap.inputs.article import Article
    from geomap.model import ParsedArticle


def _read_file(source: str) -> list[Article]:
    """The articles of one input; stderr says once when it was not read as UTF-8."""
    from geomap.inputs.article import read_articles

    articles = list(read_articles(source))
    legacy = dict.fromkeys(a.encoding for a in articles if a.encoding not in (None, "utf-8"))
    if legacy:
        where = "standard input" if source == "-" else source
        print(f"geomap: {where}: read as {', '.join(e for e in legacy if e)}", file=sys.stderr)
    return articles


#: With more articles than this, ``--workers`` defaults to every core: below it, starting the
#: workers (each loads its own parser, about 2 s) costs more than it saves.
MANY_ARTICLES = 48


def parse_files(files: Sequence[str], date: str | None = None, workers: int | None = None):
    """Parse every article of every input file, in input order."""
    articles = _dated([a for f in files for a in _read_file(f)], date)
    return parse_articles(articles, workers)


def parse_articles(articles: Sequence[Article], workers: int | None = None) -> list[ParsedArticle]:
    """The articles parsed, in their order: in this process, or in ``workers`` processes (None: every
    core when there are more than :data:`MANY_ARTICLES`), with a progress bar on a terminal."""
    from tqdm import tqdm

    if workers is not None and workers < 1:
        raise InputError(f"--workers must be at least 1, not {workers}")
    count = workers or ((os.cpu_count() or 1) if len(articles) > MANY_ARTICLES else 1)
    count = min(count, max(1, len(articles)))
    bar = {"total": len(articles), "desc": "Parsing", "unit": "article", "disable": None, "leave": False}
    if count == 1:
        from geomap.parser import Geoparser

        parser = Geoparser()
        return [parser.parse_article(a) for a in tqdm(articles, **bar)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from geomap.batch.worker import cached_parser, gazetteer_ready

    gazetteer_ready()
    # "spawn": each worker starts from a fresh interpreter and opens its own parser and gazetteer
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(count, mp_context=context, initializer=cached_parser) as pool:
        chunk = max(1, min(8, len(articles) // (count * 4)))
        return list(tqdm(pool.map(_parse_one, articles, chunksize=chunk), **bar))


def _parse_one(article: Article) -> ParsedArticle:
    """One article parsed by this worker's parser."""
    from geomap.batch.worker import cached_parser

    return cached_parser().parse_article(article)


def _dated(articles: list[Article], date: str | None) -> list[Article]:
    """The articles, those without a date given ``date`` (``--date``), which must be a day."""
    if date is None:
        return articles
    import dataclasses
    import datetime as dt

    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise InputError(f"--date {date!r} is not a date like 2024-03-12") from None
    return [a if a.date else dataclasses.replace(a, date=date) for a in articles]


def load_inputs(files: Sequence[str], date: str | None = None, workers: int | None = None):
    """Parsed articles from every input, in order: ``geomap parse --json`` output is read back
    as it is (no second parse); anything else is parsed (:func:`parse_articles`), the undated
    articles among it dated ``date``."""
    from geomap.inputs.parsed import read_parsed

    loaded = [read_parsed(f) if f != "-" else None for f in files]
    to_parse = [f for f, parsed in zip(files, loaded, strict=True) if parsed is None]
    fresh = iter(_parse_files_each(to_parse, date, workers)) if to_parse else iter(())
    out: list[ParsedArticle] = []
    for parsed in loaded:
        out += parsed if parsed is not None else next(fresh)
    return out


def _parse_files_each(files: Sequence[str], date: str | None = None, workers: int | None = None):
    """Like ``parse_files``, but a list of parsed articles per file."""
    per_file = [_dated(_read_file(f), date) for f in files]
    parsed = iter(parse_articles([a for articles in per_file for a in articles], workers))
    return [[next(parsed) for _ in articles] for articles in per_file]
