"""geomap serve's parser processes: a long article holds up no other, a parse past the time limit is
stopped, and a full queue is answered at once with 503 and Retry-After. Each test starts real worker
processes, each loading the parser: slow."""

from __future__ import annotations

import threading
import time
import warnings

import pytest

from geomap.serve.app import create_app
from geomap.serve.parsing import WorkerParsing
from geomap.store.store import Store

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.slow

#: Written for these tests.
SMALL = "Hundreds of traders protested in Bobo-Dioulasso on Wednesday against new market fees."
PARAGRAPH = (
    "Gunmen attacked a police post in Kaya on Monday, killing 4 officers. Officials in Ouagadougou said "
    "talks with community leaders would resume next week, and the ministry published a schedule for the "
    "reopening of schools in the region.\n\n"
)
LOCAL = "http://127.0.0.1:8765"


def _large(chars: int) -> str:
    return PARAGRAPH * (chars // len(PARAGRAPH) + 1)


def _wait_until(condition, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def _post_in_thread(client, text: str, answers: list) -> threading.Thread:
    def post() -> None:
        answers.append(client.post("/api/parse", json={"text": text}))

    thread = threading.Thread(target=post)
    thread.start()
    return thread


def _warm(client) -> None:
    """One small parse, so that a worker has loaded its parser before the test times anything."""
    assert client.post("/api/parse", json={"text": SMALL}).status_code == 200


def test_a_small_parse_is_answered_while_a_large_one_runs(tmp_path):
    parsing = WorkerParsing(2)
    with Store(tmp_path / "s.db") as store, TestClient(create_app(store, parsing), base_url=LOCAL) as client:
        _warm(client)
        _warm(client)
        large: list = []
        thread = _post_in_thread(client, _large(600_000), large)
        _wait_until(lambda: parsing.pending >= 1)
        small = client.post("/api/parse", json={"text": SMALL})
        assert small.status_code == 200
        assert [i["location_name"] for i in small.json()["incidents"]] == ["Bobo-Dioulasso"]
        assert thread.is_alive() and not large  # answered while the large one still runs
        thread.join(300)
        assert large[0].status_code == 200


def test_a_parse_past_the_limit_is_stopped_and_a_full_queue_answered_at_once(tmp_path):
    parsing = WorkerParsing(1, timeout=4, queue=0)
    with Store(tmp_path / "s.db") as store, TestClient(create_app(store, parsing), base_url=LOCAL) as client:
        _warm(client)
        large: list = []
        thread = _post_in_thread(client, _large(400_000), large)
        _wait_until(lambda: parsing.pending >= 1)
        busy = client.post("/api/articles", json={"text": SMALL})
        assert busy.status_code == 503 and int(busy.headers["retry-after"]) >= 1
        assert "busy" in busy.json()["error"] and store.count() == 0
        thread.join(120)
        assert large[0].status_code == 503 and "took over 4 s" in large[0].json()["error"]
        # the stopped worker was replaced: the next parse is answered
        assert client.post("/api/articles", json={"text": SMALL}).status_code == 201
        assert store.count() == 1
