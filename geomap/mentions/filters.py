"""Filters against look-alikes, the choice among overlapping names, and recurrences of chosen names.

A name that is part of a person's or group's name ("Israel Katz", "Popular Front for the
Liberation of Palestine"), a town name the article uses for a person, a generic word alone
("the Centre") or a stray acronym ("MoD") is no place.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import TYPE_CHECKING

from geomap.mentions.checks import NameChecks
from geomap.mentions.names import FoundName, whole_word_occurrences
from geomap.nlp.docs import doc_text

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


class _Taken:
    """Character ranges that do not overlap one another, kept sorted: whether a new one would overlap
    any is a look at its two neighbours, so a long text's thousands of names are not each compared
    with every other."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        k = bisect.bisect_left(self.starts, end)  # the ranges that start before ``end``
        return k > 0 and self.ends[k - 1] > start

    def add(self, start: int, end: int) -> None:
        k = bisect.bisect_left(self.starts, start)
        self.starts.insert(k, start)
        self.ends.insert(k, end)


class _Lookalikes:
    """Look-alike ranges (a person's or a group's name), asked whether one holds a shorter name."""

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        self.ranges = sorted(ranges)
        self.starts = [s for s, _ in self.ranges]
        self.longest = max((e - s for s, e in self.ranges), default=0)

    def hold(self, start: int, end: int) -> bool:
        """Whether a look-alike other than ``(start, end)`` itself contains it."""
        lo = bisect.bisect_left(self.starts, start - self.longest)
        hi = bisect.bisect_right(self.starts, start)
        return any(end <= e and (s, e) != (start, end) for s, e in self.ranges[lo:hi])


def choose(found: list[FoundName], lookalikes: Sequence[tuple[int, int]]) -> list[FoundName]:
    """The names kept where found names overlap, longest first; none inside a look-alike."""
    chosen: list[FoundName] = []
    taken = _Taken()
    inside = _Lookalikes(lookalikes)
    # Longest first, so "Gaza Strip" wins over "Gaza"; model entities before the rest.
    trust = {"GAZ": 1, "PATTERN": 2}
    for start, end, label in sorted(found, key=lambda c: (-(c[1] - c[0]), trust.get(c[2], 0), c[0])):
        if taken.overlaps(start, end):
            continue
        if label == "GAZ" and inside.hold(start, end):
            continue
        chosen.append((start, end, label))
        taken.add(start, end)
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
    taken = _Taken()
    for cs, ce, _ in out:
        if not taken.overlaps(cs, ce):
            taken.add(cs, ce)
    inside = _Lookalikes(lookalikes)
    for name in sorted(names):
        for s, e in whole_word_occurrences(doc_text(doc), name):
            if taken.overlaps(s, e) or inside.hold(s, e):
                continue
            if doc.char_span(s, e) is None:
                continue
            out.append((s, e, "GAZ"))
            taken.add(s, e)
    return out
