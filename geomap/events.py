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
    LIGHT_VERBS,
    MUNITION_WORDS,
    NON_EVENT_MODIFIERS,
    NON_EVENT_OBJECTS,
    NOUN_TYPES,
    PERSON_WORDS,
    PROTEST_WORDS,
    SHIP_WORDS,
    UNKNOWN_LOCATION,
    VEHICLE_WORDS,
    VERB_FORM_TO_BASE,
    VERB_TYPES,
    event_word_ids,
    words,
)
from geomap.event_location import container, mention_tokens
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
        }

    def to_dict(self) -> dict[str, Any]:
        """The incident object of the parsed-article JSON: properties plus offsets and place."""
        return {
            **self.properties(),
            **{name: getattr(self, name) for name in OFFSET_FIELDS},
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


#: Trigger verbs that report an incident only in one sense, and the test of that sense.
_SENSE_CHECKS = {"blow": _blown_up, "land": _munition_landed, "gather": _protesters_gathered}


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
        if host is not None and prep.lower_ in ("in", "during", "by", "of", "after", "from", "amid"):
            return host  # "killed in the bombardment"
    # "plans to launch an offensive", "threatened to attack": the plan or threat is the incident
    for anc in tok.ancestors:
        ev = by_index.get(anc.i)
        if ev is not None and ev.kind in ("military_plan", "statement_threat"):
            return ev
        if anc.dep_ in ("relcl", "advcl", "ccomp", "parataxis", "conj") or anc.pos_ == "AUX":
            break
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
    return None


def _casualty_word(tok: Token) -> bool:
    """Whether ``tok`` is a form of a verb that counts the dead or hurt: "killing", "wounded"."""
    return VERB_TYPES.get(VERB_FORM_TO_BASE.get(tok.lower_, "")) == "casualties"


def _same_family(a: str, b: str) -> bool:
    return a == b or {a, b} <= {"casualties", "armed_attack", "airstrike_shelling"}


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
    ranged = VERB_FORM_TO_BASE.get(tok.lower_) in ("fire", "hit", "target")
    if kind == "armed_attack" and ranged and (words | _subject_words(tok)) & AIR_WORDS:
        return "airstrike_shelling"  # "rockets hit Ashkelon", "Kyiv was hit by missiles": a strike from afar
    if kind == "ground_operation" and VERB_FORM_TO_BASE.get(tok.lower_) in ("capture", "seize"):
        objs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
        for o in objs:
            if o.ent_type_ == "PERSON" or o.lower_ in PERSON_WORDS or o.pos_ == "PRON":
                return "arrest_detention"
    return kind


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
            for c in [*t.children, h]:
                if c.like_num or c.dep_ in ("nsubj", "nsubjpass") or c is h:
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
        where = loc
        if loc is not None and loc.place is None:
            where = container(loc, ev, f.cands) or loc
        s_start, s_end = f.span
        sentence = text[s_start:s_end]
        if s_start not in dates:
            dates[s_start] = resolve_date(sentence, article_date)
        kind = _refine_kind(ev)
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
                confidence=round(decision.confidence, 3),
            )
        )
    incidents.sort(key=lambda i: (i.trigger_start, i.trigger_end))
    from dataclasses import replace

    return [replace(inc, id=f"{article_id}-e{n}") for n, inc in enumerate(incidents, 1)]
