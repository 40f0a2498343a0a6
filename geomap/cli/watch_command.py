"""``geomap watch``: feeds and folders into the incident store (``geomap.feeds.watch``).

Thin: it checks the sources, opens the store and the fetcher once, and runs a pass every
``--interval`` seconds (one with ``--once``), printing a line per new article and a summary
per pass on stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime

from geomap.cli.store_commands import db_option
from geomap.errors import InputError

#: Seconds between passes: four an hour is often enough for news and gentle on a feed's server.
DEFAULT_INTERVAL = 900.0


def _say(line: str) -> None:
    print(f"geomap: watch: {line}", file=sys.stderr, flush=True)


def cmd_watch(args: argparse.Namespace) -> int:
    from geomap.cli.exit_codes import EXIT_EMPTY, EXIT_OK
    from geomap.feeds.fetch import Fetcher
    from geomap.feeds.sources import Source
    from geomap.feeds.watch import Watcher
    from geomap.store.backend import resolve_db
    from geomap.store.store import Store

    if args.interval < 1:
        raise InputError(f"--interval must be at least 1 second, not {args.interval:g}")
    sources = list({s.name: s for s in map(Source.of, args.sources)}.values())
    with Store(resolve_db(args.db)) as store, Fetcher(timeout=args.timeout) as fetcher:
        every = "" if args.once else f", every {args.interval:g} s"
        _say(f"watching {len(sources)} source(s) into {store.path}{every}")
        watcher = Watcher(store, fetcher, log=_say)
        number = 0
        while True:
            number += 1
            totals = watcher.run(sources)
            _say(f"pass {number} ({datetime.now().strftime('%H:%M:%S')}): {totals.line()}")
            if args.once:
                if len(totals.failed_sources) == len(sources):
                    _say("no source could be read")
                    return EXIT_EMPTY
                return EXIT_OK
            time.sleep(args.interval)


def add_watch_command(commands: argparse._SubParsersAction) -> None:
    """Register ``watch`` on the ``geomap`` parser."""
    watch = commands.add_parser(
        "watch", help="read RSS/Atom feeds and folders into the incident store, again every few minutes"
    )
    watch.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="an RSS or Atom feed (http(s) URL or file), or a folder of .txt/.html/.json/.jsonl articles",
    )
    db_option(watch)
    watch.add_argument(
        "--interval",
        type=float,
        default=DEFAULT_INTERVAL,
        metavar="SECONDS",
        help=f"seconds between passes (default: {DEFAULT_INTERVAL:g})",
    )
    watch.add_argument("--once", action="store_true", help="one pass, then exit")
    watch.add_argument(
        "--timeout", type=float, default=20.0, metavar="SECONDS", help="give up on a request after this long"
    )
    watch.set_defaults(func=cmd_watch)
