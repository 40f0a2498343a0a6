"""Choosing one gazetteer entry per mention, with the whole article as context.

Cues, from strongest to weakest:
- containment written in the text: "Rafah, Gaza", "Springfield, Ill.", "Gaza's Rafah";
  a chain of units read as one ("Doubale (Kaya, Sanmatenga)", each level inside the next);
  a name the text calls a county ("Madison County", "Jackson and Madison counties");
- the countries and admin-1 regions the article names (outright or by demonym);
- coherence: a story's places cluster, so candidates near the article's
  unambiguous places are preferred;
- focus: a local story's other places lie mostly in one country and state, so
  a bare "Paris" among Texas towns is the Texas one;
- the gazetteer's prior (population, prominence, countries above towns), with
  towns found only by an alternate name below a place that bears the name.
One name keeps one reading throughout the article, the one the text placed if any.
The ``geomap.resolve_*`` modules read the cues; this one weighs them and chooses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from geomap.mentions.finder import RawMention
from geomap.name_keys import name_key
from geomap.place import Match, Place
from geomap.resolution.candidates import COUNTY, confidence, is_region_named, mention_options
from geomap.resolution.coherence import coherence
from geomap.resolution.containment import has_namesake_town, in_admin1, inside
from geomap.resolution.focus import focus_bonus, named_capitals, protected_mentions
from geomap.resolution.gazetteer import Gazetteer
from geomap.resolution.text import chain_readings, list_kinds, listed_runs, region_worded, stated_containers

COUNTRY_BONUS = 0.25  # candidate lies in a country the article names
ADMIN1_BONUS = 0.3  # candidate lies in an admin-1 region the article names
REGION_WORD_BONUS = 0.3  # the words around the name say it is a region ("eastern Washington")
LIST_BONUS = 0.3  # the candidate is the kind of place the names listed with it are
CONTAINER_BONUS = 0.6  # the text itself says which region holds the place
CHAIN_BONUS = 1.0  # the reading of a chain's level that fits its other levels: as good as certain
COHERENCE_BONUS = 0.3  # times the share of the article's other names read near the candidate
FOCUS_ROUNDS = 2
ALTERNATE_NAME_PENALTY = 0.1  # a town matched by an alternate name, where another place bears the name
_REGION_TYPES = frozenset({"country", "admin1", "admin2", "region", "territory"})


@dataclass(frozen=True, slots=True)
class Resolution:
    """The place chosen for one mention (or ``None``), how sure the choice is, and the runners-up."""

    place: Place | None
    confidence: float
    alternatives: tuple[Place, ...]


def resolve(mentions: Sequence[RawMention], gazetteer: Gazetteer, text: str = "") -> list[Resolution]:
    """One :class:`Resolution` per mention, in order."""
    options = [mention_options(m, gazetteer, text) for m in mentions]
    containers = stated_containers(text, mentions, gazetteer) if text else {}
    # "Doubale (Kaya, Sanmatenga)": the levels of a chain of units, read together
    chained = chain_readings(text, mentions, options) if text else {}
    # "Mexico, the US, and Canada" is a list: a country's own name is held by no other country.
    for i in list(containers):
        if (
            options[i]
            and options[i][0].place.feature_type == "country"
            and is_region_named(options[i][0].place, mentions[i].text)
        ):
            del containers[i]

    # Context: the countries and admin-1 regions each name stands for. A name never
    # counts as its own context ("Georgia" does not make itself the country).
    context: dict[str, tuple[set[str], list[Place]]] = {}
    for m, opts in zip(mentions, options, strict=True):
        if not opts:
            continue
        top = opts[0].place
        codes, admins = context.setdefault(name_key(m.text), (set(), []))
        if m.label == "DEMONYM" or top.feature_type in ("country", "territory"):
            codes.update(top.country_codes[:1])
        elif top.feature_type == "admin1" and top.country_code:
            admins.append(top)
            codes.add(top.country_code)

    # A county's namesake town stands in for the county (Orange County → Orange) only where
    # the article says which state: "Anderson County" alone could be in any of five.
    county = [
        bool(COUNTY.search(m.text)) and name_key(m.text) != name_key(opts[0].place.name) if opts else False
        for m, opts in zip(mentions, options, strict=True)
    ]

    listed = list_kinds(listed_runs(text, mentions), mentions, options) if text else {}
    regional = [bool(text) and region_worded(m, text) for m in mentions]
    held_by_town = [any(c.feature_type == "city" for c in containers.get(i, ())) for i in range(len(options))]

    def first_pass(i: int) -> list[tuple[float, Match]]:
        own = name_key(mentions[i].text)
        # A town found only by a former or foreign name ("Berea" for Aleppo) yields to a place
        # that bears the name itself.
        bears = [name_key(m.place.name) == own for m in options[i]]
        named = any(bears)
        countries = {c for key, (codes, _) in context.items() if key != own for c in codes}
        admins = [a for key, (_, regions) in context.items() if key != own for a in regions]
        scored = []
        for match, bears_name in zip(options[i], bears, strict=True):
            p = match.place
            score = match.score
            if named and p.feature_type == "city" and not bears_name:
                score -= ALTERNATE_NAME_PENALTY
            if countries.intersection(p.country_codes):
                score += COUNTRY_BONUS
            if listed.get(i) == p.feature_type:
                score += LIST_BONUS
            if regional[i] and p.feature_type in _REGION_TYPES and not has_namesake_town(p, options[i]):
                score += REGION_WORD_BONUS
            located = p.feature_type != "admin1" and any(in_admin1(p, a) for a in admins)
            if located:
                score += ADMIN1_BONUS
            if i in containers and any(inside(p, c) for c in containers[i]):
                score += CONTAINER_BONUS
                located = True
            if i in chained and p.id == chained[i].id:
                score += CHAIN_BONUS
                located = True
            if county[i] and not located:
                continue
            if held_by_town[i] and not located and p.feature_type in ("city", "landmark"):
                continue  # "London's Heathrow" is no Heathrow in Florida: better none than that
            scored.append((score, match))
        scored.sort(key=lambda sm: -sm[0])
        return scored

    firsts = [first_pass(i) for i in range(len(mentions))]
    support = coherence(mentions, firsts)
    capitals = named_capitals(mentions, firsts, context)

    def rescored(focus: Callable[[int, Place], float]) -> list[list[tuple[float, Match]]]:
        out = []
        for i, first in enumerate(firsts):
            near = support[i] or [0.0] * len(first)
            scored = [
                (score, match)
                if i in capitals and k > 0 and match.place.feature_type in ("city", "admin2")
                else (score + COHERENCE_BONUS * share + focus(i, match.place), match)
                for k, ((score, match), share) in enumerate(zip(first, near, strict=True))
            ]
            out.append(sorted(scored, key=lambda sm: -sm[0]))
        return out

    # The focus is read from the first readings, then once more from the readings it gave:
    # "Anderson County" settles in Texas beside Texan towns, and then pulls "Palestine" along.
    current = firsts
    protected = protected_mentions(mentions, firsts)
    for _ in range(FOCUS_ROUNDS):
        current = rescored(focus_bonus(mentions, current, protected, firsts))

    # A name placed by the text ("Springfield, Ill.") fixes its reading for the bare mentions
    # too, even those before it (a headline's "Springfield").
    readings: dict[str, Resolution] = {}
    out: list[Resolution] = [Resolution(None, 0.0, ())] * len(mentions)
    placed = {i for i in range(len(mentions)) if containers.get(i) or i in chained}
    for i in sorted(range(len(mentions)), key=lambda i: (i not in placed, i)):
        key = name_key(mentions[i].text)
        if key in readings and i not in placed:
            out[i] = readings[key]
            continue
        scored = current[i]
        if scored:
            out[i] = Resolution(
                scored[0][1].place, confidence(scored), tuple(sm[1].place for sm in scored[1:6])
            )
        readings.setdefault(key, out[i])
    return out
