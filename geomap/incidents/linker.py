"""The learned event–location linker: which place in its sentence an event happened at, if any.

Every place mention of the sentence is a candidate, and so is every other name the
model tags (a district, camp or hospital the gazetteer does not know). Each
(event, candidate) pair becomes a row of features read from the parse
(:mod:`geomap.incidents.features`) and of token vectors projected on the model's axes
(:mod:`geomap.incidents.vectors`), and a gradient-boosted model scores the rows. The best
candidate wins when its probability clears the trained threshold; otherwise the
text gives no location. The incident's confidence is a calibrated probability that
this decision is right, from isotonic curves fitted on out-of-fold predictions.

The model ships as ``geomap/data/event_linker.json``: LightGBM's own text model, the
vector projection and the calibration curves inside a JSON object, so loading it runs no code. It is made
by ``geomap train`` (:mod:`geomap.incidents.training`) from Halterman's labelled
newswire events.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from geomap.errors import InputError
from geomap.incidents.features import CATEGORICAL, FEATURES
from geomap.incidents.vectors import VECTOR_FEATURES, PairProjection

if TYPE_CHECKING:
    from spacy.tokens import Span

    from geomap.model import Mention

__all__ = [
    "CATEGORICAL",
    "FEATURES",
    "MODEL_FAMILY",
    "MODEL_FEATURES",
    "MODEL_FORMAT",
    "MODEL_PATH",
    "Decision",
    "EventLinker",
]

MODEL_FAMILY = "geomap-event-linker/"
#: Version 2 added the token-vector projection.
MODEL_FORMAT = MODEL_FAMILY + "2"
#: The model's input columns: the named features, then the projected vectors.
MODEL_FEATURES: tuple[str, ...] = (*FEATURES, *VECTOR_FEATURES)
#: The shipped model, inside the package.
MODEL_PATH = "data/event_linker.json"


@dataclass(frozen=True, slots=True)
class Decision:
    """The linker's answer for one event: the chosen candidate (or None) and its calibrated confidence."""

    location: tuple[Mention, Span] | None
    confidence: float


class EventLinker:
    """The trained model, opened once: scores candidates and decides, a whole article at a time."""

    def __init__(self, spec: dict[str, Any]) -> None:
        import lightgbm

        fmt = spec.get("format")
        if fmt != MODEL_FORMAT:
            if isinstance(fmt, str) and fmt.startswith(MODEL_FAMILY):
                raise InputError(f"the event-linker model is of an older format ({fmt}): run `geomap train`")
            raise InputError(f"not a geomap event-linker model (format {fmt!r})")
        if tuple(spec["features"]) != MODEL_FEATURES:
            raise InputError("the event-linker model was trained on other features: run `geomap train`")
        self.spec = spec
        self.threshold = float(spec["threshold"])
        self.projection = PairProjection.from_json(spec["projection"])
        #: How many columns a feature row has: the named features and the two raw token vectors.
        self.width = len(FEATURES) + self.projection.width
        self._booster = lightgbm.Booster(model_str=spec["lightgbm"])
        curves = spec["calibration"]
        self._located = (np.asarray(curves["located"]["x"]), np.asarray(curves["located"]["y"]))
        self._none = (np.asarray(curves["none"]["x"]), np.asarray(curves["none"]["y"]))

    @classmethod
    def load(cls, path: str | Path | None = None) -> EventLinker:
        """The shipped model, or the one at ``path`` (a JSON file written by ``geomap train``)."""
        try:
            if path is None:
                text = resources.files("geomap").joinpath(MODEL_PATH).read_text(encoding="utf-8")
            else:
                text = Path(path).read_text(encoding="utf-8")
            spec = json.loads(text)
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read the event-linker model: {exc}") from exc
        return cls(spec)

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

    def located_confidence(self, probability: float) -> float:
        """The calibrated chance that a place given this probability is where the event was."""
        return float(np.interp(probability, *self._located))

    def decide(self, cands: Sequence[tuple[Mention, Span]], probs: np.ndarray) -> Decision:
        """The best candidate if it clears the threshold, else no location; calibrated confidence."""
        top = float(probs.max()) if len(probs) else 0.0
        if len(probs) and top >= self.threshold:
            return Decision(cands[int(probs.argmax())], self.located_confidence(top))
        return Decision(None, float(np.interp(top, *self._none)))


def model_inputs(rows: np.ndarray, projection: PairProjection) -> np.ndarray:
    """Feature rows (FEATURES, then the raw vectors) as the model's columns (MODEL_FEATURES)."""
    n = len(FEATURES)
    return np.hstack((rows[:, :n], projection(rows[:, n:])))
