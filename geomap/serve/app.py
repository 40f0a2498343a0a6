"""``geomap serve``: the web app and JSON API over one incident store and one parser.

``create_app(store, parser, token=…)`` builds the Starlette app; nothing here holds state
outside it. The parser and the store are opened once by the caller (``geomap.cli.serve_commands``).
Parsing runs in a one-thread pool of its own (spaCy is not shared between threads), store
reads in Starlette's thread pool, so the event loop stays free while they work.

Every error is JSON ``{"error": "…"}``: bad input 4xx with a one-line reason, anything
unexpected 500 without internals. No route takes a file name: uploads arrive as text in the
JSON body (the page reads the file) and are parsed in memory.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Collection
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from geomap.errors import FieldError, InputError, NoSuchIncident, StoreError
from geomap.inputs.article import check_date
from geomap.inputs.json_text import unusable
from geomap.serve.openapi import openapi_spec
from geomap.serve.pages import CLUSTER_OVER, page_routes
from geomap.serve.parsing import InlineParsing, ParseBusy, ParseTimeout, Parsing, WorkerParsing
from geomap.serve.security import LOCAL_HOSTS, MAX_BODY_BYTES, SECURITY_HEADERS, BodyTooLarge, Guard
from geomap.store.query import IncidentQuery
from geomap.store.store import Store

if TYPE_CHECKING:
    from geomap.parser import Geoparser
    from geomap.resolution.gazetteer import Gazetteer

log = logging.getLogger("geomap.serve")

#: ``GET /api/incidents`` returns at most this many incidents unless ``limit`` says otherwise.
DEFAULT_LIMIT = 5_000
MAX_LIMIT = 100_000
DOWNLOAD_FORMATS = {"geojson", "csv", "kml"}
_FLAG = re.compile(r"--(bbox|since|until|type|country|q|limit)\b")
_FIELDS = ("text", "title", "date", "url", "filename")
#: The query parameters ``_query`` reads: the filters of ``/api/incidents`` and ``/api/summary``.
_FILTER_PARAMS = frozenset({"bbox", "since", "until", "type", "country", "q"})


class GeomapJSON(JSONResponse):
    """JSON as geomap writes it: UTF-8 kept, no spaces."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error(status: int, message: str) -> GeomapJSON:
    return GeomapJSON({"error": message}, status_code=status)


def create_app(
    store: Store,
    parser: Geoparser | Parsing,
    *,
    token: str | None = None,
    allowed_hosts: Collection[str] = LOCAL_HOSTS,
    cluster_over: int = CLUSTER_OVER,
) -> Starlette:
    """The app over ``store`` and ``parser``; with ``token`` every request must carry it, and only
    requests to one of ``allowed_hosts`` are answered (see :mod:`geomap.serve.security`).

    ``parser`` is a loaded parser (parsed in a thread of this process) or a :class:`Parsing`,
    such as the worker processes of ``geomap serve`` (:mod:`geomap.serve.parsing`). The store page
    asks for clusters beyond ``cluster_over`` incidents in view."""
    parsing: Parsing = parser if isinstance(parser, (InlineParsing, WorkerParsing)) else InlineParsing(parser)
    clustered = ClusterCache(store)

    async def summary(request: Request) -> Response:
        from geomap.store.store import GROUPS, PERIODS

        params = request.query_params
        unknown = set(params) - _FILTER_PARAMS - {"group", "period"}
        if unknown:
            return error(400, f"unknown parameter(s): {', '.join(sorted(unknown))}")
        group, period = params.get("group", "country"), params.get("period", "week")
        if group == "province":
            return error(400, "group=province is not available yet: the store does not keep provinces")
        if group not in GROUPS:
            return error(400, f"group must be one of {', '.join(GROUPS)}, not {group!r}")
        if period not in PERIODS:
            return error(400, f"period must be one of {', '.join(PERIODS)}, not {period!r}")
        try:
            query = _query(params)
        except InputError as exc:
            return error(400, _FLAG.sub(r"\1", str(exc)))
        rows = await run_in_threadpool(store.summary, query, group, period)
        return GeomapJSON({"group": group, "period": period, "rows": rows})

    async def incidents(request: Request) -> Response:
        params = request.query_params
        unknown = set(params) - _FILTER_PARAMS - {"limit", "format", "cell", "cluster_over"}
        if unknown:
            return error(400, f"unknown parameter(s): {', '.join(sorted(unknown))}")
        try:
            cell = _number(params, "cell", float, 0.001, 180.0)
            over = _number(params, "cluster_over", int, 0, MAX_LIMIT)
        except InputError as exc:
            return error(400, str(exc))
        fmt = params.get("format", "geojson")
        if fmt not in DOWNLOAD_FORMATS:
            return error(400, f"format must be one of geojson, csv, kml, not {fmt!r}")
        limit = params.get("limit")
        try:
            query = _query(
                params, limit if limit is not None else (DEFAULT_LIMIT if fmt == "geojson" else None)
            )
        except InputError as exc:  # its messages name the CLI's flags; here they are parameters
            return error(400, _FLAG.sub(r"\1", str(exc)))
        if query.limit is not None and query.limit > MAX_LIMIT:
            return error(400, f"limit is at most {MAX_LIMIT:,}")
        if fmt != "geojson":
            from geomap.serve.downloads import download

            body, media_type = await run_in_threadpool(download, store, query, fmt)
            disposition = f'attachment; filename="incidents.{fmt}"'
            return Response(body, media_type=media_type, headers={"content-disposition": disposition})
        if cell is not None:
            threshold = int(over) if over is not None else CLUSTER_OVER
            body = await run_in_threadpool(clustered.answer, query, float(cell), threshold)
        else:
            body = await run_in_threadpool(_collection, store, query)
        return Response(body, media_type="application/json")

    async def parse(request: Request) -> Response:
        fields = await _article_fields(request)
        article = await parsing.parse(fields)
        return GeomapJSON(article.to_dict())

    async def add_article(request: Request) -> Response:
        fields = await _article_fields(request)
        article = await parsing.parse(fields)
        result = await run_in_threadpool(store.add, article)
        stats = await run_in_threadpool(store.stats)
        return GeomapJSON(
            {
                "article_id": result.article_id,
                "added": result.added,
                "incidents": result.incidents,
                "merged": result.merged,
                "renamed_from": result.renamed_from,
                "store": {"articles": stats["articles"], "incidents": stats["incidents"]},
                "article": article.to_dict(),
            },
            status_code=201 if result.added else 200,
        )

    who = "token" if token else "local"  # who made a correction, as the log keeps it
    gazetteers: list[Gazetteer] = []

    def place_by_id(place_id: str) -> dict[str, Any]:
        """A gazetteer place as a correction's location; FieldError when the gazetteer has none."""
        if not gazetteers:
            from geomap.resolution.gazetteer import Gazetteer

            found = getattr(getattr(parsing, "parser", None), "gazetteer", None)
            gazetteers.append(found if isinstance(found, Gazetteer) else Gazetteer(auto_build=False))
        place = gazetteers[0].get(place_id)
        if place is None:
            raise FieldError("location", f"the gazetteer has no place with id {place_id!r}")
        return {
            "id": place.id, "name": place.name, "lat": place.lat, "lon": place.lon,
            "feature_type": place.feature_type, "country_code": place.country_code,
            "geonameid": place.geonameid,
        }  # fmt: skip

    async def one_incident(request: Request) -> Response:
        feature = await run_in_threadpool(store.feature, request.path_params["id"])
        if feature is None:
            return error(404, f"no incident {request.path_params['id']!r} in the store")
        return GeomapJSON(feature)

    async def correct(request: Request) -> Response:
        body = await _json_object(request)
        note = body.pop("note", None)
        if not body and note is None:
            raise InputError("nothing to correct: give any of incident_type, fatalities, wounded, date, "
                             "modality, location, note")  # fmt: skip
        location = body.get("location")
        if isinstance(location, str | int) and not isinstance(location, bool):
            body["location"] = await run_in_threadpool(place_by_id, str(location))
        elif isinstance(location, dict) and set(location) == {"id"}:
            body["location"] = await run_in_threadpool(place_by_id, str(location["id"]))
        uid = request.path_params["id"]
        await run_in_threadpool(store.correct, uid, body, by=who, note=note)
        return GeomapJSON(await run_in_threadpool(store.feature, uid))

    async def merge(request: Request) -> Response:
        body = await _json_object(request)
        unknown = set(body) - {"into", "note"}
        if unknown:
            raise InputError(f"unknown field(s): {', '.join(sorted(unknown))}")
        into, note = body.get("into"), body.get("note")
        if not isinstance(into, str) or not into:
            raise FieldError("into", "'into' must be the id of the incident to merge into")
        if note is not None and not isinstance(note, str):
            raise FieldError("note", "'note' must be a string")
        uid = request.path_params["id"]
        await run_in_threadpool(store.merge_into, uid, into, by=who, note=note)
        return GeomapJSON(await run_in_threadpool(store.feature, uid))

    async def dismiss(request: Request) -> Response:
        body = await _json_object(request)
        unknown = set(body) - {"reason"}
        if unknown:
            raise InputError(f"unknown field(s): {', '.join(sorted(unknown))}")
        reason = body.get("reason")
        if not isinstance(reason, str):
            raise FieldError("reason", "'reason' must say, as text, why the incident is dismissed")
        uid = request.path_params["id"]
        await run_in_threadpool(store.dismiss, uid, reason, by=who)
        return GeomapJSON(await run_in_threadpool(store.feature, uid))

    async def status(request: Request) -> Response:
        return GeomapJSON(await run_in_threadpool(store.status))

    async def openapi(request: Request) -> Response:
        return GeomapJSON(openapi_spec())

    async def on_input_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, FieldError):  # a field's value: 422, the field named
            return GeomapJSON({"error": str(exc), "field": exc.field}, status_code=422)
        return error(400, str(exc))

    async def on_no_incident(request: Request, exc: Exception) -> Response:
        return error(404, str(exc))

    async def on_store_error(request: Request, exc: Exception) -> Response:
        log.error("store error on %s %s: %s", request.method, request.url.path, exc)
        return error(503, "the store cannot be written just now (the server log says why); try again")

    async def on_busy(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ParseBusy)
        response = error(503, str(exc))
        response.headers["retry-after"] = str(exc.retry_after)
        return response

    async def on_timeout(request: Request, exc: Exception) -> Response:
        return error(503, str(exc))

    async def on_too_large(request: Request, exc: Exception) -> Response:
        return error(413, f"the request body is over {MAX_BODY_BYTES // 2**20} MB")

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return error(exc.status_code, str(exc.detail))

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        response = error(500, "internal error; the server log has the details")
        # Starlette answers this outside the middleware that adds the headers to every other answer
        response.raw_headers.extend(SECURITY_HEADERS)
        return response

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        parsing.close()

    routes = [
        Route("/api/incidents", incidents, methods=["GET"]),
        Route("/api/parse", parse, methods=["POST"]),
        Route("/api/articles", add_article, methods=["POST"]),
        Route("/api/incidents/{id:path}/merge", merge, methods=["POST"]),
        Route("/api/incidents/{id:path}/dismiss", dismiss, methods=["POST"]),
        Route("/api/incidents/{id:path}", one_incident, methods=["GET"]),
        Route("/api/incidents/{id:path}", correct, methods=["PATCH"]),
        Route("/api/summary", summary, methods=["GET"]),
        Route("/api/status", status, methods=["GET"]),
        Route("/api/openapi.json", openapi, methods=["GET"]),
        *page_routes(cluster_over=cluster_over),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            InputError: on_input_error,
            NoSuchIncident: on_no_incident,
            StoreError: on_store_error,
            BodyTooLarge: on_too_large,
            ParseBusy: on_busy,
            ParseTimeout: on_timeout,
            HTTPException: on_http_error,
            Exception: on_unexpected,
        },
    )
    app.add_middleware(Guard, token=token, allowed_hosts=allowed_hosts)
    return app


def _query(params: Any, limit: str | int | None = None) -> IncidentQuery:
    """The filters of a query string; InputError for a malformed one."""
    types = [t for value in params.getlist("type") for t in value.split(",") if t]
    return IncidentQuery.parse(
        bbox=params.get("bbox"),
        since=params.get("since") or None,
        until=params.get("until") or None,
        types=types or None,
        country=params.get("country") or None,
        q=params.get("q") or None,
        limit=limit,
    )


def _number(params: Any, name: str, kind: type[int] | type[float], least: float, most: float) -> float | None:
    """A numeric query parameter within [least, most], or None when absent; InputError otherwise."""
    text = params.get(name)
    if text is None:
        return None
    try:
        value = kind(text)
    except ValueError:
        raise InputError(f"{name} {text!r} is not a {'whole ' if kind is int else ''}number") from None
    if not least <= value <= most:  # NaN fails too
        raise InputError(f"{name} must be between {least:g} and {most:g}, not {text}")
    return value


class ClusterCache:
    """``/api/incidents?cell=…`` answers: the incidents, or, when the query selects more than
    ``over``, their clusters by cells of ``cell`` degrees (a FeatureCollection of points with
    ``count`` and ``deaths``, marked ``"clustered": true``), so that a zoomed-out view of a large
    store stays a small answer.

    Clustered answers are kept until the store changes (``Store.version``): the whole-world view
    every analyst's page opens on is then read from the store once, not once per page.
    """

    SIZE = 256

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[Any, ...], tuple[tuple[int, int], bytes]] = OrderedDict()

    def answer(self, query: IncidentQuery, cell: float, over: int) -> bytes:
        store = self._store
        key = (query, cell, over)
        version = store.version()
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] == version:
                self._kept.move_to_end(key)
                return kept[1]
        if store.count(query, at_most=over + 1) <= over:
            return _collection(store, query)
        clusters = store.clusters(query, cell)
        features = [c.__geo_interface__ for c in clusters]
        matched = sum(c.count for c in clusters) if query.bbox is not None else store.count(query)
        body = {"type": "FeatureCollection", "features": features, "matched": matched}
        body |= {"clustered": True, "cell": cell}
        text = json.dumps(body, separators=(",", ":")).encode("utf-8")
        with self._lock:
            self._kept[key] = (version, text)
            self._kept.move_to_end(key)
            while len(self._kept) > self.SIZE:
                self._kept.popitem(last=False)
        return text


def _collection(store: Store, query: IncidentQuery) -> bytes:
    """The FeatureCollection, plus ``matched`` (how many the filters select) when a limit cut it.

    Joined from the store's feature texts: decoding and encoding every incident again would
    cost more than the query itself.
    """
    features = list(store.feature_texts(query))
    matched = len(features)
    if query.limit is not None and matched >= query.limit:
        matched = store.count(query)
    body = f'{{"type":"FeatureCollection","features":[{",".join(features)}],"matched":{matched}}}'
    return body.encode("utf-8")


async def _json_object(request: Request, example: str = "{…}", *, checked: bool = True) -> dict[str, Any]:
    """The request's JSON object body; InputError for anything else, and (``checked``) for text in
    it that no store keeps."""
    if "json" not in request.headers.get("content-type", ""):
        raise InputError("send JSON (Content-Type: application/json)")
    raw = await request.body()
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"the body is not JSON: {exc}") from None
    except RecursionError:
        raise InputError("the body is JSON nested too deeply") from None
    if not isinstance(body, dict):
        raise InputError(f"the body must be a JSON object {example}")
    if checked and (reason := _unusable_in(body)) is not None:
        raise InputError(f"the body holds {reason}")
    return body


def _unusable_in(value: Any) -> str | None:
    """What makes a JSON value unusable as text (a lone surrogate, a NUL), if anything."""
    if isinstance(value, str):
        return unusable(value)
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list):
        return next((r for r in map(_unusable_in, value) if r is not None), None)
    return None


async def _article_fields(request: Request) -> dict[str, str | None]:
    """The JSON body ``{"text", "title"?, "date"?, "url"?, "filename"?}``, checked."""
    body = await _json_object(request, '{"text": …}', checked=False)  # each field is checked below
    unknown = set(body) - set(_FIELDS)
    if unknown:
        raise InputError(f"unknown field(s): {', '.join(sorted(unknown))}")
    fields: dict[str, str | None] = {}
    for name in _FIELDS:
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            raise FieldError(name, f"{name!r} must be a string")
        reason = unusable(value) if isinstance(value, str) else None
        if reason is not None:  # as for a JSON file on the command line
            raise InputError(f"{name!r} holds {reason}")
        fields[name] = value.strip() or None if isinstance(value, str) else None
    if not fields["text"]:
        raise FieldError("text", "'text' is required and must not be empty")
    check_date(fields["date"], "the article")  # as for a JSON file on the command line
    url = fields["url"]
    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise FieldError("url", "url must start with http:// or https://")
    return fields
