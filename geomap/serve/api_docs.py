"""``GET /docs``: the API reference, an HTML page made from the OpenAPI description.

One source of truth: every route, parameter, body and answer shown here is read from
``openapi_spec()``, so the page cannot drift from what ``/api/openapi.json`` says. The page is
static HTML with the server's own stylesheet and no script, so it reads offline; every string
from the description is escaped.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

from geomap.serve.openapi import openapi_spec

#: A runnable example per operation, for a server on the default address.
_BASE = "http://127.0.0.1:8765"
EXAMPLES: dict[tuple[str, str], str] = {
    (
        "get",
        "/api/incidents",
    ): f"curl -s '{_BASE}/api/incidents?bbox=30,45,40,52&since=2024-03&type=airstrike_shelling'",
    ("post", "/api/parse"): (
        f"curl -s -X POST {_BASE}/api/parse -H 'Content-Type: application/json' \\\n"
        '  -d \'{"text": "A drone struck a fuel depot in Port Sudan on Sunday.", "date": "2025-05-04"}\''
    ),
    ("post", "/api/articles"): (
        f"curl -s -X POST {_BASE}/api/articles -H 'Content-Type: application/json' \\\n"
        '  -d \'{"text": "Shelling hit Kherson on Monday, killing two people.", "date": "2024-06-03"}\''
    ),
    ("get", "/api/incidents/{id}"): f"curl -s {_BASE}/api/incidents/INCIDENT_ID",
    ("patch", "/api/incidents/{id}"): (
        f"curl -s -X PATCH {_BASE}/api/incidents/INCIDENT_ID -H 'Content-Type: application/json' \\\n"
        '  -d \'{"fatalities": 3, "note": "hospital figure"}\''
    ),
    ("post", "/api/incidents/{id}/merge"): (
        f"curl -s -X POST {_BASE}/api/incidents/INCIDENT_ID/merge -H 'Content-Type: application/json' \\\n"
        '  -d \'{"into": "OTHER_ID"}\''
    ),
    ("post", "/api/incidents/{id}/dismiss"): (
        f"curl -s -X POST {_BASE}/api/incidents/INCIDENT_ID/dismiss -H 'Content-Type: application/json' \\\n"
        '  -d \'{"reason": "a film shoot, not a protest"}\''
    ),
    ("get", "/api/status"): f"curl -s {_BASE}/api/status",
    ("get", "/api/summary"): f"curl -s '{_BASE}/api/summary?group=country&period=month&since=2024'",
    ("get", "/api/openapi.json"): f"curl -s {_BASE}/api/openapi.json",
}
_METHODS = ("get", "post", "patch", "put", "delete")


def _schema_text(schema: dict[str, Any]) -> str:
    """A parameter's schema in a few words: its type, choices and bounds."""
    kind = schema.get("type", "")
    words = [" or ".join(kind) if isinstance(kind, list) else str(kind)]
    if "enum" in schema:
        words.append("one of " + ", ".join(str(v) for v in schema["enum"]))
    for bound, sign in (("minimum", "≥"), ("maximum", "≤")):
        if bound in schema:
            words.append(f"{sign} {schema[bound]:,}")
    if "pattern" in schema:
        words.append(f"matching {schema['pattern']}")
    return "; ".join(w for w in words if w)


def _anchor(method: str, path: str) -> str:
    """``patch-api-incidents-id`` for ``PATCH /api/incidents/{id}``."""
    return method + "-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def _operation(method: str, path: str, op: dict[str, Any], shared: list[dict[str, Any]]) -> str:
    parts = [
        f'<section id="{_anchor(method, path)}"><h2><code>{method.upper()} {escape(path)}</code></h2>',
        f"<p>{escape(op.get('summary', ''))}</p>",
    ]
    params = shared + op.get("parameters", [])
    if params:
        rows = "".join(
            f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p.get('in', ''))}"
            f"{' (required)' if p.get('required') else ''}</td>"
            f"<td>{escape(_schema_text(p.get('schema', {})))}</td>"
            f"<td>{escape(p.get('description', ''))}</td></tr>"
            for p in params
        )
        parts.append(
            '<h3>Parameters</h3><table class="gm-table"><tr><th>name</th><th>in</th><th>value</th>'
            f"<th>meaning</th></tr>{rows}</table>"
        )
    body = op.get("requestBody")
    if body:
        for media, content in body.get("content", {}).items():
            schema = json.dumps(content.get("schema", {}), indent=2, ensure_ascii=False)
            parts.append(f"<h3>Body ({escape(media)})</h3><pre>{escape(schema)}</pre>")
    answers = "".join(
        f"<li><b>{escape(code)}</b> {escape(answer.get('description', ''))}</li>"
        for code, answer in op.get("responses", {}).items()
    )
    parts.append(f"<h3>Answers</h3><ul>{answers}</ul>")
    example = EXAMPLES.get((method, path))
    if example:
        parts.append(f"<h3>Example</h3><pre>{escape(example)}</pre>")
    parts.append("</section>")
    return "".join(parts)


def api_docs_page() -> str:
    """The reference page: an index of the routes, then each route in full, then the schemas."""
    spec = openapi_spec()
    ops = [
        (method, path, op, item.get("parameters", []))
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in _METHODS
    ]
    index = "".join(
        f'<li><a href="#{_anchor(m, p)}"><code>{m.upper()} {escape(p)}</code></a> '
        f"{escape(op.get('summary', ''))}</li>"
        for m, p, op, _ in ops
    )
    sections = "".join(_operation(m, p, op, shared) for m, p, op, shared in ops)
    schemas = "".join(
        f'<h3 id="schema-{escape(name)}">{escape(name)}</h3>'
        f"<pre>{escape(json.dumps(s, indent=2, ensure_ascii=False))}</pre>"
        for name, s in spec.get("components", {}).get("schemas", {}).items()
    )
    info = spec.get("info", {})
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · geomap</title>
<link rel="stylesheet" href="/static/geomap.css">
</head><body class="gm-docs">
<header class="gm-bar"><b class="gm-brand">geomap</b><nav><a href="/">Store map</a>
<a href="/parse">Parse an article</a> <a href="/docs" aria-current="page">API</a></nav></header>
<main class="gm-doc">
<h1>{escape(info.get("title", "geomap"))} API {escape(str(info.get("version", "")))}</h1>
<p>{escape(info.get("description", ""))}</p>
<p>JSON in and out; errors are <code>{{"error": "…"}}</code> (and <code>"field"</code> when one field is
wrong). Writes take <code>Content-Type: application/json</code> only, from this server's own pages or a
client with no <code>Origin</code> (curl), and with <code>Authorization: Bearer TOKEN</code> when the server
has a token. The machine-readable description: <a href="/api/openapi.json">/api/openapi.json</a>
(OpenAPI {escape(spec["openapi"])}).</p>
<ul>{index}</ul>
{sections}
<section id="schemas"><h2>Schemas</h2>{schemas}</section>
</main></body></html>
"""
