"""Places told as an offset from a town: "about 50 nautical miles west of Hodeidah".

The sentences are written for these tests.
"""

from __future__ import annotations

import json

import pytest

from geomap.geodesy import haversine_km
from geomap.incidents.offsets import Offset, bearing_degrees, find_offsets
from geomap.store.store import Store

DATE = "2024-03-18"


def offsets(geoparser, text):
    parsed = geoparser.parse(text, id="t", date=DATE)
    return parsed, find_offsets(text, parsed.mentions, 0, len(text))


@pytest.mark.parametrize(
    ("word", "degrees"),
    [("N", 0.0), ("NNE", 22.5), ("northeast", 45.0), ("north-east", 45.0), ("east-southeast", 112.5),
     ("SSW", 202.5), ("west", 270.0), ("WNW", 292.5), ("north-northwest", 337.5)],
)  # fmt: skip
def test_the_sixteen_compass_points(word, degrees):
    assert bearing_degrees(word) == degrees


@pytest.mark.parametrize(
    ("text", "anchor", "km", "bearing"),
    [
        (
            "A tanker was hit about 70 nautical miles southeast of Mukalla on Monday.",
            "Mukalla",
            129.64,
            135.0,
        ),
        ("Shelling hit a village 40 km north of Kharkiv on Monday.", "Kharkiv", 40.0, 0.0),
        ("Rebels attacked an army camp 10 miles from Goma on Monday.", "Goma", 16.09, None),
        ("Drones struck a ship twenty-five kilometres west of Hodeidah.", "Hodeidah", 25.0, 270.0),
        ("A ship was attacked off the coast of Hodeidah on Monday.", "Hodeidah", None, None),
    ],
)
def test_offsets_are_read_with_their_units_and_bearings(geoparser, text, anchor, km, bearing):
    _, (found,) = offsets(geoparser, text)
    assert found.anchor == anchor and found.bearing == bearing
    assert found.km == (None if km is None else pytest.approx(km, abs=0.01))
    assert (
        text[found.start :].startswith(found.text) and text[found.anchor_start : found.anchor_end] == anchor
    )


def test_no_offset_where_the_words_tell_none(geoparser):
    for text in ("Troops sealed off Gaza City on Monday.", "The convoy drove 40 km to Kharkiv on Monday."):
        assert offsets(geoparser, text)[1] == []


def test_the_offset_point_lies_where_the_text_says_with_a_quarter_of_the_distance_as_uncertainty(geoparser):
    parsed = geoparser.parse("Russian shelling hit a village 40 km north of Kharkiv on Monday.", date=DATE)
    (inc,) = parsed.incidents
    kharkiv = next(m.place for m in parsed.mentions if m.text == "Kharkiv")
    assert inc.precision == "offset" and inc.location_name == "Kharkiv" and inc.uncertainty_km == 10.0
    assert haversine_km(kharkiv.lat, kharkiv.lon, inc.place.lat, inc.place.lon) == pytest.approx(
        40.0, abs=0.1
    )
    assert inc.place.lat > kharkiv.lat and inc.place.lon == pytest.approx(kharkiv.lon, abs=0.01)
    assert inc.place.geonameid is None  # the point is no gazetteer entry's
    feature = inc.__geo_interface__
    assert feature["properties"]["uncertainty_km"] == 10.0 and feature["properties"]["precision"] == "offset"
    assert feature["properties"]["offset"]["anchor"] == "Kharkiv"


def test_an_area_is_narrowed_to_the_offset_and_another_town_is_kept(geoparser):
    at_sea = geoparser.parse(
        "Houthi forces attacked a bulk carrier in the Red Sea on Monday, "
        "about 50 nautical miles west of Hodeidah.",
        date=DATE,
    )
    (ship,) = at_sea.incidents
    assert ship.precision == "offset" and ship.location_name == "Hodeidah"
    assert ship.place.lon == pytest.approx(42.09, abs=0.02)  # at sea, not at the port (42.95)
    in_town = geoparser.parse("An airstrike hit Zinjibar, 50 km east of Aden, on Monday.", date=DATE)
    assert [(i.location_name, i.precision) for i in in_town.incidents] == [("Zinjibar", "city")]


def test_an_unknown_village_keeps_its_name_and_is_placed_by_its_offset(geoparser):
    parsed = geoparser.parse(
        "Gunmen attacked the village of Doubale, 30 km south of Kaya, on Monday, killing five people.",
        date=DATE,
    )
    (inc,) = parsed.incidents
    kaya = next(m.place for m in parsed.mentions if m.text == "Kaya")
    assert inc.location_name == "Doubale" and inc.precision == "offset" and inc.uncertainty_km == 7.5
    assert haversine_km(kaya.lat, kaya.lon, inc.place.lat, inc.place.lon) == pytest.approx(30.0, abs=0.3)


def test_precision_and_offset_survive_the_json_and_reach_every_export(geoparser, tmp_path):
    from geomap.inputs.parsed import article_from_dict
    from geomap.outputs.export import dumps

    parsed = geoparser.parse(
        "A tanker was hit about 70 nautical miles southeast of Mukalla on Monday.", date=DATE
    )
    again = article_from_dict(json.loads(json.dumps(parsed.to_dict())))
    assert again.incidents[0].offset == parsed.incidents[0].offset
    assert again.incidents[0].uncertainty_km == parsed.incidents[0].uncertainty_km == 32.4
    assert '"geo_uncertainty_km"' in dumps([again], "csv") and '"32.4"' in dumps([again], "csv")
    assert "within 32.4 km" in dumps([again], "kml")


def test_area_incidents_have_the_area_extent_and_towns_a_couple_of_km(geoparser):
    parsed = geoparser.parse(
        "Houthi forces attacked a ship in the Gulf of Aden on Monday. An airstrike hit Taiz on Monday.",
        date=DATE,
    )
    radius = {i.location_name: i.uncertainty_km for i in parsed.incidents}
    assert radius["Taiz"] == 2.0
    assert 300 < radius["Gulf of Aden"] < 800  # half the gulf's box diagonal


GULF = "Houthi forces attacked a bulk carrier in the Gulf of Aden on Monday, the ship's manager said."
MUKALLA = (
    "A tanker was attacked about 70 nautical miles southeast of Mukalla on Monday, a security firm said."
)
CLAIM = "Houthi rebels said they attacked a cargo ship in the Gulf of Aden on Monday with missiles."


def test_three_reports_of_one_ship_attack_one_by_offset_are_one_incident(store_location, geoparser):
    reports = [geoparser.parse(t, id=f"r{n}", date=DATE) for n, t in enumerate((GULF, MUKALLA, CLAIM))]
    with Store(store_location) as store:
        store.add_many(reports)
        (one,) = [f["properties"] for f in store.features()]
        assert (
            one["source_count"] == 3 and one["precision"] == "offset"
        )  # the spot in the gulf, not its centre
        assert one["location_name"] == "Mukalla" and one["uncertainty_km"] == 32.4


def test_a_strike_on_a_port_and_an_attack_at_sea_the_same_day_stay_two(store_location, geoparser):
    port = geoparser.parse(
        "American jets struck Houthi radar sites near Hodeidah on Monday.", id="p", date=DATE
    )
    sea = geoparser.parse(
        "Houthi forces attacked a container ship in the Red Sea on Monday.", id="s", date=DATE
    )
    with Store(store_location) as store:
        store.add_many([port, sea])
        assert sorted(f["properties"]["location_name"] for f in store.features()) == ["Hodeidah", "Red Sea"]


def test_an_offset_object_from_elsewhere_is_read_or_ignored():
    good = Offset("40 km north of", 10, "Kharkiv", 25, 32, 40.0, 0.0)
    assert Offset.from_dict(good.to_dict()) == good
    assert Offset.from_dict({"text": "x"}) is None and Offset.from_dict("40 km") is None


def test_a_port_in_a_sea_is_no_offset_into_it(store_location, geoparser):
    # a port lies in its sea's box; two ships attacked the same day are two events until one is placed at sea
    near = geoparser.parse("Houthi forces attacked a tanker near Hodeidah on Monday.", id="n", date=DATE)
    sea = geoparser.parse("Houthi forces attacked a cargo ship in the Red Sea on Monday.", id="s", date=DATE)
    assert near.incidents[0].incident_type == sea.incidents[0].incident_type == "maritime_attack"
    with Store(store_location) as store:
        store.add_many([near, sea])
        assert sorted(f["properties"]["location_name"] for f in store.features()) == ["Hodeidah", "Red Sea"]
