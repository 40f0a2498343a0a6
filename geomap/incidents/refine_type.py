"""An event's incident type, refined from the trigger's arguments: ships attacked → maritime attack."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geomap.incidents.lexicon import (
    AIR_WORDS,
    ARMED_ACTORS,
    ATTACK_TYPES,
    BOMB_WORDS,
    HAZARD_WORDS,
    PERSON_WORDS,
    PROTEST_WORDS,
    RESPONDERS,
    RIOTER_WORDS,
    SHIP_WORDS,
    STRIKE_NOUNS,
    THROWN_IN_UNREST,
    VEHICLE_WORDS,
    VERB_FORM_TO_BASE,
    WEAPON_WORDS,
    words,
)
from geomap.incidents.senses import doer_words, subject_words
from geomap.incidents.triggers import Event, casualty_word

if TYPE_CHECKING:
    from spacy.tokens import Token


def refine_kind(ev: Event) -> str:
    """Type from the trigger's arguments: ships → maritime, persons taken → arrest…"""
    tok = ev.trigger
    kind = ev.kind
    args = [
        c for t in ev.tokens for c in t.children if c.dep_ in ("dobj", "nsubjpass", "pobj", "prep", "agent")
    ]
    words: set[str] = set()
    common: set[str] = set()  # "the Gulf Cartel" is no gulf: ships and waters are common nouns
    for a in args:
        for t in a.subtree:
            words.add(t.lower_)
            if t.pos_ != "PROPN":
                common.add(t.lower_)
    base = VERB_FORM_TO_BASE.get(tok.lower_)
    objects = {w.lower_ for t in ev.tokens for c in t.children if c.dep_ == "dobj" for w in c.subtree}
    hitters = set().union(*map(subject_words, ev.tokens))
    if base in ("hit", "strike") and hitters & _DROPPED:
        return "airstrike_shelling"  # "a guided aerial bomb struck an apartment block"
    if base in ("hit", "strike") and (objects | hitters) & BOMB_WORDS:
        return "armed_attack"  # "a military vehicle struck an IED": a bomb, not a strike from the air
    if kind == "ground_operation" and base in ("seize", "capture") and objects & WEAPON_WORDS:
        return "military_plan"  # "seized a motorbike loaded with explosives": weapons stopped
    if base in ("throw", "hurl") and objects & THROWN_IN_UNREST:
        return "protest_unrest"  # "threw stones at police": unrest
    if kind in ATTACK_TYPES and _hazard_subject(ev):
        # "a storm hit the coast, killing three"
        return "casualties" if any(casualty_word(t) for t in ev.tokens) else "other"
    if kind == "casualties" and tok.dep_ in ("advcl", "conj") and tok.head.pos_ == "VERB":
        # "a car bomb went off, killing seven", "shells fell on X, wounding four": the weapon says how
        weapon = subject_words(tok.head)
        # "militants lobbed mortar shells into X, wounding two": what the verb sent says how
        sent = {w.lower_ for c in tok.head.children if c.dep_ == "dobj" for w in c.subtree}
        if (weapon | sent) & AIR_WORDS:
            return "airstrike_shelling"
        if weapon & (BOMB_WORDS | ARMED_ACTORS | {"armed", "bomber", "bombers"}):
            return "armed_attack"  # "gunmen opened fire on a team, killing a worker"
    if kind == "maritime_attack" and base in ("hijack", "seize") and not words & SHIP_WORDS:
        return "armed_attack"  # "gunmen hijacked a truck"
    subjects = set().union(*(doer_words(t) for t in ev.tokens))
    unrest = kind in ("armed_attack", "casualties") or base in _DAMAGE
    armed = subjects & (ARMED_ACTORS | {"armed"})
    # "a mob armed with iron bars attacked reporters": an attack; "rioters armed with stones", a riot
    armed_mob = "armed" in subjects and not subjects & THROWN_IN_UNREST
    if unrest and subjects & (RIOTER_WORDS | _PROTESTING) and not armed_mob:
        return "protest_unrest"  # "rioters torched shops": a riot
    if (base in _RIOTING or tok.lower_ in _RIOTING) and subjects & _CROWD and not armed:
        return "protest_unrest"  # "young people looted a supermarket and set a station on fire"
    # protesters, not any crowd: "fired on crowds waiting for flour" is no protest
    at_protest = any(t.lower_ in _PROTESTERS and t.pos_ == "NOUN" for t in tok.subtree)
    if kind in ("armed_attack", "casualties") and at_protest and subjects & RESPONDERS:
        # "police opened fire on demonstrators, killing one": force against a protest, as coded
        return "protest_unrest"
    if (
        kind == "ground_operation"
        and tok.lower_ in _RAIDED
        and any(casualty_word(c) for c in tok.children if c.dep_ in ("conj", "advcl"))
    ):
        return "armed_attack"  # "separatists stormed a compound and killed a man": a deadly raid
    if base == "clash" and subjects & _CROWD and not armed:
        return "protest_unrest"  # "youths clashed with police": a riot, not a battle
    if kind == "casualties" and base in _ACTIVE_KILLING and armed and tok.dep_ != "amod":
        return "armed_attack"  # "gunmen killed a village chief": a deadly attack, no weapon named
    if kind == "casualties" and _armed_before(tok):
        return "armed_attack"  # "armed men …, suspected to be militants, killed 9 civilians", however parsed
    if kind == "casualties" and tok.lower_ == "dead" and _shot_dead(tok, armed):
        return "armed_attack"  # "gunmen shot dead a driver", parsed with "dead" as the event word
    if (
        kind == "armed_attack"
        and base in ("hit", "strike")
        and any(c.lower_ in STRIKE_NOUNS for c in tok.children if c.i < tok.i)
    ):
        return "airstrike_shelling"  # "shelling hit Rafah", however the parse hangs "shelling"
    patrol = tok.lower_ in ("patrol", "patrols", "patrolled", "patrolling")
    if (
        kind in ("armed_attack", "airstrike_shelling", "ground_operation")
        and common & SHIP_WORDS
        and not patrol
    ):
        return "maritime_attack"
    withs = (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "with")
    if kind == "armed_attack" and any(_air_word(w) for c in withs for w in c.subtree):
        return "airstrike_shelling"  # "attacked the police station with explosive-laden drones"
    if kind == "armed_attack" and any(_air_attack(t) for t in ev.tokens):
        return "airstrike_shelling"  # "a drone attack", "a missile attack": a strike from the air
    ranged = base in ("fire", "hit", "target", "shoot")
    if kind == "armed_attack" and ranged and (words | subject_words(tok)) & AIR_WORDS:
        return "airstrike_shelling"  # "rockets hit Ashkelon", "Kyiv was hit by missiles": a strike from afar
    if kind == "ground_operation" and VERB_FORM_TO_BASE.get(tok.lower_) in ("capture", "seize"):
        objs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
        for o in objs:
            if o.ent_type_ == "PERSON" or o.lower_ in PERSON_WORDS or o.pos_ == "PRON":
                # "gang members seized three miners": an abduction; by the state, an arrest
                return "armed_attack" if armed - RESPONDERS else "arrest_detention"
    return kind


def _armed_before(tok: Token) -> bool:
    """Whether an active kill verb ("killed 9 civilians", "killing a worker") follows armed men in
    its sentence: the small model's parse often hangs such a verb off the wrong word."""
    if VERB_FORM_TO_BASE.get(tok.lower_) not in _ACTIVE_KILLING:
        return False
    if not any(c.dep_ == "dobj" for c in tok.children):
        return False
    before = tok.doc[tok.sent.start : tok.i]
    return any(t.lower_ in ARMED_ACTORS and t.pos_ == "NOUN" for t in before) or any(
        t.lower_ == "armed" and t.head.pos_ == "NOUN" for t in before
    )


def _shot_dead(dead: Token, armed: set[str]) -> bool:
    """ "shot dead", however parsed: "gunmen on a motorcycle shot dead a driver" makes "shot" a noun."""
    if VERB_FORM_TO_BASE.get(dead.head.lower_) == "shoot":
        return True
    before = dead.doc[dead.i - 1] if dead.i > dead.sent.start else None
    return before is not None and before.lower_ == "shot" and bool(armed)


def _air_word(tok: Token) -> bool:
    """A weapon from the air or from afar; not "anti-tank missiles", fired on the ground."""
    return tok.lower_ in AIR_WORDS and not any(c.lower_ == "anti" for c in tok.children)


def _air_attack(tok: Token) -> bool:
    """ "a drone attack", "a missile attack": the attack noun says the blow came from the air."""
    air = (c.dep_ in ("compound", "amod") and c.lower_ in AIR_WORDS for c in tok.children)
    return tok.lower_ in ("attack", "attacks") and any(air)


#: Participles that make a subject protesters: "students protesting against the quota clashed with police".
_PROTESTING = words("protesting demonstrating rioting marching")

#: Who is protesting, where force against them is the protest's: a crowd alone may be anyone.
_PROTESTERS = PROTEST_WORDS - words("crowd crowds")

#: Who clashes in a riot: "groups of young people clashed with police".
_CROWD = RIOTER_WORDS | PROTEST_WORDS | words("people youths youth students workers young")

#: Verbs of damage to property: unrest when protesters or a mob do it, else property destroyed.
_DAMAGE = words("vandalise vandalize ransack")

#: Verbs (base or form) of a riot when a crowd does them: "youths looted shops", "set a car on fire".
_RIOTING = words("loot ransack torch burn set smash vandalise vandalize")

#: Raid verbs: with a killing told with them, the raid is a deadly attack.
_RAIDED = words("stormed storming raided raiding")

#: What is dropped from the air, though named a bomb: "a guided aerial bomb struck".
_DROPPED = words("aerial guided glide airdropped")

#: Verbs whose subject is a killer: "gunmen killed", "militants massacred".
_ACTIVE_KILLING = words("kill massacre murder execute")


def _hazard_subject(ev: Event) -> bool:
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
