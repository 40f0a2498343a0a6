"""The incident: what geomap reports for one event of an article, and its closed vocabularies.

The extraction that builds incidents from a parsed article is in
:mod:`geomap.incidents.extraction`; this module holds only the value it produces, so that
the store, exports and maps can read incidents without loading the extraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geomap.incidents.offsets import Offset
from geomap.incidents.precision import extent_km
from geomap.model import place_summary
from geomap.place import Place

#: Closed vocabulary of incident types (DESIGN.md §3).
INCIDENT_TYPES: tuple[str, ...] = (
    "armed_attack", "airstrike_shelling", "maritime_attack", "ground_operation", "military_plan",
    "casualties", "displacement_humanitarian", "meeting_diplomacy", "statement_threat",
    "protest_unrest", "arrest_detention", "other",
)  # fmt: skip


#: Whether an incident happened or is only planned, threatened or possible (DESIGN.md §3).
MODALITIES: tuple[str, ...] = ("asserted", "planned", "threatened", "possible")

#: The character offsets an incident carries into the article text (the parsed-article JSON).
OFFSET_FIELDS = (
    "sentence_start", "sentence_end", "trigger_start", "trigger_end", "location_start", "location_end",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Incident:
    """One event of an article: its type, trigger word, place (or None), actors, counts and date."""

    id: str
    article_id: str
    incident_type: str
    sentence: str
    sentence_start: int
    sentence_end: int
    trigger: str
    trigger_start: int
    trigger_end: int
    location_name: str | None
    location_start: int | None
    location_end: int | None
    place: Place | None
    precision: str
    actors: tuple[str, ...]
    fatalities: int | None
    affected: int | None
    date: str | None
    confidence: float
    #: Offsets of every trigger word folded into this incident, the first being ``trigger_start/_end``;
    #: empty means that one trigger only (values built before the field existed).
    triggers: tuple[tuple[int, int], ...] = ()
    modality: str = "asserted"
    #: The people hurt; ``affected`` is the people held or displaced, else the hurt (its older meaning).
    wounded: int | None = None
    #: What ``affected`` counts: "wounded", "arrested", "abducted", "displaced" or "evacuated".
    affected_kind: str | None = None
    #: A toll told as a range ("between 20 and 25"): its low and high figures; ``fatalities`` is the low.
    fatalities_range: tuple[int, int] | None = None
    #: A running total ("the war has killed 40,000"): no single event's count.
    cumulative: bool = False
    #: Where the place is told as an offset from a town ("50 nm west of Hodeidah"): then ``place``
    #: is the offset point, ``precision`` is "offset" and the location words are the town's.
    offset: Offset | None = None
    #: Whether ``place`` is a known unit that the incident's unknown place lies in ("Doubale" in
    #: Kaya's district): then the point stands for anywhere in that unit.
    contained: bool = False

    @property
    def uncertainty_km(self) -> float | None:
        """The radius (km) within which the event lies around its point; None without a place."""
        if self.place is None:
            return None
        if self.offset is not None:
            return round(self.offset.uncertainty_km, 1)
        return extent_km(self.place, contained=self.contained)

    @property
    def trigger_spans(self) -> tuple[tuple[int, int], ...]:
        """Every trigger's offsets, never empty: what a scorer or a merge pairs events by."""
        return self.triggers or ((self.trigger_start, self.trigger_end),)

    def properties(self) -> dict[str, Any]:
        """GeoJSON properties of a ``kind: "incident"`` feature (DESIGN.md §3)."""
        p = self.place
        return {
            "kind": "incident",
            "id": self.id,
            "article_id": self.article_id,
            "incident_type": self.incident_type,
            "sentence": self.sentence,
            "trigger": self.trigger,
            "location_name": self.location_name,
            "geonameid": p.geonameid if p else None,
            "country_code": p.country_code if p else None,
            "precision": self.precision,
            "uncertainty_km": self.uncertainty_km,
            "offset": self.offset.to_dict() if self.offset else None,
            "actors": list(self.actors),
            "fatalities": self.fatalities,
            "affected": self.affected,
            "affected_kind": self.affected_kind,
            "wounded": self.wounded,
            "fatalities_range": list(self.fatalities_range) if self.fatalities_range else None,
            "cumulative": self.cumulative,
            "date": self.date,
            "confidence": round(self.confidence, 3),
            "modality": self.modality,
        }

    def to_dict(self) -> dict[str, Any]:
        """The incident object of the parsed-article JSON: properties plus offsets and place."""
        return {
            **self.properties(),
            **{name: getattr(self, name) for name in OFFSET_FIELDS},
            "triggers": [list(span) for span in self.trigger_spans],
            "contained": self.contained,
            "place": place_summary(self.place),
        }

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        geometry = None
        if self.place is not None:
            from shapely.geometry import Point, mapping

            geometry = mapping(Point(self.place.lon, self.place.lat))
        return {"type": "Feature", "geometry": geometry, "properties": self.properties()}
