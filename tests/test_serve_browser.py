"""geomap serve's pages in headless Chromium (Debian's, driven by Playwright) with the network cut
off: only the test's own server on 127.0.0.1 answers. What a user sees: a pasted article's
incidents on the map and in the table, the type filter, the GeoJSON download, and no article
string ever running as code."""

from __future__ import annotations

import json
import threading
import time

import pytest
import uvicorn

from geomap.cli.serve_commands import bind
from geomap.serve.app import create_app
from geomap.store.store import Store

#: Written for these tests.
STRIKE = "An airstrike hit Kharkiv on Monday, killing four people, the regional governor said."
PROTEST = "Thousands of people protested in Tbilisi on Monday against the new media law."
PAYLOAD = (
    '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script> '
    "An airstrike hit Kharkiv on Monday, killing four people. "
    '<svg onload="window.__pwned = 3"></svg>'
)
PANEL_HEAD = "() => (document.querySelector('.geomap-panel-head') || {}).textContent"


class LiveServer:
    """The app on a real uvicorn server in a thread, on a free port of 127.0.0.1."""

    def __init__(self, app) -> None:
        self.sock = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture
def served(tmp_path, geoparser):
    """``(server, store)``: a live server over a fresh store."""
    with Store(tmp_path / "web.db") as store:
        server = LiveServer(create_app(store, geoparser))
        yield server, store
        server.stop()


class ServedPage:
    """A page of the live server; every request elsewhere is aborted (and listed in ``blocked``)."""

    def __init__(self, browser, server: LiveServer, path: str) -> None:
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(
            viewport={"width": 1200, "height": 760}, service_workers="block", accept_downloads=True
        )
        self.context.route("**/*", self._route)
        self.origin = server.url
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(server.url + path, wait_until="load")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith((self.origin + "/", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@pytest.fixture(scope="module")
def loopback_browser(playwright_driver):
    """Debian's Chromium with the maps tests' flags, except that 127.0.0.1 skips the dead proxy
    (there, ``<-loopback>`` sends it through too); every other address still goes to the dead
    proxy, and each page's route aborts whatever is not the test server."""
    from conftest import CHROMIUM, CHROMIUM_FLAGS

    dropped = ("--headless", "--virtual-time", "--enable-logging", "--proxy-bypass-list")
    flags = [f for f in CHROMIUM_FLAGS if not f.startswith(dropped)] + ["--proxy-bypass-list=127.0.0.1"]
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=flags)
    yield browser
    browser.close()


@pytest.fixture
def open_served(loopback_browser):
    contexts = []

    def open_page(server, path):
        page = ServedPage(loopback_browser, server, path)
        contexts.append(page.context)
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_paste_an_article_see_its_incidents_and_add_it(served, open_served):
    server, store = served
    opened = open_served(server, "/parse")
    page = opened.page
    page.fill("textarea[name=text]", STRIKE)
    page.fill("input[name=date]", "2024-06-03")
    page.click("button[type=submit]")
    page.wait_for_function("() => window.geomapArticle.layer.cluster.getLayers().length === 1")
    rows = page.eval_on_selector_all("#incidents tbody tr", "rows => rows.map(r => r.innerText)")
    assert len(rows) == 1 and "airstrike shelling" in rows[0] and "Kharkiv" in rows[0] and "4" in rows[0]
    assert "Kharkiv" in page.inner_text("#places tbody")
    # On the map: the marker where Kharkiv is, and its popup from the panel.
    lat, lon = page.evaluate(
        "() => { var m = window.geomapArticle.layer.cluster.getLayers()[0]; "
        "return [m.getLatLng().lat, m.getLatLng().lng]; }"
    )
    assert abs(lat - 49.98) < 0.1 and abs(lon - 36.25) < 0.1
    page.click(".geomap-panel-row")
    page.wait_for_selector(".leaflet-popup-content blockquote")
    assert page.inner_text(".leaflet-popup-content blockquote") == STRIKE
    assert store.count() == 0  # parsing stores nothing
    page.click("#add")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Added')")
    assert store.count() == 1
    assert not opened.errors and not opened.blocked


@pytest.fixture
def filled(served, geoparser):
    server, store = served
    store.add(geoparser.parse(STRIKE, id="strike", date="2024-06-03"))
    store.add(geoparser.parse(PROTEST, id="protest", date="2024-07-01"))
    return server, store


def test_store_map_filters_by_type_and_follows_the_view(filled, open_served):
    server, _ = filled
    opened = open_served(server, "/")
    page = opened.page
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 2'")
    assert page.evaluate("() => window.geomapStore.layer.cluster.getLayers().length") == 2
    page.select_option("select[name=type]", "protest_unrest")
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 1'")
    assert "protest unrest" in page.inner_text(".geomap-panel-list")
    assert "airstrike" not in page.inner_text(".geomap-panel-list")
    # Moving the map asks the server for what is in view: Kharkiv only, so no protest there.
    page.select_option("select[name=type]", [])
    page.evaluate("() => { window.geomapStore.map.setView([49.98, 36.25], 8, {animate: false}); }")
    # The panel still reads "1" (the protest) until the answer for the new view arrives: wait for its content.
    in_view = "document.querySelector('.geomap-panel-list').innerText.includes('airstrike')"
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 1' && {in_view}")
    assert "airstrike" in page.inner_text(".geomap-panel-list")
    assert any("bbox=" in url for url in opened.requests if "/api/incidents" in url)
    assert not opened.errors and not opened.blocked


def test_download_geojson_of_the_filtered_incidents(filled, open_served):
    server, _ = filled
    opened = open_served(server, "/")
    page = opened.page
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 2'")
    page.fill("input[name=country]", "GE")
    page.click("#filters button[type=submit]")
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 1'")
    with page.expect_download() as info:
        page.click("#dl-geojson")
    data = json.loads(info.value.path().read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["location_name"] for f in data["features"]] == ["Tbilisi"]
    assert data["features"][0]["properties"]["source_count"] == 1
    assert not opened.errors and not opened.blocked


def test_a_script_in_an_article_never_runs(served, open_served):
    server, store = served
    opened = open_served(server, "/parse")
    page = opened.page
    page.fill("textarea[name=text]", PAYLOAD)
    page.fill("input[name=title]", '<img src=y onerror="window.__pwned = 4">')
    page.click("button[type=submit]")
    page.wait_for_function("() => window.geomapArticle.layer.cluster.getLayers().length === 1")
    page.click(".geomap-panel-row")
    page.wait_for_selector(".leaflet-popup-content blockquote")
    page.click("#add")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Added')")
    # The stored incident on the store map, its popup open.
    store_page = open_served(server, "/").page
    store_page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 1'")
    store_page.click(".geomap-panel-row")
    store_page.wait_for_selector(".leaflet-popup-content blockquote")
    for p in (page, store_page):
        assert p.evaluate("() => window.__pwned") is None
        assert (
            p.evaluate("() => document.querySelectorAll('img[src=x], img[src=y], svg[onload]').length") == 0
        )
    # The markup is shown as the text it is.
    sentence = page.inner_text("#incidents tbody td:last-child")
    assert "An airstrike hit Kharkiv" in sentence
    assert store.count() == 1


def test_upload_a_web_page(served, open_served, tmp_path):
    server, _ = served
    page_file = tmp_path / "report.html"
    page_file.write_text(
        "<html><head><title>Protest report</title></head><body>"
        f"<article><h1>Protest report</h1><p>{PROTEST}</p></article></body></html>",
        encoding="utf-8",
    )
    opened = open_served(server, "/parse")
    page = opened.page
    page.set_input_files("input[type=file]", str(page_file))
    page.wait_for_function("() => document.querySelector('textarea').value.includes('<article>')")
    page.fill("input[name=date]", "2024-07-01")
    page.click("button[type=submit]")
    page.wait_for_function("() => window.geomapArticle.layer.cluster.getLayers().length === 1")
    row = page.inner_text("#incidents tbody tr")
    assert "protest unrest" in row and "Tbilisi" in row and "2024-07-01" in row
    assert "<" not in row  # the page's text, not its markup
    assert not opened.errors and not opened.blocked


#: Markup planted in every field: nothing of it may become an element of any page.
PLANTED = '<b data-planted="1">bold</b><img data-planted="2" src=z onerror="window.__pwned = 9">'


def _planted_article(geoparser):
    """The strike parsed, then every text field of its article, places and incidents replaced with
    markup: what a crafted parsed-article file brings to ``geomap add``."""
    from dataclasses import replace

    parsed = geoparser.parse(STRIKE, id="planted", date="2024-06-03")
    places = tuple(replace(r, place=replace(r.place, name=PLANTED + r.place.name)) for r in parsed.places)
    incidents = tuple(
        replace(
            inc,
            location_name=PLANTED,
            sentence=PLANTED,
            trigger=PLANTED,
            actors=(PLANTED,),
            place=replace(inc.place, name=PLANTED) if inc.place else None,
        )
        for inc in parsed.incidents
    )
    return replace(
        parsed, title=PLANTED, url="https://example.org/" + PLANTED, places=places, incidents=incidents
    )


def test_markup_planted_in_every_field_stays_text_on_every_page(served, open_served, geoparser):
    server, store = served
    store.add(_planted_article(geoparser))
    opened = open_served(server, "/")
    page = opened.page
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 1'")
    # every way the incident is shown: the panel row, the marker's tooltip and its popup
    page.evaluate("() => window.geomapStore.layer.cluster.getLayers().forEach(m => m.openTooltip())")
    page.wait_for_selector(".leaflet-tooltip")
    page.click(".geomap-panel-row")
    page.wait_for_selector(".leaflet-popup-content blockquote")
    page.click(".leaflet-popup .gm-review button")  # the review form: the sources' titles and links
    page.wait_for_selector(".leaflet-popup .gm-sources li")
    assert "<b data-planted" in page.inner_text(".leaflet-tooltip")  # shown as the text it is
    pages = [page]
    # the article page, with an article whose text and title carry the same markup
    article = open_served(server, "/parse").page
    article.fill("textarea[name=text]", PLANTED + " " + STRIKE)
    article.fill("input[name=title]", PLANTED)
    article.click("button[type=submit]")
    article.wait_for_function("() => window.geomapArticle.layer.cluster.getLayers().length === 1")
    article.evaluate("() => window.geomapArticle.layer.cluster.getLayers().forEach(m => m.openTooltip())")
    article.click(".geomap-panel-row")
    article.wait_for_selector(".leaflet-popup-content blockquote")
    pages.append(article)
    for p in pages:
        assert p.evaluate("() => document.querySelectorAll('[data-planted]').length") == 0
        assert p.evaluate("() => window.__pwned") is None
    assert not opened.errors


def test_the_store_map_shows_what_comes_in_without_a_reload(filled, open_served, geoparser):
    """An article added while the page is open (by ``geomap watch``, or another analyst) shows up
    on the map by itself."""
    server, store = filled
    opened = open_served(server, "/")
    page = opened.page
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 2'")
    page.evaluate("() => { window.__openedOnce = true; }")  # gone if the page were loaded again
    later = geoparser.parse("Police fired tear gas at protesters in Tbilisi.", id="later", date="2024-03-12")
    store.add(later)
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 3'", timeout=20_000)
    assert page.evaluate("() => window.__openedOnce") is True  # the same page: nothing reloaded it
    assert any("/api/status" in u for u in opened.requests)
    assert not opened.errors and not opened.blocked


def _open_popup(page, incident_type: str) -> None:
    """Go to the incident (the page then loads that view), and open its popup and review form."""
    find = "window.geomapStore.layer.cluster.getLayers().find(x => x.geomap.props.incident_type === t)"
    go = "window.geomapStore.map.setView(m.getLatLng(), 9, {animate: false})"
    page.evaluate(f"(t) => {{ const m = {find}; {go}; }}", incident_type)
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 1'")
    page.evaluate(f"(t) => {{ const m = {find}; m.openPopup(); }}", incident_type)
    page.wait_for_selector(".leaflet-popup .gm-review button")
    page.click(".leaflet-popup .gm-review button")
    page.wait_for_selector(".leaflet-popup .gm-review-form")


def _until(check, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the page's change never reached the store"
        time.sleep(0.1)


def test_review_an_incident_in_its_popup(filled, open_served):
    """Open a strike, see its source, correct its toll with a note; dismiss the protest."""
    server, store = filled
    opened = open_served(server, "/")
    page = opened.page
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 2'")
    strike = next(f["properties"] for f in store.features() if f["properties"]["article_id"] == "strike")

    _open_popup(page, strike["incident_type"])
    assert "strike" in page.inner_text(".leaflet-popup .gm-sources")
    page.fill(".leaflet-popup input[name=fatalities]", "5")
    page.fill(".leaflet-popup input[name=note]", "hospital figure")
    page.click(".leaflet-popup .gm-review-form button[type=submit]")
    _until(lambda: store.feature(strike["id"])["properties"]["fatalities"] == 5)
    [change] = store.corrections(strike["id"])
    assert (change.field, change.before, change.after, change.by, change.note) == (
        "fatalities", 4, 5, "local", "hospital figure"
    )  # fmt: skip

    page.evaluate("() => { const m = window.geomapStore.map; m.closePopup(); m.setView([45, 40], 4); }")
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 2'")
    _open_popup(page, "protest_unrest")
    page.fill(".leaflet-popup input[name=reason]", "a film shoot, not a protest")
    page.click(".leaflet-popup .gm-review-actions button:text('Dismiss')")
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 0'", timeout=15_000)
    assert [f["properties"]["article_id"] for f in store.features()] == ["strike"]
    assert not opened.errors and not opened.blocked


def test_the_api_reference_reads_offline(served, open_served):
    server, _ = served
    opened = open_served(server, "/docs")
    page = opened.page
    assert page.inner_text("h1").startswith("geomap API")
    page.click("a[href='#patch-api-incidents-id']")
    assert "PATCH /api/incidents/{id}" in page.inner_text("#patch-api-incidents-id h2")
    assert not opened.errors and not opened.blocked


def test_the_address_holds_every_filter_and_the_page_counts_as_the_api(filled, open_served, geoparser):
    """Types as a list, a month, a box: opened from its address, the page shows what the API gives
    for the same query, and choosing filters writes them back into the address."""
    server, store = filled
    odesa = "Thousands of people protested in Odesa against the new media law."
    store.add(geoparser.parse(odesa, id="odesa", date="2024-07-15"))
    query = "type=airstrike_shelling,protest_unrest&since=2024-06&until=2024-07&bbox=20,40,40,52"
    from urllib.request import urlopen

    with urlopen(f"{server.url}/api/incidents?{query}") as answer:
        expected = len(json.load(answer)["features"])
    assert expected == 2  # the Kharkiv strike and the Odesa protest; Tbilisi is outside the box
    opened = open_served(server, "/?" + query)
    page = opened.page
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: {expected}'")
    chosen = page.evaluate(
        "() => Array.from(document.querySelector('select[name=type]').selectedOptions, o => o.value)"
    )
    assert sorted(chosen) == ["airstrike_shelling", "protest_unrest"]
    assert page.input_value("input[name=since]") == "2024-06"  # as written: ISO, a month
    # choosing filters writes them into the address
    page.select_option("select[name=type]", ["protest_unrest"])
    # the view now (the box fitted to the window) holds the Odesa and Tbilisi protests, not the strike
    no_strike = "!document.querySelector('.geomap-panel-list').innerText.includes('airstrike')"
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 2' && {no_strike}")
    assert "type=protest_unrest" in page.url and "since=2024-06" in page.url and "bbox=" in page.url
    # a text search narrows the same view, and goes into the address too
    page.fill("input[name=q]", "ODESA media")
    page.press("input[name=q]", "Enter")
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 1'")
    assert "Odesa" in page.inner_text(".geomap-panel-list") and "q=ODESA+media" in page.url
    assert not opened.errors and not opened.blocked


def test_the_summary_charts_incidents_and_deaths_by_week_and_tabulates_places(filled, open_served, geoparser):
    """Beside the map: a chart of incidents and deaths per week (quiet weeks at 0) and a table by
    place, both for the filters and the view; a place name from an article is only ever text."""
    server, store = filled
    store.add(geoparser.parse("A drone strike hit Kharkiv on Tuesday, killing two people.", id="s2",
                              date="2024-06-18"))  # fmt: skip
    opened = open_served(server, "/")
    page = opened.page
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 3'")
    chart = "() => { const c = window.geomapStore.summary.chart(); return c && c.data.labels.length; }"
    page.wait_for_function(chart)
    data = page.evaluate(
        "() => { const d = window.geomapStore.summary.chart().data;"
        " return {labels: d.labels, incidents: d.datasets[0].data, deaths: d.datasets[1].data}; }"
    )
    # weeks from Monday 2024-06-03 to Monday 2024-07-01, the quiet ones at 0
    assert data["labels"] == ["2024-06-03", "2024-06-10", "2024-06-17", "2024-06-24", "2024-07-01"]
    assert data["incidents"] == [1, 0, 1, 0, 1] and data["deaths"] == [4, 0, 2, 0, 0]
    rows = page.eval_on_selector_all("#by-place tbody tr", "rows => rows.map(r => r.innerText.split('\\t'))")
    assert rows == [["Kharkiv", "2", "6"], ["Tbilisi", "1", "0"]]
    page.select_option("#summary select[name=group]", "type")
    page.wait_for_function("() => document.querySelector('#by-place thead th').textContent === 'Type'")
    page.select_option("#summary select[name=period]", "month")
    labels = "() => window.geomapStore.summary.chart().data.labels.join()"
    page.wait_for_function(f"() => ({labels})() === '2024-06,2024-07'")
    # a filter narrows the summary as it narrows the map
    page.select_option("select[name=type]", "protest_unrest")
    page.wait_for_function(f"() => ({labels})() === '2024-07'")
    assert not opened.errors and not opened.blocked


def test_without_the_chart_library_the_page_says_so_and_keeps_the_table(
    filled, open_served, monkeypatch, tmp_path
):
    from urllib.error import HTTPError
    from urllib.request import urlopen

    from geomap.serve.pages import static_file

    monkeypatch.setenv("GEOMAP_CHARTJS", str(tmp_path / "absent" / "chart.min.js"))
    static_file.cache_clear()
    server, _ = filled
    try:
        opened = open_served(server, "/")
        page = opened.page
        page.wait_for_function("() => document.querySelectorAll('#by-place tbody tr').length === 2")
        page.wait_for_selector("#chart-note:not([hidden])")
        assert "libjs-chart.js" in page.inner_text("#chart-note")
        assert not opened.errors and not any(r.endswith("/static/chart.js") for r in opened.requests)
        with pytest.raises(HTTPError) as info:  # asked for anyway: a JSON reason
            urlopen(f"{server.url}/static/chart.js")
        assert info.value.code == 404 and "libjs-chart.js" in json.load(info.value)["error"]
    finally:
        static_file.cache_clear()


def test_the_page_shows_the_servers_groups_beyond_cluster_over(tmp_path, geoparser, open_served):
    """Beyond ``cluster_over`` incidents in view the page draws the server's groups (count and
    deaths per cell); zoomed in to fewer, the incidents themselves."""
    with Store(tmp_path / "big.db") as store:
        store.add(geoparser.parse(STRIKE, id="strike", date="2024-06-03"))
        store.add(geoparser.parse(PROTEST, id="protest", date="2024-07-01"))
        server = LiveServer(create_app(store, geoparser, cluster_over=1))
        try:
            opened = open_served(server, "/?bbox=30,38,50,54")  # Kharkiv and Tbilisi
            page = opened.page
            page.wait_for_function("() => document.getElementById('status').textContent.includes('groups')")
            assert "2 incidents in the store, in 2 groups" in page.inner_text("#status")
            counts = page.eval_on_selector_all(".gm-group", "els => els.map(e => e.textContent).sort()")
            assert counts == ["1", "1"]
            assert page.evaluate("() => window.geomapStore.layer.cluster.getLayers().length") == 0
            page.evaluate("() => { window.geomapStore.map.setView([49.98, 36.25], 9, {animate: false}); }")
            page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 1'")
            assert page.locator(".gm-group").count() == 0
            assert not opened.errors and not opened.blocked
        finally:
            server.stop()


def test_a_panel_row_opens_its_incident_on_the_store_map_and_the_reload_keeps_it_open(filled, open_served):
    """The row takes the map to a regional zoom, the page loads that view anew, and the popup of
    the same incident (now a new marker) opens and stays open."""
    server, _ = filled
    opened = open_served(server, "/")
    page = opened.page
    page.wait_for_function(f"() => ({PANEL_HEAD})() === 'Incidents by date: 2'")
    page.locator(".geomap-panel-row", has_text="Tbilisi").click()
    popup = page.locator(".leaflet-popup-content", has_text="Tbilisi")
    popup.wait_for(state="visible", timeout=5000)
    assert page.evaluate("() => window.geomapStore.map.getZoom()") == 8
    page.wait_for_timeout(1200)  # the view's reload has come back by now
    assert popup.is_visible() and "Review" in popup.inner_text()
    assert not opened.errors and not opened.blocked
