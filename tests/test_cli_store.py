"""geomap add, geomap incidents, geomap map --db, geomap batch --db: exit codes, messages, outputs."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import geomap.batch.runner as batch
import geomap.parser
from geomap.batch.runner import run_batch
from geomap.cli.exit_codes import EXIT_EMPTY, EXIT_OK, EXIT_STORE, EXIT_USAGE
from geomap.cli.main import main
from geomap.cli.store_commands import INCIDENT_FORMATS
from geomap.errors import StoreError
from geomap.inputs.parsed import article_from_dict
from geomap.store.formats import FORMATS, STORE_CSV_COLUMNS
from geomap.store.store import Store

#: Articles written for these tests: two reports of one strike, and one of another strike.
ARTICLES = [
    {
        "id": "wire-a",
        "title": "Strike on Kharkiv",
        "date": "2024-03-13",
        "url": "https://news.example/a",
        "text": "A Russian missile strike on Kharkiv killed seven people on Tuesday, officials said.",
    },
    {
        "id": "wire-b",
        "title": "Kharkiv block hit",
        "date": "2024-03-12",
        "text": "Missiles hit flats in Kharkiv on Tuesday, killing nine civilians, the mayor said.",
    },
    {
        "id": "local-c",
        "title": "Odesa strike",
        "date": "2024-03-12",
        "text": "An airstrike on Odesa killed three people on Tuesday, the governor said.",
    },
]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> bool:
    return err.startswith("geomap: error:") and err.count("\n") == 1 and "Traceback" not in err


@pytest.fixture(scope="module")
def parsed_file(tmp_path_factory, geoparser) -> Path:
    """The three articles as `geomap parse --json` prints them: adding them parses nothing."""
    path = tmp_path_factory.mktemp("parsed") / "parsed.jsonl"
    lines = [
        json.dumps(
            geoparser.parse(
                a["text"], id=a["id"], title=a["title"], date=a["date"], url=a.get("url")
            ).to_dict()
        )
        for a in ARTICLES
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def db(store_location, parsed_file, capsys) -> str:
    """A store holding the three articles: a SQLite file, and a store on the PostGIS test server."""
    assert main(["add", str(parsed_file), "--db", store_location]) == EXIT_OK
    capsys.readouterr()
    return store_location


def ogrinfo(path: Path) -> str:
    exe = shutil.which("ogrinfo")
    assert exe, "ogrinfo (gdal-bin) is installed by scripts/setup.sh"
    proc = subprocess.run([exe, "-ro", "-al", "-so", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr
    return proc.stdout


# --------------------------------------------------------------------------- add


def test_add_prints_articles_incidents_and_merges(capsys, tmp_path, parsed_file):
    path = tmp_path / "s.db"
    code, out, _ = run(capsys, "add", parsed_file, "--db", path)
    assert code == EXIT_OK
    assert out.splitlines()[0] == (
        f"added 3 article(s), 2 new incident(s), 1 report(s) merged into stored incidents -> {path}"
    )
    code, out, _ = run(capsys, "add", parsed_file, "--db", path)
    assert code == EXIT_OK and out.startswith(
        "added 0 article(s) (3 already in the store), 0 new incident(s)"
    )


def test_add_parses_text_inputs_and_uses_geomap_db(capsys, tmp_path, monkeypatch, geoparser):
    monkeypatch.setattr(geomap.parser, "Geoparser", lambda *a, **k: geoparser)  # the session's spaCy
    monkeypatch.setenv("GEOMAP_DB", str(tmp_path / "env.db"))
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES[:2]), encoding="utf-8")
    code, out, _ = run(capsys, "add", source)
    assert code == EXIT_OK and "1 new incident(s), 1 report(s) merged" in out
    with Store(tmp_path / "env.db", create=False) as store:
        assert store.stats()["articles"] == 2 and store.article("wire-a").text == ARTICLES[0]["text"]


def test_add_date_dates_undated_text_so_it_can_merge(capsys, tmp_path, monkeypatch, geoparser, db):
    monkeypatch.setattr(geomap.parser, "Geoparser", lambda *a, **k: geoparser)
    text = tmp_path / "undated.txt"
    text.write_text(
        "Kharkiv strike\nMissiles struck Kharkiv on Tuesday, killing eight people.\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, "add", text, "--db", db, "--date", "2024-03-13")
    assert code == EXIT_OK and "0 new incident(s), 1 report(s) merged" in out
    code, _, err = run(capsys, "add", text, "--db", db, "--date", "13/03/2024")
    assert code == EXIT_USAGE and one_line_error(err) and "--date" in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "no such file"),
        ("empty.txt", "", "is empty"),
        ("bad.jsonl", '{"text": "An attack hit Kharkiv."}\n{"text": ', "invalid JSON"),
        ("notext.json", '{"title": "x"}', 'missing or empty "text"'),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_store(capsys, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "add", path, "--db", tmp_path / "s.db")
    assert code == EXIT_USAGE and out == "" and one_line_error(err) and message in err
    assert not (tmp_path / "s.db").exists()  # inputs are read before the store is touched


def test_a_file_that_is_not_a_store_is_exit_5(capsys, tmp_path, parsed_file):
    junk = tmp_path / "notes.db"
    junk.write_text("my notes, not a database\n" * 50, encoding="utf-8")
    code, _, err = run(capsys, "add", parsed_file, "--db", junk)
    assert code == EXIT_STORE and one_line_error(err) and "not a geomap incident store" in err
    assert junk.read_text(encoding="utf-8").startswith("my notes")
    code, _, err = run(capsys, "incidents", "--db", tmp_path / "none.db")
    assert code == EXIT_STORE and one_line_error(err) and "geomap add" in err
    code, out, err = run(capsys, "add", parsed_file, "--db", "postgresql://u:pa55word@127.0.0.1:1/db")
    assert code == EXIT_STORE and one_line_error(err) and "cannot connect" in err
    assert "pa55word" not in out + err and "u:***@127.0.0.1:1/db" in err


def test_incidents_belong_to_the_article_they_came_in_with(capsys, tmp_path, parsed_file):
    # a crafted parsed file credits the Odesa article's incident to another stored article
    rows = [json.loads(line) for line in parsed_file.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        if row["id"] == "local-c":
            row["incidents"] = [{**inc, "article_id": "wire-a"} for inc in row["incidents"]]
    crafted = tmp_path / "crafted.jsonl"
    crafted.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert run(capsys, "add", crafted, "--db", tmp_path / "s.db")[0] == EXIT_OK
    code, out, _ = run(capsys, "incidents", "--db", tmp_path / "s.db", "--format", "jsonl")
    assert code == EXIT_OK
    by_place = {
        json.loads(line)["properties"]["location_name"]: json.loads(line)["properties"]
        for line in out.splitlines()
    }
    assert by_place["Odesa"]["sources"] == ["local-c"]
    assert by_place["Odesa"]["article_id"] == "local-c"


def test_a_store_with_damaged_pages_is_exit_5_with_nothing_half_written(capsys, tmp_path, parsed_file):
    store = tmp_path / "s.db"
    assert run(capsys, "add", parsed_file, "--db", store)[0] == EXIT_OK
    # damage pages past the header, as a disk or an interrupted copy does
    data = bytearray(store.read_bytes())
    for page in range(2, len(data) // 4096, 2):
        data[page * 4096 + 40 : page * 4096 + 3000] = bytes(range(256)) * 11 + bytes(140)
    store.write_bytes(bytes(data))
    for fmt in ("geojson", "csv", "jsonl"):
        code, out, err = run(capsys, "incidents", "--db", store, "--format", fmt)
        assert code == EXIT_STORE and one_line_error(err) and "cannot read" in err
        assert out == ""  # no half a FeatureCollection
    code, out, err = run(capsys, "map", "--db", store, "-o", tmp_path / "m.html")
    assert code == EXIT_STORE and one_line_error(err) and not (tmp_path / "m.html").exists()


def test_a_postgis_schema_that_does_not_exist_is_an_error_not_public(capsys, postgis_server, parsed_file):
    import psycopg
    from pg_server import new_store_url

    url = new_store_url(postgis_server)
    missing = url.replace("search_path%3Dstore_", "search_path%3Dmissing_")  # then ",public"
    code, _, err = run(capsys, "add", parsed_file, "--db", missing)
    assert code == EXIT_STORE and one_line_error(err) and "does not exist" in err
    with psycopg.connect(postgis_server) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    assert ("articles",) not in tables  # nothing went to public instead


def test_reading_an_empty_file_never_turns_it_into_a_store(capsys, tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    for argv in (["incidents", "--db", empty], ["map", "--db", empty, "-o", tmp_path / "m.html"]):
        code, out, err = run(capsys, *argv)
        assert code == EXIT_STORE and one_line_error(err) and "no incident store" in err and out == ""
    assert empty.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def test_a_malformed_postgresql_url_is_one_line(capsys):
    code, out, err = run(capsys, "incidents", "--db", "postgresql://u:pa55word@[::1/db")
    assert code == EXIT_STORE and one_line_error(err) and "pa55word" not in out + err


def test_add_and_incidents_on_a_shared_postgis_store(capsys, postgis_server, parsed_file):
    from pg_server import new_store_url

    url = new_store_url(postgis_server).replace("geomap@", "geomap:hunter2@")  # the server trusts us
    code, out, err = run(capsys, "add", parsed_file, "--db", url)
    assert code == EXIT_OK and "hunter2" not in out + err
    first = out.splitlines()[0]
    assert first.startswith("added 3 article(s), 2 new incident(s), 1 report(s) merged into stored incidents")
    assert first.endswith(" -> " + url.replace(":hunter2@", ":***@"))
    code, out, _ = run(capsys, "add", parsed_file, "--db", url)
    assert code == EXIT_OK and out.startswith("added 0 article(s) (3 already in the store)")
    code, out, _ = run(capsys, "incidents", "--db", url, "--bbox", "35,49,37,51", "--format", "jsonl")
    (kharkiv,) = [json.loads(line)["properties"] for line in out.splitlines()]
    assert code == EXIT_OK and kharkiv["sources"] == ["wire-a", "wire-b"] and kharkiv["source_count"] == 2
    code, _, err = run(capsys, "incidents", "--db", url.replace("search_path%3D", "search_path%3Dnone_"))
    assert code == EXIT_STORE and one_line_error(err) and "does not exist" in err


# --------------------------------------------------------------------------- incidents


def test_incidents_geojson_has_sources_and_opens_in_ogrinfo(capsys, db, tmp_path):
    code, out, _ = run(capsys, "incidents", "--db", db)
    assert code == EXIT_OK
    collection = json.loads(out)
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    by_place = {f["properties"]["location_name"]: f for f in collection["features"]}
    kharkiv = by_place["Kharkiv"]["properties"]
    assert kharkiv["sources"] == ["wire-a", "wire-b"] and kharkiv["source_count"] == 2
    assert kharkiv["fatalities"] == 9 and kharkiv["fatalities_range"] == [7, 9]
    lon, lat = by_place["Odesa"]["geometry"]["coordinates"]
    assert 30 < lon < 31.5 and 46 < lat < 47  # [lon, lat]
    path = tmp_path / "incidents.geojson"
    assert run(capsys, "incidents", "--db", db, "-o", path)[0] == EXIT_OK
    info = ogrinfo(path)
    assert "Feature Count: 2" in info and re.search(r"source_count: Integer", info)


def test_incidents_csv_and_jsonl(capsys, db, tmp_path):
    code, out, _ = run(capsys, "incidents", "--db", db, "--format", "csv")
    assert code == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == STORE_CSV_COLUMNS
    kharkiv = next(r for r in rows if r["location"] == "Kharkiv")
    assert (kharkiv["sources"], kharkiv["source_count"]) == ("wire-a; wire-b", "2")
    assert (kharkiv["fatalities_min"], kharkiv["fatalities_max"]) == ("7", "9")
    assert kharkiv["article_url"] == "https://news.example/a"  # the first report's article
    path = tmp_path / "incidents.jsonl"  # the format from the suffix
    assert run(capsys, "incidents", "--db", db, "-o", path, "--type", "airstrike_shelling")[0] == EXIT_OK
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(json.loads(line)["type"] == "Feature" for line in lines)
    assert "Feature Count: 2" in ogrinfo(path)  # GDAL's GeoJSONSeq
    assert FORMATS == INCIDENT_FORMATS


def test_incidents_filters(capsys, db):
    def ids(*filters):
        code, out, _ = run(capsys, "incidents", "--db", db, "--format", "jsonl", *filters)
        assert code == EXIT_OK
        return sorted(json.loads(line)["properties"]["location_name"] for line in out.splitlines())

    assert ids("--bbox", "35,49,37,51") == ["Kharkiv"]
    assert ids("--country", "ua", "--since", "2024-03-12", "--until", "2024-03-12") == ["Kharkiv", "Odesa"]
    assert ids("--since", "2024-03-13") == []
    assert ids("--type", "protest_unrest") == []
    assert ids("--type", "casualties,airstrike_shelling", "--bbox", "30,46,31,47") == ["Odesa"]
    assert ids("--q", "odesa") == ["Odesa"] and ids("--q", "kharkiv odesa") == []


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--bbox", "35,49,37"], "--bbox"),
        (["--since", "12/03/2024"], "--since"),
        (["--type", "bombing"], "--type 'bombing'"),
        (["--country", "UKR"], "--country"),
        (["--q", '""'], "--q"),
    ],
)
def test_incidents_bad_filters_exit_2(capsys, db, flags, message):
    code, out, err = run(capsys, "incidents", "--db", db, *flags)
    assert code == EXIT_USAGE and out == "" and err.count("\n") == 1 and message in err


def test_incidents_unknown_format_is_a_usage_error(capsys, db):
    with pytest.raises(SystemExit) as info:  # argparse's own check, as for every command
        main(["incidents", "--db", str(db), "--format", "kml"])
    assert info.value.code == EXIT_USAGE and "invalid choice" in capsys.readouterr().err


def test_incidents_never_overwrite_a_users_file_without_force(capsys, db, tmp_path):
    mine = tmp_path / "mine.geojson"
    mine.write_text("my own data\n", encoding="utf-8")
    code, _, err = run(capsys, "incidents", "--db", db, "-o", mine)
    assert code == EXIT_USAGE and one_line_error(err) and "--force" in err
    assert mine.read_text(encoding="utf-8") == "my own data\n"
    assert run(capsys, "incidents", "--db", db, "-o", mine, "--force")[0] == EXIT_OK
    assert run(capsys, "incidents", "--db", db, "-o", mine)[0] == EXIT_OK  # now geomap's own: replaced
    assert json.loads(mine.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


# --------------------------------------------------------------------------- map --db


def test_map_draws_the_store(capsys, db, tmp_path):
    out = tmp_path / "store.html"
    code, _, err = run(capsys, "map", "--db", db, "--tiles", "none", "-o", out, "--country", "UA")
    assert code == EXIT_OK and "2 incidents" in err
    html = out.read_text(encoding="utf-8")
    assert '<meta name="generator" content="geomap' in html
    assert "2 report(s)" in html and "Kharkiv block hit" in html  # the merged incident lists its articles
    assert "reports say 7" in html  # the range of the stated tolls


def test_map_usage_errors(capsys, db, tmp_path, parsed_file):
    for argv, message in (
        (["map"], "give the files to map"),
        (["map", parsed_file, "--db", db], "not both"),
        (["map", parsed_file, "--since", "2024"], "add --db"),
    ):
        code, _, err = run(capsys, *argv)
        assert code == EXIT_USAGE and one_line_error(err) and message in err
    code, _, err = run(capsys, "map", "--db", db, "--type", "protest_unrest", "-o", tmp_path / "m.html")
    assert code == EXIT_EMPTY and one_line_error(err) and not (tmp_path / "m.html").exists()


# --------------------------------------------------------------------------- batch --db


def test_batch_adds_its_articles_to_the_store(tmp_path, geoparser):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        summary = run_batch(str(source), tmp_path / "out", parser=geoparser, progress=False, store=store)
        assert (summary.stored.added, summary.stored.incidents, summary.stored.merged) == (3, 2, 1)
        again = run_batch(str(source), tmp_path / "out", parser=geoparser, progress=False, store=store)
        assert again.skipped == 3 and (again.stored.added, again.stored.unchanged) == (0, 3)
        assert store.stats()["incidents"] == 2


def test_batch_db_option(capsys, tmp_path, monkeypatch, geoparser, store_location):
    monkeypatch.setattr(batch, "cached_parser", lambda index_path=None: geoparser)
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES[1:]), encoding="utf-8")
    code, _, err = run(capsys, "batch", source, "--out", tmp_path / "out", "--db", store_location)
    assert code == EXIT_OK
    assert "batch: store: added 2 article(s), 2 new incident(s), 0 report(s) merged" in err
    with Store(store_location, create=False) as store:
        assert store.stats()["articles"] == 2


def test_a_store_this_process_may_not_write_is_read(capsys, tmp_path, parsed_file, monkeypatch):
    import geomap.store.schema

    store = tmp_path / "shared.db"
    assert run(capsys, "add", parsed_file, "--db", store)[0] == EXIT_OK
    before = store.read_bytes()
    # as for a user who may only read the file and its folder (root may write anything, so say so)
    real_access = os.access
    monkeypatch.setattr(
        geomap.store.schema.os, "access", lambda p, mode: False if mode & os.W_OK else real_access(p, mode)
    )
    code, out, err = run(capsys, "incidents", "--db", store, "--format", "jsonl")
    assert code == EXIT_OK, err
    assert len(out.splitlines()) == 2  # the two strikes
    assert run(capsys, "map", "--db", store, "-o", tmp_path / "m.html")[0] == EXIT_OK
    assert store.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.html", "shared.db"]  # no journal files
    # and the connection cannot write, as the operating system would refuse
    new = {**json.loads(parsed_file.read_text(encoding="utf-8").splitlines()[0]), "id": "another-wire"}
    with Store(store, create=False) as opened, pytest.raises(StoreError, match="readonly"):
        opened.add(article_from_dict(new, "x"))
