"""Sentences that go on telling the event of the sentence before: its toll, the response, the dispersal.

A coder codes "JNIM militants attacked a post in X, killing 6 gendarmes. The army responded,
killing 11 militants." as one battle with 17 dead, and "Hundreds protested in Y. Police fired
tear gas, killing 2 protesters." as one protest with 2 dead. The second sentence names no place
and no day of its own: it says nothing that makes it another event, and it follows at once.
:class:`Scene` remembers, sentence by sentence, which attacks and protests were told and whose
deaths they counted, and says of each later incident whether it continues one of them, as what
type, and whether its toll is more dead (other victims: "11 militants" after "6 gendarmes") or the
same dead told again. The same reading of a report's context says which words tell no event of it:
what a protest is about ("protested after a colleague was killed"), a sentence that recalls what came
before ("This follows …"), and a coder's bracketed tag ("[women targeted: girls]").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from geomap.incidents.counts import other_victims
from geomap.incidents.lexicon import (
    ATTACK_TYPES,
    PROTEST_PURPOSES,
    PROTEST_WORDS,
    RESPONDERS,
    RIOTER_WORDS,
    VIOLENCE_TYPES,
    words,
)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from geomap.incidents.counts import Counts

#: Operations that are attacks when a toll follows: "raided a hideout … 3 militants were killed".
RAID_WORDS = words("raid raided raids raiding stormed storm storming")
#: Openings of a sentence that tell another event: "Separately, two farmers were killed".
_ANOTHER_EVENT = words("separately elsewhere meanwhile also earlier later previously")
#: Words anywhere in the sentence that say the event is another one.
_OTHER = words("another other separate elsewhere")
#: People "other" may count without telling another event: "seven other people were injured".
_COUNTED_PEOPLE = words("people persons civilians villagers residents passengers victims soldiers")
#: What follows an event and is coded with it in a short report: arrests, seizures, deployments,
#: flight, statements.
_AFTERMATH = frozenset(
    {
        "arrest_detention",
        "ground_operation",
        "military_plan",
        "displacement_humanitarian",
        "statement_threat",
        "other",
    }
)


@dataclass(frozen=True, slots=True)
class FollowOn:
    """How an incident continues the event told before it: as which type, and whether its dead add."""

    kind: str
    adds: bool
    #: The index of the raid's incident it makes an attack ("raided a hideout … 3 were killed"), if any.
    raid: int | None = None


@dataclass(slots=True)
class Scene:
    """The attacks and protests told so far, by sentence index, with the victims each one counted."""

    #: Whether the text is a short report (a coder's note, a brief): what follows its event is its.
    short: bool = False
    attacks: dict[int, str | None] = field(default_factory=dict)
    protests: set[int] = field(default_factory=set)
    #: The type of the last event each sentence told, for what a short report tells after it.
    kinds: dict[int, str] = field(default_factory=dict)
    #: Raids told by sentence, as the index of their incident: a toll told next makes them attacks.
    raids: dict[int, int] = field(default_factory=dict)

    def note(self, kind: str, modality: str, at: int, counts: Counts, raid: int | None = None) -> None:
        """Remember an asserted attack, toll or protest told in sentence ``at`` that continues none
        before it; ``raid`` is the index of the incident of a raid ("raided a hideout")."""
        if modality != "asserted":
            return
        self.kinds[at] = kind
        if kind in ATTACK_TYPES or kind in VIOLENCE_TYPES:
            if counts.fatalities or at not in self.attacks:
                self.attacks[at] = counts.victims if counts.fatalities else None
            if raid is not None and kind == "ground_operation":
                self.raids[at] = raid
        elif kind == "protest_unrest":
            self.protests.add(at)

    def follow_on(
        self,
        kind: str,
        placed: bool,
        own_date: bool,
        counts: Counts,
        sent: Span,
        at: int,
        doers: set[str],
        targets: frozenset[str] = frozenset(),
        same_spot: bool = False,
    ) -> FollowOn | None:
        """Whether an incident of sentence ``at`` continues an attack or protest of that sentence or
        the one before: it names no place and no day of its own, and no word says it is another event.
        ``doers`` are the words of who did it (not of whom it befell), ``targets`` those of what it
        was done to. ``same_spot``: its place is the one an event before it names."""
        near = (at, at - 1)
        if self._meets_protest(kind, placed, own_date, counts, sent, near, targets):
            # "Police later detained several of the protesters", "… fired tear gas at protesters who
            # threw stones near Parliament": the protest met by force is one event, as coders code it
            self.protests.add(at)
            return FollowOn("protest_unrest", adds=False)
        told_before = [k for k in near if k in self.kinds]
        # in a short report, what follows the event at its own place (or, for flight, wherever the
        # people fled to) is still the event: "… and arrested four smugglers", "thousands fled to Goma"
        aftermath = self.short and kind in _AFTERMATH
        if placed and not (aftermath and (same_spot or kind == "displacement_humanitarian")):
            return None
        # a day of its own tells another event, unless it is the day of this sentence's event
        if (own_date and at not in self.kinds) or counts.cumulative or _another(sent):
            return None
        if aftermath and told_before:
            # "… killing 2 gang members. Soldiers arrested 5 others and seized explosives.": in a
            # short report, what is done after the event, with no place or day of its own, is its
            return FollowOn(self.kinds[max(told_before)], adds=False)
        if kind not in VIOLENCE_TYPES and kind not in ("protest_unrest", "arrest_detention"):
            return None
        if any(k in self.protests for k in near):
            # "police fired tear gas; 1 worker was killed", "a bus was set on fire": what no one is said
            # to have done is the protest's
            victims = ({counts.victims} & PROTEST_WORDS) or not doers
            policed = doers & RESPONDERS
            if kind == "arrest_detention" and not policed:
                return None
            rioters = doers & RIOTER_WORDS
            if kind in ("protest_unrest", "arrest_detention") or policed or rioters or victims:
                # "police fired tear gas, killing 2", "police dispersed the gathering and detained
                # several": a protest met by force, as coders code it
                self.protests.add(at)
                return FollowOn("protest_unrest", adds=False, raid=None)
        if kind == "arrest_detention":
            return None
        told = [k for k in near if k in self.attacks]
        if not told or kind == "protest_unrest":
            return None
        before = self.attacks[max(told)]
        adds = counts.fatalities is not None and (counts.additional or other_victims(before, counts.victims))
        # the event goes on in this sentence: a toll told next continues it, with the dead counted so
        # far ("… killing 17 militants; 2 soldiers were also killed")
        named = before is None and counts.fatalities
        self.attacks[at] = counts.victims if named else self.attacks.get(at, before)
        raid = self.raids.get(max(told)) if kind in VIOLENCE_TYPES else None
        # "militants attacked the post … the army responded with airstrikes": the answer is part of
        # the attack, which keeps its type (a bare toll before says less: the later words say how)
        first = self.kinds.get(max(told)) or self.kinds.get(min(told))
        if first in VIOLENCE_TYPES and first != "casualties" and kind in VIOLENCE_TYPES:
            kind = first
        self.kinds.setdefault(at, kind)
        return FollowOn(kind, adds, raid)

    def _meets_protest(
        self,
        kind: str,
        placed: bool,
        own_date: bool,
        counts: Counts,
        sent: Span,
        near: tuple[int, int],
        targets: frozenset[str],
    ) -> bool:
        """Whether an event of a sentence at or after a protest is done to the protesters, or is what
        they did, in a short report (where a place of its own is a spot in the protest's town)."""
        if own_date or counts.cumulative or not any(k in self.protests for k in near):
            return False
        if any(t.lower_ in _OTHER or t.lower_ == "separately" for t in sent):
            return False
        if placed and not self.short:
            return False
        at_protesters = bool(targets & PROTEST_WORDS) and kind in (*VIOLENCE_TYPES, "arrest_detention")
        return at_protesters or (self.short and kind == "protest_unrest")


def _another(sent: Span) -> bool:
    """ "Separately, …", "in another attack": the sentence tells another event; not "seven other
    people were injured", which counts more people of the same one."""
    return any(t.lower_ in _ANOTHER_EVENT for t in sent[:3]) or any(
        t.lower_ in _OTHER and t.head.lower_ not in _COUNTED_PEOPLE for t in sent
    )


#: Openings by which coders and reporters recall what came before: "This follows …", "It comes after …".
_RECALLING = frozenset(
    {("this", "follows"), ("this", "comes"), ("this", "came"), ("it", "follows"), ("it", "comes")}
)


def recalls_before(sent: Span) -> bool:
    """Whether the sentence recalls earlier events as context ("This follows repeated shelling of the
    camp since December"): none of its events is the report's."""
    words = [t.lower_ for t in sent[:2]]
    return len(words) == 2 and (words[0], words[1]) in _RECALLING


#: Words that tie a protest to what it is about: "protested after a driver was killed", "rallied
#: against the strikes", "demonstrated over the killing of".
_CAUSE_WORDS = words("after following since against over condemn condemning denounce denouncing")


def protest_cause(tok: Token, protests: set[int]) -> bool:
    """Whether ``tok`` tells what a protest of its sentence is about, not an event of the report:
    "drivers protested after a colleague was killed", "rallied to condemn the strikes on Yemen",
    "blocked the road to protest repeated bandit attacks"."""
    passed = False
    while tok.head.i != tok.i:
        passed = passed or tok.lower_ in (_CAUSE_WORDS | PROTEST_PURPOSES)
        passed = passed or any(c.dep_ == "mark" and c.lower_ in _CAUSE_WORDS for c in tok.children)
        objected = tok.dep_ == "dobj" and tok.head.pos_ == "VERB" and tok.head.lower_ in _PROTEST_VERBS
        tok = tok.head
        if tok.i in protests:
            return passed or objected  # "protested the killings": what is protested
    return False


#: Protest verbs whose object is what the protest is against: "protested the killings".
_PROTEST_VERBS = words(
    "protest protests protested protesting denounce denounced denouncing condemn condemned"
)
#: Words by which an agreement tells what it ends or forbids: "a truce including a halt to all
#: operations", "committing to end months of revenge attacks".
_AGREED_ENDS = words(
    "end ends ending halt halting cessation stop stopping cease ceasing ceasefire truce including "
    "prevent preventing refrain refraining renounce renouncing"
)


def agreement_topic(tok: Token, agreements: set[int]) -> bool:
    """Whether ``tok`` tells what an agreement of its sentence ends or forbids, not an event of the
    report: "signed a deal, committing to end months of revenge attacks"."""
    passed = False
    while tok.head.i != tok.i:
        passed = passed or tok.lower_ in _AGREED_ENDS
        tok = tok.head
        if tok.i in agreements:
            return passed
    return False


def coder_tag(text: str, at: int) -> bool:
    """Whether offset ``at`` lies in a coder's bracketed tag: "[women targeted: girls]"."""
    opened = text.rfind("[", 0, at)
    return opened >= 0 and text.find("]", opened, at) < 0 and "\n" not in text[opened:at]
