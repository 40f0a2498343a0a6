"""Mentions from the model's entities: its places, its demonyms, and well-known places it mislabelled.

The model's GPE/LOC/FAC entities are split at commas and lose a possessive ending; a
demonym among them ("Sri Lankan") is a demonym. A nationality (NORP) or a person's name
that is a demonym ("Sri Lankan officials") is evidence of a country. An organisation or
person whose whole text is a well-known place ("Mauritius", "Tamil Nadu") is that place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from geomap.mentions.checks import NameChecks
from geomap.mentions.names import ORG_WORDS, FoundName

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: What separates two names inside one of the model's entities.
_SPLITTERS = frozenset({",", "(", ")", "[", "]"})


class ModelPlaces:
    """The model's place entities, split into names; a demonym among them is labelled ``DEMONYM``."""

    def __init__(self, checks: NameChecks) -> None:
        self.checks = checks

    def __call__(self, text: str, ents: Sequence[Span]) -> list[FoundName]:
        return [
            self._demonym_or_place(text, part)
            for e in ents
            if e.label_ in PLACE_LABELS
            for part in _entity_names(e)
        ]

    def _demonym_or_place(self, text: str, found: FoundName) -> FoundName:
        """A place entity that is a demonym ("Sri Lankan") is a demonym."""
        start, end, _ = found
        return (start, end, "DEMONYM") if self.checks.only_demonym(text[start:end]) else found


class Demonyms:
    """Nationalities the gazetteer knows ("Yemeni"), and demonyms the model took for a person."""

    def __init__(self, checks: NameChecks) -> None:
        self.checks = checks

    def __call__(self, ents: Sequence[Span]) -> list[FoundName]:
        found: list[FoundName] = []
        for ent in ents:
            if ent.label_ == "NORP":
                if self.checks.gazetteer.demonym(ent.text) is not None:
                    found.append((ent.start_char, ent.end_char, "DEMONYM"))
            elif ent.label_ == "PERSON" and self.checks.only_demonym(ent.text):
                found.append((ent.start_char, ent.end_char, "DEMONYM"))  # "Sri Lankan officials"
        return found


class MislabelledPlaces:
    """Organisations and persons whose whole text is a well-known place: "Mauritius", "Tamil Nadu".

    Not a name with an organisation word ("Dublin City Council"), nor a person's name
    the article also uses as part of a full name ("Tyler", after "John Tyler").
    """

    def __init__(self, checks: NameChecks) -> None:
        self.checks = checks

    def __call__(self, text: str, ents: Sequence[Span], person_tokens: set[str]) -> list[FoundName]:
        found: list[FoundName] = []
        for ent in ents:
            if ent.label_ not in ("ORG", "PERSON"):
                continue
            if ent.label_ == "PERSON" and self.checks.only_demonym(ent.text):
                continue  # a demonym: see Demonyms
            words = {t.lower_ for t in ent}
            if words & ORG_WORDS or (ent.label_ == "PERSON" and ent.text.lower() in person_tokens):
                continue
            named = self.checks.named_here(text, ent.start_char, ent.end_char)
            if named and self.checks.well_known(ent.text):
                found.append((ent.start_char, ent.end_char, "GAZ"))
        return found


def _entity_names(ent: Span) -> list[FoundName]:
    """The place names of a model entity, without a possessive ending, split at commas and brackets.

    The model often takes in the "'s" ("South Korea's pollution") and runs a
    town and its county together ("Thruxton, Hampshire", "Kadugli (Kadugli"): each name is a
    mention of its own.
    """
    out: list[FoundName] = []
    group: list[Token] = []
    for tok in [*ent, None]:
        if tok is not None and tok.text not in _SPLITTERS:
            group.append(tok)
            continue
        while group and (group[-1].tag_ == "POS" or group[-1].text in ("'", "’")):
            group.pop()
        if group and any(t.text[:1].isupper() for t in group):
            out.append((group[0].idx, group[-1].idx + len(group[-1].text), ent.label_))
        group = []
    return out
