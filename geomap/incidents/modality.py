"""Modality: whether an event happened or is only planned, threatened or possible."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geomap.incidents.lexicon import (
    ATTACK_TYPES,
    PLAN_WORDS,
    PLANNED_ADJECTIVES,
    PLANNED_MODALS,
    POSSIBLE_ADJECTIVES,
    POSSIBLE_MODALS,
    THREAT_WORDS,
)
from geomap.incidents.triggers import PLAN_PREPS, Event

if TYPE_CHECKING:
    from spacy.tokens import Token

#: Links by which a word governs the event it plans or threatens: "plans to attack" (xcomp),
#: "approved the plan for an operation" (dobj, prep, pobj), "warned of an attack".
_GOVERNED_BY = frozenset({"xcomp", "dobj", "pobj", "prep", "nsubjpass", "acl", "pcomp"})


#: Attacks that, announced for the future, threaten: not a deployment or an advance.
_STRIKES = frozenset({"armed_attack", "airstrike_shelling", "maritime_attack"})
#: Verbs that announce what their clause tells: "said", "warned", "vowed".
_ANNOUNCING = frozenset(
    "said says say warned warns vowed vows declared announced stated added insisted".split()
)


def _announced(verb: Token) -> bool:
    """Whether ``verb`` heads a clause that someone says: "X said [their attacks would expand]"."""
    return verb.dep_ in ("ccomp", "parataxis") and verb.head.lower_ in _ANNOUNCING


def event_modality(ev: Event) -> str:
    """Whether the event happened ("asserted") or is "planned", "threatened" or "possible".

    Read from the parse: the type of a plan or threat trigger, an adjective on an event noun
    ("a possible assault", "the expected offensive"), a modal on the trigger or on the verb an
    event noun is the subject or object of ("attacks would expand", "may launch an offensive"),
    and a plan or threat word governing the event ("approved the plan for an operation").
    """
    if ev.kind == "statement_threat":
        return "threatened"
    if ev.kind == "military_plan":
        return "planned"
    tok = ev.trigger
    for c in tok.children:
        if c.dep_ == "amod" and c.lower_ in POSSIBLE_ADJECTIVES:
            return "possible"
        if c.dep_ == "amod" and c.lower_ in PLANNED_ADJECTIVES:
            return "planned"
    verb = tok.head if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("nsubj", "nsubjpass", "dobj") else tok
    for c in verb.children:
        if c.dep_ == "aux" and c.lower_ in PLANNED_MODALS:
            # "the Houthis said their attacks would expand to …": an attack announced is a threat
            return "threatened" if ev.kind in _STRIKES and _announced(verb) else "planned"
        if c.dep_ == "aux" and c.lower_ in POSSIBLE_MODALS:
            return "possible"
    cur = tok
    for _ in range(8):
        if cur.dep_ not in _GOVERNED_BY or cur.head.i == cur.i:
            break
        cur = cur.head
        if cur.dep_ == "prep" and cur.lower_ not in PLAN_PREPS:
            break  # "warned residents after the attack": the attack is no part of the warning
        if cur.lower_ in THREAT_WORDS:
            return "threatened"
        if cur.lower_ in PLAN_WORDS or cur.lower_ in PLANNED_ADJECTIVES:
            return "planned"  # "is expected to attack", "preparing an offensive"
    return "asserted"


def modal_kind(kind: str, modality: str) -> str:
    """An attack that did not (yet) happen is a plan, or a threat when someone threatened it."""
    if modality == "asserted" or kind not in ATTACK_TYPES:
        return kind
    return "statement_threat" if modality == "threatened" else "military_plan"
