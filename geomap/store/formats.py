"""``geomap incidents``: the store's merged incidents as GeoJSON, CSV or JSON Lines, streamed.

- ``geojson``: the RFC 7946 FeatureCollection of DESIGN.md §3, incidents only, each with
  ``sources`` (article ids), ``source_count``, ``fatalities_range`` and ``affected_range``.
- ``csv``: the columns of ``geomap export`` (the first report's article in ``article_*``),
  then ``sources`` (ids joined with "; "), ``source_count``, ``fatalities_min`` and
  ``fatalities_max``.
- ``jsonl``: one GeoJSON Feature per line, as GDAL's GeoJSONSeq driver reads it (line
  separators inside strings escaped, as in every JSON Lines file geomap writes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TextIO

from geomap.outputs.export import CSV_COLUMNS, _cell, csv_writer, incident_row, write_geojson
from geomap.outputs.files import json_line
from geomap.store.query import IncidentQuery
from geomap.store.store import Store, StoredIncident

FORMATS = ("geojson", "csv", "jsonl")
STORE_CSV_COLUMNS: tuple[str, ...] = (
    *CSV_COLUMNS,
    "sources",
    "source_count",
    "fatalities_min",
    "fatalities_max",
)


def format_for(output: str | None, fmt: str | None) -> str:
    """The format asked for, else the one the output's suffix names, else GeoJSON."""
    if fmt is not None:
        return fmt
    suffix = output.rsplit(".", 1)[-1].lower() if output and "." in output else ""
    return {"csv": "csv", "jsonl": "jsonl", "geojsonl": "jsonl", "geojsons": "jsonl"}.get(suffix, "geojson")


def write_incidents(f: TextIO, store: Store, query: IncidentQuery, fmt: str) -> int:
    """The selected incidents into ``f`` in ``fmt``; returns how many."""
    if fmt == "geojson":
        return write_geojson(f, store.features(query))
    if fmt == "jsonl":
        count = 0
        for feature in store.features(query):
            f.write(json_line(feature))
            count += 1
        return count
    if fmt == "csv":
        writer = csv_writer(f, STORE_CSV_COLUMNS)
        writer.writeheader()
        count = 0
        for row in csv_rows(store, store.incidents(query)):
            writer.writerow(row)
            count += 1
        return count
    raise ValueError(f"unknown incidents format {fmt!r}")


def csv_rows(store: Store, incidents: Iterable[StoredIncident]) -> Iterator[dict[str, object]]:
    """One row per merged incident; the article columns are those of its first report."""
    articles: dict[str, tuple[str | None, str | None]] = {}
    for stored in incidents:
        first = stored.sources[0] if stored.sources else stored.incident.article_id
        if first not in articles:
            meta = store.article_meta(first)
            articles[first] = meta if meta is not None else (None, None)
        title, url = articles[first]
        low_high = stored.fatalities_range
        yield {
            **incident_row(stored.incident, first, title, url),
            "sources": _cell("; ".join(stored.sources)),
            "source_count": len(stored.sources),
            "fatalities_min": "" if low_high is None else low_high[0],
            "fatalities_max": "" if low_high is None else low_high[1],
        }
