"""Property and fuzz tests: whatever text comes in, parsing, export and maps never crash,
offsets hold, coordinates are valid, and article text never reaches a page unescaped."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.outputs.export import dumps
from geomap.outputs.render import render_html

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "${alert(3)}",
    "`${alert(4)}`",
    "</script><script>alert(5)</script>",
    "javascript:alert(6)",
    "\u202e\u0000\ud7ff\U0001f600",
]
PLACES = ["Rafah", "Gaza", "the Red Sea", "Hodeidah", "Kyiv", "Springfield, Ill.", "Bab el-Mandeb"]

# Text that looks like news: sentences with places, numbers, payloads and noise.
news_like = st.lists(
    st.one_of(
        st.sampled_from(PLACES),
        st.sampled_from(PAYLOADS),
        st.sampled_from(["killed", "attacked", "fled", "met", "at least 12", "on Tuesday", "."]),
        st.text(max_size=30),
    ),
    max_size=25,
).map(" ".join)


def _check(parsed, text: str) -> None:
    for m in parsed.mentions:
        assert text[m.start : m.end] == m.text
        if m.place is not None:
            assert -90 <= m.place.lat <= 90 and -180 <= m.place.lon <= 180
    for inc in parsed.incidents:
        assert text[inc.trigger_start : inc.trigger_end] == inc.trigger
        if inc.location_start is not None:
            assert text[inc.location_start : inc.location_end] == inc.location_name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(news_like)
def test_parse_export_and_map_never_crash(geoparser, text):
    parsed = geoparser.parse(text, id="p", title=text[:80])
    _check(parsed, text)
    geo = json.loads(dumps([parsed], "geojson"))
    assert geo["type"] == "FeatureCollection"
    dumps([parsed], "csv")
    dumps([parsed], "kml")
    page = render_html([parsed], tiles="none")
    for payload in ("<script>alert(", 'onerror="alert', "<img src=x"):
        assert payload not in page


@pytest.mark.slow
def test_fuzz_10000_generated_inputs(geoparser):
    """10,000 generated inputs through parse and every export: 0 crashes."""
    rng = random.Random(20261125)
    alphabet = [chr(c) for c in range(32, 127)] + ["é", "ḩ", "ʿ", "’", "غ", "Ж", "中", "\n", "\t", "\u200b"]
    crashes = []

    def generate() -> str:
        kind = rng.random()
        if kind < 0.4:
            words = [*PLACES, *PAYLOADS, "killed", "fled", "in", "near"]
            return " ".join(rng.choice(words) for _ in range(12))
        if kind < 0.8:
            return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
        return rng.choice(PLACES) * rng.randint(1, 40)

    inputs = [generate() for _ in range(10_000)]
    from geomap.inputs.article import Article

    articles = (Article(text=t, id=f"f{i}", title=t[:40]) for i, t in enumerate(inputs))
    batch = []
    for parsed in geoparser.pipe(articles, batch_size=64):
        try:
            _check(parsed, parsed.text)
            batch.append(parsed)
            if len(batch) == 200:
                for fmt in ("geojson", "csv", "kml"):
                    dumps(batch, fmt)
                batch = []
        except Exception as exc:  # collected, so one failure shows with its input
            crashes.append((parsed.id, repr(exc)))
    assert crashes == []
