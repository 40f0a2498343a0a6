"""A throwaway PostgreSQL + PostGIS server in a temporary folder, for the tests and the bench.

It listens on a Unix socket in that folder only (no TCP port to collide with), trusts local
connections, and runs as ``nobody`` when we are root (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

BIN = Path("/usr/lib/postgresql/15/bin")
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
#: For the tests: no durability, which a throwaway server does not need.
FAST = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")


class ServerUnavailable(RuntimeError):
    """PostgreSQL or PostGIS is not installed, or the server did not start."""


def missing() -> str | None:
    """What is not installed, as a sentence; None when everything is."""
    if not (BIN / "initdb").exists() or not (BIN / "pg_ctl").exists():
        return f"PostgreSQL 15 is not installed ({BIN}/initdb missing)"
    if not POSTGIS_CONTROL.exists():
        return f"PostGIS is not installed ({POSTGIS_CONTROL} missing)"
    return None


def _run(argv: list[str], cwd: Path) -> None:
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise ServerUnavailable(f"{' '.join(argv[:6])} failed: {(proc.stderr or proc.stdout)[-1500:]}")


@contextmanager
def throwaway_postgis(*, durable: bool = False) -> Iterator[str]:
    """Start a server with a ``geomap`` database holding PostGIS; yield its URL; stop and remove it.

    ``durable`` keeps PostgreSQL's default fsync and synchronous commits (for the bench).
    """
    problem = missing()
    if problem:
        raise ServerUnavailable(f"{problem}; scripts/setup.sh installs PostgreSQL and PostGIS")
    import psycopg

    tmp = Path(tempfile.mkdtemp(prefix="geomap-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        import pwd

        nobody = pwd.getpwnam("nobody")
        os.chown(tmp, nobody.pw_uid, nobody.pw_gid)
        run_as = ["runuser", "-u", "nobody", "--"]
    data = tmp / "data"
    started = False
    try:
        _run([*run_as, str(BIN / "initdb"), "-D", str(data), "-U", "geomap", "--auth=trust",
              "-E", "UTF8", "--locale=C", "--no-sync"], tmp)  # fmt: skip
        options = f"-k {tmp} -c listen_addresses='' " + ("" if durable else " ".join(FAST))
        _run([*run_as, str(BIN / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"), "-w",
              "-o", options, "start"], tmp)  # fmt: skip
        started = True
        host = quote(str(tmp), safe="")
        with psycopg.connect(f"postgresql://geomap@/postgres?host={host}", autocommit=True) as conn:
            conn.execute("CREATE DATABASE geomap")
        url = f"postgresql://geomap@/geomap?host={host}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
        yield url
    finally:
        if started:
            subprocess.run(
                [*run_as, str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                cwd=tmp,
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(tmp, ignore_errors=True)


def new_store_url(server_url: str) -> str:
    """A URL for an empty store of its own on the server: a fresh schema first in the search_path."""
    import psycopg

    schema = f"store_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}".encode())
    return f"{server_url}&options={quote(f'-csearch_path={schema},public', safe='')}"
