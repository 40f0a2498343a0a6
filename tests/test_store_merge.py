"""geomap.store.merge: combining reports, date periods, search boxes (pure functions)."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from store_helpers import KHARKIV, ODESA, report

from geomap.geodesy import haversine_km
from geomap.store.merge import (
    combined_confidence,
    date_period,
    family,
    joins,
    merge_reports,
    search_boxes,
    split_antimeridian,
)


def test_confidence_rises_with_independent_articles_only():
    one = report("a", place=KHARKIV, confidence=0.6)
    other = report("b", place=KHARKIV, confidence=0.5)
    assert combined_confidence([one]) == pytest.approx(0.6)
    assert combined_confidence([one, other]) == pytest.approx(1 - 0.4 * 0.5)
    # a second report from the same article adds nothing: it is not independent
    again = report("a", n=2, place=KHARKIV, confidence=0.5)
    assert combined_confidence([one, again]) == pytest.approx(0.6)


def test_merge_keeps_the_first_report_the_highest_count_and_the_range():
    first = report("a", place=KHARKIV, fatalities=7, incident_type="casualties")
    second = report("b", place=KHARKIV, fatalities=9, actors=("Russian forces",))
    merged = merge_reports([first, second])
    assert merged.incident.id == first.id and merged.incident.sentence == first.sentence
    assert merged.incident.fatalities == 9 and merged.fatalities_range == (7, 9)
    assert merged.incident.incident_type == "airstrike_shelling"  # the more specific type
    assert merged.incident.actors == ("Russian forces",)
    assert merged.sources == ("a", "b") and merged.affected_range is None
    with pytest.raises(ValueError):
        merge_reports([])


def test_joins_needs_every_report_and_another_article():
    monday = report("a", place=KHARKIV, date="2024-03-11")
    tuesday = report("b", place=KHARKIV, date="2024-03-12")
    wednesday = report("c", place=KHARKIV, date="2024-03-13")
    assert joins([monday], tuesday)
    assert not joins([monday, tuesday], wednesday)  # a day from Tuesday, two from Monday
    assert not joins([monday], report("a", n=2, place=KHARKIV, date="2024-03-11"))  # same article


def test_family_groups_the_violence_types():
    assert family("casualties") == family("airstrike_shelling") == "violence"
    assert family("protest_unrest") == "protest_unrest"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-12", (date(2024, 3, 12), date(2024, 3, 12))),
        ("2024-02", (date(2024, 2, 1), date(2024, 2, 29))),
        ("2023", (date(2023, 1, 1), date(2023, 12, 31))),
        ("2024-03-12T08:00:00Z", (date(2024, 3, 12), date(2024, 3, 12))),
        ("2024-13", None),
        ("last week", None),
        (None, None),
    ],
)
def test_date_period(value, expected):
    assert date_period(value) == expected


def test_split_antimeridian():
    assert split_antimeridian((170.0, -10.0, -170.0, 10.0)) == [
        (170.0, -10.0, 180.0, 10.0),
        (-180.0, -10.0, -170.0, 10.0),
    ]
    assert split_antimeridian((10.0, 0.0, 20.0, 5.0)) == [(10.0, 0.0, 20.0, 5.0)]


@given(
    lat=st.floats(-88, 88),
    lon=st.floats(-180, 180),
    bearing=st.floats(0, 2 * math.pi),
    km=st.floats(0, 10),
)
def test_search_boxes_hold_every_point_within_the_distance(lat, lon, bearing, km):
    # a point km away on a bearing (spherical destination formula)
    r = km / 6371.0088
    la1, lo1 = math.radians(lat), math.radians(lon)
    la2 = math.asin(math.sin(la1) * math.cos(r) + math.cos(la1) * math.sin(r) * math.cos(bearing))
    lo2 = lo1 + math.atan2(
        math.sin(bearing) * math.sin(r) * math.cos(la1), math.cos(r) - math.sin(la1) * math.sin(la2)
    )
    plat, plon = math.degrees(la2), (math.degrees(lo2) + 180) % 360 - 180
    assert haversine_km(lat, lon, plat, plon) == pytest.approx(km, abs=1e-6)
    boxes = search_boxes(lat, lon, 10.0)
    assert any(w <= plon <= e and s <= plat <= n for w, s, e, n in boxes)


def test_search_box_is_small():
    (west, south, east, north), *rest = search_boxes(ODESA.lat, ODESA.lon, 10.0)
    assert not rest and north - south < 0.2 and east - west < 0.3
