"""Training the event judge (:mod:`geomap.incidents.judge`) on the tune part of the incident labels.

Each tune story is parsed without the judge, and each incident paired with the labelled event
it reports (:func:`geomap.incident_eval.assign`): the model learns which incidents are a
labelled event. The check part is never read here. :func:`cross_validated` scores the judge on
tune stories it was not fitted on (five folds by a hash of the story id), which is what a tune
figure of a trained judge means: on the stories it was fitted on it would look better than it is.

LightGBM runs on one thread with fixed seeds, so the same labels give the same model bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from geomap.incident_eval import Story, assign, load_stories, score_story, summarise
from geomap.incidents.dates import dateline_date
from geomap.incidents.features import TRIGGER_WORDS
from geomap.incidents.judge import (
    INCIDENT_CATEGORICAL,
    INCIDENT_FEATURES,
    MODEL_FAMILY,
    MODEL_FORMAT,
    incident_rows,
    judge_article,
)
from geomap.incidents.model_files import write_spec
from geomap.inputs.article import Article
from geomap.model import ParsedArticle
from geomap.nlp.docs import sentences

if TYPE_CHECKING:
    from geomap.parser import Geoparser

FOLDS = 5
PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 10,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "cat_smooth": 10,
    "min_data_per_group": 10,
    "seed": 7,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbose": -1,
}
ROUNDS = 150
#: The chance of being a labelled event under which an incident is dropped.
THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class StoryData:
    """One tune story parsed without the judge: its incidents, their rows and which are labelled."""

    story: Story
    parsed: ParsedArticle
    rows: np.ndarray
    labelled: np.ndarray
    sentence_count: int


def collect(
    parser: Geoparser, stories: Sequence[Story], progress: Callable[[str], None] = lambda _: None
) -> list[StoryData]:
    """Parse each story without the judge and mark which of its incidents the labels list."""
    out = []
    for n, story in enumerate(stories, 1):
        if n % 25 == 0:
            progress(f"parsed {n} of {len(stories)} stories")
        doc = parser.process(story.text)
        parsed = parser.build(Article(text=story.text, id=story.id, date=story.date), doc, judge=False)
        dated = dateline_date(story.text)
        article_date = story.date if story.date is not None else (dated[0] if dated else None)
        sents = sentences(doc)
        rows = incident_rows(doc, parsed.incidents, article_date, sents)
        owners = assign(parsed.incidents, story.events)
        labelled = np.asarray([o is not None for o in owners], dtype=float)
        out.append(StoryData(story, parsed, rows, labelled, len(sents)))
    return out


def fold_of(story_id: str) -> int:
    return int(hashlib.sha1(f"judge:{story_id}".encode()).hexdigest(), 16) % FOLDS


def fit(data: Sequence[StoryData]) -> Any:
    """The ``keep`` booster fitted on ``data``."""
    import lightgbm

    x = np.concatenate([d.rows for d in data])
    y = np.concatenate([d.labelled for d in data])
    train = lightgbm.Dataset(
        x,
        label=y,
        feature_name=list(INCIDENT_FEATURES),
        categorical_feature=list(INCIDENT_CATEGORICAL),
        free_raw_data=False,
    )
    return lightgbm.train(PARAMS, train, num_boost_round=ROUNDS)


def judged(d: StoryData, booster: Any, threshold: float = THRESHOLD) -> ParsedArticle:
    """The story's parse with the incidents ``booster`` doubts dropped."""
    keep = lambda rows: np.asarray(booster.predict(rows, num_threads=1), dtype=float)  # noqa: E731
    kept = judge_article(d.parsed.incidents, d.rows, keep, threshold, d.sentence_count)
    return replace(d.parsed, incidents=tuple(kept))


def cross_validated(
    data: Sequence[StoryData],
    thresholds: Sequence[float] = (THRESHOLD,),
    progress: Callable[[str], None] = lambda _: None,
) -> dict[float, dict[str, Any]]:
    """For each threshold, the incident figures on each tune story judged by a model fitted on
    the other folds."""
    scored: dict[float, list[dict[str, Any]]] = {t: [] for t in thresholds}
    for k in range(FOLDS):
        progress(f"fold {k + 1} of {FOLDS}")
        booster = fit([d for d in data if fold_of(d.story.id) != k])
        for d in data:
            if fold_of(d.story.id) == k:
                for t in thresholds:
                    scored[t].append(score_story(d.story, judged(d, booster, t)))
    return {t: summarise(s) for t, s in scored.items()}


def train(data: Sequence[StoryData]) -> dict[str, Any]:
    """The model file's content, fitted on every tune story."""
    booster = fit(data)
    y = np.concatenate([d.labelled for d in data])
    return {
        "format": MODEL_FORMAT,
        "features": list(INCIDENT_FEATURES),
        "trigger_words": list(TRIGGER_WORDS),
        "threshold": THRESHOLD,
        "training": {
            "labels": "labels/incidents/labels.jsonl, tune part",
            "stories": len(data),
            "incidents": len(y),
            "labelled_incidents": int(y.sum()),
            "params": PARAMS,
            "rounds": ROUNDS,
        },
        "keep": booster.model_to_string(),
    }


def tune_stories() -> list[Story]:
    """The stories the judge learns from: the tune part only."""
    return load_stories("tune")


def write_model(spec: dict[str, Any], out: Path, *, force: bool = False) -> Path:
    """Write the judge model: an existing file is replaced only when it is one, or with ``force``."""
    return write_spec(spec, out, MODEL_FAMILY, force=force)
