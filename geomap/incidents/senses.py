"""Senses of trigger words that report no incident: "blew up" is an attack, "blew" alone is not.

A word of the event lexicon is a trigger only in some of its senses. These tests read the
dependency parse around the word: its particle, subject, objects and modifiers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from geomap.incidents.lexicon import (
    AGREEMENT_WORDS,
    AIR_WORDS,
    ARMED_ACTORS,
    BLOCKED_WORDS,
    BOMB_WORDS,
    CAPTIVE_WORDS,
    INTERCEPTED_WORDS,
    LABOUR_STRIKE_WORDS,
    LOC_PREPS,
    MARKET_WORDS,
    MILITARY_WORDS,
    MUNITION_WORDS,
    NON_EVENT_MODIFIERS,
    NON_EVENT_OBJECTS,
    OFFICIAL_WORDS,
    PERSON_WORDS,
    PLAN_WORDS,
    PROTEST_PURPOSES,
    PROTEST_WORDS,
    THROWN_IN_UNREST,
    VERB_FORM_TO_BASE,
    WEAPON_WORDS,
)

if TYPE_CHECKING:
    from spacy.tokens import Token


def _blown_up(tok: Token) -> bool:
    """ "blew himself up", "blew up a bridge": "blow" is an attack only with its particle."""
    return any(c.dep_ == "prt" and c.lower_ == "up" for c in tok.children)


def subject_words(tok: Token) -> set[str]:
    """The words of the verb's subject phrase: "thousands of protesters" for "gathered"."""
    return {w.lower_ for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") for w in c.subtree}


def doer_words(tok: Token) -> set[str]:
    """The words of who did it: the active subject, or the agent of a passive ("killed by gunmen"),
    or those of the verb whose subject it shares ("protesters erected barricades and burned tyres");
    not a passive subject, which is who it befell."""
    tok = _shared_subject(tok)
    doers = [c for c in tok.children if c.dep_ == "nsubj"]
    doers += [g for c in tok.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    return {w.lower_ for d in doers for w in d.subtree}


def _shared_subject(tok: Token) -> Token:
    """The verb whose subject ``tok`` shares when it has none of its own: "erected barricades and
    burned tyres" (a conjoined verb), "rioted in X, looting shops" (a participle clause)."""
    while (
        tok.dep_ in ("conj", "advcl", "xcomp")
        and tok.head.i != tok.i
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
        and (tok.dep_ != "advcl" or tok.tag_ == "VBG")
    ):
        tok = tok.head
    return tok


def _munition_landed(tok: Token) -> bool:
    """ "a rocket landed in X" is a strike; "the plane landed in X" is not."""
    return bool(subject_words(tok) & MUNITION_WORDS)


def _protesters_gathered(tok: Token) -> bool:
    """ "protesters gathered in the square", "hundreds gathered to denounce the coup" is a protest;
    "mourners gathered", "data gathered" are not."""
    if subject_words(tok) & PROTEST_WORDS:
        return True
    return any(c.dep_ in ("xcomp", "advcl") and c.lower_ in PROTEST_PURPOSES for c in tok.children)


def _objects(tok: Token) -> list[Token]:
    """What the verb acts on: its object, or the subject of its passive ("34 drones were shot down"),
    and what a count of it counts ("9 of 13 drones")."""
    objects = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
    # "shot down 3 of 4 drones": the parser may hang the count on the verb as a modifier
    objects += [c for c in tok.children if c.dep_ == "npadvmod" and c.like_num]
    return objects + [
        g for o in objects for c in o.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"
    ]


def _not_air_defence(tok: Token) -> bool:
    """ "shot down 34 drones", "destroyed two missiles over Kyiv" is air defence, not an attack on a place.

    Only drones and munitions count: a manned aircraft shot down ("a passenger plane") had
    people aboard and stays an attack. "Shot missiles at Haifa" fires them: no "down", an attack.
    """
    downed = VERB_FORM_TO_BASE.get(tok.lower_) != "shoot" or any(
        c.dep_ in ("prt", "advmod") and c.lower_ == "down" for c in tok.children
    )
    return not (downed and any(o.lower_ in INTERCEPTED_WORDS for o in _objects(tok)))


def _aimed_at_buyers(tok: Token) -> bool:
    """ "targets the Asian market", "targeting young voters": commerce and campaigns, no incident.

    Missiles or rockets that target something attack it whatever it is ("missiles targeted the
    market"). A market is commerce when a word says which ("the Asian market", "the luxury market")
    and no place phrase puts it somewhere ("a market in Kharkiv").
    """
    if subject_words(tok) & (MUNITION_WORDS | AIR_WORDS):
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


def military_operation(tok: Token) -> bool:
    """ "the ground operation", "the plan for an operation in Rafah": an operation of war, not surgery."""
    if any(c.dep_ in ("amod", "compound") and c.lower_ in MILITARY_WORDS for c in tok.children):
        return True
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ in ("for", "of"):
        head = head.head  # "the plan for an operation"
    return head.i != tok.i and head.lower_ in PLAN_WORDS


def _official(words: set[str], tok: Token) -> bool:
    """Whether an official or a named person or body does it: "the president", "Blinken"."""
    people = [c for c in tok.children if c.dep_ in ("nsubj", "agent")]
    named = any(c.ent_type_ in ("PERSON", "NORP", "GPE", "ORG") for c in people)
    return named or bool(words & OFFICIAL_WORDS)


def _official_visit(tok: Token) -> bool:
    """ "the president visited Kyiv" is a diplomatic event; "tourists visited the museum" is not."""
    return tok.pos_ == "VERB" and _official(subject_words(tok), tok) and bool(_objects(tok))


def _official_call(tok: Token) -> bool:
    """ "Blinken spoke with Lavrov by phone" is a meeting; "he spoke to reporters" is not."""
    partners = [
        g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("with", "to") for g in c.children
    ]
    called = any(w.lower_ in ("phone", "telephone", "video", "videoconference") for w in tok.subtree)
    named = any(p.ent_type_ == "PERSON" or p.lower_ in OFFICIAL_WORDS for p in partners)
    reporters = any(p.lower_ in ("reporters", "journalists", "media", "press") for p in partners)
    return _official(subject_words(tok), tok) and (called or named) and not reporters


def _captives_freed(tok: Token) -> bool:
    """ "the hostages were freed", "released 20 prisoners"; not "released a statement"."""
    freed = [w for o in _objects(tok) for w in o.subtree]
    return any(w.lower_ in CAPTIVE_WORDS or w.ent_type_ == "PERSON" for w in freed)


def _to_death(tok: Token) -> bool:
    """ "hacked to death", "beaten to death"; not "hacked the server", "beat the champions"."""
    return any(
        c.dep_ == "prep" and c.lower_ == "to" and any(g.lower_ == "death" for g in c.children)
        for c in tok.children
    )


def _people_neutralised(tok: Token) -> bool:
    """ "20 assailants were neutralised" kills people; "neutralised a bomb" does not."""
    targets = {w.lower_ for o in _objects(tok) for w in o.subtree}
    return bool(targets & (ARMED_ACTORS | PERSON_WORDS))


#: Verbs by which the dead are found: "the bodies of 4 men were found", "police recovered a body".
_FOUND_VERBS = frozenset(
    "found find finds discovered discover recovered recover dumped retrieved pulled exhumed".split()
)


def bodies_found(tok: Token) -> bool:
    """Whether "body" or "bodies" tells the dead found ("the bodies of 4 men were found", "police
    recovered two bodies"), not a governing body or a body of water."""
    head = tok.head
    if tok.dep_ in ("nsubjpass", "dobj", "nsubj") and head.lower_ in _FOUND_VERBS:
        return True
    # "found the body of a man": the verb governs the "of" phrase's head
    return tok.dep_ == "conj" and head.lower_ in ("body", "bodies") and bodies_found(head)


def _roads_blocked(tok: Token) -> bool:
    """ "protesters blocked the highway" is a protest; "blocked the bill", "armed men blocked the road"
    (an attack's first step, told by its own verbs) are not."""
    if subject_words(tok) & (ARMED_ACTORS | {"armed"}):
        return False
    return any(o.lower_ in BLOCKED_WORDS for o in _objects(tok))


def _weapon_thrown(tok: Token) -> bool:
    """ "hurled a grenade", "threw stones at police"; not "threw a party", "threw his support"."""
    return any(w.lower_ in (BOMB_WORDS | THROWN_IN_UNREST) for o in _objects(tok) for w in o.subtree)


def _munition_launched(tok: Token) -> bool:
    """ "launched 2 missiles at a vessel", "launched drones"; not "launched an offensive" (the noun
    tells that event) or "launched a campaign"."""
    fired = MUNITION_WORDS | BOMB_WORDS | {"drone", "drones", "uav", "uavs"}
    return any(o.lower_ in fired for o in _objects(tok))


def _bombs_dropped(tok: Token) -> bool:
    """ "dropped explosives from drones on X", "dropped bombs on the town"; not "dropped the charges"."""
    return any(o.lower_ in (MUNITION_WORDS | BOMB_WORDS) for o in _objects(tok))


def labour_strike(tok: Token) -> bool:
    """Whether "strike" is a strike by workers: "a national strike", "went on strike", "called a strike"."""
    if any(c.lower_ in LABOUR_STRIKE_WORDS for c in tok.children if c.dep_ in ("amod", "compound", "poss")):
        return True
    head = tok.head
    on_strike = head.lower_ == "on" and head.head.lower_ in ("went", "go", "goes", "are", "were")
    if tok.dep_ == "pobj" and on_strike:
        return True  # "workers went on strike"
    return tok.dep_ == "dobj" and head.lower_ in ("called", "call", "calls", "declared", "announced", "began")


def air_defence(tok: Token) -> bool:
    """ "shot down 34 drones", "destroyed two missiles over Kyiv": drones or munitions brought down."""
    return not _not_air_defence(tok)


def _intercepted(tok: Token) -> bool:
    """ "intercepted two drones", "intercepted a truck carrying explosives"; not "intercepted calls"."""
    stopped = {w.lower_ for o in _objects(tok) for w in o.subtree}
    return bool(stopped & (INTERCEPTED_WORDS | WEAPON_WORDS))


def _agreed(tok: Token) -> bool:
    """ "signed a peace deal", "agreed to a two-month truce", "brokered a ceasefire"; not "signed a
    contract" or "agreed that prices would rise"."""
    agreed = [*_objects(tok)]
    agreed += [g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("to", "on") for g in c.children]
    return any(o.lower_ in AGREEMENT_WORDS for o in agreed)


#: Trigger verbs that report an incident only in one sense, and the test of that sense.
SENSE_CHECKS: Final[Mapping[str, Callable[[Token], bool]]] = MappingProxyType(
    {
        "blow": _blown_up,
        "land": _munition_landed,
        "gather": _protesters_gathered,
        "shoot": _not_air_defence,
        "destroy": _not_air_defence,
        "target": lambda tok: not _aimed_at_buyers(tok),
        # "ships sailing past the cape" describes the ships; "the ship sailed to Jeddah" reports
        "sail": lambda tok: tok.dep_ not in ("acl", "amod"),
        "visit": _official_visit,
        "speak": _official_call,
        "free": _captives_freed,
        "release": _captives_freed,
        "hack": _to_death,
        "beat": _to_death,
        "neutralise": _people_neutralised,
        "neutralize": _people_neutralised,
        "block": _roads_blocked,
        "hurl": _weapon_thrown,
        "throw": _weapon_thrown,
        "launch": _munition_launched,
        "intercept": _intercepted,
        "down": lambda tok: any(o.lower_ in INTERCEPTED_WORDS for o in _objects(tok)),
        "drop": _bombs_dropped,
        "sign": _agreed,
        "agree": _agreed,
        "broker": _agreed,
    }
)


#: Verbs of "fire" that report an attack: "opened fire", "exchanged fire", "set fire to".
_FIRE_VERBS = frozenset("open opens opened opening exchange exchanged exchanging set sets setting".split())


def opened_fire(tok: Token) -> bool:
    """Whether ``tok`` is the "fire" of "opened fire", "exchanged fire", "set fire to a bus" or
    "set buses on fire": the words then report an attack."""
    if tok.dep_ == "dobj" and tok.head.lower_ in _FIRE_VERBS:
        return True
    on = tok.head
    return tok.dep_ == "pobj" and on.lower_ == "on" and on.head.lower_ in ("set", "sets", "setting")


def is_figurative(tok: Token) -> bool:
    """A trigger word used in a sense that is no incident ("captured the title", "heart attack")."""
    base = VERB_FORM_TO_BASE.get(tok.lower_)
    objects = NON_EVENT_OBJECTS.get(base or "")
    if objects and tok.pos_ in ("VERB", "AUX"):
        for c in tok.children:
            if c.dep_ in ("dobj", "nsubjpass") and c.lower_ in objects:
                return True
    return any(c.dep_ in ("compound", "amod") and c.lower_ in NON_EVENT_MODIFIERS for c in tok.children)
