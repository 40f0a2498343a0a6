"""geomap.store.store_map: the store's merged incidents on one offline map, article text escaped."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from store_helpers import KHARKIV, ODESA, TBILISI, article, report

from geomap.store.store import Store
from geomap.store.store_map import render_store_map


def marker_count(dom: str) -> int:
    """Incident markers in the rendered DOM: single ones plus the counts on the cluster icons."""
    single = len(re.findall(r'class="[^"]*\bgeomap-incident\b', dom))
    clustered = re.findall(r'class="[^"]*\bmarker-cluster\b[^"]*"[^>]*><div><span>(\d+)</span>', dom)
    return single + sum(int(n) for n in clustered)


@pytest.fixture
def stored(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.add(article("a", report("a", place=KHARKIV, fatalities=4)))
        store.add(article("b", report("b", place=KHARKIV, fatalities=6)))
        store.add(article("c", report("c", place=ODESA, date="2024-03-14", incident_type="casualties")))
        store.add(article("d", report("d", place=None, incident_type="arrest_detention")))
        evil = replace(
            article("evil", report("evil", place=TBILISI, incident_type="protest_unrest")),
            title="<script>alert('title')</script>",
            url="javascript:alert(1)",
        )
        store.add(evil)
        incidents = list(store.incidents())
        reports = {s.incident.id: store.reports(s.incident.id) for s in incidents}
    return incidents, reports


def test_popups_list_every_report_and_escape_article_text(stored):
    incidents, reports = stored
    html = render_store_map(incidents, reports, tiles=None).get_root().render()
    assert "<script>alert" not in html and "javascript:alert" not in html.replace("\\u0026", "&")
    assert "\\u0026lt;script\\u0026gt;alert" in html  # escaped, then JSON-escaped in the data
    assert "2 report(s)" in html and "reports say 4" in html
    assert "1 incident(s) without a known location are not shown" in html
    assert "geomap incident store: 3 incident(s)" in html


def test_chromium_shows_the_store_map_offline(stored, offline_chromium, tmp_path):
    incidents, reports = stored
    page = tmp_path / "store.html"
    page.write_text(render_store_map(incidents, reports, tiles=None).get_root().render(), encoding="utf-8")
    dom = offline_chromium(page)
    assert marker_count(dom) == 3  # one marker per merged, located incident
    assert "geomap-legend" in dom and "protest unrest" in dom
    assert "geomap-slider" in dom  # the incidents carry several dates


def test_store_map_panel_opens_the_merged_incident(stored, open_offline, tmp_path):
    """Basemap, folded layer control and the panel, as on an article map: the merged Kharkiv
    incident is one row, and its popup lists both reports."""
    incidents, reports = stored
    page = tmp_path / "store-panel.html"
    page.write_text(render_store_map(incidents, reports, tiles=None).get_root().render(), encoding="utf-8")
    opened = open_offline(page)
    tab = opened.page
    assert tab.locator(".geomap-panel-head").text_content() == "Incidents by date: 3"
    control = tab.locator(".leaflet-control-layers").get_attribute("class")
    assert "leaflet-control-layers-expanded" not in control
    assert tab.evaluate("document.querySelector('.leaflet-geomap-basemap-pane canvas') !== null")
    tab.locator(".geomap-panel-row", has_text="6 fatalities").click()
    popup = tab.locator(".leaflet-popup-content", has_text="2 report(s)")
    popup.wait_for(state="visible", timeout=5000)
    assert "reports say 4–6" in popup.text_content()
    assert not opened.errors and not opened.blocked
