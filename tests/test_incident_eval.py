"""The incident scorer: an analyst's labels against geomap's incidents, on a story written here."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from geomap.evaluate import eval_dir, part_of
from geomap.incident_eval import evaluate_incidents, labels_path, load_stories
from geomap.incidents.incident import INCIDENT_TYPES

STORY = (
    "Gunmen attacked a police post in Djibo on Monday, killing three officers. "
    "Two more officers died in hospital later. "
    "Separately, protesters marched in Ouagadougou and Bobo-Dioulasso."
)


def span(text: str, word: str, nth: int = 0) -> list[int]:
    at = -1
    for _ in range(nth + 1):
        at = text.index(word, at + 1)
    return [at, at + len(word)]


def event(kind: str, mentions: list[list[int]], location: list[int] | None, killed: int | None) -> dict:
    return {
        "type": kind, "mentions": mentions, "location": location, "location_alternatives": [],
        "killed": killed, "background": False, "cumulative": False,
    }  # fmt: skip


@pytest.fixture
def labelled(tmp_path, monkeypatch) -> Path:
    corpus = tmp_path / "mine.jsonl"
    corpus.write_text(json.dumps({"id": "s1", "date": "2024-05-07", "text": STORY}) + "\n", encoding="utf-8")
    events = [
        event("armed_attack", [span(STORY, "attacked"), span(STORY, "killing"), span(STORY, "died")],
              span(STORY, "Djibo"), 5),
        event("protest_unrest", [span(STORY, "marched")], span(STORY, "Ouagadougou"), None),
        event("protest_unrest", [span(STORY, "marched")], span(STORY, "Bobo-Dioulasso"), None),
    ]  # fmt: skip
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps({"corpus": "mine", "id": "s1", "events": events}) + "\n", encoding="utf-8")
    monkeypatch.setenv("GEOMAP_EVAL_DIR", str(tmp_path))
    return labels


def test_the_scorer_pairs_incidents_with_events_by_their_words_and_place(geoparser, labelled):
    summary, (story,) = evaluate_incidents(
        lambda s: geoparser.parse(s.text, id=s.id, date=s.date), path=labelled
    )
    attack, first_place, second_place = story["events"]
    # the attack and "two more died" are one incident of 5 dead; each place of the march is one
    assert attack["found"] and attack["incidents"] == 1 and attack["toll_exact"]
    assert first_place["found"] and second_place["found"] and second_place["place_right"]
    assert summary["recall"] == 1.0 and summary["toll_exact"] == 1.0 and summary["per_event"] == 1.0
    assert 0 <= summary["precision"] <= 1 and summary["per_event"] >= 1


def test_an_incident_that_tells_no_labelled_event_lowers_precision(geoparser, labelled):
    def parse_with_nothing_labelled(s):
        return geoparser.parse("Talks were held in Geneva on Monday.", id=s.id, date=s.date)

    summary, _ = evaluate_incidents(parse_with_nothing_labelled, path=labelled)
    assert summary["recall"] == 0.0 and summary["precision"] == 0.0 and summary["toll_exact"] == 0.0


def _labelling_script():
    spec = importlib.util.spec_from_file_location(
        "incident_labels", Path(__file__).resolve().parents[1] / "scripts" / "incident_labels.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_labelling_script_splits_as_evaluate_does():
    script = _labelling_script()
    ids = [str(n) for n in range(200)] + ["8011115", "lgl-41413836"]
    assert [script.part_of(i) for i in ids] == [part_of(i) for i in ids]


def test_a_draft_quotation_that_is_not_once_in_the_story_is_refused():
    script = _labelling_script()
    text = "Rebels attacked Kaya. Rebels attacked Kaya again."
    with pytest.raises(script.DraftError, match="more than once"):
        script.anchor(text, {"text": "attacked", "context": "Rebels attacked Kaya"}, "e")
    assert script.anchor(text, {"text": "Kaya", "context": "Kaya again"}, "e") == [38, 42]


@pytest.mark.skipif(not (eval_dir() / "voa_stories.jsonl").is_file(), reason="needs ../shared/eval")
def test_the_shipped_labels_hold_spans_of_their_stories():
    stories = load_stories("all", labels_path())
    assert len(stories) >= 150 and sum(len(s.events) for s in stories) >= 400
    for s in stories:
        for e in s.events:
            assert e["type"] in INCIDENT_TYPES and e["mentions"]
            for a, b in [*e["mentions"], *([e["location"]] if e["location"] else [])]:
                assert 0 <= a < b <= len(s.text) and s.text[a:b].strip() == s.text[a:b]


@pytest.mark.skipif(not (eval_dir() / "voa_stories.jsonl").is_file(), reason="needs ../shared/eval")
def test_the_labelled_stories_are_the_two_batches_the_script_chooses(monkeypatch):
    monkeypatch.setenv("GEOMAP_EVAL_DIR", str(eval_dir()))
    script = _labelling_script()
    first, second = list(script.stories(1)), list(script.stories(2))
    assert not set(first) & set(second) and len(second) >= 100
    rows = [json.loads(line) for line in labels_path().read_text(encoding="utf-8").splitlines()]
    labelled = [(row["corpus"], row["id"]) for row in rows]
    assert labelled == first + second
