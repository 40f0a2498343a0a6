"""Trigger finding: the events of a sentence, one per event word or group of words that tell one event.

A word of the lexicon is a trigger when the parse says it reports an event in that sense;
the words of one event ("killed … and wounded", "killed in the bombardment", "shelling left
three dead") fold into the first, its host.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from geomap.incidents.counts import death_toll, toll_figure
from geomap.incidents.lexicon import (
    ARMED_ACTORS,
    ATTACK_TYPES,
    COME_FORMS,
    HAPPEN_VERBS,
    IMPACT_VERBS,
    LIGHT_VERBS,
    NOUN_TYPES,
    PERSON_WORDS,
    PROTEST_WORDS,
    SPREAD_VERBS,
    VERB_FORM_TO_BASE,
    VERB_TYPES,
    VIOLENCE_TYPES,
    event_word_ids,
    words,
)
from geomap.incidents.merge import more_specific_type
from geomap.incidents.senses import (
    SENSE_CHECKS,
    air_defence,
    bodies_found,
    doer_words,
    is_figurative,
    labour_strike,
    military_operation,
    opened_fire,
    subject_words,
)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


@dataclass(slots=True)
class Event:
    """One event of a sentence: its trigger, type, the trigger words folded into it, and verbs carrying it."""

    trigger: Token
    kind: str
    tokens: list[Token]  # the trigger and the triggers folded into it
    support: list[Token] = field(default_factory=list)  # light verbs that carry it: "occurred", "came under"


#: Determiners that make an event noun a reference to an event told before: "in the attack".
_DEFINITE = frozenset({"the", "this", "that"})
#: Modifiers that make a definite event noun another event: "the next meeting", "the latest attack".
_ANOTHER = frozenset({
    "next", "last", "previous", "upcoming", "first", "second", "third", "latest", "earlier",
    "later", "future", "new", "recent", "past", "final", "planned", "other",
})  # fmt: skip


def _names_another(tok: Token) -> bool:
    """Whether a definite event noun's own words say which event it is, so it may be a new one:
    "the shooting of a journalist", "the April meeting", "the next meeting"."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            return True
        if child.lower_ in _ANOTHER or child.ent_type_ in ("DATE", "TIME"):
            return True
    return False


#: Event nouns with no singular in news: "the talks" is one event told again.
_PLURAL_ONLY = frozenset({"talks", "negotiations"})


def references_back(ev: Event) -> list[Token]:
    """The event's words that name it as an event already told: a singular event noun with a
    definite determiner ("killed in the attack", "the strike", "the talks"), or a verb said
    "again" ("negotiators met again"); not "an attack", "attacks", or a noun whose own words
    tell which event ("the shooting of a journalist")."""
    return [tok for tok in ev.tokens if _definite_event(tok) or _told_again(tok)]


def _definite_event(tok: Token) -> bool:
    """ "the attack", "the talks": a definite event noun that does not say which event it is."""
    return (
        (tok.tag_ == "NN" or tok.lower_ in _PLURAL_ONLY)
        and any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in tok.children)
        and not _names_another(tok)
    )


def _told_again(tok: Token) -> bool:
    """ "negotiators met again": the event word says it happens once more."""
    return any(c.dep_ == "advmod" and c.lower_ == "again" for c in tok.children)


#: Entity labels that make a word a name, not an event: "Shell", "Fire Department", "Operation Cast Lead".
_NAME_ENTS = frozenset({"PERSON", "ORG", "WORK_OF_ART", "LAW", "GPE", "LOC", "FAC"})


def never_a_trigger(tok: Token) -> bool:
    """A word that no parse makes a trigger: a date ("on March 2"), a name, a capitalised proper noun.

    It reads only the tagger's and the recogniser's output, so the event parser asks it
    before parsing: the parse can turn a proper noun into an auxiliary, never into a verb.
    """
    if tok.ent_type_ in ("DATE", "TIME"):
        return True
    if tok.ent_type_ in _NAME_ENTS and tok.pos_ != "VERB":
        return True
    return tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.i != 0


def trigger_kind(tok: Token) -> str | None:
    word = tok.lower_
    if never_a_trigger(tok):
        return None
    if word == "sit":
        return "protest_unrest" if _sit_in(tok) else None  # "staged a sit-in", however it is parsed
    if tok.dep_ in ("compound",) and tok.head.pos_ in ("NOUN", "PROPN"):
        return None
    if tok.dep_ in ("pobj", "pcomp") and tok.head.lower_ == "without":
        return None  # "withdrew without fighting": it did not happen
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
        if base in ("shoot", "destroy") and air_defence(tok):
            return "military_plan"  # "shot down 34 drones": air defence, not an attack on the place
        if base in SENSE_CHECKS and not SENSE_CHECKS[base](tok):
            return None
        if alleged(tok):
            return None  # "a herder suspected of killing a farmer": what someone is accused of
        if _describes_fighters(tok):
            return None  # "clashed with advancing troops": a participle that describes them
        verb_kind = VERB_TYPES[base]
        if base in ("burn", "torch", "set") and _objects_words(tok) & TYRE_WORDS:
            return "protest_unrest"  # "burned tyres and blocked the road": a protest's barricade
        if verb_kind in _FIGHTING and doer_words(tok) & PROTEST_WORDS:
            return "protest_unrest"  # "protesters stormed the parliament": unrest, not a raid
        return verb_kind
    if tok.pos_ in ("NOUN", "PROPN", "ADJ"):
        if tok.pos_ == "ADJ" and tok.dep_ == "amod" and word != "dead":
            return None  # "a halt to all offensive operations": a word that describes a noun
        if word == "streets":
            return "protest_unrest" if _took_to_streets(tok) else None
        if alleged(tok):
            return None  # "arrested on charges of leading riots"
        if word == "dead" and tok.pos_ != "ADJ":
            return None
        if word == "fire":
            return "armed_attack" if opened_fire(tok) else None  # not "a house fire"
        kind = NOUN_TYPES.get(word)
        if word == "toll" and not death_toll(tok):
            return None  # "a toll road", "took a toll on"
        if tok.tag_ == "NNS" and _trend(tok):
            return None  # "attacks have surged across the Sahel": a trend, no event
        if word in ("operation", "operations") and not military_operation(tok):
            return None  # "a surgical operation", "business operations"
        if word in ("strike", "strikes") and labour_strike(tok):
            return "protest_unrest"  # "the national strike called by the unions"
        if word in ("body", "bodies") and not bodies_found(tok):
            return None  # "a governing body", "the body of the text"
        if word == "fatalities" and not _figure_given(tok):
            return None  # "Fatalities unknown.": no event, no figure
        if word in ("patrol", "patrols") and (
            _attacked(tok) or (tok.dep_ == "pobj" and tok.head.lower_ == "on")
        ):
            return None  # "a military patrol was ambushed", "a vehicle on patrol": no operation told
        if word == "protest" and tok.dep_ == "dobj" and tok.head.lower_ in _LODGED:
            return None  # "the BGB lodged a protest with the BSF": a diplomatic complaint
        if kind is None and word in VERB_FORM_TO_BASE and tok.tag_ in ("VBD", "VBN", "VBG"):
            base = VERB_FORM_TO_BASE[word]
            if base in SENSE_CHECKS and not SENSE_CHECKS[base](tok):
                return None
            return VERB_TYPES[base]
        return kind
    return None


#: Verbs that tell a trend of many events: "attacks have surged", "protests grew".
_TREND_VERBS = frozenset(
    "surged surge surges soared increased increase increases rose risen rise rises grew grown grow "
    "intensified escalated declined decreased dropped fallen fell doubled tripled mounted spiked "
    "multiplied slowed".split()
)


#: Verbs of a formal complaint: "lodged a protest with the embassy".
_LODGED = frozenset("lodged lodge lodges filed file files registered register submitted".split())


#: Words that make an event what someone is accused of: "suspected of killing", "charges of looting".
_ACCUSED = words(
    "suspected suspect suspicion accused accusing accuse accuses accusation accusations charged charges "
    "charge convicted conviction alleged allegedly"
)


#: Entities that make an alleged act an event told with its own place or day.
_TOLD_ENTS = frozenset({"GPE", "LOC", "FAC", "ORG", "DATE"})


def alleged(tok: Token) -> bool:
    """Whether an event word is what someone is accused of, not an event told: "a herder suspected of
    killing a farmer", "arrested on charges of leading riots", "accusing them of looting"."""
    below = tok
    for anc in list(tok.ancestors)[:4]:
        if anc.lower_ in _ACCUSED:
            # "suspected of", "charges of", "charged with", "arrested for"; not "suspected to be militants"
            accused = below.dep_ == "acl" or (below.dep_ == "prep" and below.lower_ in ("of", "with", "for"))
            # "charged with robbing the Evansville Credit Union on Dec. 5" still tells the robbery
            return accused and not any(w.ent_type_ in _TOLD_ENTS for w in tok.subtree)
        if anc.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass") for c in anc.children):
            return False  # a clause of its own: "police said the men killed …"
        below = anc
    return False


def _describes_fighters(tok: Token) -> bool:
    """ "clashed with advancing IDF troops", "relatives of captured soldiers", parsed as a participle
    taking the troops as its object."""
    if tok.dep_ != "pcomp":
        return False
    active = tok.tag_ == "VBG" and tok.head.lower_ in ("with", "against")
    passive = tok.tag_ == "VBN" and tok.head.lower_ in ("of", "with", "for")  # a passive takes no object
    return (active or passive) and any(
        c.dep_ == "dobj" and c.lower_ in (ARMED_ACTORS | PERSON_WORDS) for c in tok.children
    )


#: What protesters burn on the road: "burned tyres".
TYRE_WORDS = words("tyre tyres tire tires")
#: Verbs of "took to the streets".
_TO_THE_STREETS = words("took take takes taking taken poured pour pouring flooded")


def _took_to_streets(tok: Token) -> bool:
    """ "thousands took to the streets": a protest told without a protest word."""
    prep = tok.head
    return tok.dep_ == "pobj" and prep.lower_ == "to" and prep.head.lower_ in _TO_THE_STREETS


def _objects_words(tok: Token) -> set[str]:
    return {w.lower_ for c in tok.children if c.dep_ == "dobj" for w in c.subtree}


def _figure_given(tok: Token) -> bool:
    """Whether "fatalities" is given a figure ("12 fatalities", "fatalities coded as 13") or tells
    the toll of an event ("resulted in 3 fatalities")."""
    return any(c.like_num for c in tok.children) or toll_figure(tok) is not None


def _attacked(tok: Token) -> bool:
    """Whether a patrol is what an attack hit: "ambushed a patrol", "a patrol was attacked"."""
    head = tok.head
    base = VERB_FORM_TO_BASE.get(head.lower_)
    hit = tok.dep_ in ("dobj", "nsubjpass") and base is not None and VERB_TYPES[base] in VIOLENCE_TYPES
    on = tok.dep_ == "pobj" and head.lower_ in ("on", "against") and head.head.lower_ in NOUN_TYPES
    return hit or on


def _trend(tok: Token) -> bool:
    """Whether a plural event noun is the subject of a trend: "attacks on shipping have surged"."""
    return tok.dep_ in ("nsubj", "nsubjpass") and tok.head.lower_ in _TREND_VERBS


def _sit_in(tok: Token) -> bool:
    """Whether "sit" is the first word of "sit-in", which the tokenizer splits."""
    doc = tok.doc
    return tok.i + 2 < len(doc) and doc[tok.i + 1].text == "-" and doc[tok.i + 2].lower_ in ("in", "ins")


def _trigger_word(tok: Token) -> bool:
    return tok.lower_ in VERB_FORM_TO_BASE or tok.lower_ in NOUN_TYPES


def _host_of(tok: Token, kind: str, by_index: dict[int, Event]) -> Event | None:
    """The trigger this one is part of ("killed … and wounded", "killed in the bombardment"), if any."""
    head = tok.head
    host = by_index.get(head.i) if head.i != tok.i else None
    if host is not None:
        own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
        if tok.dep_ == "conj" and not own_subject and _same_family(host.kind, kind):
            return host  # "killed one civilian and wounded four"
        if tok.dep_ == "conj" and casualty_word(tok) and casualty_word(head) and _counted_subject(tok):
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
        participle = tok.dep_ == "advcl" and not own_subject and unmarked and tok.tag_ == "VBG"
        if participle and host.kind == "protest_unrest" and kind in VIOLENCE_TYPES:
            return host  # "rioted in Mombasa, looting shops": what the rioters did is the riot
        if participle and host.kind == "ground_operation" and kind in VIOLENCE_TYPES:
            return host  # "raided the village, killing 3": the raid's toll
        if participle and host.kind in ATTACK_TYPES and kind == "displacement_humanitarian":
            return host  # "attacked the village, killing 6 and displacing residents": what the attack did
        displaced = kind == "displacement_humanitarian" and tok.tag_ == "VBG"
        if tok.dep_ == "conj" and not own_subject and displaced and host.kind in _FIGHTING:
            return host  # "… killing 6 people and displacing residents": what the same attack did
        protest_did = kind in _FIGHTING or kind == "other"
        if tok.dep_ == "conj" and not own_subject and host.kind == "protest_unrest" and protest_did:
            return host  # "protesters stormed the parliament and set it on fire": what the protest did
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
        if said and prep.lower_ not in PLAN_PREPS:
            return None  # "warned residents after the attack": the attack happened, the warning followed
        if host is not None and prep.lower_ in ("in", "during", "by", "of", "after", "from", "amid"):
            return host  # "killed in the bombardment"
    # "plans to launch an offensive", "threatened to attack": the plan or threat is the incident
    for anc in tok.ancestors:
        if anc.dep_ == "prep" and anc.lower_ not in PLAN_PREPS:
            break  # "warned residents after the attack": the attack is no part of the warning
        ev = by_index.get(anc.i)
        if ev is not None and ev.kind in ("military_plan", "statement_threat"):
            return ev
        if anc.dep_ in ("relcl", "advcl", "ccomp", "parataxis", "conj") or anc.pos_ == "AUX":
            break
    return None


#: Prepositions by which a plan or threat governs its event ("warned of an attack", "the plan for an
#: operation"); "after", "since", "during" tell the time of another event instead.
PLAN_PREPS = frozenset({"for", "of", "to", "on", "against", "into", "toward", "towards"})


#: Types of fighting: acts of violence and ground operations.
_FIGHTING = VIOLENCE_TYPES | ATTACK_TYPES
#: Conjunctions of a clause that tells the circumstances of an event: "as fighting spread".
_WHILE = frozenset({"as", "while", "amid"})
#: Prepositions of a noun phrase that tells an event's circumstances: "after days of fighting",
#: "as part of their offensive".
_AROUND = frozenset({"after", "amid", "during", "in", "as", "following"})


def context_host(tok: Token, kind: str, by_index: dict[int, Event]) -> Event | None:
    """The event whose circumstances ``tok`` tells, in words that make it no event of its own:

    - a clause of time or manner, reached through verbs that are no event words: "clashed in X as
      fighting spread across the region", "clashed as the LNA pressed its offensive", "attacked
      positions, sparking clashes that lasted hours";
    - a noun phrase of circumstance: "recaptured the town after several days of fighting",
      "launched an attack as part of their offensive";
    - a clause that describes what an event acted on: "shot down 12 drones fired by the Houthis".

    The host keeps its own type: the circumstances do not say what happened.
    """
    if kind == "arrest_detention" and tok.dep_ in ("acl", "relcl"):
        # "a man detained on theft charges died in custody": who the person was, not an event
        person = tok.head
        host = by_index.get(person.head.i) if person.dep_ in ("nsubj", "nsubjpass") else None
        if host is not None and host.kind == "casualties":
            return host
    if kind not in _FIGHTING:
        return None
    cur = tok
    for _ in range(4):  # through verbs that are no event words
        head = cur.head
        if head.i == cur.i:
            break
        host = by_index.get(head.i)
        if cur.dep_ == "advcl" and _circumstance(cur):
            if host is not None and host.kind in _FIGHTING:
                return host
        elif (
            host is not None or cur.dep_ not in ("nsubj", "nsubjpass", "dobj", "advcl") or head.pos_ != "VERB"
        ):
            break
        cur = head
    phrase = tok
    while phrase.dep_ == "pobj" and phrase.head.lower_ == "of" and phrase.head.head.dep_ == "pobj":
        phrase = phrase.head.head  # "days of fighting", "part of their offensive"
    if phrase.dep_ == "pobj" and phrase.head.lower_ in _AROUND:
        verb = phrase.head.head
        # "launched an attack …, as part of": the event the verb carries
        carried = (by_index.get(c.i) for c in verb.children if c.dep_ == "dobj")
        host = by_index.get(verb.i) or next((h for h in carried if h is not None), None)
        if host is not None and host.kind in _FIGHTING:
            return host
    if tok.dep_ == "acl" and tok.tag_ == "VBN":
        target = tok.head
        while target.dep_ in ("conj", "appos") or (target.dep_ == "pobj" and target.head.lower_ == "of"):
            target = target.head.head if target.dep_ == "pobj" else target.head
        host = by_index.get(target.head.i) if target.dep_ in ("dobj", "nsubjpass") else None
        if host is not None and (host.kind == "military_plan" or host.kind in _FIGHTING):
            return host  # "shot down 12 drones fired by Houthi forces": the drones' launch is the same event
    return None


def _circumstance(clause: Token) -> bool:
    """Whether a clause tells an event's circumstances: "as fighting spread", "sparking clashes"."""
    marks = {c.lower_ for c in clause.children if c.dep_ == "mark"}
    if marks & _WHILE:
        return True
    own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children)
    return not marks and not own_subject and clause.tag_ == "VBG"


def _counted_subject(tok: Token) -> bool:
    """Whether the verb's subject is a bare number ("and five wounded"): the same people's toll."""
    return all(c.like_num for c in tok.children if c.dep_ in ("nsubj", "nsubjpass"))


def _toll_verb(tok: Token) -> Token | None:
    """The verb such as "left" whose object ``tok`` counts as dead or hurt: "left three people dead"."""
    if tok.lower_ != "dead" and not casualty_word(tok):
        return None
    head = tok.head
    if tok.dep_ in ("oprd", "acomp", "ccomp", "xcomp") and head.pos_ in ("VERB", "AUX"):
        return head  # "left three people dead"
    if tok.dep_ == "acl" and head.dep_ == "dobj" and head.head.pos_ in ("VERB", "AUX"):
        return head.head  # "left five people wounded"
    return None


def sentence_events(sent: Span, lower: Sequence[int]) -> list[Event]:
    """The sentence's events; ``lower`` is the doc's LOWER array, as a list."""
    found: list[Event] = []
    doc = sent.doc
    for i in range(sent.start, sent.end):
        if lower[i] not in EVENT_WORD_IDS:
            continue  # only a word of the lexicon can be a trigger
        tok = doc[i]
        kind = trigger_kind(tok)
        if kind is not None and not is_figurative(tok):
            if tok.lower_ == "fire" and opened_fire(tok):
                # "opened fire on the convoy"; "set buses on fire": the verb reports the attack
                firing = tok.head if tok.dep_ == "dobj" else tok.head.head
                found.append(Event(firing, kind, [firing, tok]))
            else:
                found.append(Event(tok, kind, [tok]))
    by_index = {e.trigger.i: e for e in found}
    host_of = {}
    context: set[int] = set()  # events that only tell another's circumstances: the host keeps its type
    for ev in found:
        host = _host_of(ev.trigger, ev.kind, by_index)
        if host is None:
            host = context_host(ev.trigger, ev.kind, by_index)
            if host is not None:
                context.add(ev.trigger.i)
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
        if ev.trigger.i in context and root.kind != "casualties":
            continue  # circumstances do not retype an event; a bare toll they do ("as a result of shelling")
        if root.kind == "ground_operation" and ev.kind in VIOLENCE_TYPES:
            root.kind = "armed_attack"  # "raided the village, killing 3 villagers": a raid that kills attacks
        elif root.kind == "casualties" and ev.kind in ATTACK_TYPES:
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
    toll = casualty_word(tok) and tok.tag_ == "VBG"
    if toll and tok.dep_ in ("advcl", "acl") and not subject_words(tok):
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


def casualty_word(tok: Token) -> bool:
    """Whether ``tok`` is a form of a verb that counts the dead or hurt: "killing", "wounded"."""
    return VERB_TYPES.get(VERB_FORM_TO_BASE.get(tok.lower_, "")) == "casualties"


def _same_family(a: str, b: str) -> bool:
    return a == b or {a, b} <= VIOLENCE_TYPES


#: The string ids of the event words, to skip sentences without one from the doc's LOWER array.
EVENT_WORD_IDS = event_word_ids()
