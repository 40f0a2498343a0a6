"""Results of parsing an article: frozen values that speak ``__geo_interface__``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geomap.place import Place


def place_summary(place: Place | None) -> dict[str, Any] | None:
    """The place object of the parsed-article JSON contract."""
    if place is None:
        return None
    return {
        "id": place.id,
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "feature_type": place.feature_type,
        "country_code": place.country_code,
        "geonameid": place.geonameid,
        # An extension of the contract: lets a re-rendered map draw seas and regions as areas.
        "bbox": list(place.bbox) if place.bbox else None,
    }


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name as written in the text, with the place it was resolved to (if any)."""

    start: int
    end: int
    text: str
    label: str
    sentence: int
    place: Place | None
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "sentence": self.sentence,
            "place": place_summary(self.place),
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    """One place of an article with every mention of it."""

    place: Place
    confidence: float
    mentions: tuple[str, ...]
    mention_count: int
    sentences: tuple[str, ...]
    alternatives: tuple[Place, ...] = field(default=(), repr=False)
    article_ids: tuple[str, ...] = ()
    incident_ids: tuple[str, ...] = ()

    def properties(self) -> dict[str, Any]:
        """GeoJSON properties of a ``kind: "place"`` feature (DESIGN.md §3)."""
        p = self.place
        return {
            "kind": "place",
            "name": p.name,
            "mentions": list(self.mentions),
            "geonameid": p.geonameid,
            "place_id": p.id,
            "feature_type": p.feature_type,
            "country_code": p.country_code,
            "confidence": round(self.confidence, 3),
            "mention_count": self.mention_count,
            "sentences": list(self.sentences),
            "incident_ids": list(self.incident_ids),
            "article_ids": list(self.article_ids),
        }

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        from shapely.geometry import Point, mapping

        return {
            "type": "Feature",
            "geometry": mapping(Point(self.place.lon, self.place.lat)),
            "properties": self.properties(),
        }


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """Everything geomap found in one article."""

    id: str
    text: str
    title: str | None
    date: str | None
    url: str | None
    mentions: tuple[Mention, ...]
    places: tuple[ResolvedPlace, ...]
    incidents: tuple[Any, ...] = ()
    #: The encoding the input was read in (``utf-8``, ``windows-1252``, …); None for text given as text.
    encoding: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The parsed-article JSON of ``geomap parse --json``."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "url": self.url,
            "encoding": self.encoding,
            "mentions": [m.to_dict() for m in self.mentions],
            "places": [{**(place_summary(r.place) or {}), **r.properties()} for r in self.places],
            "incidents": [i.to_dict() for i in self.incidents],
        }

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {
            "type": "FeatureCollection",
            "features": [r.__geo_interface__ for r in self.places]
            + [i.__geo_interface__ for i in self.incidents],
        }
