"""The parse's token vectors as linker features: projected on their first principal axes.

spaCy's ``tok2vec`` layer gives every token a vector (96 numbers in the small English
model) that reads the word and the four words on either side of it: "killed ... in",
"captured silver", "Syria's civil war". Two of them describe an (event, candidate) pair:
the candidate's (the mean over its tokens) and the trigger's. Raw, that is 192 columns
for 5,300 labelled events, and the trees gain little from them; projected on the first
16 principal axes of each, they help. Out-of-fold linking accuracy on the training file
(5-fold, 5,287 events): 0.791 without vectors, 0.793 with the raw columns, 0.795 with
the projections, and 0.800 with the projections, the trigger word and trees of 31 leaves,
as ``geomap train`` fits them (in the experiment that chose them, 206 events turned right
against 145 turned wrong: McNemar p = 0.001). The axes are
fitted at training time on the training file's vectors, without its labels, and ship
inside the model file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: Principal axes kept per vector.
AXES = 16
#: The model's columns made from the vectors, after the named features.
VECTOR_FEATURES: tuple[str, ...] = (
    *(f"candidate_pc{k + 1}" for k in range(AXES)),
    *(f"trigger_pc{k + 1}" for k in range(AXES)),
)


@dataclass(frozen=True, slots=True, eq=False)
class Projection:
    """Centre a vector and read it along a few axes: principal component analysis's transform."""

    mean: np.ndarray  # (width,)
    axes: np.ndarray  # (AXES, width), orthonormal rows

    @classmethod
    def fit(cls, vectors: np.ndarray, k: int = AXES) -> Projection:
        """The ``k`` axes along which ``vectors`` (one per row) vary most, by SVD."""
        data = np.asarray(vectors, dtype="float64")
        mean = data.mean(axis=0)
        _, _, vt = np.linalg.svd(data - mean, full_matrices=False)
        axes = vt[:k]
        # An axis and its negative are the same axis: the one whose largest loading is
        # positive, so that fitting the same vectors again writes the same file.
        signs = np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])
        return cls(mean, axes * signs[:, None])

    @property
    def width(self) -> int:
        return int(self.mean.shape[0])

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        return (np.asarray(vectors, dtype="float64") - self.mean) @ self.axes.T

    def to_json(self) -> dict[str, Any]:
        return {"mean": self.mean.tolist(), "axes": self.axes.tolist()}

    @classmethod
    def from_json(cls, spec: dict[str, Any]) -> Projection:
        return cls(np.asarray(spec["mean"], dtype="float64"), np.asarray(spec["axes"], dtype="float64"))


@dataclass(frozen=True, slots=True, eq=False)
class PairProjection:
    """The candidate's and the trigger's projections, applied to the vector columns of feature rows."""

    candidate: Projection
    trigger: Projection

    @property
    def width(self) -> int:
        """How many vector columns a row holds: the candidate's vector, then the trigger's."""
        return self.candidate.width + self.trigger.width

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        """(rows, width) raw vectors to (rows, 2 × AXES) model columns."""
        w = self.candidate.width
        return np.hstack((self.candidate(vectors[:, :w]), self.trigger(vectors[:, w:])))

    def to_json(self) -> dict[str, Any]:
        return {"candidate": self.candidate.to_json(), "trigger": self.trigger.to_json()}

    @classmethod
    def from_json(cls, spec: dict[str, Any]) -> PairProjection:
        return cls(Projection.from_json(spec["candidate"]), Projection.from_json(spec["trigger"]))
