import json

import pytest
from shapely.geometry import Point, shape

from geomap.outputs import basemap
from geomap.outputs.basemap import cache_path, load_basemap
from geomap.place import Place


@pytest.fixture(scope="module")
def bm():
    return load_basemap()


def test_loaded_once_per_process(bm):
    assert load_basemap() is bm


@pytest.mark.parametrize(
    ("code", "lon", "lat"),
    [
        ("YE", 44.21, 15.35),
        ("FR", 2.35, 48.86),
        ("US", -104.99, 39.74),
        ("BH", 50.55, 26.05),
        ("MT", 14.51, 35.9),
    ],
)
def test_countries_hold_their_capitals(bm, code, lon, lat):
    assert shape(bm.country_shape(code)).contains(Point(lon, lat))


def test_land_layer_is_small_and_has_every_country(bm):
    land = json.loads(bm.land_json)
    assert len(land) == len(bm.countries) > 200
    assert len(bm.land_json.encode()) < 1_000_000  # what the basemap adds to every page


def test_seas_by_any_of_their_names(bm):
    red_sea = Place(id="geomap:red-sea", name="Red Sea", feature_type="sea", lat=20, lon=38.5)
    assert shape(bm.marine_shape(red_sea)).contains(Point(38.5, 20.0))
    aden = Place(
        id="x", name="Adengolf", feature_type="gulf", lat=12, lon=48, alternate_names=("Gulf of Aden",)
    )
    assert shape(bm.marine_shape(aden)).contains(Point(48.0, 12.5))
    ocean = Place(id="y", name="Indian Ocean", feature_type="ocean", lat=-10, lon=75)
    town = Place(id="z", name="Red Sea", feature_type="city", lat=0, lon=0)
    assert bm.marine_shape(ocean) is None and bm.marine_shape(town) is None


def test_cached_file_is_what_a_fresh_build_gives(bm, tmp_path, monkeypatch):
    """The cache is a function of the pinned sources: a build elsewhere gives the same file."""
    assert cache_path().exists()
    cached = json.loads(cache_path().read_text(encoding="utf-8"))
    monkeypatch.setenv("GEOMAP_DATA_DIR", str(tmp_path))
    load_basemap.cache_clear()
    try:
        fresh = load_basemap()
        assert (tmp_path / cache_path().name).exists()
        assert json.loads((tmp_path / cache_path().name).read_text(encoding="utf-8")) == cached
        assert fresh.land_json == bm.land_json
    finally:
        load_basemap.cache_clear()
    assert basemap.fingerprint() in cache_path().name


def test_labels_are_capitals_and_large_cities_most_important_first(bm):
    labels = json.loads(bm.labels_json)
    by_name = {name: (lat, lon, zoom) for name, lat, lon, zoom in labels}
    assert by_name["Kyiv"][2] == by_name["Sanaa"][2] == basemap.CAPITAL_ZOOM  # capitals from the start
    assert by_name["Aden"][2] == 5 and abs(by_name["Aden"][0] - 12.78) < 0.05  # a city of about a million
    assert "Zintan" not in by_name  # a town of 40,000 is the gazetteer's, not the basemap's
    zooms = [zoom for *_, zoom in labels]
    assert zooms == sorted(zooms) and zooms[0] == basemap.CAPITAL_ZOOM  # the order a page places them in
    assert 2000 < len(labels) < 5000 and len(bm.labels_json) < 150_000  # small enough for every map
    # names go into a data block of the page: nothing in them can end it
    assert "<" not in bm.labels_json and ">" not in bm.labels_json and "&" not in bm.labels_json
