"""Places embedded in the names of civic bodies and events: "Dublin City Council", "Sochi Olympics"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from geomap.docs import doc_text
from geomap.mention_gazetteer import NameChecks
from geomap.mention_names import FoundName

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

#: Heads of organisation names that are bodies *of* a place ("Dublin City Council",
#: "Texas Department of Criminal Justice"): their leading place name is a place. Media,
#: teams and armed groups ("The Washington Post", "Texas Rangers") are not on this list.
_CIVIC_HEADS = frozenset(
    """
council councils department board commission committee police sheriff authority assembly
legislature parliament government court county district school schools university college
hospital museum center centre library airport port zoo park society chamber service services
office agency administration bureau city township village municipality fire mayor
""".split()
)


class EmbeddedPlaces:
    """The place each organisation or event entity is named for, where it has one (label ``EMBEDDED``)."""

    def __init__(self, checks: NameChecks) -> None:
        self.checks = checks

    def __call__(self, ents: Sequence[Span]) -> list[FoundName]:
        found: list[FoundName] = []
        for ent in ents:
            if ent.label_ in ("EVENT", "ORG"):
                found += self._embedded(ent)
        return found

    def _embedded(self, ent: Span) -> list[FoundName]:
        """The place a civic body or an event is named for.

        "Dublin" in "Dublin City Council" and "Kentucky" in "University of Kentucky"
        (a civic head word before or after the place), "Sochi" in "Sochi Olympics"
        (an event happens where it is named for). Media, teams and armed groups
        ("The Washington Post", "Popular Front for the Liberation of Palestine")
        have no civic head word and keep their place words to themselves.
        """
        tokens = [t for t in ent if not (t.i == ent.start and t.lower_ == "the")]
        if len(tokens) < 2:
            return []
        words = [t.lower_ for t in tokens]
        civic = [w in _CIVIC_HEADS for w in words]
        if ent.label_ == "EVENT" or civic[-1]:
            found = self._place_at(ent.doc, tokens[:-1], leading=True)
            if found:
                return found
        if "of" in words:
            at = words.index("of")
            if any(civic[:at]):
                rest = tokens[at + 1 :]
                if rest and rest[0].lower_ == "the":
                    rest = rest[1:]
                return self._place_at(ent.doc, rest, leading=False)
        return []

    def _place_at(self, doc: Doc, tokens: list[Token], *, leading: bool) -> list[FoundName]:
        """The longest capitalised run of ``tokens`` (from their start) that is a known place."""
        for k in range(min(3, len(tokens)), 0, -1):
            if not leading and k != len(tokens):
                continue  # after "of", the place must run to the end of the name
            head = tokens[:k]
            if not all(t.text[:1].isupper() for t in head):
                continue
            start, end = head[0].idx, head[-1].idx + len(head[-1].text)
            if self.checks.strong(doc_text(doc)[start:end]):
                return [(start, end, "EMBEDDED")]
        return []
