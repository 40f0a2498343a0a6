"""``geomap evaluate``: run the parser from raw text over annotated news and score it.

The corpora live outside the repo (``../shared/eval``, or ``$GEOMAP_EVAL_DIR``):
third-party text is read from there, never copied in. They are scored by
:mod:`geomap.scoring`, by the metrics the corpora document.
Each corpus file is already a development half; it is split again, by a hash
of the document id, into a ``tune`` part (70 %) to look at while improving
geomap and a ``check`` part kept aside, so progress on one is tested on the other.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from geomap.errors import InputError
from geomap.incidents.incident import OFFSET_FIELDS
from geomap.model import ParsedArticle
from geomap.scoring import gold_location_spans, overlaps, score_documents

CORPORA = ("gwn", "lgl", "trnews", "geovirus", "tudloc2013", "event_location_gold")
#: The linker's training file: scored by cross-validation, never split into tune and check.
TRAINING_CORPUS = "event_location_train"
PARTS = ("tune", "check", "all")
TUNE_SHARE = 7  # of 10


def eval_dir() -> Path:
    """``$GEOMAP_EVAL_DIR``, else ``shared/eval`` beside the repository."""
    configured = os.environ.get("GEOMAP_EVAL_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "eval"


def part_of(doc_id: str) -> str:
    """The fixed part ("tune" or "check") a document belongs to."""
    bucket = int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % 10
    return "tune" if bucket < TUNE_SHARE else "check"


def load_gold(corpus: str, part: str = "all") -> list[dict[str, Any]]:
    path = eval_dir() / f"{corpus}.jsonl"
    if not path.is_file():
        raise InputError(f"no evaluation corpus at {path} (set GEOMAP_EVAL_DIR)")
    with path.open(encoding="utf-8") as f:
        docs = [json.loads(line) for line in f if line.strip()]
    return [d for d in docs if part == "all" or part_of(d["id"]) == part]


def prediction(doc_id: str, parsed: ParsedArticle) -> dict[str, Any]:
    """One line of the scorer's PRED format: resolved toponyms and incident locations."""
    toponyms = [
        {"start": m.start, "end": m.end, "name": m.text, "lat": m.place.lat, "lon": m.place.lon}
        for m in parsed.mentions
        if m.place is not None
    ]
    # the scorer pairs gold events by trigger overlap: an incident merged from several trigger
    # words is one scorer event per trigger, all at the incident's place; of the incidents one
    # trigger gives, one per place ("marched in A and B"), the first is the linker's choice
    events = [
        {
            **{name: getattr(inc, name) for name in OFFSET_FIELDS},
            "trigger_start": start,
            "trigger_end": end,
            "lat": inc.place.lat if inc.place else None,
            "lon": inc.place.lon if inc.place else None,
            "confidence": inc.confidence,
        }
        for inc in parsed.incidents
        for start, end in inc.trigger_spans
    ]
    events = list({(e["trigger_start"], e["trigger_end"]): e for e in reversed(events)}.values())[::-1]
    return {"id": doc_id, "toponyms": toponyms, "events": events}


#: Confidence bins of the reliability table: lower edges, the last bin closed at 1.
RELIABILITY_BINS = (0.0, 0.2, 0.4, 0.6, 0.7, 0.8, 0.9)


def reliability(gold: list[dict[str, Any]], preds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Of the gold events paired by trigger, per bin of the incident's confidence: how many were right.

    Right as the scorer has it: the location span overlaps a gold one, or both say none.
    ``preds`` are the :func:`prediction` lines, with each event's ``confidence``.
    """
    by_id = {p["id"]: p for p in preds}
    counts = [[0, 0, 0.0] for _ in RELIABILITY_BINS]  # events, right, sum of confidence
    for doc in gold:
        events = by_id.get(doc["id"], {}).get("events", [])
        for g in doc.get("events") or []:
            trigger = (g["trigger_start"], g["trigger_end"])
            hit = next((p for p in events if overlaps((p["trigger_start"], p["trigger_end"]), trigger)), None)
            if hit is None:
                continue
            spans = gold_location_spans(g)
            start, end = hit["location_start"], hit["location_end"]
            right = (
                start is None
                if not spans
                else start is not None and any(overlaps((start, end), s) for s in spans)
            )
            k = max(i for i, edge in enumerate(RELIABILITY_BINS) if hit["confidence"] >= edge)
            counts[k][0] += 1
            counts[k][1] += right
            counts[k][2] += hit["confidence"]
    edges = (*RELIABILITY_BINS[1:], 1.0)
    return [
        {
            "low": low,
            "high": high,
            "events": n,
            "mean_confidence": round(total / n, 3) if n else None,
            "right": round(right / n, 3) if n else None,
        }
        for (low, high, (n, right, total)) in zip(RELIABILITY_BINS, edges, counts, strict=True)
    ]


def score(gold: list[dict[str, Any]], preds: list[dict[str, Any]]) -> dict[str, Any]:
    """The scorer's metrics of predictions against gold (:mod:`geomap.scoring`)."""
    return score_documents(gold, preds)


def evaluate(
    parse: Callable[[str, str], ParsedArticle],
    corpora: tuple[str, ...] = CORPORA,
    part: str = "all",
    progress: Callable[[str], None] = lambda _: None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(corpus, metrics) for each corpus; ``parse(text, id)`` is the parser under test."""
    for corpus in corpora:
        gold = load_gold(corpus, part)
        progress(f"{corpus}: {len(gold)} documents")
        preds = [prediction(d["id"], parse(d["text"], d["id"])) for d in gold]
        metrics = score(gold, preds)
        if any(d.get("events") for d in gold):
            metrics["reliability"] = reliability(gold, preds)
        yield corpus, metrics


def span_interval(m: dict[str, Any], level: float = 0.95) -> tuple[float, float] | None:
    """The Wilson interval of the event span accuracy: what a part this small can tell apart.

    40 events right 33 times give 0.825 and an interval of 0.68 to 0.91, so a gap of 0.05
    between two such parts, or a target of 0.85, is within one part's sampling error.
    """
    from scipy.stats import binomtest

    events = m.get("events") or {}
    n, acc = events.get("gold") or 0, events.get("location_span_acc")
    if not n or acc is None:
        return None
    ci = binomtest(round(acc * n), n).proportion_ci(confidence_level=level, method="wilson")
    return round(float(ci.low), 3), round(float(ci.high), 3)


def summary_row(corpus: str, m: dict[str, Any]) -> dict[str, Any]:
    """The figures the README reports, from the scorer's metrics."""
    res, events = m["resolution"], m.get("events") or {}
    toponyms = m["gold_toponyms"] > 0  # the event corpus annotates events only

    def topo(value: Any) -> Any:
        return value if toponyms else None

    return {
        "corpus": corpus,
        "docs": m["docs"],
        "P": topo(m["overlap"]["P"]),
        "R": topo(m["overlap"]["R"]),
        "F1": topo(m["overlap"]["F1"]),
        "acc161": topo(res["acc161"]),
        "median_km": topo(res["median_km"]),
        "auc": topo(res["auc"]),
        "n": res["n"],
        "event_span_acc": events.get("location_span_acc"),
        "event_span_95": span_interval(m),
    }
