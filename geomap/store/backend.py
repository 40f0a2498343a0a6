"""The narrow interface between the incident store's logic and a database.

``geomap.store.store.Store`` holds the logic once: which article is new, which stored incident a
report joins (``geomap.store.merge``), what a query selects (``geomap.store.query``) and how
rows become incidents. It speaks portable SQL with ``?`` parameters, which both SQLite and
PostgreSQL run. A back end adds only what differs between the two: opening and migrating its
schema, transactions and how writers exclude each other, the spatial index (SQLite's R*Tree,
PostGIS's GiST), and sizes. ``geomap.store.sqlite`` and ``geomap.store.postgis`` are the two.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from geomap.store.merge import Box

#: The URL schemes of a shared PostGIS store (DESIGN.md §3).
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

#: ``(from, where-clause, params)`` for "the incident ``i`` lies in one of these boxes".
BboxSQL = tuple[str, str, list[Any]]


class Rows(Protocol):
    """A cursor over a statement's result, as sqlite3 and psycopg both give it."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int) -> list[Any]: ...


class Backend(Protocol):
    """What ``Store`` asks of a database; see the module docstring."""

    #: Where the store is, to show users (a path, or a URL without its password).
    location: str
    #: The database errors that ``Store.add`` reports as one-line ``StoreError``s.
    errors: tuple[type[BaseException], ...]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """Run one portable SQL statement with ``?`` parameters."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """One write transaction, exclusive among the store's writers; rolled back on any exception."""
        ...

    def set_point(self, incident_id: int, lat: float | None, lon: float | None) -> None:
        """Put an incident's point into the spatial index, or move it there, or (None) take it out."""
        ...

    def bbox_sql(self, boxes: Sequence[Box]) -> BboxSQL:
        """The incidents ``i`` inside any of ``boxes`` (W, S, E, N; none crossing 180°), through the index."""
        ...

    def week_sql(self, day: str) -> str:
        """SQL for the Monday (``YYYY-MM-DD``) of the week that holds the ISO day ``day``."""
        ...

    def floor_sql(self, expr: str) -> str:
        """SQL for the whole number at or below ``expr`` (a non-negative number here)."""
        ...

    def schema_version(self) -> int: ...

    def located(self) -> int:
        """How many incidents the spatial index holds."""
        ...

    def size_bytes(self) -> int:
        """The store's size on disk."""
        ...

    def close(self) -> None: ...


def is_postgres_url(value: object) -> bool:
    return str(value).startswith(POSTGRES_SCHEMES)


def default_db_path() -> Path:
    """``$GEOMAP_DB``, else ``geomap.db`` in the user data directory (platformdirs)."""
    env = os.environ.get("GEOMAP_DB", "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("geomap", appauthor=False) / "geomap.db"


def resolve_db(value: str | os.PathLike[str] | None) -> Path | str:
    """The store a ``--db`` value names: a path, a ``postgresql://`` URL (kept as given), or
    the default when None or empty."""
    if value is None or not str(value).strip():
        return default_db_path()
    if is_postgres_url(value):
        return str(value)
    return Path(value).expanduser()
