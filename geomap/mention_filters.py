"""Filters against look-alikes, the choice among overlapping names, and recurrences of chosen names.

A name that is part of a person's or group's name ("Israel Katz", "Popular Front for the
Liberation of Palestine"), a town name the article uses for a person, a generic word alone
("the Centre") or a stray acronym ("MoD") is no place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from geomap.docs import doc_text
from geomap.mention_gazetteer import NameChecks
from geomap.mention_names import FoundName, whole_word_occurrences

if TYPE_CHECKING:
    from spacy.tokens import Doc


def drop_lookalikes(
    text: str, found: list[FoundName], person_tokens: set[str], checks: NameChecks
) -> list[FoundName]:
    """Drop a person's name taken for a town, a generic word alone and a stray acronym."""
    # A town name the article also uses for a person ("Tyler", after "John Tyler") is that
    # person; a country or region name ("Egypt" in a mis-tagged "Rethinking Egypt") is not.
    found = [
        f
        for f in found
        if text[f[0] : f[1]].lower() not in person_tokens or checks.well_known(text[f[0] : f[1]])
    ]
    found = [f for f in found if f[2] == "DEMONYM" or checks.could_be_named(text[f[0] : f[1]])]
    return found


def choose(found: list[FoundName], lookalikes: Sequence[tuple[int, int]]) -> list[FoundName]:
    """The names kept where found names overlap, longest first; none inside a look-alike."""
    chosen: list[FoundName] = []
    # Longest first, so "Gaza Strip" wins over "Gaza"; model entities before the rest.
    trust = {"GAZ": 1, "PATTERN": 2}
    for start, end, label in sorted(found, key=lambda c: (-(c[1] - c[0]), trust.get(c[2], 0), c[0])):
        if any(start < e and s < end for s, e, _ in chosen):
            continue
        if label == "GAZ" and any(s <= start and end <= e and (s, e) != (start, end) for s, e in lookalikes):
            continue
        chosen.append((start, end, label))
    return chosen


def propagate(
    doc: Doc,
    chosen: list[FoundName],
    lookalikes: Sequence[tuple[int, int]],
    person_tokens: set[str],
    checks: NameChecks,
) -> list[FoundName]:
    """Add every other occurrence of a well-known name already taken as a place."""
    names = {
        doc_text(doc)[s:e]
        for s, e, label in chosen
        if label != "DEMONYM" and e - s > 2 and doc_text(doc)[s:e].lower() not in person_tokens
    }
    names = {n for n in names if checks.strong(n)}
    out = list(chosen)
    for name in names:
        for s, e in whole_word_occurrences(doc_text(doc), name):
            if any(s < ce and cs < e for cs, ce, _ in out):
                continue
            if any(ls <= s and e <= le and (ls, le) != (s, e) for ls, le in lookalikes):
                continue
            if doc.char_span(s, e) is None:
                continue
            out.append((s, e, "GAZ"))
    return out
