"""geomap.scoring: the evaluation metrics, on documents small enough to score by hand."""

import math

import pytest

from geomap.scoring import UNRESOLVED_KM, auc_log_error, pair_spans, score_documents

TEXT = "Shelling hit Kharkiv and Izium; talks in Paris went on. The Ukrainian army said so."
KHARKIV = {"start": 13, "end": 20, "name": "Kharkiv", "lat": 49.99, "lon": 36.23}
IZIUM = {"start": 25, "end": 30, "name": "Izium", "lat": 49.21, "lon": 37.26}
PARIS = {"start": 41, "end": 46, "name": "Paris", "lat": 48.85, "lon": 2.35}
UKRAINIAN = {"start": 61, "end": 70, "name": "Ukrainian", "type": "Demonym", "lat": 49.0, "lon": 32.0}


def gold(**extra):
    return {"id": "d", "text": TEXT, "toponyms": [KHARKIV, IZIUM, PARIS, UKRAINIAN], **extra}


def test_spans_pair_one_to_one_largest_overlap_first():
    # predicted span 1 overlaps gold 0 by 3 and gold 1 by 5: it goes to gold 1, span 0 takes gold 0
    assert pair_spans([(0, 10), (10, 20)], [(0, 4), (7, 15)]) == {0: 0, 1: 1}
    assert pair_spans([(0, 10)], [(2, 6), (0, 10)]) == {0: 1}
    assert pair_spans([(0, 10)], [(10, 20)]) == {}


def test_recognition_and_resolution_by_hand():
    preds = [
        {"id": "d", "toponyms": [
            {**KHARKIV},                                  # exact, right place
            {"start": 25, "end": 31, "lat": 49.2, "lon": 37.3},  # overlapping only, ~3 km off
            {"start": 41, "end": 46, "lat": 33.66, "lon": -95.56},  # Paris, Texas: ~7,780 km
            {"start": 61, "end": 70, "lat": 49.0, "lon": 32.0},   # a demonym: neutral, ignored
            {"start": 0, "end": 8, "lat": 1.0, "lon": 1.0},       # "Shelling": a false positive
        ]},
    ]  # fmt: skip
    m = score_documents([gold()], preds)
    assert (m["gold_toponyms"], m["gold_neutral"], m["predicted"], m["predicted_ignored"]) == (3, 1, 4, 1)
    assert m["exact"]["tp"] == 2 and m["exact"]["P"] == 0.5
    assert m["overlap"]["tp"] == 3 and m["overlap"]["R"] == 1.0 and m["overlap"]["P"] == 0.75
    res = m["resolution"]
    assert res["n"] == 3 and res["acc161"] == pytest.approx(2 / 3)
    assert 7700 < res["mean_km"] * 3 < 7900 and 2 < res["median_km"] < 5  # 0 + ~3 + ~7,780 km


def test_a_place_found_but_not_placed_costs_the_largest_error():
    preds = [{"id": "d", "toponyms": [{**KHARKIV, "lat": None, "lon": None}]}]
    res = score_documents([gold()], preds)["resolution"]
    assert res["unresolved"] == 1 and res["median_km"] == UNRESOLVED_KM and res["acc161"] == 0.0


def test_a_document_without_a_prediction_predicts_nothing():
    m = score_documents([gold()], [{"id": "other", "toponyms": [KHARKIV]}])
    assert m["predicted"] == 0 and m["overlap"]["R"] == 0.0 and m["resolution"]["auc"] is None


def test_non_exhaustive_gold_ignores_predictions_elsewhere():
    preds = [{"id": "d", "toponyms": [{"start": 0, "end": 8, "lat": 1.0, "lon": 1.0}]}]
    assert score_documents([gold(toponyms_exhaustive=False)], preds)["predicted_ignored"] == 1
    assert score_documents([gold()], preds)["predicted_ignored"] == 0


def test_auc_of_log_error():
    assert auc_log_error([]) is None
    assert auc_log_error([0.0]) == 0.0
    assert auc_log_error([0.0, UNRESOLVED_KM]) == pytest.approx(0.5, abs=1e-4)
    assert auc_log_error([100.0, 100.0]) == pytest.approx(math.log1p(100) / math.log(UNRESOLVED_KM))


def test_event_locations_pair_by_trigger_then_sentence():
    events = [
        # "Shelling hit Kharkiv": trigger "hit", at Kharkiv (or Izium, also listed)
        {"sentence_start": 0, "sentence_end": 31, "trigger_start": 9, "trigger_end": 12,
         "location_start": 13, "location_end": 20,
         "locations": [{"start": 13, "end": 20}, {"start": 25, "end": 30}], "lat": 49.99, "lon": 36.23},
        # "talks in Paris went on": at Paris
        {"sentence_start": 32, "sentence_end": 56, "trigger_start": 32, "trigger_end": 37,
         "location_start": 41, "location_end": 46, "lat": 48.85, "lon": 2.35},
        # "said": no location
        {"sentence_start": 57, "sentence_end": 83, "trigger_start": 76, "trigger_end": 80,
         "location_start": None, "location_end": None},
    ]  # fmt: skip
    preds = [{"id": "d", "toponyms": [], "events": [
        {"sentence_start": 0, "sentence_end": 31, "trigger_start": 9, "trigger_end": 12,
         "location_start": 25, "location_end": 30, "lat": 49.21, "lon": 37.26},   # Izium: listed, right
        {"sentence_start": 32, "sentence_end": 56,                               # no trigger: by sentence
         "location_start": None, "location_end": None, "lat": None, "lon": None},  # says none: wrong
    ]}]  # fmt: skip
    ev = score_documents([gold(events=events)], preds)["events"]
    assert (ev["gold"], ev["predicted"], ev["paired"], ev["gold_with_location"]) == (3, 2, 2, 2)
    assert ev["location_span_acc"] == pytest.approx(1 / 3)  # the unpaired "said" counts as wrong
    assert ev["location_span_acc_paired"] == 0.5
    assert ev["gold_with_coords"] == 2 and ev["acc161"] == 0.5  # Izium is ~114 km from Kharkiv
    assert 105 < ev["median_km"] < 125


def _perturbed(docs, rng):
    """Predictions for gold documents: spans kept, moved or elsewhere, points kept, gone or random."""

    def span(start, end):
        return [(start, end), (start + rng.randint(-3, 3), end + rng.randint(0, 3)), (end + 1, end + 5)][
            rng.randrange(3)
        ]

    def point(lat, lon):
        return [(lat, lon), (None, None), (rng.uniform(-60, 60), rng.uniform(-180, 180))][rng.randrange(3)]

    preds = []
    for d in docs[: len(docs) * 9 // 10]:  # the last tenth has no prediction
        toponyms = []
        for t in d.get("toponyms") or []:
            if rng.random() < 0.85:
                (start, end), (lat, lon) = span(t["start"], t["end"]), point(t.get("lat"), t.get("lon"))
                toponyms.append({"start": start, "end": end, "lat": lat, "lon": lon})
        events = []
        for g in d.get("events") or []:
            e = {
                "sentence_start": g["sentence_start"],
                "sentence_end": g["sentence_end"],
                "lat": 1.0,
                "lon": 2.0,
            }
            if rng.random() < 0.8:
                e |= {
                    "trigger_start": g["trigger_start"] + rng.randint(-1, 1),
                    "trigger_end": g["trigger_end"],
                }
            start, end = (
                (None, None) if g["location_start"] is None else span(g["location_start"], g["location_end"])
            )
            events.append(e | {"location_start": start, "location_end": end})
        preds.append({"id": d["id"], "toponyms": toponyms, "events": events})
    return preds


@pytest.mark.slow
@pytest.mark.parametrize("corpus", ["lgl", "event_location_gold"])
def test_agrees_with_the_scorer_the_corpora_come_with(corpus, tmp_path):
    """Where shared/eval is beside the repo, its scorer and geomap's give the same figures."""
    import json
    import random
    import subprocess
    import sys

    from geomap.evaluate import eval_dir, load_gold

    scorer = eval_dir() / "score.py"
    if not scorer.is_file() or not (eval_dir() / f"{corpus}.jsonl").is_file():
        pytest.skip(f"no {corpus} corpus or scorer in {eval_dir()} (shared/eval beside the repo)")
    docs = load_gold(corpus)
    preds = _perturbed(docs, random.Random(corpus))
    gold_path, pred_path, out = tmp_path / "g.jsonl", tmp_path / "p.jsonl", tmp_path / "m.json"
    gold_path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    pred_path.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    command = [sys.executable, str(scorer), str(gold_path), str(pred_path), "--json", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    theirs, ours = json.loads(out.read_text(encoding="utf-8")), score_documents(docs, preds)

    def known(figures):  # the shared scorer writes NaN where geomap's has None
        return {
            k: v for k, v in figures.items() if v is not None and not (isinstance(v, float) and math.isnan(v))
        }

    assert ours["summary"] == theirs["summary"]
    for key in ("exact", "overlap", "resolution", "events"):
        assert (key in ours) == (key in theirs)
        if key in theirs:
            assert known(ours[key]) == pytest.approx(known(theirs[key]))
