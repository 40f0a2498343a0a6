"""Articles from the command line's inputs, read and parsed for ``parse``, ``map``, ``export`` and ``add``."""

from __future__ import annotations

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


def parse_files(files: Sequence[str], date: str | None = None):
    """Parse every article of every input file (one Geoparser for all)."""
    from geomap.parser import Geoparser

    articles = _dated([a for f in files for a in _read_file(f)], date)
    parser = Geoparser()
    return [parser.parse_article(a) for a in articles]


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


def load_inputs(files: Sequence[str], date: str | None = None):
    """Parsed articles from every input, in order: ``geomap parse --json`` output is read back
    as it is (no second parse); anything else is parsed, with one Geoparser for all of it, the
    undated articles among it dated ``date``."""
    from geomap.inputs.parsed import read_parsed

    loaded = [read_parsed(f) if f != "-" else None for f in files]
    to_parse = [f for f, parsed in zip(files, loaded, strict=True) if parsed is None]
    fresh = iter(_parse_files_each(to_parse, date)) if to_parse else iter(())
    out: list[ParsedArticle] = []
    for parsed in loaded:
        out += parsed if parsed is not None else next(fresh)
    return out


def _parse_files_each(files: Sequence[str], date: str | None = None):
    """Like ``parse_files``, but a list of parsed articles per file."""
    from geomap.parser import Geoparser

    per_file = [_dated(_read_file(f), date) for f in files]
    parser = Geoparser()
    return [[parser.parse_article(a) for a in articles] for articles in per_file]
