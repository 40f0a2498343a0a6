"""The incident store: parsed articles kept in a database, repeated reports merged.

    with Store("geomap.db") as store:           # opened once; created and migrated as needed
    with Store("postgresql://me@db.newsroom/geomap") as store:   # a store the team shares
        store.add(parsed_article)                # one transaction: the whole article or nothing
        store.geojson(IncidentQuery.parse(bbox="30,45,40,52", since="2024-03"))

An article is added in one transaction, so an interrupted ``add`` leaves whole articles only.
Adding an article whose content hash is already stored changes nothing. Each of its incidents
either joins a stored incident that reports the same event (see ``geomap.store.merge``) as a
new source, or becomes a new incident. The filters are in ``geomap.store.query``.

This logic exists once; the database behind it is a back end (``geomap.store.backend``): a
SQLite file by default (``geomap.store.sqlite``), or PostgreSQL with PostGIS for a URL
(``geomap.store.postgis``), where writers on several machines exclude each other per article.

A ``Store`` may be shared by threads (a web server's): every call takes the store's lock.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap.errors import FieldError, NoSuchIncident, StoreError
from geomap.geodesy import haversine_km
from geomap.incidents.merge import DEFAULT_MAX_KM, WATER
from geomap.model import ParsedArticle, place_summary
from geomap.store.backend import Backend, is_postgres_url
from geomap.store.merge import (
    Merged,
    date_period,
    family,
    joins,
    merge_reports,
    merged_feature,
    search_boxes,
    search_text,
    widen,
)
from geomap.store.query import IncidentQuery, range_bbox_sql
from geomap.store.review import Correction, apply_overrides, check_changes, value_of
from geomap.store.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from geomap.incidents.incident import Incident
    from geomap.place import Place


def content_hash(article: ParsedArticle) -> str:
    """SHA-256 of the article's text; of its canonical parsed-article JSON when it has no text
    (a ``geomap parse --json`` file does not carry the text)."""
    payload = "text\0" + article.text if article.text else "parsed\0" + _canonical(article.to_dict())
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _canonical(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


#: How far a sea's point may lie from an offset point in it that a report gives: the search radius
#: for such reports (the Red Sea is 2,200 km long; ``same_event`` decides by the sea's box).
WATER_REACH_KM = 1500.0


@dataclass(frozen=True, slots=True)
class AddResult:
    """What adding one article did. ``added`` is False when the same article was already stored.

    ``article_id`` is the id it is stored under: its own, or ``<id>~<hash>`` when another
    article with different content already has that id (``renamed_from`` then says so).
    """

    article_id: str
    added: bool
    incidents: int = 0
    merged: int = 0
    renamed_from: str | None = None


@dataclass(frozen=True, slots=True)
class AddTotals:
    """What adding many articles did, summed: ``added`` articles, ``unchanged`` ones already stored."""

    added: int = 0
    unchanged: int = 0
    incidents: int = 0
    merged: int = 0

    def plus(self, result: AddResult) -> AddTotals:
        if not result.added:
            return replace(self, unchanged=self.unchanged + 1)
        return AddTotals(
            self.added + 1, self.unchanged, self.incidents + result.incidents, self.merged + result.merged
        )

    def line(self) -> str:
        """``added 2 article(s) (1 already in the store), 3 new incident(s), 2 report(s) merged …``."""
        text = f"added {self.added} article(s)"
        if self.unchanged:
            text += f" ({self.unchanged} already in the store)"
        return (
            f"{text}, {self.incidents} new incident(s), {self.merged} report(s) merged into stored incidents"
        )


@dataclass(frozen=True, slots=True)
class SeenItem:
    """A feed item as ``geomap watch`` records it: its ``key`` (guid, link, or a folder's file with
    its size and time), the feed or folder it came from, and its link."""

    key: str
    source: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class FeedState:
    """A feed's validators from its last good answer (ETag, Last-Modified) and its failures in a row."""

    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0


@dataclass(frozen=True, slots=True)
class StoredIncident:
    """A merged incident as the store returns it: GeoJSON with ``sources`` and ``source_count``."""

    incident: Incident
    sources: tuple[str, ...]
    fatalities_range: tuple[int, int] | None
    affected_range: tuple[int, int] | None
    reviewed: bool = False
    dismissed: str | None = None  # why an analyst dismissed it

    def properties(self) -> dict[str, Any]:
        """The contract's incident properties plus ``sources``, ``source_count``, the count ranges
        and the review state."""
        return {
            **self.incident.properties(),
            "sources": list(self.sources),
            "source_count": len(self.sources),
            "fatalities_range": list(self.fatalities_range) if self.fatalities_range else None,
            "affected_range": list(self.affected_range) if self.affected_range else None,
            "reviewed": self.reviewed,
            "dismissed": self.dismissed,
        }

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {**self.incident.__geo_interface__, "properties": self.properties()}


@dataclass(frozen=True, slots=True)
class Cluster:
    """Incidents of one grid cell, as a zoomed-out map shows them: how many, their deaths, where."""

    lat: float
    lon: float
    count: int
    deaths: int

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": {"cluster": True, "count": self.count, "deaths": self.deaths},
        }


@dataclass(frozen=True, slots=True)
class Report:
    """One article's report of a stored incident: the article's own incident, and the article."""

    incident: Incident
    article_id: str
    article_title: str | None
    article_url: str | None
    article_date: str | None


class Store:
    """An incident store (a SQLite file or a PostGIS database); open it once, use it as a context manager.

    ``path`` is what the store is shown as: its file, or its URL without the password.
    """

    path: Path | str

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True, timeout: float = 10.0) -> None:
        """Open (``create``: or make) the store at ``path`` (a file, or a ``postgresql://`` URL);
        wait up to ``timeout`` s for other writers."""
        self._backend: Backend
        if is_postgres_url(path):
            from geomap.store.postgis import PostgisBackend

            self._backend = PostgisBackend(str(path), create=create, timeout=timeout)
            self.path = self._backend.location
        else:
            from geomap.store.sqlite import SqliteBackend

            self.path = Path(path)
            self._backend = SqliteBackend(self.path, create=create, timeout=timeout)
        self._lock = threading.RLock()
        try:
            self._fill_search()
        except BaseException:
            self._backend.close()
            raise

    def _fill_search(self) -> None:
        """Give the incidents stored before schema version 6 their search words and cumulative flag, once."""
        db = self._backend
        failures: tuple[type[BaseException], ...] = (StoreError, *db.errors)
        try:
            if db.execute("SELECT 1 FROM incidents WHERE search IS NULL LIMIT 1").fetchone() is None:
                return
            with db.transaction():
                rows = db.execute("SELECT id, data, sources FROM incidents WHERE search IS NULL").fetchall()
                for incident_id, data, sources in rows:
                    incident = json.loads(data)
                    text = search_text(incident, self._titles(json.loads(sources)))
                    db.execute(
                        "UPDATE incidents SET search = ?, cumulative = ? WHERE id = ?",
                        (text, int(bool(incident.get("cumulative"))), incident_id),
                    )
        except failures:
            # a store this process may only read, one busy with a long write, or a damaged one
            # (whose reads then say so): searched as it stands, filled in by the next open that can
            return

    def close(self) -> None:
        with self._lock:
            self._backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def add(self, article: ParsedArticle, *, seen: SeenItem | None = None) -> AddResult:
        """Add one parsed article in one transaction; see the module docstring.

        ``seen``: the feed item the article came from, recorded in the same transaction, so that
        an item is never both stored and unrecorded (``geomap watch`` fetches it once).
        """
        digest = content_hash(article)
        db = self._backend
        try:
            with self._lock, db.transaction():
                result = self._add(article, digest)
                if seen is not None:
                    self._record_item(seen, result.article_id, "added" if result.added else "known")
                return result
        except db.errors as exc:
            raise StoreError(f"cannot add {article.id!r} to {self.path}: {exc}") from None

    def _add(self, article: ParsedArticle, digest: str) -> AddResult:
        db = self._backend
        if same := db.execute("SELECT id FROM articles WHERE content_hash = ?", (digest,)).fetchone():
            return AddResult(same[0], added=False)
        row = db.execute("SELECT parsed FROM articles WHERE id = ?", (article.id,)).fetchone()
        renamed_from = None
        if row is not None:
            if _same_parse(json.loads(row[0]), article):
                return AddResult(article.id, added=False)
            renamed_from, article = article.id, _renamed(article, f"{article.id}~{digest[:10]}")
        self._insert_article(article, digest)
        merged = sum(self._add_incident(inc) for inc in article.incidents)
        return AddResult(article.id, True, len(article.incidents) - merged, merged, renamed_from=renamed_from)

    def add_many(self, articles: Iterable[ParsedArticle]) -> list[AddResult]:
        """``add`` for each article, each in its own transaction."""
        return [self.add(a) for a in articles]

    def _insert_article(self, article: ParsedArticle, digest: str) -> None:
        parsed = article.to_dict()
        if article.text:
            parsed["text"] = article.text
        self._backend.execute(
            "INSERT INTO articles (id, title, date, url, content_hash, parsed, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                article.title,
                article.date,
                article.url,
                digest,
                _dumps(parsed),
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )
        for place in [rp.place for rp in article.places] + [i.place for i in article.incidents if i.place]:
            self._insert_place(place)

    def _insert_place(self, place: Place) -> None:
        self._backend.execute(
            "INSERT INTO places (id, name, feature_type, lat, lon, country_code, geonameid, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (
                place.id,
                place.name,
                place.feature_type,
                place.lat,
                place.lon,
                place.country_code,
                place.geonameid,
                _dumps(place_summary(place)),
            ),
        )

    def _add_incident(self, inc: Incident) -> bool:
        """Store one report: joined to the stored incident it matches (True), or as a new one."""
        match = self._find_match(inc)
        if match is None:
            uid = inc.id
            if self._backend.execute("SELECT 1 FROM incidents WHERE uid = ?", (uid,)).fetchone():
                uid = f"{inc.article_id}:{inc.id}"
            incident_id = int(
                self._backend.execute(
                    "INSERT INTO incidents (uid, incident_type, family, confidence, source_count, sources, "
                    "data) VALUES (?, '', '', 0, 0, '[]', '{}') RETURNING id",
                    (uid,),
                ).fetchone()[0]
            )
            reports = [inc]
        else:
            incident_id, reports = match
            reports = [*reports, inc]
        self._backend.execute(
            "INSERT INTO incident_sources (incident_id, article_id, source_id, position, data) "
            "VALUES (?, ?, ?, ?, ?)",
            (incident_id, inc.article_id, inc.id, len(reports) - 1, _dumps(inc.to_dict())),
        )
        self._write_merged(incident_id, merge_reports(reports))
        return match is not None

    def _write_merged(self, incident_id: int, merged: Merged) -> None:
        uid, overrides_text, reviewed, dismissed, old_lat, old_lon = self._backend.execute(
            "SELECT uid, overrides, reviewed, dismissed, lat, lon FROM incidents WHERE id = ?", (incident_id,)
        ).fetchone()
        overrides = json.loads(overrides_text) if overrides_text else {}
        # what an analyst set stays set, whatever a later report says
        inc = apply_overrides(replace(merged.incident, id=uid), overrides)  # the public id
        if "fatalities" in overrides:
            merged = replace(merged, fatalities_range=None)
        if overrides.get("location") is not None and inc.place is not None:
            self._insert_place(inc.place)  # a place an analyst gave: the gazetteer's, or a point
        point = (inc.place.lat, inc.place.lon) if inc.place else (None, None)
        if point != (old_lat, old_lon):
            self._backend.set_point(incident_id, *point)
        period = date_period(inc.date)
        feature = merged_feature(
            inc.to_dict(),
            list(merged.sources),
            (inc.place.lon, inc.place.lat) if inc.place else None,
            merged.fatalities_range,
            merged.affected_range,
            reviewed=bool(reviewed),
            dismissed=dismissed,
        )
        self._backend.execute(
            "UPDATE incidents SET incident_type = ?, family = ?, place_id = ?, lat = ?, lon = ?, "
            "country_code = ?, date = ?, date_lo = ?, date_hi = ?, fatalities = ?, fatalities_min = ?, "
            "affected = ?, affected_min = ?, confidence = ?, source_count = ?, sources = ?, data = ?, "
            "feature = ?, search = ?, cumulative = ? WHERE id = ?",
            (
                inc.incident_type,
                family(inc.incident_type),
                inc.place.id if inc.place else None,
                inc.place.lat if inc.place else None,
                inc.place.lon if inc.place else None,
                inc.place.country_code if inc.place else None,
                inc.date,
                period[0].isoformat() if period else None,
                period[1].isoformat() if period else None,
                inc.fatalities,
                merged.fatalities_range[0] if merged.fatalities_range else None,
                inc.affected,
                merged.affected_range[0] if merged.affected_range else None,
                inc.confidence,
                len(merged.sources),
                _dumps(list(merged.sources)),
                _dumps(inc.to_dict()),
                _dumps(feature),
                search_text(inc.to_dict(), self._titles(merged.sources)),
                int(inc.cumulative),
                incident_id,
            ),
        )

    def _titles(self, article_ids: Sequence[str]) -> list[str | None]:
        """The titles of these stored articles, for the incident's search text."""
        if not article_ids:
            return []
        rows = self._backend.execute(
            f"SELECT title FROM articles WHERE id IN ({', '.join('?' * len(article_ids))})", list(article_ids)
        ).fetchall()
        return [r[0] for r in rows]

    def _find_match(self, inc: Incident) -> tuple[int, list[Incident]] | None:
        """The stored incident that ``inc`` reports too, with its reports; the nearest if several.

        Only a report with a place and a date can match one from another article
        (``same_event``); the spatial index, type family and date period narrow the
        candidates, and ``store_merge.joins`` decides.
        """
        if inc.place is None or inc.date is None:
            return None
        clauses = ["i.family = ?"]
        params: list[Any] = [family(inc.incident_type)]
        period = date_period(inc.date)
        if period is not None:
            lo, hi = widen(period)
            clauses.append("(i.date_lo IS NULL OR (i.date_lo <= ? AND i.date_hi >= ?))")
            params += [hi.isoformat(), lo.isoformat()]
        # a report "in the Gulf of Aden" is at the gulf's point, far from an offset point in it
        at_sea = inc.precision == "offset" or inc.precision in WATER
        reach = WATER_REACH_KM if at_sea else DEFAULT_MAX_KM
        boxes = search_boxes(inc.place.lat, inc.place.lon, reach)
        source, spatial, box_params = self._backend.bbox_sql(boxes)
        rows = self._backend.execute(
            f"SELECT i.id, i.lat, i.lon FROM {source} WHERE {spatial} AND " + " AND ".join(clauses),
            [*box_params, *params],
        ).fetchall()
        found: dict[int, tuple[float, float]] = {row[0]: (row[1], row[2]) for row in rows}
        lat, lon = inc.place.lat, inc.place.lon
        nearest = sorted(found, key=lambda i: (haversine_km(lat, lon, *found[i]), i))
        for incident_id in nearest:
            reports = self._reports_of(incident_id)
            if joins(reports, inc, max_km=DEFAULT_MAX_KM):
                return incident_id, reports
        return None

    def _reports_of(self, incident_id: int) -> list[Incident]:
        from geomap.inputs.parsed import incident_from_dict

        rows = self._backend.execute(
            "SELECT article_id, data FROM incident_sources WHERE incident_id = ? ORDER BY position",
            (incident_id,),
        ).fetchall()
        return [incident_from_dict(json.loads(data), article_id) for article_id, data in rows]

    # ------------------------------------------------------------------ review

    def correct(
        self, uid: str, changes: dict[str, Any], *, by: str, note: str | None = None
    ) -> dict[str, Any]:
        """Set fields of an incident (``geomap.store.review.EDITABLE``) as an analyst corrects them;
        its feature, now ``reviewed``. FieldError for a bad value, StoreError when there is no such
        incident. Each changed field is logged with its value before; a later report never undoes it."""
        checked = check_changes(changes)
        if note is not None and (not isinstance(note, str) or len(note) > 2000):
            raise FieldError("note", "note must be text of at most 2,000 characters")
        with self._writing("cannot correct an incident in"), self._backend.transaction():
            incident_id, uid = self._live(uid)
            current = self._merged_incident(incident_id)
            row = self._backend.execute(
                "SELECT overrides FROM incidents WHERE id = ?", (incident_id,)
            ).fetchone()
            overrides = {**(json.loads(row[0]) if row[0] else {}), **checked}
            before = {name: value_of(current, name) for name in checked}
            changed = [name for name, value in checked.items() if before[name] != value]
            for name in changed:
                self._log(uid, by, name, before[name], checked[name], note)
            if note and not changed:
                self._log(uid, by, "note", None, None, note)
            self._backend.execute(
                "UPDATE incidents SET overrides = ?, reviewed = 1 WHERE id = ?",
                (_dumps(overrides), incident_id),
            )
            self._write_merged(incident_id, merge_reports(self._reports_of(incident_id)))
            return self._feature(incident_id)

    def merge_into(self, uid: str, into: str, *, by: str, note: str | None = None) -> dict[str, Any]:
        """Merge incident ``uid`` into ``into``: one incident with the sources of both, and what an
        analyst set on either (``into``'s first). ``uid`` then answers as ``into``."""
        with self._writing("cannot merge incidents in"), self._backend.transaction():
            source_id, uid = self._live(uid)
            target_id, into = self._live(into)
            if source_id == target_id:
                raise FieldError("into", f"{uid!r} cannot be merged into itself")
            db = self._backend
            end = db.execute(
                "SELECT coalesce(max(position), -1) FROM incident_sources WHERE incident_id = ?", (target_id,)
            ).fetchone()[0]
            db.execute(
                "UPDATE incident_sources SET incident_id = ?, position = position + ? WHERE incident_id = ?",
                (target_id, int(end) + 1, source_id),
            )
            rows = db.execute(
                "SELECT id, overrides FROM incidents WHERE id IN (?, ?)", (source_id, target_id)
            ).fetchall()
            state = {r[0]: json.loads(r[1]) if r[1] else {} for r in rows}
            overrides = {**state[source_id], **state[target_id]}
            db.execute(
                "UPDATE incidents SET overrides = ?, reviewed = 1 WHERE id = ?",
                (_dumps(overrides), target_id),
            )
            db.execute(
                "UPDATE incidents SET merged_into = ?, lat = NULL, lon = NULL, source_count = 0, "
                "sources = '[]' WHERE id = ?",
                (into, source_id),
            )
            db.set_point(source_id, None, None)
            self._log(into, by, "merge", None, uid, note)
            self._log(uid, by, "merged_into", None, into, note)
            self._write_merged(target_id, merge_reports(self._reports_of(target_id)))
            return self._feature(target_id)

    def dismiss(self, uid: str, reason: str, *, by: str) -> dict[str, Any]:
        """Take an incident off the map and out of downloads (``IncidentQuery(dismissed=True)`` still
        finds it); ``reason`` says why. A later report of it joins it and stays dismissed."""
        if not isinstance(reason, str) or not reason.strip() or len(reason) > 2000:
            raise FieldError("reason", "reason must be text of 1 to 2,000 characters")
        with self._writing("cannot dismiss an incident in"), self._backend.transaction():
            incident_id, uid = self._live(uid)
            before = self._backend.execute("SELECT dismissed FROM incidents WHERE id = ?", (incident_id,))
            self._log(uid, by, "dismissed", before.fetchone()[0], reason.strip(), None)
            self._backend.execute(
                "UPDATE incidents SET dismissed = ?, reviewed = 1 WHERE id = ?", (reason.strip(), incident_id)
            )
            self._write_merged(incident_id, merge_reports(self._reports_of(incident_id)))
            return self._feature(incident_id)

    def feature(self, uid: str) -> dict[str, Any] | None:
        """The incident's GeoJSON feature with ``sources`` as objects (article id, title, URL, date)
        and its ``corrections``; an incident merged into another answers as that one. None if unknown."""
        with self._reading():
            try:
                incident_id, uid = self._live(uid)
            except NoSuchIncident:
                return None
            feature = self._feature(incident_id)
        feature["properties"]["sources"] = [
            {
                "article_id": r.article_id,
                "title": r.article_title,
                "url": r.article_url,
                "date": r.article_date,
                "sentence": r.incident.sentence,
            }
            for r in self.reports(uid)
        ]
        feature["properties"]["corrections"] = [c.to_dict() for c in self.corrections(uid)]
        return feature

    def corrections(self, uid: str | None = None) -> list[Correction]:
        """The corrections log, oldest first: of one incident (by its public id), or of the whole store."""
        sql = "SELECT incident_uid, at, by, field, before, after, note FROM corrections"
        params: tuple[Any, ...] = ()
        if uid is not None:
            sql, params = sql + " WHERE incident_uid = ?", (uid,)
        with self._reading():
            rows = self._backend.execute(sql + " ORDER BY id", params).fetchall()
        return [
            Correction(r[0], r[1], r[2], r[3], json.loads(r[4]) if r[4] else None,
                       json.loads(r[5]) if r[5] else None, r[6])
            for r in rows
        ]  # fmt: skip

    def _live(self, uid: str) -> tuple[int, str]:
        """(row id, public id) of the incident ``uid`` names, following merges; StoreError if none."""
        for _ in range(100):  # a chain of merges is short; never loop on a damaged one
            row = self._backend.execute(
                "SELECT id, merged_into FROM incidents WHERE uid = ?", (uid,)
            ).fetchone()
            if row is None:
                raise NoSuchIncident(f"no incident {uid!r} in the store")
            if row[1] is None:
                return int(row[0]), uid
            uid = row[1]
        raise StoreError(f"incident {uid!r} is merged in a loop in {self.path}")

    def _merged_incident(self, incident_id: int) -> Incident:
        from geomap.inputs.parsed import incident_from_dict

        data = self._backend.execute("SELECT data FROM incidents WHERE id = ?", (incident_id,)).fetchone()[0]
        obj = json.loads(data)
        return incident_from_dict(obj, obj.get("article_id") or "")

    def _feature(self, incident_id: int) -> dict[str, Any]:
        row = self._backend.execute(
            f"SELECT {_FEATURE_COLUMNS} FROM incidents i WHERE i.id = ?", (incident_id,)
        )
        return dict(json.loads(_feature_text(row.fetchone())))

    def _log(self, uid: str, by: str, field: str, before: Any, after: Any, note: str | None) -> None:
        self._backend.execute(
            "INSERT INTO corrections (incident_uid, at, by, field, before, after, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                datetime.now(UTC).isoformat(timespec="seconds"),
                by,
                field,
                None if before is None else _dumps(before),
                None if after is None else _dumps(after),
                note,
            ),
        )

    # ------------------------------------------------------------------ feeds

    def feed_state(self, source: str) -> FeedState:
        """What the last passes over a feed left: its validators for a conditional request."""
        with self._reading():
            row = self._backend.execute(
                "SELECT etag, last_modified, failures FROM feeds WHERE source = ?", (source,)
            ).fetchone()
        return FeedState() if row is None else FeedState(row[0], row[1], int(row[2]))

    def feed_checked(self, source: str, state: FeedState | None = None, *, error: str | None = None) -> None:
        """Record a pass over a feed: its new validators (``state``), or the ``error`` it failed with
        (the validators stay, and the failures in a row are counted)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        db = self._backend
        with self._writing(f"cannot record feed {source!r} in"), db.transaction():
            if error is None:
                state = state or FeedState()
                db.execute(
                    "INSERT INTO feeds (source, etag, last_modified, checked_at, failures, error) "
                    "VALUES (?, ?, ?, ?, 0, NULL) ON CONFLICT (source) DO UPDATE SET etag = excluded.etag, "
                    "last_modified = excluded.last_modified, checked_at = excluded.checked_at, failures = 0, "
                    "error = NULL",
                    (source, state.etag, state.last_modified, now),
                )
            else:
                db.execute(
                    "INSERT INTO feeds (source, checked_at, failures, error) VALUES (?, ?, 1, ?) "
                    "ON CONFLICT (source) DO UPDATE SET checked_at = excluded.checked_at, "
                    "failures = feeds.failures + 1, error = excluded.error",
                    (source, now, error),
                )

    def unseen(self, keys: Iterable[str]) -> list[str]:
        """The feed items of ``keys`` that no pass has dealt with yet, in their order."""
        wanted = list(dict.fromkeys(keys))
        seen: set[str] = set()
        with self._reading():
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                marks = ", ".join("?" for _ in chunk)
                rows = self._backend.execute(f"SELECT key FROM feed_items WHERE key IN ({marks})", chunk)
                seen.update(r[0] for r in rows.fetchall())
        return [k for k in wanted if k not in seen]

    def article_with_url(self, url: str) -> str | None:
        """The id of a stored article read from ``url``, if any."""
        with self._reading():
            row = self._backend.execute("SELECT id FROM articles WHERE url = ? LIMIT 1", (url,)).fetchone()
        return None if row is None else str(row[0])

    def mark_seen(self, item: SeenItem, article_id: str | None, outcome: str) -> None:
        """Record a feed item dealt with without adding it: ``known`` (its URL or text is stored, as
        ``article_id``) or ``no-text`` (its page has no article)."""
        with self._writing(f"cannot record item {item.key!r} in"), self._backend.transaction():
            self._record_item(item, article_id, outcome)

    def _record_item(self, item: SeenItem, article_id: str | None, outcome: str) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self._backend.execute(
            "INSERT INTO feed_items (key, source, url, article_id, outcome, seen_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
            (item.key, item.source, item.url, article_id, outcome, now),
        )

    @contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        """The store's lock, with the database's errors as one-line ``StoreError``s."""
        with self._lock:
            try:
                yield
            except self._backend.errors as exc:
                raise StoreError(f"{what} {self.path}: {exc}") from None

    # ------------------------------------------------------------------ reading

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """The store's lock, with the database's errors as one-line ``StoreError``s: a damaged file
        ("database disk image is malformed") is a bad store, not a crash."""
        with self._lock:
            try:
                yield
            except self._backend.errors as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise StoreError(f"cannot read {self.path}: {first}") from None

    def incidents(self, query: IncidentQuery | None = None) -> Iterator[StoredIncident]:
        """The merged incidents that ``query`` selects, by date then in the order they were stored."""
        from geomap.inputs.parsed import incident_from_dict

        columns = "i.data, i.sources, i.fatalities_min, i.affected_min, i.reviewed, i.dismissed"
        for data, sources, f_min, a_min, reviewed, dismissed in self._rows(query, columns):
            obj = json.loads(data)
            inc = incident_from_dict(obj, obj.get("article_id") or "")
            yield StoredIncident(
                incident=inc,
                sources=tuple(json.loads(sources)),
                fatalities_range=(f_min, inc.fatalities)
                if inc.fatalities is not None and f_min is not None
                else None,
                affected_range=(a_min, inc.affected) if inc.affected is not None else None,
                reviewed=bool(reviewed),
                dismissed=dismissed,
            )

    def features(self, query: IncidentQuery | None = None) -> Iterator[dict[str, Any]]:
        """The GeoJSON features of ``incidents(query)``."""
        return (json.loads(text) for text in self.feature_texts(query))

    def feature_texts(self, query: IncidentQuery | None = None) -> Iterator[str]:
        """The GeoJSON features of ``incidents(query)`` as JSON text, as stored: nothing is decoded,
        so a web map's bbox query costs the database's time, not Python's."""
        for row in self._rows(query, _FEATURE_COLUMNS):
            yield _feature_text(row)

    def geojson(self, query: IncidentQuery | None = None) -> dict[str, Any]:
        """A GeoJSON FeatureCollection (RFC 7946) of the selected incidents."""
        return {"type": "FeatureCollection", "features": list(self.features(query))}

    def count(self, query: IncidentQuery | None = None, *, at_most: int | None = None) -> int:
        """How many incidents ``query`` selects (ignoring its limit); with ``at_most``, counting
        stops there, so that "more than 2,000?" costs 2,001 rows and not the whole store."""
        source, where, params = (query or IncidentQuery()).where(self._backend.bbox_sql)
        sql = f"SELECT count(*) FROM {source}{where}"
        if at_most is not None:
            sql = f"SELECT count(*) FROM (SELECT 1 FROM {source}{where} LIMIT {int(at_most)}) AS q"
        with self._reading():
            return int(self._backend.execute(sql, params).fetchone()[0])

    def clusters(self, query: IncidentQuery | None, cell: float) -> list[Cluster]:
        """The located incidents ``query`` selects, grouped by cells of ``cell`` degrees: each cell's
        count, deaths (cumulative tolls left out, as in ``summary``) and mean point. Grouped in
        the database, so a view of 100,000 incidents costs one pass and a few hundred rows."""
        if not cell > 0:
            raise ValueError(f"cell must be positive, not {cell}")
        source, where, params = (query or IncidentQuery()).where(range_bbox_sql)
        floor = self._backend.floor_sql
        deaths = "sum(CASE WHEN i.cumulative = 1 THEN 0 ELSE coalesce(i.fatalities, 0) END)"
        sql = (
            f"SELECT count(*), {deaths}, avg(i.lat), avg(i.lon) FROM {source}{where} AND i.lat IS NOT NULL "
            f"GROUP BY {floor('(i.lon + 180.0) / ?')}, {floor('(i.lat + 90.0) / ?')}"
        )
        with self._reading():
            rows = self._backend.execute(sql, [*params, cell, cell]).fetchall()
        out = [Cluster(round(lat, 5), round(lon, 5), int(n), int(d or 0)) for n, d, lat, lon in rows]
        return sorted(out, key=lambda c: (-c.count, c.lat, c.lon))

    def _rows(self, query: IncidentQuery | None, columns: str) -> Iterator[tuple[Any, ...]]:
        query = query or IncidentQuery()
        source, where, params = query.where(self._backend.bbox_sql)
        sql = f"SELECT {columns} FROM {source}{where} ORDER BY i.date_lo IS NULL, i.date_lo, i.id"
        if query.limit is not None:
            sql += f" LIMIT {int(query.limit)}"
        with self._reading():
            cursor = self._backend.execute(sql, params)
            while batch := cursor.fetchmany(512):
                yield from batch

    def summary(self, query: IncidentQuery | None, group: str, period: str) -> list[dict[str, Any]]:
        """Incidents and deaths by ``period`` (day, week from its Monday, month) and ``group`` (country,
        type or place), oldest period first, then most incidents first. Undated incidents have no
        period (null), and unlocated ones no country or place (null). A cumulative toll is counted
        as an incident but not in the deaths."""
        column = {"country": "i.country_code", "type": "i.incident_type", "place": "i.place_id"}[group]
        source, where, params = (query or IncidentQuery()).where(self._backend.bbox_sql)
        week = self._backend.week_sql("i.date_lo")
        when = {"day": "i.date_lo", "week": week, "month": "substr(i.date_lo, 1, 7)"}
        # counted in the database, not by reading every incident; a toll to date ("the war has
        # killed …") counts as an incident but is no period's deaths
        sql = (
            f"SELECT {when[period]}, {column}, count(*), sum(CASE WHEN i.cumulative = 1 THEN 0 "
            f"ELSE coalesce(i.fatalities, 0) END) FROM {source}{where} GROUP BY 1, 2"
        )
        with self._reading():
            grouped = self._backend.execute(sql, params).fetchall()
        counts = {(w, key): (int(n), int(d or 0)) for w, key, n, d in grouped}
        names = self._place_names({key for _, key in counts if key is not None}) if group == "place" else {}
        rows = [(when, names.get(key, key) if key else None, n, d) for (when, key), (n, d) in counts.items()]
        rows.sort(key=lambda r: (r[0] is None, r[0] or "", -r[2], r[1] is None, r[1] or ""))
        return [{"period": w, "group": g, "incidents": n, "deaths": d} for w, g, n, d in rows]

    def _place_names(self, place_ids: set[str]) -> dict[str, str]:
        """Each place's name as its first stored incident writes it (the text's "Hodeidah", not
        the gazetteer's "Al Ḩudaydah")."""
        names: dict[str, str] = {}
        ids = sorted(place_ids)
        with self._reading():
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                rows = self._backend.execute(
                    f"SELECT place_id, data FROM incidents WHERE id IN (SELECT min(id) FROM incidents "
                    f"WHERE place_id IN ({marks}) GROUP BY place_id)",
                    chunk,
                ).fetchall()
                names.update((pid, json.loads(data).get("location_name") or pid) for pid, data in rows)
        return names

    def reports(self, uid: str) -> list[Report]:
        """Every article's report of the incident with public id ``uid``, oldest first."""
        from geomap.inputs.parsed import incident_from_dict

        with self._reading():
            rows = self._backend.execute(
                "SELECT s.article_id, s.data, a.title, a.url, a.date FROM incidents i "
                "JOIN incident_sources s ON s.incident_id = i.id JOIN articles a ON a.id = s.article_id "
                "WHERE i.uid = ? ORDER BY s.position",
                (uid,),
            ).fetchall()
        return [
            Report(incident_from_dict(json.loads(data), aid), aid, title, url, date)
            for aid, data, title, url, date in rows
        ]

    def article_meta(self, article_id: str) -> tuple[str | None, str | None] | None:
        """An article's title and URL, without reading its parsed JSON."""
        with self._reading():
            row = self._backend.execute(
                "SELECT title, url FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        return None if row is None else (row[0], row[1])

    def article(self, article_id: str) -> ParsedArticle | None:
        """The stored parsed article with this id, text included when the input had it."""
        from geomap.inputs.parsed import article_from_dict

        with self._reading():
            row = self._backend.execute("SELECT parsed FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else article_from_dict(json.loads(row[0]), f"{self.path}:{article_id}")

    def version(self) -> tuple[int, int]:
        """A token that changes with every write that can change an answer: the articles added and
        the last correction (every review action logs one). Two index look-ups, so a cache of
        answers can ask it on every request."""
        with self._reading():
            articles = self._backend.execute("SELECT count(*) FROM articles").fetchone()[0]
            last = self._backend.execute("SELECT max(id) FROM corrections").fetchone()[0]
        return int(articles), int(last or 0)

    def status(self) -> dict[str, Any]:
        """How many articles and incidents the store holds and when the last article came in: cheap
        enough to ask every few seconds, so that a page can tell that there is something new."""
        with self._reading():
            articles, last = self._backend.execute("SELECT count(*), max(added_at) FROM articles").fetchone()
            incidents = self._backend.execute(
                "SELECT count(*) FROM incidents WHERE merged_into IS NULL"
            ).fetchone()[0]
            corrections = self._backend.execute("SELECT count(*) FROM corrections").fetchone()[0]
        # Times are to the second: the counts tell two writes within one second apart.
        return {
            "articles": int(articles),
            "incidents": int(incidents),
            "corrections": int(corrections),
            "last_added": last,
        }

    def stats(self) -> dict[str, Any]:
        """Counts of articles, incidents, reports and located incidents, the schema version and size."""
        with self._reading():
            db = self._backend

            def count(table: str) -> int:
                return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

            return {
                "path": str(self.path),
                "schema_version": db.schema_version(),
                "articles": count("articles"),
                "incidents": count("incidents WHERE merged_into IS NULL"),
                "located": db.located(),
                "reports": count("incident_sources"),
                "places": count("places"),
                "size_bytes": db.size_bytes(),
            }


#: What ``_feature_text`` reads of an incident ``i``.
_FEATURE_COLUMNS = (
    "i.feature, i.data, i.sources, i.lat, i.lon, i.fatalities, i.fatalities_min, i.affected, "
    "i.affected_min, i.reviewed, i.dismissed"
)


def _feature_text(row: tuple[Any, ...]) -> str:
    """An incident's GeoJSON feature as text: as stored, or built from its data when it was last
    written before schema version 3."""
    feature, data, sources, lat, lon, f_max, f_min, a_max, a_min, reviewed, dismissed = row
    if feature is not None:
        return str(feature)
    return _dumps(
        merged_feature(
            json.loads(data),
            json.loads(sources),
            (lon, lat) if lat is not None else None,
            (f_min, f_max) if f_max is not None and f_min is not None else None,
            (a_min, a_max) if a_max is not None else None,
            reviewed=bool(reviewed),
            dismissed=dismissed,
        )
    )


#: ``Store.summary``'s periods.
PERIODS = ("day", "week", "month")
#: ``Store.summary``'s groups.
GROUPS = ("country", "type", "place")


def _same_parse(stored: dict[str, Any], article: ParsedArticle) -> bool:
    """Whether a stored parsed article is ``article`` read another way (its text, then its JSON)."""
    stored = {k: v for k, v in stored.items() if k != "text"}
    return _canonical(stored) == _canonical(article.to_dict())


def _renamed(article: ParsedArticle, new_id: str) -> ParsedArticle:
    """The article under ``new_id``: its incidents say which article they come from."""
    incidents = tuple(replace(i, article_id=new_id) for i in article.incidents)
    return replace(article, id=new_id, incidents=incidents)


__all__ = [
    "SCHEMA_VERSION",
    "AddResult",
    "AddTotals",
    "FeedState",
    "IncidentQuery",
    "Report",
    "SeenItem",
    "Store",
    "StoredIncident",
    "content_hash",
]
