"""The OpenAPI 3.1 description of ``geomap serve``'s JSON API, built from the contract's names.

Written as data rather than generated from the handlers: the handlers read plain Starlette
requests, and the filters are those of ``geomap incidents`` (``geomap.store.query``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from geomap import __version__
from geomap.serve.pages import CLUSTER_OVER

_INCIDENT_TYPES = [
    "armed_attack", "airstrike_shelling", "maritime_attack", "ground_operation", "military_plan",
    "casualties", "displacement_humanitarian", "meeting_diplomacy", "statement_threat",
    "protest_unrest", "arrest_detention", "other",
]  # fmt: skip


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """A required JSON request body of ``schema``: every write route takes JSON only."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


_ARTICLE_BODY = _json_body({"$ref": "#/components/schemas/ArticleInput"})
_ERRORS = {
    "400": _error("bad input: a one-line reason; or a Host header that is not one of the server's names"),
    "401": _error("the server has a token and the request did not carry it"),
    "413": _error("the body is over 5 MB"),
    "500": _error("an unexpected error (no internals)"),
}

#: What only a write is refused for (geomap/serve/security.py).
_WRITE_ERRORS = {
    "403": _error("the request came from a page of another site (its Origin or Referer)"),
    "415": _error("the body is not sent as JSON (Content-Type: application/json)"),
    "503": _error(
        "every parser is busy (try again after Retry-After seconds), the parse ran past the server's "
        "time limit, or the store cannot be written just now"
    ),
}


#: The filters ``/api/incidents`` and ``/api/summary`` share (``geomap.store.query.IncidentQuery``).
_FILTERS = [
    _param("bbox", "W,S,E,N in degrees; W > E crosses 180°", {"type": "string"}),
    _param("since", "on or after (YYYY-MM-DD, YYYY-MM or YYYY)", {"type": "string"}),
    _param("until", "on or before", {"type": "string"}),
    _param(
        "type", "incident type(s), repeatable or comma-separated", {"type": "string", "enum": _INCIDENT_TYPES}
    ),
    _param("country", "ISO 3166-1 alpha-2", {"type": "string", "pattern": "^[A-Za-z]{2}$"}),
    _param(
        "q",
        "text search: every word must occur in the incident's place names, sentence, actors, type or "
        "its sources' titles (case ignored)",
        {"type": "string", "maxLength": 200},
    ),
]
_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "the incident's id",
}
_FEATURE = {
    "description": "the incident as a GeoJSON Feature; `reviewed` and `dismissed` among its properties",
    "content": {"application/json": {"schema": {"type": "object"}}},
}
_PLACE = {
    "type": "object",
    "required": ["name", "lat", "lon"],
    "properties": {
        "name": {"type": "string"},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
        "feature_type": {"type": "string", "description": "what the point stands for (default: city)"},
        "country_code": {"type": ["string", "null"]},
    },
}
_CORRECTION = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "incident_type": {"type": "string", "enum": _INCIDENT_TYPES},
        "fatalities": {"type": ["integer", "null"], "minimum": 0},
        "wounded": {"type": ["integer", "null"], "minimum": 0},
        "date": {"type": ["string", "null"], "description": "YYYY-MM-DD, YYYY-MM or YYYY"},
        "modality": {"type": "string", "enum": ["asserted", "planned", "threatened", "possible"]},
        "location": {
            "description": "a gazetteer id, a place by name and point, or null (the text gives no place)",
            "oneOf": [{"type": "string"}, _PLACE, {"type": "null"}],
        },
        "note": {"type": "string", "maxLength": 2000, "description": "why; kept with each change"},
    },
}


@cache
def openapi_spec() -> dict[str, Any]:
    """The description served at ``/api/openapi.json``."""
    from geomap.store.store import GROUPS, PERIODS

    parsed = {
        "description": "parsed-article JSON (DESIGN.md §3)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ParsedArticle"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "geomap",
            "version": __version__,
            "description": "Geoparse news articles and query the incident store. With a token "
            "(geomap serve --token), send `Authorization: Bearer <token>`.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}},
                },
                "ArticleInput": {
                    "type": "object",
                    "required": ["text"],
                    "additionalProperties": False,
                    "properties": {
                        "text": {
                            "type": "string",
                            "minLength": 1,
                            "description": "the article text (or an uploaded .txt/.html file's content)",
                        },
                        "title": {"type": ["string", "null"]},
                        "date": {
                            "type": ["string", "null"],
                            "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
                            "description": "publication date; relative dates in the text count from it",
                        },
                        "url": {"type": ["string", "null"], "pattern": "^https?://"},
                        "filename": {
                            "type": ["string", "null"],
                            "description": "an upload's name: .html/.htm files are read as web pages",
                        },
                    },
                },
                "ParsedArticle": {
                    "type": "object",
                    "required": ["id", "title", "date", "mentions", "places", "incidents"],
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": ["string", "null"]},
                        "date": {"type": ["string", "null"]},
                        "url": {"type": ["string", "null"]},
                        "mentions": {"type": "array", "items": {"type": "object"}},
                        "places": {"type": "array", "items": {"type": "object"}},
                        "incidents": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "AddResult": {
                    "type": "object",
                    "required": ["article_id", "added", "incidents", "merged", "store", "article"],
                    "properties": {
                        "article_id": {"type": "string"},
                        "added": {
                            "type": "boolean",
                            "description": "false: the same article was already stored",
                        },
                        "incidents": {"type": "integer", "description": "new incidents"},
                        "merged": {"type": "integer", "description": "reports merged into stored incidents"},
                        "renamed_from": {"type": ["string", "null"]},
                        "store": {
                            "type": "object",
                            "properties": {"articles": {"type": "integer"}, "incidents": {"type": "integer"}},
                        },
                        "article": {"$ref": "#/components/schemas/ParsedArticle"},
                    },
                },
                "IncidentCollection": {
                    "type": "object",
                    "required": ["type", "features", "matched"],
                    "description": "RFC 7946 FeatureCollection of merged incidents (sources, source_count)",
                    "properties": {
                        "type": {"const": "FeatureCollection"},
                        "features": {"type": "array", "items": {"type": "object"}},
                        "matched": {
                            "type": "integer",
                            "description": "how many incidents the filters select (the limit aside)",
                        },
                    },
                },
            },
        },
        "security": [{}, {"bearer": []}],
        "paths": {
            "/api/incidents": {
                "get": {
                    "summary": "The store's merged incidents, filtered (as geomap incidents)",
                    "parameters": [
                        *_FILTERS,
                        _param(
                            "limit",
                            "at most this many, by date (GeoJSON default 5000, max 100000)",
                            {"type": "integer", "minimum": 1, "maximum": 100_000},
                        ),
                        _param(
                            "format",
                            "geojson (default), or csv / kml as a download",
                            {"type": "string", "enum": ["geojson", "csv", "kml"]},
                        ),
                        _param(
                            "cell",
                            "degrees: when more than `cluster_over` incidents match, answer their clusters "
                            "by cells this size instead (points with `count` and `deaths`, and "
                            '`"clustered": true`)',
                            {"type": "number", "minimum": 0.001, "maximum": 180},
                        ),
                        _param(
                            "cluster_over",
                            "with `cell`: how many incidents may match before clusters are answered "
                            f"(default {CLUSTER_OVER})",
                            {"type": "integer", "minimum": 0, "maximum": 100_000},
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "the incidents",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/IncidentCollection"}
                                },
                                "text/csv": {"schema": {"type": "string"}},
                                "application/vnd.google-earth.kml+xml": {"schema": {"type": "string"}},
                            },
                        },
                        **_ERRORS,
                    },
                }
            },
            "/api/parse": {
                "post": {
                    "summary": "Parse one article (nothing is stored)",
                    "requestBody": _ARTICLE_BODY,
                    "responses": {"200": parsed, **_ERRORS, **_WRITE_ERRORS},
                }
            },
            "/api/articles": {
                "post": {
                    "summary": "Parse one article and add it to the store; repeated reports merge",
                    "requestBody": _ARTICLE_BODY,
                    "responses": {
                        "201": {
                            "description": "added",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/AddResult"}}
                            },
                        },
                        "200": {
                            "description": "already in the store; nothing changed",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/AddResult"}}
                            },
                        },
                        **_ERRORS,
                        **_WRITE_ERRORS,
                    },
                }
            },
            "/api/incidents/{id}": {
                "parameters": [_ID],
                "get": {
                    "summary": "One incident, with its sources (article, title, URL, date) and corrections",
                    "responses": {"200": _FEATURE, "404": _error("no incident with this id"), **_ERRORS},
                },
                "patch": {
                    "summary": "Correct an incident: now reviewed; later reports never undo the change",
                    "requestBody": _json_body(_CORRECTION),
                    "responses": {
                        "200": _FEATURE,
                        "404": _error("no incident with this id"),
                        "422": _error("a field's value cannot be used; `field` names it"),
                        **_ERRORS,
                        **_WRITE_ERRORS,
                    },
                },
            },
            "/api/incidents/{id}/merge": {
                "parameters": [_ID],
                "post": {
                    "summary": "Merge this incident into another: one incident with the sources of both",
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "required": ["into"],
                            "additionalProperties": False,
                            "properties": {
                                "into": {"type": "string", "description": "the incident to merge into"},
                                "note": {"type": "string"},
                            },
                        }
                    ),
                    "responses": {
                        "200": _FEATURE,
                        "404": _error("either incident is unknown"),
                        "422": _error("`into` is missing, or is this incident"),
                        **_ERRORS,
                        **_WRITE_ERRORS,
                    },
                },
            },
            "/api/incidents/{id}/dismiss": {
                "parameters": [_ID],
                "post": {
                    "summary": "Dismiss an incident: off the map and out of the downloads, kept in the store",
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "required": ["reason"],
                            "additionalProperties": False,
                            "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 2000}},
                        }
                    ),
                    "responses": {
                        "200": _FEATURE,
                        "404": _error("no incident with this id"),
                        "422": _error("no reason given"),
                        **_ERRORS,
                        **_WRITE_ERRORS,
                    },
                },
            },
            "/api/summary": {
                "get": {
                    "summary": "Incidents and deaths by period and by country, type or place",
                    "parameters": [
                        _param(
                            "group",
                            "what a row counts (default country)",
                            {"type": "string", "enum": list(GROUPS)},
                        ),
                        _param(
                            "period",
                            "default week (from its Monday)",
                            {"type": "string", "enum": list(PERIODS)},
                        ),
                        *_FILTERS,
                    ],
                    "responses": {
                        "200": {
                            "description": "rows of {period, group, incidents, deaths}, oldest period first; "
                            "period and group are null for undated or unlocated incidents",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        **_ERRORS,
                    },
                }
            },
            "/api/status": {
                "get": {
                    "summary": "What the store holds, cheaply: the page asks every few seconds",
                    "responses": {
                        "200": {
                            "description": "counts, and when the last article was added (ISO 8601, UTC)",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["articles", "incidents", "corrections", "last_added"],
                                        "properties": {
                                            "articles": {"type": "integer"},
                                            "incidents": {"type": "integer"},
                                            "corrections": {"type": "integer"},
                                            "last_added": {"type": ["string", "null"]},
                                        },
                                    }
                                }
                            },
                        },
                        **_ERRORS,
                    },
                }
            },
            "/api/openapi.json": {
                "get": {"summary": "This description", "responses": {"200": {"description": "OpenAPI 3.1"}}}
            },
        },
    }
