"""Shared fixtures: the real gazetteer, opened once per test session."""

from __future__ import annotations

import pytest

from geomap.resolution.gazetteer import Gazetteer


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    # The real index from the bundled sources (built on first use, as a user's would be).
    gaz = Gazetteer()
    yield gaz
    gaz.close()


@pytest.fixture(scope="session")
def geoparser(gazetteer):
    from geomap.parser import Geoparser

    return Geoparser(gazetteer)


# --------------------------------------------------------------------------- headless Chromium

CHROMIUM = "/usr/bin/chromium"
#: Everything that could reach the network is off, and the rest goes to a dead proxy.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
    "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000",
    "--enable-logging=stderr", "--v=0",
)  # fmt: skip


def run_chromium(page, tmp_dir, *extra: str) -> str:
    """Open ``page`` (a file path) offline in headless Chromium; return stdout (the DOM with --dump-dom)."""
    import subprocess
    import tempfile
    from pathlib import Path

    profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp_dir)
    url = Path(page).resolve().as_uri()
    proc = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    errors = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line and "Uncaught" in line]
    assert not errors, errors  # a script error in the page
    return proc.stdout


@pytest.fixture(scope="session")
def offline_chromium(tmp_path_factory):
    """``dom(page) -> str``, after checking once that the dead proxy really cuts the network.

    The check serves a page on this machine's non-loopback address: Chromium must fail to
    load it, and the server must see no request.
    """
    import http.server
    import shutil
    import socket
    import threading

    if not shutil.which(CHROMIUM):
        pytest.fail("chromium is installed by scripts/setup.sh")
    tmp = tmp_path_factory.mktemp("chromium")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outgoing address
        address = s.getsockname()[0]
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/gif")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("0.0.0.0", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        if not address.startswith("127."):
            probe = tmp / "probe.html"
            probe.write_text(
                f'<img src="http://{address}:{server.server_port}/x.gif" '
                "onload=\"document.body.dataset.net='open'\" onerror=\"document.body.dataset.net='cut'\">",
                encoding="utf-8",
            )
            dom = run_chromium(probe, tmp, "--dump-dom")
            assert 'data-net="cut"' in dom and not hits, "the proxy flags did not cut the network"
    finally:
        server.shutdown()
    return lambda page, *extra: run_chromium(page, tmp, "--dump-dom", *extra)


# --------------------------------------------------------------------------- Playwright


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright for the session: its sync API allows a single running instance per thread."""
    import shutil

    if not shutil.which(CHROMIUM):
        pytest.fail("chromium is installed by scripts/setup.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def offline_browser(playwright_driver):
    """Debian's Chromium (installed by scripts/setup.sh) driven by Playwright; never downloads one.

    Network is cut twice: the dead-proxy flags above, and a route on every page that aborts
    whatever is not a file:// or data: URL (``blocked`` lists what was aborted).
    """
    dropped = ("--headless", "--virtual-time", "--enable-logging")  # Playwright runs headless itself
    flags = [f for f in CHROMIUM_FLAGS if not f.startswith(dropped)]
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=flags)
    yield browser
    browser.close()


class OfflinePage:
    """A page opened with the network cut: ``page`` is Playwright's, ``errors`` its script errors."""

    def __init__(self, browser, path, viewport=(1100, 650)):
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block"
        )
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        from pathlib import Path

        self.page.goto(Path(path).resolve().as_uri(), wait_until="load")

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture
def open_offline(offline_browser):
    """``open_offline(path) -> OfflinePage``; every page is closed after the test."""
    pages = []

    def open_page(path, **kwargs):
        page = OfflinePage(offline_browser, path, **kwargs)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.close()


# --------------------------------------------------------------------------- incident store back ends


@pytest.fixture(scope="session")
def postgis_server():
    """The URL of a throwaway PostgreSQL + PostGIS server, one per session (see pg_server.py).

    Fails, never skips, when PostgreSQL or PostGIS is missing: scripts/setup.sh installs them.
    """
    from contextlib import ExitStack

    from pg_server import ServerUnavailable, throwaway_postgis

    with ExitStack() as stack:
        try:
            url = stack.enter_context(throwaway_postgis())
        except ServerUnavailable as exc:
            pytest.fail(str(exc), pytrace=False)
        yield url


@pytest.fixture(params=["sqlite", "postgis"])
def new_store_location(request, tmp_path_factory):
    """``() -> str``: an empty store's location on each back end (a file, or a fresh schema's URL)."""
    if request.param == "sqlite":
        return lambda: str(tmp_path_factory.mktemp("store") / "store.db")
    from pg_server import new_store_url

    server = request.getfixturevalue("postgis_server")
    return lambda: new_store_url(server)


@pytest.fixture
def store_location(new_store_location) -> str:
    return new_store_location()
