"""Deciding that two incidents report one event, and merging them: on incidents built here."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.evaluate import prediction
from geomap.incidents.incident import Incident
from geomap.incidents.merge import merge_article_incidents, merge_incidents, same_event
from geomap.inputs.parsed import article_from_dict
from geomap.model import ParsedArticle
from geomap.place import Place

DNIPRO = Place(id="709930", name="Dnipro", feature_type="city", lat=48.45, lon=35.04, country_code="UA")
# a point of the same city some 3 km away, under another id (an alternative gazetteer row)
DNIPRO_EAST = replace(DNIPRO, id="x-dnipro-east", lon=35.08)
KHARKIV = Place(id="706483", name="Kharkiv", feature_type="city", lat=49.98, lon=36.25, country_code="UA")


def incident(**changes: object) -> Incident:
    base = Incident(
        id="a-e1",
        article_id="a",
        incident_type="airstrike_shelling",
        sentence="An airstrike on Dnipro killed seven people.",
        sentence_start=0,
        sentence_end=43,
        trigger="killed",
        trigger_start=23,
        trigger_end=29,
        location_name="Dnipro",
        location_start=16,
        location_end=22,
        place=DNIPRO,
        precision="city",
        actors=("Russian forces",),
        fatalities=7,
        affected=None,
        date="2024-03-11",
        confidence=0.8,
        triggers=((23, 29), (3, 12)),
    )
    return replace(base, **changes)


def test_reports_of_one_strike_are_one_event():
    a = incident()
    b = incident(id="b-e3", article_id="b", incident_type="casualties", fatalities=9, date="2024-03-12")
    assert same_event(a, b) and same_event(b, a)
    assert same_event(a, incident(article_id="b", place=DNIPRO_EAST))  # a few km apart


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"incident_type": "protest_unrest"}, "another kind of event"),
        ({"place": KHARKIV, "location_name": "Kharkiv"}, "another city"),
        ({"date": "2024-03-14"}, "three days later"),
        ({"fatalities": 30}, "a toll four times larger"),
        ({"article_id": "b", "date": None}, "no date, in another article"),
        ({"article_id": "b", "place": None, "location_name": None}, "no place, in another article"),
        ({"place": None, "sentence_start": 50, "sentence_end": 90}, "no place, in another sentence"),
    ],
)
def test_what_keeps_two_reports_apart(changes, why):
    assert not same_event(incident(), incident(id="b-e1", **changes)), why


def test_counts_dates_and_places_that_still_agree():
    a = incident()
    assert same_event(a, incident(fatalities=None))  # a count not stated fits any
    assert same_event(a, incident(fatalities=12))  # within a factor of two
    assert same_event(a, incident(date="2024-03"))  # the month holding the day
    assert same_event(a, incident(date=None))  # no date, same article
    assert not same_event(a, incident(date="2024-03-12"), max_days=0)
    same_sentence = incident(place=None, location_name=None, incident_type="casualties")
    assert same_event(a, same_sentence)


def test_merge_keeps_the_first_and_the_best_of_both():
    a = incident(incident_type="casualties", fatalities=7, affected=None, actors=("Russian forces",))
    b = incident(
        id="a-e4",
        sentence_start=100,
        sentence_end=150,
        incident_type="airstrike_shelling",
        fatalities=9,
        affected=12,
        actors=("Russian forces", "Russian air force"),
        triggers=((120, 126),),
        confidence=0.9,
    )
    m = merge_incidents(a, b)
    assert (m.id, m.sentence_start, m.trigger_start, m.location_start) == ("a-e1", 0, 23, 16)
    assert m.incident_type == "airstrike_shelling"
    assert (m.fatalities, m.affected) == (9, 12)
    assert m.actors == ("Russian forces", "Russian air force")
    assert m.triggers == ((23, 29), (3, 12), (120, 126))
    # offsets into another article's text mean nothing here: the triggers stay the first's
    assert merge_incidents(a, replace(b, article_id="b")).triggers == a.triggers


def test_an_article_merges_only_placed_reports_of_other_sentences():
    lead = incident()
    later = incident(
        id="a-e2",
        sentence_start=44,
        sentence_end=90,
        trigger_start=60,
        trigger_end=66,
        triggers=(),
        fatalities=None,
        date="2024-03-14",
    )
    other = incident(id="a-e3", sentence_start=91, sentence_end=130, place=None, location_name=None)
    merged = merge_article_incidents([lead, later, other], article_date="2024-03-14")
    assert [m.id for m in merged] == ["a-e1", "a-e3"]
    assert merged[0].triggers == ((23, 29), (3, 12), (60, 66)) and merged[0].date == "2024-03-11"


def test_one_sentence_merges_its_reports_at_the_same_unknown_name_only():
    # "Gunmen attacked a fishing boat near Qaw, killing two people": the parse did not fold
    # "killing" into "attacked", and the gazetteer does not know Qaw
    text = "Gunmen attacked a fishing boat near Qaw, killing two people."
    at_qaw = {"place": None, "precision": "unknown", "location_name": "Qaw"}
    common = {
        "sentence": text, "sentence_end": len(text), "date": None, "actors": (), "triggers": (),
        "location_start": 36, "location_end": 39, **at_qaw,
    }  # fmt: skip
    attack = incident(
        incident_type="maritime_attack", trigger="attacked", trigger_start=7, trigger_end=15,
        fatalities=None, **common,
    )  # fmt: skip
    toll = incident(
        id="a-e2", incident_type="casualties", trigger="killing", trigger_start=41, trigger_end=48,
        fatalities=2, **common,
    )  # fmt: skip
    (merged,) = merge_article_incidents([attack, toll])
    assert merged.incident_type == "maritime_attack" and merged.fatalities == 2
    assert merged.triggers == ((7, 15), (41, 48)) and merged.location_name == "Qaw"
    # another unknown name of the sentence, or the same name in another sentence, keeps them apart
    elsewhere = replace(toll, location_name="Ras", location_start=0, location_end=3)
    assert len(merge_article_incidents([attack, elsewhere])) == 2
    later = replace(toll, sentence_start=61, sentence_end=120, location_start=97, location_end=100)
    assert len(merge_article_incidents([attack, later])) == 2


def test_triggers_and_modality_round_trip_and_default_for_old_files():
    inc = incident(modality="planned", incident_type="military_plan")
    data = {"id": "a", "mentions": [], "places": [], "incidents": [inc.to_dict()]}
    (again,) = article_from_dict(data).incidents
    assert again.triggers == inc.triggers and again.modality == "planned"
    old = {k: v for k, v in inc.to_dict().items() if k not in ("triggers", "modality")}
    (back,) = article_from_dict({**data, "incidents": [old]}).incidents
    assert back.modality == "asserted" and back.trigger_spans == ((23, 29),)
    assert back.to_dict()["triggers"] == [[23, 29]]


def test_the_scorer_gets_one_event_per_trigger():
    article = ParsedArticle(
        id="a", text="", title=None, date=None, url=None, mentions=(), places=(), incidents=(incident(),)
    )
    events = prediction("a", article)["events"]
    assert [(e["trigger_start"], e["trigger_end"]) for e in events] == [(23, 29), (3, 12)]
    assert {(e["lat"], e["lon"], e["location_start"]) for e in events} == {(48.45, 35.04, 16)}


RED_SEA = Place(
    id="geomap:red-sea", name="Red Sea", feature_type="sea", lat=20.0, lon=38.5,
    country_codes=("SA", "EG", "YE", "ER", "SD"), bbox=(32.3, 12.5, 43.5, 30.0),
)  # fmt: skip
STRAIT = Place(id="geomap:bab-el-mandeb", name="Bab el-Mandeb", feature_type="strait", lat=12.58, lon=43.33)


def test_a_reference_back_merges_into_the_nearest_event_of_its_family():
    at_sea = incident(
        incident_type="maritime_attack", place=RED_SEA, location_name="Red Sea", fatalities=None,
        date=None, triggers=((3, 6),),
    )  # fmt: skip
    told_again = incident(
        id="a-e2", sentence_start=60, sentence_end=120, trigger_start=70, trigger_end=76,
        triggers=((70, 76), (100, 106)), incident_type="casualties", place=STRAIT,
        location_name="Bab el-Mandeb", location_start=110, location_end=123, fatalities=3, date="2003-03",
    )  # fmt: skip
    says_the_attack = lambda inc: (100, 106) in inc.trigger_spans  # noqa: E731
    (merged,) = merge_article_incidents([at_sea, told_again], refers_back=says_the_attack)
    assert merged.incident_type == "maritime_attack" and merged.fatalities == 3
    assert merged.place == STRAIT and merged.location_start == 110  # the narrower place
    assert merged.date is None  # the first report's: a later sentence's date is seldom the event's
    # without the reference back, or with a place that lies in neither, they stay two
    assert len(merge_article_incidents([at_sea, told_again])) == 2
    far = replace(told_again, place=KHARKIV, location_name="Kharkiv")
    assert len(merge_article_incidents([at_sea, far], refers_back=says_the_attack)) == 2
    # a name the gazetteer does not know may be anywhere; a stated count three times larger is
    # another toll, and a day two days away another day
    unknown = replace(told_again, place=None, location_name="Qaw")
    assert len(merge_article_incidents([at_sea, unknown], refers_back=says_the_attack)) == 2
    counted = replace(at_sea, fatalities=9)
    assert len(merge_article_incidents([counted, told_again], refers_back=says_the_attack)) == 2
    dated = (replace(at_sea, date="2024-03-11"), replace(told_again, date="2024-03-13"))
    assert len(merge_article_incidents(dated, refers_back=says_the_attack)) == 2
    # a place told only by the reference back stays its own: "the fighting … in the North Caucasus"
    nowhere = replace(at_sea, place=None, location_name=None, location_start=None, location_end=None)
    assert len(merge_article_incidents([nowhere, told_again], refers_back=says_the_attack)) == 2
    # a reference back that names no place tells the event before it: "nobody was killed in the attack"
    quiet = replace(told_again, place=None, location_name=None, location_start=None, location_end=None)
    (one,) = merge_article_incidents([at_sea, quiet], refers_back=says_the_attack)
    assert one.place == RED_SEA and one.fatalities == 3
    # only the nearest earlier event of the family is asked: "the attack" is the last attack told
    between = replace(at_sea, id="a-e9", place=KHARKIV, location_name="Kharkiv", triggers=((40, 46),))
    assert len(merge_article_incidents([at_sea, between, told_again], refers_back=says_the_attack)) == 3


PLACES = (None, DNIPRO, DNIPRO_EAST, KHARKIV, RED_SEA, STRAIT)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["airstrike_shelling", "casualties", "protest_unrest", "maritime_attack"]),
            st.sampled_from(PLACES),
            st.sampled_from([None, 0, 3, 7, 30]),
            st.sampled_from([None, "2024-03-11", "2024-03-12"]),
            st.booleans(),
        ),
        max_size=8,
    )
)
def test_merging_an_article_keeps_every_trigger_once(rows):
    reports = [
        incident(
            id=f"a-e{k}", incident_type=kind, place=place, location_name=place.name if place else None,
            location_start=place and 10 * k, location_end=place and 10 * k + 5,
            fatalities=count, date=day, sentence_start=100 * k, sentence_end=100 * k + 90,
            trigger_start=100 * k + 1, trigger_end=100 * k + 5, triggers=((100 * k + 1, 100 * k + 5),),
        )
        for k, (kind, place, count, day, _) in enumerate(rows)
    ]  # fmt: skip
    back = {(100 * k + 1, 100 * k + 5) for k, row in enumerate(rows) if row[4]}
    merged = merge_article_incidents(
        reports, "2024-03-12", refers_back=lambda i: not back.isdisjoint(i.trigger_spans)
    )
    spans = [span for m in merged for span in m.trigger_spans]
    assert sorted(spans) == sorted(span for r in reports for span in r.trigger_spans)  # none lost, none twice
    assert [m.trigger_start for m in merged] == sorted(m.trigger_start for m in merged)  # text order holds
    for m in merged:  # a merged incident's place is one of its reports' places
        assert m.place in {r.place for r in reports if set(r.trigger_spans) <= set(m.trigger_spans)}
