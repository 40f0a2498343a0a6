"""geomap.store.store: merging across articles, idempotent adds, queries, migration, interrupted adds.

The tests of the store's behaviour run on both back ends (``store_location`` in conftest.py:
a SQLite file, and a fresh store on the session's throwaway PostGIS server); the SQLite file
format's own tests (migration of a file, R*Tree plans, locks) are SQLite-only, and their
PostGIS counterparts are in test_store_postgis.py.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import CHUHUIV, KHARKIV, ODESA, SALTIVKA, SUVA, TBILISI, article, report

from geomap.errors import StoreError
from geomap.incidents.merge import same_event
from geomap.inputs.parsed import article_from_dict
from geomap.store.backend import default_db_path, resolve_db
from geomap.store.query import IncidentQuery
from geomap.store.schema import APPLICATION_ID, SCHEMA_VERSION, migrate
from geomap.store.sqlite import rtree_bbox_sql
from geomap.store.store import AddResult, AddTotals, Store

#: Two wire services and a local paper, written for this test: one strike told twice, and a
#: different strike the same day in another city.
WIRE_A = (
    "A Russian missile strike on Kharkiv killed seven people on Tuesday, regional officials said. "
    "Firefighters worked through the night."
)
WIRE_B = (
    "Missiles hit a residential block in Kharkiv on Tuesday, killing nine civilians, the city's mayor said."
)
LOCAL_C = "An airstrike on Odesa killed three people on Tuesday, the governor said."


@pytest.fixture
def store(store_location):
    with Store(store_location) as s:
        yield s


def snapshot(store: Store) -> dict[str, list]:
    """Every row of every table, to compare a store before and after."""
    db = store._backend
    tables = ["articles", "places", "incidents", "incident_sources"]
    if isinstance(store.path, Path):
        tables.append("incident_points")  # SQLite's R*Tree (PostGIS keeps points in incidents)
    return {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}


def props(store: Store, query: IncidentQuery | None = None) -> list[dict]:
    return [f["properties"] for f in store.features(query)]


# --------------------------------------------------------------------------- merging


def test_two_wire_reports_of_one_strike_become_one_incident_with_two_sources(store, geoparser):
    a = geoparser.parse(WIRE_A, id="wire-a", title="Strike on Kharkiv", date="2024-03-13")
    b = geoparser.parse(WIRE_B, id="wire-b", title="Kharkiv block hit", date="2024-03-12")
    c = geoparser.parse(LOCAL_C, id="local-c", title="Odesa strike", date="2024-03-12")
    results = store.add_many([a, b, c])
    assert [(r.added, r.incidents, r.merged) for r in results] == [(True, 1, 0), (True, 0, 1), (True, 1, 0)]
    found = {p["location_name"]: p for p in props(store)}
    assert set(found) == {"Kharkiv", "Odesa"}
    kharkiv = found["Kharkiv"]
    assert kharkiv["sources"] == ["wire-a", "wire-b"] and kharkiv["source_count"] == 2
    assert kharkiv["fatalities"] == 9 and kharkiv["fatalities_range"] == [7, 9]
    p_a, p_b = a.incidents[0].confidence, b.incidents[0].confidence
    assert kharkiv["confidence"] == pytest.approx(1 - (1 - p_a) * (1 - p_b), abs=1e-3)
    assert kharkiv["confidence"] > max(p_a, p_b)
    assert found["Odesa"]["sources"] == ["local-c"] and found["Odesa"]["source_count"] == 1
    assert [r.article_id for r in store.reports(kharkiv["id"])] == ["wire-a", "wire-b"]


def test_a_district_within_a_few_km_merges(store):
    store.add(article("a", report("a", place=KHARKIV, fatalities=4)))
    result = store.add(article("b", report("b", place=SALTIVKA, fatalities=5)))
    assert result.merged == 1 and store.count() == 1
    (merged,) = props(store)
    assert merged["location_name"] == "Kharkiv" and merged["fatalities_range"] == [4, 5]


@pytest.mark.parametrize(
    ("second", "why"),
    [
        (report("b", place=CHUHUIV), "another town 45 km away"),
        (report("b", place=KHARKIV, date="2024-03-14"), "two days later"),
        (report("b", place=KHARKIV, fatalities=30), "3 and 30 dead are two events"),
        (report("b", place=KHARKIV, incident_type="protest_unrest"), "another kind of event"),
        (report("b", place=KHARKIV, date=None), "no date: could be any day"),
        (report("b", place=None), "no place: could be anywhere"),
    ],
)
def test_different_events_stay_apart(store, second, why):
    store.add(article("a", report("a", place=KHARKIV, fatalities=3)))
    result = store.add(article("b", second))
    assert (result.incidents, result.merged) == (1, 0), why
    assert store.count() == 2


def test_three_days_in_one_city_do_not_chain(store):
    for day, art in (("11", "mon"), ("12", "tue"), ("13", "wed")):
        store.add(article(art, report(art, place=KHARKIV, date=f"2024-03-{day}")))
    assert sorted(p["sources"] for p in props(store)) == [["mon", "tue"], ["wed"]]


def test_an_article_reports_an_event_once(store):
    store.add(article("a", report("a", place=KHARKIV)))
    # the parse kept these two apart (say, a morning and an evening strike): both stay apart
    result = store.add(article("b", report("b", 1, place=KHARKIV), report("b", 2, place=KHARKIV)))
    assert (result.incidents, result.merged) == (1, 1)
    assert sorted(p["source_count"] for p in props(store)) == [1, 2]


def test_the_nearest_matching_incident_is_joined(store):
    store.add(article("far", report("far", place=SALTIVKA, fatalities=3)))
    store.add(article("near", report("near", place=KHARKIV, fatalities=20)))  # 3 and 20: two events
    # this report (no count) fits both, within 10 km and a day; Kharkiv's point is the nearer
    moved = replace(KHARKIV, id="geomap:test-centre", lat=KHARKIV.lat + 0.001)
    store.add(article("new", report("new", place=moved)))
    joined = {tuple(p["sources"]) for p in props(store)}
    assert joined == {("far",), ("near", "new")}


# --------------------------------------------------------------------------- idempotence


def test_adding_the_same_article_twice_changes_nothing(store):
    art = article("a", report("a", place=KHARKIV), report("a", 2, place=ODESA))
    assert store.add(art).added
    before = snapshot(store)
    again = store.add(art)
    assert not again.added and (again.incidents, again.merged) == (0, 0)
    assert snapshot(store) == before


def test_a_parsed_json_copy_of_a_stored_article_changes_nothing(store, geoparser):
    parsed = geoparser.parse(WIRE_A, id="wire-a", date="2024-03-13")
    store.add(parsed)
    before = snapshot(store)
    copy = article_from_dict(json.loads(json.dumps(parsed.to_dict())))  # `geomap parse --json`, read back
    assert copy.text == "" and not store.add(copy).added
    assert snapshot(store) == before


def test_another_article_under_a_stored_id_is_kept_under_a_new_id(store):
    store.add(article("daily", report("daily", place=KHARKIV)))
    other = article("daily", report("daily", place=TBILISI, incident_type="arrest_detention"))
    result = store.add(other)
    assert result.added and result.renamed_from == "daily" and result.article_id.startswith("daily~")
    tbilisi = props(store, IncidentQuery(country="GE"))
    assert tbilisi[0]["article_id"] == result.article_id and tbilisi[0]["sources"] == [result.article_id]
    # its incident id "daily-e1" is taken: the stored incident gets a unique one, which reports() takes
    assert tbilisi[0]["id"] == f"{result.article_id}:daily-e1"
    assert [r.article_id for r in store.reports(tbilisi[0]["id"])] == [result.article_id]
    assert store.article(result.article_id).id == result.article_id


def test_stored_article_keeps_its_text_and_parse(store):
    art = article("a", report("a", place=KHARKIV), text="An attack hit Kharkiv.")
    store.add(art)
    back = store.article("a")
    assert back.text == "An attack hit Kharkiv." and back.to_dict() == art.to_dict()
    assert store.article("nope") is None and store.article_meta("a") == (art.title, art.url)


# --------------------------------------------------------------------------- queries


@pytest.fixture
def filled(store):
    store.add(article("a", report("a", place=KHARKIV, date="2024-03-12", fatalities=2)))
    store.add(article("b", report("b", place=ODESA, date="2024-03", incident_type="casualties")))
    store.add(article("c", report("c", place=TBILISI, date="2024-04-02", incident_type="protest_unrest")))
    store.add(article("d", report("d", place=SUVA, date="2024-05-01", incident_type="other")))
    store.add(article("e", report("e", place=None, date="2024-03-20", incident_type="arrest_detention")))
    store.add(article("f", report("f", place=TBILISI, date=None, incident_type="meeting_diplomacy")))
    return store


def where(store: Store, **filters) -> list[str]:
    return sorted(p["article_id"] for p in props(store, IncidentQuery.parse(**filters)))


def test_bbox_filter(filled):
    assert where(filled, bbox="22,44,41,53") == ["a", "b"]  # Ukraine
    assert where(filled, bbox="175,-20,-175,-15") == ["d"]  # across the antimeridian
    assert where(filled, bbox="-10,-10,10,10") == []
    assert filled.count(IncidentQuery.parse(bbox="-180,-90,180,90")) == 5  # located ones only


def test_incidents_written_before_feature_texts_read_the_same(filled):
    # A store migrated from schema version 2 has no feature text yet: its incidents are built
    # from their stored data, and must read exactly as the stored texts do.
    # (Kharkiv's merged count range and the sources are in both.)
    filled.add(article("a2", report("a2", place=KHARKIV, date="2024-03-12", fatalities=3)))
    stored = list(filled.features())
    assert any(f["properties"]["fatalities_range"] == [2, 3] for f in stored)
    with filled._backend.transaction():
        filled._backend.execute("UPDATE incidents SET feature = NULL")
    assert list(filled.features()) == stored
    assert [json.loads(t) for t in filled.feature_texts(IncidentQuery.parse(bbox="22,44,41,53"))] == [
        f for f in stored if f["properties"]["article_id"] in ("a", "b")
    ]


def test_date_filters_overlap_the_incident_period(filled):
    assert where(filled, since="2024-03-15") == ["b", "c", "d", "e"]  # Odesa's "2024-03" reaches past it
    assert where(filled, until="2024-03-01") == ["b"]
    assert where(filled, since="2024-04", until="2024-04") == ["c"]
    assert where(filled, since="2024") == ["a", "b", "c", "d", "e"]  # undated "f" left out


def test_type_country_and_limit_filters(filled):
    assert where(filled, types="protest_unrest") == ["c"]
    assert where(filled, types=["casualties", "other"]) == ["b", "d"]
    assert where(filled, country="ge") == ["c", "f"]
    assert where(filled, country="GE", types="meeting_diplomacy") == ["f"]
    assert len(props(filled, IncidentQuery(limit=2))) == 2
    ordered = [p["date"] for p in props(filled)]
    assert ordered[:4] == ["2024-03", "2024-03-12", "2024-03-20", "2024-04-02"] and ordered[-1] is None


def test_text_search_finds_every_word_in_place_sentence_actors_and_titles(filled):
    assert where(filled, q="tbilisi") == ["c", "f"]  # the place's name, any case
    assert where(filled, q="Tbilisi, report f.") == ["f"]  # every word must occur
    assert where(filled, q="undisclosed") == ["e"]  # the sentence
    assert where(filled, q="test article b") == ["b"]  # a source's title
    assert where(filled, q="tbilisi", types="protest_unrest") == ["c"]  # with the other filters
    assert where(filled, q="100%") == []  # "%" is no wildcard: LIKE sees letters and digits only
    assert where(filled, q="tbil") == ["c", "f"] and where(filled, q="bilisi") == []  # a word's start
    filled.add(article("g", report("g", place=KHARKIV, date="2024-07-01", actors=("Forces Armées",))))
    assert where(filled, q="ARMÉES") == ["g"]  # non-ASCII letters fold too
    # a later report's article title is searchable on the merged incident
    filled.add(article("later", report("later", place=KHARKIV, date="2024-07-01", actors=("Forces Armées",))))
    assert where(filled, q="article later") == ["g"]


def test_clusters_count_and_sum_by_cell(filled):
    cells = filled.clusters(None, 10.0)
    assert sorted((c.count, c.deaths) for c in cells) == [(1, 0), (2, 0), (2, 2)]  # not the unlocated one
    ukraine = next(c for c in cells if c.lon < 40 and c.lat > 40)
    assert abs(ukraine.lat - (KHARKIV.lat + ODESA.lat) / 2) < 1e-3  # the mean point of its incidents
    before = filled.version()
    filled.add(article("k", report("k", place=SALTIVKA, date="2024-09-01", fatalities=3)))
    assert filled.version() != before  # what a cache of clustered answers checks
    # 1° cells are cut at whole degrees: Kharkiv (49.98° N) and Saltivka (50.03° N) fall either side
    near = [c for c in filled.clusters(IncidentQuery.parse(bbox="35,49,37,51"), 1.0)]
    assert sorted((c.count, c.deaths) for c in near) == [(1, 2), (1, 3)]
    assert filled.clusters(IncidentQuery.parse(types="protest_unrest"), 10.0)[0].count == 1
    assert filled.clusters(IncidentQuery.parse(bbox="0,0,1,1"), 10.0) == []


def test_opening_a_store_asks_for_incidents_without_search_words_through_an_index(tmp_path):
    # asked on every open (a store from before schema 6 fills them in): never a scan of the incidents
    with Store(tmp_path / "s.db") as store:
        store.add(article("a", report("a", place=KHARKIV)))
        sql = "EXPLAIN QUERY PLAN SELECT 1 FROM incidents WHERE search IS NULL LIMIT 1"
        plan = [row[3] for row in store._backend.execute(sql).fetchall()]
    assert plan == ["SCAN incidents USING INDEX incidents_unsearched"], plan


def test_bbox_query_goes_through_the_rtree(tmp_path):
    query = IncidentQuery.parse(bbox="22,44,41,53", types="casualties")
    source, where_sql, params = query.where(rtree_bbox_sql)
    with Store(tmp_path / "s.db") as store:
        store.add(article("a", report("a", place=KHARKIV)))
        sql = f"EXPLAIN QUERY PLAN SELECT i.id FROM {source}{where_sql}"
        plan = store._backend.execute(sql, params).fetchall()
    steps = [row[3] for row in plan]
    assert steps[0].startswith("SCAN r VIRTUAL TABLE INDEX") and ":" in steps[0], steps  # constrained R*Tree
    assert any("USING INTEGER PRIMARY KEY" in s for s in steps), steps
    assert not any(s.startswith("SCAN i") for s in steps), steps  # never a scan of the incidents


def test_features_are_the_stored_incidents_geo_interface(filled):
    def as_json(features):
        return json.loads(json.dumps(list(features)))

    assert as_json(filled.features()) == as_json(s.__geo_interface__ for s in filled.incidents())
    unlocated = [f for f in filled.features() if f["properties"]["article_id"] == "e"]
    assert unlocated[0]["geometry"] is None
    assert filled.geojson(IncidentQuery(country="FJ"))["features"][0]["geometry"]["coordinates"] == [
        SUVA.lon,
        SUVA.lat,
    ]


# --------------------------------------------------------------------------- schema and migration


def test_an_older_store_is_migrated_when_opened(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    assert migrate(db, path, target=1) == 0  # a version 1 store: no R*Tree yet
    db.execute("INSERT INTO articles VALUES ('old', 'Old', '2024-01-05', NULL, 'h', '{}', '2024-01-05')")
    db.execute(
        "INSERT INTO incidents (uid, incident_type, family, lat, lon, country_code, date, date_lo, date_hi, "
        "confidence, source_count, sources, data) VALUES ('old-e1', 'armed_attack', 'violence', ?, ?, 'UA', "
        "'2024-01-05', '2024-01-05', '2024-01-05', 0.7, 1, '[\"old\"]', ?)",
        (KHARKIV.lat, KHARKIV.lon, json.dumps(report("old", place=KHARKIV, date="2024-01-05").to_dict())),
    )
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()
    with Store(path) as store:
        assert store.stats()["schema_version"] == SCHEMA_VERSION == 6
        assert store.stats()["located"] == 1
        assert where(store, bbox="35,49,37,51") == ["old"]
        # version 6 filled in the text search of the incidents already stored: title, place, sentence
        assert where(store, q="OLD kharkiv") == ["old"] and where(store, q="report 1 attack") == ["old"]
        assert where(store, q="odesa") == []
        # and the migrated store merges into its old incident
        assert store.add(article("new", report("new", place=KHARKIV, date="2024-01-05"))).merged == 1


def test_a_store_from_a_newer_geomap_is_refused(tmp_path):
    path = tmp_path / "new.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer geomap"):
        Store(path)


def test_other_files_are_not_stores(tmp_path):
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.close()
    with pytest.raises(StoreError, match="not a geomap incident store"):
        Store(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a geomap incident store"):
        Store(junk)
    with pytest.raises(StoreError, match="no incident store"):
        Store(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()
    with pytest.raises(StoreError, match="directory"):
        Store(tmp_path)
    fresh = tmp_path / "sub" / "fresh.db"
    Store(fresh).close()
    db = sqlite3.connect(fresh)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


# --------------------------------------------------------------------------- transactions


@pytest.mark.parametrize("exc", [RuntimeError("disk trouble"), KeyboardInterrupt()])
def test_an_interrupted_add_leaves_whole_articles_only(store, monkeypatch, exc):
    store.add(article("a", report("a", place=KHARKIV)))
    before = snapshot(store)
    real = Store._add_incident
    calls = []

    def failing(self, inc):
        calls.append(inc.id)
        if len(calls) == 2:  # after the article row and its first incident are written
            raise exc
        return real(self, inc)

    monkeypatch.setattr(Store, "_add_incident", failing)
    two = article("b", report("b", place=KHARKIV), report("b", 2, place=ODESA))
    with pytest.raises(type(exc)):
        store.add_many([two, article("c", report("c", place=TBILISI))])
    assert snapshot(store) == before  # nothing of "b", and "c" was never reached
    monkeypatch.setattr(Store, "_add_incident", real)
    assert store.add(two).added and store.add(article("c", report("c", place=TBILISI))).added
    assert store.stats()["articles"] == 3


def test_articles_before_a_failure_stay_whole(store, monkeypatch):
    real = Store._insert_article

    def failing(self, art, digest):
        if art.id == "bad":
            raise RuntimeError("no")
        return real(self, art, digest)

    monkeypatch.setattr(Store, "_insert_article", failing)
    with pytest.raises(RuntimeError):
        store.add_many(
            [article("good", report("good", place=KHARKIV)), article("bad", report("bad", place=ODESA))]
        )
    assert store.stats()["articles"] == 1 and store.stats()["reports"] == 1


# --------------------------------------------------------------------------- where the store is


def test_store_path_from_option_environment_or_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("GEOMAP_DB", str(tmp_path / "env.db"))
    assert resolve_db(None) == tmp_path / "env.db"
    assert resolve_db(str(tmp_path / "x.db")) == tmp_path / "x.db"
    monkeypatch.delenv("GEOMAP_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "geomap" / "geomap.db"
    assert resolve_db("postgresql://user@host/db") == "postgresql://user@host/db"  # kept as given
    assert resolve_db("postgres://u:pw@h:5433/db") == "postgres://u:pw@h:5433/db"


def test_totals_line():
    totals = AddTotals()
    for result in (AddResult("a", True, 2, 1), AddResult("b", False), AddResult("c", True, 0, 3)):
        totals = totals.plus(result)
    assert totals == AddTotals(added=2, unchanged=1, incidents=2, merged=4)
    assert totals.line() == (
        "added 2 article(s) (1 already in the store), 2 new incident(s), "
        "4 report(s) merged into stored incidents"
    )


def test_a_store_locked_by_another_writer_is_a_store_error(tmp_path):
    path = tmp_path / "busy.db"
    with Store(path) as store:
        store.add(article("a", report("a", place=KHARKIV)))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of its add
    try:
        with Store(path, timeout=0.2) as store:
            with pytest.raises(StoreError, match="cannot write"):
                store.add(article("b", report("b", place=ODESA)))
            assert store.count() == 1  # reading still works
    finally:
        other.execute("ROLLBACK")
        other.close()


# --------------------------------------------------------------------------- invariants


_PLACES = st.sampled_from([KHARKIV, SALTIVKA, CHUHUIV, ODESA, TBILISI, SUVA, None])
_REPORTS = st.lists(
    st.tuples(
        _PLACES,
        st.one_of(st.none(), st.sampled_from(["2024-03-11", "2024-03-12", "2024-03-13", "2024-03", "soon"])),
        st.sampled_from(["airstrike_shelling", "casualties", "protest_unrest"]),
        st.one_of(st.none(), st.integers(0, 40)),
        st.floats(0.0, 1.0),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(articles=st.lists(_REPORTS, min_size=1, max_size=6))
def test_any_articles_keep_the_store_consistent(new_store_location, articles):
    new_store = new_store_location
    with Store(new_store()) as store:
        total = 0
        for a, reports in enumerate(articles):
            incs = [
                report(f"a{a}", n, place=p, date=d, incident_type=t, fatalities=f, confidence=c)
                for n, (p, d, t, f, c) in enumerate(reports, 1)
            ]
            result = store.add(article(f"a{a}", *incs))
            assert result.incidents + result.merged == len(incs)
            total += len(incs)
        features = list(store.features())
        assert sum(f["properties"]["source_count"] for f in features) == total == store.stats()["reports"]
        for f in features:
            p = f["properties"]
            assert len(set(p["sources"])) == len(p["sources"]) == p["source_count"]  # one report per article
            assert 0.0 <= p["confidence"] <= 1.0
            if p["fatalities"] is not None:
                assert p["fatalities_range"][0] <= p["fatalities_range"][1] == p["fatalities"]
            reports = store.reports(p["id"])
            assert [r.article_id for r in reports] == p["sources"]
            for i, r in enumerate(reports):  # complete linkage: every two reports are one event
                assert all(same_event(r.incident, o.incident) for o in reports[i + 1 :])


def test_one_store_serves_several_threads(store):
    """A web server's threads share one Store: adds and reads interleave without errors."""
    import threading

    errors: list[BaseException] = []

    def add(start: int) -> None:
        try:
            for k in range(start, start + 10):
                store.add(article(f"t{k}", report(f"t{k}", place=ODESA, date=f"2024-0{1 + k % 9}-15")))
        except BaseException as exc:  # pragma: no cover - the assertion below shows it
            errors.append(exc)

    def read() -> None:
        try:
            for _ in range(20):
                list(store.features(IncidentQuery.parse(bbox="30,46,31,47")))
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(s,)) for s in (0, 10, 20)] + [threading.Thread(target=read)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and store.stats()["articles"] == 30 and store.stats()["reports"] == 30


def test_two_processes_creating_one_new_store_both_succeed(tmp_path):
    """The loser of the race used to replay the winner's CREATE TABLEs ("table articles already
    exists", exit 5). Here the winner holds the write lock while the other reads the empty file's
    version and waits for the lock; then the winner creates the schema."""
    import threading
    import time

    from geomap.store.schema import MIGRATIONS, _statements

    path = tmp_path / "new.db"
    winner = sqlite3.connect(path, isolation_level=None)
    winner.execute("BEGIN IMMEDIATE")
    outcome: list[object] = []

    def second() -> None:
        try:
            with Store(path) as store:
                outcome.append(store.stats()["schema_version"])
        except StoreError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.5)  # it has read version 0 and waits for the lock
    for script in MIGRATIONS:
        for statement in _statements(script):
            winner.execute(statement)
    winner.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    winner.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    winner.execute("COMMIT")
    winner.close()
    thread.join(30)
    assert outcome == [SCHEMA_VERSION]
