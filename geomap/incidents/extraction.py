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
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from geomap.incidents.actors import event_actors
from geomap.incidents.counts import casualty_counts
from geomap.incidents.dates import dateline_date, resolve_date
from geomap.incidents.finding import find_events
from geomap.incidents.follow_on import (
    RAID_WORDS,
    Scene,
    agreement_topic,
    coder_tag,
    protest_cause,
    recalls_before,
)
from geomap.incidents.incident import INCIDENT_TYPES, Incident
from geomap.incidents.judge import MIN_SENTENCES, EventJudge
from geomap.incidents.lexicon import SPREAD_VERBS, VERB_FORM_TO_BASE, VIOLENCE_TYPES, unknown_spot_in
from geomap.incidents.linker import EventLinker
from geomap.incidents.location_rules import chain_of, container, dateline_end
from geomap.incidents.merge import merge_article_incidents
from geomap.incidents.modality import event_modality, modal_kind
from geomap.incidents.offsets import at_offsets
from geomap.incidents.refine_type import refine_kind
from geomap.incidents.senses import doer_words
from geomap.incidents.triggers import Event, casualty_word, references_back
from geomap.model import Mention
from geomap.nlp.docs import doc_text, sentences
from geomap.resolution.containment import inside

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


def _trigger_spans(ev: Event) -> tuple[tuple[int, int], ...]:
    """Offsets of the event's trigger words: the main trigger first, then the folded ones in text order."""
    rest = sorted({t.i: t for t in ev.tokens[1:] if t.i != ev.trigger.i}.values(), key=lambda t: t.i)
    return tuple((t.idx, t.idx + len(t.text)) for t in (ev.trigger, *rest))


def headline_end(text: str) -> int:
    """Where a headline ends: a first line with no full stop, set apart by a blank line; else 0."""
    first, sep, _ = text.lstrip().partition("\n\n")
    first = first.strip()
    if not sep or "\n" in first or len(first) > 200 or first[-1:] in '.!?"”':
        return 0
    return text.index(first) + len(first)


def _aimed_at(ev: Event, cands: Sequence[tuple[Mention, Span]]) -> Mention | None:
    """The place a threatened or planned event spreads to: "attacks would expand to Eilat"."""
    verbs = {t.i for t in (*ev.tokens, *ev.support) if t.lower_ in SPREAD_VERBS}
    for m, sp in cands:
        prep = sp.root.head
        if sp.root.dep_ == "pobj" and prep.lower_ in ("to", "into", "towards") and prep.head.i in verbs:
            return m
    return None


def _befell(tok: Token) -> bool:
    """Whether the verb's subject is whom it befell: "died", "20 injured" (a passive told without
    "were")."""
    return casualty_word(tok) and (tok.tag_ == "VBN" or VERB_FORM_TO_BASE.get(tok.lower_) == "die")


def _targets(ev: Event) -> frozenset[str]:
    """The words of what an event was done to: "detained several of the protesters"."""
    return frozenset(
        w.lower_ for t in ev.tokens for c in t.children if c.dep_ not in ("nsubj", "agent") for w in c.subtree
    )


#: Verbs whose "from" names the place they happen at: a withdrawal happens where the troops leave.
_LEAVING = frozenset({"withdraw", "retreat"})


def _left(ev: Event, cands: Sequence[tuple[Mention, Span]]) -> int | None:
    """Which candidate is the place a withdrawal leaves, which the linker, taught that "from"
    tells an origin ("a driver from Abidjan"), may pass over: "Russian troops withdrew from Kherson"."""
    if VERB_FORM_TO_BASE.get(ev.trigger.lower_) not in _LEAVING:
        return None
    for k, (_, sp) in enumerate(cands):
        prep = sp.root.head
        if sp.root.dep_ == "pobj" and prep.lower_ == "from" and prep.head == ev.trigger:
            return k
    return None


def _conj_root(tok: Token) -> Token:
    """The first of a coordination ``tok`` is in: "Bobo-Dioulasso" in "Ouagadougou and Bobo-Dioulasso"."""
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    return tok


def coordinated_places(chosen: tuple[Mention, Span], cands: Sequence[tuple[Mention, Span]]) -> list[Mention]:
    """The known places coordinated with the chosen one ("in A, B and C"), neither inside the other."""
    mention, span = chosen
    if mention.place is None:
        return []
    first = _conj_root(span.root)
    out = []
    for m, sp in cands:
        if m is mention or m.place is None or m.place.id == mention.place.id or sp.root.i == span.root.i:
            continue
        if _conj_root(sp.root).i != first.i:
            continue
        if inside(m.place, mention.place) or inside(mention.place, m.place):
            continue
        if _bracketed(sp) or _bracketed(span):
            continue  # "near Bhata Dhurian (Poonch, Jammu and Kashmir)": the chain of units it lies in
        out.append(m)
    return out


def _governing_verb(tok: Token) -> Token:
    """The verb a noun phrase hangs on: "staged" for "a sit-in", "took" for "part in a march"."""
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _bracketed(span: Span) -> bool:
    """Whether a name stands in brackets after another: the units a place lies in, as coders write them."""
    doc = span.doc
    opened = next((t for t in reversed(doc[span.sent.start : span.start]) if t.text in "()"), None)
    return opened is not None and opened.text == "("


def extract_incidents(
    doc: Doc,
    mentions: Sequence[Mention],
    *,
    article_id: str,
    linker: EventLinker,
    article_date: str | None = None,
    sents: Sequence[Span] | None = None,
    judge: EventJudge | None = None,
) -> list[Incident]:
    """The incidents of a parsed article, in text order, each with the one place it happened at.

    The place is the learned linker's choice among the sentence's names, scored for
    the whole article in one call; "at an undisclosed location" gives none. Relative dates
    ("on Tuesday") count from ``article_date``, or from the day the dateline states.
    """
    sents = sentences(doc) if sents is None else sents
    found = find_events(doc, mentions, sents)
    if not found:
        return []
    text = doc_text(doc)
    # "SANAA, Yemen - March 12, 2024 - … on Tuesday": the day it was filed, not the day it tells
    dated = dateline_date(text)
    story_from = dated[1] if dated else 0
    if article_date is None and dated is not None:
        article_date = dated[0]
    rows = np.concatenate([f.rows for f in found])
    probs = linker.probabilities(rows)
    decisions = linker.decide([f.cands for f in found], rows, probs)
    incidents: list[Incident] = []
    at = 0
    dates: dict[int, str | None] = {}
    # each sentence's trigger words, so that one event's count is not read inside another's clause
    told: dict[int, set[int]] = {}
    for f in found:
        told.setdefault(f.span[0], set()).update(t.i for t in f.ev.tokens)
    # words that tell an event told before: "three crew were killed in the attack"
    back = {(t.idx, t.idx + len(t.text)) for f in found for t in references_back(f.ev)}
    more: set[tuple[int, int]] = set()
    # sentences by position, and those that told an attack: the toll told next is that attack's
    sent_index = {sp.start: k for k, sp in enumerate(sents)}
    scene = Scene(short=len(sents) < MIN_SENTENCES)
    when_unstated = resolve_date("", article_date)  # the date of a sentence that names none
    # each sentence's protest words: what a protest is about is no event of the report
    protests: dict[int, set[int]] = {}
    # and its agreements: what an agreement ends is no event either
    agreements: dict[int, set[int]] = {}
    for f in found:
        if f.ev.kind == "protest_unrest":
            protests.setdefault(f.span[0], set()).update(t.i for t in f.ev.tokens)
            # and the verb that governs a protest noun: "took part in a march, demanding justice for …"
            protests[f.span[0]].update(_governing_verb(t).i for t in f.ev.tokens)
        elif f.ev.kind == "meeting_diplomacy":
            agreements.setdefault(f.span[0], set()).update(t.i for t in f.ev.tokens)
    for f, decision in zip(found, decisions, strict=True):
        ev = f.ev
        at += len(f.rows)
        if ev.kind != "protest_unrest" and protest_cause(ev.trigger, protests.get(f.span[0], set())):
            continue  # "moto-taxi drivers protested after a colleague was killed"
        if ev.kind != "meeting_diplomacy" and agreement_topic(ev.trigger, agreements.get(f.span[0], set())):
            continue  # "signed a truce, committing to end months of revenge attacks"
        if coder_tag(text, ev.trigger.idx) or recalls_before(f.sent):
            continue  # "[women targeted: girls]", "This follows repeated shelling": no event of the report
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
                confidence = linker.candidate_confidence(float(probs[at - len(f.rows) + filed[0]]))
        left = _left(ev, f.cands) if loc is None and not f.unknown else None
        if left is not None:
            # "troops withdrew from Kherson": a withdrawal is where it left
            loc = f.cands[left][0]
            confidence = linker.candidate_confidence(float(probs[at - len(f.rows) + left]))
        modality = event_modality(ev)
        if loc is None and modality != "asserted":
            # "attacks would expand to Eilat": a threat keeps the place it is aimed at
            loc = _aimed_at(ev, f.cands)
        # "in Tamou (Say, Tillaberi)": a chain of units is one place, coded at its finest level
        chain = chain_of(loc, f.cands, text) if loc is not None else []
        loc = chain[0] if chain else None
        where = loc
        if loc is not None and loc.place is None:
            where = container(loc, ev, f.cands, chain) or loc
        s_start, s_end = f.span
        sentence = text[s_start:s_end]
        if s_start not in dates:
            dates[s_start] = resolve_date(text[max(s_start, story_from) : s_end], article_date)
        kind = modal_kind(refine_kind(ev), modality)
        counts = casualty_counts(ev.tokens, frozenset(told[s_start] - {t.i for t in ev.tokens}))
        if counts.only_nobody:
            back.update(_trigger_spans(ev))  # "nobody was killed": of an event told before
        told_here = bool(incidents) and incidents[-1].sentence_start == f.span[0]
        if counts.additional and kind in VIOLENCE_TYPES and (loc is None or told_here):
            # "two more died in hospital", "…; four militants were also killed": the toll of an event
            # told before, added to it
            more.update(_trigger_spans(ev))
        at_sentence = sent_index.get(f.sent.start, -2)
        if modality == "asserted":
            # "Militants attacked a post in Kaya. Two soldiers and three civilians were killed.",
            # "… The troops returned fire, killing 15 bandits.": one event, its dead added up
            own_date = dates[s_start] != when_unstated
            # "1 worker was killed and around 20 injured": the subject of a bare participle is hurt
            doers = set().union(*(doer_words(t) for t in ev.tokens if not _befell(t)))
            # a place the linker took from an earlier sentence is the earlier event's, not one of its own
            own_place = loc is not None and s_start <= loc.start < s_end
            # "a man who was killed in a shooting": an event noun with "a" is told as a new one
            fresh = any(c.dep_ == "det" and c.lower_ in ("a", "an") for t in ev.tokens for c in t.children)
            # and what it was done to, read only once a protest has been told: nothing else asks
            targets = _targets(ev) if scene.protests else frozenset()
            # the place an event before it names again: "… and arrested four smugglers" near the same town
            spot = loc.text if loc is not None and own_place else None
            same_spot = spot is not None and any(prev.location_name == spot for prev in incidents)
            go_on = scene.follow_on(
                kind, own_place or fresh, own_date, counts, f.sent, at_sentence, doers, targets, same_spot
            )
            if go_on is not None:
                kind = go_on.kind
                if own_place:
                    loc = where = None  # "at protesters near Parliament": a spot of the protest it joins
                if go_on.raid is not None:
                    # "raided a hideout in X. 3 militants were killed in the exchange of fire": an attack
                    incidents[go_on.raid] = replace(incidents[go_on.raid], incident_type="armed_attack")
                back.update(_trigger_spans(ev))
                if go_on.adds:
                    more.update(_trigger_spans(ev))
            else:
                raid = ev.trigger.lower_ in RAID_WORDS
                scene.note(kind, modality, at_sentence, counts, len(incidents) if raid else None)
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
                actors=event_actors(ev),
                fatalities=counts.fatalities,
                affected=counts.affected,
                date=dates[s_start],
                confidence=round(confidence, 3),
                triggers=_trigger_spans(ev),
                modality=modality,
                wounded=counts.wounded,
                affected_kind=counts.affected_kind,
                fatalities_range=counts.fatalities_range,
                cumulative=counts.cumulative,
                # "Doubale" placed at Kaya, or "an unspecified location in Thoubal district" at Thoubal
                contained=where is not loc or (loc is not None and unknown_spot_in(text, loc.start)),
            )
        )
        if loc is not None and decision.location is not None:
            # "protesters marched in A and B": an analyst codes one event per place
            incidents += [
                replace(
                    incidents[-1],
                    location_name=m.text,
                    location_start=m.start,
                    location_end=m.end,
                    place=m.place,
                    precision=m.place.feature_type if m.place else "unknown",
                    contained=False,
                )
                for m in coordinated_places(decision.location, f.cands)
            ]
    # a headline ("Strike on X market kills 12") tells the event of the story's body: it goes
    # after the body, so that the body's report is the one it merges into, with the body's day
    head_end = headline_end(text)
    incidents.sort(key=lambda i: (i.trigger_start < head_end, i.trigger_start, i.trigger_end))
    # one event told in several sentences ("an airstrike on Dnipro killed 7" … "the strike on Dnipro"):
    # one incident, numbered after merging
    incidents = merge_article_incidents(
        incidents,
        when_unstated,
        refers_back=lambda inc: not back.isdisjoint(inc.trigger_spans),
        adds_to_toll=lambda inc: not more.isdisjoint(inc.trigger_spans),
    )
    # "in the Red Sea, about 50 nautical miles west of Hodeidah": at the offset point
    incidents = at_offsets(incidents, text, mentions)
    incidents.sort(key=lambda i: min(i.trigger_spans))
    if judge is not None:
        incidents = judge.apply(doc, incidents, article_date, sents)  # what an analyst would code
    return [replace(inc, id=f"{article_id}-e{n}") for n, inc in enumerate(incidents, 1)]
