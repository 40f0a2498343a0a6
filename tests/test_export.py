import csv
import html
import io
import json
import re
import shutil
import subprocess

import pytest

from geomap.outputs import export
from geomap.outputs.export import CSV_COLUMNS, dumps_csv, dumps_kml, to_geojson
from geomap.outputs.render import render_map

PLACE_KEYS = {
    "kind", "name", "mentions", "geonameid", "feature_type", "country_code", "confidence",
    "mention_count", "sentences", "incident_ids", "article_ids",
}  # fmt: skip


@pytest.fixture(scope="module")
def two_articles(geoparser):
    a = geoparser.parse("Ships were attacked in the Red Sea near Hodeidah, Yemen.", id="a", title="A")
    b = geoparser.parse("Ships waited in the Red Sea off Jeddah, Saudi Arabia.", id="b", title="B")
    return [a, b]


def test_geojson_follows_the_contract(two_articles):
    geo = to_geojson(two_articles)
    assert geo["type"] == "FeatureCollection" and "crs" not in geo
    places = [f for f in geo["features"] if f["properties"]["kind"] == "place"]
    red_sea = [f for f in places if f["properties"]["name"] == "Red Sea"]
    assert len(red_sea) == 1, "one feature per place across articles"
    props = red_sea[0]["properties"]
    assert set(props) >= PLACE_KEYS
    assert props["article_ids"] == ["a", "b"] and props["mention_count"] == 2
    lon, lat = red_sea[0]["geometry"]["coordinates"]
    assert 32 < lon < 44 and 12 < lat < 30  # [lon, lat] order
    json.dumps(geo)  # serialisable as is


def test_ogrinfo_reads_the_geojson(two_articles, tmp_path):
    ogrinfo = shutil.which("ogrinfo")
    assert ogrinfo, "ogrinfo (gdal-bin) is installed by scripts/setup.sh"
    path = tmp_path / "out.geojson"
    path.write_text(json.dumps(to_geojson(two_articles)), encoding="utf-8")
    proc = subprocess.run([ogrinfo, "-ro", "-al", "-so", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and "ERROR" not in proc.stderr
    count = len(to_geojson(two_articles)["features"])
    assert f"Feature Count: {count}" in proc.stdout


def test_map_escapes_article_text(geoparser):
    evil = geoparser.parse(
        'Clashes in Aden. <script>alert("x")</script> <img src=x onerror=alert(1)> in Aden.',
        id="evil",
        title="<script>alert('title')</script>",
    )
    html = render_map([evil]).get_root().render()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)" in html  # the title box
    assert "\\u0026lt;script\\u0026gt;alert" in html  # the popups' data: escaped, then JSON-escaped


def ogrinfo(path, *options):
    exe = shutil.which("ogrinfo")
    assert exe, "ogrinfo (gdal-bin) is installed by scripts/setup.sh"
    proc = subprocess.run([exe, "-ro", "-al", "-so", *options, str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def with_incidents(geoparser):
    text = (
        "Houthi forces fired missiles at a ship in the Red Sea on Tuesday, killing three sailors. "
        'Officials met at an undisclosed location on Monday. He said "=cmd|calc" was a rumour.'
    )
    return [geoparser.parse(text, id="inc", title="Incidents", date="2024-03-12", url="https://e.org/x")]


def test_geojson_incidents_have_null_geometry_when_unknown(with_incidents):
    incidents = [f for f in to_geojson(with_incidents)["features"] if f["properties"]["kind"] == "incident"]
    assert any(f["geometry"] is None for f in incidents)
    assert any(f["geometry"] and f["geometry"]["type"] == "Point" for f in incidents)


def test_csv_one_row_per_incident(with_incidents, tmp_path):
    text = dumps_csv(with_incidents)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(with_incidents[0].incidents)
    sea = next(r for r in rows if r["location"] == "Red Sea")
    assert sea["incident_type"] == "maritime_attack" and float(sea["longitude"]) > 30
    assert any(r["latitude"] == "" for r in rows)  # the undisclosed location
    assert export._cell("=cmd|calc") == "'=cmd|calc" and export._cell("Aden") == "Aden"  # no formulas
    path = tmp_path / "out.csv"
    path.write_bytes(text.encode("utf-8"))
    info = ogrinfo(path, "-oo", "X_POSSIBLE_NAMES=longitude", "-oo", "Y_POSSIBLE_NAMES=latitude")
    assert f"Feature Count: {len(rows)}" in info


def test_ogrinfo_reads_the_kml(with_incidents, tmp_path):
    path = tmp_path / "out.kml"
    path.write_text(dumps_kml(with_incidents), encoding="utf-8")
    info = ogrinfo(path)
    art = with_incidents[0]
    placed = sum(1 for i in art.incidents if i.place is not None)
    counts = dict(re.findall(r"Layer name: (.+)\n(?:.*\n)*?Feature Count: (\d+)", info))
    assert counts["Places"] == str(len(art.places))
    assert counts["Incidents"] == str(placed)
    assert counts["Incidents without location"] == str(len(art.incidents) - placed)


def test_modality_is_the_last_csv_column_and_in_the_kml(geoparser):
    art = geoparser.parse("Troops could storm Rafah within days.", id="m", date="2024-03-12")
    rows = list(csv.DictReader(io.StringIO(dumps_csv([art]))))
    assert CSV_COLUMNS[-1] == "modality" and CSV_COLUMNS[0] == "event_id"
    assert [(r["incident_type"], r["modality"]) for r in rows] == [("military_plan", "possible")]
    assert "<b>modality</b>: possible" in html.unescape(dumps_kml([art]))
