import json
import re
from html import escape as html_escape
from html import unescape as html_unescape
from pathlib import Path

import pytest

from geomap.outputs.render import incident_popup, render_html, render_map, safe_url

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


def test_popup_quotes_the_sentence_that_names_a_place_told_later(example, geoparser):
    # the strike is placed by the next sentence's "… in the attack near the Bab el-Mandeb strait"
    told = geoparser.parse(
        "Missiles hit a cargo ship in the Red Sea on Tuesday, its operator said. "
        "Three crew members were killed in the attack near the Bab el-Mandeb strait."
    )
    (ship,) = told.incidents
    popup = incident_popup(ship, told)
    assert popup.count("<blockquote>") == 2
    assert 'the attack near the <mark class="geomap-loc">Bab el-Mandeb</mark> strait.</blockquote>' in popup
    rafah = next(i for i in example.incidents if i.location_name == "Rafah")
    assert incident_popup(rafah, example).count("<blockquote>") == 1  # its place is in its own sentence


def article_layer(fmap):
    return next(c for c in fmap._children.values() if type(c).__name__ == "GeoJsonLayer")


def test_real_shapes(example):
    """Seas are their Natural Earth polygons, named countries their outlines (and a label)."""
    from shapely.geometry import Point, box, shape

    features = article_layer(render_map([example])).data["features"]
    by_name = {f["properties"].get("tooltip") or f["properties"]["label"]: f for f in features}
    red_sea = shape(by_name["Red Sea"]["geometry"])
    assert red_sea.contains(Point(38.5, 20.0)) and not red_sea.contains(Point(31.25, 30.06))  # not Cairo
    assert red_sea.area < 0.5 * box(*red_sea.bounds).area  # a sea's shape, not its bbox
    assert shape(by_name["Bab el-Mandeb"]["geometry"]).geom_type in ("Polygon", "MultiPolygon")
    yemen = [f for f in features if "Yemen" in (f["properties"].get("tooltip"), f["properties"].get("label"))]
    (label,) = [f for f in yemen if "label" in f["properties"]]
    (outline,) = [f for f in yemen if f is not label]
    assert shape(outline["geometry"]).contains(Point(44.21, 15.35))  # Sanaa
    assert outline["properties"]["group"] == "country"
    assert label["geometry"]["type"] == "Point" and "popup" not in label["properties"]  # a label, no marker
    cities = [f for f in features if f["properties"].get("group") == "settlement"]
    assert cities and all(f["geometry"]["type"] == "Point" for f in cities)
    # the United States and Britain only strike and speak here: no incident is in them, so they
    # are plain markers, not outlines that would draw the eye across the Atlantic
    for actor in ("United States", "United Kingdom", "Israel"):
        (drawn,) = [f for f in features if f["properties"].get("tooltip") == actor]
        assert drawn["geometry"]["type"] == "Point" and drawn["properties"]["group"] == "country"
        assert not [f for f in features if f["properties"].get("label") == actor]


def test_geojson_export_keeps_points(example):
    from geomap.outputs.export import dumps_geojson

    kinds = {f["geometry"]["type"] for f in json.loads(dumps_geojson([example]))["features"] if f["geometry"]}
    assert kinds == {"Point"}


def test_palette_is_colour_blind_safe():
    from geomap.incidents.incident import INCIDENT_TYPES
    from geomap.outputs.map_style import INCIDENT_STYLE, OKABE_ITO

    assert set(INCIDENT_STYLE) == set(INCIDENT_TYPES)
    assert all(colour in OKABE_ITO for colour, _ in INCIDENT_STYLE.values())
    assert len(set(INCIDENT_STYLE.values())) == len(INCIDENT_STYLE)  # colour and shape tell every type apart


def test_legend_shows_each_types_marker(example):
    from geomap.outputs.map_style import icon_svg, incident_icon

    fmap = render_map([example], tiles=None)
    legend = next(c for c in fmap._children.values() if type(c).__name__ == "MapControl").html
    html = fmap.get_root().render()
    types = {i.incident_type for i in example.incidents if i.place}
    assert len(types) >= 4
    for t in types:
        assert incident_icon(t) + t.replace("_", " ") in legend
        assert f".geomap-i-{t}{{background-image:url(" in html  # one picture per type, in the page's CSS
    assert len({icon_svg(t) for t in types}) == len(types)


def test_layer_names_are_cut_with_full_text_on_hover(geoparser):
    from geomap.outputs.render import layer_name

    long = geoparser.parse("Protesters marched in Nairobi.", id="k", title="A <b>very</b> long title " * 4)
    untitled = geoparser.parse("Protesters marched in Nairobi.", id="plain-id")
    name = layer_name(long)
    shown = re.search(r">(.*)</span>$", name).group(1)
    assert shown.endswith("…") and len(html_unescape(shown)) <= 40 and "<b>" not in name
    assert f'title="{html_escape(" ".join(long.title.split()))}"' in name
    assert layer_name(untitled) == '<span class="geomap-layer-name" title="plain-id">plain-id</span>'
    html = render_html([long, untitled])
    assert '"collapsed": true' in html and html.count('class=\\"geomap-layer-name\\"') == 2


def test_articles_of_one_title_keep_a_layer_each(geoparser):
    a = geoparser.parse("Protesters marched in Nairobi.", id="a", title="Same title")
    b = geoparser.parse("Police arrested 20 people in Mombasa.", id="b", title="Same title")
    fmap = render_map([a, b])
    fmap.get_root().render()  # the layer control lists its layers when rendered
    control = next(c for c in fmap._children.values() if type(c).__name__ == "LayerControl")
    names = [n for n in control.overlays if "geomap-layer-name" in n]
    assert len(names) == 2 and 'title="Same title (b)"' in names[1]


def test_map_opens_on_the_incidents_never_wider_than_the_places(example, others):
    from geomap.outputs.basemap import load_basemap
    from geomap.outputs.render import view_bounds

    for articles in ([example], [example, *others], others[:1]):
        west, south, east, north = view_bounds(articles, load_basemap())
        incidents = [(i.place.lon, i.place.lat) for a in articles for i in a.incidents if i.place]
        places = [(rp.place.lon, rp.place.lat) for a in articles for rp in a.places]
        assert (west, east) == (min(x for x, _ in incidents), max(x for x, _ in incidents))
        assert (south, north) == (min(y for _, y in incidents), max(y for _, y in incidents))
        assert min(x for x, _ in places) <= west and east <= max(x for x, _ in places)
    only_countries = others[0].__class__(
        id="c", text="", title=None, date=None, url=None, mentions=(), incidents=(),
        places=tuple(rp for rp in example.places if rp.place.name == "Yemen"),
    )  # fmt: skip
    west, south, east, north = view_bounds([only_countries], load_basemap())
    assert 41 < west < 43 and 53 < east < 55 and 12 < south < 13 and 18 < north < 19.5  # Yemen's outline


def test_incidents_are_listed_by_date(example, others):
    from geomap.outputs.render import incident_data

    data = incident_data([*others, example], {"other", *(i.incident_type for a in (*others, example)
                                                         for i in a.incidents)})  # fmt: skip
    dates = [d["date"] for d in data]
    assert dates == sorted(dates, key=lambda d: (d is None, d or "")) and len(set(dates)) > 2
    hodeidah = next(d for d in data if d["place"] == "Hodeidah")
    assert hodeidah["t"] == "airstrike_shelling" and hodeidah["f"] is None


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
    from geomap.inputs.parsed import read_parsed

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
    # the layer name, in the layer control (title attribute and text, escaped, in JSON)
    assert (
        'title=\\"Rafah {{ 5*5 }} {# open comment\\"\\u003eRafah {{ 5*5 }} {# open comment\\u003c/span'
        in html
    )
    assert "Rafah 49" not in html and "Rafah 25" not in html


def test_popup_says_whether_the_incident_happened(geoparser):
    art = geoparser.parse("The Houthis threatened to strike Tel Aviv.", id="t")
    (inc,) = art.incidents
    assert "modality: threatened" in incident_popup(inc, art)
