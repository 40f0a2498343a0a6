"""Incident extraction: from a parsed sentence to what happened, who did it, when, and where.

One incident per event trigger (a verb or event noun from a small lexicon, found with
the dependency parse). The place where it happened is the ONE place mention that the
parse links to the trigger: a place in a locative prepositional phrase of the trigger
or of its arguments ("attacks on ships in the Red Sea"), the object of a taking verb
("captured Palmyra"), or a place modifying a location noun ("the Baghdad district").
Places that only describe someone's origin ("a driver from Abidjan"), an organisation
("Caracas' Diario 2001") or the nationality of an actor ("Pakistani authorities") are
not where the event happened. When nothing attaches, the location stays unknown
(``None``) rather than guessed from the nearest name.

Among the places that attach, the most specific wins: a named site or village over its
city, a city over its province ("the Umbra area in southern Baghdad" → Umbra). A
location the gazetteer does not know keeps its name and offsets and is mapped at the
known place the sentence puts it in (Baghdad, with that place's precision), or at no
point at all when there is none.

Dates: ``last week`` gives ``None`` (the day is unknown and a Monday would be a
guess); ``last month`` and month names without a day give ``YYYY-MM``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from spacy.attrs import LOWER

from geomap.dates import resolve_date
from geomap.docs import doc_text, sentences
from geomap.event_lexicon import (
    ACTOR_NOUNS,
    AIR_WORDS,
    ATTACK_TYPES,
    COME_FORMS,
    HAPPEN_VERBS,
    HAZARD_WORDS,
    IMPACT_VERBS,
    INTERCEPTED_WORDS,
    LIGHT_VERBS,
    LOC_PREPS,
    MARKET_WORDS,
    MILITARY_WORDS,
    MUNITION_WORDS,
    NON_EVENT_MODIFIERS,
    NON_EVENT_OBJECTS,
    NOUN_TYPES,
    PERSON_WORDS,
    PLAN_WORDS,
    PLANNED_ADJECTIVES,
    PLANNED_MODALS,
    POSSIBLE_ADJECTIVES,
    POSSIBLE_MODALS,
    PROTEST_WORDS,
    SHIP_WORDS,
    SPREAD_VERBS,
    THREAT_WORDS,
    UNKNOWN_LOCATION,
    VEHICLE_WORDS,
    VERB_FORM_TO_BASE,
    VERB_TYPES,
    VIOLENCE_TYPES,
    event_word_ids,
    words,
)
from geomap.event_location import container, dateline_end, mention_tokens
from geomap.incident_merge import merge_article_incidents, more_specific_type
from geomap.linker import FEATURES, EventLinker, event_features, name_candidates
from geomap.model import Mention, place_summary
from geomap.numbers import SCALE, parse_number
from geomap.place import Place

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

#: Closed vocabulary of incident types (DESIGN.md §3).
INCIDENT_TYPES: tuple[str, ...] = (
    "armed_attack", "airstrike_shelling", "maritime_attack", "ground_operation", "military_plan",
    "casualties", "displacement_humanitarian", "meeting_diplomacy", "statement_threat",
    "protest_unrest", "arrest_detention", "other",
)  # fmt: skip


#: Whether an incident happened or is only planned, threatened or possible (DESIGN.md §3).
MODALITIES: tuple[str, ...] = ("asserted", "planned", "threatened", "possible")

#: The character offsets an incident carries into the article text (the parsed-article JSON).
OFFSET_FIELDS = (
    "sentence_start", "sentence_end", "trigger_start", "trigger_end", "location_start", "location_end",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Incident:
    """One event of an article: its type, trigger word, place (or None), actors, counts and date."""

    id: str
    article_id: str
    incident_type: str
    sentence: str
    sentence_start: int
    sentence_end: int
    trigger: str
    trigger_start: int
    trigger_end: int
    location_name: str | None
    location_start: int | None
    location_end: int | None
    place: Place | None
    precision: str
    actors: tuple[str, ...]
    fatalities: int | None
    affected: int | None
    date: str | None
    confidence: float
    #: Offsets of every trigger word folded into this incident, the first being ``trigger_start/_end``;
    #: empty means that one trigger only (values built before the field existed).
    triggers: tuple[tuple[int, int], ...] = ()
    modality: str = "asserted"

    @property
    def trigger_spans(self) -> tuple[tuple[int, int], ...]:
        """Every trigger's offsets, never empty: what a scorer or a merge pairs events by."""
        return self.triggers or ((self.trigger_start, self.trigger_end),)

    def properties(self) -> dict[str, Any]:
        """GeoJSON properties of a ``kind: "incident"`` feature (DESIGN.md §3)."""
        p = self.place
        return {
            "kind": "incident",
            "id": self.id,
            "article_id": self.article_id,
            "incident_type": self.incident_type,
            "sentence": self.sentence,
            "trigger": self.trigger,
            "location_name": self.location_name,
            "geonameid": p.geonameid if p else None,
            "country_code": p.country_code if p else None,
            "precision": self.precision,
            "actors": list(self.actors),
            "fatalities": self.fatalities,
            "affected": self.affected,
            "date": self.date,
            "confidence": round(self.confidence, 3),
            "modality": self.modality,
        }

    def to_dict(self) -> dict[str, Any]:
        """The incident object of the parsed-article JSON: properties plus offsets and place."""
        return {
            **self.properties(),
            **{name: getattr(self, name) for name in OFFSET_FIELDS},
            "triggers": [list(span) for span in self.trigger_spans],
            "place": place_summary(self.place),
        }

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        geometry = None
        if self.place is not None:
            from shapely.geometry import Point, mapping

            geometry = mapping(Point(self.place.lon, self.place.lat))
        return {"type": "Feature", "geometry": geometry, "properties": self.properties()}


# --------------------------------------------------------------------------- triggers


@dataclass(slots=True)
class _Event:
    trigger: Token
    kind: str
    tokens: list[Token]  # the trigger and the triggers folded into it
    support: list[Token] = field(default_factory=list)  # light verbs that carry it: "occurred", "came under"


def _trigger_kind(tok: Token) -> str | None:
    word = tok.lower_
    if tok.ent_type_ in ("PERSON", "ORG", "WORK_OF_ART", "LAW", "GPE", "LOC", "FAC") and tok.pos_ != "VERB":
        return None
    if tok.ent_type_ in ("DATE", "TIME") or (tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.i != 0):
        return None  # "on March 2"
    if tok.dep_ in ("compound",) and tok.head.pos_ in ("NOUN", "PROPN"):
        return None
    if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "ADJ" and word in VERB_FORM_TO_BASE):
        base = VERB_FORM_TO_BASE.get(word)
        if base is None or tok.pos_ == "AUX":
            return None
        if tok.dep_ == "amod" and base not in ("kill", "wound", "injure"):
            # "the wounded soldiers" describes; "fatally shot" or a verbless parse reports an event
            adverb = any(c.dep_ == "advmod" for c in tok.children)
            if not adverb and tok.sent.root.pos_ in ("VERB", "AUX"):
                return None
        if base == "plan" and not any(
            c.dep_ in ("xcomp", "dobj", "prep") and _trigger_word(c) for c in tok.subtree if c is not tok
        ):
            return None
        if base in _SENSE_CHECKS and not _SENSE_CHECKS[base](tok):
            return None
        return VERB_TYPES[base]
    if tok.pos_ in ("NOUN", "PROPN", "ADJ"):
        if word == "dead" and tok.pos_ != "ADJ":
            return None
        if word == "fire":
            return "armed_attack" if _opened_fire(tok) else None  # not "a house fire"
        kind = NOUN_TYPES.get(word)
        if word in ("operation", "operations") and not _military_operation(tok):
            return None  # "a surgical operation", "business operations"
        if kind is None and word in VERB_FORM_TO_BASE and tok.tag_ in ("VBD", "VBN", "VBG"):
            base = VERB_FORM_TO_BASE[word]
            if base in _SENSE_CHECKS and not _SENSE_CHECKS[base](tok):
                return None
            return VERB_TYPES[base]
        return kind
    return None


def _blown_up(tok: Token) -> bool:
    """ "blew himself up", "blew up a bridge": "blow" is an attack only with its particle."""
    return any(c.dep_ == "prt" and c.lower_ == "up" for c in tok.children)


def _subject_words(tok: Token) -> set[str]:
    """The words of the verb's subject phrase: "thousands of protesters" for "gathered"."""
    return {w.lower_ for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") for w in c.subtree}


def _munition_landed(tok: Token) -> bool:
    """ "a rocket landed in X" is a strike; "the plane landed in X" is not."""
    return bool(_subject_words(tok) & MUNITION_WORDS)


def _protesters_gathered(tok: Token) -> bool:
    """ "protesters gathered in the square" is a protest; "mourners gathered", "data gathered" are not."""
    return bool(_subject_words(tok) & PROTEST_WORDS)


def _objects(tok: Token) -> list[Token]:
    """What the verb acts on: its object, or the subject of its passive ("34 drones were shot down")."""
    return [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]


def _not_air_defence(tok: Token) -> bool:
    """ "shot down 34 drones", "destroyed two missiles over Kyiv" is air defence, not an attack on a place.

    Only drones and munitions count: a manned aircraft shot down ("a passenger plane") had
    people aboard and stays an attack. "Shot missiles at Haifa" fires them: no "down", an attack.
    """
    downed = VERB_FORM_TO_BASE.get(tok.lower_) != "shoot" or any(
        c.dep_ == "prt" and c.lower_ == "down" for c in tok.children
    )
    return not (downed and any(o.lower_ in INTERCEPTED_WORDS for o in _objects(tok)))


def _aimed_at_buyers(tok: Token) -> bool:
    """ "targets the Asian market", "targeting young voters": commerce and campaigns, no incident.

    Missiles or rockets that target something attack it whatever it is ("missiles targeted the
    market"). A market is commerce when a word says which ("the Asian market", "the luxury market")
    and no place phrase puts it somewhere ("a market in Kharkiv").
    """
    if _subject_words(tok) & (MUNITION_WORDS | AIR_WORDS):
        return False
    for o in _objects(tok):
        if o.lower_ in MARKET_WORDS:
            return True
        if o.lower_ in ("market", "markets"):
            described = any(c.dep_ in ("amod", "compound") for c in o.children)
            placed = any(c.dep_ == "prep" and c.lower_ in LOC_PREPS for c in o.children)
            if described and not placed:
                return True
    return False


def _military_operation(tok: Token) -> bool:
    """ "the ground operation", "the plan for an operation in Rafah": an operation of war, not surgery."""
    if any(c.dep_ in ("amod", "compound") and c.lower_ in MILITARY_WORDS for c in tok.children):
        return True
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ in ("for", "of"):
        head = head.head  # "the plan for an operation"
    return head.i != tok.i and head.lower_ in PLAN_WORDS


#: Trigger verbs that report an incident only in one sense, and the test of that sense.
_SENSE_CHECKS = {
    "blow": _blown_up,
    "land": _munition_landed,
    "gather": _protesters_gathered,
    "shoot": _not_air_defence,
    "destroy": _not_air_defence,
    "target": lambda tok: not _aimed_at_buyers(tok),
}


def _opened_fire(tok: Token) -> bool:
    """Whether ``tok`` is the "fire" of "opened fire": the verb then reports the attack."""
    return tok.dep_ == "dobj" and tok.head.lower_ in ("open", "opens", "opened", "opening")


def _is_figurative(tok: Token) -> bool:
    """A trigger word used in a sense that is no incident ("captured the title", "heart attack")."""
    base = VERB_FORM_TO_BASE.get(tok.lower_)
    objects = NON_EVENT_OBJECTS.get(base or "")
    if objects and tok.pos_ in ("VERB", "AUX"):
        for c in tok.children:
            if c.dep_ in ("dobj", "nsubjpass") and c.lower_ in objects:
                return True
    return any(c.dep_ in ("compound", "amod") and c.lower_ in NON_EVENT_MODIFIERS for c in tok.children)


def _trigger_word(tok: Token) -> bool:
    return tok.lower_ in VERB_FORM_TO_BASE or tok.lower_ in NOUN_TYPES



def _host_of(tok: Token, kind: str, by_index: dict[int, _Event]) -> _Event | None:
    """The trigger this one is part of ("killed … and wounded", "killed in the bombardment"), if any."""
    head = tok.head
    host = by_index.get(head.i) if head.i != tok.i else None
    if host is not None:
        own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
        if tok.dep_ == "conj" and not own_subject and _same_family(host.kind, kind):
            return host  # "killed one civilian and wounded four"
        if tok.dep_ == "conj" and _casualty_word(tok) and _casualty_word(head) and _counted_subject(tok):
            return host  # "two were killed and five wounded": the toll of one event, told in two numbers
        if tok.dep_ == "relcl" and _same_family(host.kind, kind):
            return host  # "hit by a strike that killed five": the clause tells the strike's toll
        if tok.lower_ == "dead":
            return host  # "shot dead"
        if tok.dep_ == "nsubj" and (tok.pos_ == "NOUN" or tok.tag_ == "VBG") and host.trigger.pos_ == "VERB":
            return host  # "airstrikes killed 12", "Russian shelling killed two"
        if tok.dep_ == "advcl" and host.kind == "casualties":
            marks = {c.lower_ for c in tok.children if c.dep_ in ("mark", "advmod")}
            if marks & {"when", "as", "after", "while"}:
                return host  # "were killed when a missile struck"
        unmarked = not any(c.dep_ in ("mark", "advmod") for c in tok.children)
        if tok.dep_ == "advcl" and not own_subject and unmarked and _same_family(host.kind, kind):
            return host  # "a bomb exploded in X, killing five": the participle tells the same event's toll
    verb = _toll_verb(tok)
    if verb is not None:
        cause = [by_index[c.i] for c in verb.children if c.dep_ == "nsubj" and c.i in by_index]
        if cause and _same_family(cause[0].kind, kind):
            return cause[0]  # "the shelling left three people dead": the toll of the shelling
    if tok.dep_ == "acl" and tok.head.dep_ in ("nsubj", "nsubjpass"):
        host = by_index.get(tok.head.head.i)
        if host is not None and _same_family(host.kind, kind):
            return host  # "rockets fired from Gaza hit Ashkelon": the firing is the strike
    if tok.pos_ == "NOUN":
        for c in tok.children:
            if c.dep_ == "acl" and c.i in by_index and any(g.dep_ == "dobj" for g in c.children):
                return by_index[c.i]  # "airstrikes killed 12" parsed as a reduced relative
    gerund = tok.dep_ in ("pobj", "pcomp") and tok.tag_ == "VBG"  # "displaced by fighting in X"
    if (tok.pos_ in ("NOUN", "PROPN") and tok.dep_ == "pobj") or gerund:
        prep = tok.head
        host = by_index.get(prep.head.i)
        said = host is not None and host.kind in ("statement_threat", "military_plan")
        if said and prep.lower_ not in _PLAN_PREPS:
            return None  # "warned residents after the attack": the attack happened, the warning followed
        if host is not None and prep.lower_ in ("in", "during", "by", "of", "after", "from", "amid"):
            return host  # "killed in the bombardment"
    # "plans to launch an offensive", "threatened to attack": the plan or threat is the incident
    for anc in tok.ancestors:
        if anc.dep_ == "prep" and anc.lower_ not in _PLAN_PREPS:
            break  # "warned residents after the attack": the attack is no part of the warning
        ev = by_index.get(anc.i)
        if ev is not None and ev.kind in ("military_plan", "statement_threat"):
            return ev
        if anc.dep_ in ("relcl", "advcl", "ccomp", "parataxis", "conj") or anc.pos_ == "AUX":
            break
    return None


#: Prepositions by which a plan or threat governs its event ("warned of an attack", "the plan for an
#: operation"); "after", "since", "during" tell the time of another event instead.
_PLAN_PREPS = frozenset({"for", "of", "to", "on", "against", "into", "toward", "towards"})


def _counted_subject(tok: Token) -> bool:
    """Whether the verb's subject is a bare number ("and five wounded"): the same people's toll."""
    return all(c.like_num for c in tok.children if c.dep_ in ("nsubj", "nsubjpass"))


def _toll_verb(tok: Token) -> Token | None:
    """The verb such as "left" whose object ``tok`` counts as dead or hurt: "left three people dead"."""
    if tok.lower_ != "dead" and not _casualty_word(tok):
        return None
    head = tok.head
    if tok.dep_ in ("oprd", "acomp", "ccomp", "xcomp") and head.pos_ in ("VERB", "AUX"):
        return head  # "left three people dead"
    if tok.dep_ == "acl" and head.dep_ == "dobj" and head.head.pos_ in ("VERB", "AUX"):
        return head.head  # "left five people wounded"
    return None


def _find_events(sent: Span, lower: Sequence[int]) -> list[_Event]:
    """The sentence's events; ``lower`` is the doc's LOWER array, as a list."""
    found: list[_Event] = []
    doc = sent.doc
    for i in range(sent.start, sent.end):
        if lower[i] not in _EVENT_WORD_IDS:
            continue  # only a word of the lexicon can be a trigger
        tok = doc[i]
        kind = _trigger_kind(tok)
        if kind is not None and not _is_figurative(tok):
            if tok.lower_ == "fire" and _opened_fire(tok):
                found.append(_Event(tok.head, kind, [tok.head, tok]))  # "opened fire on the convoy"
            else:
                found.append(_Event(tok, kind, [tok]))
    by_index = {e.trigger.i: e for e in found}
    host_of = {}
    for ev in found:
        host = _host_of(ev.trigger, ev.kind, by_index)
        if host is not None and host is not ev:
            host_of[ev.trigger.i] = host
    kept = []
    for ev in found:
        if ev.trigger.i not in host_of:
            kept.append(ev)
            continue
        root, seen = host_of[ev.trigger.i], {ev.trigger.i}
        while root.trigger.i in host_of and root.trigger.i not in seen:
            seen.add(root.trigger.i)
            root = host_of[root.trigger.i]
        if root is ev:
            kept.append(ev)
            continue
        root.tokens.append(ev.trigger)
        if root.kind == "casualties" and ev.kind in ATTACK_TYPES:
            root.kind = ev.kind
        elif {root.kind, ev.kind} <= VIOLENCE_TYPES:
            root.kind = more_specific_type(root.kind, ev.kind)  # "hit by a strike": the strike says more
    for ev in kept:
        verb = _support_verb(ev.trigger)
        if verb is not None and verb.i not in by_index:
            ev.support.append(verb)
    return kept


def _support_verb(tok: Token) -> Token | None:
    """The verb that says where an event happened without being an event word itself, if any.

    "the explosion occurred near X", "fighting erupted in X", "the attack took place in X":
    the noun is the subject of a verb of happening, whose place phrases are the event's.
    "X came under heavy shelling": the subject of "came under" is where the event hit.
    "The bus overturned near X, killing 14": the clause a toll hangs on is its scene.
    """
    head = tok.head
    if head.i == tok.i:
        return None
    toll = _casualty_word(tok) and tok.tag_ == "VBG"
    if toll and tok.dep_ in ("advcl", "acl") and not _subject_words(tok):
        if head.pos_ == "VERB":
            return head  # "the bus overturned near Quetta, killing 14": the clause is the scene of the toll
        if head.dep_ == "ROOT" and head.pos_ in ("NOUN", "PROPN"):
            # the same, parsed as a noun phrase: "A truck [overturned near Multan], killing five"
            clauses = (c for c in head.children if c.dep_ == "acl" and c.pos_ == "VERB" and c.i < tok.i)
            return next(clauses, None)
    if tok.dep_ in ("dobj", "nsubjpass") and head.pos_ == "VERB" and head.lower_ in LIGHT_VERBS:
        return head  # "the attack was carried out in X", "staged a protest in X"
    if tok.dep_ == "nsubj" and head.pos_ == "VERB" and head.lower_ in IMPACT_VERBS:
        return head  # "explosions rocked Kabul", "a blast tore through the market in X"
    if tok.dep_ == "nsubj" and head.pos_ == "VERB" and head.lower_ in HAPPEN_VERBS:
        if head.lower_ == "took" and not any(c.dep_ == "dobj" and c.lower_ == "place" for c in head.children):
            return None
        return head
    if tok.dep_ == "pobj" and head.lower_ == "under" and head.head.lower_ in COME_FORMS:
        return head.head
    if tok.dep_ == "nsubj" and head.pos_ == "VERB" and any(_toll_verb(t) == head for t in head.subtree):
        return head  # "the attack left two soldiers dead near Kandahar": the scene of the toll
    if tok.dep_ == "nsubj" and head.pos_ == "VERB" and head.lower_ in SPREAD_VERBS:
        return head  # "attacks would expand to Eilat", "the fighting spread to Mosul"
    return None


def _casualty_word(tok: Token) -> bool:
    """Whether ``tok`` is a form of a verb that counts the dead or hurt: "killing", "wounded"."""
    return VERB_TYPES.get(VERB_FORM_TO_BASE.get(tok.lower_, "")) == "casualties"


def _same_family(a: str, b: str) -> bool:
    return a == b or {a, b} <= VIOLENCE_TYPES


def _refine_kind(ev: _Event) -> str:
    """Type from the trigger's arguments: ships → maritime, persons taken → arrest…"""
    tok = ev.trigger
    kind = ev.kind
    args = [
        c for t in ev.tokens for c in t.children if c.dep_ in ("dobj", "nsubjpass", "pobj", "prep", "agent")
    ]
    words: set[str] = set()
    for a in args:
        words.update(t.lower_ for t in a.subtree)
    if kind in ATTACK_TYPES and _hazard_subject(ev):
        # "a storm hit the coast, killing three"
        return "casualties" if any(_casualty_word(t) for t in ev.tokens) else "other"
    if kind == "casualties" and tok.dep_ in ("advcl", "conj") and tok.head.pos_ == "VERB":
        # "a car bomb went off, killing seven", "shells fell on X, wounding four": the weapon says how
        weapon = _subject_words(tok.head)
        if weapon & AIR_WORDS:
            return "airstrike_shelling"
        if weapon & _BOMB_WORDS:
            return "armed_attack"
    patrol = tok.lower_ in ("patrol", "patrols", "patrolled", "patrolling")
    if (
        kind in ("armed_attack", "airstrike_shelling", "ground_operation")
        and words & SHIP_WORDS
        and not patrol
    ):
        return "maritime_attack"
    if kind == "armed_attack" and any(_air_attack(t) for t in ev.tokens):
        return "airstrike_shelling"  # "a drone attack", "a missile attack": a strike from the air
    ranged = VERB_FORM_TO_BASE.get(tok.lower_) in ("fire", "hit", "target", "shoot")
    if kind == "armed_attack" and ranged and (words | _subject_words(tok)) & AIR_WORDS:
        return "airstrike_shelling"  # "rockets hit Ashkelon", "Kyiv was hit by missiles": a strike from afar
    if kind == "ground_operation" and VERB_FORM_TO_BASE.get(tok.lower_) in ("capture", "seize"):
        objs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
        for o in objs:
            if o.ent_type_ == "PERSON" or o.lower_ in PERSON_WORDS or o.pos_ == "PRON":
                return "arrest_detention"
    return kind


def _air_attack(tok: Token) -> bool:
    """ "a drone attack", "a missile attack": the attack noun says the blow came from the air."""
    air = (c.dep_ in ("compound", "amod") and c.lower_ in AIR_WORDS for c in tok.children)
    return tok.lower_ in ("attack", "attacks") and any(air)


#: Weapons set off on the spot: the subject of "went off", "exploded" in "…, killing seven".
_BOMB_WORDS = words(
    "bomb bombs explosive explosives ied ieds grenade grenades landmine landmines mine device"
)


def _hazard_subject(ev: _Event) -> bool:
    """Whether a storm, quake or flood struck, or a vehicle hit: "Storms hit Alabama", "an SUV hit a wall"."""
    for t in ev.tokens:
        subjects = [c for c in t.children if c.dep_ in ("nsubj", "agent")]
        subjects += [g for c in subjects if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        heads = [c for c in subjects if c.dep_ != "agent"]
        if any(w.lower_ in HAZARD_WORDS for c in heads for w in (c, *c.children)):
            return True
        struck = VERB_FORM_TO_BASE.get(t.lower_) in ("hit", "strike")
        if struck and any(c.lower_ in VEHICLE_WORDS for c in heads):
            return True
    return False


# --------------------------------------------------------------------------- modality

#: Links by which a word governs the event it plans or threatens: "plans to attack" (xcomp),
#: "approved the plan for an operation" (dobj, prep, pobj), "warned of an attack".
_GOVERNED_BY = frozenset({"xcomp", "dobj", "pobj", "prep", "nsubjpass", "acl", "pcomp"})


def _modality(ev: _Event) -> str:
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
            return "planned"
        if c.dep_ == "aux" and c.lower_ in POSSIBLE_MODALS:
            return "possible"
    cur = tok
    for _ in range(8):
        if cur.dep_ not in _GOVERNED_BY or cur.head.i == cur.i:
            break
        cur = cur.head
        if cur.dep_ == "prep" and cur.lower_ not in _PLAN_PREPS:
            break  # "warned residents after the attack": the attack is no part of the warning
        if cur.lower_ in THREAT_WORDS:
            return "threatened"
        if cur.lower_ in PLAN_WORDS or cur.lower_ in PLANNED_ADJECTIVES:
            return "planned"  # "is expected to attack", "preparing an offensive"
    return "asserted"


def _modal_kind(kind: str, modality: str) -> str:
    """An attack that did not (yet) happen is a plan, or a threat when someone threatened it."""
    if modality == "asserted" or kind not in ATTACK_TYPES:
        return kind
    return "statement_threat" if modality == "threatened" else "military_plan"


# --------------------------------------------------------------------------- counts

_KILL_WORDS = words("killed kill killing kills dead died die dies death deaths massacred murdered executed")
_HURT_WORDS = words(
    "wounded wounding injured injuring injuries hurt displaced fled fleeing evacuated arrested "
    "detained captured abducted kidnapped"
)
_COUNTED_WORDS = _KILL_WORDS | _HURT_WORDS


def _count_of(noun: Token) -> int | None:
    """The number that counts ``noun`` ("at least 12 people" → 12), or the number itself."""
    if noun.like_num:
        return _number_token(noun)
    for c in noun.children:
        if c.dep_ == "nummod" or (c.like_num and c.dep_ in ("amod", "quantmod")):
            return _number_token(c)
        if c.dep_ == "prep" and c.lower_ == "of" and noun.like_num is False:
            continue
    return None


def _number_token(tok: Token) -> int | None:
    parts = [t for t in tok.subtree if t.like_num or t.lower_ in SCALE or t.lower_ == ","]
    text = " ".join(t.text for t in parts if t.text != ",")
    value = parse_number(text) if text else None
    return value if value is not None else parse_number(tok.text)


def _counts(tokens: list[Token]) -> tuple[int | None, int | None]:
    """Fatalities and affected people of the event (triggers plus coordinated verbs)."""
    fatalities = affected = None
    seen: set[int] = set()
    queue = list(tokens)
    for t in tokens:
        queue += [c for c in t.children if c.dep_ == "conj" and c.lower_ in _COUNTED_WORDS]
        queue += [c for c in t.subtree if c.lower_ in _COUNTED_WORDS and c.i not in seen]
    for t in queue:
        if t.i in seen:
            continue
        seen.add(t.i)
        word = t.lower_
        if word not in _KILL_WORDS and word not in _HURT_WORDS:
            continue
        n = None
        for c in t.children:
            if c.dep_ in ("nsubjpass", "dobj", "nsubj") and c.pos_ != "PRON":
                n = _count_of(c)
                if n is not None:
                    break
        if n is None and t.dep_ in ("amod", "acomp", "oprd", "conj", "advcl", "acl", "ccomp"):
            # "two minors dead and four injured", "24 others wounded"
            h = t.head
            # "left three people dead": the people counted are the object of "left"
            objects = [g for g in h.children if g.dep_ == "dobj"] if t.dep_ == "oprd" else []
            for c in [*t.children, *objects, h]:
                if c.like_num or c.dep_ in ("nsubj", "nsubjpass", "dobj") or c is h:
                    n = _count_of(c) if c.pos_ in ("NOUN", "NUM", "PROPN") else None
                    if n is not None:
                        break
        if n is None:
            prev = t.nbor(-1) if t.i > t.doc[0].i else None
            if prev is not None and prev.like_num:
                n = _number_token(prev)
        if n is None:
            continue
        if word in _KILL_WORDS and fatalities is None:
            fatalities = n
        elif word in _HURT_WORDS and affected is None:
            affected = n
    return fatalities, affected


# --------------------------------------------------------------------------- actors

_ACTOR_ENTS = frozenset({"ORG", "NORP"})


def _actors(ev: _Event) -> tuple[str, ...]:
    """Named groups and forces that carried the event out (subject, agent, or modifier of an event noun)."""
    found: list[tuple[int, str]] = []
    doc = ev.trigger.doc
    args: list[Token] = []
    for tok in ev.tokens:
        for c in tok.children:
            if c.dep_ == "nsubj":
                args.append(c)
            elif c.dep_ == "agent":
                args += [g for g in c.children if g.dep_ == "pobj"]
            elif c.dep_ == "dobj" and ev.kind in ("armed_attack", "airstrike_shelling", "ground_operation"):
                args.append(c)
            elif (
                c.dep_ in ("amod", "compound", "poss")
                and tok.pos_ == "NOUN"
                and c.text[:1].isupper()
                and c.ent_type_ not in ("GPE", "LOC", "FAC", "DATE", "TIME")
            ):
                found.append((c.left_edge.i, doc[c.left_edge.i : c.i + 1].text))  # "Houthi attacks"
        if tok.dep_ == "acl" and tok.head.pos_ == "NOUN":
            args.append(tok.head)  # "airstrikes killed…" parsed as a reduced relative
    for a in args:
        args += [c for c in a.children if c.dep_ == "conj"]
    for a in dict.fromkeys(args):
        if a.lower_ in ACTOR_NOUNS or a.lower_ in AIR_WORDS:
            mods = [
                c for c in a.lefts if c.dep_ in ("compound", "amod", "nmod", "poss") and c.text[:1].isupper()
            ]
            if mods:
                start = min(m.left_edge.i for m in mods)
                found.append((start, doc[start : a.i + 1].text))
                continue
        # a named group, or a state as the subject ("Iran threatened…")
        labels = _ACTOR_ENTS | ({"GPE"} if a.dep_ == "nsubj" else set())
        if a.ent_type_ in labels:  # building doc.ents is dear: look only when a is in such an entity
            found += [(e.start, e.text) for e in doc.ents if e.label_ in labels and e.start <= a.i < e.end]
    names = list(dict.fromkeys(t.strip() for _, t in sorted(found) if t.strip()))
    # "Israeli" adds nothing next to "Israeli airstrikes"
    return tuple(n for n in names if not any(n != o and n in o.split() for o in names))


# --------------------------------------------------------------------------- main


def _trigger_spans(ev: _Event) -> tuple[tuple[int, int], ...]:
    """Offsets of the event's trigger words: the main trigger first, then the folded ones in text order."""
    rest = sorted({t.i: t for t in ev.tokens[1:] if t.i != ev.trigger.i}.values(), key=lambda t: t.i)
    return tuple((t.idx, t.idx + len(t.text)) for t in (ev.trigger, *rest))


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


#: The string ids of the event words, to skip sentences without one from the doc's LOWER array.
_EVENT_WORD_IDS = event_word_ids()


@dataclass(slots=True)
class _Found:
    """An event with its sentence and the candidates the linker scores for it."""

    ev: _Event
    sent: Span
    span: tuple[int, int]
    unknown: bool
    cands: list[tuple[Mention, Span]]
    rows: list[list[float]]


def find_events(doc: Doc, mentions: Sequence[Mention]) -> list[_Found]:
    """Every event of the doc with its location candidates and their feature rows (FEATURES)."""
    text = doc_text(doc)
    if not text.strip():
        return []
    spans: list[tuple[Mention, Span]] = []
    for m in mentions:
        span = mention_tokens(doc, m)
        if span is not None and len(span) and text[m.start : m.end] == m.text:
            spans.append((m, span))
    lower = doc.to_array(LOWER).tolist()
    found: list[_Found] = []
    names: list[tuple[Mention, Span]] | None = None
    for sent in sentences(doc):
        if _EVENT_WORD_IDS.isdisjoint(lower[sent.start : sent.end]):
            continue  # no word in it can report an incident
        s_start, s_end = _strip_span(text, sent.start_char, sent.end_char)
        if s_start == s_end:
            continue  # only white space
        events = _find_events(sent, lower)
        if not events:
            continue
        if names is None:
            names = name_candidates(doc, spans)  # only for a doc that reports an event
        cands = [(m, sp) for m, sp in (*spans, *names) if sent.start <= sp.root.i < sent.end]
        cands.sort(key=lambda c: c[0].start)
        unknown = UNKNOWN_LOCATION.search(text[s_start:s_end]) is not None
        for k, ev in enumerate(events):
            usable, rows = event_features(ev, sent, cands, unknown=unknown, events=len(events), index=k)
            found.append(_Found(ev, sent, (s_start, s_end), unknown, usable, rows))
    return found


def extract_incidents(
    doc: Doc,
    mentions: Sequence[Mention],
    *,
    article_id: str,
    linker: EventLinker,
    article_date: str | None = None,
) -> list[Incident]:
    """The incidents of a parsed article, in text order, each with the one place it happened at.

    The place is the learned linker's choice among the sentence's names, scored for
    the whole article in one call; "at an undisclosed location" gives none.
    """
    found = find_events(doc, mentions)
    if not found:
        return []
    text = doc_text(doc)
    rows = [r for f in found for r in f.rows]
    probs = linker.probabilities(np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES)))
    incidents: list[Incident] = []
    at = 0
    dates: dict[int, str | None] = {}
    for f in found:
        ev = f.ev
        decision = linker.decide(f.cands, probs[at : at + len(f.rows)])
        at += len(f.rows)
        loc = None if f.unknown or decision.location is None else decision.location[0]
        confidence = decision.confidence
        if loc is None and not f.unknown:
            # "KABUL (AP) — A bomb exploded…": a sentence that places its event nowhere took
            # place where the story was filed. The labelled sentences carry no datelines, so
            # the linker never learnt this; it is the article's layout, not the sentence's syntax.
            header = dateline_end(f.sent, f.cands)
            filed = [k for k, (m, sp) in enumerate(f.cands) if m.label == "DATELINE" and sp.end <= header]
            if filed:
                loc = f.cands[filed[0]][0]
                confidence = linker.located_confidence(float(probs[at - len(f.rows) + filed[0]]))
        where = loc
        if loc is not None and loc.place is None:
            where = container(loc, ev, f.cands) or loc
        s_start, s_end = f.span
        sentence = text[s_start:s_end]
        if s_start not in dates:
            dates[s_start] = resolve_date(sentence, article_date)
        modality = _modality(ev)
        kind = _modal_kind(_refine_kind(ev), modality)
        fatalities, affected = _counts(ev.tokens)
        trig = ev.trigger
        incidents.append(
            Incident(
                id="",
                article_id=article_id,
                incident_type=kind if kind in INCIDENT_TYPES else "other",
                sentence=sentence,
                sentence_start=s_start,
                sentence_end=s_end,
                trigger=trig.text,
                trigger_start=trig.idx,
                trigger_end=trig.idx + len(trig.text),
                location_name=loc.text if loc else None,
                location_start=loc.start if loc else None,
                location_end=loc.end if loc else None,
                place=where.place if where else None,
                precision=where.place.feature_type if where and where.place else "unknown",
                actors=_actors(ev),
                fatalities=fatalities,
                affected=affected,
                date=dates[s_start],
                confidence=round(confidence, 3),
                triggers=_trigger_spans(ev),
                modality=modality,
            )
        )
    incidents.sort(key=lambda i: (i.trigger_start, i.trigger_end))
    # one event told in several sentences ("an airstrike on Dnipro killed 7" … "the strike on Dnipro"):
    # one incident, numbered after merging
    when_unstated = resolve_date("", article_date)  # the date of a sentence that names none
    incidents = merge_article_incidents(incidents, when_unstated)
    from dataclasses import replace

    return [replace(inc, id=f"{article_id}-e{n}") for n, inc in enumerate(incidents, 1)]
