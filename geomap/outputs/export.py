"""Exports for GIS tools and spreadsheets.

- GeoJSON (RFC 7946): a FeatureCollection of places and incidents, [lon, lat], WGS 84.
- CSV: one row per incident, ACLED-like columns.
- KML 2.2 (fastkml), for Google Earth and GDAL.

Geometry always goes through shapely (the values' ``__geo_interface__``).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from fastkml import KML, Document, Folder, Placemark
from shapely.geometry import shape

from geomap import __version__
from geomap.incidents.precision import where_precision
from geomap.model import ParsedArticle, ResolvedPlace
from geomap.outputs.files import CSV_HEADER_START, GENERATOR


def merge_places(articles: Iterable[ParsedArticle]) -> list[ResolvedPlace]:
    """One feature per place across articles: mentions, sentences and article ids pooled."""
    merged: dict[str, ResolvedPlace] = {}
    for article in articles:
        for rp in article.places:
            prior = merged.get(rp.place.id)
            if prior is None:
                merged[rp.place.id] = rp
                continue
            merged[rp.place.id] = ResolvedPlace(
                place=rp.place,
                confidence=max(prior.confidence, rp.confidence),
                mentions=tuple(dict.fromkeys(prior.mentions + rp.mentions)),
                mention_count=prior.mention_count + rp.mention_count,
                sentences=prior.sentences + rp.sentences,
                alternatives=prior.alternatives,
                article_ids=tuple(dict.fromkeys(prior.article_ids + rp.article_ids)),
                incident_ids=prior.incident_ids + rp.incident_ids,
            )
    return list(merged.values())


def _features(articles: Iterable[ParsedArticle]) -> list[dict[str, Any]]:
    articles = list(articles)
    features = [rp.__geo_interface__ for rp in merge_places(articles)]
    for article in articles:
        features += [incident.__geo_interface__ for incident in article.incidents]
    return features


def to_geojson(articles: Iterable[ParsedArticle]) -> dict[str, Any]:
    """The GeoJSON FeatureCollection of DESIGN.md §3 for one or many articles."""
    # "generator" is a foreign member (RFC 7946 §6.1): GIS tools ignore it, geomap
    # uses it to know the file is its own and may be replaced on a rerun.
    generator = f"{GENERATOR} {__version__}"
    return {"type": "FeatureCollection", "generator": generator, "features": _features(articles)}


# The GeoJSON text is written piece by piece, so a batch can stream a collection of any size.
# The pieces give exactly ``json.dumps(to_geojson(...), ensure_ascii=False, indent=1) + "\n"``.


def geojson_head() -> str:
    """The collection up to the opening bracket of its features."""
    generator = json.dumps(f"{GENERATOR} {__version__}", ensure_ascii=False)
    return f'{{\n "type": "FeatureCollection",\n "generator": {generator},\n "features": ['


def geojson_tail(empty: bool) -> str:
    return "]\n}\n" if empty else "\n ]\n}\n"


def feature_text(feature: dict[str, Any], first: bool) -> str:
    """One feature, laid out two levels in as in the whole collection, after its separator."""
    text = json.dumps(feature, ensure_ascii=False, indent=1).replace("\n", "\n  ")
    return ("\n  " if first else ",\n  ") + text


def write_geojson(f: TextIO, features: Iterable[dict[str, Any]]) -> int:
    """The collection of ``features`` into ``f``, one feature at a time; returns how many."""
    f.write(geojson_head())
    count = 0
    for feature in features:
        f.write(feature_text(feature, first=count == 0))
        count += 1
    f.write(geojson_tail(empty=count == 0))
    return count


def dumps_geojson(articles: Iterable[ParsedArticle]) -> str:
    buf = io.StringIO()
    write_geojson(buf, _features(articles))
    return buf.getvalue()


# --------------------------------------------------------------------------- CSV

#: One row per incident, in the spirit of ACLED's layout. ``geo_precision`` is the feature
#: type of the place, "offset" or "unknown"; ``geo_uncertainty_km`` the radius within which the
#: event lies around the point; ``actors`` are joined with "; ".
CSV_COLUMNS: tuple[str, ...] = (
    "event_id", "event_date", "incident_type", "actors", "location", "country_code",
    "latitude", "longitude", "geo_precision", "geo_uncertainty_km", "fatalities", "affected", "confidence",
    "sentence", "trigger", "article_id", "article_title", "article_url", "modality",
)  # fmt: skip

#: Leading characters that make a spreadsheet read a cell as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A text cell that a spreadsheet shows as text: formula-like text gets a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def incident_row(inc: Any, article_id: str, title: str | None, url: str | None) -> dict[str, object]:
    """One CSV row: coordinates come from the incident's shapely geometry, blank when unknown."""
    feature = inc.__geo_interface__
    point = shape(feature["geometry"]) if feature["geometry"] else None
    return {
        "event_id": _cell(inc.id),
        "event_date": inc.date or "",
        "incident_type": inc.incident_type,
        "actors": _cell("; ".join(inc.actors)),
        "location": _cell(inc.location_name),
        "country_code": inc.place.country_code or "" if inc.place else "",
        "latitude": "" if point is None else repr(round(point.y, 6)),
        "longitude": "" if point is None else repr(round(point.x, 6)),
        "geo_precision": inc.precision,
        "geo_uncertainty_km": "" if inc.uncertainty_km is None else inc.uncertainty_km,
        "fatalities": "" if inc.fatalities is None else inc.fatalities,
        "affected": "" if inc.affected is None else inc.affected,
        "confidence": round(inc.confidence, 3),
        "sentence": _cell(" ".join(inc.sentence.split())),
        "trigger": _cell(inc.trigger),
        "article_id": _cell(article_id),
        "article_title": _cell(title),
        "article_url": _cell(url),
        "modality": inc.modality,
    }


def incident_rows(articles: Iterable[ParsedArticle]) -> Iterator[dict[str, object]]:
    """The CSV rows, one per incident of each article."""
    for article in articles:
        for inc in article.incidents:
            yield incident_row(inc, article.id, article.title, article.url)


def csv_writer(f: TextIO, columns: tuple[str, ...] = CSV_COLUMNS) -> csv.DictWriter:
    """The CSV dialect of geomap: every field quoted, CRLF rows as RFC 4180 has them."""
    return csv.DictWriter(f, fieldnames=columns, quoting=csv.QUOTE_ALL, lineterminator="\r\n")


def dumps_csv(articles: Iterable[ParsedArticle]) -> str:
    """UTF-8 CSV (no BOM), every field quoted, CRLF rows as RFC 4180 has them."""
    buf = io.StringIO()
    writer = csv_writer(buf)
    writer.writeheader()
    writer.writerows(incident_rows(articles))
    text = buf.getvalue()
    assert text.startswith(CSV_HEADER_START)  # how a rerun knows the file is geomap's
    return text


# --------------------------------------------------------------------------- KML


#: Characters XML 1.0 forbids (C0 controls but tab and newlines, surrogates, U+FFFE/FFFF):
#: article text may hold them, and an XML writer refuses the whole document for one of them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """``value`` as text that may go into XML: forbidden characters dropped."""
    return _NOT_XML.sub("", str(value))


def kml_description(rows: Iterable[tuple[str, object]]) -> str:
    """KML descriptions are shown as HTML by Google Earth: every value is escaped first."""
    return "<br>".join(
        f"<b>{html.escape(k)}</b>: {html.escape(xml_text(v))}" for k, v in rows if v not in (None, "", [])
    )


def _place_placemark(rp: ResolvedPlace) -> Placemark:
    p = rp.place
    rows = [
        ("feature type", p.feature_type),
        ("country", p.country_code),
        ("mentioned as", ", ".join(rp.mentions)),
        ("mentions", rp.mention_count),
        ("confidence", f"{rp.confidence:.2f}"),
        ("articles", ", ".join(rp.article_ids)),
    ]
    return Placemark(
        name=xml_text(p.name),
        description=kml_description(rows),
        geometry=shape(rp.__geo_interface__["geometry"]),
    )


def _incident_placemark(inc: Any, article: ParsedArticle) -> Placemark:
    rows = [
        ("type", inc.incident_type.replace("_", " ")),
        ("modality", inc.modality),
        ("date", inc.date),
        ("where", inc.location_name or "not given in the text"),
        ("precision", where_precision(inc)),
        ("actors", "; ".join(inc.actors)),
        ("fatalities", inc.fatalities),
        ("affected", inc.affected),
        ("confidence", f"{inc.confidence:.2f}"),
        ("sentence", inc.sentence),
        ("article", article.title or article.id),
        ("url", article.url),
    ]
    geometry = inc.__geo_interface__["geometry"]
    return Placemark(
        name=xml_text(f"{inc.incident_type.replace('_', ' ')}: {inc.location_name or 'location unknown'}"),
        description=kml_description(rows),
        geometry=shape(geometry) if geometry else None,
    )


def dumps_kml(articles: Iterable[ParsedArticle]) -> str:
    """KML 2.2 with a folder of places and a folder of located incidents.

    Incidents whose location is unknown have no geometry, so they go into a folder of their
    own: KML readers list them, and GIS tools see that folder as a layer without geometry.
    """
    articles = list(articles)
    located = [(i, a) for a in articles for i in a.incidents if i.place is not None]
    unlocated = [(i, a) for a in articles for i in a.incidents if i.place is None]
    folders = [
        Folder(name="Places", features=[_place_placemark(rp) for rp in merge_places(articles)]),
        Folder(name="Incidents", features=[_incident_placemark(i, a) for i, a in located]),
    ]
    if unlocated:
        folders.append(
            Folder(
                name="Incidents without location",
                features=[_incident_placemark(i, a) for i, a in unlocated],
            )
        )
    title = articles[0].title or articles[0].id if len(articles) == 1 else f"{len(articles)} articles"
    doc = KML(features=[Document(name=xml_text(f"geomap: {title}"), features=folders)])
    body = doc.to_string(prettyprint=True)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- generator: {GENERATOR} {__version__} -->\n{body}\n'


def dumps(articles: Iterable[ParsedArticle], fmt: str) -> str:
    """The export in ``fmt``: ``geojson``, ``csv`` or ``kml``."""
    writers = {"geojson": dumps_geojson, "csv": dumps_csv, "kml": dumps_kml}
    try:
        return writers[fmt](articles)
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}") from None
