import pytest
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geomap.resolution.geocoder import GazetteerGeocoder


@pytest.fixture(scope="module")
def geocoder(gazetteer):
    return GazetteerGeocoder(gazetteer)


def test_is_a_geopy_geocoder(geocoder):
    assert isinstance(geocoder, Geocoder)


def test_geocode_returns_a_location_with_the_place_as_raw(geocoder):
    location = geocoder.geocode("Rafah")
    assert isinstance(location, Location)
    assert location.raw["country_code"] == "PS"
    assert location.raw["feature_type"] == "city"
    assert (location.latitude, location.longitude) == (location.raw["lat"], location.raw["lon"])


def test_geocode_many_and_nothing(geocoder):
    many = geocoder.geocode("Rafah", exactly_one=False)
    assert {loc.raw["country_code"] for loc in many} >= {"PS", "EG"}
    assert geocoder.geocode("Xqzzyplotville") is None
    assert geocoder.geocode("") is None


def test_reverse_gives_the_nearest_populated_place(geocoder):
    location = geocoder.reverse((14.80, 42.95))
    assert location.raw["country_code"] == "YE"
    assert geocoder.reverse("48.8566, 2.3522").raw["name"] == "Paris"


def test_never_uses_the_network(geocoder):
    with pytest.raises(GeocoderServiceError, match="offline"):
        geocoder.adapter.get_json("https://example.org", timeout=1, headers={})
