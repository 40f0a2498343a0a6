"""The incident store's SQLite back end: one file, an R*Tree for points, the default.

Writers exclude each other with ``BEGIN IMMEDIATE`` (SQLite's one write lock per file), and
wait up to ``timeout`` seconds for it. The schema and its migrations are in
``geomap.store.schema``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from geomap.errors import StoreError
from geomap.store.backend import BboxSQL
from geomap.store.merge import Box
from geomap.store.query import range_bbox_sql
from geomap.store.schema import connect


def rtree_bbox_sql(boxes: Sequence[Box]) -> BboxSQL:
    """The R*Tree as the outer loop (``CROSS JOIN`` fixes SQLite's join order), then the exact
    coordinates: the R*Tree keeps 32-bit floats rounded outward."""
    rtree = " OR ".join(
        "(r.min_lon <= ? AND r.max_lon >= ? AND r.min_lat <= ? AND r.max_lat >= ?)" for _ in boxes
    )
    params: list[Any] = []
    for w, s, e, n in boxes:
        params += [e, w, n, s]
    _, exact, exact_params = range_bbox_sql(boxes)
    return (
        "incident_points r CROSS JOIN incidents i ON i.id = r.id",
        f"({rtree}) AND {exact}",
        params + exact_params,
    )


class SqliteBackend:
    """A store in one SQLite file (see ``geomap.store.backend.Backend``)."""

    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)

    def __init__(self, path: Path, *, create: bool, timeout: float) -> None:
        self.path = path
        self.location = str(path)
        self.db = connect(path, create=create, timeout=timeout)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception (Ctrl-C included)."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"cannot write to {self.path}: {exc}") from None
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise StoreError(f"cannot write to {self.path}: {exc}") from None

    def _rollback(self) -> None:
        """ROLLBACK, unless SQLite already rolled back on its own (a full disk, an I/O error)."""
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def set_point(self, incident_id: int, lat: float | None, lon: float | None) -> None:
        self.db.execute("DELETE FROM incident_points WHERE id = ?", (incident_id,))
        if lat is not None and lon is not None:
            self.db.execute(
                "INSERT INTO incident_points VALUES (?, ?, ?, ?, ?)", (incident_id, lon, lon, lat, lat)
            )

    def bbox_sql(self, boxes: Sequence[Box]) -> BboxSQL:
        return rtree_bbox_sql(boxes)

    def week_sql(self, day: str) -> str:
        return f"date({day}, '-' || ((CAST(strftime('%w', {day}) AS INTEGER) + 6) % 7) || ' days')"

    def floor_sql(self, expr: str) -> str:
        return f"CAST({expr} AS INTEGER)"  # truncates, which is the floor of a non-negative number

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def located(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM incident_points").fetchone()[0])

    def size_bytes(self) -> int:
        return self.path.stat().st_size

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file (before measuring its size)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.db.close()
