"""The linker's features: a row per (event, candidate place) pair, read a sentence at a time.

What describes a candidate on its own (its label, kind of place, dependency, the noun
it modifies, where it sits in the sentence) does not depend on the event, so it is read
once per sentence. What relates it to an event (order, distance, the verbs, commas and
places in between, the path through the tree) comes from the doc's arrays: a climb
over a list of head indices and prefix sums, not a walk over spaCy tokens.

Of the old hand rules (:mod:`geomap.incidents.location_rules`), two readings stay as
features: how the name itself is attached ("withdrew from X", "X came under fire", "a
driver from X") and how specific a place it is (a town before its province). Their
path costs and ranking are not features. Those were written while reading the tune part
of the gold file, and the training file's cross-validation is no worse without them
(linked accuracy 0.791 against 0.789; 0.789–0.794 against 0.789–0.791 over three seeds),
so what they added was what they had learnt from tune: the gap between tune and check.

A row is the :data:`FEATURES` columns, then two token vectors from the parse: the
candidate's and the trigger's (:mod:`geomap.incidents.vectors`). The linker projects
those on the axes its model was trained with.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from typing import TYPE_CHECKING

import numpy as np
from spacy.attrs import HEAD, ORTH, POS
from spacy.parts_of_speech import IDS as POS_IDS

from geomap.incidents.lexicon import (
    ACTOR_NOUNS,
    EVENT_CONTEXT,
    NOUN_TYPES,
    PERSON_WORDS,
    PLACE_NOUNS,
    VERB_FORM_TO_BASE,
)
from geomap.incidents.location_rules import (
    DIRECTION_WORDS,
    REPORTER_NOUNS,
    beside_the_scene,
    dateline_end,
    first_edge_cost,
    names_an_origin,
    place_specificity,
)
from geomap.mentions.names import string_ids
from geomap.model import Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from geomap.incidents.triggers import Event

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
#: The lexicon's event words, verbs by their base form: "killed", "kills" and "killing" are "kill".
#: A model is trained on the codes of one such list, so it keeps the list and refuses another.
TRIGGER_WORDS = tuple(sorted(set(VERB_FORM_TO_BASE.values()) | set(NOUN_TYPES)))
_HEAD_CLASSES = (PLACE_NOUNS, PERSON_WORDS, ACTOR_NOUNS, REPORTER_NOUNS, EVENT_CONTEXT, DIRECTION_WORDS)

#: Feature names, in column order. Categorical ones are coded 1..n by the vocabularies above.
FEATURES: tuple[str, ...] = (
    "first_edge", "specificity", "under_trigger", "up_from_place", "up_from_trigger", "offset",
    "distance", "places_between", "verbs_between", "commas_between", "label", "feature_type", "known",
    "resolution_confidence", "in_dateline", "dep", "head_dep", "prep", "prep_on_trigger", "head_class",
    "ent", "trigger_pos", "kind", "trigger_dep", "unknown_location", "all_caps", "sentence_position",
    "candidates", "known_places", "events", "event_index", "nearest", "after_comma", "merged_triggers",
    "trigger_word",
)  # fmt: skip
CATEGORICAL: tuple[str, ...] = (
    "label", "feature_type", "dep", "head_dep", "prep", "head_class", "ent", "trigger_pos", "kind",
    "trigger_dep", "trigger_word",
)  # fmt: skip


_COL = {name: k for k, name in enumerate(FEATURES)}
#: The columns SentenceFeatures fills once per candidate, in the order it lists them.
_STATIC_COLUMNS = [
    _COL[name]
    for name in (
        "specificity label feature_type known resolution_confidence dep head_dep prep head_class ent "
        "all_caps sentence_position after_comma"
    ).split()
]


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
    starts = [s for s, _ in taken]
    reach = list(accumulate((e for _, e in taken), max, initial=-1))  # reach[i]: last end of taken[:i]
    out = []
    for ent in doc.ents:
        if ent.label_ in _NOT_NAMES or not any(ch.isupper() for ch in ent.text):
            continue
        bracket = next((t.i for t in ent if t.text in "()"), None)
        if bracket is not None:  # "Tamou (Say": the name before the bracket
            ent = ent.doc[ent.start : bracket]
            if not len(ent) or not any(ch.isupper() for ch in ent.text):
                continue
        start, end = ent.start_char, ent.end_char
        if reach[bisect_left(starts, end)] > start:
            continue  # a mention starting before the name ends also ends after it starts: they overlap
        if ent[0].lower_ == "the" and len(ent) > 1:
            ent = ent[1:]
            start = ent.start_char
        out.append((Mention(start, end, ent.text, "NAME", 0, None, 0.0), ent))
    return out


#: The ORTH ids of the words that separate clauses and list items: ",", ";", "--", "—".
_SEPARATOR_IDS = np.array(sorted(string_ids((",", ";", "--", "—"))), dtype="uint64")


class DocArrays:
    """A doc's heads, token vectors and running counts of verbs and separators, read once per doc."""

    def __init__(self, doc: Doc) -> None:
        array = doc.to_array([HEAD, POS, ORTH])  # uint64: string ids fill all 64 bits
        n = len(doc)
        #: Each token's vector from the pipeline's tok2vec layer; width 0 when the pipeline has none.
        self.tensor: np.ndarray = doc.tensor if doc.tensor.size else np.zeros((n, 0), dtype="float32")
        #: Each token's head as an absolute index (spaCy stores offsets); a root is its own head.
        self.heads: list[int] = (np.arange(n, dtype="int64") + array[:, 0].astype("int64")).tolist()
        # verbs[i], separators[i]: how many of the tokens before i are verbs, separators
        self.verbs = np.concatenate(([0], np.cumsum(array[:, 1] == POS_IDS["VERB"])))
        self.separators = np.concatenate(([0], np.cumsum(np.isin(array[:, 2], _SEPARATOR_IDS))))

    def climb(self, i: int) -> list[int]:
        """Token ``i`` and its ancestors' indices, up to the root (``[tok, *tok.ancestors]``)."""
        heads = self.heads
        out = [i]
        for _ in range(len(heads)):
            head = heads[i]
            if head == i:
                break
            out.append(head)
            i = head
        return out


class SentenceFeatures:
    """The candidates of one sentence, described once, and a feature row per candidate for each event."""

    def __init__(
        self, arrays: DocArrays, sent: Span, cands: Sequence[tuple[Mention, Span]], *, unknown: bool
    ) -> None:
        self.arrays = arrays
        self.sent = sent
        self.cands = list(cands)
        self.named = [any(ch.isupper() for ch in m.text) for m, _ in self.cands]
        roots = [sp.root for _, sp in self.cands]  # Span.root walks the span: read once
        self.roots = np.array([root.i for root in roots], dtype="int64")
        self.owners: list[int] = []
        #: The candidates whose name is the object of a preposition, with its root: perhaps only an
        #: origin ("from"), a destination or an owner ("bound for", "owned by a firm in").
        self._in_phrase: list[tuple[int, Token]] = []
        self.ups = [arrays.climb(root.i) for root in roots]
        doc = sent.doc
        tensor = arrays.tensor
        named, width = len(FEATURES), tensor.shape[1]
        self.width = named + 2 * width
        #: Where a row's trigger vector starts, after the named features and the candidate's vector.
        self.trigger_column = named + width
        static = np.zeros((len(self.cands), self.width))
        values = []
        single: list[int] = []  # the candidates of one token, whose vector is that token's
        for k, ((m, sp), root) in enumerate(zip(self.cands, roots, strict=True)):
            if len(sp) == 1:
                single.append(k)
            else:
                static[k, named : named + width] = tensor[sp.start : sp.end].mean(axis=0)
            head = root.head
            prep = head.lower_ if root.dep_ == "pobj" else ""
            owner = head.head if root.dep_ == "pobj" else head
            self.owners.append(owner.i)
            if prep:
                self._in_phrase.append((k, root))
            place = m.place
            values.append(
                (
                    place_specificity(place, root),
                    _code(m.label, _LABELS),
                    _code(place.feature_type, _FEATURE_TYPES) if place else 0,
                    place is not None,
                    m.confidence,
                    _code(root.dep_, _DEPS),
                    _code(head.dep_, _DEPS),
                    _code(prep, _PREPS),
                    _head_class(owner.lower_),
                    _code(root.ent_type_, _ENTS),
                    m.text.isupper(),
                    (root.i - sent.start) / max(1, len(sent)),
                    sp.start > sent.start and doc[sp.start - 1].text == ",",
                )
            )
        if values:
            static[:, _STATIC_COLUMNS] = values
        if single:
            static[single, named : named + width] = tensor[[self.cands[k][1].start for k in single]]
        static[:, _COL["unknown_location"]] = unknown
        self.static = static

    def rows(self, ev: Event, *, events: int, index: int) -> tuple[list[tuple[Mention, Span]], np.ndarray]:
        """The candidates this event can be placed at, and their rows (FEATURES, then the two vectors)."""
        triggers = {t.i for t in (*ev.tokens, *ev.support)}
        keep = [k for k, root in enumerate(self.roots.tolist()) if self.named[k] and root not in triggers]
        if self._in_phrase:
            # "a driver from Abidjan was shot": the training labels place an event at an origin 4 times in 180
            origins = {
                k
                for k, root in self._in_phrase
                if names_an_origin(root, triggers) or beside_the_scene(root, triggers)
            }
            keep = [k for k in keep if k not in origins]
        if not keep:
            return [], np.zeros((0, self.width))
        usable = [self.cands[k] for k in keep]
        out = self.static[keep].copy()
        trig = ev.trigger
        t = trig.i
        roots = self.roots[keep]

        header_end = dateline_end(self.sent, usable)
        out[:, _COL["in_dateline"]] = [sp.end <= header_end for _, sp in usable]
        # How the name is attached where it stands: "withdrew from X", "X came under", "a driver from X".
        place_ids = {sp.root.i for _, sp in usable}
        out[:, _COL["first_edge"]] = [
            first_edge_cost(sp.root, m.place, triggers, place_ids) for m, sp in usable
        ]

        # The tree between the trigger and each candidate.
        trig_up = self.arrays.climb(t)
        trig_at = {i: n for n, i in enumerate(trig_up)}
        for row, k in enumerate(keep):
            up = self.ups[k]
            lca_m = next((n for n, i in enumerate(up) if i in trig_at), len(up))
            out[row, _COL["under_trigger"]] = any(i in triggers for i in up[1:])
            out[row, _COL["up_from_place"]] = lca_m
            out[row, _COL["up_from_trigger"]] = trig_at[up[lca_m]] if lca_m < len(up) else len(trig_up)
            out[row, _COL["prep_on_trigger"]] = self.owners[k] in triggers

        # Order and what lies between, for all candidates at once.
        lo, hi = np.minimum(roots, t), np.maximum(roots, t)
        out[:, _COL["offset"]] = roots - t
        out[:, _COL["distance"]] = np.abs(roots - t)
        inside = (roots[None, :] > lo[:, None]) & (roots[None, :] < hi[:, None])
        out[:, _COL["places_between"]] = inside.sum(axis=1)
        verbs, seps = self.arrays.verbs, self.arrays.separators
        out[:, _COL["verbs_between"]] = np.maximum(verbs[hi] - verbs[np.minimum(lo + 1, hi)], 0)
        out[:, _COL["commas_between"]] = np.maximum(seps[hi] - seps[np.minimum(lo + 1, hi)], 0)
        out[int(np.argmin(np.abs(roots - t))), _COL["nearest"]] = 1.0

        # The event's own reading, the same on every row.
        out[:, _COL["trigger_pos"]] = _code(trig.pos_, _POS)
        out[:, _COL["kind"]] = _code(ev.kind, _KINDS)
        out[:, _COL["trigger_dep"]] = _code(trig.dep_, _DEPS)
        out[:, _COL["candidates"]] = len(usable)
        out[:, _COL["known_places"]] = sum(1 for m, _ in usable if m.place is not None)
        out[:, _COL["events"]] = events
        out[:, _COL["event_index"]] = index
        out[:, _COL["merged_triggers"]] = len(ev.tokens)
        out[:, _COL["trigger_word"]] = _code(VERB_FORM_TO_BASE.get(trig.lower_, trig.lower_), TRIGGER_WORDS)
        out[:, self.trigger_column :] = self.arrays.tensor[t]
        return usable, out
