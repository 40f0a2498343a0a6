"""Read access to the compiled gazetteer: candidates for a name, nearest place, stats.

A :class:`Gazetteer` is opened once and shared; it holds one read-only
SQLite connection and a small cache of recent lookups. Opening builds the
index first when it is missing, stale or corrupt (``auto_build=True``).
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from gazetteer.name_filter import may_hold
from geomap.errors import GazetteerError
from geomap.geodesy import haversine_km
from geomap.name_keys import name_key
from geomap.place import Match, Place

DEFAULT_LIMIT = 25

_PLACE_COLUMNS = (
    "p.id, p.name, p.feature_type, p.lat, p.lon, p.country_code, p.country_codes, p.admin1, "
    "p.population, p.importance, p.geonameid, p.alternate_names, p.bbox, p.source"
)


def data_dir() -> Path:
    """Where built indexes live: ``$GEOMAP_DATA_DIR``, else the user cache dir (``~/.cache/geomap``)."""
    configured = os.environ.get("GEOMAP_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("geomap", appauthor=False))


def default_index_path() -> Path:
    """The index for the current sources: its name carries their fingerprint."""
    from gazetteer.build import fingerprint

    return data_dir() / f"gazetteer-{fingerprint()[:16]}.sqlite"


def _place(row: tuple) -> Place:
    (pid, name, ftype, lat, lon, cc, ccs, admin1, pop, imp, gid, alts, bbox, source) = row
    return Place(
        id=pid,
        name=name,
        feature_type=ftype,
        lat=lat,
        lon=lon,
        country_code=cc,
        country_codes=tuple(ccs.split(",")) if ccs else (),
        admin1=admin1,
        population=pop,
        importance=imp,
        geonameid=gid,
        alternate_names=tuple(alts.split("|")) if alts else (),
        bbox=tuple(json.loads(bbox)) if bbox else None,
        source=source,
    )


class Gazetteer:
    """The offline gazetteer index, opened once.

    >>> gaz = Gazetteer()                      # doctest: +SKIP
    >>> [p.country_code for p in gaz.candidates("Rafah")][:2]  # doctest: +SKIP
    ['PS', 'EG']
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        auto_build: bool = True,
        progress: bool | None = None,
        cache_size: int = 65536,
    ) -> None:
        self.path = Path(path) if path is not None else default_index_path()
        # name → (the limit it was fetched at, its matches)
        self._cache: OrderedDict[str, tuple[int, tuple[Match, ...]]] = OrderedDict()
        self._demonyms: dict[str, Place] | None = None  # demonym key → place, read at first use
        self._name_bits: bytes | None = None  # the index's name filter, read at first use
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._con = self._open(auto_build=auto_build, progress=progress)

    # -- opening -----------------------------------------------------------

    def _open(self, *, auto_build: bool, progress: bool | None) -> sqlite3.Connection:
        problem = self._problem()
        if problem is not None:
            if not auto_build:
                raise GazetteerError(
                    f"gazetteer index {self.path} is {problem}; rebuild it with `geomap gazetteer build`"
                )
            from gazetteer.build import build_index

            build_index(self.path, progress=progress)
            problem = self._problem()
            if problem is not None:
                raise GazetteerError(f"gazetteer index {self.path} is {problem} right after a build")
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        con.execute("PRAGMA query_only = 1")
        return con

    def _problem(self) -> str | None:
        return self.problem_with(self.path)

    @staticmethod
    def problem_with(path: Path) -> str | None:
        """Why the index at ``path`` can't be used as it is ("missing", "corrupt"…), or ``None``."""
        if not path.is_file():
            return "missing"
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                (page_size,) = con.execute("PRAGMA page_size").fetchone()
                (page_count,) = con.execute("PRAGMA page_count").fetchone()
                meta = dict(con.execute("SELECT key, value FROM meta"))
            finally:
                con.close()
        except sqlite3.DatabaseError:
            return "corrupt"
        if page_size * page_count != path.stat().st_size:
            return "corrupt (truncated)"
        from gazetteer.build import fingerprint

        if meta.get("fingerprint") != fingerprint():
            return "stale (built from other sources)"
        return None

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            with self._lock:
                return self._con.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise GazetteerError(
                f"gazetteer index {self.path} is unreadable ({exc}); rebuild it with `geomap gazetteer build`"
            ) from None

    # -- lookups -----------------------------------------------------------

    def search(self, name: str, limit: int = DEFAULT_LIMIT) -> list[Match]:
        """Scored candidates for ``name``, best first (empty when nothing matches)."""
        if not isinstance(name, str) or limit <= 0:
            return []
        # One entry per name, fetched at DEFAULT_LIMIT at least: the order is total, so a
        # smaller limit is a prefix of it ("is it a strong name?" asks for one, resolution for 25).
        cached = self._cache.get(name)
        if cached is not None:
            fetched, result = cached
            if limit <= fetched or len(result) < fetched:
                self._cache.move_to_end(name)
                return list(result[:limit])
        fetch = max(limit, DEFAULT_LIMIT)
        key = name_key(name)
        result = ()
        if key and self._may_name(key):
            rows = self._query(
                f"SELECT n.score, {_PLACE_COLUMNS} FROM names n JOIN places p ON p.rowid = n.place "
                "WHERE n.key = ? ORDER BY n.score DESC, p.importance DESC, p.rowid LIMIT ?",
                (key, fetch),
            )
            result = tuple(Match(_place(row[1:]), row[0], name) for row in rows)
        self._remember(self._cache, name, (fetch, result))
        return list(result[:limit])

    def _may_name(self, key: str) -> bool:
        """False when no place has the name ``key``, known without a query (see ``gazetteer.name_filter``)."""
        if self._name_bits is None:
            self._name_bits = self._query("SELECT bits FROM name_filter")[0][0]
        return may_hold(self._name_bits, key)

    def _remember(self, cache: OrderedDict[str, Any], key: str, value: Any) -> None:
        """Keep ``value`` as the most recent entry of ``cache``, dropping the oldest beyond the size."""
        cache[key] = value
        cache.move_to_end(key)
        if len(cache) > self._cache_size:
            cache.popitem(last=False)

    def candidates(self, name: str, limit: int = DEFAULT_LIMIT) -> list[Place]:
        """Places that ``name`` may denote, most likely first."""
        return [m.place for m in self.search(name, limit)]

    def get(self, place_id: str) -> Place | None:
        """The place with this id (a GeoNames id as a string, or a curated id)."""
        rows = self._query(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.id = ?", (str(place_id),))
        return _place(rows[0]) if rows else None

    def country(self, code: str) -> Place | None:
        """The country with ISO 3166-1 alpha-2 ``code``."""
        rows = self._query(
            f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.feature_type = 'country' AND p.country_code = ?",
            (code.upper(),),
        )
        return _place(rows[0]) if rows else None

    def demonym(self, word: str) -> Place | None:
        """The country or region a demonym points to ("Yemeni" → Yemen), or ``None``."""
        if self._demonyms is None:
            # A few hundred rows, read at the first question: mention finding asks about
            # thousands of capitalised words, nearly all of them no demonym.
            rows = self._query(
                f"SELECT d.key, {_PLACE_COLUMNS} FROM demonyms d JOIN places p ON p.rowid = d.place"
            )
            self._demonyms = {row[0]: _place(row[1:]) for row in rows}
        key = name_key(word)
        return self._demonyms.get(key) if key else None

    def nearest(self, lat: float, lon: float, *, within_km: float = 5.0) -> tuple[Place, float] | None:
        """The populated place that names a point, and its distance in km.

        That is the most populous place no more than ``within_km`` farther than
        the nearest one, so a point in central Paris gives Paris, not the
        arrondissement whose centre happens to be closest.
        """
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"coordinates out of range: {lat}, {lon}")
        for half in (0.25, 1.0, 4.0, 16.0, 90.0, 360.0):
            widen = half / max(math.cos(math.radians(lat)), 0.01)
            rows = self._query(
                f"SELECT {_PLACE_COLUMNS} FROM populated r JOIN places p ON p.rowid = r.id "
                "WHERE r.min_lat <= ? AND r.max_lat >= ? AND r.min_lon <= ? AND r.max_lon >= ?",
                (lat + half, lat - half, lon + widen, lon - widen),
            )
            if not rows:
                continue
            scored = [(haversine_km(lat, lon, r[3], r[4]), r) for r in rows]
            nearest = min(d for d, _ in scored)
            # Anything outside the box is at least `half` degrees of latitude away.
            if nearest + within_km <= half * 111.0 or half >= 90:
                close = [(d, r) for d, r in scored if d <= nearest + within_km]
                distance, best = max(close, key=lambda dr: (dr[1][8] or 0, -dr[0]))
                return _place(best), distance
        return None

    def feature_names(self) -> list[tuple[str, tuple[str, ...]]]:
        """(name, alternate names) of every place that is not a populated place, admin unit or civil airport.

        These are the names a phrase matcher should find even where NER misses them.
        """
        # Civil airports ("Boryspil International Airport") are named in title case, which the
        # model finds; only fields news writes in lower case ("the Shayrat air base") are matched.
        # Leaving the 4,600 civil airports out keeps the matcher to the names it needs.
        rows = self._query(
            "SELECT name, alternate_names FROM places WHERE feature_type NOT IN ('city', 'admin1', 'admin2')"
            " AND NOT (id LIKE 'ourairports:%' AND name LIKE '%Airport%')"
        )
        return [(name, tuple(alts.split("|")) if alts else ()) for name, alts in rows]

    def fingerprint(self) -> str:
        """The fingerprint of the sources the index was built from (what derived caches are keyed on)."""
        rows = self._query("SELECT value FROM meta WHERE key = 'fingerprint'")
        return str(rows[0][0]) if rows else ""

    def stats(self) -> dict[str, Any]:
        """Counts by feature type and by source, as recorded at build time."""
        meta = dict(self._query("SELECT key, value FROM meta"))
        return {
            "path": str(self.path),
            "size_bytes": self.path.stat().st_size,
            "places": sum(json.loads(meta["counts_by_feature_type"]).values()),
            "names": int(meta["names"]),
            "demonyms": int(meta["demonyms"]),
            "by_feature_type": json.loads(meta["counts_by_feature_type"]),
            "by_source": json.loads(meta["counts_by_source"]),
            "fingerprint": meta["fingerprint"],
        }
