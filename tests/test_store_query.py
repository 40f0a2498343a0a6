"""geomap.store.query: the filters as users type them, and what is wrong with bad ones."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.errors import InputError
from geomap.store.postgis import gist_bbox_sql
from geomap.store.query import IncidentQuery, parse_bbox
from geomap.store.sqlite import rtree_bbox_sql


def test_good_filters():
    q = IncidentQuery.parse(
        bbox=" 30, 45 ,40,52", since="2024-03", until="2024", types=["casualties,armed_attack"], country="ua"
    )
    assert q.bbox == (30.0, 45.0, 40.0, 52.0)
    assert q.since == date(2024, 3, 1) and q.until == date(2024, 12, 31)
    assert q.types == ("casualties", "armed_attack") and q.country == "UA"
    assert IncidentQuery.parse() == IncidentQuery()
    assert IncidentQuery.parse(q=' Kharkiv,  "Saltivka" kharkiv ').words == ("kharkiv", "saltivka")
    assert IncidentQuery.parse(q="al-Shifa 100%").words == ("al", "shifa", "100")
    assert IncidentQuery.parse(q="").words == ()
    assert parse_bbox("170,-10,-170,10") == (170.0, -10.0, -170.0, 10.0)  # across the antimeridian


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"bbox": "1,2,3"}, "four numbers"),
        ({"bbox": "a,b,c,d"}, "four numbers"),
        ({"bbox": "0,0,200,10"}, "within ±180"),
        ({"bbox": "0,10,10,0"}, "south (10) is north of north (0)"),
        ({"since": "2024-02-30"}, "--since '2024-02-30' is not a date"),
        ({"until": "yesterday"}, "--until 'yesterday' is not a date"),
        ({"since": "2024-03-02", "until": "2024-03-01"}, "is after --until"),
        ({"types": "strike"}, "--type 'strike' is not an incident type"),
        ({"country": "Ukraine"}, "two-letter country code"),
        ({"limit": 0}, "at least 1"),
        ({"q": "x" * 201}, "at most 200"),
        ({"q": '" , _ "'}, "has no word"),
    ],
)
def test_bad_filters_say_what_is_wrong(filters, message):
    with pytest.raises(InputError) as info:
        IncidentQuery.parse(**filters)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("bbox_sql", [rtree_bbox_sql, gist_bbox_sql])
def test_without_filters_only_merged_away_and_dismissed_incidents_are_left_out(bbox_sql):
    assert IncidentQuery().where(bbox_sql) == (
        "incidents i", " WHERE i.merged_into IS NULL AND i.dismissed IS NULL", []
    )  # fmt: skip
    with_dismissed = IncidentQuery(dismissed=True).where(bbox_sql)
    assert with_dismissed == ("incidents i", " WHERE i.merged_into IS NULL", [])


def test_a_box_across_the_antimeridian_is_two_boxes_for_either_index():
    query = IncidentQuery.parse(bbox="170,-10,-170,10", country="fj")
    source, where, params = query.where(gist_bbox_sql)
    assert source == "incidents i" and where.count("ST_MakeEnvelope") == 2
    assert params == [170.0, -10.0, 180.0, 10.0, -180.0, -10.0, -170.0, 10.0, "FJ"]
    source, where, params = query.where(rtree_bbox_sql)
    assert source.startswith("incident_points r") and where.count("?") == len(params) == 17


@settings(max_examples=200, deadline=None)
@given(
    bbox=st.one_of(
        st.none(),
        st.text(max_size=40),
        st.lists(st.floats(), min_size=4, max_size=4).map(lambda v: ",".join(map(str, v))),
    ),
    since=st.one_of(st.none(), st.text(max_size=12), st.dates().map(str)),
    until=st.one_of(st.none(), st.text(max_size=12), st.dates().map(str)),
    country=st.one_of(st.none(), st.text(max_size=4)),
    types=st.one_of(st.none(), st.text(max_size=20)),
)
def test_any_user_text_gives_a_query_or_an_input_error(bbox, since, until, country, types):
    try:
        query = IncidentQuery.parse(bbox=bbox, since=since, until=until, country=country, types=types)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for bbox_sql in (rtree_bbox_sql, gist_bbox_sql):
        _source, where, params = query.where(bbox_sql)
        assert where.count("?") == len(params)
