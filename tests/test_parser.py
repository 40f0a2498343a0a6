from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLE = Path(__file__).parents[1] / "examples" / "red-sea-shipping.txt"


@pytest.fixture(scope="session")
def example(geoparser):
    return geoparser.parse(EXAMPLE.read_text(encoding="utf-8"), id="example")


def places_named(parsed, text):
    return [m.place for m in parsed.mentions if m.text == text and m.place is not None]


def test_example_places(example):
    assert {p.country_code for p in places_named(example, "Rafah")} == {"PS"}
    (cape,) = set(places_named(example, "Cape of Good Hope"))
    assert cape.feature_type == "cape" and cape.country_code == "ZA"
    assert places_named(example, "Red Sea")[0].feature_type == "sea"
    assert places_named(example, "Bab el-Mandeb")[0].feature_type == "strait"
    assert places_named(example, "Suez Canal")[0].feature_type == "canal"


def test_lookalikes_are_not_places(example):
    text = EXAMPLE.read_text(encoding="utf-8")
    pflp = text.index("Popular Front for the Liberation of Palestine")
    katz = text.index("Israel Katz")
    for m in example.mentions:
        assert not (pflp <= m.start < pflp + 45), m
        assert m.start != katz, m


def test_offsets_point_at_the_mention_text(example):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert example.mentions
    for m in example.mentions:
        assert text[m.start : m.end] == m.text


def test_geo_interface_is_a_feature_collection(example):
    geo = example.__geo_interface__
    assert geo["type"] == "FeatureCollection"
    kinds = {f["properties"]["kind"] for f in geo["features"]}
    assert kinds == {"place", "incident"}
    for feature in geo["features"]:
        if feature["geometry"] is None:  # an incident whose location the text does not give
            assert feature["properties"]["kind"] == "incident"
            assert feature["properties"]["precision"] == "unknown"
            continue
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_example_incidents(example):
    by_trigger = {(i.trigger, i.incident_type): i for i in example.incidents}
    rafah = [i for i in example.incidents if i.location_name == "Rafah"]
    assert rafah and rafah[0].fatalities == 12 and rafah[0].place.country_code == "PS"
    # the strike "in the Red Sea …, about 50 nautical miles west of Hodeidah" and "the attack near
    # the Bab el-Mandeb strait" are one event, at the offset point: 92.6 km west of the port, at sea
    (ship,) = [i for i in example.incidents if i.incident_type == "maritime_attack"]
    assert ship.location_name == "Hodeidah" and ship.precision == "offset" and ship.fatalities == 3
    assert (ship.place.lat, ship.place.lon) == pytest.approx((14.80, 42.09), abs=0.02)
    assert ship.uncertainty_km == pytest.approx(23.2, abs=0.1) and ship.place.geonameid is None
    # the headline ("Houthi strike hits cargo ship") tells the same strike: the body's report leads
    assert example.text[ship.trigger_start : ship.trigger_end] == "fired"
    assert ship.sentence.startswith("SANAA, Yemen") and (7, 13) in ship.triggers
    meeting = by_trigger[("met", "meeting_diplomacy")]
    assert meeting.place is None and meeting.__geo_interface__["geometry"] is None


def test_the_example_rerouting_is_at_the_cape_and_doubted(geoparser, example):
    """The ships' rerouting around the Cape is found and placed at the Cape; the judge, taught by
    analysts' lists that such plans are seldom coded, gives it 0.49 and drops it."""
    from geomap.inputs.article import Article

    text = EXAMPLE.read_text(encoding="utf-8")
    unjudged = geoparser.build(Article(text=text, id="example"), geoparser.process(text), judge=False)
    cape = [i for i in unjudged.incidents if i.location_name == "Cape of Good Hope"]
    assert cape and cape[0].place is not None and cape[0].place.feature_type == "cape"
    assert len(example.incidents) == len(unjudged.incidents) - 1
    assert "Cape of Good Hope" in {m.text for m in example.mentions if m.place is not None}


def test_text_without_places(geoparser):
    parsed = geoparser.parse("The committee met and agreed on nothing at all.")
    assert parsed.places == () and parsed.mentions == ()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_text_never_crashes_and_offsets_hold(geoparser, text):
    parsed = geoparser.parse(text)
    for m in parsed.mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        if m.place is not None:
            assert -90 <= m.place.lat <= 90 and -180 <= m.place.lon <= 180


def test_airports_and_fields_in_text(geoparser):
    """Sentences written for this test: an airport inside a longer name, a field's town, a base."""
    parsed = geoparser.parse("Flights were cancelled at a New Jersey airport on Monday.")
    assert [(m.text, m.place.id) for m in parsed.mentions] == [("New Jersey", "US-NJ")]  # not Jersey Airport
    parsed = geoparser.parse("Ukrainian drones attacked the Morozovsk airfield in Rostov region on Monday.")
    assert "Morozovsk" in {m.text for m in parsed.mentions if m.place is not None}  # "airfield" says so
    parsed = geoparser.parse("Drones struck the Shayrat air base in Homs province on Monday.")
    (strike,) = parsed.incidents
    assert strike.place.feature_type == "landmark" and strike.place.name == "Shayrat Air Base"
    assert strike.uncertainty_km == 1.0
