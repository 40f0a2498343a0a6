"""The value objects of the gazetteer: immutable, and GeoJSON-speaking."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Closed vocabulary of feature types (DESIGN.md §2).
FEATURE_TYPES: tuple[str, ...] = (
    "city", "admin1", "admin2", "country", "continent", "region", "territory",
    "sea", "ocean", "gulf", "bay", "strait", "channel", "canal", "cape",
    "peninsula", "island", "archipelago", "river", "lake", "desert", "mountain",
    "range", "valley", "plain", "landmark",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry.

    ``id`` is the GeoNames id as a string where GeoNames has the place, else a
    stable id of its source (``geomap:red-sea``, ``US-GA``, ``ne:ionian-sea``).
    ``country_code`` is set only when the place lies in one country;
    ``country_codes`` lists every country it lies in or borders.
    """

    id: str
    name: str
    feature_type: str
    lat: float
    lon: float
    country_code: str | None = None
    country_codes: tuple[str, ...] = ()
    admin1: str | None = None
    population: int | None = None
    importance: float = 0.0
    geonameid: int | None = None
    alternate_names: tuple[str, ...] = field(default=(), repr=False)
    bbox: tuple[float, float, float, float] | None = None
    source: str = ""

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": (self.lon, self.lat)},
            "properties": self.to_dict(include_geometry=False),
        }

    def to_dict(self, *, include_geometry: bool = True) -> dict[str, Any]:
        """A JSON-ready dict of the place (the shape ``gazetteer lookup --json`` prints)."""
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "feature_type": self.feature_type,
            "country_code": self.country_code,
            "country_codes": list(self.country_codes),
            "admin1": self.admin1,
            "geonameid": self.geonameid,
            "population": self.population,
            "importance": round(self.importance, 4),
            "bbox": list(self.bbox) if self.bbox else None,
            "source": self.source,
        }
        if include_geometry:
            data = {"lat": self.lat, "lon": self.lon, **data}
        return data


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate for a looked-up name: the place, how well it fits, and why."""

    place: Place
    score: float
    matched_name: str
