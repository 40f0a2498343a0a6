import json
import re
from pathlib import Path

import pytest

from geomap.render import incident_popup, render_html, render_map, safe_url

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "red-sea-shipping.txt"

#: Would mark the page if it ran: the tests look for these marks.
PAYLOAD = (
    "Clashes broke out in Aden on Monday. "
    "<script>document.body.setAttribute('data-pwned', 'script')</script> "
    "<img src=x onerror=\"document.title='pwned'\"> Gunmen attacked a checkpoint in Aden. "
    "`${document.title='pwned'}` \\u0022 </script><b id=pwned>bold</b>"
)

#: Test harness, appended to a copy of a map: shows every popup and tooltip through Leaflet's
#: own setContent (innerHTML), then marks the page as done.
HARNESS = """<script>
window.addEventListener('load', function () {
  try {
    var map = Object.keys(window).filter(function (k) { return k.indexOf('map_') === 0; })
      .map(function (k) { return window[k]; }).filter(function (m) { return m instanceof L.Map; })[0];
    var shown = 0;
    function show(layer) {
      var p = layer.getPopup && layer.getPopup();
      if (p) { L.popup({autoClose: false, closeOnClick: false}).setLatLng(map.getCenter())
        .setContent(p.getContent()).addTo(map); shown++; }
      var t = layer.getTooltip && layer.getTooltip();
      if (t) { L.tooltip({permanent: true}).setLatLng(map.getCenter())
        .setContent(t.getContent()).addTo(map); }
    }
    Object.keys(window).forEach(function (k) {
      var v = window[k];
      if (k.indexOf('incident_cluster_') === 0) { v.getLayers().forEach(show); }
      if (k.indexOf('geo_json_layer_') === 0) { v.eachLayer(show); }
    });
    document.body.setAttribute('data-popups', shown);
  } catch (e) { document.body.setAttribute('data-harness-error', String(e)); }
});
</script>"""


@pytest.fixture(scope="module")
def example(geoparser):
    return geoparser.parse(
        EXAMPLE.read_text(encoding="utf-8"),
        id="red-sea",
        date="2024-03-12",
        url="https://example.org/red-sea",
    )


@pytest.fixture(scope="module")
def others(geoparser):
    a = geoparser.parse(
        "Protesters marched in Nairobi on Friday. Police arrested 20 people in Mombasa.",
        id="kenya",
        title="Kenya protests",
        date="2024-05-10",
    )
    b = geoparser.parse(
        "An airstrike hit Kharkiv on Sunday, killing three people.", id="ukraine", date="2024-06-02"
    )
    return [a, b]


@pytest.fixture(scope="module")
def evil(geoparser):
    return geoparser.parse(
        PAYLOAD,
        id="evil",
        title="<script>document.body.setAttribute('data-pwned','title')</script><i>t</i>",
        date="2024-03-12",
        url="javascript:document.title='pwned'",
    )


def located(articles):
    return sum(1 for a in articles for i in a.incidents if i.place is not None)


def test_page_is_self_contained(example):
    html = render_html([example])
    assert not re.search(r"<script[^>]+src=", html) and not re.search(r"<link[^>]+href=", html)
    urls = set(re.findall(r"""https?://[^\s"'<>)\\]+""", html))
    # Only the tiles and attribution/credit links are remote; nothing is loaded from them but tiles.
    assert any("tile.openstreetmap.org" in u for u in urls)
    assert html.startswith("<!DOCTYPE html>") and '<meta name="generator" content="geomap' in html[:4096]


def test_same_input_same_bytes(example, others):
    assert render_html([example, *others]) == render_html([example, *others])


def test_no_tiles_means_no_network_url(example, offline_chromium, tmp_path):
    html = render_html([example], tiles=None)
    assert "tile.openstreetmap.org" not in html
    page = tmp_path / "plain.html"
    page.write_text(html, encoding="utf-8")
    assert marker_count(offline_chromium(page)) == located([example]) > 0


def test_popup_marks_trigger_and_place(example):
    inc = next(i for i in example.incidents if i.place is not None and i.location_name)
    popup = incident_popup(inc, example)
    assert '<mark class="geomap-trigger">' in popup and '<mark class="geomap-loc">' in popup
    assert 'href="https://example.org/red-sea"' in popup and "confidence" in popup


def test_seas_are_areas(example):
    fmap = render_map([example])
    layer = next(c for c in fmap._children.values() if type(c).__name__ == "GeoJsonLayer")
    kinds = {f["geometry"]["type"] for f in layer.data["features"]}
    red_sea = next(f for f in layer.data["features"] if "Red Sea" in f["properties"]["tooltip"])
    assert red_sea["geometry"]["type"] == "Polygon" and kinds == {"Point", "Polygon"}


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JAVASCRIPT:x", "data:text/html,x", "", None])
def test_only_http_links(url):
    assert safe_url(url) is None
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"


def marker_count(dom: str) -> int:
    """Incident markers in the rendered DOM: single ones plus the counts on the cluster icons."""
    single = len(re.findall(r'class="[^"]*\bgeomap-incident\b', dom))
    clustered = re.findall(r'class="[^"]*\bmarker-cluster\b[^"]*"[^>]*><div><span>(\d+)</span>', dom)
    return single + sum(int(n) for n in clustered)


def test_chromium_shows_the_article_map_offline(example, offline_chromium, tmp_path):
    page = tmp_path / "one.html"
    page.write_text(render_html([example]), encoding="utf-8")
    dom = offline_chromium(page)
    assert marker_count(dom) == located([example]) > 0
    assert len(re.findall(r'class="[^"]*\bgeomap-place\b', dom)) >= 5
    assert "geomap-area" in dom  # the Red Sea drawn as its extent
    assert "geomap-legend" in dom and "maritime attack" in dom


def test_chromium_shows_the_layered_map_offline(example, others, offline_chromium, tmp_path):
    articles = [example, *others]
    page = tmp_path / "layered.html"
    page.write_text(render_html(articles), encoding="utf-8")
    dom = offline_chromium(page)
    assert marker_count(dom) == located(articles)
    labels = re.findall(r'leaflet-control-layers-selector"[^>]*><span> (.*?)</span></label>', dom, re.S)
    for article in articles:
        assert any((article.title or article.id) in label for label in labels), article.id
    assert "geomap-slider" in dom and 'type="range"' in dom  # the incidents have several dates


def test_planted_script_does_not_run(evil, offline_chromium, tmp_path):
    html = render_html([evil])
    page = tmp_path / "evil.html"
    page.write_text(html.replace("</body>", HARNESS + "</body>"), encoding="utf-8")
    dom = offline_chromium(page)
    assert 'data-harness-error="' not in dom
    assert int(re.search(r'data-popups="(\d+)"', dom).group(1)) >= 2  # the popups were rendered
    assert 'data-pwned="' not in dom and "pwned</title>" not in dom and 'id="pwned"' not in dom
    assert "<img src=" not in dom
    assert "onerror=" in dom and "&lt;script&gt;" in dom  # shown as text
    assert 'href="javascript' not in dom


def test_parsed_json_round_trip(example, tmp_path):
    from geomap.parsed_io import read_parsed

    path = tmp_path / "parsed.jsonl"
    path.write_text(json.dumps(example.to_dict()) + "\n", encoding="utf-8")
    (again,) = read_parsed(path)
    assert [p.place.name for p in again.places] == [p.place.name for p in example.places]
    assert again.incidents == example.incidents or len(again.incidents) == len(example.incidents)
    assert any(p.place.bbox for p in again.places)  # seas keep their extent
    assert render_html([again]).count("geomap-incident") == render_html([example]).count("geomap-incident")


def test_template_syntax_in_articles_stays_text(geoparser):
    """branca compiles rendered output as Jinja templates; article text must never run as one."""
    braces = geoparser.parse(
        "An airstrike killed 12 people in Rafah {{ 7*7 }} {% if true %}yes{% endif %} on Tuesday.",
        id="braces {{ 6*7 }}",
        title="Rafah {{ 5*5 }} {# open comment",
    )
    plain = geoparser.parse("Protesters gathered in Cairo, Egypt, on Monday.", id="plain")
    html = render_html([braces, plain])
    assert "Rafah {{ 7*7 }} {% if true %}yes" in html  # in the incident popup
    assert '"Rafah {{ 5*5 }} {# open comment" :' in html  # the layer name, in the layer control
    assert "Rafah 49" not in html and "Rafah 25" not in html


def test_popup_says_whether_the_incident_happened(geoparser):
    art = geoparser.parse("The Houthis threatened to strike Tel Aviv.", id="t")
    (inc,) = art.incidents
    assert "modality: threatened" in incident_popup(inc, art)
