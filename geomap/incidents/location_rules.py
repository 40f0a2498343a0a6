"""Where an event happened, by rule: the costs of the dependency paths from a trigger to each place.

These rules were the decision until the learned linker (:mod:`geomap.incidents.linker`) took
over. Two of their readings are its features: how a name is attached and how specific a place
is. Their path costs now only choose the known place that holds a location the gazetteer does
not know (:func:`container`). A place in a locative prepositional phrase of the trigger or of
its arguments ("attacks on ships in the Red Sea"), the object of a taking verb ("captured
Palmyra") or a place modifying a location noun ("the Baghdad district") is cheap; a place that
only says where someone comes from ("a driver from Abidjan"), names an organisation ("Caracas'
Diario 2001") or an actor's nationality ("Pakistani authorities") is dear. Among equally cheap
places the most specific is preferred.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from geomap.incidents.lexicon import (
    ACTOR_NOUNS,
    AIR_WORDS,
    AT_THE_TIME,
    COME_FORMS,
    EVENT_CONTEXT,
    HAPPEN_VERBS,
    LOC_PREPS,
    PERSON_WORDS,
    PLACE_NOUNS,
    VERB_FORM_TO_BASE,
    words,
)
from geomap.mentions.chains import chains
from geomap.model import Mention
from geomap.place import Place

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from geomap.incidents.triggers import Event

#: Attachment cost above which a place is not taken as the event's location.
MAX_LOCATION_COST = 3.0
#: The same for the known place an unknown location is mapped at: a container ("X, in Y")
#: or reference point ("X, north of Y") costs more than X itself, so that X wins.
MAX_CONTAINER_COST = MAX_LOCATION_COST + 1.0


def path_up(tok: Token, stop: Token) -> list[Token] | None:
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


def mention_tokens(doc: Doc, m: Mention) -> Span | None:
    if not (0 <= m.start < m.end <= (doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0)):
        return None
    return doc.char_span(m.start, m.end, alignment_mode="expand")


REPORTER_NOUNS = words(
    "sources source media spokesman spokeswoman spokesperson officials official agency newspaper "
    "television radio news correspondent reporters statement report reports channel"
)
DIRECTION_WORDS = words(
    "north south east west northeast northwest southeast southwest northern southern eastern western "
    "outside away kilometers kilometres miles km"
)


def first_edge_cost(root: Token, place: Place | None, triggers: set[int], place_ids: set[int]) -> float:
    """Cost of the mention's own attachment: is this name used as a place at all?"""
    head, dep = root.head, root.dep_
    national = place is not None and place.feature_type in ("country", "continent")
    if head.i in triggers:
        if dep == "nsubj":
            # "India captured…": the place is the actor; "Kharkiv came under shelling": the target
            return 0.0 if head.lower_ in COME_FORMS else 9.0
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
            if owner.lower_ in DIRECTION_WORDS:
                return 2.5  # "70 miles south of Lexington": a reference point
            if owner.lower_ in PLACE_NOUNS:
                return 0.0  # "the town of Bakwa"
            return 1.0
        if owner.lower_ in REPORTER_NOUNS:
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


def names_an_origin(root: Token, triggers: set[int]) -> bool:
    """Whether a name only says where someone or something comes from: "a driver from Abidjan".

    A "from" phrase on anything but a verb ("a driver from X", "flights from X", "two
    kilometres away from X") names an origin or a reference point, not the place of the
    event; one on a verb ("rockets fired from X") or on a trigger of leaving ("the
    withdrawal from X") may be where it happened.
    """
    if root.dep_ != "pobj" or root.head.lower_ != "from":
        return False
    owner = root.head.head
    if owner.i in triggers and _is_departure(owner):
        return False
    return owner.pos_ not in ("VERB", "AUX")


#: Words whose phrase says who owns, where it goes or whom it backs, never where it happened:
#: "bound for Jeddah", "owned by a firm in Athens", "in solidarity with Gaza", "in support of Kyiv".
_BESIDE_THE_SCENE = frozenset(
    "bound headed heading destined owned operated managed chartered registered flagged based "
    "solidarity support".split()
)


def beside_the_scene(root: Token, triggers: set[int]) -> bool:
    """Whether a name in a prepositional phrase only says where something is bound, who owns it
    or whom the event supports: "a tanker bound for Rotterdam", "owned by a firm in Athens",
    "marched in solidarity with Palestinians in Gaza". Looked for up to four heads above it,
    never past a trigger."""
    tok = root
    for _ in range(4):
        if tok.dep_ not in ("pobj", "prep", "agent", "acl", "amod") or tok.head.i == tok.i:
            return False
        tok = tok.head
        if tok.i in triggers:
            return False
        if tok.lower_ in _BESIDE_THE_SCENE:
            return True
    return False


def _is_departure(tok: Token) -> bool:
    """Verbs of leaving a place: their "from X" names where the event happened, not an origin."""
    return VERB_FORM_TO_BASE.get(tok.lower_) in ("withdraw", "flee", "evacuate", "displace")


def edge_cost(child: Token, head: Token, triggers: set[int]) -> float:
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
        if head.lower_ in REPORTER_NOUNS:
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


def ranked_locations(ev: Event, cands: list[tuple[Mention, Span]]) -> list[tuple[float, Mention]]:
    """Every mention the parse links to the event, with its cost, best first."""
    triggers = {t.i for t in (*ev.tokens, *ev.support)}
    place_ids = {span.root.i for _, span in cands}
    header_end = dateline_end(ev.trigger.sent, cands)
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
            specificity = place_specificity(m.place, root)
            keys.append((round(DATELINE_COST + 0.1 * specificity, 3), specificity, 0, m))
            continue
        first = first_edge_cost(root, m.place, triggers, place_ids)
        cost = None
        for target in (*ev.tokens, *ev.support):
            path = path_up(root, target)
            if path is None:
                continue
            c = first
            prev = path[0]
            for node in path[1:]:
                c += edge_cost(prev, node, triggers)
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
                    0.0 if _relative_on(t, root) else edge_cost(t, t.head, triggers) for t in steps
                )
            else:
                c = first
                for k in range(1, lca_at):
                    c += edge_cost(anc_m[k], anc_m[k + 1], triggers)
                cost = 1.5 + c + 1.0 * ids_t.index(anc_m[lca_at].i)
        specificity = place_specificity(m.place, root)
        key = (round(cost + 0.1 * specificity, 3), specificity, abs(root.i - ev.trigger.i), m)
        keys.append(key)
    keys.sort(key=lambda k: k[:3])
    return [(k[0], k[3]) for k in keys]


#: Cost of the dateline's place ("KABUL (AP) — A bomb exploded…"): below the limit, above any
#: place the sentence itself attaches to the event.
DATELINE_COST = 2.0
_DASHES = frozenset({"—", "–", "-", "--"})


def dateline_end(sent: Span, cands: list[tuple[Mention, Span]]) -> int:
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


#: What follows the name of a route between two places: "the Dori-Seytenga road".
_ROUTE_AFTER = re.compile(
    r"\s+(?:road|highway|route|axis|corridor|expressway|motorway|railway)\b", re.IGNORECASE
)
_ROUTE_NAME = re.compile(r"\w[\w'’ .]*[-–]\s?[A-Z][\w'’ .]*")


def without_routes(cands: list[tuple[Mention, Span]], text: str) -> list[tuple[Mention, Span]]:
    """The candidates less the routes between two places ("the Abuja-Kaduna highway"), where any is left.

    A route's name is two places and the road between them, no one place; a coder puts an event
    on it at the place the sentence says it is near ("near Rijana"), and at the route's ends only
    when the sentence names no other.
    """
    kept = [
        (m, sp) for m, sp in cands if not (_ROUTE_NAME.fullmatch(m.text) and _ROUTE_AFTER.match(text, m.end))
    ]
    return kept if kept and len(kept) < len(cands) else cands


def chain_of(loc: Mention, cands: Sequence[tuple[Mention, Span]], text: str) -> list[Mention]:
    """The levels of the chain of units ``loc`` is written in ("Doubale (Kaya, Sanmatenga)"), finest
    first, or ``[loc]`` alone when it is in none."""
    names = sorted({id(m): m for m, _ in cands}.values(), key=lambda m: (m.start, -m.end))
    kept: list[Mention] = []
    for m in names:
        if not kept or m.start >= kept[-1].end:
            kept.append(m)  # the names as they follow one another, none inside another
    for run in chains(text, [(m.start, m.end) for m in kept]):
        levels = [kept[k] for k in run]
        if any(m is loc for m in levels):
            return levels
    return [loc]


def container(
    loc: Mention, ev: Event, cands: list[tuple[Mention, Span]], chain: Sequence[Mention] = ()
) -> Mention | None:
    """For a location the gazetteer does not know, the known place the sentence puts it in.

    "the Umbra area in southern Baghdad": the incident is mapped at Baghdad while its
    location stays "Umbra", at the precision of the place it is mapped at. In a chain of
    units ("Doubale (Kaya, Sanmatenga)", ``chain`` as ``chain_of`` reads it, ``loc`` first)
    that is the finest level the gazetteer knows.
    """
    known = [m for m in chain[1:] if m.place is not None]
    if known:
        return known[0]
    for cost, m in ranked_locations(ev, cands):
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


def place_specificity(place: Place | None, root: Token) -> int:
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
