"""The learned event judge: which of the incidents the rules find an analyst would code.

The trigger words find every event word of an article, and the rules fold the words of one
event and its references back. What they cannot tell is what an analyst sees at once: that
"attacks" in "attacks on shipping have surged" or "the threat" in "the threat to shipping"
is no event to code. A small gradient-boosted model reads that from the incident and its
trigger word in the parse: its type, the trigger's form (plural, determiner, modal,
negation, quotation), what the incident states (a place, a toll, a date) and where it stands
in the article. In a story of five sentences or more, an incident whose chance of being an
event an analyst codes is under the model's threshold is dropped; a shorter text is all
report, and keeps every incident.

The model is trained by ``geomap train-judge`` (:mod:`geomap.incidents.judge_training`) on
the tune part of the labels in ``labels/incidents``, and ships as
``geomap/data/event_judge.json``: LightGBM's text model inside a JSON object, so loading
runs no code.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from geomap.errors import InputError
from geomap.incidents.features import TRIGGER_WORDS
from geomap.incidents.incident import INCIDENT_TYPES, MODALITIES, Incident
from geomap.incidents.lexicon import VERB_FORM_TO_BASE
from geomap.incidents.merge import same_family
from geomap.incidents.model_files import read_spec
from geomap.nlp.docs import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

MODEL_FAMILY = "geomap-event-judge/"
MODEL_FORMAT = MODEL_FAMILY + "1"
MODEL_PATH = "data/event_judge.json"

_TAGS = ("NN", "NNS", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "JJ")
_MODALS = frozenset("would will could may might can should must".split())
_DEFINITE = frozenset("the this that these those".split())
_INDEFINITE = frozenset("a an another".split())
#: Every trigger word's base ("attacked" → "attack"), numbered: a categorical feature.
_BASE_CODE = {b: k for k, b in enumerate(TRIGGER_WORDS)}

#: Columns of an incident's row (the ``keep`` model's input).
INCIDENT_FEATURES: tuple[str, ...] = (
    "type", "modality", "tag", "determiner", "modal", "negated", "quoted", "root", "word",
    "located", "known_place", "fatalities", "affected", "dated", "cumulative", "triggers",
    "sentence", "position", "incidents", "family_incidents", "confidence",
)  # fmt: skip
#: Of those, the categorical ones.
INCIDENT_CATEGORICAL = ("type", "modality", "tag", "determiner", "word")


def _code(values: Sequence[str], value: str | None) -> int:
    return values.index(value) if value in values else len(values)


def _trigger_token(doc: Doc, inc: Incident) -> Token | None:
    span = doc.char_span(inc.trigger_start, inc.trigger_end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _determiner(tok: Token) -> int:
    for c in tok.children:
        if c.dep_ in ("det", "poss"):
            word = c.lower_
            if word in _DEFINITE:
                return 1
            if word in _INDEFINITE:
                return 2
            if word == "no":
                return 3
            return 4 if c.dep_ == "poss" else 5
    return 0


def _quoted(text: str, inc: Incident) -> bool:
    """Whether the trigger stands inside quotation marks of its sentence."""
    before = text[inc.sentence_start : inc.trigger_start]
    return (before.count('"') + before.count("“") - before.count("”")) % 2 == 1


def incident_rows(
    doc: Doc, incidents: Sequence[Incident], article_date: str | None, sents: Sequence[Span]
) -> np.ndarray:
    """The ``keep`` model's row for each incident of one article (INCIDENT_FEATURES); ``sents``
    are the doc's sentences, as the parser read them."""
    text = doc_text(doc)
    starts = [s.start_char for s in sents] or [0]
    n = len(incidents)
    rows = np.zeros((n, len(INCIDENT_FEATURES)), dtype=float)
    for k, inc in enumerate(incidents):
        tok = _trigger_token(doc, inc)
        sentence = bisect.bisect_right(starts, inc.sentence_start) - 1
        family = sum(1 for other in incidents if same_family(other.incident_type, inc.incident_type))
        base = VERB_FORM_TO_BASE.get(inc.trigger.lower(), inc.trigger.lower())
        rows[k] = (
            _code(INCIDENT_TYPES, inc.incident_type),
            _code(MODALITIES, inc.modality),
            _code(_TAGS, tok.tag_ if tok is not None else None),
            _determiner(tok) if tok is not None else 0,
            tok is not None and any(c.dep_ == "aux" and c.lower_ in _MODALS for c in tok.children),
            tok is not None and any(c.dep_ == "neg" for c in tok.children),
            _quoted(text, inc),
            tok is not None and tok.dep_ == "ROOT",
            _BASE_CODE.get(base, len(TRIGGER_WORDS)),
            inc.location_name is not None,
            inc.place is not None,
            -1 if inc.fatalities is None else min(inc.fatalities, 1000),
            -1 if inc.affected is None else min(inc.affected, 1000),
            inc.date is not None and inc.date != article_date,
            inc.cumulative,
            len(inc.trigger_spans),
            sentence,
            sentence / max(1, len(starts)),
            n,
            family,
            inc.confidence,
        )
    return rows


#: Texts shorter than this many sentences are judged by nobody: in a short report every event
#: word is the report's point, and the labelled newswire sentences (``event_location_gold``)
#: lost events to a judge that learnt from whole stories.
MIN_SENTENCES = 5


def judge_article(
    incidents: Sequence[Incident],
    rows: np.ndarray,
    keep: Callable[[np.ndarray], np.ndarray],
    threshold: float,
    sentence_count: int,
) -> list[Incident]:
    """The incidents the ``keep`` model does not doubt, in text order; all of a short text's."""
    if sentence_count < MIN_SENTENCES or not len(incidents):
        return list(incidents)
    p_keep = keep(rows)
    return [inc for inc, p in zip(incidents, p_keep, strict=True) if p >= threshold]


class EventJudge:
    """The two trained models, opened once."""

    def __init__(self, spec: dict[str, Any]) -> None:
        import lightgbm

        fmt = spec.get("format")
        if fmt != MODEL_FORMAT:
            raise InputError(f"not a geomap event-judge model (format {fmt!r}): run `geomap train-judge`")
        if tuple(spec.get("trigger_words") or ()) != TRIGGER_WORDS:
            raise InputError(
                "the event-judge model was trained on another event lexicon: run `geomap train-judge`"
            )
        if tuple(spec.get("features") or ()) != INCIDENT_FEATURES:
            raise InputError("the event-judge model was trained on other features: run `geomap train-judge`")
        try:
            self._keep = lightgbm.Booster(model_str=spec["keep"])
            self.threshold = float(spec["threshold"])
        except (KeyError, TypeError, ValueError, lightgbm.basic.LightGBMError) as exc:
            raise InputError(
                f"the event-judge model file is damaged ({exc!r}): run `geomap train-judge`"
            ) from exc
        self.spec = spec

    @classmethod
    def load(cls, path: str | Path | None = None) -> EventJudge:
        """The shipped model, or the one at ``path`` (written by ``geomap train-judge``)."""
        return cls(read_spec(path, MODEL_PATH, "event-judge"))

    def keep_probabilities(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self._keep.predict(rows, num_threads=1), dtype=float)

    def apply(
        self, doc: Doc, incidents: Sequence[Incident], article_date: str | None, sents: Sequence[Span]
    ) -> list[Incident]:
        """The article's incidents as an analyst codes them: the doubtful dropped."""
        if len(sents) < MIN_SENTENCES or not incidents:
            return list(incidents)
        rows = incident_rows(doc, incidents, article_date, sents)
        return judge_article(incidents, rows, self.keep_probabilities, self.threshold, len(sents))
