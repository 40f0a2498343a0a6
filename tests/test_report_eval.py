"""Coder-style event reports: the set written here, and how geomap is scored on it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from geomap.evaluate import part_of
from geomap.incidents.incident import INCIDENT_TYPES
from geomap.report_eval import Report, evaluate_reports, load_reports, reports_path, score_report

NOTE = (
    "On 14 February 2024, militants attacked a gendarmerie post in Djibo, killing 6 gendarmes. "
    "The army responded with airstrikes, killing 11 militants. [size=no report]"
)


def test_the_reports_file_is_well_formed():
    rows = [json.loads(line) for line in reports_path().read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) == 840 and len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["type"] in INCIDENT_TYPES, r["id"]
        assert r["location"] is None or r["location"] in r["text"], r["id"]
        assert r["killed"] is None or (isinstance(r["killed"], int) and r["killed"] >= 0), r["id"]
        assert r["killed"] is not None or r["killed_text"], r["id"]  # a vague toll keeps its word
        # the second batch gives the coded place's point where its writer knew it
        assert (r.get("lat") is None) == (r.get("lon") is None), r["id"]
        if r.get("lat") is not None:
            assert -90 <= r["lat"] <= 90 and -180 <= r["lon"] <= 180 and r["location"], r["id"]
    # both parts hold reports of every region, by the hash every corpus is split by
    parts = Counter((part_of(r["id"]), r["id"].split("-")[0]) for r in rows)
    first = {"sah", "hoa", "mea", "eur", "sas", "lat"}
    second = {"sah2", "eaf2", "mena2", "eur2", "sas2", "lat2"}
    assert {region for _, region in parts} == first | second
    assert all(parts[("tune", region)] and parts[("check", region)] for _, region in parts)
    assert [r.id for r in load_reports("tune")] == [r["id"] for r in rows if part_of(r["id"]) == "tune"]


def test_a_note_read_as_one_event_scores_right(geoparser):
    report = Report("t-1", NOTE, "2024-02-14", "armed_attack", 17, "Djibo")
    outcome = score_report(report, geoparser.parse(NOTE, id="t-1"))
    assert outcome["incidents"] == 1
    assert outcome["found"] and outcome["type_right"] and outcome["toll_exact"]
    assert outcome["place_right"] and outcome["date_right"]


def test_a_wrong_coding_scores_wrong(geoparser):
    report = Report("t-1", NOTE, "2024-02-15", "protest_unrest", 6, "Kaya")
    outcome = score_report(report, geoparser.parse(NOTE, id="t-1"))
    assert outcome["found"]
    assert not (
        outcome["type_right"] or outcome["toll_exact"] or outcome["place_right"] or outcome["date_right"]
    )


def test_figures_over_a_file_of_reports(geoparser, tmp_path: Path):
    rows = [
        {
            "id": "a",
            "text": NOTE,
            "date": "2024-02-14",
            "type": "armed_attack",
            "killed": 17,
            "location": "Djibo",
        },
        {
            "id": "b",
            "text": "The weather was fine.",
            "date": None,
            "type": "other",
            "killed": 0,
            "location": None,
        },
        {
            "id": "c",
            "text": "On 2 May 2024, hundreds of people marched in Ouagadougou against rising prices.",
            "date": "2024-05-02",
            "type": "protest_unrest",
            "killed": 0,
            "location": "Ouagadougou",
            "lat": 12.37,
            "lon": -1.53,
        },
        {  # a coded point but no incident: a miss at every distance
            "id": "d",
            "text": "Nothing happened in Kaya.",
            "date": None,
            "type": "other",
            "killed": 0,
            "location": "Kaya",
            "lat": 13.09,
            "lon": -1.08,
        },
    ]
    path = tmp_path / "reports.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    summary, scored = evaluate_reports(lambda r: geoparser.parse(r.text, id=r.id), "all", path=path)
    assert [s["id"] for s in scored] == ["a", "b", "c", "d"]
    assert summary["reports"] == 4 and summary["recall"] == 0.5 and summary["type_acc"] == 0.5
    assert summary["lethal"] == 1 and summary["toll_exact"] == 1.0 and summary["per_event"] == 1.0
    # the march's incident lies within a few km of the coded point; "d" has none
    assert scored[2]["error_km"] < 5 and scored[3]["error_km"] is None
    assert summary["pointed"] == 2 and summary["within25"] == 0.5 and summary["within161"] == 0.5
    assert summary["median_km"] == scored[2]["error_km"]


@pytest.mark.slow
def test_geomap_keeps_its_figures_on_the_tune_reports(tmp_path: Path):
    # a floor under today's tune figures (0.97 recall, 0.87 type, 0.94 toll, 1.27 per event): a change
    # that loses events, types, tolls or merges on the reports fails here
    out = tmp_path / "figures.json"
    cmd = [sys.executable, "-m", "geomap.cli", "evaluate", "--reports", "--part", "tune", "--json", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=600)
    (row,) = json.loads(out.read_text(encoding="utf-8"))
    assert row["part"] == "tune" and row["reports"] == len(load_reports("tune"))
    assert row["recall"] >= 0.95 and row["type_acc"] >= 0.85
    assert row["toll_exact"] >= 0.9 and row["per_event"] <= 1.3
