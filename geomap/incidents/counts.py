"""Counts of an event: the people killed, wounded, and otherwise affected (held, displaced).

Read from the dependency parse around each counting word of the event ("killed", "dead",
"wounded", "arrested"): its victims are the passive subject, the object of an active verb, the
subject of "died", the "of" phrase of "the death of", or the people a verb of "left three
dead" or "shot dead" names. A victim phrase counts as a coder counts it: numbers as written,
a lone person as one ("a man was shot dead"), conjoined groups added ("three soldiers and two
civilians" is 5) but "including" not, a range at its lower figure with both kept ("between 20
and 25"). A toll since a start ("killed since October", "the war has killed 40,000") is a
running total, marked ``cumulative``, and no single event's count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from geomap.incidents.lexicon import ARMED_ACTORS, PERSON_WORDS, words
from geomap.incidents.numbers import SCALE, parse_number

if TYPE_CHECKING:
    from spacy.tokens import Token

_KILL_WORDS = words(
    "killed kill killing kills dead died die dies death deaths massacred murdered executed "
    "assassinated slain beheaded lynched perished fatalities toll neutralised neutralized body bodies"
)
#: Words that count the hurt and the held, with the kind of count each gives.
_AFFECT_KINDS: dict[str, str] = {
    **dict.fromkeys(words("wounded wounding injured injuring injuries hurt"), "wounded"),
    **dict.fromkeys(words("displaced fled fleeing"), "displaced"),
    "evacuated": "evacuated",
    **dict.fromkeys(words("arrested detained captured"), "arrested"),
    **dict.fromkeys(words("abducted kidnapped"), "abducted"),
}
_COUNTED_WORDS = _KILL_WORDS | frozenset(_AFFECT_KINDS)
#: Kill words whose subject is the dead ("a soldier died"); for the others the subject is the killer.
_DYING = words("dead died die dies perished fled fleeing hurt injured wounded")
#: Of those, the ones no object follows: the subject of "died" is the dead, whatever the parse
#: makes of "six people died, among them a man and his two sons".
_INTRANSITIVE = words("died die dies perished")
#: Verbs of "to death": "stabbed to death", "beaten to death".
_TO_DEATH = words("to")
#: "claimed four lives", "cost 12 lives", "took the lives of three".
_LIFE_VERBS = words("claimed claim claims cost costs took take takes")

#: Words that count nobody: "nobody was killed", "none of the crew were hurt".
_NOBODY = words("nobody none noone")
#: Singular pronouns that stand for one person: "he was killed", "shot him dead", "as well as herself".
_ONE_PERSON = words("he him she her himself herself")
#: Singular nouns that are no person, though a kill word can take them ("the deal died").
_NOT_PEOPLE = words(
    "deal talks plan process ceasefire agreement bill project idea hope truce proposal engine "
    "battery phone line deadline motion initiative effort economy market program programme "
    "toll number figure count total"
)
#: What a running total is told against: "the war has killed", "killed in the conflict".
_WAR_NOUNS = words("war conflict fighting violence insurgency offensive campaign pandemic outbreak epidemic")
_SINCE = words("since")
#: "fatally shot", "mortally wounded": a verb of hurting that killed.
_FATALLY = words("fatally mortally")
#: Nouns that count two people: "an elderly couple was found dead".
_PAIRS = words("couple pair")
#: Words that make a victim phrase an addition to a toll told before.
_MORE = words("more another further additional")
#: "One of the attackers was also killed": a kill word so told adds to the dead told before.
_ALSO = words("also too")
#: "A fifth soldier died of his wounds", "a second protester died": one more of the dead.
_ORDINALS = words("second third fourth fifth sixth seventh eighth ninth tenth")


#: Nouns that name people as a side's dead: the lexicon's persons and armed actors, "three guards".
_PEOPLE = (
    PERSON_WORDS
    | ARMED_ACTORS
    | words("guards guard policemen servicemen gendarmes airmen customers residents herders")
)

#: Victim nouns that may name any dead: a count of "people" may be the dead told before again.
_ANYONE = words("people persons person individuals victims others one man men woman women boy girl")


def other_victims(before: str | None, now: str | None) -> bool:
    """Whether two counts name different groups of dead ("gendarmes", then "militants"), so that
    they add up; a count of "people" may be the same dead told again."""
    if before is None or now is None or before in _ANYONE or now in _ANYONE:
        return False
    return _singular(before) != _singular(now)


def _singular(noun: str) -> str:
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def _names_people(noun: str | None) -> bool:
    return noun is not None and any(w in _PEOPLE for w in (noun, _singular(noun), f"{noun}s"))


def _other_people(before: str | None, now: str | None) -> bool:
    """:func:`other_victims`, for two counts of one sentence: both must name people, as a parse that
    runs a headline into the lead may make anything the object of "kills"."""
    return other_victims(before, now) and _names_people(before) and _names_people(now)


@dataclass(frozen=True, slots=True)
class Counts:
    """What the text says an event cost: its dead (and their range), its wounded and the others counted."""

    fatalities: int | None = None
    fatalities_range: tuple[int, int] | None = None
    wounded: int | None = None
    affected: int | None = None
    affected_kind: str | None = None
    cumulative: bool = False
    #: The toll adds to an event told before: "two more died in hospital", "another soldier died".
    additional: bool = False
    #: The noun that names the dead ("soldiers" in "killing 6 soldiers"), lower case, if one does.
    victims: str | None = None

    @property
    def only_nobody(self) -> bool:
        """Whether every stated count is zero: "nobody was killed" tells an event told before."""
        stated = [n for n in (self.fatalities, self.wounded, self.affected) if n is not None]
        return bool(stated) and not any(stated)


def _nobody(noun: Token) -> bool:
    """Whether ``noun`` counts no one: "nobody", "none (of the crew)", "no one" (not the number 1)."""
    if noun.lower_ in _NOBODY:
        return True
    return noun.lower_ == "one" and any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children)


def _number_token(tok: Token) -> int | None:
    parts = [t for t in tok.subtree if t.like_num or t.lower_ in SCALE or t.lower_ == ","]
    text = " ".join(t.text for t in parts if t.text != ",")
    value = parse_number(text) if text else None
    return value if value is not None else parse_number(tok.text)


def _range_of(num: Token) -> tuple[int, int] | None:
    """The figure a number token gives, as (low, high): "12", "6-7", "between 20 and 25"."""
    value = parse_number(num.text)
    if value is None:
        value = _number_token(num)
    if value is None:
        return None
    others = [
        c
        for c in (*num.children, *num.head.children)
        if c.i != num.i and c.like_num and (c.dep_ in ("conj", "prep", "quantmod") or c.head.i == num.i)
    ]
    # "6-7 people" split at the hyphen: the number before it is the low end
    if num.i >= 2 and num.doc[num.i - 1].text in ("-", "–") and not num.doc[num.i - 1].whitespace_:
        low_tok = num.doc[num.i - 2]
        low = parse_number(low_tok.text) if low_tok.like_num and not low_tok.whitespace_ else None
        if low is not None and low < value:
            return low, value
    # "6-7 people": the parser hangs 7 on 6 (or on its noun) across a hyphen or "to"
    bridge = num.doc[num.i + 1] if num.i + 1 < len(num.doc) else None
    if bridge is not None and bridge.text in ("-", "–", "to", "and") and num.i + 2 < len(num.doc):
        after = num.doc[num.i + 2]
        if after.like_num and (
            after in others or after.head.i in (num.i, num.head.i) or bridge.text != "and"
        ):
            high = parse_number(after.text)
            if high is not None and high > value:
                return value, high
    return value, value


def _victims(noun: Token) -> tuple[int, int] | None:
    """How many people a victim phrase counts, as (low, high), or None when it gives no figure.

    Conjoined groups add up ("a man and his two sons" is 3); an "including" phrase does not.
    """
    total = [0, 0]
    first = _one_group(noun)
    for part in (noun, *[c for c in noun.conjuncts if c.i > noun.i]):
        n = first if part is noun else _one_group(part)
        if n is None and first == (1, 1) and part.tag_ == "NN" and part.pos_ == "NOUN":
            n = (1, 1)  # "a husband and wife": the determiner counts both
        bare = not any(c.dep_ == "det" for c in part.children)
        if n is None and part is not noun and part.tag_ == "NNS" and bare:
            n = (0, 0)  # "12 children and teenagers": the number counts both groups
        if n is None:
            return None
        total[0] += n[0]
        total[1] += n[1]
    return total[0], total[1]


def _one_group(noun: Token) -> tuple[int, int] | None:
    if _nobody(noun):
        return 0, 0
    if noun.like_num:
        return _range_of(noun)
    for c in noun.children:
        if c.lower_ in _ORDINALS:
            continue  # "a fifth soldier": one, the ordinal says he adds to those told before
        if c.dep_ == "nummod" or (c.like_num and c.dep_ in ("amod", "quantmod")):
            return _range_of(c)
    if noun.lower_ in _ONE_PERSON:
        return 1, 1
    if noun.pos_ == "ADJ" and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in noun.children):
        return 1, 1  # "a 17-year-old was shot dead"
    if noun.lower_ in _PAIRS and noun.tag_ == "NN":
        return 2, 2
    if noun.pos_ == "PROPN" and noun.ent_type_ in ("PERSON", "") and noun.tag_ == "NNP":
        return 1, 1  # "Ahmed Ali was killed"
    if noun.tag_ == "NN" and noun.lower_ not in _NOT_PEOPLE and noun.pos_ == "NOUN":
        # "a man", "the commander", "a village chief": one person, unless a vague quantity
        if any(
            c.dep_ == "det" and c.lower_ in ("a", "an", "the", "this", "that", "another")
            for c in noun.children
        ):
            return 1, 1
        if any(c.dep_ == "poss" for c in noun.children):
            return 1, 1  # "his son"
    return None


def _counted_noun(t: Token) -> Token | None:
    """The victim phrase of the counting word ``t``, found from the parse."""
    word = t.lower_
    # the subject of "killed" or "arrested" is who did it; of "died" or "fled", who it befell
    if word in _INTRANSITIVE:
        deps: tuple[str, ...] = ("nsubj", "nsubjpass")
    else:
        deps = ("nsubjpass", "dobj", "nsubj") if word in _DYING else ("nsubjpass", "dobj")
    for dep in deps:
        for c in t.children:
            if c.dep_ == dep and c.tag_ in ("WP", "WDT") and t.dep_ == "relcl":
                return t.head  # "the soldier who was killed"
            if c.dep_ == dep and (c.pos_ != "PRON" or _nobody(c) or c.lower_ in _ONE_PERSON):
                return c
    for c in t.children:
        if c.dep_ == "prep" and c.lower_ == "between" and t.pos_ == "VERB":
            # "killing between 6 and 9 people": the range parsed as a phrase of the verb
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    if t.dep_ == "acl" and t.head.dep_ == "conj" and t.head.pos_ == "NOUN":
        # "1 soldier and 7 militants killed": the clause hangs on the last of the conjoined groups
        first = t.head
        while first.dep_ == "conj" and first.head.pos_ in ("NOUN", "PROPN"):
            first = first.head
        return first
    if word in ("toll", "fatalities") and (figure := toll_figure(t)) is not None:
        return figure
    if word in ("body", "bodies") and not any(c.dep_ == "prep" and c.lower_ == "of" for c in t.children):
        return t  # "4 bodies were found", "a body was recovered"
    if t.pos_ == "NOUN" and any(c.dep_ == "nummod" for c in t.children):
        return t  # "144 deaths", "12 fatalities"
    if t.pos_ == "NOUN" or word in ("death", "deaths", "killing", "killings"):
        # "the death of 2 fighters", "the killing of a journalist"
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                objs = [g for g in c.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0]
    if word in ("death",) and t.dep_ == "pobj" and t.head.lower_ in _TO_DEATH:
        # "a man was stabbed to death": the victims of the verb the phrase hangs on
        verb = t.head.head
        for dep in ("nsubjpass", "dobj", "nsubj"):  # "bled to death": the subject bled
            for c in verb.children:
                if c.dep_ == dep:
                    return c
    shot_dead = word == "dead" and t.dep_ == "advmod"  # "gunmen shot dead a village chief"
    if t.dep_ in ("amod", "acomp", "oprd", "conj", "advcl", "acl", "ccomp", "xcomp") or shot_dead:
        h = t.head
        # "left three people dead": the object of "left"; "was shot dead": the subject of "shot"
        # "X is dead": the subject of the copula
        near_deps = ("dobj", "nsubjpass", "nsubj") if t.dep_ == "acomp" else ("dobj", "nsubjpass")
        beside = t.dep_ in ("oprd", "acomp", "xcomp") or shot_dead
        near = [g for g in h.children if g.dep_ in near_deps] if beside else []
        # "gunmen shot dead a teacher": the object is the dead, before the subject who shot
        near.sort(key=lambda g: near_deps.index(g.dep_))
        for c in [*t.children, *near, h]:
            if c.i == t.i:
                continue
            if c.like_num or c.dep_ in ("nsubj", "nsubjpass", "dobj") or c is h:
                if c.pos_ in ("NOUN", "NUM", "PROPN") and (c is not h or t.dep_ in ("amod", "acl")):
                    return c
                if c is not h and (c.lower_ in _ONE_PERSON or (c.pos_ == "ADJ" and c.dep_ == "nsubjpass")):
                    return c  # "shot him dead", "a 17-year-old was shot dead"
                if c.pos_ in ("NOUN", "NUM", "PROPN") and c is h and _one_group(c) is not None and c.like_num:
                    return c
    return None


#: Verbs a bare "the toll" rises by: "the toll rose to 9" after a deadly event is its death toll.
_TOLL_RISES = words("rise rose risen rises climb climbed climbs reach reached reaches stand stood stands")


def death_toll(toll: Token) -> bool:
    """Whether the noun "toll" is a count of the dead: "the death toll", "the casualty toll", or a
    bare "the toll rose to 9" (not "a toll road", "took a toll on")."""
    if any(c.lower_ in ("death", "casualty") for c in toll.children):
        return True
    the = any(c.dep_ == "det" and c.lower_ == "the" for c in toll.children)
    return the and toll.dep_ == "nsubj" and toll.head.lower_ in _TOLL_RISES


def toll_figure(toll: Token) -> Token | None:
    """The number a death toll is given as: "the death toll rose to 9", "raised the toll to 60",
    "a death toll of 12", "the toll stood at 30", as coders write it "fatalities coded as 13"."""
    if toll.lower_ == "toll" and not death_toll(toll):
        return None
    for holder in (toll, toll.head):
        for c in holder.children:
            if c.dep_ == "prep" and c.lower_ in ("to", "at", "of", "as"):
                nums = [g for g in c.children if g.dep_ == "pobj" and g.like_num]
                if nums:
                    return nums[0]
    return None


def _cumulative(t: Token) -> bool:
    """Whether the toll of ``t`` runs since a start: "killed since October", "the war has killed"."""
    heads = [t, *([t.head] if t.dep_ in ("acl", "amod", "oprd", "xcomp", "conj") else [])]
    for h in heads:
        perfect = any(c.dep_ == "aux" and c.lower_ in ("has", "have") for c in h.children)
        for c in h.subtree:
            if c.lower_ in _SINCE and c.head.i in (h.i, *[g.i for g in h.children]):
                return True
        subjects = [c for c in h.children if c.dep_ in ("nsubj", "agent")]
        subjects += [g for c in h.children if c.dep_ == "agent" for g in c.children]
        if perfect and any(s.lower_ in _WAR_NOUNS for s in subjects):
            return True
        phrases = [
            g for c in h.children if c.dep_ == "prep" and c.lower_ in ("in", "during") for g in c.children
        ]
        if perfect and any(p.lower_ in _WAR_NOUNS for p in phrases):
            return True
    return False


def _lives(t: Token) -> int | None:
    """ "claimed four lives": the count of a life verb's object."""
    if t.lower_ not in _LIFE_VERBS:
        return None
    for c in t.children:
        if c.dep_ == "dobj" and c.lower_ in ("lives", "life"):
            n = _one_group(c)
            return n[0] if n else None
    return None


def _victim_noun(noun: Token | None) -> str | None:
    """The noun that names the dead, lower case: "soldiers"; "attackers" in "one of the attackers".
    A name ("Baer died") may be anyone told before: none."""
    if noun is None:
        return None
    if noun.pos_ == "NUM":
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                objs = [g for g in c.children if g.dep_ == "pobj" and g.pos_ == "NOUN"]
                if objs:
                    return objs[0].lower_
    return noun.lower_ if noun.pos_ == "NOUN" else None


def _additional(t: Token, noun: Token | None) -> bool:
    """Whether the dead the kill word ``t`` counts add to dead told before: "two more died",
    "another soldier died", "a fifth soldier died of his wounds", "one attacker was also killed"."""
    if noun is not None:
        if any(c.lower_ in _MORE for c in noun.subtree):  # the subtree holds the noun itself
            return True
        if any(c.lower_ in _ORDINALS and c.dep_ == "amod" for c in noun.children):
            return True
    verb = t if t.pos_ in ("VERB", "AUX") else t.head
    return any(c.dep_ == "advmod" and c.lower_ in _ALSO for c in verb.children)


def _told_by_another(tok: Token, trigger: Token, others: frozenset[int]) -> bool:
    """Whether ``tok`` lies in the part of ``trigger``'s subtree that another event's trigger heads."""
    while tok.i != trigger.i:
        if tok.i in others:
            return True
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _fatal(t: Token) -> bool:
    """ "fatally shot", "mortally wounded": a hurting verb that tells a death."""
    return any(c.dep_ == "advmod" and c.lower_ in _FATALLY for c in t.children)


def casualty_counts(tokens: list[Token], others: frozenset[int] = frozenset()) -> Counts:
    """The counts of the event whose trigger words are ``tokens`` (triggers plus coordinated verbs).

    ``others`` are the token indices of the sentence's other events' triggers: "fled after an
    airstrike killed 12" tells the strike's toll, not the flight's.
    """
    fatalities: tuple[int, int] | None = None
    wounded = affected = None
    affected_kind = None
    cumulative = additional = False
    victims = None
    seen: set[int] = set()
    queue = list(tokens)
    hosts = list(tokens)
    for t in tokens:
        # "the attack led to the death of 2 fighters", "the blast claimed four lives"
        if t.dep_ in ("nsubj", "nsubjpass") and t.head.pos_ in ("VERB", "AUX") and t.head.i not in others:
            hosts.append(t.head)
    for t in hosts:
        counted = [
            c
            for c in t.subtree
            if (c.lower_ in _COUNTED_WORDS or c.lower_ in _LIFE_VERBS) and c.i not in seen
        ]
        conjoined = [c for c in t.children if c.dep_ == "conj" and c.lower_ in _COUNTED_WORDS]
        queue += [c for c in conjoined if c.i not in others]
        queue += [c for c in counted if not (others and _told_by_another(c, t, others))]
    queue = [t for t in queue if t.i not in others]
    for t in queue:
        if t.i in seen:
            continue
        seen.add(t.i)
        word = t.lower_
        lives = _lives(t)
        if lives is not None:
            if fatalities is None:
                fatalities = (lives, lives)
            continue
        fatal = _fatal(t)
        if word not in _COUNTED_WORDS and not fatal:
            continue
        noun = _counted_noun(t)
        n = _victims(noun) if noun is not None else None
        if n is None:
            prev = t.nbor(-1) if t.i > t.doc[0].i else None
            if prev is not None and prev.like_num:
                n = _range_of(prev)
        if n is None:
            continue
        if word in _KILL_WORDS or fatal:
            named = _victim_noun(noun)
            extra = _additional(t, noun)
            if fatalities is None:
                fatalities = n
                cumulative = _cumulative(t)
                additional = extra
                victims = named
            elif not cumulative and not _cumulative(t) and (extra or _other_people(victims, named)):
                # "three soldiers were killed …; four militants were also killed": every side's dead
                fatalities = (fatalities[0] + n[0], fatalities[1] + n[1])
        elif _AFFECT_KINDS[word] == "wounded":
            wounded = n[0] if wounded is None else wounded
        elif affected is None:
            affected, affected_kind = n[0], _AFFECT_KINDS[word]
    if affected is None and wounded is not None:
        affected, affected_kind = wounded, "wounded"  # the field's older meaning: the hurt, first
    return Counts(
        fatalities=fatalities[0] if fatalities else None,
        fatalities_range=fatalities if fatalities and fatalities[0] != fatalities[1] else None,
        wounded=wounded,
        affected=affected,
        affected_kind=affected_kind,
        cumulative=cumulative,
        additional=additional,
        victims=victims,
    )
