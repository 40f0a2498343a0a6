"""Texts longer than spaCy takes at once: cut into pieces at paragraph starts, parsed as one article.
Every sentence here is written for these tests."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.inputs.article import Article
from geomap.nlp.long_text import pieces, process_long

ROOT = Path(__file__).parents[1]

STORY = (
    "Gunmen attacked a police post in Kaya on Monday, killing 4 officers and wounding 2.\n\n"
    "Officials in Ouagadougou said talks with community leaders would resume next week. "
    "The ministry published a schedule for the reopening of schools in the region.\n\n"
    "An airstrike hit a fuel depot near Djibo on Tuesday, the army said. No casualties were reported.\n\n"
    "Hundreds of traders protested in Bobo-Dioulasso on Wednesday against new market fees.\n"
)
FILLER = (
    "The council met again to discuss the budget for roads and water, and members asked for a "
    "report on spending before the end of the year. "
)


@given(st.text(alphabet=st.sampled_from("ab .\n!?"), max_size=400), st.integers(2, 60))
@settings(max_examples=200, deadline=None)
def test_pieces_give_the_text_back_and_none_is_too_long(text, size):
    cut = pieces(text, size)
    assert "".join(cut) == text
    assert all(len(p) <= size for p in cut)
    assert all(cut[:-1])  # no empty piece, except a whole empty text


def test_pieces_end_before_a_paragraph_rather_than_inside_a_sentence():
    text = FILLER * 3 + "\n\n" + FILLER * 3
    first, *_ = pieces(text, len(FILLER) * 4)
    assert first.endswith("\n\n") and first == FILLER * 3 + "\n\n"
    # without paragraphs, after a sentence; without sentences, after a space
    assert pieces(FILLER * 4, len(FILLER) * 2 + 10)[0].endswith("year. ")
    assert pieces("word " * 40, 33)[0] == "word " * 6


def _described(parsed):
    return [
        (i.incident_type, i.trigger_start, i.location_name, i.location_start, i.fatalities, i.date)
        for i in parsed.incidents
    ]


def test_a_text_parsed_in_pieces_gives_what_it_gives_whole(geoparser):
    text = STORY * 3
    whole = geoparser.parse(text, id="t", date="2024-05-06")
    doc = process_long(geoparser.nlp, text, size=400)  # about a paragraph a piece
    assert doc.text == text and len(list(doc.sents)) == len(list(geoparser.process(text).sents))
    in_pieces = geoparser.build(Article(text=text, id="t", date="2024-05-06"), doc)
    assert _described(in_pieces) == _described(whole) and len(whole.incidents) >= 3
    assert [r.place.id for r in in_pieces.places] == [r.place.id for r in whole.places]


def _long_story(size: int) -> str:
    """Paragraphs of filler with an event at the start and one at the very end."""
    paragraph = FILLER * 6 + "\n\n"
    return STORY + paragraph * (size // len(paragraph) + 1) + STORY


@pytest.mark.slow
def test_a_text_of_over_a_million_characters_parses_from_the_command_line(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(_long_story(1_100_000), encoding="utf-8")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "geomap.cli.main", "parse", "--json", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    parsed = json.loads(done.stdout)
    text = path.read_text(encoding="utf-8")
    # the last paragraph's protest (told at the start too: one incident), at its offsets in the whole text
    (protest,) = [i for i in parsed["incidents"] if i["incident_type"] == "protest_unrest"]
    assert protest["location_name"] == "Bobo-Dioulasso"
    assert text[protest["location_start"] : protest["location_end"]] == "Bobo-Dioulasso"
    start, end = max(protest["triggers"])
    assert start > len(text) - 200 and text[start:end] == "protested"
    print(f"1.1 MB parsed from the command line in {took:.1f} s")  # a figure, not an assertion (bench/)


@pytest.mark.slow
def test_the_server_parses_a_text_of_over_a_million_characters(tmp_path, geoparser):
    import warnings

    from geomap.serve.app import create_app
    from geomap.store.store import Store

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient

    text = _long_story(1_050_000)
    with (
        Store(tmp_path / "s.db") as store,
        TestClient(create_app(store, geoparser), base_url="http://127.0.0.1:8765") as client,
    ):
        response = client.post("/api/articles", json={"text": text})
        assert response.status_code == 201, response.text
        assert store.count() >= 4  # the story's events, its repeat merged into them


def test_a_stream_with_a_long_text_among_short_ones_keeps_its_order(geoparser, monkeypatch):
    import geomap.parser

    monkeypatch.setattr(geomap.parser, "PIECE_CHARS", 300)  # so that STORY * 2 counts as long
    articles = [
        Article(text="Gunmen attacked a bus near Kaya on Monday.", id="a"),
        Article(text=STORY * 2, id="long"),
        Article(text="Hundreds protested in Dori on Friday.", id="b"),
    ]
    parsed = list(geoparser.pipe(iter(articles), batch_size=2))
    assert [p.id for p in parsed] == ["a", "long", "b"]
    assert _described(parsed[1]) == _described(geoparser.parse(STORY * 2, id="long"))
    assert [i.location_name for i in parsed[2].incidents] == ["Dori"]
