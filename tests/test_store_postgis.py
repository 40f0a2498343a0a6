"""geomap.store.postgis: what only the shared back end does — its GiST index, migrations in
PostgreSQL, writers on two connections, connection errors without the password.

The store's behaviour (merging, idempotence, queries, interrupted adds) is tested on both back
ends in test_store.py; these run on the session's throwaway server (conftest.postgis_server).
"""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from urllib.parse import quote

import psycopg
import pytest
from pg_server import new_store_url
from store_helpers import KHARKIV, ODESA, TBILISI, article, report

from geomap.errors import StoreError
from geomap.store.postgis import LOCK_CLASS, MIGRATIONS, PostgisBackend, gist_bbox_sql, redact
from geomap.store.query import IncidentQuery
from geomap.store.schema import SCHEMA_VERSION
from geomap.store.store import Store


@pytest.fixture
def url(postgis_server) -> str:
    return new_store_url(postgis_server)


def schema_of(url: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT current_schema()").fetchone()[0]


def test_migrations_are_numbered_as_sqlites():
    assert len(MIGRATIONS) == SCHEMA_VERSION


def test_bbox_queries_use_the_gist_index(url):
    with Store(url) as store:
        store.add(article("a", report("a", place=KHARKIV)))
        # enough points spread over the globe that the planner would rather not scan them all
        store._backend.execute(
            "INSERT INTO incidents (uid, incident_type, family, lat, lon, confidence, source_count, "
            "sources, data, geom) SELECT 'g' || n, 'other', 'other', lat, lon, 0.5, 1, '[]', '{}', "
            "ST_SetSRID(ST_MakePoint(lon, lat), 4326) FROM (SELECT n, (n % 170) - 85.0 AS lat, "
            "((n * 37) % 359) - 179.5 AS lon FROM generate_series(1, 5000) AS n) AS points"
        )
        store._backend.execute("ANALYZE incidents")
        for bbox in ("36,49.5,37,50.5", "179,-10,-179,10"):  # the second crosses the antimeridian
            source, where, params = IncidentQuery.parse(bbox=bbox).where(gist_bbox_sql)
            plan = "\n".join(
                row[0] for row in store._backend.execute(f"EXPLAIN SELECT i.id FROM {source}{where}", params)
            )
            assert "incidents_geom" in plan and "Seq Scan" not in plan, plan
        assert [
            f["properties"]["article_id"]
            for f in store.features(IncidentQuery.parse(bbox="36.2,49.9,36.3,50"))
        ] == ["a"]


def test_an_older_store_is_migrated_when_opened(url):
    old = PostgisBackend(url, create=True, timeout=5, target=1)  # a version 1 store: no geometry yet
    try:
        columns = old.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'incidents' AND table_schema = current_schema()"
        ).fetchall()
        assert old.schema_version() == 1 and ("geom",) not in columns and ("lat",) in columns
        old.execute("INSERT INTO articles VALUES ('old', 'Old', '2024-01-05', NULL, 'h', '{}', '2024-01-05')")
        old.execute(
            "INSERT INTO incidents (uid, incident_type, family, lat, lon, country_code, date, date_lo, "
            "date_hi, confidence, source_count, sources, data) VALUES ('old-e1', 'armed_attack', 'violence', "
            "?, ?, 'UA', '2024-01-05', '2024-01-05', '2024-01-05', 0.7, 1, '[\"old\"]', ?)",
            (KHARKIV.lat, KHARKIV.lon, json.dumps(report("old", place=KHARKIV, date="2024-01-05").to_dict())),
        )
    finally:
        old.close()
    with Store(url) as store:
        assert store.stats()["schema_version"] == SCHEMA_VERSION == 6
        assert store.stats()["located"] == 1
        # version 6's search words, filled in for the incidents stored before: title, place, sentence
        found = store.features(IncidentQuery.parse(q="OLD kharkiv attack"))
        assert [f["properties"]["id"] for f in found] == ["old-e1"]
        assert [f["properties"]["id"] for f in store.features(IncidentQuery.parse(bbox="35,49,37,51"))] == [
            "old-e1"
        ]
        assert store.add(article("new", report("new", place=KHARKIV, date="2024-01-05"))).merged == 1


def test_newer_missing_and_foreign_stores_are_refused(url, postgis_server):
    Store(url).close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE geomap_schema SET version = %s", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer geomap"):
        Store(url)
    empty = new_store_url(postgis_server)
    with pytest.raises(StoreError, match="no incident store"):
        Store(empty, create=False)
    with psycopg.connect(empty, autocommit=True) as conn:
        assert (
            conn.execute("SELECT to_regclass('geomap_schema')").fetchone()[0] is None
        )  # nothing left behind
        conn.execute("CREATE TABLE articles (x int)")  # some other application's table
    with pytest.raises(StoreError, match="not a geomap incident store"):
        Store(empty)


def test_the_store_installs_postgis_in_a_database_without_it(postgis_server):
    with psycopg.connect(postgis_server, autocommit=True) as conn:
        conn.execute("CREATE DATABASE plain")
    plain = postgis_server.replace("/geomap?", "/plain?")
    with Store(plain) as store:
        assert store.add(article("a", report("a", place=ODESA))).added and store.stats()["located"] == 1


@pytest.mark.parametrize("isolation", ["read committed", "repeatable read"])
def test_two_writers_reporting_one_event_make_one_incident(url, isolation):
    """Two connections add reports of the same event at the same moment, round after round.

    Without the store's lock both would look for a match before either committed, and each
    would store a new incident. The writer that waited must then see the other's incident,
    even when the server's default isolation would keep the snapshot it took before the lock."""
    with psycopg.connect(url, autocommit=True) as conn:
        database = conn.execute("SELECT current_database()").fetchone()[0]
        conn.execute(f"ALTER DATABASE {database} SET default_transaction_isolation = '{isolation}'".encode())
    try:
        counts = race(url)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"ALTER DATABASE {database} RESET default_transaction_isolation".encode())
    assert counts == [2] * 12


def race(url: str, rounds: int = 12) -> list[int]:
    """Two threads, each with its own Store, add a report of the same event in each round; the
    incidents' source counts."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            with Store(url) as store:
                for r in range(rounds):
                    day = (date(2024, 1, 1) + timedelta(days=3 * r)).isoformat()  # 3 days apart: apart
                    barrier.wait(timeout=30)
                    store.add(article(f"{name}{r}", report(f"{name}{r}", place=KHARKIV, date=day), date=day))
        except BaseException as exc:  # pragma: no cover - the assertion below shows it
            errors.append(exc)
            barrier.abort()

    Store(url).close()  # created first: this is about merging (creating is locked as well)
    threads = [threading.Thread(target=writer, args=(n,)) for n in ("x", "y")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with Store(url) as store:
        return sorted(f["properties"]["source_count"] for f in store.features())


def test_a_store_locked_by_another_writer_is_a_store_error(url):
    with Store(url) as store:
        store.add(article("a", report("a", place=KHARKIV)))
    with psycopg.connect(url) as other:  # another writer in the middle of its add
        other.execute("SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", (LOCK_CLASS,))
        with Store(url, timeout=0.3) as store:
            with pytest.raises(StoreError, match="another writer held the store") as info:
                store.add(article("b", report("b", place=ODESA)))
            assert "\n" not in str(info.value)
            assert store.count() == 1  # reading never waits
        other.rollback()
    with Store(url) as store:
        assert store.add(article("b", report("b", place=ODESA))).added


def test_stores_in_two_schemas_of_one_database_are_apart(url, postgis_server):
    second = new_store_url(postgis_server)
    with Store(url) as a, Store(second) as b:
        a.add(article("a", report("a", place=KHARKIV)))
        b.add(article("b", report("b", place=TBILISI)))
        assert [a.count(), b.count()] == [1, 1]
    assert schema_of(url) != schema_of(second)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://reader:s3cret%21pw@127.0.0.1:1/geomap",  # nothing listens on port 1
        "postgresql://reader@127.0.0.1:1/geomap?password=s3cret!pw&connect_timeout=2",
        "postgres://reader:s3cret!pw@/geomap?host=/nonexistent-socket-dir",
    ],
)
def test_connection_errors_are_one_line_and_hide_the_password(url):
    with pytest.raises(StoreError) as info:
        Store(url)
    message = str(info.value)
    assert message.startswith("cannot connect to ") and "\n" not in message
    assert "s3cret" not in message and "***" in message and "reader" in message


def test_missing_postgresql_fails_the_tests_saying_what_installs_it(monkeypatch, tmp_path):
    import pg_server

    monkeypatch.setattr(pg_server, "BIN", tmp_path / "no-postgresql")
    servers = pg_server.throwaway_postgis()
    with pytest.raises(pg_server.ServerUnavailable, match=r"not installed.*scripts/setup\.sh installs"):
        servers.__enter__()


def test_redact():
    assert redact("postgresql://me:pw@db:5433/geomap") == "postgresql://me:***@db:5433/geomap"
    assert redact("postgresql://me@db/geomap?password=pw&sslmode=require") == (
        "postgresql://me@db/geomap?password=***&sslmode=require"
    )
    assert redact("postgresql:///geomap?host=%2Ftmp") == "postgresql:///geomap?host=%2Ftmp"


def test_the_url_shown_is_the_store_without_its_password(postgis_server):
    with_password = new_store_url(postgis_server).replace("geomap@", f"geomap:{quote('t0p secret')}@")
    with Store(with_password) as store:  # the test server trusts local users, password or not
        assert "t0p" not in str(store.path) and "geomap:***@" in str(store.path)
        assert "t0p" not in store.stats()["path"]
