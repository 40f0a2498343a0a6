import json
import shutil
import subprocess

import pytest

from geomap.export import to_geojson
from geomap.render import render_map

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
    assert "<script>alert" not in html
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;" in html
