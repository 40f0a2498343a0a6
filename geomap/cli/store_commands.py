"""The incident-store commands of ``geomap``: ``add``, ``incidents`` and ``map --db``.

Thin, as ``geomap.cli.commands``: they read arguments, call ``geomap.store.store`` and print. The store is
``--db PATH`` (or a ``postgresql://`` URL: a shared PostGIS store), else ``$GEOMAP_DB``, else
``geomap.db`` in the user data directory. A URL is shown without its password.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from typing import TYPE_CHECKING, TextIO, cast

from geomap.errors import GeomapError, InputError

if TYPE_CHECKING:
    from geomap.store.query import IncidentQuery

#: ``geomap incidents --format`` (geomap.store.formats.FORMATS; not imported here, it loads the exporters).
INCIDENT_FORMATS = ("geojson", "csv", "jsonl")
#: ``geomap map --db`` draws at most this many incidents by default: a page holds them all.
MAP_INCIDENT_LIMIT = 20_000


def db_option(p: argparse.ArgumentParser, *, switch: bool = False) -> None:
    """``--db``; with ``switch`` it may be given without a value (the default store)."""
    help_text = (
        "the incident store: a SQLite file, or postgresql://USER@HOST/DB for a shared PostGIS store "
        "(default: $GEOMAP_DB, else geomap.db in the user data folder)"
    )
    if switch:
        p.add_argument("--db", nargs="?", const="", default=None, metavar="DB", help=help_text)
    else:
        p.add_argument("--db", default=None, metavar="DB", help=help_text)


def filter_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--bbox", metavar="W,S,E,N", help="only incidents inside this box (degrees; W > E crosses 180°)"
    )
    p.add_argument(
        "--since", metavar="DATE", help="only incidents on or after DATE (YYYY-MM-DD, YYYY-MM or YYYY)"
    )
    p.add_argument("--until", metavar="DATE", help="only incidents on or before DATE")
    p.add_argument(
        "--type", action="append", metavar="T", help="only this incident type (repeatable, or T1,T2)"
    )
    p.add_argument("--country", metavar="CC", help="only incidents in this country (ISO 3166-1 alpha-2)")
    p.add_argument(
        "--q",
        metavar="TEXT",
        help="only incidents whose place, sentence, actors, type or sources' titles hold every word of TEXT",
    )


def query_from(args: argparse.Namespace, limit: int | None = None) -> IncidentQuery:
    from geomap.store.query import IncidentQuery

    return IncidentQuery.parse(
        bbox=args.bbox,
        since=args.since,
        until=args.until,
        types=args.type,
        country=args.country,
        q=args.q,
        limit=limit,
    )


def has_filters(args: argparse.Namespace) -> bool:
    return any(
        getattr(args, name, None) is not None for name in ("bbox", "since", "until", "type", "country", "q")
    )


def cmd_add(args: argparse.Namespace) -> int:
    from geomap.cli.exit_codes import EXIT_OK
    from geomap.cli.reading import load_inputs
    from geomap.store.backend import resolve_db
    from geomap.store.store import AddTotals, Store

    path = resolve_db(args.db)
    # all read and parsed before the store is touched
    parsed = load_inputs(args.files, args.date, args.workers)
    if not parsed:
        raise InputError("no articles in the input")
    with Store(path) as store:
        totals = AddTotals()
        for article in parsed:
            result = store.add(article)
            totals = totals.plus(result)
            if result.renamed_from is not None:
                print(
                    f"geomap: note: another article in the store has the id {result.renamed_from!r}; "
                    f"this one is stored as {result.article_id!r}",
                    file=sys.stderr,
                )
        total = store.stats()
    print(f"{totals.line()} -> {store.path}")  # a URL without its password
    print(f"the store holds {total['articles']} article(s) and {total['incidents']} incident(s)")
    return EXIT_OK


def cmd_incidents(args: argparse.Namespace) -> int:
    from geomap.cli.exit_codes import EXIT_OK
    from geomap.outputs.files import atomic_writer
    from geomap.store.backend import resolve_db
    from geomap.store.formats import format_for, write_incidents
    from geomap.store.store import Store

    query = query_from(args, limit=args.limit)
    fmt = format_for(args.output, args.format)
    with Store(resolve_db(args.db), create=False) as store:
        if args.output:
            with atomic_writer(args.output, force=args.force, newline="" if fmt == "csv" else None) as f:
                count = write_incidents(f, store, query, fmt)
            print(f"{count} incident(s) written as {fmt}: {args.output}", file=sys.stderr)
        else:
            # whole or nothing: a store that fails halfway leaves no half a document on stdout
            with tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="") as f:
                write_incidents(cast("TextIO", f), store, query, fmt)
                f.seek(0)
                shutil.copyfileobj(f, sys.stdout)
    return EXIT_OK


def cmd_map_store(args: argparse.Namespace) -> int:
    """``geomap map --db``: the store's incidents, filtered, on one map."""
    from pathlib import Path

    from geomap.cli.exit_codes import EXIT_OK
    from geomap.outputs.files import write_text_atomic
    from geomap.store.backend import resolve_db
    from geomap.store.store import Store
    from geomap.store.store_map import render_store_map

    query = query_from(args, limit=args.limit if args.limit is not None else MAP_INCIDENT_LIMIT)
    with Store(resolve_db(args.db), create=False) as store:
        incidents = list(store.incidents(query))
        total = store.count(query)
        reports = {s.incident.id: store.reports(s.incident.id) for s in incidents}
    if not any(s.incident.place is not None for s in incidents):
        raise GeomapError("no located incidents in the store match; no map written")
    note = f"the first {len(incidents):,} of {total:,} incidents" if total > len(incidents) else None
    try:
        fmap = render_store_map(incidents, reports, tiles=args.tiles, note=note)
    except ValueError as exc:  # folium/xyzservices: an unknown provider name
        raise InputError(f"--tiles {args.tiles!r}: {exc}") from None
    path = write_text_atomic(
        args.output or Path("maps") / "store.html", fmap.get_root().render(), force=args.force
    )
    print(f"map written: {path} ({len(incidents):,} incidents)", file=sys.stderr)
    return EXIT_OK


def cmd_corrections(args: argparse.Namespace) -> int:
    """``geomap corrections``: the analyst's corrections log, as JSON Lines or CSV."""
    import csv
    import json

    from geomap.cli.exit_codes import EXIT_OK
    from geomap.outputs.files import atomic_writer
    from geomap.store.backend import resolve_db
    from geomap.store.store import Store

    fmt = args.format or ("csv" if args.output and args.output.lower().endswith(".csv") else "jsonl")
    unused = 0
    with Store(resolve_db(args.db), create=False) as store:
        if fmt == "training":
            from geomap.store.examples import location_examples

            examples = location_examples(store)
            rows, unused = examples.docs, examples.unused
        else:
            rows = [c.to_dict() for c in store.corrections()]

    def write(f: TextIO) -> None:
        if fmt in ("jsonl", "training"):
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
            return
        writer = csv.DictWriter(f, fieldnames=["incident", "at", "by", "field", "before", "after", "note"])
        writer.writeheader()
        for row in rows:
            # before and after as JSON, so that a number, a text and a place read back as they were
            writer.writerow({**row, "before": json.dumps(row["before"]), "after": json.dumps(row["after"])})

    if args.output:
        with atomic_writer(args.output, force=args.force, newline="" if fmt == "csv" else None) as f:
            write(f)
        what = "article(s) of place corrections" if fmt == "training" else "correction(s)"
        print(f"{len(rows)} {what} written as {fmt}: {args.output}", file=sys.stderr)
    else:
        write(sys.stdout)
    if unused:
        print(
            f"geomap: {unused} place correction(s) left out: the article's text does not name the place, "
            "or was not stored",
            file=sys.stderr,
        )
    return EXIT_OK


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register ``add`` and ``incidents`` on the ``geomap`` parser."""
    add = commands.add_parser("add", help="parse articles and add them to the incident store")
    add.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help=".txt, .html, .json or .jsonl (parse --json output too), or -",
    )
    add.add_argument(
        "--date",
        help="date (YYYY-MM-DD) of the articles that have none, as for `geomap parse`; undated "
        "incidents never merge across articles",
    )
    add.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="parser processes (default: one per core for more than 48 articles, else 1)",
    )
    db_option(add)
    add.set_defaults(func=cmd_add)

    inc = commands.add_parser("incidents", help="the incident store's merged incidents, filtered")
    db_option(inc)
    filter_options(inc)
    inc.add_argument(
        "--format",
        choices=INCIDENT_FORMATS,
        default=None,
        help="output format (default: from the -o suffix, else geojson)",
    )
    inc.add_argument("--limit", type=int, metavar="N", help="at most N incidents (by date)")
    inc.add_argument("-o", "--output", metavar="OUT", help="file to write (default: stdout)")
    inc.add_argument("--force", action="store_true", help="replace OUT even if geomap did not write it")
    inc.set_defaults(func=cmd_incidents)

    cor = commands.add_parser(
        "corrections", help="the corrections analysts made in the web app, oldest first"
    )
    db_option(cor)
    cor.add_argument(
        "--format",
        choices=("jsonl", "csv", "training"),
        default=None,
        help="default: from the -o suffix, else jsonl; training: place corrections as labelled events "
        "for geomap train --data",
    )
    cor.add_argument("-o", "--output", metavar="OUT", help="file to write (default: stdout)")
    cor.add_argument("--force", action="store_true", help="replace OUT even if geomap did not write it")
    cor.set_defaults(func=cmd_corrections)
