"""geomap evaluate: splits, prediction format and scoring of a corpus written here."""

import json

import pytest

from geomap import evaluate
from geomap.evaluate import part_of, prediction, score, span_interval, summary_row


def test_parts_are_stable_and_about_70_30():
    ids = [f"doc-{i}" for i in range(2000)]
    parts = [part_of(i) for i in ids]
    assert parts == [part_of(i) for i in ids]
    assert 0.65 < parts.count("tune") / len(parts) < 0.75


@pytest.fixture()
def tiny_corpus(tmp_path, monkeypatch):
    """A two-document corpus written here, in the evaluation corpora's format."""
    text_a = "Ships were attacked near Hodeidah on Monday."
    text_b = "Talks were held in Cairo."
    docs = [
        {"id": "a", "text": text_a, "toponyms": [
            {"start": 25, "end": 33, "name": "Hodeidah", "lat": 14.80, "lon": 42.95, "type": "Literal"}]},
        {"id": "b", "text": text_b, "toponyms": [
            {"start": 19, "end": 24, "name": "Cairo", "lat": 30.06, "lon": 31.25, "type": "Literal"}]},
    ]  # fmt: skip
    (tmp_path / "mini.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    monkeypatch.setenv("GEOMAP_EVAL_DIR", str(tmp_path))
    return docs


def test_end_to_end_scoring_of_a_tiny_corpus(geoparser, tiny_corpus):
    preds = [prediction(d["id"], geoparser.parse(d["text"], id=d["id"])) for d in tiny_corpus]
    assert {t["name"] for p in preds for t in p["toponyms"]} >= {"Hodeidah", "Cairo"}
    row = summary_row("mini", score(tiny_corpus, preds))
    assert row["R"] == 1.0 and row["acc161"] == 1.0


def test_event_span_accuracy_comes_with_its_interval(geoparser, tiny_corpus):
    text = tiny_corpus[0]["text"]
    start = text.index("attacked")
    tiny_corpus[0]["events"] = [
        {"sentence_start": 0, "sentence_end": len(text), "trigger_start": start, "trigger_end": start + 8,
         "location_start": 25, "location_end": 33},
        {"sentence_start": 0, "sentence_end": len(text), "trigger_start": 0, "trigger_end": 5,
         "location_start": None, "location_end": None},
    ]  # fmt: skip
    preds = [prediction(d["id"], geoparser.parse(d["text"], id=d["id"])) for d in tiny_corpus]
    row = summary_row("mini", score(tiny_corpus, preds))
    # "attacked" is linked to Hodeidah; "Ships" is no event of geomap's, so that gold event is missed
    assert row["event_span_acc"] == 0.5
    low, high = row["event_span_95"]
    assert 0.05 < low < 0.5 < high < 0.95  # one of two: the interval spans most of the range


def test_the_interval_narrows_with_more_events():
    def width(right: int, n: int) -> float:
        low, high = span_interval({"events": {"gold": n, "location_span_acc": right / n}})
        return high - low

    assert span_interval({"events": {"gold": 40, "location_span_acc": 0.825}}) == (0.681, 0.913)
    assert width(33, 40) > width(165, 200) > width(825, 1000)
    assert span_interval({"events": {}}) is None


def test_missing_corpus_is_a_clear_error(tmp_path, monkeypatch):
    from geomap.errors import InputError

    monkeypatch.setenv("GEOMAP_EVAL_DIR", str(tmp_path))
    with pytest.raises(InputError, match="no evaluation corpus"):
        evaluate.load_gold("gwn")
