"""Actors of an event: the named groups and forces that carried it out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geomap.incidents.lexicon import ACTOR_NOUNS, AIR_WORDS
from geomap.incidents.triggers import Event

if TYPE_CHECKING:
    from spacy.tokens import Token

_ACTOR_ENTS = frozenset({"ORG", "NORP"})


def event_actors(ev: Event) -> tuple[str, ...]:
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
        if a.ent_type_ in labels:  # the entity a is in, read from its tokens: doc.ents builds them all
            start, end = _entity_bounds(a)
            found.append((start, doc[start:end].text))
    names = list(dict.fromkeys(t.strip() for _, t in sorted(found) if t.strip()))
    # "Israeli" adds nothing next to "Israeli airstrikes"
    return tuple(n for n in names if not any(n != o and n in o.split() for o in names))


def _entity_bounds(tok: Token) -> tuple[int, int]:
    """The token range of the named entity ``tok`` is in, from the tokens' IOB tags."""
    doc = tok.doc
    start = tok.i
    while doc[start].ent_iob_ == "I" and start > 0:
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return start, end
