"""The learned event–location linker: which place in its sentence an event happened at, if any.

Every place mention of the sentence is a candidate, and so is every other name the
model tags (a district, camp or hospital the gazetteer does not know). Each
(event, candidate) pair becomes a row of features read from the parse
(:mod:`geomap.incidents.features`) and of token vectors projected on the model's axes
(:mod:`geomap.incidents.vectors`), and a gradient-boosted model scores the rows.

A second, smaller pair of models then makes the decision for the event as a whole:
from how its candidates' probabilities stand (the best, the runner-up, their sum) and
the best candidate's named features, one gives the chance that the best candidate is
where the event happened, the other that the text gives no place; the likelier wins.
A fixed threshold on the best probability cannot tell "a strong runner-up makes the
best one doubtful" from "this kind of event is seldom placed". The incident's
confidence is that chance, calibrated by isotonic curves fitted on out-of-fold
decisions.

The model ships as ``geomap/data/event_linker.json``: LightGBM's own text models, the
vector projection and the calibration curves inside a JSON object, so loading it runs no code. It is made
by ``geomap train`` (:mod:`geomap.incidents.training`) from Halterman's labelled
newswire events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from geomap.errors import InputError
from geomap.incidents.features import CATEGORICAL, FEATURES, TRIGGER_WORDS
from geomap.incidents.model_files import read_spec
from geomap.incidents.vectors import VECTOR_FEATURES, PairProjection

if TYPE_CHECKING:
    from spacy.tokens import Span

    from geomap.model import Mention

__all__ = [
    "CATEGORICAL",
    "DECISION_FEATURES",
    "FEATURES",
    "MODEL_FAMILY",
    "MODEL_FEATURES",
    "MODEL_FORMAT",
    "MODEL_PATH",
    "Decision",
    "EventLinker",
    "decision_rows",
    "placed",
]

MODEL_FAMILY = "geomap-event-linker/"
#: Version 2 added the token-vector projection, version 3 the decision models.
MODEL_FORMAT = MODEL_FAMILY + "3"
#: The model's input columns: the named features, then the projected vectors.
MODEL_FEATURES: tuple[str, ...] = (*FEATURES, *VECTOR_FEATURES)
#: The decision models' input columns: the event's candidate probabilities, then its best
#: candidate's named features.
DECISION_FEATURES: tuple[str, ...] = ("top_probability", "second_probability", "probability_sum", *FEATURES)
#: The shipped model, inside the package.
MODEL_PATH = "data/event_linker.json"


@dataclass(frozen=True, slots=True)
class Decision:
    """The linker's answer for one event: the chosen candidate (or None) and its calibrated confidence."""

    location: tuple[Mention, Span] | None
    confidence: float


def _curve(points: dict[str, list[float]]) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(points["x"]), np.asarray(points["y"])


class EventLinker:
    """The trained models, opened once: score candidates and decide, a whole article at a time."""

    def __init__(self, spec: dict[str, Any]) -> None:
        import lightgbm

        fmt = spec.get("format")
        if fmt != MODEL_FORMAT:
            if isinstance(fmt, str) and fmt.startswith(MODEL_FAMILY):
                raise InputError(f"the event-linker model is of an older format ({fmt}): run `geomap train`")
            raise InputError(f"not a geomap event-linker model (format {fmt!r})")
        if tuple(spec.get("features") or ()) != MODEL_FEATURES:
            raise InputError("the event-linker model was trained on other features: run `geomap train`")
        if tuple(spec.get("trigger_words") or ()) != TRIGGER_WORDS:
            # the trigger word is coded by its place in the lexicon: a word added shifts the codes
            raise InputError(
                "the event-linker model was trained on another event lexicon: run `geomap train`"
            )
        self.spec = spec
        try:
            self.projection = PairProjection.from_json(spec["projection"])
            self._booster = lightgbm.Booster(model_str=spec["lightgbm"])
            self._located = lightgbm.Booster(model_str=spec["decision"]["located"])
            self._none = lightgbm.Booster(model_str=spec["decision"]["none"])
            curves = spec["calibration"]
            self._candidate_curve = _curve(curves["candidate"])
            self._located_curve = _curve(curves["located"])
            self._none_curve = _curve(curves["none"])
            #: How often "no place" is right for an event whose sentence names no candidate at all.
            self._no_candidates = float(curves["no_candidates"])
        except (KeyError, TypeError, ValueError, lightgbm.basic.LightGBMError) as exc:
            raise InputError(
                f"the event-linker model file is incomplete or damaged ({exc!r}): run `geomap train`"
            ) from exc
        #: How many columns a feature row has: the named features and the two raw token vectors.
        self.width = len(FEATURES) + self.projection.width

    @classmethod
    def load(cls, path: str | Path | None = None) -> EventLinker:
        """The shipped model, or the one at ``path`` (a JSON file written by ``geomap train``)."""
        return cls(read_spec(path, MODEL_PATH, "event-linker"))

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """The model's probability, per row, that the candidate is where its event happened."""
        if len(rows) == 0:
            return np.zeros(0)
        if rows.shape[1] != self.width:
            raise InputError(
                f"the event-linker model reads token vectors of width {self.projection.candidate.width}; "
                f"this spaCy pipeline gives {(rows.shape[1] - len(FEATURES)) // 2}: run `geomap train`"
            )
        return np.asarray(self._booster.predict(self.inputs(rows), num_threads=1), dtype=float)

    def inputs(self, rows: np.ndarray) -> np.ndarray:
        """The model's input columns (MODEL_FEATURES) from feature rows: the vectors projected."""
        return model_inputs(rows, self.projection)

    def candidate_confidence(self, probability: float) -> float:
        """The calibrated chance that a candidate given this probability is where the event was."""
        return float(np.interp(probability, *self._candidate_curve))

    def odds(self, decision: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per decision row: the chance the best candidate is right, and that "no place" is."""
        if len(decision) == 0:
            return np.zeros(0), np.zeros(0)
        located = np.asarray(self._located.predict(decision, num_threads=1), dtype=float)
        nowhere = np.asarray(self._none.predict(decision, num_threads=1), dtype=float)
        return located, nowhere

    def choices(
        self, sizes: Sequence[int], rows: np.ndarray, probs: np.ndarray
    ) -> list[tuple[int | None, float]]:
        """Each event's choice, in order: the index of its best candidate or None, and the confidence.

        ``sizes`` says how many candidates each event has; ``rows`` and ``probs`` hold them
        one event after another, as for one article.
        """
        best, decision = decision_rows(rows, probs, sizes)
        located, nowhere = self.odds(decision)
        here = placed(located, nowhere)
        confidence = np.where(
            here, np.interp(located, *self._located_curve), np.interp(nowhere, *self._none_curve)
        )
        decided = iter(zip(best.tolist(), here.tolist(), confidence.tolist(), strict=True))
        out: list[tuple[int | None, float]] = []
        for size in sizes:
            if size == 0:
                out.append((None, self._no_candidates))
            else:
                pick, there, conf = next(decided)
                out.append((pick if there else None, conf))
        return out

    def decide(
        self, cands: Sequence[Sequence[tuple[Mention, Span]]], rows: np.ndarray, probs: np.ndarray
    ) -> list[Decision]:
        """Each event's decision, in order: its best candidate or no location, with calibrated confidence.

        ``cands`` are the events' candidates, ``rows`` and ``probs`` their feature rows and
        probabilities concatenated in the same order, as for one article.
        """
        picks = self.choices([len(c) for c in cands], rows, probs)
        return [
            Decision(None if pick is None else event_cands[pick], confidence)
            for event_cands, (pick, confidence) in zip(cands, picks, strict=True)
        ]


def model_inputs(rows: np.ndarray, projection: PairProjection) -> np.ndarray:
    """Feature rows (FEATURES, then the raw vectors) as the model's columns (MODEL_FEATURES)."""
    n = len(FEATURES)
    return np.hstack((rows[:, :n], projection(rows[:, n:])))


def placed(located: np.ndarray, nowhere: np.ndarray) -> np.ndarray:
    """Which events get their best candidate: where that is likelier right than "no place" (ties: none)."""
    return located > nowhere


def decision_rows(rows: np.ndarray, probs: np.ndarray, sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """For each event with candidates: its best candidate's index, and its row of DECISION_FEATURES.

    ``rows`` and ``probs`` hold the events' candidates one after another, ``sizes`` how
    many each event has; events without candidates get no row. Vectorised over the article.
    """
    counts = np.asarray(sizes, dtype=int)
    counts = counts[counts > 0]
    if len(counts) == 0:
        return np.zeros(0, dtype=int), np.zeros((0, len(DECISION_FEATURES)))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    group = np.repeat(np.arange(len(counts)), counts)
    order = np.lexsort((-probs, group))  # each event's candidates, likeliest first
    first = order[starts]
    second = np.where(counts > 1, probs[order[np.minimum(starts + 1, len(probs) - 1)]], 0.0)
    total = np.add.reduceat(probs, starts)
    decision = np.column_stack((probs[first], second, total, rows[first, : len(FEATURES)]))
    return first - starts, decision
