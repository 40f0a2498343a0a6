"""The ``geomap`` command: thin, it parses arguments, calls the library and prints.

Exit codes are listed in :mod:`geomap.cli.exit_codes`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from geomap.batch.outputs import MAP_LIMIT
from geomap.cli.commands import (
    cmd_batch,
    cmd_evaluate,
    cmd_export,
    cmd_gazetteer_build,
    cmd_gazetteer_lookup,
    cmd_gazetteer_stats,
    cmd_map,
    cmd_parse,
    cmd_train,
    cmd_train_judge,
)
from geomap.cli.exit_codes import (
    EXIT_EMPTY,
    EXIT_GAZETTEER,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_STORE,
    EXIT_USAGE,
)
from geomap.cli.serve_commands import add_serve_command
from geomap.cli.store_commands import MAP_INCIDENT_LIMIT, add_commands, db_option, filter_options
from geomap.cli.watch_command import add_watch_command
from geomap.errors import GazetteerError, GeomapError, InputError, StoreError

#: ``geomap evaluate --corpus`` choices (geomap.evaluate has them too; importing it here would
#: load spaCy for ``geomap --help``).
_CORPORA = ("gwn", "lgl", "trnews", "geovirus", "tudloc2013", "event_location_gold", "event_location_train")


#: The ``--date`` of the commands that read articles.
DATE_HELP = "date (YYYY-MM-DD) of the articles that have none, as for `geomap parse`"
#: The ``--workers`` of the commands that parse articles.
WORKERS_HELP = "parser processes (default: one per core for more than 48 articles, else 1)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, documented code, no usage dump
        self.exit(EXIT_USAGE, f"geomap: error: {message} (see `geomap --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="geomap", description=__doc__.splitlines()[0].rstrip(":") if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    parse = commands.add_parser("parse", help="places named in one article")
    parse.add_argument("file", help=".txt, .html, .json or .jsonl file, or - for text on stdin")
    parse.add_argument("--date", help="article date (YYYY-MM-DD) when the input has none")
    parse.add_argument("--json", action="store_true", help="print the parsed-article JSON")
    parse.add_argument("--workers", type=int, metavar="N", help=WORKERS_HELP)
    parse.set_defaults(func=cmd_parse)

    fmap = commands.add_parser(
        "map", help="an interactive map of one or more articles, or of the incident store"
    )
    fmap.add_argument("files", nargs="*", metavar="FILE")
    fmap.add_argument(
        "-o",
        "--output",
        metavar="OUT.html",
        help="file to write (default: maps/<input name>.html, or maps/store.html with --db)",
    )
    fmap.add_argument("--force", action="store_true", help="replace OUT even if geomap did not write it")
    fmap.add_argument("--date", help=DATE_HELP)
    fmap.add_argument("--workers", type=int, metavar="N", help=WORKERS_HELP)
    fmap.add_argument(
        "--tiles",
        default="OpenStreetMap",
        help="background tiles over the bundled basemap: an xyzservices provider name "
        "(e.g. Esri.WorldImagery; one needing an API key is refused: give its URL template with your key), "
        "a URL template with {z}/{x}/{y}, or 'none' for the basemap alone (default: OpenStreetMap; "
        "the only network use)",
    )
    db_option(fmap, switch=True)
    filter_options(fmap)
    fmap.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help=f"with --db: at most N incidents, by date (default {MAP_INCIDENT_LIMIT:,})",
    )
    fmap.set_defaults(func=cmd_map)

    export = commands.add_parser(
        "export", help="places and incidents as GeoJSON, CSV (one row per incident) or KML"
    )
    export.add_argument("files", nargs="+", metavar="FILE")
    export.add_argument(
        "--format",
        choices=["geojson", "csv", "kml"],
        default=None,
        help="output format (default: from the -o suffix, else geojson)",
    )
    export.add_argument("-o", "--output", metavar="OUT", help="file to write (default: stdout)")
    export.add_argument("--force", action="store_true", help="replace OUT even if geomap did not write it")
    export.add_argument("--date", help=DATE_HELP)
    export.add_argument("--workers", type=int, metavar="N", help=WORKERS_HELP)
    export.set_defaults(func=cmd_export)

    ev = commands.add_parser("evaluate", help="score the parser on the annotated corpora in ../shared/eval")
    ev.add_argument(
        "--corpus",
        action="append",
        choices=_CORPORA,
        help="corpus to run (repeatable; default: all; the training file is scored by cross-validation)",
    )
    ev.add_argument(
        "--part",
        choices=["tune", "check", "all", "both"],
        default="both",
        help="which part of each dev half (default: both, reported separately)",
    )
    ev.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    scope = ev.add_mutually_exclusive_group()
    scope.add_argument(
        "--incidents",
        action="store_true",
        help="score incidents against the analyst's labels in labels/incidents instead",
    )
    scope.add_argument(
        "--reports",
        action="store_true",
        help="score incidents on the coder-style event reports in labels/reports instead",
    )
    ev.add_argument(
        "--details", metavar="OUT", help="with --incidents or --reports: write each item's outcomes as JSONL"
    )
    ev.set_defaults(func=cmd_evaluate)

    tr = commands.add_parser("train", help="train the event–location linker on labelled newswire events")
    tr.add_argument(
        "--data",
        metavar="JSONL",
        action="append",
        help="labelled events (default: the eval folder's event_location_train.jsonl); repeat to add "
        "files, e.g. `geomap corrections --format training` of a store",
    )
    tr.add_argument("-o", "--output", metavar="OUT", help="model file (default: the one geomap ships)")
    tr.add_argument("--force", action="store_true", help="replace OUT even if it is not a linker model")
    tr.set_defaults(func=cmd_train)

    tj = commands.add_parser(
        "train-judge", help="train the event judge on the tune part of the incident labels (labels/incidents)"
    )
    tj.add_argument("-o", "--output", metavar="OUT", help="model file (default: the one geomap ships)")
    tj.add_argument("--force", action="store_true", help="replace OUT even if it is not a judge model")
    tj.set_defaults(func=cmd_train_judge)

    batch = commands.add_parser("batch", help="parse a corpus into a folder, resumably, optionally on Dask")
    batch.add_argument(
        "input", metavar="INPUT", help="a folder of .txt/.html/.json files, a .jsonl file, or a glob"
    )
    batch.add_argument("--out", required=True, metavar="DIR", help="folder for the results")
    batch.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes that parse: this one, plus a Dask LocalCluster of N-1 (default 1: this one only)",
    )
    batch.add_argument(
        "--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786"
    )
    batch.add_argument(
        "--map-articles",
        type=int,
        default=MAP_LIMIT,
        metavar="N",
        help=f"map.html shows the first N articles (default {MAP_LIMIT}); the GeoJSON and CSV hold all",
    )
    db_option(batch)
    batch.set_defaults(func=cmd_batch)

    add_commands(commands)
    add_serve_command(commands)
    add_watch_command(commands)

    gaz = commands.add_parser("gazetteer", help="build, query and describe the offline gazetteer")
    gaz_commands = gaz.add_subparsers(dest="gazetteer_command", required=True, parser_class=_Parser)

    def index_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--index", metavar="PATH", help="index file (default: $GEOMAP_DATA_DIR or ~/.cache/geomap)"
        )

    build = gaz_commands.add_parser("build", help="compile the index from the bundled sources")
    index_options(build)
    build.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar (default: only on a terminal)",
    )
    build.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")
    build.set_defaults(func=cmd_gazetteer_build)

    lookup = gaz_commands.add_parser("lookup", help="places a name may denote, best first")
    lookup.add_argument("name")
    lookup.add_argument("--json", action="store_true", help="print a JSON list")
    lookup.add_argument("--limit", type=int, default=10, help="at most this many places (default 10)")
    index_options(lookup)
    lookup.add_argument("--no-build", action="store_true", help="fail instead of building a missing index")
    lookup.set_defaults(func=cmd_gazetteer_lookup)

    stats = gaz_commands.add_parser("stats", help="counts by feature type and by source")
    stats.add_argument("--json", action="store_true", help="print JSON")
    index_options(stats)
    stats.add_argument("--no-build", action="store_true", help="fail instead of building a missing index")
    stats.set_defaults(func=cmd_gazetteer_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except GazetteerError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return EXIT_GAZETTEER
    except StoreError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return EXIT_STORE
    except GeomapError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return EXIT_EMPTY
    except KeyboardInterrupt:
        print("geomap: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
