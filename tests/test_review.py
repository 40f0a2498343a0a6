"""Review: an analyst corrects, merges and dismisses stored incidents, and later reports never
undo it. In the store (SQLite and PostGIS) and through the API. Incidents are hand-built
(``store_helpers``), so each rule is tested without the parser."""

from __future__ import annotations

import warnings
from dataclasses import replace

import pytest
from store_helpers import CHUHUIV, KHARKIV, ODESA, TBILISI, article, report

from geomap.errors import FieldError, NoSuchIncident
from geomap.serve.app import create_app
from geomap.store.query import IncidentQuery
from geomap.store.store import Store

with warnings.catch_warnings():  # Starlette 1.10 suggests httpx2 over httpx; httpx is what we pin
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

LOCAL = "http://127.0.0.1:8765"


@pytest.fixture
def store(store_location):
    with Store(store_location) as s:
        s.add(article("a", report("a", place=KHARKIV, fatalities=3)))
        s.add(article("b", report("b", place=ODESA, incident_type="protest_unrest", date="2024-03-13")))
        yield s


def props(store: Store, uid: str) -> dict:
    feature = store.feature(uid)
    assert feature is not None
    return feature["properties"]


def test_a_correction_is_kept_logged_and_never_undone_by_a_later_report(store):
    feature = store.correct("a-e1", {"fatalities": 5, "incident_type": "armed_attack"}, by="local", note="AP")
    assert feature["properties"]["fatalities"] == 5
    assert feature["properties"]["incident_type"] == "armed_attack"
    assert feature["properties"]["reviewed"] is True
    log = store.corrections("a-e1")
    assert {(c.field, c.before, c.after, c.by, c.note) for c in log} == {
        ("fatalities", 3, 5, "local", "AP"),
        ("incident_type", "airstrike_shelling", "armed_attack", "local", "AP"),
    }
    # another article reports the same strike with another toll: it joins as a source, and the
    # analyst's figure and type stand
    store.add(article("c", report("c", place=KHARKIV, fatalities=4, incident_type="armed_attack")))
    merged = props(store, "a-e1")
    assert [s["article_id"] for s in merged["sources"]] == ["a", "c"]
    assert merged["fatalities"] == 5 and merged["incident_type"] == "armed_attack"
    assert [f["properties"]["fatalities"] for f in store.features()] == [5, None]


def test_a_place_set_by_hand_moves_the_incident_on_the_map(store):
    where = {"name": "Chuhuiv", "lat": CHUHUIV.lat, "lon": CHUHUIV.lon, "country_code": "ua"}
    store.correct("a-e1", {"location": where}, by="local")
    feature = store.feature("a-e1")
    assert feature["geometry"]["coordinates"] == pytest.approx([CHUHUIV.lon, CHUHUIV.lat])
    assert feature["properties"]["location_name"] == "Chuhuiv"
    assert feature["properties"]["country_code"] == "UA"
    # the bbox query (the spatial index) finds it where it is now, and no longer where it was
    near = IncidentQuery.parse(
        bbox=f"{CHUHUIV.lon - 0.05},{CHUHUIV.lat - 0.05},{CHUHUIV.lon + 0.05},{CHUHUIV.lat + 0.05}"
    )
    old = IncidentQuery.parse(
        bbox=f"{KHARKIV.lon - 0.05},{KHARKIV.lat - 0.05},{KHARKIV.lon + 0.05},{KHARKIV.lat + 0.05}"
    )
    assert store.count(near) == 1 and store.count(old) == 0
    store.correct("a-e1", {"location": None}, by="local")
    assert store.feature("a-e1")["geometry"] is None
    assert store.count(near) == 0


def test_two_incidents_that_are_one_merge_with_the_sources_of_both(store):
    store.add(article("d", report("d", place=TBILISI, date="2024-05-01")))
    feature = store.merge_into("d-e1", "a-e1", by="local", note="same strike, misplaced")
    assert [s for s in feature["properties"]["sources"]] == ["a", "d"]
    assert store.stats()["incidents"] == 2
    # the merged-away id still answers, as the incident it went into
    assert store.feature("d-e1")["properties"]["id"] == "a-e1"
    assert [c.field for c in store.corrections("a-e1")] == ["merge"]
    assert len(list(store.features())) == 2
    with pytest.raises(FieldError):
        store.merge_into("a-e1", "d-e1", by="local")  # d-e1 is a-e1 now


def test_a_dismissed_incident_leaves_the_map_and_downloads_unless_asked_for(store):
    store.dismiss("b-e1", "a rehearsal, not a protest", by="local")
    assert [f["properties"]["id"] for f in store.features()] == ["a-e1"]
    assert store.count(IncidentQuery(dismissed=True)) == 2
    assert props(store, "b-e1")["dismissed"] == "a rehearsal, not a protest"
    # a later report of the same event joins it, and it stays dismissed
    store.add(article("e", report("e", place=ODESA, incident_type="protest_unrest", date="2024-03-13")))
    assert [f["properties"]["id"] for f in store.features()] == ["a-e1"]
    assert props(store, "b-e1")["source_count"] == 2


def test_an_incident_last_written_by_an_older_geomap_is_shown_too(store):
    with store._backend.transaction():
        store._backend.execute("UPDATE incidents SET feature = NULL")  # as schema version 2 left it
    assert props(store, "a-e1")["fatalities"] == 3
    assert store.correct("a-e1", {"fatalities": 4}, by="local")["properties"]["fatalities"] == 4


def test_bad_corrections_name_the_field_and_change_nothing(store):
    for changes, field in [
        ({"fatalities": -1}, "fatalities"),
        ({"fatalities": True}, "fatalities"),
        ({"incident_type": "massacre"}, "incident_type"),
        ({"date": "2024-13-45"}, "date"),
        ({"modality": "rumoured"}, "modality"),
        ({"location": {"name": "X", "lat": 91, "lon": 0}}, "location"),
        ({"location": "Kharkiv"}, "location"),
        ({"colour": "red"}, "colour"),
    ]:
        with pytest.raises(FieldError) as caught:
            store.correct("a-e1", changes, by="local")
        assert caught.value.field == field
    assert store.corrections() == []
    assert props(store, "a-e1")["reviewed"] is False
    with pytest.raises(NoSuchIncident):
        store.correct("nope", {"fatalities": 1}, by="local")


@pytest.fixture
def api(tmp_path, gazetteer):
    with Store(tmp_path / "review.db") as s:
        s.add(article("a", report("a", place=KHARKIV, fatalities=3)))
        s.add(article("b", report("b", place=KHARKIV, date="2024-03-20")))

        class NoParser:  # review never parses; the gazetteer answers a correction by place id
            def __init__(self) -> None:
                self.gazetteer = gazetteer

        with TestClient(create_app(s, NoParser()), base_url=LOCAL, raise_server_exceptions=False) as c:
            yield c


def test_review_through_the_api(api, gazetteer):
    one = api.get("/api/incidents/a-e1")
    assert one.status_code == 200
    assert one.json()["properties"]["sources"][0] == {
        "article_id": "a", "title": "Test article a", "url": "https://news.example/a", "date": "2024-03-12",
        "sentence": "Report 1 of a: an attack hit Kharkiv.",
    }  # fmt: skip
    assert one.json()["properties"]["corrections"] == []
    odesa = gazetteer.candidates("Odesa")[0]

    patched = api.patch(
        "/api/incidents/a-e1", json={"fatalities": 4, "location": odesa.id, "note": "per OCHA"}
    )
    assert patched.status_code == 200, patched.text
    p = patched.json()["properties"]
    assert (p["fatalities"], p["location_name"], p["reviewed"]) == (4, "Odesa", True)
    assert patched.json()["geometry"]["coordinates"] == pytest.approx([odesa.lon, odesa.lat])
    assert [c["field"] for c in p["corrections"]] == ["fatalities", "location"]
    assert p["corrections"][0]["by"] == "local" and p["corrections"][0]["note"] == "per OCHA"

    merged = api.post("/api/incidents/b-e1/merge", json={"into": "a-e1"})
    assert merged.status_code == 200 and merged.json()["properties"]["source_count"] == 2
    dismissed = api.post("/api/incidents/a-e1/dismiss", json={"reason": "duplicate of a wire story"})
    assert dismissed.status_code == 200
    assert api.get("/api/incidents").json()["features"] == []


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        ("patch", "/api/incidents/a-e1", {"fatalities": "many"}, 422, "fatalities"),
        ("patch", "/api/incidents/a-e1", {"location": "no-such-place"}, 422, "location"),
        ("patch", "/api/incidents/a-e1", {}, 400, None),
        ("patch", "/api/incidents/zzz", {"fatalities": 1}, 404, None),
        ("post", "/api/incidents/a-e1/merge", {"into": "zzz"}, 404, None),
        ("post", "/api/incidents/a-e1/merge", {"into": "a-e1"}, 422, "into"),
        ("post", "/api/incidents/a-e1/dismiss", {}, 422, "reason"),
        ("patch", "/api/incidents/a-e1", '{"note": "\\ud800"}', 400, None),  # a lone surrogate
    ],
)
def test_bad_review_requests_get_a_clear_4xx(api, method, path, body, status, field):
    if isinstance(body, str):
        response = api.request(
            method.upper(), path, content=body, headers={"Content-Type": "application/json"}
        )
    else:
        response = getattr(api, method)(path, json=body)
    assert response.status_code == status, response.text
    assert "error" in response.json()
    if field:
        assert response.json()["field"] == field
    assert api.get("/api/incidents/a-e1").json()["properties"]["reviewed"] is False


def test_a_review_write_from_another_site_is_refused(api):
    response = api.patch(
        "/api/incidents/a-e1", json={"fatalities": 9}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    form = api.patch(
        "/api/incidents/a-e1", content='{"fatalities": 9}', headers={"Content-Type": "text/plain"}
    )
    assert form.status_code in (403, 415)
    assert api.get("/api/incidents/a-e1").json()["properties"]["fatalities"] == 3


def test_corrections_are_exported_for_reuse(tmp_path, capsys):
    import csv
    import json

    from geomap.cli.exit_codes import EXIT_OK, EXIT_STORE
    from geomap.cli.main import main

    db = tmp_path / "cli.db"
    with Store(db) as s:
        s.add(article("a", report("a", place=KHARKIV, fatalities=3)))
        s.correct(
            "a-e1", {"location": {"name": "Saltivka", "lat": 50.03, "lon": 36.32}}, by="local", note="map"
        )
        s.correct("a-e1", {"fatalities": 2}, by="local")
    capsys.readouterr()
    assert main(["corrections", "--db", str(db)]) == EXIT_OK
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["field"], r["note"]) for r in lines] == [("location", "map"), ("fatalities", None)]
    assert lines[0]["before"]["name"] == "Kharkiv" and lines[0]["after"]["name"] == "Saltivka"
    out = tmp_path / "corrections.csv"
    assert main(["corrections", "--db", str(db), "-o", str(out)]) == EXIT_OK
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [json.loads(r["after"]) for r in rows][1] == 2
    # reading never creates a store
    assert main(["corrections", "--db", str(tmp_path / "none.db")]) == EXIT_STORE
    assert not (tmp_path / "none.db").exists()


def test_summary_by_period_and_group(store_location):
    """Incidents and deaths by week and by country, type or place; dismissed ones not counted."""
    with Store(store_location) as s:
        s.add(article("a", report("a", place=KHARKIV, fatalities=3, date="2024-03-12")))  # a Tuesday
        s.add(article("b", report("b", place=ODESA, fatalities=1, date="2024-03-17")))  # that week's Sunday
        s.add(article("c", report("c", place=TBILISI, incident_type="protest_unrest", date="2024-03-18")))
        s.add(article("d", report("d", place=KHARKIV, fatalities=2, date="2024-04-02")))
        s.add(article("e", report("e", place=None, date=None)))
        s.add(article("f", report("f", place=ODESA, date="2024-03-12", incident_type="protest_unrest")))
        s.dismiss("f-e1", "not an event", by="local")
        # a war's toll to date is background, not deaths of that week
        to_date = replace(report("g", place=TBILISI, fatalities=900, date="2024-03-18"), cumulative=True)
        s.add(article("g", replace(to_date, incident_type="casualties")))
        weeks = s.summary(None, "country", "week")
        assert weeks == [
            {"period": "2024-03-11", "group": "UA", "incidents": 2, "deaths": 4},
            {"period": "2024-03-18", "group": "GE", "incidents": 2, "deaths": 0},
            {"period": "2024-04-01", "group": "UA", "incidents": 1, "deaths": 2},
            {"period": None, "group": None, "incidents": 1, "deaths": 0},
        ]
        months = s.summary(IncidentQuery.parse(country="UA"), "place", "month")
        assert [(r["period"], r["group"], r["incidents"]) for r in months] == [
            ("2024-03", "Kharkiv", 1), ("2024-03", "Odesa", 1), ("2024-04", "Kharkiv", 1)
        ]  # fmt: skip
        days = s.summary(IncidentQuery.parse(since="2024-03-18"), "type", "day")
        assert days == [
            {"period": "2024-03-18", "group": "casualties", "incidents": 1, "deaths": 0},
            {"period": "2024-03-18", "group": "protest_unrest", "incidents": 1, "deaths": 0},
            {"period": "2024-04-02", "group": "airstrike_shelling", "incidents": 1, "deaths": 2},
        ]


def test_summary_through_the_api(api):
    body = api.get("/api/summary?group=type&period=month").json()
    assert body["rows"] == [{"period": "2024-03", "group": "airstrike_shelling", "incidents": 2, "deaths": 3}]
    for query, status in [
        ("group=province", 400),
        ("period=year", 400),
        ("since=2024-13", 400),
        ("x=1", 400),
    ]:
        response = api.get(f"/api/summary?{query}")
        assert response.status_code == status and "error" in response.json()


def test_place_corrections_become_labelled_events_for_training(tmp_path, capsys):
    """`geomap corrections --format training`: the corrected place's span in the article, in the
    training file's format that `geomap train --data` reads; a place the text never names is left
    out and said so."""
    import json

    from geomap.cli.exit_codes import EXIT_OK
    from geomap.cli.main import main
    from geomap.incidents.training import read_labelled
    from geomap.scoring import gold_location_spans

    db = tmp_path / "cli.db"
    text = "Report 1 of a: an attack hit Kharkiv. Residents of Saltivka said the attack hit them."
    with Store(db) as s:
        s.add(article("a", report("a", place=KHARKIV), text=text))
        s.add(article("b", report("b", place=ODESA, date="2024-05-01")))
        s.add(article("c", report("c", place=TBILISI, date="2024-06-01")))
        s.correct("a-e1", {"location": {"name": "Saltivka", "lat": 50.03, "lon": 36.32}}, by="local")
        s.correct("b-e1", {"location": None}, by="local")  # the text gives no place
        s.correct("c-e1", {"location": {"name": "Batumi", "lat": 41.64, "lon": 41.63}}, by="local")
    capsys.readouterr()
    out = tmp_path / "corrections.jsonl"
    assert main(["corrections", "--db", str(db), "--format", "training", "-o", str(out)]) == EXIT_OK
    assert "1 place correction(s) left out" in capsys.readouterr().err  # Batumi: not in the text
    docs = {d["id"]: d for d in read_labelled(out)}
    assert set(docs) == {"correction-a", "correction-b"}
    (event,) = docs["correction-a"]["events"]
    assert [text[s:e] for s, e in gold_location_spans(event)] == ["Saltivka"]
    assert text[event["trigger_start"] : event["trigger_end"]] == "attack"
    (none,) = docs["correction-b"]["events"]
    assert gold_location_spans(none) == [] and none["label_source"] == "analyst"
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["text"] == text
