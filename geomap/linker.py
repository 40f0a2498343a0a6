"""The learned event–location linker: which place in its sentence an event happened at, if any.

Every place mention of the sentence is a candidate, and so is every other name the
model tags (a district, camp or hospital the gazetteer does not know). Each
(event, candidate) pair becomes a row of features taken from the parse and from the
hand rules of :mod:`geomap.event_location` (their path cost, first-edge reading,
specificity, dateline), and a gradient-boosted model scores the rows. The best
candidate wins when its probability clears the trained threshold; otherwise the
text gives no location. The incident's confidence is a calibrated probability that
this decision is right, from isotonic curves fitted on out-of-fold predictions.

The model ships as ``geomap/data/event_linker.json``: LightGBM's own text model and
the calibration curves inside a JSON object, so loading it runs no code. It is made
by ``geomap train`` (:mod:`geomap.linker_training`) from Halterman's labelled
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
from geomap.event_lexicon import (
    ACTOR_NOUNS,
    EVENT_CONTEXT,
    PERSON_WORDS,
    PLACE_NOUNS,
)
from geomap.event_location import (
    DIRECTION_WORDS,
    REPORTER_NOUNS,
    dateline_end,
    first_edge_cost,
    held_place,
    place_specificity,
    ranked_locations,
)
from geomap.model import Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from geomap.event_triggers import Event

MODEL_FORMAT = "geomap-event-linker/1"
#: The shipped model, inside the package.
MODEL_PATH = "data/event_linker.json"

#: Entity labels that never name where something happened: no candidates from them.
_NOT_NAMES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})

# Closed vocabularies of the categorical features; anything else is 0.
_LABELS = ("GPE", "LOC", "FAC", "GAZ", "PATTERN", "DATELINE", "DEMONYM", "NAME")
_FEATURE_TYPES = (
    "city", "admin1", "admin2", "country", "continent", "region", "territory", "sea", "ocean", "gulf",
    "bay", "strait", "channel", "canal", "cape", "peninsula", "island", "archipelago", "river", "lake",
    "desert", "mountain", "range", "valley", "plain", "landmark",
)  # fmt: skip
_DEPS = (
    "pobj", "dobj", "nsubj", "nsubjpass", "compound", "amod", "nmod", "poss", "appos", "conj", "npadvmod",
    "attr", "ROOT", "oprd", "dep", "advmod", "pcomp", "dative", "agent", "relcl", "acl", "advcl", "ccomp",
)  # fmt: skip
_PREPS = (
    "in", "at", "near", "on", "into", "from", "to", "of", "by", "across", "outside", "inside", "off",
    "towards", "toward", "through", "around", "along", "over", "for", "against", "with", "between",
    "within", "throughout", "under", "after", "during", "against", "beyond", "behind",
)  # fmt: skip
_ENTS = ("GPE", "LOC", "FAC", "ORG", "PERSON", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LANGUAGE", "LAW")
_POS = ("VERB", "NOUN", "PROPN", "ADJ", "AUX")
_KINDS = (
    "armed_attack", "airstrike_shelling", "maritime_attack", "ground_operation", "military_plan",
    "casualties", "displacement_humanitarian", "meeting_diplomacy", "statement_threat",
    "protest_unrest", "arrest_detention", "other",
)  # fmt: skip
_HEAD_CLASSES = (PLACE_NOUNS, PERSON_WORDS, ACTOR_NOUNS, REPORTER_NOUNS, EVENT_CONTEXT, DIRECTION_WORDS)

#: Feature names, in column order. Categorical ones are coded 1..n by the vocabularies above.
FEATURES: tuple[str, ...] = (
    "rule_cost", "rule_considered", "rule_rank", "rule_gap", "rule_best", "first_edge", "under_trigger",
    "up_from_place", "up_from_trigger", "specificity", "offset", "distance", "places_between",
    "verbs_between", "commas_between", "label", "feature_type", "known", "resolution_confidence",
    "in_dateline", "dep", "head_dep", "prep", "prep_on_trigger", "head_class", "ent", "trigger_pos",
    "kind", "trigger_dep", "held", "unknown_location", "all_caps", "sentence_position", "candidates",
    "known_places", "events", "event_index", "nearest", "after_comma", "merged_triggers",
)  # fmt: skip
CATEGORICAL: tuple[str, ...] = (
    "label", "feature_type", "dep", "head_dep", "prep", "head_class", "ent", "trigger_pos", "kind",
    "trigger_dep",
)  # fmt: skip


def _code(value: str, vocabulary: Sequence[str]) -> int:
    try:
        return vocabulary.index(value) + 1
    except ValueError:
        return 0


def _head_class(word: str) -> int:
    return next((k + 1 for k, cls in enumerate(_HEAD_CLASSES) if word in cls), 0)


def name_candidates(doc: Doc, mentions: Sequence[tuple[Mention, Span]]) -> list[tuple[Mention, Span]]:
    """Names the model tags that no place mention covers: "al-Quds Hospital", "Reshimbagh".

    They are unknown to the gazetteer (label ``NAME``, no place), so the incident is
    mapped at the place its sentence puts them in, if any.
    """
    taken = sorted((m.start, m.end) for m, _ in mentions)
    out = []
    for ent in doc.ents:
        if ent.label_ in _NOT_NAMES or not any(ch.isupper() for ch in ent.text):
            continue
        start, end = ent.start_char, ent.end_char
        if any(s < end and start < e for s, e in taken):
            continue
        if ent[0].lower_ == "the" and len(ent) > 1:
            ent = ent[1:]
            start = ent.start_char
        out.append((Mention(start, end, ent.text, "NAME", 0, None, 0.0), ent))
    return out


def _climb(tok: Token) -> list[Token]:
    return [tok, *tok.ancestors]


def event_features(
    ev: Event, sent: Span, cands: Sequence[tuple[Mention, Span]], *, unknown: bool, events: int, index: int
) -> tuple[list[tuple[Mention, Span]], list[list[float]]]:
    """The candidates of one event and a feature row for each (FEATURES order)."""
    triggers = {t.i for t in (*ev.tokens, *ev.support)}
    trig = ev.trigger
    usable = [(m, sp) for m, sp in cands if sp.root.i not in triggers and any(ch.isupper() for ch in m.text)]
    if not usable:
        return [], []
    ranked = ranked_locations(ev, usable)
    costs = {id(m): cost for cost, m in ranked}
    rank = {id(m): k for k, (_, m) in enumerate(ranked)}
    best = ranked[0][1] if ranked else None
    held = held_place(best, usable) if best is not None else None
    place_ids = {sp.root.i for _, sp in usable}
    header_end = dateline_end(sent, usable)
    trig_up = [t.i for t in _climb(trig)]
    roots = [sp.root.i for _, sp in usable]
    nearest = min(range(len(usable)), key=lambda k: abs(roots[k] - trig.i))
    known = sum(1 for m, _ in usable if m.place is not None)
    doc = sent.doc
    rows = []
    for k, (m, sp) in enumerate(usable):
        root = sp.root
        cost = costs.get(id(m))
        others = [c for mid, c in costs.items() if mid != id(m)]
        lo, hi = sorted((root.i, trig.i))
        between = doc[lo + 1 : hi]
        up = _climb(root)
        up_ids = [t.i for t in up]
        lca_m = next((n for n, i in enumerate(up_ids) if i in trig_up), len(up_ids))
        lca_t = trig_up.index(up_ids[lca_m]) if lca_m < len(up_ids) else len(trig_up)
        head = root.head
        prep = head.lower_ if root.dep_ == "pobj" else ""
        owner = head.head if root.dep_ == "pobj" else head
        place = m.place
        rows.append(
            [
                99.0 if cost is None else cost,
                float(cost is not None),
                float(rank.get(id(m), 99)),
                (cost - min(others)) if cost is not None and others else 0.0,
                float(m is best),
                first_edge_cost(root, place, triggers, place_ids),
                float(any(t.i in triggers for t in root.ancestors)),
                float(lca_m),
                float(lca_t),
                float(place_specificity(place, root)),
                float(root.i - trig.i),
                float(abs(root.i - trig.i)),
                float(sum(1 for r in roots if lo < r < hi)),
                float(sum(1 for t in between if t.pos_ == "VERB")),
                float(sum(1 for t in between if t.text in (",", ";", "--", "—"))),
                _code(m.label, _LABELS),
                _code(place.feature_type, _FEATURE_TYPES) if place else 0,
                float(place is not None),
                m.confidence,
                float(sp.end <= header_end),
                _code(root.dep_, _DEPS),
                _code(head.dep_, _DEPS),
                _code(prep, _PREPS),
                float(owner.i in triggers),
                _head_class(owner.lower_),
                _code(root.ent_type_, _ENTS),
                _code(trig.pos_, _POS),
                _code(ev.kind, _KINDS),
                _code(trig.dep_, _DEPS),
                float(held is m),
                float(unknown),
                float(m.text.isupper()),
                (root.i - sent.start) / max(1, len(sent)),
                float(len(usable)),
                float(known),
                float(events),
                float(index),
                float(k == nearest),
                float(sp.start > sent.start and doc[sp.start - 1].text == ","),
                float(len(ev.tokens)),
            ]
        )
    return usable, rows


@dataclass(frozen=True, slots=True)
class Decision:
    """The linker's answer for one event: the chosen candidate (or None) and its calibrated confidence."""

    location: tuple[Mention, Span] | None
    confidence: float


class EventLinker:
    """The trained model, opened once: scores candidates and decides, a whole article at a time."""

    def __init__(self, spec: dict[str, Any]) -> None:
        import lightgbm

        if spec.get("format") != MODEL_FORMAT:
            raise InputError(f"not a geomap event-linker model (format {spec.get('format')!r})")
        if tuple(spec["features"]) != FEATURES:
            raise InputError("the event-linker model was trained on other features: run `geomap train`")
        self.spec = spec
        self.threshold = float(spec["threshold"])
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
        return np.asarray(self._booster.predict(rows, num_threads=1), dtype=float)

    def located_confidence(self, probability: float) -> float:
        """The calibrated chance that a place given this probability is where the event was."""
        return float(np.interp(probability, *self._located))

    def decide(self, cands: Sequence[tuple[Mention, Span]], probs: np.ndarray) -> Decision:
        """The best candidate if it clears the threshold, else no location; calibrated confidence."""
        top = float(probs.max()) if len(probs) else 0.0
        if len(probs) and top >= self.threshold:
            return Decision(cands[int(probs.argmax())], self.located_confidence(top))
        return Decision(None, float(np.interp(top, *self._none)))
