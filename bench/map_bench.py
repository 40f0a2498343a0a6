"""Map and export benchmarks: a layered map of 10,000 incidents from 500 synthetic articles.

Usage: .venv/bin/python bench/map_bench.py [--runs 5] [--articles 500] [--incidents 20]
Prints one line per figure: the median over the runs, and every run.

Each run is a fresh interpreter that builds the synthetic ParsedArticles (seeded, so every
run has the same data), then times ``render_html`` (reading the cached basemap, building the
folium map and rendering it to one HTML string) and ``dumps_geojson``. The page is then opened
in headless Chromium with the network cut off, twice:
- driven by Playwright (Debian's /usr/bin/chromium, every non-file request aborted): the time
  from navigation until the incident markers on the map (single ones plus the counts on the
  cluster icons) add up to every incident and the side panel counts them all;
- ``chromium --dump-dom`` (dead proxy), whose DOM must hold every incident too.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
import time
from pathlib import Path

from _common import median_line, run_child

CHILD = r"""
import json, random, sys, time
from geomap.incidents.incident import INCIDENT_TYPES, Incident
from geomap.outputs.export import dumps_geojson
from geomap.model import ParsedArticle, ResolvedPlace
from geomap.place import Place
from geomap.outputs.render import render_html

n_articles, per_article, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(7)
towns = [Place(id=f"t{i}", name=f"Town {i}", feature_type="city", lat=rng.uniform(-40, 60),
               lon=rng.uniform(-20, 120), country_code="XX") for i in range(2000)]
articles = []
for a in range(n_articles):
    places = rng.sample(towns, 8)
    incidents = []
    for k in range(per_article):
        p = rng.choice(places)
        sentence = f"Gunmen attacked a convoy near {p.name} on Tuesday, killing {k} people, officials said."
        s = sentence.index("attacked")
        loc = sentence.index(p.name)
        incidents.append(Incident(
            id=f"a{a}-e{k}", article_id=f"a{a}", incident_type=rng.choice(INCIDENT_TYPES),
            sentence=sentence, sentence_start=0, sentence_end=len(sentence), trigger="attacked",
            trigger_start=s, trigger_end=s + 8, location_name=p.name, location_start=loc,
            location_end=loc + len(p.name), place=p, precision="city", actors=("Gunmen",),
            fatalities=k, affected=None, date=f"2024-{1 + a % 12:02d}-{1 + k % 28:02d}",
            confidence=0.8))
    rps = tuple(ResolvedPlace(place=p, confidence=0.9, mentions=(p.name,), mention_count=1,
                              sentences=(f"Near {p.name}.",), article_ids=(f"a{a}",)) for p in places)
    articles.append(ParsedArticle(id=f"a{a}", text="", title=f"Synthetic article {a}", date="2024-01-01",
                                  url=f"https://example.org/{a}", mentions=(), places=rps,
                                  incidents=tuple(incidents)))
from geomap.outputs.basemap import load_basemap

t0 = time.perf_counter()
basemap = load_basemap()
tb = time.perf_counter()
html = render_html(articles)
t1 = time.perf_counter()
geojson = dumps_geojson(articles)
t2 = time.perf_counter()
open(out, "w", encoding="utf-8").write(html)
print(json.dumps({"render_s": t1 - t0, "basemap_s": tb - t0, "geojson_s": t2 - t1,
                  "basemap_mb": len(basemap.land_json.encode()) / 1e6, "html_mb": len(html.encode()) / 1e6,
                  "geojson_mb": len(geojson.encode()) / 1e6,
                  "incidents": sum(len(a.incidents) for a in articles)}))
"""

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
    "--run-all-compositor-stages-before-draw", "--virtual-time-budget=20000", "--dump-dom",
)  # fmt: skip


def open_in_chromium(page: Path, tmp: str) -> tuple[float, int]:
    """Seconds to load and dump the page, and the incident markers found in its DOM."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/chromium", *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=300,
    )
    elapsed = time.perf_counter() - t0
    dom = proc.stdout
    single = len(re.findall(r'class="[^"]*\bgeomap-incident\b', dom))
    clustered = re.findall(r'class="[^"]*\bmarker-cluster\b[^"]*"[^>]*><div><span>(\d+)</span>', dom)
    return elapsed, single + sum(int(n) for n in clustered)


#: Incident markers on the map (single ones plus cluster counts), and the incidents the side
#: panel lists (its heading; it draws 200 rows at a time).
COUNT_JS = """() => {
    const single = document.querySelectorAll('.leaflet-marker-pane .geomap-incident').length;
    const clustered = [...document.querySelectorAll('.marker-cluster span')]
        .reduce((n, s) => n + parseInt(s.textContent, 10), 0);
    const head = document.querySelector('.geomap-panel-head');
    return [single + clustered, head ? parseInt(head.textContent.replace(/^\\D+/, ''), 10) : 0];
}"""


def open_with_playwright(page: Path, incidents: int) -> float:
    """Seconds from navigation until every incident is on the map and in the panel."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9"],
        )
        tab = browser.new_page(viewport={"width": 1100, "height": 650})
        tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        t0 = time.perf_counter()
        tab.goto(page.as_uri(), wait_until="load", timeout=120_000)
        tab.wait_for_function(f"({COUNT_JS})().every(n => n === {incidents})", timeout=120_000, polling=50)
        elapsed = time.perf_counter() - t0
        browser.close()
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--incidents", type=int, default=20, help="incidents per article")
    args = ap.parse_args()
    figures: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "layered.html"
        for _ in range(args.runs):
            result = run_child(CHILD, str(args.articles), str(args.incidents), str(page))
            opened, markers = open_in_chromium(page, tmp)
            if markers != result["incidents"]:
                raise SystemExit(f"Chromium showed {markers} incident markers of {result['incidents']}")
            for key in ("render_s", "basemap_s", "geojson_s", "html_mb", "basemap_mb", "geojson_mb"):
                figures.setdefault(key, []).append(result[key])
            figures.setdefault("chromium_s", []).append(opened)
            figures.setdefault("playwright_s", []).append(open_with_playwright(page, result["incidents"]))
    print(f"{args.articles} articles, {args.articles * args.incidents:,} incidents, {args.runs} runs")
    print(median_line("render_html (map + HTML string)", figures["render_s"], "s"))
    print(median_line("  of which reading the cached basemap", figures["basemap_s"], "s"))
    print(median_line("dumps_geojson", figures["geojson_s"], "s"))
    print(median_line("HTML size", figures["html_mb"], "MB", "{:.2f}"))
    print(median_line("  of which the basemap's land layer", figures["basemap_mb"], "MB", "{:.3f}"))
    print(median_line("GeoJSON size", figures["geojson_mb"], "MB", "{:.2f}"))
    print(median_line("Chromium load + dump, offline", figures["chromium_s"], "s", "{:.2f}"))
    print(median_line("Playwright: open until all on map + panel", figures["playwright_s"], "s", "{:.2f}"))


if __name__ == "__main__":
    main()
