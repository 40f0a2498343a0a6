"""Feeds into the store: how many articles a minute ``geomap watch`` adds, one pass, one core.

    .venv/bin/python bench/watch_bench.py [--articles 60] [--runs 3]

A local HTTP server (this process, a thread) serves an RSS feed of N items and a page per item,
each page an HTML article made of the text of one ../shared/eval news article (about 2,000
characters, as ``parse_bench.py`` cuts them; nothing is written to the repo). A fresh process
runs ``geomap watch FEED --once`` into a new store, as a user would, and the wall time of that
pass gives articles per minute, the parser's loading included. Two layouts:

- ``one host``: every page on 127.0.0.1, so the one-second gap per host of a polite reader
  sets the pace;
- ``many hosts``: the pages spread over 127.0.0.2 … 127.0.0.33 (all this machine), as a feed
  of many sites would be, so the gap never binds and the pace is fetching + parsing + storing.
"""

from __future__ import annotations

import argparse
import html
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from parse_bench import load_texts

ROOT = Path(__file__).resolve().parent.parent


def serve(texts: list[str], hosts: int) -> tuple[ThreadingHTTPServer, str]:
    """The feed at http://127.0.0.1:PORT/feed.rss, item i's page on host 127.0.0.(2 + i % hosts)."""
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            kind = "application/rss+xml" if self.path.endswith(".rss") else "text/html; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("0.0.0.0", 0), Handler)
    port = server.server_address[1]
    items = []
    for i, text in enumerate(texts):
        title = html.escape(text.split(". ", 1)[0][:80])
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
        pages[f"/story/{i}"] = (
            f"<html><head><title>{title}</title></head><body><nav>News | World</nav><article><h1>{title}</h1>"
            f"{paragraphs}</article></body></html>"
        ).encode()
        host = "127.0.0.1" if hosts == 1 else f"127.0.0.{2 + i % hosts}"
        items.append(
            f"<item><title>{title}</title><link>http://{host}:{port}/story/{i}</link><guid>bench-{i}</guid></item>"
        )
    channel = f"<channel><title>bench</title>{''.join(items)}</channel>"
    pages["/feed.rss"] = f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}/feed.rss"


def one_pass(feed: str) -> float:
    """Seconds for ``geomap watch FEED --once`` into a new store, in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        proc = subprocess.run(
            [str(ROOT / ".venv/bin/geomap"), "watch", feed, "--db", f"{tmp}/bench.db", "--once"],
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - t0
    if proc.returncode != 0 or "article(s) added" not in proc.stderr:
        sys.exit(f"geomap watch failed:\n{proc.stderr}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--chars", type=int, default=2000)
    args = ap.parse_args()
    texts = load_texts(args.articles, args.chars)
    for label, hosts in (("one host", 1), ("many hosts", 32)):
        server, feed = serve(texts, hosts)
        rates = [60 * args.articles / one_pass(feed) for _ in range(args.runs)]
        server.shutdown()
        runs = ", ".join(f"{r:.0f}" for r in rates)
        print(f"{label:<12} median {statistics.median(rates):.0f} articles/min   (runs: {runs})")


if __name__ == "__main__":
    main()
