"""A PNG of a map, taken by headless Chromium with the network cut off.

    .venv/bin/python scripts/screenshot.py [ARTICLE ...] [-o docs/example-map.png] [--date D ...]

One article gives its own map; several give one layered map. The map is drawn without tiles,
on the bundled Natural Earth basemap, so the picture is the same on every machine and needs no
network. The README shows the two pictures:

    .venv/bin/python scripts/screenshot.py
    .venv/bin/python scripts/screenshot.py examples/red-sea-shipping.txt \\
        examples/gulf-of-aden-piracy.txt examples/port-sudan-drones.txt \\
        --date 2024-03-12 --date 2024-03-18 --date 2024-03-25 -o docs/layered-map.png

With ``--served QUERY`` the articles go into a fresh store instead, ``geomap serve`` serves it
on 127.0.0.1, and the picture is its store map opened as ``/?QUERY`` (the filters). The
README's third picture:

    .venv/bin/python scripts/screenshot.py examples/red-sea-shipping.txt \\
        examples/gulf-of-aden-piracy.txt examples/port-sudan-drones.txt \\
        --date 2024-03-12 --date 2024-03-18 --date 2024-03-25 \\
        --served "since=2024-03-10&until=2024-03-31&type=maritime_attack" -o docs/served-map.png

With ``--review TEXT`` as well, the page is driven by Playwright: the first incident in the panel
whose row holds TEXT is clicked, and its popup's review form opened (sources, type, toll, date,
dismiss, merge), as an analyst sees it:

    .venv/bin/python scripts/screenshot.py examples/red-sea-shipping.txt \\
        examples/gulf-of-aden-piracy.txt examples/port-sudan-drones.txt \\
        --date 2024-03-12 --date 2024-03-18 --date 2024-03-25 \\
        --served "since=2024-03-10&until=2024-03-31" --review Rafah -o docs/review-panel.png
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--hide-scrollbars",
    "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000",
)  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("articles", nargs="*", default=[str(ROOT / "examples" / "red-sea-shipping.txt")])
    ap.add_argument("-o", "--output", default=str(ROOT / "docs" / "example-map.png"))
    ap.add_argument("--size", default="1100,650", help="window size in pixels (default 1100,650)")
    ap.add_argument(
        "--date",
        action="append",
        help="article date for relative dates; once for all articles, or once per article "
        "in order (default 2024-03-12)",
    )
    ap.add_argument(
        "--served",
        metavar="QUERY",
        help="add the articles to a store and take the served store map with these filters",
    )
    ap.add_argument(
        "--review",
        metavar="TEXT",
        help="with --served: open the review form of the first panel incident whose row holds TEXT",
    )
    args = ap.parse_args()
    if args.review is not None and args.served is None:
        ap.error("--review needs --served")

    from geomap.inputs.article import read_articles
    from geomap.outputs.render import render_html
    from geomap.parser import Geoparser

    dates = args.date or ["2024-03-12"]
    if len(dates) not in (1, len(args.articles)):
        ap.error("give --date once, or once per article")
    parser = Geoparser()
    articles = [
        dataclasses.replace(a, date=a.date or dates[min(i, len(dates) - 1)])
        for i, path in enumerate(args.articles)
        for a in read_articles(path)
    ]
    parsed = [parser.parse_article(a) for a in articles]
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.served is not None:
        return served_screenshot(parsed, args.served, out, args.size, args.review)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "map.html"
        page.write_text(render_html(parsed, tiles=None), encoding="utf-8")
        cmd = [
            "/usr/bin/chromium",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp}/profile",
            f"--window-size={args.size}",
            f"--screenshot={out.resolve()}",
            page.as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 or not out.exists():
        print(f"screenshot failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        return 1
    print(f"screenshot: {out} ({out.stat().st_size / 1024:.0f} KB)")
    return 0


def served_screenshot(parsed: list, query: str, out: Path, size: str, review: str | None = None) -> int:
    """The store map of ``geomap serve`` over a store of ``parsed``, opened as ``/?query``; with
    ``review``, that incident's review form open.

    Chromium reaches only the server: 127.0.0.1 bypasses the dead proxy, nothing else does.
    """
    import os
    import re

    from geomap.store.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.db"
        with Store(db) as store:
            store.add_many(parsed)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen(
            [sys.executable, "-m", "geomap.cli", "serve", "--db", str(db), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            match = re.search(r"(http://127\.0\.0\.1:\d+/)", server.stdout.readline())
            if not match:
                print("geomap serve did not start", file=sys.stderr)
                return 1
            if review is not None:
                return review_screenshot(f"{match.group(1)}?{query}", review, out, size)
            flags = [f for f in CHROMIUM_FLAGS if not f.startswith(("--proxy-bypass-list", "--virtual-time"))]
            cmd = [
                "/usr/bin/chromium",
                *flags,
                "--proxy-bypass-list=127.0.0.1",
                "--virtual-time-budget=8000",
                f"--user-data-dir={tmp}/profile",
                f"--window-size={size}",
                f"--screenshot={out.resolve()}",
                f"{match.group(1)}?{query}",
            ]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        finally:
            server.terminate()
            server.wait(10)
    if proc.returncode != 0 or not out.exists():
        print(f"screenshot failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        return 1
    print(f"screenshot: {out} ({out.stat().st_size / 1024:.0f} KB)")
    return 0


def review_screenshot(url: str, row_text: str, out: Path, size: str) -> int:
    """The page at ``url`` with the review form of the first panel row holding ``row_text`` open."""
    from playwright.sync_api import Error, sync_playwright

    width, height = (int(v) for v in size.split(","))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            own = url.split("?")[0]
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(own) else r.abort())
            page.goto(url)
            page.wait_for_selector(".geomap-panel-row")
            page.locator(".geomap-panel-row", has_text=row_text).first.click()
            page.locator(".leaflet-popup-content", has_text=row_text).wait_for()
            page.wait_for_timeout(800)  # the view's reload after the move has come back
            page.locator(".leaflet-popup-content button", has_text="Review").click()
            page.wait_for_selector(".gm-review-form")
            page.wait_for_timeout(500)
            page.screenshot(path=str(out))
        except Error as exc:
            print(f"screenshot failed: {exc}", file=sys.stderr)
            return 1
        finally:
            browser.close()
    print(f"screenshot: {out} ({out.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
