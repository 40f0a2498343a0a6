"""Counts of an event: the people killed (fatalities) and the people hurt, displaced or held (affected)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geomap.incidents.lexicon import words
from geomap.incidents.numbers import SCALE, parse_number

if TYPE_CHECKING:
    from spacy.tokens import Token

_KILL_WORDS = words("killed kill killing kills dead died die dies death deaths massacred murdered executed")
_HURT_WORDS = words(
    "wounded wounding injured injuring injuries hurt displaced fled fleeing evacuated arrested "
    "detained captured abducted kidnapped"
)
_COUNTED_WORDS = _KILL_WORDS | _HURT_WORDS


#: Words that count nobody: "nobody was killed", "none of the crew were hurt".
_NOBODY = words("nobody none noone")


def _nobody(noun: Token) -> bool:
    """Whether ``noun`` counts no one: "nobody", "none (of the crew)", "no one" (not the number 1)."""
    if noun.lower_ in _NOBODY:
        return True
    return noun.lower_ == "one" and any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children)


def _count_of(noun: Token) -> int | None:
    """The number that counts ``noun`` ("at least 12 people" → 12), or the number itself;
    0 for "no one" and "nobody"."""
    if _nobody(noun):
        return 0
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


def _told_by_another(tok: Token, trigger: Token, others: frozenset[int]) -> bool:
    """Whether ``tok`` lies in the part of ``trigger``'s subtree that another event's trigger heads."""
    while tok.i != trigger.i:
        if tok.i in others:
            return True
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def casualty_counts(
    tokens: list[Token], others: frozenset[int] = frozenset()
) -> tuple[int | None, int | None]:
    """Fatalities and affected people of the event (triggers plus coordinated verbs).

    ``others`` are the token indices of the sentence's other events' triggers: "fled after an
    airstrike killed 12" tells the strike's toll, not the flight's.
    """
    fatalities = affected = None
    seen: set[int] = set()
    queue = list(tokens)
    for t in tokens:
        counted = [c for c in t.subtree if c.lower_ in _COUNTED_WORDS and c.i not in seen]
        conjoined = [c for c in t.children if c.dep_ == "conj" and c.lower_ in _COUNTED_WORDS]
        queue += [c for c in conjoined if c.i not in others]
        queue += [c for c in counted if not (others and _told_by_another(c, t, others))]
    for t in queue:
        if t.i in seen:
            continue
        seen.add(t.i)
        word = t.lower_
        if word not in _KILL_WORDS and word not in _HURT_WORDS:
            continue
        n = None
        for c in t.children:
            if c.dep_ in ("nsubjpass", "dobj", "nsubj") and (c.pos_ != "PRON" or _nobody(c)):
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
