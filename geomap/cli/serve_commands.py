"""``geomap serve``: the local web app and JSON API over the incident store (``geomap.serve.app``).

The socket is bound here, before anything heavy loads, so a port in use is a one-line error;
then the parser and the store are opened once, and the URL is printed.
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import os
import signal
import socket
import sys
from pathlib import Path
from types import FrameType

from geomap.errors import InputError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
TOKEN_ENV = "GEOMAP_TOKEN"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1 or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free one); InputError when it cannot be."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(f"--host {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    # The protocol number matters: asyncio turns Nagle's algorithm off only on sockets that say
    # IPPROTO_TCP, and with it on, each small answer waits 40 ms for the client's delayed ACK.
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def allowed_hosts(args: argparse.Namespace) -> frozenset[str]:
    """The host names the server answers to: this machine's, ``--host`` and each ``--allowed-host``;
    on every interface (0.0.0.0, ::) also the machine's own name."""
    from geomap.serve.security import LOCAL_HOSTS

    names = set(LOCAL_HOSTS) | {args.host, *args.allowed_host}
    if args.host in ("0.0.0.0", "::"):
        names |= {socket.gethostname(), socket.getfqdn()}
    return frozenset(n.lower() for n in names if n)


def cmd_serve(args: argparse.Namespace) -> int:
    from geomap.cli.exit_codes import EXIT_OK
    from geomap.store.backend import resolve_db

    token = args.token if args.token is not None else os.environ.get(TOKEN_ENV) or None
    if not is_loopback(args.host) and not token:
        raise InputError(
            f"--host {args.host} is reachable from other machines: give --token T (or ${TOKEN_ENV})"
        )
    if token is not None and (len(token) < 8 or not token.isprintable()):
        raise InputError("--token: at least 8 printable characters")
    if not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: not a port number")
    sock = bind(args.host, args.port)
    try:
        import uvicorn

        class _NotingServer(uvicorn.Server):
            """uvicorn's server, noting whether a Ctrl-C stopped it."""

            interrupted = False

            def handle_exit(self, sig: int, frame: FrameType | None) -> None:
                self.interrupted = self.interrupted or sig == signal.SIGINT
                super().handle_exit(sig, frame)

        from geomap.serve.app import create_app
        from geomap.serve.parsing import WorkerParsing
        from geomap.serve.security import login_url
        from geomap.store.store import Store

        # The store first: a bad --db fails at once, not after the parsers have loaded.
        target = resolve_db(args.db)
        created = isinstance(target, Path) and not target.exists()
        with Store(target) as store:
            workers = args.workers or os.cpu_count() or 1
            # which store, and whether it is the one the analyst meant: a new one is said to be new
            held = store.status()
            what = (
                "created, empty"
                if created
                else f"{held['articles']} article(s), {held['incidents']} incident(s)"
            )
            # the store's URL, with no password
            print(
                f"geomap: store {store.path} ({what}); starting {workers} parser process(es)",
                file=sys.stderr,
            )
            parsing = WorkerParsing(workers, timeout=args.parse_timeout, queue=args.queue)
            # The server's long-lived objects would be walked by every full garbage collection, a
            # pause in some request; frozen, the collector skips them.
            gc.collect()
            gc.freeze()
            try:
                app = create_app(store, parsing, token=token, allowed_hosts=allowed_hosts(args))
                port = sock.getsockname()[1]
                shown = f"[{args.host}]" if ":" in args.host else args.host
                url = f"http://{shown}:{port}/"
                url = login_url(url, token) if token else url
                print(f"geomap: serving {store.path} at {url}  (Ctrl-C stops it)", flush=True)
                config = uvicorn.Config(
                    app, log_level="warning", access_log=False, timeout_graceful_shutdown=5
                )
                server = _NotingServer(config)
                server.run(sockets=[sock])
            finally:
                parsing.close()  # the workers go with the server, however it ends
            if server.interrupted:
                # uvicorn re-raises the Ctrl-C it shut down for, and asyncio turns that into
                # KeyboardInterrupt; should a run ever come back normally instead, Ctrl-C still
                # ends the command as "interrupted", as it does every other geomap command.
                raise KeyboardInterrupt
    finally:
        sock.close()
    return EXIT_OK


def add_serve_command(commands: argparse._SubParsersAction) -> None:
    """Register ``serve`` on the ``geomap`` parser."""
    from geomap.cli.store_commands import db_option

    serve = commands.add_parser("serve", help="the local web app and JSON API over the incident store")
    db_option(serve)
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only; any other needs --token)",
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free one)"
    )
    serve.add_argument(
        "--token",
        default=None,
        metavar="T",
        help=f"every request must carry it (Authorization: Bearer T; pages: open the printed URL once); "
        f"default ${TOKEN_ENV}",
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another host name the server answers to, as browsers reach it (repeatable); "
        "any other name is refused, against DNS rebinding",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="parser processes: a long article holds up no other (default: one per core)",
    )
    serve.add_argument(
        "--parse-timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="a parse that takes longer is stopped and answered 503 (default 300)",
    )
    serve.add_argument(
        "--queue",
        type=int,
        default=None,
        metavar="N",
        help="parses that may wait for a busy parser; more are answered 503 with Retry-After "
        "(default: as many as there are workers)",
    )
    serve.set_defaults(func=cmd_serve)
