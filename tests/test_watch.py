"""``geomap watch``: feeds (over real HTTP, from a server on this machine) and folders into the store.

The feeds, pages and articles are written for these tests.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from geomap.errors import InputError
from geomap.feeds.fetch import Fetcher
from geomap.feeds.sources import Source, feed_items
from geomap.feeds.watch import Watcher
from geomap.store.store import Store

ARTICLES = {
    "/news/strike-kharkiv": (
        "Missile strike on Kharkiv kills three\n\n"
        "A Russian missile struck a warehouse in Kharkiv on Tuesday, killing three workers, the "
        "regional governor said."
    ),
    "/news/flood-sudan": (
        "Floods displace families in Sudan\n\n"
        "Heavy rain flooded camps near Kassala in eastern Sudan, forcing hundreds of families "
        "from their shelters, aid workers said."
    ),
    "/news/protest-nairobi": (
        "Protesters rally in Nairobi\n\n"
        "Thousands of protesters marched through central Nairobi on Thursday against a new tax "
        "law, and police fired tear gas."
    ),
}


def _page(text: str) -> str:
    title, body = text.split("\n\n", 1)
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>{title}</h1><p>{body}</p></article><footer>Contact us</footer></body></html>"
    )


def _rss(paths: list[str], base: str) -> str:
    items = "".join(
        f"<item><title>{ARTICLES[p].split(chr(10))[0]}</title><link>{base}{p}</link>"
        f"<guid>tag:example.org,2025:{p}</guid><pubDate>Tue, 03 Jun 2025 10:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>World</title>{items}</channel></rss>'


@dataclass
class Site:
    """What the local news site serves: path -> (status, content type, body), and what it was asked."""

    routes: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    base: str = ""

    def asked(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, dict(self.headers.items())))
            status, ctype, body = state.routes.get(self.path, (404, "text/plain", "not found"))
            etag = f'"{abs(hash(body))}"'
            if status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            if status == 200:
                self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    for path, text in ARTICLES.items():
        state.routes[path] = (200, "text/html; charset=utf-8", _page(text))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def watcher_for(geoparser, tmp_path):
    opened: list[tuple[Store, Fetcher]] = []
    lines: list[str] = []

    def make(db: Path | str | None = None) -> tuple[Watcher, Store, list[str]]:
        store = Store(db or tmp_path / "watch.db")
        fetcher = Fetcher(gap=0.0, timeout=5.0)
        opened.append((store, fetcher))
        return Watcher(store, fetcher, log=lines.append, parser=geoparser), store, lines

    yield make
    for store, fetcher in opened:
        fetcher.close()
        store.close()


def test_a_feed_is_read_once_and_asked_again_only_conditionally(site, watcher_for):
    paths = ["/news/strike-kharkiv", "/news/protest-nairobi"]
    site.routes["/world.rss"] = (200, "application/rss+xml", _rss(paths, site.base))
    watcher, store, lines = watcher_for()
    feed = Source.of(site.base + "/world.rss")

    first = watcher.run([feed])
    assert (first.items, first.added, first.failed_sources) == (2, 2, [])
    assert first.incidents >= 2
    assert store.article_with_url(site.base + "/news/strike-kharkiv") is not None
    kharkiv = [s.incident for s in store.incidents() if s.incident.location_name == "Kharkiv"]
    assert kharkiv and kharkiv[0].fatalities == 3
    # one line per new article, naming its title and link
    assert sum(line.startswith("+ 'Missile strike on Kharkiv kills three'") for line in lines) == 1
    # a polite client: it says who it is
    assert site.asked("/world.rss")[0]["User-Agent"].startswith("geomap/")

    second = watcher.run([feed])
    assert (second.items, second.added) == (0, 0)
    # the second request was conditional, and no page was fetched again
    assert site.asked("/world.rss")[1].get("If-None-Match")
    assert len(site.asked("/news/strike-kharkiv")) == 1
    assert store.stats()["articles"] == 2


def test_a_new_item_in_a_changed_feed_is_the_only_one_fetched(site, watcher_for):
    site.routes["/world.rss"] = (200, "application/rss+xml", _rss(["/news/strike-kharkiv"], site.base))
    watcher, _store, _ = watcher_for()
    feed = Source.of(site.base + "/world.rss")
    watcher.run([feed])
    site.routes["/world.rss"] = (
        200,
        "application/rss+xml",
        _rss(["/news/flood-sudan", "/news/strike-kharkiv"], site.base),
    )
    again = watcher.run([feed])
    assert (again.items, again.added) == (1, 1)
    assert len(site.asked("/news/strike-kharkiv")) == 1
    assert len(site.asked("/news/flood-sudan")) == 1


def test_a_failing_feed_never_stops_the_others_and_is_tried_again(site, watcher_for):
    site.routes["/broken.rss"] = (500, "text/plain", "server error")
    site.routes["/world.rss"] = (200, "application/rss+xml", _rss(["/news/flood-sudan"], site.base))
    site.routes["/front-page"] = (200, "text/html", _page(ARTICLES["/news/flood-sudan"]))
    watcher, _store, lines = watcher_for()
    sources = [Source.of(site.base + p) for p in ("/broken.rss", "/front-page", "/world.rss")]

    totals = watcher.run(sources)
    assert totals.added == 1
    assert totals.failed_sources == [site.base + "/broken.rss", site.base + "/front-page"]
    assert any("HTTP 500" in line and "tried again next pass" in line for line in lines)
    assert any("not an RSS or Atom feed" in line for line in lines)
    assert "2 source(s) failed" in totals.line()

    watcher.run(sources)
    assert len(site.asked("/broken.rss")) == 2


def test_a_page_that_cannot_be_fetched_is_fetched_at_the_next_pass(site, watcher_for):
    site.routes["/world.rss"] = (200, "application/rss+xml", _rss(["/news/protest-nairobi"], site.base))
    page = site.routes["/news/protest-nairobi"]
    site.routes["/news/protest-nairobi"] = (503, "text/plain", "busy")
    watcher, _store, _ = watcher_for()
    feed = Source.of(site.base + "/world.rss")
    first = watcher.run([feed])
    assert (first.added, first.retry) == (0, 1)

    site.routes["/news/protest-nairobi"] = page
    # the feed itself has not changed: its items are looked at again all the same
    site.routes["/world.rss"] = (200, "application/rss+xml", _rss(["/news/protest-nairobi"], site.base) + " ")
    second = watcher.run([feed])
    assert (second.added, second.retry) == (1, 0)


def test_the_same_story_under_two_links_is_stored_once(site, watcher_for):
    site.routes["/mirror/strike"] = site.routes["/news/strike-kharkiv"]
    feed_text = _rss(["/news/strike-kharkiv"], site.base).replace(
        "</channel>",
        f"<item><title>Mirror</title><link>{site.base}/mirror/strike</link><guid>mirror-1</guid></item></channel>",
    )
    site.routes["/world.rss"] = (200, "application/rss+xml", feed_text)
    watcher, store, lines = watcher_for()
    totals = watcher.run([Source.of(site.base + "/world.rss")])
    assert (totals.items, totals.added, totals.known) == (2, 1, 1)
    assert store.stats()["articles"] == 1
    assert any(line.startswith("= ") and "already stored" in line for line in lines)


def test_a_feed_file_with_the_text_in_its_items(tmp_path, watcher_for):
    atom = tmp_path / "alerts.atom"
    atom.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Alerts</title>'
        "<entry><id>urn:alert:1</id><title>Clashes near Goma</title><updated>2025-02-10T08:00:00Z</updated>"
        '<content type="html">&lt;p&gt;Fighting between the army and rebels near Goma killed five '
        "civilians on Monday, local officials said.&lt;/p&gt;</content></entry></feed>",
        encoding="utf-8",
    )
    watcher, store, _ = watcher_for()
    totals = watcher.run([Source.of(str(atom))])
    assert totals.added == 1
    [stored] = list(store.incidents())
    assert stored.incident.place is not None and stored.incident.place.name == "Goma"
    assert stored.incident.fatalities == 5
    assert stored.incident.date == "2025-02-10"  # the entry's day: the text says only "Monday"


def test_a_folder_is_watched_for_new_files(tmp_path, watcher_for, store_location):
    """On both back ends: what a pass has seen is the store's to remember."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "one.txt").write_text(ARTICLES["/news/strike-kharkiv"], encoding="utf-8")
    (inbox / "notes.pdf").write_bytes(b"%PDF-1.4")
    watcher, store, _ = watcher_for(store_location)
    folder = Source.of(str(inbox))
    assert watcher.run([folder]).added == 1
    assert watcher.run([folder]).items == 0
    store.feed_checked(folder.name, error="disk unplugged")
    store.feed_checked(folder.name, error="disk unplugged")
    assert store.feed_state(folder.name).failures == 2
    (inbox / "two.txt").write_text(ARTICLES["/news/flood-sudan"], encoding="utf-8")
    again = watcher.run([folder])
    assert (again.items, again.added) == (1, 1)
    assert store.stats()["articles"] == 2


def test_what_is_not_a_source_is_refused_up_front(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        Source.of(str(tmp_path / "missing.rss"))
    with pytest.raises(InputError, match="only http:// and https://"):
        Source.of("ftp://example.org/feed.rss")
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        feed_items(b"just some words", "words.txt")


def _geomap(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "geomap.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_watch_once_from_the_command_line(site, tmp_path):
    site.routes["/world.rss"] = (200, "application/rss+xml", _rss(list(ARTICLES), site.base))
    db = tmp_path / "cli.db"
    run = _geomap("watch", site.base + "/world.rss", "--db", str(db), "--once", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.count("geomap: watch: + ") == 3
    assert "pass 1" in run.stderr and "3 article(s) added" in run.stderr
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM feed_items WHERE outcome = 'added'").fetchone()[0] == 3

    again = _geomap("watch", site.base + "/world.rss", "--db", str(db), "--once", cwd=tmp_path)
    assert again.returncode == 0 and "0 new item(s)" in again.stderr

    bad = _geomap("watch", str(tmp_path / "nope.rss"), "--db", str(db), "--once", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "no such file or folder" in bad.stderr

    down = _geomap("watch", site.base + "/gone.rss", "--db", str(db), "--once", cwd=tmp_path)
    assert down.returncode == 1
    assert "HTTP 404" in down.stderr and "Traceback" not in down.stderr
