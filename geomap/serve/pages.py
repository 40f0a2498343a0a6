"""The web app's pages: the store map (``/``) and the article page (``/parse``).

A page is static HTML plus two files: ``/static/geomap.js`` (Leaflet, Leaflet.markercluster and
the maps' own script, the same bytes a ``geomap map`` page inlines) and ``/static/serve.js``
(``geomap/serve/web/serve.js``: filters, bbox fetches, the article form). No inline script, so the
Content-Security-Policy can refuse any (``geomap.serve.security``). The page's settings go in a
JSON data block that is parsed, never run. Article text reaches the page only through the API's
JSON and is put in with ``textContent``.
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from geomap.outputs.map_style import (
    BORDER,
    INCIDENT_STYLE,
    LAND,
    PLACE_COLOURS,
    PLACE_GROUPS,
    json_for_script,
    offline_assets,
)
from geomap.outputs.render import esc, incident_icon, type_label

#: The map pages' static files: name -> media type.
STATIC = {
    "geomap.js": "text/javascript; charset=utf-8",
    "geomap.css": "text/css; charset=utf-8",
    "serve.js": "text/javascript; charset=utf-8",
    "basemap.json": "application/json",
    "chart.js": "text/javascript; charset=utf-8",
}

#: Chart.js, the summary chart's library: Debian's ``libjs-chart.js`` (installed by
#: ``scripts/setup.sh``), or the file ``$GEOMAP_CHARTJS`` names. Without it the page shows the
#: summary's table and says what is missing.
CHARTJS = Path("/usr/share/javascript/chart.js/chart.min.js")
#: The store page asks for clusters (``/api/incidents?cell=…``) beyond this many incidents in view:
#: an answer of 500 incidents takes the server about 25 ms, so eight analysts' views stay quick.
CLUSTER_OVER = 500


def chartjs_path() -> Path:
    """Where the chart library is read from."""
    return Path(os.environ.get("GEOMAP_CHARTJS") or CHARTJS)


@cache
def _map_assets() -> tuple[str, str]:
    """The maps' offline CSS and script (``offline_assets``), as two files instead of inline."""
    page = offline_assets()
    css = page.partition("<style>")[2].partition("</style>")[0]
    js = page.partition("<script>")[2].rpartition("</script>")[0]
    return css, js


@cache
def static_file(name: str) -> bytes:
    """A static file's bytes, built once per process."""
    if name == "geomap.js":
        return _map_assets()[1].encode()
    if name == "geomap.css":
        own = resources.files("geomap.serve.web").joinpath("serve.css").read_text(encoding="utf-8")
        return (_map_assets()[0] + "\n" + own).encode()
    if name == "serve.js":
        return resources.files("geomap.serve.web").joinpath("serve.js").read_bytes()
    if name == "chart.js":
        return chartjs_path().read_bytes()  # OSError when it is not installed
    if name == "basemap.json":
        from geomap.outputs.basemap import load_basemap

        basemap = load_basemap()
        return ('{"land":' + basemap.land_json + ',"labels":' + basemap.labels_json + "}").encode()
    raise KeyError(name)


def _settings(page: str, cluster_over: int) -> str:
    """The page's settings as a JSON data block (``<`` escaped, so no text can close it)."""
    data = {
        "page": page,
        "clusterOver": cluster_over,
        "types": {t: type_label(t) for t in INCIDENT_STYLE},
        "placeGroups": PLACE_GROUPS,
        "basemapStyle": {"color": BORDER, "weight": 0.7, "fillColor": LAND, "fillOpacity": 1, "opacity": 1},
    }
    return f'<script type="application/json" id="geomap-settings">{json_for_script(data)}</script>'


def _legend(places: bool) -> str:
    """The incident types' icons, and the place colours on the article page (it draws places)."""
    rows = ["<b>Incidents</b>"]
    rows += [f"<div>{incident_icon(t)}{esc(type_label(t))}</div>" for t in INCIDENT_STYLE]
    if places:
        rows += ["<b>Places</b>"]
        rows += [f'<div><span class="geomap-swatch geomap-f-{g}"></span>{g}</div>' for g in PLACE_COLOURS]
    return f'<div class="geomap-legend gm-legend" id="legend">{"".join(rows)}</div>'


def _page(
    page: str, title: str, body: str, scripts: tuple[str, ...] = (), cluster_over: int = CLUSTER_OVER
) -> str:
    here = ' aria-current="page"'
    store, article = (here, "") if page == "store" else ("", here)
    nav = (
        f'<nav><a href="/"{store}>Store map</a> <a href="/parse"{article}>Parse an article</a> '
        '<a href="/docs">API</a></nav>'
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · geomap</title>
<link rel="stylesheet" href="/static/geomap.css">
</head><body class="gm-{page}">
<header class="gm-bar"><b class="gm-brand">geomap</b>{nav}</header>
{body}
{_settings(page, cluster_over)}
<script src="/static/geomap.js"></script>
{"".join(f'<script src="/static/{name}"></script>' for name in scripts)}
<script src="/static/serve.js"></script>
</body></html>
"""


def _type_options() -> str:
    return "".join(f'<option value="{t}">{esc(type_label(t))}</option>' for t in INCIDENT_STYLE)


def store_page(cluster_over: int = CLUSTER_OVER) -> str:
    """The store map; beyond ``cluster_over`` incidents in view it asks the API for clusters."""
    body = f"""<form id="filters" class="gm-tools" autocomplete="off">
<label>From <input name="since" size="10" placeholder="YYYY-MM-DD" pattern="\\d{{4}}(-\\d{{2}}(-\\d{{2}})?)?"
 title="a day, a month or a year: 2024-06-03, 2024-06 or 2024"></label>
<label>to <input name="until" size="10" placeholder="YYYY-MM-DD" pattern="\\d{{4}}(-\\d{{2}}(-\\d{{2}})?)?"
 title="a day, a month or a year: 2024-06-03, 2024-06 or 2024"></label>
<label>Types <select name="type" multiple size="3"
 title="none chosen: every type; Ctrl or ⌘ to choose several">
{_type_options()}</select></label>
<label>Country <input name="country" size="3" maxlength="2" pattern="[A-Za-z]{{2}}" placeholder="UA"></label>
<label>Search <input name="q" type="search" size="14" maxlength="200" placeholder="words"
 title="every word in the place, sentence, actors or a source's title"></label>
<button type="submit">Apply</button>
<span class="gm-downloads">Download:
<a id="dl-geojson" href="/api/incidents?format=geojson&amp;limit=100000"
 download="incidents.geojson">GeoJSON</a>
<a id="dl-csv" href="/api/incidents?format=csv" download="incidents.csv">CSV</a>
<a id="dl-kml" href="/api/incidents?format=kml" download="incidents.kml">KML</a></span>
<output id="status" class="gm-status" role="status"></output>
</form>
<div class="gm-split"><div id="map" class="gm-map"></div>
<aside id="summary" class="gm-summary" aria-label="Summary of the incidents in view">
<h2>Over time <select name="period" aria-label="period">
<option value="day">by day</option><option value="week" selected>by week</option>
<option value="month">by month</option></select></h2>
<div class="gm-chart"><canvas id="chart" role="img" aria-label="incidents and deaths over time">
</canvas></div>
<p id="chart-note" class="gm-note" hidden></p>
<h2>By <select name="group" aria-label="group">
<option value="place" selected>place</option><option value="country">country</option>
<option value="type">type</option></select></h2>
<table id="by-place" class="gm-table"><thead><tr><th>Place</th><th>Incidents</th><th>Deaths</th></tr>
</thead><tbody></tbody></table>
</aside></div>
{_legend(places=False)}"""
    # without the library the page loads no script for it, and says what is missing
    scripts = ("chart.js",) if chartjs_path().is_file() else ()
    return _page("store", "Incident store", body, scripts=scripts, cluster_over=cluster_over)


def parse_page() -> str:
    body = f"""<div class="gm-split"><section class="gm-side">
<form id="article" class="gm-article" autocomplete="off">
<label>Article text <textarea name="text" rows="10" required
 placeholder="Paste an article, or choose a .txt or .html file below"></textarea></label>
<label>or a file <input type="file" name="file" accept=".txt,.html,.htm,text/plain,text/html"></label>
<label>Title <input name="title"></label>
<label>Date <input type="date" name="date"></label>
<label>URL <input type="url" name="url" placeholder="https://…"></label>
<div class="gm-buttons"><button type="submit">Parse</button>
<button type="button" id="add" disabled>Add to store</button></div>
<output id="status" class="gm-status" role="status"></output>
</form>
<h2>Incidents</h2>
<table id="incidents" class="gm-table"><thead><tr><th>Type</th><th>Date</th><th>Place</th>
<th>Fatalities</th><th>Sentence</th></tr></thead><tbody></tbody></table>
<h2>Places</h2>
<table id="places" class="gm-table"><thead><tr><th>Place</th><th>Kind</th><th>Country</th>
<th>Mentioned as</th></tr></thead><tbody></tbody></table>
</section>
<div id="map" class="gm-map"></div></div>
{_legend(places=True)}"""
    return _page("parse", "Parse an article", body)


def page_routes(cluster_over: int = CLUSTER_OVER) -> list[Route]:
    """The pages and their static files."""

    async def store(request: Request) -> Response:
        return HTMLResponse(store_page(cluster_over))

    async def parse(request: Request) -> Response:
        return HTMLResponse(parse_page())

    async def docs(request: Request) -> Response:
        from geomap.serve.api_docs import api_docs_page

        return HTMLResponse(api_docs_page())

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:  # a fixed set of names: no path from the request reaches the disk
            return Response(b'{"error":"Not Found"}', 404, media_type="application/json")
        try:
            body = static_file(name)
        except OSError:
            missing = {"error": f"{chartjs_path()} is missing: install Debian's libjs-chart.js for the chart"}
            return Response(json.dumps(missing).encode(), 404, media_type="application/json")
        return Response(body, media_type=STATIC[name], headers={"cache-control": "no-cache"})

    return [
        Route("/", store, methods=["GET"]),
        Route("/parse", parse, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
    ]
