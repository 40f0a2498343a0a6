"""``geomap train``: fit the event–location linker on labelled newswire events.

The training file (``event_location_train.jsonl`` in the evaluation folder) holds
sentences with events, each a trigger and the span of the place where it happened
or none. Every sentence is parsed by geomap's own pipeline; each event geomap finds
whose trigger overlaps a labelled one becomes a group of rows, one per candidate,
labelled 1 where the candidate overlaps the labelled place. Events geomap does not
find teach nothing about linking and are left out; the scorer still counts them.

Everything is deterministic: LightGBM runs on one thread with fixed seeds, folds
are fixed by a hash of the document id, so the same data gives the same model file.
The decision models learn from 5-fold out-of-fold candidate probabilities, as the
candidate model's probabilities for unseen text will be, and the calibration
curves come from their own out-of-fold decisions, never from rows a model was fitted on.
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
from geomap.evaluate import TRAINING_CORPUS, eval_dir, score
from geomap.incidents import model_files
from geomap.incidents.features import TRIGGER_WORDS
from geomap.incidents.finding import find_events
from geomap.incidents.linker import (
    CATEGORICAL,
    DECISION_FEATURES,
    FEATURES,
    MODEL_FAMILY,
    MODEL_FEATURES,
    MODEL_FORMAT,
    EventLinker,
    decision_rows,
    model_inputs,
    placed,
)
from geomap.incidents.vectors import AXES, PairProjection, Projection
from geomap.inputs.article import Article
from geomap.nlp import pipeline
from geomap.nlp.docs import keep_text
from geomap.parser import doc_mentions
from geomap.resolution.gazetteer import Gazetteer
from geomap.scoring import gold_location_spans, overlaps

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
#: The decision models see one row per event (about 5,000), so they are kept small.
DECISION_PARAMS: dict[str, Any] = {
    **{k: v for k, v in PARAMS.items() if not k.startswith("monotone")},
    "num_leaves": 15,
    "min_data_in_leaf": 40,
}
DECISION_ROUNDS = 60


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

    def matrix(self, chosen: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
        """The model's columns and labels of the chosen events' candidate rows (labelled events only)."""
        events = [self.events[i] for i in chosen]
        events = [e for e in events if e.gold is not None and len(e.rows)]
        if not events:
            return np.zeros((0, len(MODEL_FEATURES))), np.zeros(0)
        labels = [y for e in events for y in e.labels()]
        return self.inputs(np.concatenate([e.rows for e in events])), np.asarray(labels)

    def fold(self, i: int) -> int:
        """The cross-validation fold of event ``i``: its document's."""
        return _fold(self.docs[self.events[i].doc]["id"])


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


def _boost(x: np.ndarray, y: np.ndarray, names: Sequence[str], params: dict[str, Any], rounds: int) -> Any:
    """A LightGBM booster on rows whose columns are ``names``, the CATEGORICAL ones coded."""
    import lightgbm

    cats = [names.index(c) for c in CATEGORICAL]
    train = lightgbm.Dataset(
        x, y, feature_name=list(names), categorical_feature=cats, params={"verbosity": -1}
    )
    return lightgbm.train(params, train, num_boost_round=rounds)


def fit(x: np.ndarray, y: np.ndarray) -> Any:
    """A LightGBM booster on candidate rows."""
    if len(y) == 0 or y.min() == y.max():
        raise InputError(
            f"too little labelled data to train the linker: {len(y)} candidate rows, "
            f"{int(y.sum()) if len(y) else 0} of them the labelled place"
        )
    return _boost(x, y, MODEL_FEATURES, PARAMS, ROUNDS)


def fit_decision(x: np.ndarray, y: np.ndarray) -> Any:
    """A LightGBM booster on decision rows (one per event)."""
    if len(y) == 0 or y.min() == y.max():
        raise InputError(f"too little labelled data to train the linker: {len(y)} events with a candidate")
    return _boost(x, y, DECISION_FEATURES, DECISION_PARAMS, DECISION_ROUNDS)


def _correct(ev: EventRows, choice: int | None) -> bool:
    gold = ev.gold or []
    if choice is None:
        return not gold
    return any(overlaps(ev.candidates[choice], g) for g in gold)


def _predict(booster: Any, x: np.ndarray) -> np.ndarray:
    return np.asarray(booster.predict(x, num_threads=1), dtype=float) if len(x) else np.zeros(0)


def out_of_fold(data: Dataset, chosen: Sequence[int]) -> dict[int, np.ndarray]:
    """Each chosen event's candidate probabilities from a model fitted on the other folds among them."""
    probs: dict[int, np.ndarray] = {}
    for k in sorted({data.fold(i) for i in chosen}):
        booster = fit(*data.matrix(i for i in chosen if data.fold(i) != k))
        for i in chosen:
            if data.fold(i) == k:
                probs[i] = _predict(booster, data.inputs(data.events[i].rows))
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
    rates = _laplace(fitted[starts] * sizes, sizes)
    # a small block can now sit out of order with a big neighbour: pool them again
    rates = isotonic_regression(rates, weights=sizes.astype(float), increasing=increasing).x
    fitted = np.repeat(rates, sizes)
    keep = np.unique(np.concatenate((starts, stops)))
    return {
        "x": [round(float(v), 6) for v in x[keep]],
        "y": [round(float(v), 6) for v in fitted[keep]],
    }


def _laplace(right: np.ndarray | float, n: np.ndarray | float) -> np.ndarray | float:
    """Laplace's rule of succession, (right + 1) / (n + 2): no count of rights says "certain"."""
    return (right + 1.0) / (n + 2.0)


@dataclass(frozen=True, slots=True)
class Fitted:
    """A linker fitted on some events: the model file's content and its out-of-fold choices."""

    spec: dict[str, Any]
    #: Each labelled event's out-of-fold choice (a candidate index or None), by event index.
    choices: dict[int, int | None]


def fit_linker(
    data: Dataset, chosen: Sequence[int], progress: Callable[[str], None] = lambda _: None
) -> Fitted:
    """Fit the candidate and decision models on the chosen events, calibrated out of fold.

    The decision models learn from out-of-fold candidate probabilities, and their own
    out-of-fold decisions, over the same folds, give the calibration curves.
    """
    labelled = [i for i in chosen if data.events[i].gold is not None]
    progress(f"cross-validating the candidate model ({len({data.fold(i) for i in labelled})} folds)")
    probs = out_of_fold(data, labelled)
    # the events the decision models see: labelled, with a candidate, a place not withheld
    decidable = [i for i in labelled if len(data.events[i].rows) and not data.events[i].unknown]
    best, x = decision_rows(
        np.concatenate([data.events[i].rows for i in decidable]) if decidable else np.zeros((0, 1)),
        np.concatenate([probs[i] for i in decidable]) if decidable else np.zeros(0),
        [len(data.events[i].rows) for i in decidable],
    )
    y_located = np.asarray(
        [_correct(data.events[i], int(b)) for i, b in zip(decidable, best, strict=True)], dtype=int
    )
    y_none = np.asarray([not data.events[i].gold for i in decidable], dtype=int)
    progress("cross-validating the decision models")
    odds = np.zeros((len(decidable), 2))
    folds = np.asarray([data.fold(i) for i in decidable])
    for k in sorted(set(folds.tolist())):
        inside, outside = folds != k, folds == k
        odds[outside, 0] = _predict(fit_decision(x[inside], y_located[inside]), x[outside])
        odds[outside, 1] = _predict(fit_decision(x[inside], y_none[inside]), x[outside])
    here = placed(odds[:, 0], odds[:, 1])
    choices: dict[int, int | None] = dict.fromkeys(labelled)
    choices.update((i, int(b)) for i, b, h in zip(decidable, best, here, strict=True) if h)
    empty = [not data.events[i].gold for i in labelled if not len(data.events[i].rows)]
    curves = {
        # a dateline's candidate probability, for a sentence the decision placed nowhere
        "candidate": _isotonic(x[:, 0].tolist(), [bool(v) for v in y_located], increasing=True),
        "located": _isotonic(odds[here, 0].tolist(), (y_located[here] == 1).tolist(), increasing=True),
        "none": _isotonic(odds[~here, 1].tolist(), (y_none[~here] == 1).tolist(), increasing=True),
        "no_candidates": round(float(_laplace(sum(empty), len(empty))), 6),
    }
    progress("fitting the final models")
    xs, ys = data.matrix(chosen)
    booster = fit(xs, ys)
    right = sum(_correct(data.events[i], c) for i, c in choices.items())
    spec = {
        "format": MODEL_FORMAT,
        "features": list(MODEL_FEATURES),
        "trigger_words": list(TRIGGER_WORDS),
        "categorical": list(CATEGORICAL),
        "decision_features": list(DECISION_FEATURES),
        "projection": data.projection.to_json(),
        "calibration": curves,
        "training": {
            "documents": len({data.events[i].doc for i in chosen}),
            "events_found": len(chosen),
            "events_labelled": len(labelled),
            "rows": len(ys),
            "positives": int(ys.sum()),
            "params": PARAMS,
            "rounds": ROUNDS,
            "decision_params": DECISION_PARAMS,
            "decision_rounds": DECISION_ROUNDS,
            "cv_linked_accuracy": round(right / max(1, len(labelled)), 4),
        },
        "lightgbm": booster.model_to_string(),
        "decision": {
            "located": fit_decision(x, y_located).model_to_string(),
            "none": fit_decision(x, y_none).model_to_string(),
        },
    }
    return Fitted(spec, choices)


def scorer_predictions(data: Dataset, choices: dict[int, int | None]) -> list[dict[str, Any]]:
    """The scorer's PRED lines for every training document; events without a choice get no location."""
    preds: list[dict[str, Any]] = [{"id": d["id"], "toponyms": [], "events": []} for d in data.docs]
    for i, ev in enumerate(data.events):
        c = choices.get(i)
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


def train(data: Dataset, progress: Callable[[str], None] = lambda _: None) -> Fitted:
    """The model file's content, fitted on every event, with the out-of-fold choices it was calibrated on."""
    return fit_linker(data, range(len(data.events)), progress)


def is_model_file(path: Path) -> bool:
    """Whether ``path`` holds an event-linker model (which ``geomap train`` may replace)."""
    return model_files.is_model_file(path, MODEL_FAMILY)


def write_model(spec: dict[str, Any], out: Path, *, force: bool = False) -> Path:
    """Write the linker model: an existing file is replaced only when it is one, or with ``force``."""
    return model_files.write_spec(spec, out, MODEL_FAMILY, force=force)


def cross_validated(
    docs: Sequence[dict[str, Any]], gazetteer: Gazetteer, progress: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """The corpus scorer's metrics, each fold linked by a linker fitted on the others as ``train`` fits.

    Every event is scored, the ones geomap does not find or pairs by sentence too;
    the events of left-out label sources are scored as labelled.
    """
    progress(f"parsing {len(docs)} labelled sentences")
    data = build_dataset(docs, gazetteer)
    folds = [data.fold(i) for i in range(len(data.events))]
    choices: dict[int, int | None] = {}
    for k in range(FOLDS):
        progress(f"fold {k + 1} of {FOLDS}")
        linker = EventLinker(fit_linker(data, [i for i, f in enumerate(folds) if f != k]).spec)
        test = [i for i, f in enumerate(folds) if f == k]
        rows = [data.events[i].rows for i in test]
        stacked = np.concatenate(rows) if rows else np.zeros((0, linker.width))
        picks = linker.choices([len(r) for r in rows], stacked, linker.probabilities(stacked))
        for i, (pick, _) in zip(test, picks, strict=True):
            choices[i] = None if data.events[i].unknown else pick
    return score(list(docs), scorer_predictions(data, choices))


def cross_validate(gazetteer: Gazetteer, progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """The scorer's metrics for 5-fold cross-validated event linking on the training file
    (``geomap evaluate --corpus event_location_train``)."""
    docs = read_labelled(eval_dir() / f"{TRAINING_CORPUS}.jsonl")
    return cross_validated(docs, gazetteer, progress)
