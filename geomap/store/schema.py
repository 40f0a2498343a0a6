"""The incident store's SQLite schema, as numbered migrations, and opening a file as a store.

A new store runs every migration in order; an older store runs the ones it lacks when it is
opened, so there is one path to each version. ``PRAGMA user_version`` holds the version and
``PRAGMA application_id`` marks the file as geomap's, so a store is never confused with some
other SQLite database.

Version 1: articles, places, incidents (merged) and their sources (one row per report).
Version 2: an R*Tree over the located incidents' points, filled from the incidents table:
bounding-box queries and the merge's "within a few km" look-up go through it, not a scan.
Version 3: each incident's GeoJSON feature as text.
Version 4: what ``geomap watch`` has read: each feed's conditional-request validators and each
item seen (by guid, link or file), so that a feed item is fetched once.
Version 5: review: what an analyst set on an incident (its overrides, laid over every later merge),
whether it is reviewed, dismissed (with the reason) or merged into another, and the log of
corrections.
Version 6: each incident's words for a text search (``store_merge.search_text``), and whether its
toll is cumulative (summaries and clusters leave those deaths out); an index that holds all a
clustered view reads, so that one costs a scan of the index, not of the incidents.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from geomap.errors import StoreError

#: "geom" in ASCII: marks a SQLite file as a geomap incident store.
APPLICATION_ID = 0x67656F6D

_V1 = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    title TEXT,
    date TEXT,
    url TEXT,
    content_hash TEXT NOT NULL UNIQUE,
    parsed TEXT NOT NULL,            -- the parsed-article JSON (with "text" when the input had it)
    added_at TEXT NOT NULL
);
CREATE TABLE places (
    id TEXT PRIMARY KEY,             -- the gazetteer's place id
    name TEXT NOT NULL,
    feature_type TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    country_code TEXT,
    geonameid INTEGER,
    data TEXT NOT NULL               -- the contract's place object
);
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,        -- the public id: its first report's incident id
    incident_type TEXT NOT NULL,
    family TEXT NOT NULL,            -- 'violence' for the types one event may be reported as
    place_id TEXT REFERENCES places(id),
    lat REAL,
    lon REAL,
    country_code TEXT,
    date TEXT,
    date_lo TEXT,                    -- first and last day of the date's period: '2024-03' spans the month
    date_hi TEXT,
    fatalities INTEGER,
    fatalities_min INTEGER,
    affected INTEGER,
    affected_min INTEGER,
    confidence REAL NOT NULL,
    source_count INTEGER NOT NULL,
    sources TEXT NOT NULL,           -- JSON list of article ids, in the order they reported it
    data TEXT NOT NULL               -- the merged incident's parsed-article JSON object
);
CREATE INDEX incidents_date ON incidents(date_lo, date_hi);
CREATE INDEX incidents_type ON incidents(incident_type);
CREATE INDEX incidents_country ON incidents(country_code);
CREATE TABLE incident_sources (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    article_id TEXT NOT NULL REFERENCES articles(id),
    source_id TEXT NOT NULL,         -- the incident's id in its article
    position INTEGER NOT NULL,       -- 0 for the first report, then in the order they were added
    data TEXT NOT NULL,              -- the report: the article's incident, parsed-article JSON
    PRIMARY KEY (article_id, source_id)
);
CREATE INDEX incident_sources_incident ON incident_sources(incident_id, position);
"""

_V2 = """
CREATE VIRTUAL TABLE incident_points USING rtree(id, min_lon, max_lon, min_lat, max_lat);
INSERT INTO incident_points SELECT id, lon, lon, lat, lat FROM incidents WHERE lat IS NOT NULL;
"""

#: Each incident's GeoJSON feature as text, written with the incident, so that a map's bbox query
#: sends stored text instead of decoding and re-encoding every incident. NULL in a store migrated
#: from version 2 until the incident is next written; those are built from ``data`` as before.
_V3 = """
ALTER TABLE incidents ADD COLUMN feature TEXT;
"""

#: ``geomap watch``'s memory (``geomap.feeds.watch``): a feed's ETag and Last-Modified for the next
#: conditional request, and every item it has dealt with, so that none is fetched twice.
_V4 = """
CREATE TABLE feeds (
    source TEXT PRIMARY KEY,         -- a feed's URL or file, or a folder, as given
    etag TEXT,
    last_modified TEXT,
    checked_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0,  -- failed passes in a row
    error TEXT                       -- the last failure, NULL after a good pass
);
CREATE TABLE feed_items (
    key TEXT PRIMARY KEY,            -- the item's guid, else its link; a folder's file with its size and time
    source TEXT NOT NULL,
    url TEXT,
    article_id TEXT,                 -- the article it was stored as, or the one with the same text or URL
    outcome TEXT NOT NULL,           -- added, known (same text or URL already stored), no-text
    seen_at TEXT NOT NULL
);
CREATE INDEX articles_url ON articles(url);
"""

#: Review (``geomap.store.review``): an incident's overrides, its state, and the corrections log.
_V5 = """
ALTER TABLE incidents ADD COLUMN overrides TEXT;      -- JSON: field -> the value an analyst set
ALTER TABLE incidents ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN dismissed TEXT;      -- the reason, when an analyst dismissed it
ALTER TABLE incidents ADD COLUMN merged_into TEXT;    -- the uid it was merged into; its sources went there
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    incident_uid TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    field TEXT NOT NULL,
    before TEXT,                     -- JSON
    after TEXT,                      -- JSON
    note TEXT
);
CREATE INDEX corrections_incident ON corrections(incident_uid, id);
"""

#: Text search: the words ``geomap.store.merge.search_text`` makes, which every write of an incident
#: sets; ``Store`` fills in the incidents stored before (it takes Python's Unicode case folding), and
#: their ``cumulative`` flag with them. A partial index holds the incidents still without words, so
#: that asking whether any are left costs a look at an empty index, not a scan, on every open.
_V6 = """
ALTER TABLE incidents ADD COLUMN search TEXT;
ALTER TABLE incidents ADD COLUMN cumulative INTEGER NOT NULL DEFAULT 0;  -- a toll to date, not the day's
CREATE INDEX incidents_cells ON incidents(lon, lat, fatalities, cumulative, merged_into, dismissed);
CREATE INDEX incidents_place ON incidents(place_id);
CREATE INDEX incidents_unsearched ON incidents(id) WHERE search IS NULL;
"""

#: MIGRATIONS[n - 1] takes a store from version n - 1 to version n.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6)
SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path, *, create: bool, timeout: float = 10.0) -> sqlite3.Connection:
    """A connection to the store at ``path``, migrated to ``SCHEMA_VERSION``; StoreError otherwise.

    ``create`` makes a missing file (and its folder); without it a missing store is an error,
    so that a query never leaves an empty database behind a typo. ``timeout`` is how long to
    wait for another process's write to end.
    """
    if path.is_dir():
        raise StoreError(f"{path} is a directory; give the store's file name")
    if not path.exists():
        if not create:
            raise StoreError(f"no incident store at {path}; add articles with `geomap add FILE --db {path}`")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of {path}: {exc.strerror or exc}") from None
    if not create and not _writable(path):
        return _read_only(path)
    try:
        # Autocommit mode: the store opens its own transactions (BEGIN IMMEDIATE ... COMMIT).
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if not create and db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 0:
            # an empty file (or one SQLite made empty): reading never turns it into a store
            raise StoreError(
                f"no incident store at {path} (the file holds nothing); add articles with "
                f"`geomap add FILE --db {path}`"
            )
        migrate(db, path)
        # WAL: readers (a served map) are not blocked while an article is being added.
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.OperationalError as exc:  # locked, read-only, unreadable: not a question of format
        db.close()
        raise StoreError(f"cannot use the incident store {path}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        db.close()
        if "malformed" in str(exc):  # a store whose pages are damaged, not some other file
            raise StoreError(f"cannot read {path}: {exc}") from None
        raise StoreError(f"{path} is not a geomap incident store ({exc})") from None
    except BaseException:
        db.close()
        raise
    return db


def _writable(path: Path) -> bool:
    """Whether this process may write the store and make its journal files beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _read_only(path: Path) -> sqlite3.Connection:
    """A store this process may not write (a shared copy, a read-only folder), opened to read only.

    SQLite's ``immutable`` mode reads it without the journal files a WAL store would otherwise
    need beside it, unless commits still wait in its WAL file. A store of an older
    schema cannot be brought up to date here: that needs write access once.
    """
    wal = path.with_name(path.name + "-wal")
    # commits still in a WAL file are read through it (SQLite needs its -shm file then); a store closed
    # cleanly has none, and is read as it stands
    mode = "mode=ro" if wal.exists() and wal.stat().st_size else "mode=ro&immutable=1"
    uri = f"{path.resolve().as_uri()}?{mode}"
    try:
        db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a geomap incident store ({exc})") from None
    if app_id != APPLICATION_ID or version == 0:
        db.close()
        raise StoreError(f"{path} is not a geomap incident store")
    if version != SCHEMA_VERSION:
        db.close()
        newer = "made by a newer geomap" if version > SCHEMA_VERSION else "of an older geomap"
        raise StoreError(
            f"{path} is a version {version} store ({newer}) that this process may not write; "
            f"this geomap reads version {SCHEMA_VERSION}, which an `add` with write access makes"
        )
    return db


def migrate(db: sqlite3.Connection, path: Path | str, target: int = SCHEMA_VERSION) -> int:
    """Bring the store to version ``target``, one migration per transaction; returns the old version."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    if app_id != APPLICATION_ID:
        tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        if app_id != 0 or tables:
            raise StoreError(f"{path} is a SQLite database but not a geomap incident store")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} is a version {version} store, made by a newer geomap (this one reads up to "
            f"version {SCHEMA_VERSION})"
        )
    step = version
    while step < target:
        db.execute("BEGIN IMMEDIATE")
        try:
            # Read again under the write lock: another process creating or migrating the same store
            # may have taken this step while this one waited for the lock.
            step = db.execute("PRAGMA user_version").fetchone()[0]
            if step < target:
                # executescript() would COMMIT first; run the statements one by one inside BEGIN.
                for statement in _statements(MIGRATIONS[step]):
                    db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                step += 1
                db.execute(f"PRAGMA user_version = {step}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return version


def _statements(script: str) -> list[str]:
    """The SQL statements of a migration script, split where SQLite says a statement is complete."""
    out, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line.split("--", 1)[0] if "--" in line else line
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {current.strip()[:60]}")
    return out
