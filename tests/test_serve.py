"""geomap serve's JSON API through httpx (Starlette's TestClient): parse, add, filters, errors,
the token, the body limit and the OpenAPI description."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import warnings
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.cli.exit_codes import EXIT_USAGE
from geomap.cli.main import main
from geomap.cli.serve_commands import bind, is_loopback
from geomap.errors import InputError, StoreError
from geomap.serve.app import create_app
from geomap.serve.security import CSP, MAX_BODY_BYTES
from geomap.store.store import Store

with warnings.catch_warnings():  # Starlette 1.10 suggests httpx2 over httpx; httpx is what we pin
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

#: Written for these tests: one airstrike told by two agencies, and a protest elsewhere.
AGENCY_ONE = "An airstrike hit Kharkiv on Monday, killing four people, the regional governor said."
AGENCY_TWO = (
    "Four civilians were killed when a Russian airstrike struck Kharkiv on Monday, local officials reported."
)
PROTEST = "Thousands of people protested in Tbilisi on Monday against the new media law."
TOKEN = "correct-horse-battery"
#: The address the test client calls: a host name the server answers to.
LOCAL = "http://127.0.0.1:8765"


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "serve.db") as s:
        yield s


@pytest.fixture
def client(store, geoparser):
    with TestClient(create_app(store, geoparser), base_url=LOCAL, raise_server_exceptions=False) as c:
        yield c


def add(client, text, date="2024-06-03", **extra):
    response = client.post("/api/articles", json={"text": text, "date": date, **extra})
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_parse_returns_the_parsed_article_and_stores_nothing(client, store):
    response = client.post("/api/parse", json={"text": AGENCY_ONE, "title": "Kharkiv", "date": "2024-06-03"})
    assert response.status_code == 200
    article = response.json()
    assert {"id", "title", "date", "mentions", "places", "incidents"} <= set(article)
    assert article["title"] == "Kharkiv"
    (incident,) = article["incidents"]
    assert incident["incident_type"] == "airstrike_shelling"
    assert incident["place"]["name"] == "Kharkiv" and incident["fatalities"] == 4
    assert incident["date"] == "2024-06-03"
    assert AGENCY_ONE[incident["location_start"] : incident["location_end"]] == "Kharkiv"
    assert store.count() == 0


def test_add_merges_two_reports_and_re_adding_changes_nothing(client, store):
    first = add(client, AGENCY_ONE)
    assert (first["added"], first["incidents"], first["merged"]) == (True, 1, 0)
    second = add(client, AGENCY_TWO)
    assert (second["added"], second["incidents"], second["merged"]) == (True, 0, 1)
    again = client.post("/api/articles", json={"text": AGENCY_ONE, "date": "2024-06-03"})
    assert again.status_code == 200 and again.json()["added"] is False
    assert again.json()["store"] == {"articles": 2, "incidents": 1}
    (feature,) = client.get("/api/incidents").json()["features"]
    props = feature["properties"]
    assert props["source_count"] == 2
    assert sorted(props["sources"]) == sorted([first["article_id"], second["article_id"]])
    assert feature["geometry"]["type"] == "Point"


@pytest.fixture
def filled(client):
    add(client, AGENCY_ONE)
    add(client, PROTEST, date="2024-07-01")
    return client


def types_of(client, query):
    response = client.get(f"/api/incidents?{query}")
    assert response.status_code == 200, response.text
    return sorted(f["properties"]["incident_type"] for f in response.json()["features"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["airstrike_shelling", "protest_unrest"]),
        ("type=protest_unrest", ["protest_unrest"]),
        ("type=protest_unrest,airstrike_shelling", ["airstrike_shelling", "protest_unrest"]),
        ("country=ge", ["protest_unrest"]),
        ("since=2024-06-15", ["protest_unrest"]),
        ("until=2024-06", ["airstrike_shelling"]),
        ("bbox=34,48,38,51", ["airstrike_shelling"]),  # around Kharkiv
        ("bbox=40,40,46,43", ["protest_unrest"]),  # around Tbilisi
        ("bbox=0,0,1,1", []),
        ("q=TBILISI", ["protest_unrest"]),
        ("q=kharkiv&type=protest_unrest", []),
        (
            "bbox=30,40,46,52&type=airstrike_shelling&since=2024-06-03&until=2024-06-03",
            ["airstrike_shelling"],
        ),
    ],
)
def test_incident_filters(filled, query, expected):
    assert types_of(filled, query) == expected


def test_a_view_of_more_than_cluster_over_incidents_is_answered_as_clusters(filled):
    add(filled, "A drone strike hit Odesa on Tuesday, killing two people.", date="2024-06-04")
    every = filled.get("/api/incidents?cell=10").json()  # 3 incidents: under the default 2,000
    assert "clustered" not in every and len(every["features"]) == 3
    body = filled.get("/api/incidents?cell=10&cluster_over=2").json()
    assert body["clustered"] is True and body["matched"] == 3 and body["cell"] == 10
    by_count = sorted((f["properties"]["count"], f["properties"]["deaths"]) for f in body["features"])
    assert by_count == [(1, 0), (2, 6)]  # Tbilisi's protest; the strikes on Kharkiv and Odesa, 4 + 2 killed
    ukraine = next(f for f in body["features"] if f["properties"]["count"] == 2)
    lon, lat = ukraine["geometry"]["coordinates"]  # the mean of the two cities
    assert abs(lat - (49.98 + 46.48) / 2) < 0.1 and abs(lon - (36.25 + 30.73) / 2) < 0.1
    # the filters hold as for features: one type, one box
    strikes = filled.get("/api/incidents?cell=10&cluster_over=0&type=airstrike_shelling").json()
    assert [f["properties"]["count"] for f in strikes["features"]] == [2]
    assert filled.get("/api/incidents?cell=10&cluster_over=0&bbox=0,0,1,1").json()["features"] == []


def test_clustered_answers_are_kept_only_until_the_store_changes(filled):
    def counts():
        body = filled.get("/api/incidents?cell=10&cluster_over=1").json()
        assert body["clustered"] is True
        return sorted((f["properties"]["count"], f["properties"]["deaths"]) for f in body["features"])

    assert counts() == [(1, 0), (1, 4)] == counts()  # the second read is the kept answer
    add(filled, "A drone strike hit Odesa on Tuesday, killing two people.", date="2024-06-04")
    assert counts() == [(1, 0), (2, 6)]  # a new article is seen at once
    strike = next(
        f
        for f in filled.get("/api/incidents").json()["features"]
        if f["properties"]["location_name"] == "Odesa"
    )
    patched = filled.patch(f"/api/incidents/{strike['properties']['id']}", json={"fatalities": 5})
    assert patched.status_code == 200, patched.text
    assert counts() == [(1, 0), (2, 9)]  # and a correction
    dismissed = filled.post(
        f"/api/incidents/{strike['properties']['id']}/dismiss", json={"reason": "a duplicate"}
    )
    assert dismissed.status_code == 200, dismissed.text
    assert counts() == [(1, 0), (1, 4)]  # and a dismissal


def test_limit_says_how_many_matched(filled):
    body = filled.get("/api/incidents?limit=1").json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 1 and body["matched"] == 2


def test_downloads_are_csv_and_kml_of_the_filtered_incidents(filled):
    response = filled.get("/api/incidents?format=csv&type=protest_unrest")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["location"] for r in rows] == ["Tbilisi"] and rows[0]["source_count"] == "1"
    kml = filled.get("/api/incidents?format=kml")
    assert kml.headers["content-type"].startswith("application/vnd.google-earth.kml+xml")
    names = [n.text for n in ET.fromstring(kml.content).iter("{http://www.opengis.net/kml/2.2}name")]
    assert "airstrike shelling: Kharkiv" in names and "protest unrest: Tbilisi" in names


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "says"),
    [
        ("get", "/api/incidents?bbox=1,2", None, 400, "bbox"),
        ("get", "/api/incidents?since=2024-13-01", None, 400, "since"),
        ("get", "/api/incidents?type=riot", None, 400, "incident type"),
        ("get", "/api/incidents?country=Ukraine", None, 400, "country"),
        ("get", "/api/incidents?since=2024-05&until=2024-04", None, 400, "after"),
        ("get", "/api/incidents?limit=many", None, 400, "limit"),
        ("get", "/api/incidents?cell=0", None, 400, "cell must be between"),
        ("get", "/api/incidents?cell=nan", None, 400, "cell must be between"),
        ("get", "/api/incidents?cell=2&cluster_over=-1", None, 400, "cluster_over"),
        ("get", "/api/incidents?q=" + "x" * 201, None, 400, "at most 200"),
        ("get", "/api/incidents?format=shp", None, 400, "format"),
        ("get", "/api/incidents?path=/etc/passwd", None, 400, "unknown parameter"),
        ("post", "/api/parse", b"{not json", 400, "not JSON"),
        ("post", "/api/parse", b'["a list"]', 400, "JSON object"),
        ("post", "/api/parse", b'{"title": "no text"}', 422, "'text' is required"),
        ("post", "/api/parse", b'{"text": "   "}', 422, "'text' is required"),
        ("post", "/api/parse", b'{"text": 42}', 422, "must be a string"),
        ("post", "/api/parse", b'{"text": "x", "path": "/etc/passwd"}', 400, "unknown field"),
        ("post", "/api/articles", b'{"text": "x", "date": "June 3rd"}', 422, "date"),
        ("post", "/api/articles", b'{"text": "x", "date": "2024-13-45"}', 422, "date"),
        ("post", "/api/articles", b'{"text": "x", "date": "0000-00-00"}', 422, "date"),
        ("post", "/api/articles", b'{"text": "x", "date": "2024-02-30"}', 422, "date"),
        ("post", "/api/articles", b'{"text": "x", "date": "2024-00"}', 422, "date"),
        ("post", "/api/articles", b'{"text": "x", "url": "javascript:alert(1)"}', 422, "url"),
        ("get", "/api/parse", None, 405, "Method Not Allowed"),
        ("get", "/api/nothing-here", None, 404, "Not Found"),
        ("get", "/static/..%2F..%2Fetc%2Fpasswd", None, 404, "Not Found"),
    ],
)
def test_bad_requests_get_a_json_reason(client, store, method, path, body, status, says):
    kwargs = {"content": body, "headers": {"content-type": "application/json"}} if body else {}
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    message = response.json()["error"]
    assert says in message and "Traceback" not in message and "--" not in message
    if status == 422:  # a field's value: the field is named
        assert response.json()["field"] in message
    assert store.count() == 0


def test_a_form_post_is_refused(client):
    response = client.post("/api/parse", data={"text": AGENCY_ONE})
    assert response.status_code == 415 and "JSON" in response.json()["error"]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain;json", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "", "json"],
)
def test_a_write_that_is_not_json_is_refused_whatever_the_body(client, store, content_type):
    # "text/plain;json" is a "simple" request: a page of another site sends it with no preflight
    body = json.dumps({"text": PROTEST})
    response = client.post("/api/articles", content=body, headers={"content-type": content_type})
    assert response.status_code == 415 and "application/json" in response.json()["error"]
    assert store.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"origin": "http://127.0.0.1:9999"},  # another port is another site
        {"referer": "http://evil.example/page.html"},
        {"origin": "http://[::1"},  # no site at all
    ],
)
def test_a_write_from_a_page_of_another_site_is_refused(client, store, headers):
    response = client.post("/api/articles", json={"text": PROTEST}, headers=headers)
    assert response.status_code == 403 and "another site" in response.json()["error"]
    assert store.count() == 0


@pytest.mark.parametrize("headers", [{}, {"origin": LOCAL}, {"referer": LOCAL + "/parse"}])
def test_a_write_from_the_servers_own_page_or_from_curl_is_taken(client, store, headers):
    # curl and scripts send no Origin; the server's own page sends its own
    response = client.post("/api/articles", json={"text": PROTEST}, headers=headers)
    assert response.status_code == 201 and store.count() == 1


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8765", "127.0.0.2:8765", "localhost.evil.example"]
)
def test_only_the_servers_own_host_names_are_answered(client, host):
    # DNS rebinding: a page of evil.example whose name now points here gets nothing
    for response in (
        client.get("/api/incidents", headers={"host": host}),
        client.get("/", headers={"host": host}),
    ):
        assert response.status_code == 400 and "host name" in response.json()["error"]


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST"])
def test_the_local_host_names_are_answered(client, host):
    assert client.get("/api/incidents", headers={"host": host}).status_code == 200


def test_an_allowed_host_is_answered(store, geoparser):
    app = create_app(store, geoparser, allowed_hosts={"127.0.0.1", "geomap.lan"})
    with TestClient(app, base_url="http://geomap.lan:8765") as c:
        assert c.get("/api/incidents").status_code == 200
        assert c.get("/api/incidents", headers={"host": "localhost"}).status_code == 400


class BrokenParser:
    """A parser that fails as a bug would, with internals in its message."""

    def parse(self, *args, **kwargs):
        raise RuntimeError("secret internals at /srv/geomap/parser.py line 12")


def test_an_unexpected_error_is_a_json_500_without_internals(store):
    with TestClient(create_app(store, BrokenParser()), base_url=LOCAL, raise_server_exceptions=False) as c:
        response = c.post("/api/parse", json={"text": AGENCY_ONE})
    assert response.status_code == 500
    assert response.json() == {"error": "internal error; the server log has the details"}
    assert "secret" not in response.text
    assert response.headers["content-security-policy"] == CSP  # the headers of every other answer
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "Shelling hit Kharkiv \\ud800 on Monday."}',
        b'{"text": "Shelling hit Kharkiv.", "title": "\\udfff"}',
        b'{"text": "Shelling hit Kharkiv.", "title": "Kharkiv\\u0000"}',  # kept by SQLite, not PostgreSQL
        b'{"text": "x", "nested": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_lone_surrogates_and_deep_nesting_are_bad_input_not_a_crash(client, store, body):
    response = client.post("/api/articles", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.headers["content-security-policy"] == CSP
    assert store.count() == 0


def test_bodies_over_5_mb_are_refused_with_or_without_a_length(client, store):
    big = b'{"text": "' + b"a" * MAX_BODY_BYTES + b'"}'
    response = client.post("/api/articles", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "5 MB" in response.json()["error"]

    def chunks():  # no Content-Length: counted as it arrives
        yield b'{"text": "'
        for _ in range(6):
            yield b"a" * 2**20

    response = client.post("/api/articles", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413 and "5 MB" in response.json()["error"]
    # Just under the limit is read (and then refused for what it is, not for its size).
    under = b"[" + b" " * (MAX_BODY_BYTES - 2) + b"]"
    response = client.post("/api/parse", content=under, headers={"content-type": "application/json"})
    assert response.status_code == 400 and "JSON object" in response.json()["error"]
    assert store.count() == 0


@pytest.fixture
def locked(store, geoparser):
    with TestClient(
        create_app(store, geoparser, token=TOKEN), base_url=LOCAL, raise_server_exceptions=False
    ) as c:
        yield c


@pytest.mark.parametrize(
    "path", ["/", "/parse", "/docs", "/static/geomap.js", "/api/incidents", "/api/openapi.json"]
)
def test_with_a_token_every_request_needs_it(locked, path):
    assert locked.get(path).status_code == 401
    assert locked.get(path, headers={"Authorization": "Bearer wrong-token-value"}).status_code == 401
    assert locked.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_with_a_token_posts_need_it_too(locked, store):
    response = locked.post("/api/articles", json={"text": PROTEST})
    assert response.status_code == 401 and store.count() == 0
    response = locked.post(
        "/api/articles", json={"text": PROTEST}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 201 and store.count() == 1


def test_a_page_opened_with_the_token_sets_a_cookie_and_drops_it_from_the_url(locked):
    assert locked.get("/?token=wrong-token-value", follow_redirects=False).status_code == 401
    response = locked.get(f"/parse?token={TOKEN}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/parse"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # The client keeps the cookie: pages and the API now answer without a header.
    assert locked.get("/").status_code == 200
    assert locked.get("/api/incidents").status_code == 200


@pytest.mark.parametrize(
    "token", ['with space "quoted" back\\slash', "semi;colon&amp#hash+plus", "ünïcödé-tøken"]
)
def test_a_token_of_any_printable_characters_logs_a_browser_in(store, geoparser, token):
    from geomap.serve.security import login_url

    app = create_app(store, geoparser, token=token)
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as c:
        url = login_url("/parse", token)
        assert "#" not in url and "&" not in url and " " not in url  # the printed URL survives a copy
        response = c.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/parse"
        assert c.get("/").status_code == 200  # the cookie it set is read back
        assert c.get("/api/incidents").status_code == 200


@pytest.mark.parametrize("path", ["//evil.example/", "/\\evil.example/", "///evil.example/x"])
def test_after_login_the_redirect_stays_on_the_server(locked, path):
    response = locked.get(f"{path}?token={TOKEN}&type=protest_unrest", follow_redirects=False)
    location = response.headers["location"]
    assert response.status_code == 303 and location.startswith("/") and not location.startswith(("//", "/\\"))
    assert location.endswith("?type=protest_unrest")


def test_pages_carry_a_policy_that_runs_no_inline_script(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-security-policy"] == CSP
    policy = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert policy["script-src"] == "'self'"
    assert "<script>" not in page.text  # only src= scripts and a JSON data block
    assert page.headers["x-frame-options"] == "DENY"


def test_the_api_reference_shows_every_route_of_the_description_with_an_example(client):
    import re

    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    spec = client.get("/api/openapi.json").json()
    for path, item in spec["paths"].items():
        for method in item:
            if method in ("get", "post", "patch"):
                assert f"<code>{method.upper()} {path}</code>" in page.text
    assert page.text.count("<h3>Example</h3>") == sum(
        m in ("get", "post", "patch") for item in spec["paths"].values() for m in item
    )
    assert "<code>limit</code>" in page.text and "one of armed_attack, airstrike_shelling" in page.text
    # nothing to fetch from elsewhere, nothing to run
    assert "<script" not in page.text and " src=" not in page.text
    assert all(h.startswith(("/", "#")) for h in re.findall(r'href="([^"]*)"', page.text))


def test_status_says_what_the_store_holds_and_when_it_last_grew(client, filled):
    status = client.get("/api/status").json()
    assert set(status) == {"articles", "incidents", "corrections", "last_added"}
    assert status["articles"] >= 1 and status["incidents"] >= 1
    assert status["last_added"].endswith("+00:00")


def test_openapi_describes_every_route_and_its_parameters_work(client, filled):
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {
        "/api/incidents", "/api/parse", "/api/articles", "/api/status", "/api/openapi.json", "/api/summary",
        "/api/incidents/{id}", "/api/incidents/{id}/merge", "/api/incidents/{id}/dismiss",
    }  # fmt: skip
    assert set(spec["paths"]["/api/parse"]) == {"post"} and set(spec["paths"]["/api/articles"]) == {"post"}
    samples = {"bbox": "30,40,46,48", "since": "2024-01", "until": "2024-12-31", "type": "protest_unrest",
               "country": "GE", "q": "tbilisi", "limit": "10", "format": "csv", "cell": "1",
               "cluster_over": "0"}  # fmt: skip
    for param in spec["paths"]["/api/incidents"]["get"]["parameters"]:
        response = client.get("/api/incidents", params={param["name"]: samples[param["name"]]})
        assert response.status_code == 200, (param["name"], response.text)
        # the bounds it gives are the server's: the least and the most are taken, one step out is not
        schema = param["schema"]
        for bound, step in (("minimum", -1), ("maximum", 1)):
            if bound in schema:
                edge = schema[bound]
                assert client.get("/api/incidents", params={param["name"]: edge}).status_code == 200
                assert client.get("/api/incidents", params={param["name"]: edge + step}).status_code == 400
    body = spec["components"]["schemas"]["ArticleInput"]
    assert body["required"] == ["text"]
    for name in body["properties"]:  # every documented field is accepted
        value = {"text": PROTEST, "date": "2024-07-01", "url": "https://example.org/a"}.get(name, "x.txt")
        response = client.post("/api/parse", json={"text": PROTEST, name: value})
        assert response.status_code == 200, (name, response.text)
    json.dumps(spec)  # plain JSON


def test_an_html_upload_is_read_as_a_page(client):
    page = (
        "<html><head><title>Protest report</title></head>"
        f"<body><article><p>{PROTEST}</p></article></body></html>"
    )
    response = client.post("/api/parse", json={"text": page, "filename": "report.HTML"})
    assert response.status_code == 200
    article = response.json()
    assert [i["location_name"] for i in article["incidents"]] == ["Tbilisi"]
    assert "<p>" not in json.dumps(article["incidents"])


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
     ("192.168.1.10", False), ("example.org", False)],
)  # fmt: skip
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_serving_beyond_this_machine_needs_a_token(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GEOMAP_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--port", "0", "--db", str(tmp_path / "s.db")]) == EXIT_USAGE
    assert "--token" in capsys.readouterr().err
    assert not (tmp_path / "s.db").exists()


def test_the_host_names_served_are_this_machines_the_hosts_and_those_allowed():
    import argparse

    from geomap.cli.serve_commands import allowed_hosts

    args = argparse.Namespace(host="192.168.1.20", allowed_host=["Geomap.LAN"])
    assert allowed_hosts(args) == {"127.0.0.1", "localhost", "::1", "192.168.1.20", "geomap.lan"}
    everywhere = allowed_hosts(argparse.Namespace(host="0.0.0.0", allowed_host=[]))
    assert socket.gethostname().lower() in everywhere and "evil.example" not in everywhere


@pytest.mark.parametrize("token", ["short", "has\ttab-inside"])
def test_a_token_too_short_or_unprintable_is_refused(tmp_path, capsys, token):
    args = ["serve", "--port", "0", "--token", token, "--db", str(tmp_path / "s.db")]
    assert main(args) == EXIT_USAGE
    assert "--token" in capsys.readouterr().err


def test_the_server_socket_is_tcp_so_small_answers_are_not_delayed():
    # asyncio disables Nagle's algorithm only on sockets that say IPPROTO_TCP; without it every
    # small answer waited 40 ms for the client's delayed ACK.
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockname()[0] == "127.0.0.1" and sock.getsockname()[1] > 0
    finally:
        sock.close()


def test_a_port_in_use_is_a_one_line_error():
    taken = bind("127.0.0.1", 0)
    try:
        with pytest.raises(InputError, match=r"cannot listen on 127\.0\.0\.1"):
            bind("127.0.0.1", taken.getsockname()[1])
    finally:
        taken.close()


def test_geomap_serve_prints_its_url_and_answers_there(tmp_path):
    """The real command: it binds, loads the parser, prints the URL, and serves the store."""
    import os
    import re
    import signal
    import subprocess
    import sys
    import urllib.request
    from pathlib import Path

    root = Path(__file__).parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("GEOMAP_TOKEN", None)
    db = tmp_path / "cli.db"
    cmd = [sys.executable, "-m", "geomap.cli.main", "serve", "--db", str(db), "--port", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.fullmatch(
            r"geomap: serving (\S+) at (http://127\.0\.0\.1:\d+/)  \(Ctrl-C stops it\)\n", line
        )
        assert match, line
        assert match.group(1) == str(db)
        with urllib.request.urlopen(match.group(2) + "api/incidents", timeout=10) as response:
            assert json.loads(response.read()) == {"type": "FeatureCollection", "features": [], "matched": 0}
    finally:
        early = proc.poll()  # None while it serves
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        _, err = proc.communicate(timeout=10)
    assert early is None, f"geomap serve stopped before Ctrl-C, exit {early}: {err}"
    assert proc.returncode == 130, err  # "interrupted", as every geomap command
    assert err.rstrip().endswith("geomap: interrupted")
    # it said which store it opened, and that it was new
    assert f"geomap: store {db} (created, empty); starting" in err


class BlockingParser:
    """Parses only when the test lets it: the server must answer other requests meanwhile."""

    def __init__(self, parser) -> None:
        self.parser = parser
        self.started = threading.Event()
        self.release = threading.Event()

    def parse(self, *args, **kwargs):
        self.started.set()
        assert self.release.wait(30)
        return self.parser.parse(*args, **kwargs)


def test_the_server_answers_while_an_article_is_parsed(store, geoparser):
    blocking = BlockingParser(geoparser)
    with TestClient(create_app(store, blocking), base_url=LOCAL, raise_server_exceptions=False) as c:
        answers: list[int] = []
        thread = threading.Thread(
            target=lambda: answers.append(c.post("/api/parse", json={"text": PROTEST}).status_code)
        )
        thread.start()
        assert blocking.started.wait(30)
        assert c.get("/api/incidents").status_code == 200  # while the parse is still waiting
        assert not answers
        blocking.release.set()
        thread.join(30)
    assert answers == [200]


_QUERY_KEYS = st.sampled_from(["bbox", "since", "until", "type", "country", "limit", "format", "x"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.lists(st.tuples(_QUERY_KEYS, st.text(max_size=30)), max_size=4))
def test_any_incident_query_is_answered_or_refused_in_json(filled, params):
    response = filled.get("/api/incidents", params=params)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400 or "format" not in dict(params) or dict(params)["format"] == "geojson":
        body = response.json()
        assert set(body) == {"error"} or body["type"] == "FeatureCollection"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.dictionaries(
        st.sampled_from(["text", "title", "date", "url", "filename", "other"]), _JSON, max_size=4
    )
)
def test_any_json_body_is_parsed_or_refused_in_json(client, body):
    response = client.post("/api/parse", json=body)
    assert response.status_code in (200, 400, 422), response.text
    answer = response.json()
    refused = set(answer) == ({"error", "field"} if response.status_code == 422 else {"error"})
    assert refused or {"id", "mentions", "places", "incidents"} <= set(answer)


class FullStore:
    """A store whose writes fail, as a locked or full SQLite file's do."""

    def __init__(self, store) -> None:
        self.store = store

    def add(self, article):
        raise StoreError("cannot add 'x' to /home/someone/geomap.db: database is locked")

    def __getattr__(self, name):
        return getattr(self.store, name)


def test_a_store_that_cannot_be_written_is_a_503_without_its_path(store, geoparser):
    with TestClient(
        create_app(FullStore(store), geoparser), base_url=LOCAL, raise_server_exceptions=False
    ) as c:
        response = c.post("/api/articles", json={"text": PROTEST})
    assert response.status_code == 503
    assert "try again" in response.json()["error"] and "/home" not in response.text


def test_the_api_on_each_back_end(new_store_location, geoparser):
    """The same answers from a SQLite file and from a shared PostGIS store."""
    with (
        Store(new_store_location()) as backend,
        TestClient(create_app(backend, geoparser), base_url=LOCAL) as c,
    ):
        first = add(c, AGENCY_ONE)
        second = add(c, AGENCY_TWO)
        add(c, PROTEST, date="2024-07-01")
        assert (first["incidents"], second["merged"]) == (1, 1)
        assert types_of(c, "") == ["airstrike_shelling", "protest_unrest"]
        assert types_of(c, "bbox=34,48,38,51") == ["airstrike_shelling"]
        assert types_of(c, "type=protest_unrest&country=GE&since=2024-07") == ["protest_unrest"]
        (feature,) = c.get("/api/incidents?type=airstrike_shelling").json()["features"]
        assert feature["properties"]["source_count"] == 2
        rows = list(csv.DictReader(io.StringIO(c.get("/api/incidents?format=csv").text)))
        assert sorted(r["location"] for r in rows) == ["Kharkiv", "Tbilisi"]
