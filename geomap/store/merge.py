"""How the store combines reports of one event from different articles (pure functions).

Whether a new report joins a stored incident is decided by
:func:`geomap.incidents.merge.same_event`, the comparison the parser uses within an article,
applied to the new report and **every** report the stored incident already has (complete
linkage). Matching any one report would chain: a strike on Monday, another on Tuesday in the
same city and a third on Wednesday would become one incident a week long. A report never joins
an incident its own article already reports: the parse of one article already folded what that
article tells twice, so two incidents it keeps apart are two events.

The merged incident is :func:`geomap.incidents.merge.merge_incidents` folded over the reports in
the order they were added: the first report's id, sentence and place, the more specific type,
the highest stated counts (with the range across reports), the finer date. Its confidence is
``1 − Π(1 − p_a)`` over the distinct articles ``a`` reporting it, ``p_a`` being that article's
confidence that the location is right: the chance that at least one independent report placed
it right. Two articles count as independent reports: a word-for-word copy is never stored
twice (same content hash), but an edited copy of one wire story is not recognised as such.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import reduce
from typing import TYPE_CHECKING, Any

from geomap.geodesy import EARTH_KM
from geomap.incidents.lexicon import VIOLENCE_TYPES
from geomap.incidents.merge import DEFAULT_MAX_DAYS, DEFAULT_MAX_KM, merge_incidents, same_event

if TYPE_CHECKING:
    from geomap.incidents.incident import Incident

#: Degrees of latitude per km.
_DEG_PER_KM = 180.0 / (math.pi * EARTH_KM)


@dataclass(frozen=True, slots=True)
class Merged:
    """One event as the store keeps it: the merged incident and what its reports said."""

    incident: Incident
    sources: tuple[str, ...]
    fatalities_range: tuple[int, int] | None
    affected_range: tuple[int, int] | None


def family(incident_type: str) -> str:
    """The group of types that may report one event: the violence types share one."""
    return "violence" if incident_type in VIOLENCE_TYPES else incident_type


def combined_confidence(reports: Sequence[Incident]) -> float:
    """``1 − Π(1 − p)`` over distinct articles, each counted once with its highest confidence."""
    best: dict[str, float] = {}
    for r in reports:
        best[r.article_id] = max(best.get(r.article_id, 0.0), min(max(r.confidence, 0.0), 1.0))
    return 1.0 - math.prod(1.0 - p for p in best.values())


def _range(values: Sequence[int | None]) -> tuple[int, int] | None:
    stated = [v for v in values if v is not None]
    return (min(stated), max(stated)) if stated else None


def merge_reports(reports: Sequence[Incident]) -> Merged:
    """The merged incident of ``reports`` (oldest first; at least one)."""
    if not reports:
        raise ValueError("an incident needs at least one report")
    merged = reduce(merge_incidents, reports[1:], reports[0])
    merged = replace(merged, confidence=combined_confidence(reports))
    return Merged(
        incident=merged,
        sources=tuple(dict.fromkeys(r.article_id for r in reports)),
        fatalities_range=_range([r.fatalities for r in reports]),
        affected_range=_range([r.affected for r in reports]),
    )


def joins(reports: Sequence[Incident], new: Incident, *, max_km: float = DEFAULT_MAX_KM) -> bool:
    """Whether ``new`` reports the event that ``reports`` (a stored incident's) report."""
    return all(r.article_id != new.article_id for r in reports) and all(
        same_event(r, new, max_km=max_km) for r in reports
    )


def date_period(value: str | None) -> tuple[date, date] | None:
    """The first and last day that an ISO date, month (``2024-03``) or year means; None if neither."""
    if not value:
        return None
    parts = value[:10].split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) == 3:
            day = date(*numbers)
            return day, day
        if len(numbers) == 2:
            year, month = numbers
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if len(numbers) == 1 and len(parts[0]) == 4:
            return date(numbers[0], 1, 1), date(numbers[0], 12, 31)
    except (ValueError, TypeError):
        return None
    return None


def widen(period: tuple[date, date], days: int = DEFAULT_MAX_DAYS) -> tuple[date, date]:
    """The period with ``days`` added on each side (clamped to the calendar)."""
    lo, hi = period
    try:
        lo -= timedelta(days=days)
    except OverflowError:
        lo = date.min
    try:
        hi += timedelta(days=days)
    except OverflowError:
        hi = date.max
    return lo, hi


Box = tuple[float, float, float, float]  # west, south, east, north


def search_boxes(lat: float, lon: float, km: float) -> list[Box]:
    """Boxes (W, S, E, N) that hold every point within ``km`` of (lat, lon); two across the antimeridian.

    A little larger than needed: the R*Tree stores 32-bit floats, and the exact distance is
    ``same_event``'s to decide.
    """
    dlat = km * _DEG_PER_KM * 1.01 + 1e-4
    south, north = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    widest = max(abs(south), abs(north))
    if widest >= 89.0:
        return [(-180.0, south, 180.0, north)]
    dlon = min(dlat / math.cos(math.radians(widest)), 180.0)
    return split_antimeridian((lon - dlon, south, lon + dlon, north))


def split_antimeridian(box: Box) -> list[Box]:
    """A box whose west edge is east of its east edge, or that runs past ±180, as boxes in [-180, 180]."""
    west, south, east, north = box
    if east - west >= 360.0:
        return [(-180.0, south, 180.0, north)]
    west = (west + 180.0) % 360.0 - 180.0
    east = (east + 180.0) % 360.0 - 180.0
    if west <= east:
        return [(west, south, east, north)]
    return [(west, south, 180.0, north), (-180.0, south, east, north)]


#: Keys of an incident's parsed-article JSON object that are not GeoJSON properties.
NOT_PROPERTIES = frozenset(
    {"sentence_start", "sentence_end", "trigger_start", "trigger_end", "location_start", "location_end"}
    | {"triggers", "place", "contained"}
)


def merged_feature(
    incident: dict[str, Any],
    sources: list[str],
    point: tuple[float, float] | None,
    fatalities_range: tuple[int, int] | None,
    affected_range: tuple[int, int] | None,
    *,
    reviewed: bool = False,
    dismissed: str | None = None,
) -> dict[str, Any]:
    """A merged incident's GeoJSON feature: the contract's properties, its sources and count ranges,
    and whether an analyst reviewed or dismissed it."""
    props = {k: v for k, v in incident.items() if k not in NOT_PROPERTIES}
    props["sources"] = sources
    props["source_count"] = len(sources)
    props["fatalities_range"] = list(fatalities_range) if fatalities_range is not None else None
    props["affected_range"] = list(affected_range) if affected_range is not None else None
    props["reviewed"] = reviewed
    props["dismissed"] = dismissed
    geometry = {"type": "Point", "coordinates": list(point)} if point is not None else None
    return {"type": "Feature", "geometry": geometry, "properties": props}


def search_text(incident: dict[str, Any], titles: Sequence[str | None]) -> str:
    """What a text search (``--q``, ``?q=``) looks through: the words of the incident's place names,
    sentence, actors and type, and of its sources' titles, case-folded and between spaces, so that
    a search word matches the start of a word whatever its case or punctuation."""
    place = incident.get("place") or {}
    parts = [
        incident.get("location_name"),
        place.get("name"),
        incident.get("incident_type"),
        incident.get("sentence"),
        " ".join(a for a in incident.get("actors") or () if isinstance(a, str)),
        *titles,
    ]
    return " " + " ".join(search_words(" ".join(p for p in parts if isinstance(p, str)))) + " "


def search_words(text: str) -> list[str]:
    """The case-folded words of ``text``, split at anything that is not a letter or digit."""
    return [w for w in re.split(r"[\W_]+", text.casefold()) if w]
