"""Parsing a chunk of articles, in this process or in a Dask worker.

Given the batch folder (``out_dir``), a chunk writes each article's file itself and returns
only a small outcome per article, so a worker on this machine leaves the client almost no
work. Without it (workers on other machines may not see the folder) the outcome carries the
parsed-article JSON text for the client to write. Either way the result is plain data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.batch.inputs import safe_name
from geomap.inputs.article import Article
from geomap.outputs.files import json_line, write_text_atomic

if TYPE_CHECKING:
    from geomap.parser import Geoparser

#: One Geoparser per process and gazetteer index. This is the one piece of module-level state
#: in geomap, and on purpose: a Dask worker runs many chunk tasks in the same process, and
#: opening spaCy and the gazetteer costs seconds, so each worker opens them once, on its first
#: task, and reuses them for every later one. Keyed by index path (None: the default index).
_PARSERS: dict[str | None, Geoparser] = {}


ARTICLES_DIR = "articles"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one article: written, its parsed-article JSON to write, or why neither."""

    input: str
    id: str
    json: str | None
    reason: str | None = None
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.written or self.json is not None


def article_path(out: str | Path, article_id: str) -> Path:
    return Path(out) / ARTICLES_DIR / f"{safe_name(article_id)}.json"


def write_article(out: str | Path, article_id: str, text: str) -> None:
    # force: DIR/articles belongs to the batch, and a file there is only replaced when torn
    write_text_atomic(article_path(out, article_id), text, force=True)


def cached_parser(index_path: str | None = None) -> Geoparser:
    """This process's Geoparser for ``index_path``, opened on first use."""
    parser = _PARSERS.get(index_path)
    if parser is None:
        from geomap.parser import Geoparser
        from geomap.resolution.gazetteer import Gazetteer

        parser = _PARSERS[index_path] = Geoparser(Gazetteer(index_path) if index_path else None)
    return parser


def gazetteer_ready(index_path: str | None = None) -> None:
    """Build the gazetteer index here if it is missing, before worker processes start: each would
    otherwise build its own at once (about 20 s and 85 MB each) where it only needs to open it."""
    from geomap.resolution.gazetteer import Gazetteer

    Gazetteer(index_path).close()


def to_json(parsed) -> str:
    """The per-article file: the same JSON as ``geomap parse --json`` prints."""
    return json_line(parsed.to_dict())


def parse_chunk(
    chunk: Sequence[tuple[str, Article]],
    index_path: str | None = None,
    parser: Geoparser | None = None,
    out_dir: str | None = None,
) -> list[Outcome]:
    """Parse ``(input, article)`` pairs through spaCy together; one bad article fails alone.

    With ``out_dir`` each article is written to its file here. The Dask task function: it
    must stay importable at module level and take plain arguments.
    """
    parser = parser if parser is not None else cached_parser(index_path)
    try:
        parsed = list(parser.pipe([a for _, a in chunk], batch_size=max(len(chunk), 1)))
        outcomes = [Outcome(where, p.id, to_json(p)) for (where, _), p in zip(chunk, parsed, strict=True)]
    except Exception:  # find the culprit: parse each article on its own
        outcomes = [_parse_one(parser, where, article) for where, article in chunk]
    return outcomes if out_dir is None else [_write(out_dir, o) for o in outcomes]


def _write(out_dir: str, outcome: Outcome) -> Outcome:
    """The outcome once its JSON is on disk: the JSON text is not sent back."""
    if outcome.json is None:
        return outcome
    try:
        write_article(out_dir, outcome.id, outcome.json)
    except OSError as exc:
        return Outcome(outcome.input, outcome.id, None, f"{outcome.input}: cannot write its file ({exc})")
    return Outcome(outcome.input, outcome.id, None, written=True)


def _parse_one(parser: Geoparser, where: str, article: Article) -> Outcome:
    try:
        return Outcome(where, article.id, to_json(parser.parse_article(article)))
    except Exception as exc:  # recorded in failures.jsonl: a batch never stops for one article
        return Outcome(where, article.id, None, f"{where}: parse failed ({type(exc).__name__}: {exc})")
