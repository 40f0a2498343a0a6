"""Sentences that go on telling the event of the sentence before: its toll, the response, the dispersal.

A coder codes "JNIM militants attacked a post in X, killing 6 gendarmes. The army responded,
killing 11 militants." as one battle with 17 dead, and "Hundreds protested in Y. Police fired
tear gas, killing 2 protesters." as one protest with 2 dead. The second sentence names no place
and no day of its own: it says nothing that makes it another event, and it follows at once.
:class:`Scene` remembers, sentence by sentence, which attacks and protests were told and whose
deaths they counted, and says of each later incident whether it continues one of them, as what
type, and whether its toll is more dead (other victims: "11 militants" after "6 gendarmes") or the
same dead told again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from geomap.incidents.lexicon import ATTACK_TYPES, PROTEST_WORDS, RIOTER_WORDS, VIOLENCE_TYPES, words

if TYPE_CHECKING:
    from spacy.tokens import Span

    from geomap.incidents.counts import Counts

#: Openings of a sentence that tell another event: "Separately, two farmers were killed".
ANOTHER_EVENT = words("separately elsewhere meanwhile also earlier later previously")
#: Words anywhere in the sentence that say the event is another one.
_OTHER = words("another other separate elsewhere")
#: Who answers a protest: "police fired tear gas", "security forces dispersed them".
_RESPONDERS = words("police policemen officers forces troops soldiers army security gendarmes gendarmerie")
#: Victims that name no group, so they may be the same dead told again: "12 people were killed".
_ANYONE = words("people persons person individuals victims others one")


@dataclass(frozen=True, slots=True)
class FollowOn:
    """How an incident continues the event told before it: as which type, and whether its dead add."""

    kind: str
    adds: bool


@dataclass(slots=True)
class Scene:
    """The attacks and protests told so far, by sentence index, with the victims each one counted."""

    attacks: dict[int, str | None] = field(default_factory=dict)
    protests: set[int] = field(default_factory=set)

    def note(self, kind: str, modality: str, at: int, counts: Counts) -> None:
        """Remember an asserted attack or protest told in sentence ``at`` that continues none before it."""
        if modality != "asserted":
            return
        if kind in ATTACK_TYPES:
            if counts.fatalities or at not in self.attacks:
                self.attacks[at] = counts.victims if counts.fatalities else None
        elif kind == "protest_unrest":
            self.protests.add(at)

    def follow_on(
        self, kind: str, placed: bool, own_date: bool, counts: Counts, sent: Span, at: int, subjects: set[str]
    ) -> FollowOn | None:
        """Whether an incident of sentence ``at`` continues an attack or protest of that sentence or
        the one before: it names no place and no day of its own, and no word says it is another event."""
        if placed or own_date or counts.cumulative or _another(sent):
            return None
        if kind not in VIOLENCE_TYPES and kind != "protest_unrest":
            return None
        near = (at, at - 1)
        if any(k in self.protests for k in near):
            victims = {counts.victims} & PROTEST_WORDS
            if kind == "protest_unrest" or subjects & (_RESPONDERS | RIOTER_WORDS) or victims:
                return FollowOn("protest_unrest", adds=False)  # "police fired tear gas, killing 2"
        told = [k for k in near if k in self.attacks]
        if not told or kind == "protest_unrest":
            return None
        before = self.attacks[max(told)]
        adds = counts.fatalities is not None and _other_victims(before, counts.victims)
        # the event goes on in this sentence: a toll told next continues it, with the dead counted so far
        self.attacks.setdefault(at, before)
        return FollowOn(kind, adds)


def _another(sent: Span) -> bool:
    """ "Separately, …", "in another attack": the sentence tells another event."""
    return any(t.lower_ in ANOTHER_EVENT for t in sent[:3]) or any(t.lower_ in _OTHER for t in sent)


def _other_victims(before: str | None, now: str | None) -> bool:
    """Whether two counts name different groups of dead ("gendarmes", then "militants"), so that
    they add up; a count of "people" may be the same dead told again."""
    if before is None or now is None or before in _ANYONE or now in _ANYONE:
        return False
    return _singular(before) != _singular(now)


def _singular(noun: str) -> str:
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun
