"""``geomap train``: fit the event–location linker on labelled newswire events.

The training file (``event_location_train.jsonl`` in the evaluation folder) holds
sentences with events, each a trigger and the span of the place where it happened
or none. Every sentence is parsed by geomap's own pipeline; each event geomap finds
whose trigger overlaps a labelled one becomes a group of rows, one per candidate,
labelled 1 where the candidate overlaps the labelled place. Events geomap does not
find teach nothing about linking and are left out; the scorer still counts them.

Everything is deterministic: LightGBM runs on one thread with fixed seeds, folds
are fixed by a hash of the document id, so the same data gives the same model file.
The threshold and the calibration curves come from 5-fold out-of-fold predictions,
never from the rows a model was fitted on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geomap.errors import InputError
from geomap.evaluate import gold_location_spans, overlaps, score
from geomap.incidents.finding import find_events
from geomap.incidents.linker import (
    CATEGORICAL,
    FEATURES,
    MODEL_FAMILY,
    MODEL_FEATURES,
    MODEL_FORMAT,
    model_inputs,
)
from geomap.incidents.vectors import AXES, PairProjection, Projection
from geomap.inputs.article import Article
from geomap.nlp import pipeline
from geomap.nlp.docs import keep_text
from geomap.outputs.files import atomic_writer
from geomap.parser import doc_mentions
from geomap.resolution.gazetteer import Gazetteer

FOLDS = 5
#: Label sources left out. Masdar's research assistants gave a place to 12 % of their 1,041
#: events, against 60-90 % for every other source, and none even to "a roadside bomb in
#: the X district of Y killed five": their "none" does not mean the text gives no place.
EXCLUDED_SOURCES = frozenset({"Masdar_RA"})
PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 20,
    "lambda_l2": 1.0,
    "cat_smooth": 10.0,
    "max_cat_to_onehot": 8,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "seed": 7,
    "verbosity": -1,
}
#: A dearer first edge ("a driver from X") never makes a place likelier.
PARAMS["monotone_constraints"] = [-1 if name == "first_edge" else 0 for name in MODEL_FEATURES]
PARAMS["monotone_constraints_method"] = "advanced"
ROUNDS = 250


def _fold(doc_id: str) -> int:
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % FOLDS


@dataclass(slots=True)
class EventRows:
    """One event geomap found in a training sentence, with its candidates and what the label says."""

    doc: int
    trigger: tuple[int, int]
    triggers: list[tuple[int, int]]
    sentence: tuple[int, int]
    candidates: list[tuple[int, int]]
    rows: np.ndarray
    gold: list[tuple[int, int]] | None  # the labelled place spans ([] = none); None = not a labelled event
    unknown: bool

    def labels(self) -> list[int]:
        gold = self.gold or []
        return [int(any(overlaps(c, g) for g in gold)) for c in self.candidates]


@dataclass(slots=True)
class Dataset:
    docs: list[dict[str, Any]]
    events: list[EventRows]
    #: The principal axes of the events' vectors (:func:`fit_projection`).
    projection: PairProjection

    def inputs(self, rows: np.ndarray) -> np.ndarray:
        """The model's columns for feature rows, with this dataset's vector projection."""
        return model_inputs(rows, self.projection)

    def matrix(self, keep: Callable[[EventRows], bool]) -> tuple[np.ndarray, np.ndarray]:
        chosen = [e for e in self.events if e.gold is not None and keep(e) and len(e.rows)]
        if not chosen:
            return np.zeros((0, len(MODEL_FEATURES))), np.zeros(0)
        labels = [y for e in chosen for y in e.labels()]
        return self.inputs(np.concatenate([e.rows for e in chosen])), np.asarray(labels)


def fit_projection(events: Sequence[EventRows]) -> PairProjection:
    """Principal axes of the candidates' vectors and of the triggers' (one per event), labels unread."""
    rows = [e.rows for e in events if len(e.rows)]
    if len(rows) < AXES:
        raise InputError(
            f"too little labelled data to train the linker: {len(rows)} events with a place candidate"
        )
    width = (rows[0].shape[1] - len(FEATURES)) // 2
    start = len(FEATURES)
    candidates = np.concatenate([r[:, start : start + width] for r in rows])
    triggers = np.stack([r[0, start + width :] for r in rows])
    return PairProjection(Projection.fit(candidates), Projection.fit(triggers))


def read_labelled(path: Path) -> list[dict[str, Any]]:
    """The documents of a labelled JSONL file (the evaluation folder's format)."""
    if not path.is_file():
        raise InputError(f"no training file at {path} (set GEOMAP_EVAL_DIR or pass --data)")
    docs = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    docs.append(json.loads(line))
                except ValueError as exc:
                    raise InputError(f"{path}:{n}: not a JSON line ({exc})") from exc
    if not docs:
        raise InputError(f"{path} holds no documents")
    return docs


def build_dataset(
    docs: Sequence[dict[str, Any]], gazetteer: Gazetteer, progress: Callable[[int], None] = lambda _: None
) -> Dataset:
    """Parse every document and turn each event geomap finds into candidate rows."""
    nlp = pipeline.load(pipeline.MODEL, gazetteer)
    events: list[EventRows] = []

    def texts() -> Iterable[Any]:
        for d in docs:
            doc = nlp.make_doc(Article(text=d["text"], id=d["id"]).text)
            keep_text(doc, d["text"])
            yield doc

    for n, (d, doc) in enumerate(zip(docs, nlp.pipe(texts(), batch_size=64), strict=True)):
        golds = d.get("events") or []
        for f in find_events(doc, doc_mentions(doc)):
            toks = [(t.idx, t.idx + len(t.text)) for t in f.ev.tokens]
            main = toks[0]
            # the labelled event on the main trigger, else on a trigger folded into it
            match = next((g for g in golds if overlaps(main, (g["trigger_start"], g["trigger_end"]))), None)
            if match is None:
                match = next(
                    (
                        g
                        for g in golds
                        for t in toks[1:]
                        if overlaps(t, (g["trigger_start"], g["trigger_end"]))
                    ),
                    None,
                )
            if match is not None and match.get("label_source") in EXCLUDED_SOURCES:
                match = None
            events.append(
                EventRows(
                    doc=n,
                    trigger=main,
                    triggers=toks,
                    sentence=f.span,
                    candidates=[(m.start, m.end) for m, _ in f.cands],
                    rows=f.rows,
                    gold=gold_location_spans(match) if match is not None else None,
                    unknown=f.unknown,
                )
            )
        progress(1)
    return Dataset(list(docs), events, fit_projection(events))


def fit(x: np.ndarray, y: np.ndarray) -> Any:
    """A LightGBM booster on candidate rows."""
    import lightgbm

    if len(y) == 0 or y.min() == y.max():
        raise InputError(
            f"too little labelled data to train the linker: {len(y)} candidate rows, "
            f"{int(y.sum()) if len(y) else 0} of them the labelled place"
        )
    cats = [FEATURES.index(c) for c in CATEGORICAL]
    train = lightgbm.Dataset(
        x, y, feature_name=list(MODEL_FEATURES), categorical_feature=cats, params={"verbosity": -1}
    )
    return lightgbm.train(PARAMS, train, num_boost_round=ROUNDS)


def _decisions(
    events: Sequence[EventRows], probs: Sequence[np.ndarray], threshold: float
) -> list[int | None]:
    out: list[int | None] = []
    for ev, p in zip(events, probs, strict=True):
        out.append(int(p.argmax()) if len(p) and p.max() >= threshold and not ev.unknown else None)
    return out


def _correct(ev: EventRows, choice: int | None) -> bool:
    gold = ev.gold or []
    if choice is None:
        return not gold
    return any(overlaps(ev.candidates[choice], g) for g in gold)


def out_of_fold(data: Dataset) -> list[np.ndarray]:
    """Each event's candidate probabilities from a model that never saw its document."""
    probs: list[np.ndarray] = [np.zeros(0)] * len(data.events)
    folds = [_fold(data.docs[e.doc]["id"]) for e in data.events]
    for k in range(FOLDS):

        def outside(e: EventRows, k: int = k) -> bool:
            return _fold(data.docs[e.doc]["id"]) != k

        x, y = data.matrix(outside)
        booster = fit(x, y)
        for i, ev in enumerate(data.events):
            if folds[i] == k and len(ev.rows):
                probs[i] = booster.predict(data.inputs(ev.rows), num_threads=1)
    return probs


def _isotonic(scores: list[float], correct: list[bool], *, increasing: bool) -> dict[str, list[float]]:
    """Points of the isotonic fit of correctness on score, for ``np.interp`` (SciPy's PAV).

    Each flat block's rate is taken with Laplace's rule of succession, (right + 1) / (n + 2):
    a block of 40 decisions that were all right says 0.98, not a certain 1.0.
    """
    from scipy.optimize import isotonic_regression

    if not scores:
        return {"x": [0.0, 1.0], "y": [0.5, 0.5]}
    order = np.argsort(np.asarray(scores), kind="stable")
    x = np.asarray(scores)[order]
    fitted = isotonic_regression(np.asarray(correct, dtype=float)[order], increasing=increasing).x
    # each block of equal fitted values is a flat step: keep its two ends
    ends = np.flatnonzero(np.diff(fitted)) + 1
    starts = np.concatenate(([0], ends))
    stops = np.concatenate((ends - 1, [len(x) - 1]))
    sizes = stops - starts + 1
    rates = (fitted[starts] * sizes + 1.0) / (sizes + 2.0)
    # a small block can now sit out of order with a big neighbour: pool them again
    rates = isotonic_regression(rates, weights=sizes.astype(float), increasing=increasing).x
    fitted = np.repeat(rates, sizes)
    keep = np.unique(np.concatenate((starts, stops)))
    return {
        "x": [round(float(v), 6) for v in x[keep]],
        "y": [round(float(v), 6) for v in fitted[keep]],
    }


def choose_threshold(events: Sequence[EventRows], probs: Sequence[np.ndarray]) -> float:
    """The probability a candidate must reach to be the location: best out-of-fold accuracy."""
    kept = [(e, p) for e, p in zip(events, probs, strict=True) if e.gold is not None]
    labelled, their_probs = [e for e, _ in kept], [p for _, p in kept]
    best, best_acc = 0.5, -1.0
    for t in np.round(np.arange(0.10, 0.91, 0.02), 2):
        choices = _decisions(labelled, their_probs, float(t))
        acc = sum(_correct(e, c) for e, c in zip(labelled, choices, strict=True))
        if acc > best_acc:
            best, best_acc = float(t), acc
    return best


def calibrate(
    events: Sequence[EventRows], probs: Sequence[np.ndarray], threshold: float
) -> dict[str, dict[str, list[float]]]:
    """Isotonic curves from the top probability to the chance that the decision is right."""
    located: tuple[list[float], list[bool]] = ([], [])
    none: tuple[list[float], list[bool]] = ([], [])
    for ev, p, c in zip(events, probs, _decisions(events, probs, threshold), strict=True):
        if ev.gold is None or ev.unknown:
            continue
        top = float(p.max()) if len(p) else 0.0
        side = none if c is None else located
        side[0].append(top)
        side[1].append(_correct(ev, c))
    # a likelier best candidate makes "here" likelier right and "nowhere" likelier wrong
    return {"located": _isotonic(*located, increasing=True), "none": _isotonic(*none, increasing=False)}


def scorer_predictions(data: Dataset, probs: Sequence[np.ndarray], threshold: float) -> list[dict[str, Any]]:
    """The scorer's PRED lines for every training document, from the given probabilities."""
    preds: list[dict[str, Any]] = [{"id": d["id"], "toponyms": [], "events": []} for d in data.docs]
    for ev, c in zip(data.events, _decisions(data.events, probs, threshold), strict=True):
        loc = ev.candidates[c] if c is not None else (None, None)
        for t in ev.triggers:
            preds[ev.doc]["events"].append(
                {
                    "sentence_start": ev.sentence[0],
                    "sentence_end": ev.sentence[1],
                    "trigger_start": t[0],
                    "trigger_end": t[1],
                    "location_start": loc[0],
                    "location_end": loc[1],
                    "lat": None,
                    "lon": None,
                }
            )
    return preds


def train(
    data: Dataset, progress: Callable[[str], None] = lambda _: None
) -> tuple[dict[str, Any], list[np.ndarray]]:
    """The model file's content, and the out-of-fold probabilities it was calibrated on."""
    progress(f"cross-validating ({FOLDS} folds)")
    oof = out_of_fold(data)
    threshold = choose_threshold(data.events, oof)
    curves = calibrate(data.events, oof, threshold)
    progress("fitting the final model")
    x, y = data.matrix(lambda e: True)
    booster = fit(x, y)
    labelled = [(e, p) for e, p in zip(data.events, oof, strict=True) if e.gold is not None]
    choices = _decisions([e for e, _ in labelled], [p for _, p in labelled], threshold)
    acc = sum(_correct(e, c) for (e, _), c in zip(labelled, choices, strict=True)) / max(1, len(labelled))
    spec = {
        "format": MODEL_FORMAT,
        "features": list(MODEL_FEATURES),
        "categorical": list(CATEGORICAL),
        "projection": data.projection.to_json(),
        "threshold": threshold,
        "calibration": curves,
        "training": {
            "documents": len(data.docs),
            "events_found": len(data.events),
            "events_labelled": len(labelled),
            "rows": len(y),
            "positives": int(y.sum()),
            "params": PARAMS,
            "rounds": ROUNDS,
            "cv_linked_accuracy": round(acc, 4),
        },
        "lightgbm": booster.model_to_string(),
    }
    return spec, oof


def is_model_file(path: Path) -> bool:
    """Whether ``path`` holds an event-linker model (which ``geomap train`` may replace)."""
    try:
        with path.open(encoding="utf-8") as f:
            fmt = json.load(f).get("format")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return False
    return isinstance(fmt, str) and fmt.startswith(MODEL_FAMILY)


def write_model(spec: dict[str, Any], out: Path, *, force: bool = False) -> Path:
    """Write the model JSON atomically, keys sorted, so the same training gives the same bytes.

    An existing file is replaced only when it is a model already, or with ``force``.
    """
    with atomic_writer(out, force=force or is_model_file(out)) as f:
        f.write(json.dumps(spec, sort_keys=True, indent=0) + "\n")
    return out


def cross_validated(
    docs: Sequence[dict[str, Any]], gazetteer: Gazetteer, progress: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """The corpus scorer's metrics for out-of-fold linking of the labelled documents.

    Every event is scored, the ones geomap does not find or pairs by sentence too;
    the events of left-out label sources are scored as labelled.
    """
    progress(f"parsing {len(docs)} labelled sentences")
    data = build_dataset(docs, gazetteer)
    progress(f"cross-validating ({FOLDS} folds)")
    oof = out_of_fold(data)
    return score(list(docs), scorer_predictions(data, oof, choose_threshold(data.events, oof)))
