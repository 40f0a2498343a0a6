"""geopy front end of the gazetteer, so anything that speaks geopy can use it offline."""

from __future__ import annotations

from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geomap.place import Place
from geomap.resolution.gazetteer import Gazetteer

__all__ = ["GazetteerGeocoder"]


class _OfflineAdapter(BaseSyncAdapter):
    """An adapter that refuses HTTP: this geocoder never touches the network."""

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        raise GeocoderServiceError(f"GazetteerGeocoder is offline; refused to fetch {url}")

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        raise GeocoderServiceError(f"GazetteerGeocoder is offline; refused to fetch {url}")


def _location(place: Place) -> Location:
    label = place.name
    if place.country_code and place.feature_type != "country":
        label = f"{place.name}, {place.country_code}"
    raw = place.to_dict()
    return Location(label, Point(place.lat, place.lon), raw)


class GazetteerGeocoder(Geocoder):
    """Geocoder over geomap's bundled gazetteer: ``geocode`` and ``reverse``, no network.

    ``Location.raw`` is the place as a dict (``Place.to_dict()``).
    """

    def __init__(self, gazetteer: Gazetteer | None = None, **gazetteer_options: Any) -> None:
        super().__init__(adapter_factory=_OfflineAdapter, user_agent="geomap")
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer(**gazetteer_options)

    def geocode(
        self, query: str, *, exactly_one: bool = True, limit: int | None = None, **_: Any
    ) -> Location | list[Location] | None:
        """Best place (or places, best first) for a name; ``None`` when nothing matches."""
        places = self.gazetteer.candidates(query, limit=1 if exactly_one else (limit or 25))
        if not places:
            return None
        if exactly_one:
            return _location(places[0])
        return [_location(p) for p in places]

    def reverse(self, query: Any, *, exactly_one: bool = True, **_: Any) -> Location | list[Location] | None:
        """The populated place nearest to a point (anything geopy's ``Point`` accepts)."""
        point = Point(query)
        found = self.gazetteer.nearest(point.latitude, point.longitude)
        if found is None:
            return None
        location = _location(found[0])
        return location if exactly_one else [location]
