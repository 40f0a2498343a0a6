"""Parsing a chunk of articles, in this process or in a Dask worker.

The result of a chunk is plain data (the parsed-article JSON text, or a reason), so it
crosses process and machine boundaries cheaply and the client only has to write it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geomap.article import Article

if TYPE_CHECKING:
    from geomap.parser import Geoparser

#: One Geoparser per process and gazetteer index. This is the one piece of module-level state
#: in geomap, and on purpose: a Dask worker runs many chunk tasks in the same process, and
#: opening spaCy and the gazetteer costs seconds, so each worker opens them once, on its first
#: task, and reuses them for every later one. Keyed by index path (None: the default index).
_PARSERS: dict[str | None, Geoparser] = {}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one article: its parsed-article JSON, or why there is none."""

    input: str
    id: str
    json: str | None
    reason: str | None = None


def cached_parser(index_path: str | None = None) -> Geoparser:
    """This process's Geoparser for ``index_path``, opened on first use."""
    parser = _PARSERS.get(index_path)
    if parser is None:
        from geomap.gazetteer import Gazetteer
        from geomap.parser import Geoparser

        parser = _PARSERS[index_path] = Geoparser(Gazetteer(index_path) if index_path else None)
    return parser


def to_json(parsed) -> str:
    """The per-article file: the same JSON as ``geomap parse --json`` prints."""
    return json.dumps(parsed.to_dict(), ensure_ascii=False) + "\n"


def parse_chunk(
    chunk: Sequence[tuple[str, Article]], index_path: str | None = None, parser: Geoparser | None = None
) -> list[Outcome]:
    """Parse ``(input, article)`` pairs through spaCy together; one bad article fails alone.

    The Dask task function: it must stay importable at module level and take plain arguments.
    """
    parser = parser if parser is not None else cached_parser(index_path)
    try:
        parsed = list(parser.pipe([a for _, a in chunk], batch_size=max(len(chunk), 1)))
        return [Outcome(where, p.id, to_json(p)) for (where, _), p in zip(chunk, parsed, strict=True)]
    except Exception:  # find the culprit: parse each article on its own
        return [_parse_one(parser, where, article) for where, article in chunk]


def _parse_one(parser: Geoparser, where: str, article: Article) -> Outcome:
    try:
        return Outcome(where, article.id, to_json(parser.parse_article(article)))
    except Exception as exc:  # recorded in failures.jsonl: a batch never stops for one article
        return Outcome(where, article.id, None, f"{where}: parse failed ({type(exc).__name__}: {exc})")
