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

from spacy.attrs import LOWER

from geomap.dates import resolve_date
from geomap.docs import doc_text, sentences
from geomap.event_lexicon import (
    ACTOR_NOUNS,
    AIR_WORDS,
    AT_THE_TIME,
    ATTACK_TYPES,
    EVENT_CONTEXT,
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
    PLACE_NOUNS,
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
from geomap.incident_merge import merge_article_incidents, more_specific_type
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


def _path_up(tok: Token, stop: Token) -> list[Token] | None:
    """Tokens from ``tok`` up to ``stop`` (exclusive of tok), or None if stop is no ancestor."""
    path = []
    cur = tok
    for _ in range(60):
        head = cur.head
        path.append(head)
        if head.i == stop.i:
            return path
        if head.i == cur.i:
            return None  # the root, and stop was not on the way (spaCy makes a new Token each time: no `is`)
        cur = head
    return None


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


_COME_FORMS = words("come comes came coming")


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
    if tok.dep_ == "pobj" and head.lower_ == "under" and head.head.lower_ in _COME_FORMS:
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


# --------------------------------------------------------------------------- location


def _mention_tokens(doc: Doc, m: Mention) -> Span | None:
    if not (0 <= m.start < m.end <= (doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0)):
        return None
    return doc.char_span(m.start, m.end, alignment_mode="expand")


_REPORTER_NOUNS = words(
    "sources source media spokesman spokeswoman spokesperson officials official agency newspaper "
    "television radio news correspondent reporters statement report reports channel"
)
_DIRECTIONS = words(
    "north south east west northeast northwest southeast southwest northern southern eastern western "
    "outside away kilometers kilometres miles km"
)


def _first_edge_cost(root: Token, place: Place | None, triggers: set[int], place_ids: set[int]) -> float:
    """Cost of the mention's own attachment: is this name used as a place at all?"""
    head, dep = root.head, root.dep_
    national = place is not None and place.feature_type in ("country", "continent")
    if head.i in triggers:
        if dep == "nsubj":
            # "India captured…": the place is the actor; "Kharkiv came under shelling": the target
            return 0.0 if head.lower_ in _COME_FORMS else 9.0
        if dep in ("nsubjpass", "dobj", "attr", "npadvmod", "oprd"):
            return 0.0  # "captured Palmyra", "Kabul was shelled", "captured off Mogadishu"
        if dep in ("compound", "amod", "nmod"):
            # "the Baghdad bombing" is a location; "U.S. patrols", "Israeli strikes" name the actor
            return 9.0 if national else 0.5
        if dep == "poss":
            return 4.5
    if dep == "pobj":
        word = head.lower_
        owner = head.head
        if word == "from":
            if owner.i in triggers and _is_departure(owner):
                return 0.5  # "troops withdrew from Kherson": the place left is where it happened
            return 2.5 if owner.pos_ in ("VERB", "AUX") else 9.0  # "a driver from Abidjan"
        if word in ("to", "towards", "toward", "for"):
            aimed = (owner.i in triggers and _is_motion(owner)) or owner.lower_ in AIR_WORDS
            return 0.5 if aimed and word != "for" else 2.5  # "a missile towards Riyadh": its target
        if word == "by":
            return 9.0
        if word == "of":
            if owner.ent_type_ == "PERSON":
                return 9.0  # "Dmitri Dashinski, of Belarus"
            if owner.lower_ in _DIRECTIONS:
                return 2.5  # "70 miles south of Lexington": a reference point
            if owner.lower_ in PLACE_NOUNS:
                return 0.0  # "the town of Bakwa"
            return 1.0
        if owner.lower_ in _REPORTER_NOUNS:
            return 9.0  # "sources in Nineveh" say where the source is
        if word in ("near", "outside", "beyond", "from") and owner.i not in triggers:
            return 1.0  # "the plant outside Baghdad": Baghdad is a reference point
        if word in LOC_PREPS:
            # "the village of Abu Allaj in western Raqqa", "the Umbra Valley, in Y province":
            # the place named first lies in this one
            return 0.5 if _names_place(owner, place_ids) or _after_named_place(head, place_ids) else 0.0
        return 1.0
    if dep in ("compound", "amod", "nmod", "npadvmod", "poss"):
        word = head.lower_
        if word in PLACE_NOUNS:
            return 0.3 if dep == "poss" else 0.0
        if head.ent_type_ in ("ORG", "PERSON", "NORP", "WORK_OF_ART", "EVENT") or word in ACTOR_NOUNS:
            return 9.0  # "Caracas' Diario 2001", "U.S. forces"
        if word in PERSON_WORDS:
            # "a US soldier", "a Tampa woman", "Dili students": where people come from
            return 9.0 if national else MAX_LOCATION_COST + 0.5
        if word in EVENT_CONTEXT:
            return 1.0  # "the Mosul operation", "Syria's conflict"
        return 4.5
    if dep in ("appos", "conj"):
        return 0.2
    if dep == "nsubj":
        return 9.0
    return 1.5


def _names_place(tok: Token, place_ids: set[int]) -> bool:
    """Whether ``tok`` is a place name or a place noun with its name ("the town of X", "the X area")."""
    if tok.i in place_ids:
        return True
    if tok.lower_ not in PLACE_NOUNS:
        return False
    return any(
        (c.dep_ == "prep" and c.lower_ == "of" and any(g.i in place_ids for g in c.children))
        or (c.dep_ == "compound" and c.i in place_ids)
        for c in tok.children
    )


def _after_named_place(prep: Token, place_ids: set[int]) -> bool:
    """Whether ``prep`` follows a place name and a comma: "Waku-Umbra, in Cuanza-Sul"."""
    doc = prep.doc
    if prep.i < 2 or doc[prep.i - 1].text != ",":
        return False
    return _names_place(doc[prep.i - 2], place_ids)


def _is_motion(tok: Token) -> bool:
    """Verbs of moving or aiming somewhere: their "to X", "towards X" is where the event went."""
    base = VERB_FORM_TO_BASE.get(tok.lower_)
    return base in ("march", "flee", "advance", "rally", "storm", "deploy", "invade", "patrol", "fire")


def _is_departure(tok: Token) -> bool:
    """Verbs of leaving a place: their "from X" names where the event happened, not an origin."""
    return VERB_FORM_TO_BASE.get(tok.lower_) in ("withdraw", "flee", "evacuate", "displace")


def _edge_cost(child: Token, head: Token, triggers: set[int]) -> float:
    """Cost of climbing from ``child`` (already inside the path) to its syntactic head."""
    dep = child.dep_
    if dep == "pobj":
        return 0.0  # the preposition is priced on the next edge
    if dep == "prep":
        word = child.lower_
        if word == "from":
            return 0.0 if head.i in triggers and _is_departure(head) else 2.5
        if word in ("to", "towards", "toward"):
            return 0.5 if (head.i in triggers and _is_motion(head)) or head.lower_ in AIR_WORDS else 2.0
        if word == "by":
            return 3.0
        if word == "of":
            return 0.0 if head.lower_ in PLACE_NOUNS else 0.3
        if head.lower_ in _REPORTER_NOUNS:
            return 9.0
        if word in LOC_PREPS:
            return 0.0
        return 0.8
    if dep in ("compound", "amod", "nmod", "poss", "npadvmod"):
        return 0.5 if head.lower_ in PLACE_NOUNS else 2.0
    if dep in ("dobj", "nsubjpass", "attr", "oprd", "pobj", "dative"):
        return 0.0 if head.i in triggers else 0.3
    if dep in ("appos", "conj", "nsubj", "agent"):
        return 0.3
    if dep == "relcl" and head.i in triggers and child.lower_ in HAPPEN_VERBS:
        return 0.5  # "the clashes that broke out in X": the clause says where the event was
    if dep in ("relcl", "ccomp", "parataxis"):
        return 3.0
    if dep == "advcl" and any(c.dep_ in ("mark", "advmod") and c.lower_ in AT_THE_TIME for c in child.lefts):
        return 1.0  # "stabbed as he walked to the bakery in Homs": the scene at the time
    if dep in ("advcl", "acl", "xcomp", "pcomp"):
        return 2.0
    return 1.0


def _locate(ev: _Event, sent: Span, cands: list[tuple[Mention, Span]]) -> tuple[Mention | None, float]:
    """The mention where the event happened and the cost of its attachment (lower is better)."""
    ranked = _ranked_locations(ev, cands)
    if not ranked:
        return None, 99.0
    cost, best = ranked[0]
    held = _held_place(best, cands)
    return (held, cost) if held is not None else (best, cost)


def _held_place(loc: Mention, cands: list[tuple[Mention, Span]]) -> Mention | None:
    """The place named just before ", in Y" when the event's location is Y: "the X Valley, in Y province".

    The text says Y holds X, so X is where the event was, whichever of the two the
    parse attached to the event word.
    """
    span = next((sp for m, sp in cands if m is loc), None)
    if span is None:
        return None
    tok = span.root
    # climb "the province of Y", "the central sector of Y" to the preposition that opens the phrase
    while tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ in ("NOUN", "PROPN"):
        tok = tok.head.head
    if tok.dep_ != "pobj" or tok.head.lower_ not in LOC_PREPS:
        return None
    prep = tok.head
    doc = prep.doc
    if prep.i < 2 or doc[prep.i - 1].text != ",":
        return None
    before = doc[prep.i - 2]
    for m, sp in cands:
        if m is loc or m.label == "DEMONYM":
            continue
        named = sp.root.head if sp.root.dep_ == "compound" else sp.root
        if sp.end - 1 == before.i or (named.i == before.i and before.lower_ in PLACE_NOUNS):
            return m  # "the X Valley, in Y", "the X area, in Y"
    return None


def _ranked_locations(ev: _Event, cands: list[tuple[Mention, Span]]) -> list[tuple[float, Mention]]:
    """Every mention the parse links to the event, with its cost, best first."""
    triggers = {t.i for t in (*ev.tokens, *ev.support)}
    place_ids = {span.root.i for _, span in cands}
    header_end = _dateline_end(ev.trigger.sent, cands)
    keys: list[tuple[float, int, int, Mention]] = []
    for m, span in cands:
        if m.label == "DEMONYM":
            continue
        if m.place is None and m.label != "PATTERN" and any(t.ent_type_ == "NORP" for t in span):
            continue  # an unknown group ("Kurdish"); the words around a PATTERN name made it a place
        if not any(ch.isupper() for ch in m.text):
            continue  # "eastern coast": a description, not a name
        root = span.root
        if root.i in triggers:
            continue
        if span.end <= header_end:
            # the dateline says where the story was filed: the place of an event the sentence
            # does not place itself, whatever the parse made of the header
            specificity = _specificity(m.place, root)
            keys.append((round(DATELINE_COST + 0.1 * specificity, 3), specificity, 0, m))
            continue
        first = _first_edge_cost(root, m.place, triggers, place_ids)
        cost = None
        for target in (*ev.tokens, *ev.support):
            path = _path_up(root, target)
            if path is None:
                continue
            c = first
            prev = path[0]
            for node in path[1:]:
                c += _edge_cost(prev, node, triggers)
                prev = node
            if target in ev.tokens[1:]:
                c += 0.3 if target.pos_ in ("NOUN", "PROPN") else 1.5
            cost = c if cost is None else min(cost, c)
        if cost is None:
            # not under the trigger: meet at the lowest common ancestor
            anc_m = [root, *root.ancestors]
            anc_t = [ev.trigger, *ev.trigger.ancestors]
            ids_t = [t.i for t in anc_t]
            lca_at = next((k for k, a in enumerate(anc_m) if a.i in ids_t), None)
            if lca_at is None:
                continue
            if lca_at == 0:
                # "Iraq, whose targets were bombed": the trigger hangs under the place
                steps = anc_t[: ids_t.index(root.i)]
                cost = 0.5 + sum(
                    0.0 if _relative_on(t, root) else _edge_cost(t, t.head, triggers) for t in steps
                )
            else:
                c = first
                for k in range(1, lca_at):
                    c += _edge_cost(anc_m[k], anc_m[k + 1], triggers)
                cost = 1.5 + c + 1.0 * ids_t.index(anc_m[lca_at].i)
        specificity = _specificity(m.place, root)
        key = (round(cost + 0.1 * specificity, 3), specificity, abs(root.i - ev.trigger.i), m)
        keys.append(key)
    keys.sort(key=lambda k: k[:3])
    return [(k[0], k[3]) for k in keys]


#: Cost of the dateline's place ("KABUL (AP) — A bomb exploded…"): below the limit, above any
#: place the sentence itself attaches to the event.
DATELINE_COST = 2.0
_DASHES = frozenset({"—", "–", "-", "--"})


def _dateline_end(sent: Span, cands: list[tuple[Mention, Span]]) -> int:
    """The token index just past the dash of a dateline opening ``sent``, or -1 when there is none.

    "KABUL, Afghanistan (AP) — A bomb…": the header is the dateline place, its country
    and agency, closed by a dash.
    """
    opening = [sp for m, sp in cands if m.label == "DATELINE" and sp.start == sent.start]
    if not opening:
        return -1
    for tok in sent.doc[opening[0].end : min(sent.end, opening[0].end + 12)]:
        if tok.text in _DASHES:
            return tok.i + 1
    return -1


def _relative_on(clause: Token, place: Token) -> bool:
    """Whether ``clause`` is a relative clause on ``place`` opened by "whose", "where" or "which"."""
    if clause.dep_ != "relcl" or clause.head.i != place.i:
        return False
    return any(t.lower_ in ("whose", "where", "which") for left in clause.lefts for t in left.subtree)


def _container(loc: Mention, ev: _Event, cands: list[tuple[Mention, Span]]) -> Mention | None:
    """For a location the gazetteer does not know, the known place the sentence puts it in.

    "the Umbra area in southern Baghdad": the incident is mapped at Baghdad while its
    location stays "Umbra", at the precision of the place it is mapped at.
    """
    for cost, m in _ranked_locations(ev, cands):
        if cost > MAX_CONTAINER_COST:
            break
        if m is not loc and m.place is not None and m.label != "DEMONYM":
            return m
    return None


_LOCAL_NOUNS = words(
    "city cities town towns village villages neighbourhood neighborhood neighbourhoods neighborhoods "
    "district districts camp camps suburb suburbs area areas quarter hamlet settlement locality "
    "school hospital mosque church market crossing checkpoint road street highway bridge airport "
    "airbase prison stadium square"
)
_WIDE_NOUNS = words("province provinces region regions governorate state country countryside")


def _specificity(place: Place | None, root: Token) -> int:
    """Lower is more specific: prefer a town to its province, a province to its country.

    The place word that introduces a name says how big it is, even when the gazetteer
    does not know the name: "the towns of X and Y", "the X area".
    """
    while root.dep_ == "conj" and root.head.i < root.i:
        root = root.head  # "the towns of X and Y": Y is a town too
    noun = root.head.lower_ if root.dep_ == "compound" else ""
    if root.dep_ == "pobj" and root.head.lower_ == "of":
        noun = root.head.head.lower_
    if noun in _LOCAL_NOUNS:
        return 0
    if noun in _WIDE_NOUNS:
        return 3
    if place is None:
        return 1
    order = {"city": 0, "landmark": 0, "admin2": 2, "island": 2, "admin1": 3, "country": 4, "continent": 5}
    return order.get(place.feature_type, 3)


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


#: Attachment cost above which a place is not taken as the event's location.
MAX_LOCATION_COST = 3.0
#: The same for the known place an unknown location is mapped at: a container ("X, in Y")
#: or reference point ("X, north of Y") costs more than X itself, so that X wins.
MAX_CONTAINER_COST = MAX_LOCATION_COST + 1.0


#: The string ids of the event words, to skip sentences without one from the doc's LOWER array.
_EVENT_WORD_IDS = event_word_ids()


def extract_incidents(
    doc: Doc, mentions: Sequence[Mention], *, article_id: str, article_date: str | None = None
) -> list[Incident]:
    """The incidents of a parsed article, in text order, each with the one place it happened at."""
    text = doc_text(doc)
    if not text.strip():
        return []
    sents = sentences(doc)
    spans: list[tuple[Mention, Span]] = []
    for m in mentions:
        span = _mention_tokens(doc, m)
        if span is not None and len(span) and text[m.start : m.end] == m.text:
            spans.append((m, span))
    incidents: list[Incident] = []
    when_unstated = resolve_date("", article_date)  # the date of a sentence that names none
    roots = [sp.root.i for _, sp in spans]
    lower = doc.to_array(LOWER).tolist()
    for sent in sents:
        if _EVENT_WORD_IDS.isdisjoint(lower[sent.start : sent.end]):
            continue  # no word in it can report an incident
        s_start, s_end = _strip_span(text, sent.start_char, sent.end_char)
        if s_start == s_end:
            continue  # only white space
        events = _find_events(sent, lower)
        if not events:
            continue
        sentence = text[s_start:s_end]
        cands = [pair for pair, root in zip(spans, roots, strict=True) if sent.start <= root < sent.end]
        unknown = UNKNOWN_LOCATION.search(sentence) is not None
        when = resolve_date(sentence, article_date)
        for ev in events:
            modality = _modality(ev)
            kind = _modal_kind(_refine_kind(ev), modality)
            loc, cost = (None, 99.0) if unknown else _locate(ev, sent, cands)
            if loc is not None and cost > MAX_LOCATION_COST:
                loc = None
            where = loc
            if loc is not None and loc.place is None:
                where = _container(loc, ev, cands) or loc
            fatalities, affected = _counts(ev.tokens)
            trig = ev.trigger
            confidence = 0.45 if trig.pos_ == "VERB" else 0.35
            if loc is not None:
                confidence += 0.4 * max(0.0, 1.0 - cost / (MAX_LOCATION_COST + 1.0))
                if where is not None and where.place is not None:
                    confidence += 0.1 * min(1.0, where.confidence)
            elif unknown:
                confidence += 0.2
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
                    date=when,
                    confidence=round(min(0.95, confidence), 3),
                    triggers=_trigger_spans(ev),
                    modality=modality,
                )
            )
    incidents.sort(key=lambda i: (i.trigger_start, i.trigger_end))
    # one event told in several sentences ("an airstrike on Dnipro killed 7" … "the strike on Dnipro"):
    # one incident, numbered after merging
    incidents = merge_article_incidents(incidents, when_unstated)
    from dataclasses import replace

    return [replace(inc, id=f"{article_id}-e{n}") for n, inc in enumerate(incidents, 1)]
