"""An analyst's corrections to stored incidents: which fields may be set, how they are checked,
and how they are laid over the merge of the incident's reports.

An incident's corrections are kept twice: as its *overrides* (the value the analyst set for
each field, which ``apply_overrides`` lays over every later merge, so that a new report adds
its source but never undoes the analyst's work) and as a log of ``Correction`` rows (when, by
whom, the field, before, after, note), which ``geomap corrections`` exports.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from geomap.errors import FieldError
from geomap.incidents.incident import INCIDENT_TYPES, Incident
from geomap.place import FEATURE_TYPES, Place
from geomap.store.merge import date_period

#: What a correction may set (``PATCH /api/incidents/{id}``), besides a ``note``.
EDITABLE: tuple[str, ...] = ("incident_type", "fatalities", "wounded", "date", "modality", "location")
MODALITIES: tuple[str, ...] = ("asserted", "planned", "threatened", "possible")
#: What an analyst's point stands for when the correction does not say: a town's point.
DEFAULT_LOCATION_TYPE = "city"


@dataclass(frozen=True, slots=True)
class Correction:
    """One change an analyst made to an incident (``field`` is also ``merge``, ``dismissed`` or ``note``)."""

    incident: str
    at: str
    by: str
    field: str
    before: Any
    after: Any
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The changes as they are stored (JSON values); FieldError naming the first field that is wrong.

    ``location`` is null (the text gives no place) or an object with ``name``, ``lat`` and ``lon``,
    and optionally ``id``, ``feature_type``, ``country_code`` and ``geonameid``.
    """
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise FieldError(unknown[0], f"{unknown[0]!r} cannot be corrected (fields: {', '.join(EDITABLE)})")
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "incident_type":
            if value not in INCIDENT_TYPES:
                raise FieldError(name, f"incident_type must be one of {', '.join(INCIDENT_TYPES)}")
            out[name] = value
        elif name in ("fatalities", "wounded"):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise FieldError(name, f"{name} must be a whole number of at least 0, or null")
            out[name] = value
        elif name == "date":
            if value is not None and (not isinstance(value, str) or date_period(value) is None):
                raise FieldError(
                    name, "date must be a real day, month or year (2024-03-12, 2024-03, 2024), or null"
                )
            out[name] = value
        elif name == "modality":
            if value not in MODALITIES:
                raise FieldError(name, f"modality must be one of {', '.join(MODALITIES)}")
            out[name] = value
        else:
            out[name] = _check_location(value)
    return out


def _check_location(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise FieldError(
            "location", "location must be an object with name, lat and lon (or a gazetteer id), or null"
        )
    name = value.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise FieldError("location", "location.name must be a name of 1 to 200 characters")
    coords = {}
    for key, limit in (("lat", 90.0), ("lon", 180.0)):
        number = value.get(key)
        if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
            raise FieldError("location", f"location.{key} must be a number")
        if abs(number) > limit:
            raise FieldError("location", f"location.{key} must be within ±{limit:g}")
        coords[key] = float(number)
    feature_type = value.get("feature_type") or DEFAULT_LOCATION_TYPE
    if feature_type not in FEATURE_TYPES:
        raise FieldError("location", f"location.feature_type must be one of {', '.join(FEATURE_TYPES)}")
    country = value.get("country_code")
    if country is not None and not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
        raise FieldError("location", "location.country_code must be a two-letter code, or null")
    geonameid = value.get("geonameid")
    if geonameid is not None and (isinstance(geonameid, bool) or not isinstance(geonameid, int)):
        raise FieldError("location", "location.geonameid must be a whole number, or null")
    place_id = value.get("id")
    if place_id is not None and not isinstance(place_id, str | int):
        raise FieldError("location", "location.id must be a string")
    return {
        "id": str(place_id) if place_id is not None else f"analyst:{coords['lat']:.5f},{coords['lon']:.5f}",
        "name": " ".join(name.split()),
        "lat": coords["lat"],
        "lon": coords["lon"],
        "feature_type": feature_type,
        "country_code": country.upper() if country else None,
        "geonameid": geonameid,
    }


def location_of(inc: Incident) -> dict[str, Any] | None:
    """The incident's location in the form a correction gives one (its ``before``)."""
    if inc.place is None:
        return None
    p = inc.place
    return {
        "id": p.id,
        "name": inc.location_name or p.name,
        "lat": p.lat,
        "lon": p.lon,
        "feature_type": p.feature_type,
        "country_code": p.country_code,
        "geonameid": p.geonameid,
    }


def value_of(inc: Incident, name: str) -> Any:
    """The incident's current value of an editable field."""
    return location_of(inc) if name == "location" else getattr(inc, name)


def apply_overrides(inc: Incident, overrides: Mapping[str, Any]) -> Incident:
    """The merged incident with what the analyst set laid over it."""
    fields = {k: v for k, v in overrides.items() if k in EDITABLE and k != "location"}
    if "fatalities" in fields:
        fields["fatalities_range"] = None  # the analyst's figure, not the reports' spread
    inc = replace(inc, **fields)
    if "location" not in overrides:
        return inc
    loc = overrides["location"]
    if loc is None:
        return replace(
            inc, place=None, location_name=None, location_start=None, location_end=None, precision="unknown",
            offset=None, contained=False,
        )  # fmt: skip
    place = Place(
        id=loc["id"],
        name=loc["name"],
        feature_type=loc["feature_type"],
        lat=loc["lat"],
        lon=loc["lon"],
        country_code=loc.get("country_code"),
        geonameid=loc.get("geonameid"),
    )
    return replace(
        inc, place=place, location_name=loc["name"], location_start=None, location_end=None,
        precision=place.feature_type, offset=None, contained=False,
    )  # fmt: skip
