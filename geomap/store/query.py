"""Which stored incidents to return: the filters of ``geomap incidents`` and of the web API.

``IncidentQuery.parse`` reads the filters as a user types them (strings) and says in one
line what is wrong; the query then becomes one SQL ``WHERE``. A bounding box goes through the
back end's spatial index (SQLite's R*Tree, PostGIS's GiST).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from geomap.errors import InputError
from geomap.store.backend import BboxSQL
from geomap.store.merge import Box, date_period, search_words, split_antimeridian

_COUNTRY = re.compile(r"[A-Za-z]{2}")
#: The longest text search taken, in characters.
MAX_SEARCH = 200


@dataclass(frozen=True, slots=True)
class IncidentQuery:
    """Filters over the store's incidents; every one given must hold.

    ``bbox`` is (west, south, east, north) in degrees; west > east crosses the antimeridian.
    ``since``/``until`` keep the incidents whose date's period (a day, or a whole month for
    ``2024-03``) overlaps them; undated incidents are then left out. ``types`` are incident
    types (any of them), ``country`` an ISO 3166-1 alpha-2 code. ``words`` are a text search's
    case-folded words, each of which must start a word of the incident's place names, sentence, actors,
    type or its sources' titles (``store_merge.search_text``). Located only when a bbox is given.
    Incidents an analyst dismissed are left out unless ``dismissed``; those merged into another
    incident always are (their sources are that one's now).
    """

    bbox: Box | None = None
    since: date | None = None
    until: date | None = None
    types: tuple[str, ...] = ()
    country: str | None = None
    words: tuple[str, ...] = ()
    limit: int | None = None
    dismissed: bool = False

    @classmethod
    def parse(
        cls,
        *,
        bbox: str | None = None,
        since: str | None = None,
        until: str | None = None,
        types: str | Iterable[str] | None = None,
        country: str | None = None,
        q: str | None = None,
        limit: int | str | None = None,
    ) -> IncidentQuery:
        """A query from user text; InputError with a one-line reason for anything malformed."""
        lo = _parse_date(since, "--since", first=True)
        hi = _parse_date(until, "--until", first=False)
        if lo is not None and hi is not None and lo > hi:
            raise InputError(f"--since {since} is after --until {until}")
        return cls(
            bbox=parse_bbox(bbox) if bbox is not None else None,
            since=lo,
            until=hi,
            types=_parse_types(types),
            country=_parse_country(country),
            words=_parse_words(q),
            limit=_parse_limit(limit),
        )

    def where(self, bbox_sql: Callable[[Sequence[Box]], BboxSQL]) -> tuple[str, str, list[Any]]:
        """``(from, where, params)``: the SQL of these filters over the incidents as ``i``.

        ``bbox_sql`` is the back end's spatial index (``Backend.bbox_sql``): a box goes
        through it, so only the incidents in the box are read.
        """
        source = "incidents i"
        clauses: list[str] = ["i.merged_into IS NULL"]
        if not self.dismissed:
            clauses.append("i.dismissed IS NULL")
        params: list[Any] = []
        if self.bbox is not None:
            source, spatial, params = bbox_sql(split_antimeridian(self.bbox))
            clauses.append(spatial)
        if self.since is not None:
            clauses.append("i.date_hi >= ?")
            params.append(self.since.isoformat())
        if self.until is not None:
            clauses.append("i.date_lo <= ?")
            params.append(self.until.isoformat())
        if self.types:
            clauses.append(f"i.incident_type IN ({', '.join('?' * len(self.types))})")
            params += list(self.types)
        if self.country is not None:
            clauses.append("i.country_code = ?")
            params.append(self.country)
        for word in self.words:  # letters and digits only (search_words): nothing for LIKE to read
            clauses.append("i.search LIKE ?")
            params.append(f"% {word}%")
        return source, " WHERE " + " AND ".join(clauses), params


def range_bbox_sql(boxes: Sequence[Box]) -> BboxSQL:
    """The incidents ``i`` inside any of ``boxes`` by plain ranges on their coordinates, without
    the spatial index: what a query over a large part of the store should use, through the
    ``incidents_cells`` index (a scan of the index beats one R*Tree look-up per incident)."""
    ranges = " OR ".join("(i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ?)" for _ in boxes)
    params: list[Any] = []
    for w, s, e, n in boxes:
        params += [w, e, s, n]
    return "incidents i", f"({ranges})", params


def parse_bbox(text: str) -> Box:
    """``W,S,E,N`` in degrees; InputError unless four numbers in range with S ≤ N."""
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4:
        raise InputError(f"--bbox {text!r} must be four numbers W,S,E,N (e.g. 30,45,40,52)")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"--bbox {text!r} must be four numbers W,S,E,N (e.g. 30,45,40,52)") from None
    if not all(-180.0 <= v <= 180.0 for v in (west, east)) or not all(
        -90.0 <= v <= 90.0 for v in (south, north)
    ):
        raise InputError(f"--bbox {text!r}: longitudes must be within ±180 and latitudes within ±90")
    if south > north:
        raise InputError(f"--bbox {text!r}: south ({south:g}) is north of north ({north:g})")
    return west, south, east, north


def _parse_date(text: str | None, flag: str, *, first: bool) -> date | None:
    """A day, month or year; ``--since`` takes its first day, ``--until`` its last."""
    if text is None:
        return None
    period = date_period(text.strip()) if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text.strip()) else None
    if period is None:
        raise InputError(f"{flag} {text!r} is not a date like 2024-03-12 (or 2024-03, 2024)")
    return period[0] if first else period[1]


def _parse_types(types: str | Iterable[str] | None) -> tuple[str, ...]:
    from geomap.incidents.incident import INCIDENT_TYPES

    if types is None:
        return ()
    items = [types] if isinstance(types, str) else list(types)
    names = [t.strip() for item in items for t in item.split(",") if t.strip()]
    for name in names:
        if name not in INCIDENT_TYPES:
            raise InputError(f"--type {name!r} is not an incident type (one of: {', '.join(INCIDENT_TYPES)})")
    return tuple(dict.fromkeys(names))


def _parse_country(text: str | None) -> str | None:
    if text is None:
        return None
    if not _COUNTRY.fullmatch(text.strip()):
        raise InputError(f"--country {text!r} is not a two-letter country code (ISO 3166-1, e.g. UA)")
    return text.strip().upper()


def _parse_words(text: str | None) -> tuple[str, ...]:
    """A text search's words, case-folded; every one must start a word of the incident's text."""
    if text is None:
        return ()
    if len(text) > MAX_SEARCH:
        raise InputError(f"--q (the text search) is {len(text)} characters long; at most {MAX_SEARCH}")
    words = search_words(text)
    if not words and text.strip():
        raise InputError(f"--q {text!r} has no word to look for")
    return tuple(dict.fromkeys(words))


def _parse_limit(limit: int | str | None) -> int | None:
    if limit is None:
        return None
    try:
        value = int(limit)
    except (TypeError, ValueError):
        raise InputError(f"limit {limit!r} is not a whole number") from None
    if value < 1:
        raise InputError(f"limit must be at least 1, not {value}")
    return value
