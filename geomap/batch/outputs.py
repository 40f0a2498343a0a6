"""The combined outputs of ``geomap batch``, streamed: memory does not grow with the corpus.

The articles come in one at a time (read back from their files, in input order). Each one's
incidents go straight into the CSV and into a part file of GeoJSON incident features, and
its places into a :class:`PlaceSpool` on disk; the GeoJSON is then written as the places
merged across articles followed by the part file. Both files are written to a temporary file
and renamed, and hold exactly what ``export.dumps_geojson`` and ``export.dumps_csv`` give for
the same articles. The map holds the first ``map_limit`` articles only: a page with a layer
per article is no use for a whole corpus, and it is built in memory.
"""

from __future__ import annotations

import json
import pickle
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.outputs.files import atomic_writer

if TYPE_CHECKING:
    from geomap.model import ParsedArticle, ResolvedPlace

GEOJSON_NAME = "incidents.geojson"
CSV_NAME = "incidents.csv"
MAP_NAME = "map.html"

#: Articles on the batch map by default: a layer each, and the page is built in memory.
MAP_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Totals:
    """What the combined outputs hold; ``mapped`` articles are on the map (all, or the first ones)."""

    articles: int
    places: int
    incidents: int
    mapped: int


class PlaceSpool:
    """Places merged across articles as ``export.merge_places`` merges them, pooled on disk.

    A place named in every article of a long corpus pools a sentence and an id from each, so
    the pooled lists live in a private temporary SQLite database (SQLite keeps a small page
    cache and spills the rest to a file it deletes on close); only one place's merge is ever
    held in memory, when its feature is written.
    """

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a temporary on-disk database, removed on close
        self._db.executescript(
            """
            CREATE TABLE place (place_id TEXT PRIMARY KEY, first INTEGER, place BLOB);
            CREATE TABLE part (place_id TEXT, seq INTEGER, data TEXT);
            """
        )
        self._seq = 0

    def add(self, article: ParsedArticle) -> None:
        for rp in article.places:
            self._seq += 1
            self._db.execute(
                "INSERT OR IGNORE INTO place VALUES (?, ?, ?)",
                (rp.place.id, self._seq, pickle.dumps(rp.place, protocol=pickle.HIGHEST_PROTOCOL)),
            )
            data = json.dumps(
                [rp.confidence, rp.mentions, rp.mention_count, rp.sentences, rp.article_ids, rp.incident_ids]
            )
            self._db.execute("INSERT INTO part VALUES (?, ?, ?)", (rp.place.id, self._seq, data))

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM place").fetchone()[0]

    def merged(self) -> Iterator[ResolvedPlace]:
        """The merged places in the order they were first named, one at a time."""
        self._db.execute("CREATE INDEX part_order ON part (place_id, seq)")
        for place_id, blob in self._db.execute("SELECT place_id, place FROM place ORDER BY first"):
            rows = self._db.execute("SELECT data FROM part WHERE place_id = ? ORDER BY seq", (place_id,))
            yield _merge(pickle.loads(blob), (json.loads(data) for (data,) in rows))

    def close(self) -> None:
        self._db.close()


def _merge(place, parts: Iterable[list]) -> ResolvedPlace:
    """One place's parts merged as ``export.merge_places`` does it, in linear time."""
    from geomap.model import ResolvedPlace

    confidence = 0.0
    mentions: dict[str, None] = {}
    count = 0
    sentences: list[str] = []
    article_ids: dict[str, None] = {}
    incident_ids: list[str] = []
    for conf, ments, n, sents, arts, incs in parts:
        confidence = max(confidence, conf)
        mentions.update(dict.fromkeys(ments))
        count += n
        sentences += sents
        article_ids.update(dict.fromkeys(arts))
        incident_ids += incs
    return ResolvedPlace(
        place=place,
        confidence=confidence,
        mentions=tuple(mentions),
        mention_count=count,
        sentences=tuple(sentences),
        article_ids=tuple(article_ids),
        incident_ids=tuple(incident_ids),
    )


def map_note(mapped: int, articles: int) -> str | None:
    """What a capped map says about itself, on the page and on stderr."""
    if mapped >= articles:
        return None
    return (
        f"the map shows the first {mapped} of {articles} articles (--map-articles); "
        f"{GEOJSON_NAME} and {CSV_NAME} hold all of them"
    )


class CombinedWriter:
    """The GeoJSON, the CSV and the map, fed one article at a time in input order.

    Used as a context manager around the whole run, so the articles can go in while others
    are still being parsed: ``add`` each article, then ``finish``. Leaving the block without
    ``finish`` (an error, Ctrl-C) removes the temporary files and writes nothing.
    """

    def __init__(self, out: Path, map_limit: int = MAP_LIMIT) -> None:
        self.out = out
        self.map_limit = map_limit
        self._stack = ExitStack()
        self._mapped: list[ParsedArticle] = []
        self._articles = 0
        self._incidents = 0

    def __enter__(self) -> CombinedWriter:
        from geomap.outputs.export import csv_writer

        with ExitStack() as stack:
            self._spool = PlaceSpool()
            stack.callback(self._spool.close)
            self._csv_file = stack.enter_context(atomic_writer(self.out / CSV_NAME, newline=""))
            # The part file holds each incident feature with its leading ",\n": places go first.
            self._part = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8", dir=self.out))
            self._rows = csv_writer(self._csv_file)
            self._rows.writeheader()
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc) -> bool | None:
        return self._stack.__exit__(*exc)

    def add(self, article: ParsedArticle) -> None:
        from geomap.outputs.export import feature_text, incident_rows

        self._articles += 1
        self._spool.add(article)
        self._rows.writerows(incident_rows([article]))
        for incident in article.incidents:
            self._part.write(feature_text(incident.__geo_interface__, first=False))
        self._incidents += len(article.incidents)
        if len(self._mapped) < self.map_limit:
            self._mapped.append(article)

    def finish(self) -> Totals:
        """Write the GeoJSON and the map, and put the CSV in place."""
        from geomap.outputs.export import feature_text, geojson_head, geojson_tail

        places = len(self._spool)
        with atomic_writer(self.out / GEOJSON_NAME) as geojson:
            geojson.write(geojson_head())
            for n, rp in enumerate(self._spool.merged()):
                geojson.write(feature_text(rp.__geo_interface__, first=n == 0))
            _copy_part(self._part, geojson, first=places == 0)
            geojson.write(geojson_tail(empty=places + self._incidents == 0))
        self._stack.close()  # the CSV is renamed into place, the part file and spool go
        _write_map(self.out, self._mapped, self._articles)
        return Totals(self._articles, places, self._incidents, len(self._mapped))


def _copy_part(part, target, first: bool) -> None:
    """The incident features after the places; the first feature of all has no comma before it."""
    part.seek(0)
    if first:
        part.read(1)  # the "," of ",\n"
    shutil.copyfileobj(part, target, 1 << 20)


def _write_map(out: Path, mapped: list[ParsedArticle], articles: int) -> None:
    from geomap.outputs.render import render_html

    title = f"{articles} articles"
    with atomic_writer(out / MAP_NAME) as f:
        f.write(render_html(mapped, title=title, note=map_note(len(mapped), articles)))
