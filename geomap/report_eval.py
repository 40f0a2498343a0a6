"""Incidents scored on coder-style event reports: one short report, one coded event.

Conflict coders (ACLED, UCDP) write each event they code as a short note: "On 5 March 2024,
JNIM militants attacked a post in Doubale (Kaya, Sanmatenga), killing 4 soldiers." Such a note
reports exactly one event, so it asks of geomap what a long story cannot isolate: does the
note give an incident at all, of the coded type, with the coded toll, at the coded place and
date, and *one* incident rather than one per sentence. ``labels/reports/reports.jsonl`` holds
notes written here in that style with their coding (see its README); this module scores a
parse of each against it:

- ``recall``: reports given at least one incident (a running total is no incident);
- ``type_acc``: reports given an incident of the coded type;
- ``toll_exact``: lethal reports (coded toll of one or more) whose incidents give that toll —
  the highest figure among them, as a coder reads one event's reports;
- ``per_event``: incidents per report found (the ideal is 1.0);
- ``place_acc``: reports found whose first incident names the coded place (null when the coder
  coded none);
- ``date_acc``: reports found whose first incident has the coded date;
- ``within25`` / ``within161``: of the reports with a coded point (``pointed``), those whose first
  incident's point lies within 25 / 161 km of it; ``median_km`` over those with a point.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geomap.errors import InputError
from geomap.evaluate import part_of
from geomap.geodesy import haversine_km
from geomap.incident_eval import share
from geomap.model import ParsedArticle


def reports_path() -> Path:
    """The reports file of the repository checkout."""
    return Path(__file__).resolve().parents[1] / "labels" / "reports" / "reports.jsonl"


@dataclass(frozen=True, slots=True)
class Report:
    """One coder-style note and the event a coder codes from it."""

    id: str
    text: str
    date: str | None
    type: str
    killed: int | None
    location: str | None
    lat: float | None = None  # the coded place's point, where the writer knew it (the second batch)
    lon: float | None = None


def load_reports(part: str = "all", path: Path | None = None) -> list[Report]:
    """The reports of ``part`` (``tune``, ``check`` or ``all``), split by the hash of their id."""
    path = path or reports_path()
    if not path.is_file():
        raise InputError(f"no event reports at {path}")
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            if part != "all" and part_of(r["id"]) != part:
                continue
            fields = (r["id"], r["text"], r.get("date"), r["type"], r.get("killed"), r.get("location"))
            out.append(Report(*fields, lat=r.get("lat"), lon=r.get("lon")))
    return out


def _names(value: str | None) -> str:
    return " ".join((value or "").casefold().split())


def score_report(report: Report, parsed: ParsedArticle) -> dict[str, Any]:
    """The outcome of one parsed report, for :func:`summarise_reports`."""
    incidents = [inc for inc in parsed.incidents if not inc.cumulative]
    tolls = [inc.fatalities for inc in incidents if inc.fatalities is not None]
    first = incidents[0] if incidents else None
    place = None
    if first is not None:
        if first.location_start is not None and first.location_end is not None:
            place = report.text[first.location_start : first.location_end]
        else:
            place = first.location_name
    error_km = None
    if report.lat is not None and report.lon is not None and first is not None and first.place is not None:
        error_km = round(haversine_km(report.lat, report.lon, first.place.lat, first.place.lon), 1)
    return {
        "id": report.id,
        "type": report.type,
        "killed": report.killed,
        "location": report.location,
        "incidents": len(incidents),
        "types": [inc.incident_type for inc in incidents],
        "tolls": tolls,
        "place": place,
        "dates": [inc.date for inc in incidents],
        "found": bool(incidents),
        "type_right": any(inc.incident_type == report.type for inc in incidents),
        "toll_exact": bool(tolls) and max(tolls) == report.killed,
        "place_right": first is not None and _names(place) == _names(report.location),
        "date_right": first is not None and report.date is not None and first.date == report.date,
        "coded_point": report.lat is not None and report.lon is not None,
        "error_km": error_km,  # None: no coded point, or no incident point (a miss at any distance)
    }


def summarise_reports(scored: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures over many reports' outcomes."""
    found = [r for r in scored if r["found"]]
    lethal = [r for r in scored if (r["killed"] or 0) >= 1]
    dated = [r for r in found if r["date_right"] is not None]
    return {
        "reports": len(scored),
        "incidents": sum(r["incidents"] for r in scored),
        "recall": share(len(found), len(scored)),
        "type_acc": share(sum(r["type_right"] for r in scored), len(scored)),
        "lethal": len(lethal),
        "toll_exact": share(sum(r["toll_exact"] for r in lethal), len(lethal)),
        "per_event": share(sum(r["incidents"] for r in found), len(found)),
        "place_acc": share(sum(r["place_right"] for r in found), len(found)),
        "date_acc": share(sum(r["date_right"] for r in dated), len(dated)),
        **_distances([r for r in scored if r["coded_point"]]),
    }


def _distances(pointed: list[dict[str, Any]]) -> dict[str, Any]:
    """How far the first incident's point lies from the coded one, over the reports with a coded
    point: an incident without a point, or no incident, is a miss at every distance."""
    errors = sorted(r["error_km"] for r in pointed if r["error_km"] is not None)
    return {
        "pointed": len(pointed),
        "within25": share(sum(e <= 25 for e in errors), len(pointed)),
        "within161": share(sum(e <= 161 for e in errors), len(pointed)),
        "median_km": round(statistics.median(errors), 1) if errors else None,
    }


def evaluate_reports(
    parse: Callable[[Report], ParsedArticle],
    part: str = "all",
    progress: Callable[[str], None] = lambda _: None,
    path: Path | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The summary and the per-report outcomes of ``parse`` on the reports of ``part``."""
    reports = load_reports(part, path)
    progress(f"event reports, {part}: {len(reports)} reports")
    scored = [score_report(r, parse(r)) for r in reports]
    return summarise_reports(scored), scored
