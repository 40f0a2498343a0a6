"""``Geoparser.pipe``: streaming, order, worker processes, and what crosses between processes."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap

import pytest

from geomap.inputs.article import Article
from geomap.nlp.components import SPANS_KEY

TEXTS = [
    "Houthi forces fired two missiles at a cargo ship in the Red Sea near Hodeidah, Yemen, on Tuesday.",
    "Israeli strikes hit Rafah and Khan Younis in the southern Gaza Strip overnight, health officials said.",
    "Russian drones struck energy facilities in Kharkiv, and air defences were active over Kyiv.",
    "Floods displaced thousands of families in Sindh province after the Indus burst its banks near Sukkur.",
    "Protesters gathered in Nairobi as talks between Kenya and Ethiopia moved to Addis Ababa.",
    "Tankers rerouted around the Cape of Good Hope after attacks near the Bab el-Mandeb strait.",
]
ARTICLES = [Article(text=t, id=f"a{i}", date="2024-03-12") for i, t in enumerate(TEXTS)]


def _places(parsed):
    return [[(rp.place.id, rp.mentions) for rp in p.places] for p in parsed]


@pytest.fixture(scope="module")
def one_by_one(geoparser):
    return [geoparser.parse_article(a) for a in ARTICLES]


def test_pipe_gives_what_parse_gives_in_input_order(geoparser, one_by_one):
    piped = list(geoparser.pipe(iter(ARTICLES), batch_size=4))
    assert [p.id for p in piped] == [a.id for a in ARTICLES]
    assert _places(piped) == _places(one_by_one)
    assert piped == one_by_one  # mentions, incidents and all
    assert all(p.places for p in piped)  # the texts were written to name places


def test_pipe_streams_its_input(geoparser):
    taken = []

    def endless():
        i = 0
        while True:
            taken.append(i)
            yield Article(text=TEXTS[i % len(TEXTS)], id=str(i))
            i += 1

    stream = geoparser.pipe(endless(), batch_size=2)
    first = [next(stream) for _ in range(3)]
    assert [p.id for p in first] == ["0", "1", "2"]
    assert len(taken) <= 8  # a batch or two ahead, not the whole input
    stream.close()


def test_pipe_with_two_processes_gives_the_same_results(geoparser, one_by_one):
    # Linux forks the workers: each must open its own sqlite connection, and the
    # docs come back through Doc.to_bytes with their places.
    piped = list(geoparser.pipe(ARTICLES, batch_size=2, n_process=2))
    assert [p.id for p in piped] == [a.id for a in ARTICLES]
    assert piped == one_by_one


SPAWN = textwrap.dedent(
    """
    import json, multiprocessing, sys
    from geomap.inputs.article import Article
    from geomap.parser import Geoparser

    if __name__ == "__main__":
        multiprocessing.set_start_method("spawn")  # the pipeline is pickled to the workers
        articles = [Article(text=t, id=str(i)) for i, t in enumerate(json.loads(sys.argv[1]))]
        parser = Geoparser()
        alone = [parser.parse_article(a).to_dict() for a in articles]
        piped = [p.to_dict() for p in parser.pipe(articles, batch_size=2, n_process=2)]
        names = [[place["name"] for place in p["places"]] for p in piped]
        print(json.dumps({"same": alone == piped, "places": names}))
    """
)


def test_pipe_with_spawned_processes_gives_the_same_results(tmp_path, gazetteer):
    import json

    script = tmp_path / "spawn_pipe.py"
    script.write_text(SPAWN, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), json.dumps(TEXTS)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["same"]
    assert all(result["places"])


def test_place_resolver_pickles_without_its_gazetteer(geoparser):
    resolver = geoparser.nlp.get_pipe("geomap_places")
    copy = pickle.loads(pickle.dumps(resolver))
    assert copy._finder is None  # nothing opened until first use
    assert copy.index_path == str(geoparser.gazetteer.path)
    doc = geoparser.nlp(TEXTS[0])
    expected = [(s.text, s._.geomap_place) for s in doc.spans[SPANS_KEY]]
    copy(doc)
    assert copy._finder is not None and copy._finder.gazetteer is not geoparser.gazetteer
    assert [(s.text, s._.geomap_place) for s in doc.spans[SPANS_KEY]] == expected
    copy._finder.gazetteer.close()


def test_doc_bytes_keep_the_places(geoparser):
    from spacy.tokens import Doc

    doc = geoparser.nlp(TEXTS[5])
    back = Doc(geoparser.nlp.vocab).from_bytes(doc.to_bytes())
    before = [(s.text, s.label_, s._.geomap_place, s._.geomap_confidence) for s in doc.spans[SPANS_KEY]]
    after = [(s.text, s.label_, s._.geomap_place, s._.geomap_confidence) for s in back.spans[SPANS_KEY]]
    assert after == before and any(p for _, _, p, _ in after)
    alternatives = [tuple(s._.geomap_alternatives) for s in back.spans[SPANS_KEY]]
    assert alternatives == [s._.geomap_alternatives for s in doc.spans[SPANS_KEY]]


@pytest.mark.parametrize(("batch_size", "n_process"), [(0, 1), (4, 0), (4, -2)])
def test_pipe_refuses_nonsense_sizes(geoparser, batch_size, n_process):
    with pytest.raises(ValueError):
        next(geoparser.pipe(ARTICLES, batch_size=batch_size, n_process=n_process))
