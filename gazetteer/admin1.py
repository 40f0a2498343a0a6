"""Admin-1 regions for the gazetteer: first-level divisions from countrystatecity-countries,
points from the curated ``admin1_points.tsv``, ranked against their same-named cities.
"""

from __future__ import annotations

import json
import math
import re
from importlib import resources
from pathlib import Path

from gazetteer.entry import Entry
from gazetteer.sources import (
    ADMIN1_BOOST,
    ADMIN1_PRIOR,
    CURATED_DIR,
    NAMESAKE_CITY_SHARE,
    SHORT_FORM_WEIGHT,
    CountryShape,
    CuratedTableError,
    _read_tsv,
    city_prior,
)
from geomap.normalize import normalize_name

_ADMIN_SUFFIX = re.compile(
    r"\s+(Governorate|Province|Region|State|Oblast|Krai|Prefecture|Department|District|"
    r"Municipality|County|Division|Emirate|Territory|Voivodeship|Canton|Republic)$",
    re.IGNORECASE,
)


# countrystatecity mixes second-level units into some countries' lists.
_ADMIN2_TYPES = frozenset(
    {
        "london borough",
        "unitary authority",
        "metropolitan district",
        "two-tier county",
        "council area",
        "local council",
        "village",
        "quarter",
        "district municipality",
        "rural municipality",
        "urban municipality",
    }
)


def admin1(shapes: dict[str, CountryShape]) -> tuple[list[Entry], int]:
    """First-level divisions; a point outside its country (a known data fault) is dropped.

    Returns the entries and the number dropped.
    """
    import shapely

    root = resources.files("countrystatecity_countries").joinpath("data", "by-country")
    entries: list[Entry] = []
    dropped = 0
    better = admin1_points()
    for country_dir in sorted(root.iterdir(), key=lambda p: p.name):
        states_file = country_dir.joinpath("states.json")
        if not states_file.is_file():
            continue
        iso = country_dir.name.lstrip("_")
        rows = json.loads(states_file.read_text(encoding="utf-8"))
        shape = shapes.get(iso)
        if shape is not None:
            shapely.prepare(shape.geometry)
        for row in rows:
            if not row.get("latitude") or not row.get("longitude"):
                dropped += 1
                continue
            lat, lon = float(row["latitude"]), float(row["longitude"])
            if shape is None or not _inside(shape.geometry, lon, lat):
                dropped += 1
                continue
            code = row.get("iso3166_2") or f"{iso}-{row.get('state_code') or row['id']}"
            lat, lon = better.get(code, (lat, lon))
            entry = Entry(
                id=code,
                name=row["name"],
                feature_type="admin2" if row.get("type") in _ADMIN2_TYPES else "admin1",
                lat=lat,
                lon=lon,
                prior=ADMIN1_PRIOR,
                source="countrystatecity-countries 2.0.1 (ODbL); point checked inside Natural Earth country",
                country_codes=(iso,),
                admin1=row.get("state_code") or None,
            )
            entry.add_name(row["name"], 1.0)
            short = _ADMIN_SUFFIX.sub("", row["name"])
            if short != row["name"]:
                entry.alternate_names.append(short)
                entry.add_name(short, SHORT_FORM_WEIGHT)
            entries.append(entry)
    return entries, dropped


def admin1_points(directory: Path | None = None) -> dict[str, tuple[float, float]]:
    """Curated points for admin-1 regions whose countrystatecity point is a city, by ISO 3166-2 id."""
    table = (directory or CURATED_DIR) / "admin1_points.tsv"
    points = {}
    if table.exists():
        for line, row in _read_tsv(table, ("admin1_id", "name", "lat", "lon", "source")):
            try:
                points[row["admin1_id"]] = (float(row["lat"]), float(row["lon"]))
            except ValueError:
                raise CuratedTableError(f"{table.name}:{line}: bad coordinates") from None
    return points


def _inside(geometry, lon: float, lat: float) -> bool:
    import shapely

    # A coastal point may sit just off the 10 m coastline: allow ~5 km.
    return bool(shapely.contains_xy(geometry, lon, lat)) or (
        geometry.distance(shapely.Point(lon, lat)) < 0.05
    )


def _match_admin1_codes(regions: list[Entry], towns: list[Entry]) -> dict[str | None, int] | None:
    """Which region (index) each GeoNames admin-1 code of a country's towns is, or ``None``.

    A town's GeoNames admin-1 code says which region holds it, far better than
    the nearest region point does (Montreal lies nearer New Brunswick's point
    than Quebec's). Where the codes are the regions' own (US postal codes) they
    match outright; else, where there are as many codes as regions, each code's
    towns go to the region point nearest their centre, nearest pairs first.
    Otherwise the two divisions differ and the caller keeps the nearest points.
    """
    points: dict[str | None, list[tuple[float, float]]] = {}
    for t in towns:
        points.setdefault(t.admin1, []).append((t.lat, t.lon))
    own: dict[str | None, int] = {r.admin1: i for i, r in enumerate(regions) if r.admin1}
    if set(points) <= set(own):
        return {code: own[code] for code in points}
    if len(points) != len(regions):
        return None
    pairs = []
    for code, pts in points.items():
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        for i, r in enumerate(regions):
            dlon = (lon - r.lon) * math.cos(math.radians((lat + r.lat) / 2))
            pairs.append((dlon * dlon + (lat - r.lat) ** 2, str(code), i, code))
    matched: dict[str | None, int] = {}
    taken: set[int] = set()
    for _, _, i, code in sorted(pairs, key=lambda p: p[:3]):
        if code not in matched and i not in taken:
            matched[code] = i
            taken.add(i)
    return matched


def rank_admin1(admin_entries: list[Entry], city_entries: list[Entry]) -> None:
    """Give admin-1 regions a population prior: the people of the towns nearest their point.

    countrystatecity has no populations, so each GeoNames town is counted for
    the nearest region point of its country (a rough Voronoi split) — enough
    to rank Florida (US) above Florida (Puerto Rico), and Ontario above the
    Californian town. A town holding a large share of its namesake region
    ("New York", "Aleppo") is then ranked above the region.
    """
    import numpy as np

    by_country: dict[str, list[Entry]] = {}
    for a in admin_entries:
        if a.feature_type == "admin1" and a.country_codes:
            by_country.setdefault(a.country_codes[0], []).append(a)
    towns: dict[str, list[Entry]] = {}
    for c in city_entries:
        if c.country_codes and c.country_codes[0] in by_country:
            towns.setdefault(c.country_codes[0], []).append(c)
    for iso, regions in by_country.items():
        people = np.zeros(len(regions))
        here = towns.get(iso, [])
        if here:
            rlat = np.radians([r.lat for r in regions])
            rlon = np.radians([r.lon for r in regions])
            tlat = np.radians([t.lat for t in here])[:, None]
            tlon = np.radians([t.lon for t in here])[:, None]
            # Equirectangular distance is plenty to pick the nearest point.
            d = ((tlon - rlon) * np.cos((tlat + rlat) / 2)) ** 2 + (tlat - rlat) ** 2
            nearest = d.argmin(axis=1)
            region_of = _match_admin1_codes(regions, here)
            if region_of is not None:
                nearest = np.array([region_of[t.admin1] for t in here])
            np.add.at(people, nearest, [t.population or 0 for t in here])
        by_name: dict[str, list[Entry]] = {}
        for t in here:
            by_name.setdefault(normalize_name(t.name), []).append(t)
        for region, count in zip(regions, people, strict=True):
            region.prior = min(0.85, city_prior(int(count)) + ADMIN1_BOOST)
            names = {normalize_name(n) for n in region.names}
            for town in (t for n in names for t in by_name.get(n, ())):
                if (town.population or 0) >= NAMESAKE_CITY_SHARE * count:
                    town.prior = max(town.prior, region.prior + 0.01)
