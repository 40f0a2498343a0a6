"""Whether one place lies in another, as far as the gazetteer's points, codes and boxes tell."""

from __future__ import annotations

from geomap.geodesy import haversine_km
from geomap.place import Match, Place

ADMIN1_RADIUS_KM = 250.0
COUNTY_RADIUS_KM = 80.0
NAMESAKE_TOWN_KM = 100.0
CITY_RADIUS_KM = 40.0  # how far a city's districts, airports and suburbs reach


def in_admin1(candidate: Place, region: Place) -> bool:
    """Whether a place lies in an admin-1 region, as far as the gazetteer can tell.

    GeoNames and countrystatecity share admin-1 codes for the US (state postal
    codes); elsewhere the codes differ, and nearness to the region's point stands in.
    """
    if candidate.country_code != region.country_code:
        return False
    if region.country_code == "US":
        return candidate.admin1 == region.admin1
    return haversine_km(candidate.lat, candidate.lon, region.lat, region.lon) < ADMIN1_RADIUS_KM


def inside(candidate: Place, container: Place) -> bool:
    if container.feature_type == "city":
        return haversine_km(candidate.lat, candidate.lon, container.lat, container.lon) < CITY_RADIUS_KM
    if container.feature_type == "admin1":
        return in_admin1(candidate, container)
    if container.feature_type == "admin2" and container.admin1:
        # A county has no outline here: same state, and no farther than a large county reaches.
        return candidate.admin1 == container.admin1 and (
            haversine_km(candidate.lat, candidate.lon, container.lat, container.lon) < COUNTY_RADIUS_KM
        )
    if container.country_code and candidate.country_code and candidate.country_code != container.country_code:
        return False  # a bounding box is too coarse to tell Egypt's Rafah from Gaza's
    if container.bbox is not None and container.feature_type not in ("country", "admin2"):
        west, south, east, north = container.bbox
        return south <= candidate.lat <= north and west <= candidate.lon <= east
    return bool(set(candidate.country_codes) & set(container.country_codes))


def region_of(place: Place) -> tuple[str, str] | None:
    """(country, admin-1 code) of a town or a state, where both are known.

    Only GeoNames towns and US states share admin-1 codes; elsewhere an admin-1
    region's code is its own and no town's, so it stands for its country alone.
    """
    if not place.country_code or not place.admin1:
        return None
    if place.feature_type == "admin1" and place.country_code != "US":
        return None
    return place.country_code, place.admin1


def has_namesake_town(region: Place, options: list[Match]) -> bool:
    """Whether a town of the region's name lies in it: "northern Baghdad" is the city's north."""
    return any(
        m.place.feature_type == "city"
        and haversine_km(m.place.lat, m.place.lon, region.lat, region.lon) < NAMESAKE_TOWN_KM
        for m in options
    )
