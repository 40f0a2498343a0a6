"""Score predicted toponyms and event locations against annotated documents.

The metrics are those the evaluation corpora document (``shared/eval/README.md``), computed
here so that ``geomap evaluate`` and its tests need nothing outside the repository:

- **recognition**: precision, recall and F1 on exact spans and on overlapping spans, paired
  one to one (largest overlap first). Gold spans without coordinates, or of a neutral type
  such as an adjectival use, are neither required nor punished; neither is a prediction in a
  document whose annotation is not exhaustive that overlaps no gold span;
- **resolution**, over gold toponyms paired with a prediction: the great-circle error, with a
  prediction that has no coordinates counted as the largest possible error; accuracy within
  161 km (100 miles), median and mean error, and the area under the curve of log errors
  (Gritta et al. 2018, lower is better);
- **events**: gold and predicted events paired by overlapping trigger, then by sentence; an
  event's place is right when the paired prediction's location span overlaps one of the gold
  spans, or both say the text gives none; unpaired gold events count as wrong.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from geomap.geodesy import haversine_km

#: Gold toponym types that are neither required nor punished (adjectival and non-literal uses).
NEUTRAL_TYPES = frozenset(
    {"Non_Literal_Modifier", "Embedded_Non_Lit", "Demonym", "Language", "Homonym", "STREETNR", "ZIP"}
)
#: Half the Earth's circumference: the error of a toponym found but given no coordinates.
UNRESOLVED_KM = 20039.0
#: Resolution counts as right within 161 km (100 miles), as the geoparsing literature has it.
WITHIN_KM = 161.0

Span = tuple[int, int]
Doc = Mapping[str, Any]


def shared_chars(a: Span, b: Span) -> int:
    """How many characters two half-open spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def overlaps(a: Span, b: Span) -> bool:
    """Whether two spans share a character: how the scorer pairs spans."""
    return a[0] < b[1] and b[0] < a[1]


def pair_spans(gold: Sequence[Span], predicted: Sequence[Span]) -> dict[int, int]:
    """Pair gold and predicted spans one to one: gold index to predicted index.

    The largest overlap is paired first; among equal overlaps, the pair whose edges lie
    closer. A span overlapping nothing stays unpaired.
    """
    candidates = sorted(
        (-shared, abs(g[0] - p[0]) + abs(g[1] - p[1]), i, j)
        for i, g in enumerate(gold)
        for j, p in enumerate(predicted)
        if (shared := shared_chars(g, p)) > 0
    )
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, _, i, j in candidates:
        if i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    return pairs


def auc_log_error(errors: Sequence[float]) -> float | None:
    """Area under the sorted curve of ln(1 + km) / ln(max error), on an x axis scaled to [0, 1]."""
    if not errors:
        return None
    ys = sorted(math.log1p(e) / math.log(UNRESOLVED_KM) for e in errors)
    if len(ys) == 1:
        return ys[0]
    trapezoids = sum((a + b) / 2 for a, b in itertools.pairwise(ys))
    return trapezoids / (len(ys) - 1)


def _located(x: Mapping[str, Any]) -> bool:
    return x.get("lat") is not None and x.get("lon") is not None


def _km(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> float:
    return haversine_km(float(gold["lat"]), float(gold["lon"]), float(pred["lat"]), float(pred["lon"]))


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class _Tally:
    """What the documents add up to, one document at a time."""

    gold: int = 0
    neutral: int = 0
    predicted: int = 0
    ignored: int = 0
    exact: int = 0
    overlapping: int = 0
    unresolved: int = 0
    errors: list[float] = field(default_factory=list)
    has_events: bool = False
    ev_gold: int = 0
    ev_predicted: int = 0
    ev_paired: int = 0
    ev_with_location: int = 0
    ev_right: int = 0
    ev_with_coords: int = 0
    ev_within: int = 0
    ev_errors: list[float] = field(default_factory=list)

    def add_toponyms(self, gold_doc: Doc, pred_doc: Doc | None, neutral_types: frozenset[str]) -> None:
        marked = gold_doc.get("toponyms") or []
        counted = [t for t in marked if _located(t) and t.get("type") not in neutral_types]
        neutral = [t for t in marked if not (_located(t) and t.get("type") not in neutral_types)]
        exhaustive = gold_doc.get("toponyms_exhaustive", True) is not False
        gold_spans = [(t["start"], t["end"]) for t in counted]
        neutral_spans = [(t["start"], t["end"]) for t in neutral]
        preds = []
        for p in (pred_doc or {}).get("toponyms") or []:
            span = (p["start"], p["end"])
            if not any(overlaps(span, g) for g in gold_spans) and (
                not exhaustive or any(overlaps(span, n) for n in neutral_spans)
            ):
                self.ignored += 1
            else:
                preds.append(p)
        self.gold += len(counted)
        self.neutral += len(neutral)
        self.predicted += len(preds)
        unclaimed = [(p["start"], p["end"]) for p in preds]
        for span in gold_spans:
            if span in unclaimed:
                unclaimed.remove(span)
                self.exact += 1
        pairs = pair_spans(gold_spans, [(p["start"], p["end"]) for p in preds])
        self.overlapping += len(pairs)
        for i, j in pairs.items():
            if _located(preds[j]):
                self.errors.append(_km(counted[i], preds[j]))
            else:
                self.unresolved += 1
                self.errors.append(UNRESOLVED_KM)

    def add_events(self, gold_doc: Doc, pred_doc: Doc | None) -> None:
        golds = gold_doc.get("events") or []
        preds = (pred_doc or {}).get("events") or []
        self.has_events = True
        self.ev_gold += len(golds)
        self.ev_predicted += len(preds)
        pairs = _pair_events(golds, preds)
        self.ev_paired += len(pairs)
        for i, g in enumerate(golds):
            spans = gold_location_spans(g)
            self.ev_with_location += bool(spans)
            p = preds[pairs[i]] if i in pairs else None
            if p is not None:
                start = p.get("location_start")
                if spans:
                    self.ev_right += start is not None and any(
                        overlaps((start, p["location_end"]), s) for s in spans
                    )
                else:
                    self.ev_right += start is None
            if _located(g):
                self.ev_with_coords += 1
                if p is not None and _located(p):
                    km = _km(g, p)
                    self.ev_errors.append(km)
                    self.ev_within += km <= WITHIN_KM


def gold_location_spans(event: Mapping[str, Any]) -> list[Span]:
    """Every span a gold event's place may be found at (none: the text gives no place)."""
    spans = [(s["start"], s["end"]) for s in event.get("locations") or []]
    if not spans and event.get("location_start") is not None:
        spans = [(event["location_start"], event["location_end"])]
    return spans


def _pair_events(golds: Sequence[Doc], preds: Sequence[Doc]) -> dict[int, int]:
    """Gold event index to predicted event index: by trigger where both have one, then by sentence."""

    def paired(gi: list[int], pj: list[int], span: Callable[[Doc], Span]) -> dict[int, int]:
        found = pair_spans([span(golds[i]) for i in gi], [span(preds[j]) for j in pj])
        return {gi[a]: pj[b] for a, b in found.items()}

    def trigger(x: Doc) -> Span:
        return (x["trigger_start"], x["trigger_end"])

    def sentence(x: Doc) -> Span:
        return (x.get("sentence_start", 0), x.get("sentence_end", 0))

    pairs = paired(
        [i for i, g in enumerate(golds) if g.get("trigger_start") is not None],
        [j for j, p in enumerate(preds) if p.get("trigger_start") is not None],
        trigger,
    )
    taken = set(pairs.values())
    rest_gold = [i for i in range(len(golds)) if i not in pairs]
    rest_pred = [j for j in range(len(preds)) if j not in taken]
    return pairs | paired(rest_gold, rest_pred, sentence)


def score_documents(
    gold: Iterable[Doc], predictions: Iterable[Doc], neutral_types: frozenset[str] = NEUTRAL_TYPES
) -> dict[str, Any]:
    """The metrics of predictions against gold documents, matched by ``id``.

    A gold document without a prediction counts as predicting nothing; a prediction for a
    document not in gold is ignored.
    """
    by_id = {str(p["id"]): p for p in predictions}
    tally = _Tally()
    docs = 0
    for g in gold:
        docs += 1
        pred = by_id.get(str(g["id"]))
        tally.add_toponyms(g, pred, neutral_types)
        if "events" in g:
            tally.add_events(g, pred)
    return _metrics(docs, tally)


def _metrics(docs: int, t: _Tally) -> dict[str, Any]:
    pe, re_ = _ratio(t.exact, t.predicted), _ratio(t.exact, t.gold)
    po, ro = _ratio(t.overlapping, t.predicted), _ratio(t.overlapping, t.gold)
    acc161 = _ratio(sum(e <= WITHIN_KM for e in t.errors), len(t.errors))
    auc = auc_log_error(t.errors)
    m: dict[str, Any] = {
        "docs": docs,
        "gold_toponyms": t.gold,
        "gold_neutral": t.neutral,
        "predicted": t.predicted,
        "predicted_ignored": t.ignored,
        "exact": {"P": pe, "R": re_, "F1": _f1(pe, re_), "tp": t.exact},
        "overlap": {"P": po, "R": ro, "F1": _f1(po, ro), "tp": t.overlapping},
        "resolution": {
            "n": len(t.errors),
            "unresolved": t.unresolved,
            "acc161": acc161,
            "median_km": statistics.median(t.errors) if t.errors else None,
            "mean_km": statistics.fmean(t.errors) if t.errors else None,
            "auc": auc,
        },
    }
    summary = f"F1={_f1(po, ro):.3f} acc161={acc161:.3f} AUC={auc if auc is not None else float('nan'):.3f}"
    summary += f" n={len(t.errors)}"
    if t.has_events:
        span_acc = _ratio(t.ev_right, t.ev_gold)
        ev161 = _ratio(t.ev_within, t.ev_with_coords) if t.ev_with_coords else None
        m["events"] = {
            "gold": t.ev_gold,
            "predicted": t.ev_predicted,
            "paired": t.ev_paired,
            "gold_with_location": t.ev_with_location,
            "location_span_acc": span_acc,
            "location_span_acc_paired": _ratio(t.ev_right, t.ev_paired),
            "gold_with_coords": t.ev_with_coords,
            "acc161": ev161,
            "median_km": statistics.median(t.ev_errors) if t.ev_errors else None,
        }
        summary += f" ev_span_acc={span_acc:.3f}" + (f" ev_acc161={ev161:.3f}" if ev161 is not None else "")
    m["summary"] = summary
    return m
