"""The event judge: what an analyst would code of the incidents the rules find in a long story."""

from __future__ import annotations

import json

import numpy as np
import pytest

from geomap.errors import InputError
from geomap.evaluate import eval_dir
from geomap.incidents.judge import MIN_SENTENCES, EventJudge

# written for this test
STORY = (
    "Gunmen attacked a police post in Djibo on Monday, killing three officers, the army said.\n"
    "The assault began before dawn, when dozens of fighters on motorbikes surrounded the post.\n"
    "Attacks on security forces have surged across the Sahel in recent years, analysts say.\n"
    "The threat of further violence has pushed many families to leave the region.\n"
    "Two more officers died in hospital on Tuesday.\n"
    "Soldiers arrested four suspects near Arbinda on Wednesday, a military spokesman said.\n"
)


@pytest.fixture(scope="module")
def unjudged(gazetteer):
    from geomap.parser import Geoparser

    return Geoparser(gazetteer, judge=False)


def test_a_story_reads_as_an_analyst_codes_it(geoparser):
    found = geoparser.parse(STORY, id="s", date="2024-05-09").incidents
    # the attack told four times is one incident with all its dead; a trend and a vague threat are none
    assert [(i.incident_type, i.location_name, i.fatalities) for i in found] == [
        ("armed_attack", "Djibo", 5),
        ("arrest_detention", "Arbinda", None),
    ]
    assert found[0].date == "2024-05-06" and found[1].affected == 4


def test_the_judge_drops_what_the_rules_keep_and_nothing_it_should_not(geoparser, unjudged):
    judged = geoparser.parse(STORY, id="s", date="2024-05-09").incidents
    rules = unjudged.parse(STORY, id="s", date="2024-05-09").incidents
    assert [i.trigger for i in rules] == ["attacked", "threat", "arrested"]
    assert {i.trigger for i in judged} == {"attacked", "arrested"}


def test_a_short_report_keeps_every_incident(geoparser, unjudged):
    short = "\n".join(STORY.splitlines()[: MIN_SENTENCES - 1])
    judged = geoparser.parse(short, id="s", date="2024-05-09").incidents
    assert judged == unjudged.parse(short, id="s", date="2024-05-09").incidents
    assert any(i.trigger == "threat" for i in judged)


def test_a_model_of_another_lexicon_is_refused(tmp_path):
    spec = dict(EventJudge.load().spec)
    spec["trigger_words"] = [*spec["trigger_words"], "zzz-new-word"]
    path = tmp_path / "judge.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(InputError, match="lexicon"):
        EventJudge.load(path)


@pytest.mark.slow
@pytest.mark.skipif(not (eval_dir() / "voa_stories.jsonl").is_file(), reason="needs ../shared/eval")
def test_retraining_the_judge_decides_as_the_shipped_model(unjudged):
    from geomap.incidents.judge_training import collect, train, tune_stories

    data = collect(unjudged, tune_stories())
    spec = train(data)
    shipped = EventJudge.load()
    assert spec["trigger_words"] == shipped.spec["trigger_words"] and spec["threshold"] == shipped.threshold
    rows = np.concatenate([d.rows for d in data])
    again = EventJudge(spec).keep_probabilities(rows) >= shipped.threshold
    before = shipped.keep_probabilities(rows) >= shipped.threshold
    # the same labels and parses give the same trees; another CPU may parse a rare sentence otherwise
    assert (again == before).mean() >= 0.99
