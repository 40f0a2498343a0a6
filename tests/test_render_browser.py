"""Maps opened in headless Chromium (Debian's, driven by Playwright) with the network cut off.

What a reader sees: the basemap draws, the layer control is folded, the incident panel opens
popups and follows the filters, and no article string runs as code.
"""

import base64
import http.server
import re
import socket
import threading
from pathlib import Path

import pytest

from geomap.incidents.incident import Incident
from geomap.model import ParsedArticle, ResolvedPlace
from geomap.outputs.map_style import LAND, SEA
from geomap.outputs.render import render_html
from geomap.place import Place

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "red-sea-shipping.txt"
LONG_TITLE = "Kenya: protesters march in Nairobi and police arrest twenty people in Mombasa on Friday"

#: The page's map object, and the panel's visible rows.
FIND_MAP = (
    """() => window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)]"""
)
VISIBLE_ROWS = """() => [...document.querySelectorAll('.geomap-panel-row')]
    .filter(r => r.style.display !== 'none').map(r => r.textContent)"""


@pytest.fixture(scope="module")
def example(geoparser):
    return geoparser.parse(EXAMPLE.read_text(encoding="utf-8"), id="red-sea", date="2024-03-12")


@pytest.fixture(scope="module")
def layered(geoparser, example):
    kenya = geoparser.parse(
        "Protesters marched in Nairobi on Friday. Police arrested 20 people in Mombasa.",
        id="kenya",
        title=LONG_TITLE,
        date="2024-05-10",
    )
    ukraine = geoparser.parse(
        "An airstrike hit Kharkiv on Sunday, killing three people.", id="ukraine", date="2024-06-02"
    )
    return [example, kenya, ukraine]


def write(tmp_path, name, articles, **kwargs):
    page = tmp_path / name
    page.write_text(render_html(articles, **kwargs), encoding="utf-8")
    return page


def pixels(opened, png, points):
    """The colours (``#rrggbb``) of a PNG at ``points`` and its colour counts, decoded by Chromium."""
    src = "data:image/png;base64," + base64.b64encode(png).decode()
    return opened.page.evaluate(
        """async ([src, points]) => {
            const img = new Image(); img.src = src; await img.decode();
            const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
            const g = c.getContext('2d'); g.drawImage(img, 0, 0);
            const px = g.getImageData(0, 0, c.width, c.height).data;
            const hex = i => '#' + [px[i], px[i + 1], px[i + 2]]
                .map(v => v.toString(16).padStart(2, '0')).join('');
            const counts = {};
            for (let i = 0; i < px.length; i += 4) { const k = hex(i); counts[k] = (counts[k] || 0) + 1; }
            const at = points.map(([x, y]) => hex((Math.round(y) * c.width + Math.round(x)) * 4));
            return {at: at, counts: counts, total: c.width * c.height};
        }""",
        [src, points],
    )


def basemap_only(opened, latlngs, keep=("geomap-basemap",)):
    """Screenshot with everything but the basemap (and ``keep``) hidden; colours at ``latlngs``."""
    page = opened.page
    kept = "".join(f":not(.leaflet-{name}-pane)" for name in keep)
    page.add_style_tag(
        content=f".leaflet-map-pane>.leaflet-pane{kept},.leaflet-control-container,.geomap-title"
        "{visibility:hidden!important}"
    )
    points = page.evaluate(
        f"(lls) => {{ const map = ({FIND_MAP})(); map.invalidateSize(); "
        "return lls.map(ll => { const p = map.latLngToContainerPoint(ll); return [p.x, p.y]; }); }",
        latlngs,
    )
    page.wait_for_timeout(300)
    return pixels(opened, page.screenshot(), points)


def test_playwright_cuts_the_network(open_offline, tmp_path):
    """A page asking this machine's non-loopback address for an image gets nothing, and asks nobody."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("10.255.255.255", 1))  # sends nothing: picks the outgoing address
        address = s.getsockname()[0]
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("0.0.0.0", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        probe = tmp_path / "probe.html"
        url = f"http://{address}:{server.server_port}/x.gif"
        probe.write_text(
            f'<img src="{url}" onload="document.body.dataset.net=\'open\'" '
            "onerror=\"document.body.dataset.net='cut'\">",
            encoding="utf-8",
        )
        opened = open_offline(probe)
        opened.page.wait_for_function("document.body.dataset.net !== undefined")
        assert opened.page.evaluate("document.body.dataset.net") == "cut"
        assert opened.blocked == [url] and not hits
    finally:
        server.shutdown()


def test_basemap_draws_without_tiles(example, open_offline, tmp_path):
    opened = open_offline(write(tmp_path, "plain.html", [example], tiles=None))
    assert not opened.blocked and not opened.errors
    # Sanaa and Cairo on land, the middle of the Red Sea and the Mediterranean off Egypt at sea.
    shot = basemap_only(opened, [[15.35, 44.21], [30.06, 31.25], [20.0, 38.5], [33.0, 28.0]])
    counts = shot["counts"]
    assert max(counts.values()) < 0.95 * shot["total"], "one flat colour"
    assert (
        counts.get(LAND.lower(), 0) > 0.05 * shot["total"]
        and counts.get(SEA.lower(), 0) > 0.05 * shot["total"]
    )
    assert shot["at"] == [LAND.lower(), LAND.lower(), SEA.lower(), SEA.lower()]


def test_the_basemap_labels_capitals_first_and_more_towns_as_one_zooms_in(example, open_offline, tmp_path):
    opened = open_offline(write(tmp_path, "labels.html", [example], tiles=None))
    page = opened.page
    names = "() => [...document.querySelectorAll('.geomap-city-label')].map(e => e.textContent)"
    labels = "document.querySelectorAll('.geomap-city-label span')"
    boxes = f"() => [...{labels}].map(e => e.getBoundingClientRect())"
    wide = page.evaluate(names)
    assert {"Cairo", "Sanaa", "Riyadh"} <= set(wide), wide  # capitals in the Red Sea view
    placed = page.evaluate(f"() => ({boxes})().map(r => r.toJSON())")
    for k, a in enumerate(placed):  # no label over another
        for b in placed[k + 1 :]:
            apart = a["right"] <= b["left"] or b["right"] <= a["left"]
            assert apart or a["bottom"] <= b["top"] or b["bottom"] <= a["top"], (a, b)
    page.evaluate(f"() => {{ ({FIND_MAP})().setView([15.3, 44.2], 8, {{animate: false}}); }}")  # near Sanaa
    close = page.evaluate(names)
    assert "Sanaa" in close and len(set(close) - set(wide)) >= 1  # more towns as one zooms in
    assert "Cairo" not in close  # out of view: no longer drawn
    assert not opened.errors


def test_basemap_shows_where_tiles_fail(example, open_offline, tmp_path):
    opened = open_offline(write(tmp_path, "tiles.html", [example]))  # OpenStreetMap tiles, all blocked
    assert any("tile.openstreetmap.org" in url for url in opened.blocked)
    shot = basemap_only(opened, [[15.35, 44.21], [20.0, 38.5]], keep=("geomap-basemap", "tile"))
    assert shot["at"] == [LAND.lower(), SEA.lower()]


def test_layer_control_starts_folded_with_short_names(layered, open_offline, tmp_path):
    opened = open_offline(write(tmp_path, "layered.html", layered, tiles=None))
    page = opened.page
    control = page.locator(".leaflet-control-layers")
    assert "leaflet-control-layers-expanded" not in control.get_attribute("class")
    assert not page.locator(".leaflet-control-layers-list").is_visible()
    names = page.locator(".geomap-layer-name")
    titles = [names.nth(i).get_attribute("title") for i in range(names.count())]
    texts = [names.nth(i).text_content() for i in range(names.count())]
    assert titles == [layered[0].title or "red-sea", LONG_TITLE, "ukraine"]  # the id when no title
    assert texts[1].endswith("…") and len(texts[1]) <= 40 and LONG_TITLE.startswith(texts[1][:-1])
    control.hover()
    assert page.locator(".leaflet-control-layers-list").is_visible()  # opens on hover


def test_panel_click_opens_the_incident_popup(example, open_offline, tmp_path):
    opened = open_offline(write(tmp_path, "panel.html", [example], tiles=None))
    page = opened.page
    rows = page.evaluate(VISIBLE_ROWS)
    located = [i for i in example.incidents if i.place is not None]
    assert len(rows) == len(located) > 3
    dates = [m.group(0) if (m := re.search(r"\d{4}-\d\d(-\d\d)?", r)) else "~" for r in rows]
    assert dates == sorted(dates)  # by date, undated ("date unknown") last
    page.locator(".geomap-panel-row", has_text="Hodeidah").filter(has_text="airstrike").click()
    popup = page.locator(".leaflet-popup-content", has_text="Hodeidah")
    popup.wait_for(state="visible", timeout=5000)
    assert page.locator(".leaflet-popup-content").count() == 1
    assert "airstrike shelling" in popup.text_content()
    assert popup.locator("mark.geomap-loc").text_content() == "Hodeidah"
    # Rafah's strike lies 10 km from Khan Younis: the map stops at a regional zoom, where the
    # two still share a cluster, and opens it as a spider rather than diving to street level
    page.locator(".geomap-panel-row", has_text="Rafah").first.click()
    page.locator(".leaflet-popup-content", has_text="Rafah").wait_for(state="visible", timeout=5000)
    zoom = page.evaluate("() => window[Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))].getZoom()")
    assert zoom == 8
    assert not opened.errors


def test_an_approximate_point_says_so_and_shows_its_ring(example, open_offline, tmp_path):
    """The ship attacked "about 50 nautical miles west of Hodeidah" lies within 23 km of its point."""
    opened = open_offline(write(tmp_path, "ring.html", [example], tiles=None))
    page = opened.page
    ship = page.locator(".geomap-panel-row", has_text="maritime attack")
    assert "Hodeidah (approx.)" in ship.text_content()
    assert "(approx.)" not in page.locator(".geomap-panel-row", has_text="Rafah").first.text_content()
    assert page.locator("path.geomap-ring").count() == 0  # no ring until a marker is looked at
    ship.click()
    popup = page.locator(".leaflet-popup-content", has_text="nautical miles")
    popup.wait_for(state="visible", timeout=5000)
    assert re.search(r"west of Hodeidah: offset, approx\., within 23\.\d km", popup.text_content())
    ring = page.locator("path.geomap-ring")
    assert ring.count() == 1
    box = ring.bounding_box()
    assert box is not None and box["width"] > 20  # 46 km across, at the zoom the popup opened at
    page.locator(".leaflet-popup-close-button").click()
    page.wait_for_function("document.querySelectorAll('path.geomap-ring').length === 0", timeout=5000)
    assert not opened.errors


def test_panel_follows_type_layers_and_time_slider(layered, open_offline, tmp_path):
    opened = open_offline(write(tmp_path, "filters.html", layered, tiles=None))
    page = opened.page
    every = page.evaluate(VISIBLE_ROWS)
    assert any("Kharkiv" in r for r in every) and any("Nairobi" in r for r in every)
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays label", has_text="airstrike shelling").locator(
        "input"
    ).click()
    rows = page.evaluate(VISIBLE_ROWS)
    assert rows and not any(r.startswith("airstrike shelling") for r in rows)
    assert len(rows) == len(every) - sum(r.startswith("airstrike shelling") for r in every)
    head = page.locator(".geomap-panel-head").text_content()
    assert head.endswith(f"{len(rows)} of {len(every)}")
    # The slider one date back: the last date's incidents (Kharkiv) go, the others stay.
    slider = page.locator(".geomap-slider input")
    slider.evaluate("el => { el.value = el.max - 1; el.dispatchEvent(new Event('input')); }")
    upto = page.locator(".geomap-slider-date").text_content().strip()
    later = page.evaluate(VISIBLE_ROWS)
    assert upto == "2024-05-10" and not any("Kharkiv" in r for r in later)
    assert any("Nairobi" in r for r in later) and len(later) == len(rows)  # Kharkiv was an airstrike


def test_map_opens_on_the_incidents(layered, open_offline, tmp_path):
    opened = open_offline(write(tmp_path, "view.html", layered[1:2], tiles=None))
    view = opened.page.evaluate(
        f"() => {{ const b = ({FIND_MAP})().getBounds(); "
        "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    points = [(i.place.lon, i.place.lat) for i in layered[1].incidents if i.place]
    west, south, east, north = view
    assert len(points) == 2 and all(west <= lon <= east and south <= lat <= north for lon, lat in points)
    assert east - west < 15  # Nairobi to Mombasa, not the world nor the whole of Kenya's neighbours


# --------------------------------------------------------------------------- untrusted text

PAYLOAD = "<img src=x onerror=\"window.__pwned='panel'\"><script>window.__pwned='script'</script>"


def planted_article() -> ParsedArticle:
    """An article whose place name, title and sentence are script payloads (built directly, so
    the payload reaches the panel whatever the parser makes of it)."""
    place = Place(
        id="x1", name=f"Aden {PAYLOAD}", feature_type="city", lat=12.78, lon=45.04, country_code="YE"
    )
    sentence = f"Gunmen attacked a checkpoint in Aden {PAYLOAD}."
    incidents = tuple(
        Incident(
            id=f"evil-e{k}", article_id="evil", incident_type=kind, sentence=sentence, sentence_start=0,
            sentence_end=len(sentence), trigger="attacked", trigger_start=7, trigger_end=15,
            location_name=f"Aden {PAYLOAD}", location_start=32, location_end=32 + 5 + len(PAYLOAD),
            place=place, precision="city", actors=(PAYLOAD,), fatalities=k, affected=None,
            date=f"2024-03-1{k}", confidence=0.8,
        )
        for k, kind in enumerate(("armed_attack", PAYLOAD))
    )  # fmt: skip
    rp = ResolvedPlace(place=place, confidence=0.9, mentions=(place.name,), mention_count=1,
                       sentences=(sentence,), article_ids=("evil",))  # fmt: skip
    return ParsedArticle(id="evil", text=sentence, title=PAYLOAD * 2, date="2024-03-12",
                         url="javascript:window.__pwned='link'", mentions=(), places=(rp,),
                         incidents=incidents)  # fmt: skip


def test_article_strings_in_the_panel_stay_text(evil, open_offline, tmp_path):
    """The parsed payload article and a built one whose every string is a payload: open every
    panel row's popup and hover every layer name; nothing runs, everything shows as text."""
    opened = open_offline(write(tmp_path, "evil.html", [evil, planted_article()], tiles=None))
    page = opened.page
    rows = page.locator(".geomap-panel-row")
    assert rows.count() >= 3
    for i in range(rows.count()):
        rows.nth(i).click()
        page.locator(".leaflet-popup-content").last.wait_for(state="visible", timeout=5000)
    page.locator(".leaflet-control-layers").hover()
    for i in range(page.locator(".geomap-layer-name").count()):
        page.locator(".geomap-layer-name").nth(i).hover()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert page.locator('img[src="x"]').count() == 0  # the payload never became an element
    assert page.locator(".geomap-panel script, .leaflet-popup-pane script, .geomap-layer-name *").count() == 0
    panel = page.locator(".geomap-panel").text_content()
    assert f"Aden {PAYLOAD}" in panel  # shown as the text it is
    assert page.locator(".geomap-layer-name").nth(1).get_attribute("title") == PAYLOAD * 2
    assert page.locator('a[href^="javascript"]').count() == 0
    assert not opened.errors and not opened.blocked


@pytest.fixture(scope="module")
def evil(geoparser):
    text = (
        "Clashes broke out in Aden on Monday. <script>window.__pwned='script'</script> "
        "<img src=x onerror=\"window.__pwned='img'\"> Gunmen attacked a checkpoint in Aden. "
        "`${window.__pwned='template'}` </script><b id=pwned>bold</b>"
    )
    return geoparser.parse(text, id="evil", title="<script>window.__pwned='title'</script><i>t</i>",
                           date="2024-03-12", url="javascript:window.__pwned='url'")  # fmt: skip


def many_incidents(n: int) -> ParsedArticle:
    """One article with ``n`` dated incidents in two towns."""
    towns = [Place(id=f"t{i}", name=f"Town {i}", feature_type="city", lat=10 + i, lon=40 + i) for i in (0, 1)]
    sentence = "Gunmen attacked a convoy near Town 0."
    incidents = tuple(
        Incident(
            id=f"m-e{k}", article_id="m", incident_type="armed_attack", sentence=sentence, sentence_start=0,
            sentence_end=len(sentence), trigger="attacked", trigger_start=7, trigger_end=15,
            location_name=towns[k % 2].name, location_start=None, location_end=None, place=towns[k % 2],
            precision="city", actors=(), fatalities=k, affected=None, date=f"2024-{1 + k % 12:02d}-01",
            confidence=0.8,
        )
        for k in range(n)
    )  # fmt: skip
    rps = tuple(ResolvedPlace(place=t, confidence=0.9, mentions=(t.name,), mention_count=1, sentences=(),
                              article_ids=("m",)) for t in towns)  # fmt: skip
    return ParsedArticle(id="m", text=sentence, title="Many", date="2024-12-01", url=None, mentions=(),
                         places=rps, incidents=incidents)  # fmt: skip


def test_panel_shows_a_long_list_a_page_at_a_time(open_offline, tmp_path):
    opened = open_offline(write(tmp_path, "many.html", [many_incidents(450)], tiles=None))
    page = opened.page
    assert page.locator(".geomap-panel-head").text_content() == "Incidents by date: 450"
    assert page.locator(".geomap-panel-row").count() == 200
    more = page.locator(".geomap-panel-more")
    assert more.text_content() == "Show 200 more"
    more.click()
    more.click()
    assert page.locator(".geomap-panel-row").count() == 450 and not more.is_visible()
    rows = page.locator(".geomap-panel-row").all_text_contents()
    assert rows[0].startswith("armed attack · 2024-01-01")
    assert rows[-1].startswith("armed attack · 2024-12-01")  # by date across the pages
    page.locator(".geomap-panel-row").nth(449).click()  # the last page's rows open their popups too
    page.locator(".leaflet-popup-content").last.wait_for(state="visible", timeout=5000)
    assert not opened.errors
