"""What the text says around the names: containment ("Rafah, Gaza", "Gaza's Rafah", "Doubale (Kaya,
Sanmatenga)"), lists, region words."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from geomap.geodesy import haversine_km
from geomap.mentions.chains import chains
from geomap.mentions.finder import RawMention
from geomap.place import Match, Place
from geomap.resolution.candidates import is_region_named
from geomap.resolution.containment import COUNTY_RADIUS_KM, inside
from geomap.resolution.gazetteer import Gazetteer

#: "Washington state", "Oaxaca state": the name is a state's.
_STATE_AFTER = re.compile(r"\s+state\b(?!\s+(?:of|department|university|police|media|television|tv|news)\b)")
#: "eastern Washington", "in northern Georgia": a lower-case compass adjective names part of a region.
_PART_BEFORE = re.compile(r"\b(?:north|south|east|west|central)(?:ern)?(?:-?(?:east|west)(?:ern)?)?\s+$")
#: Longer than the longest word _PART_BEFORE matches ("centralern-western").
_PART_REACH = 24
#: Features that hold towns: "in northern Sinai", "Tripoli, Lebanon", "Aden's Crater".
_CONTAINER_TYPES = frozenset(
    "country admin1 admin2 territory region peninsula island archipelago desert valley plain range".split()
)
_DIRECTION = (
    r"(?:(?:north|south|east|west|central|northern|southern|eastern|western)(?:-?(?:east|west)(?:ern)?)?\s+)?"
)
#: "X, Y" / "X in southern Y": Y holds X.
_CONTAINER_AFTER = re.compile(rf"\s*,\s*(?:the\s+)?|\s+in\s+(?:the\s+)?{_DIRECTION}", re.IGNORECASE)
#: What joins the names of a list: "X, Y and Z", "X or Y".
_LIST_JOINT = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_CONJUNCTION = re.compile(r"\b(?:and|or)\b")
#: "Y's X": Y holds X.
_POSSESSIVE = re.compile(r"['’]s\s+" + _DIRECTION, re.IGNORECASE)


def stated_containers(
    text: str, mentions: Sequence[RawMention], gazetteer: Gazetteer
) -> dict[int, list[Place]]:
    """Places the text says contain a mention, keyed by the mention's index.

    "Rafah, Gaza" and "Rafah in southern Gaza" (container after), "Gaza's Rafah"
    (container before, possessive).
    """
    out: dict[int, list[Place]] = {}

    def regions(name: str) -> list[Place]:
        return [p for p in gazetteer.candidates(name, limit=10) if p.feature_type in _CONTAINER_TYPES]

    for i in range(len(mentions) - 1):
        a, b = mentions[i], mentions[i + 1]
        between = text[a.end : b.start]
        if _CONTAINER_AFTER.fullmatch(between):
            out.setdefault(i, []).extend(regions(b.text))
        elif _POSSESSIVE.fullmatch(between):
            # "Gaza's Rafah", and "London's Heathrow": a city holds its districts and sites
            town = [p for p in gazetteer.candidates(a.text, limit=1) if p.feature_type == "city"]
            out.setdefault(i + 1, []).extend(regions(a.text) + town)
    return out


#: Readings of each level of a chain weighed together: 4 levels of 8 readings are 4,096 combinations.
_CHAIN_READINGS = 8
_CHAIN_LEVELS = 4
#: Kinds of place a level after the first may be: units, and towns that name their district.
_LEVEL_TYPES = _CONTAINER_TYPES | {"city"}


def chain_readings(
    text: str, mentions: Sequence[RawMention], options: Sequence[Sequence[Match]]
) -> dict[int, Place]:
    """For each level of a chain of units ("Doubale (Kaya, Sanmatenga)"), the reading that fits the others.

    The levels are read together: each finer level should lie in each coarser one, so in
    "Córdoba (Capital, Córdoba)" of an Argentine story and alike the province and the city
    agree on one country, whichever of the two the gazetteer ranks first. A level no reading
    of which fits any other is left to the other cues.
    """
    out: dict[int, Place] = {}
    for run in chains(text, [(m.start, m.end) for m in mentions]):
        run = run[:_CHAIN_LEVELS]
        levels = [
            [m.place for m in options[i] if k == 0 or m.place.feature_type in _LEVEL_TYPES][:_CHAIN_READINGS]
            for k, i in enumerate(run)
        ]
        known = [k for k, level in enumerate(levels) if level]
        if len(known) == 1 and known[0] > 0:
            # one known unit after unknown names ("Seytenga (Seytenga, Seno)"): a unit, not a town
            # of its name elsewhere
            unit = next((p for p in levels[known[0]] if p.feature_type in _CONTAINER_TYPES), None)
            if unit is not None:
                out[run[known[0]]] = unit
        if len(known) < 2:
            continue
        best: tuple[float, tuple[Place, ...]] = (0.0, ())
        for combo in itertools.product(*(levels[k] for k in known)):
            fits = sum(_fit(combo[a], combo[b]) for a, b in itertools.combinations(range(len(combo)), 2))
            # ties go to the gazetteer's order: a reading's rank costs a little
            rank = sum(levels[k].index(p) for k, p in zip(known, combo, strict=True))
            score = fits - 0.001 * rank
            if score > best[0]:
                best = (score, combo)
        if not best[1]:
            continue  # no two levels fit together: left to the other cues
        for k, place in zip(known, best[1], strict=True):
            out[run[k]] = place
    return out


def _fit(fine: Place, coarse: Place) -> float:
    """How well a finer level of a chain lies in a coarser: 1 inside, 0.5 for the same place read
    twice ("Kadugli (Kadugli, …)": the town and the district named after it), else 0."""
    if fine.id == coarse.id:
        return 0.5
    if coarse.feature_type == "city":
        # a town that names a district stands for the district
        near = haversine_km(fine.lat, fine.lon, coarse.lat, coarse.lon) < COUNTY_RADIUS_KM
        return float(fine.country_code == coarse.country_code and near)
    return float(inside(fine, coarse))


def listed_runs(text: str, mentions: Sequence[RawMention]) -> list[list[int]]:
    """Runs of mentions the text lists: "Oregon and Washington", "Alberta, Saskatchewan and Manitoba".

    Two names joined by a comma alone are left out: "Tripoli, Lebanon" places one in the other.
    """
    runs: list[list[int]] = []
    run: list[int] = []
    commas_only = True
    for i, m in enumerate(mentions):
        if run:
            between = text[mentions[i - 1].end : m.start]
            if _LIST_JOINT.fullmatch(between):
                run.append(i)
                commas_only = commas_only and "," in between and not _CONJUNCTION.search(between)
                continue
            if len(run) >= 3 or (len(run) == 2 and not commas_only):
                runs.append(run)
        run, commas_only = [i], True
    if len(run) >= 3 or (len(run) == 2 and not commas_only):
        runs.append(run)
    return runs


def list_kinds(
    runs: list[list[int]], mentions: Sequence[RawMention], options: list[list[Match]]
) -> dict[int, str]:
    """For a listed name, the kind of place the list is made of, where its other names agree.

    Only names that are, word for word, a country's or state's own name set the kind:
    in "Oregon and Washington" both are states; in "Georgia and Armenia" both are countries.
    """
    kinds: dict[int, str] = {}
    for run in runs:
        named = {
            i: options[i][0].place.feature_type
            for i in run
            if options[i] and is_region_named(options[i][0].place, mentions[i].text)
        }
        for i in run:
            others = {kind for j, kind in named.items() if j != i}
            if len(others) == 1 and sum(1 for j in named if j != i) >= 1:
                kinds[i] = others.pop()
    return kinds


def region_worded(m: RawMention, text: str) -> bool:
    """Whether the words around a name say it is a region: "Washington state", "eastern Washington"."""
    if _STATE_AFTER.match(text, m.end):
        return True
    # The compass word ends where the white space before the name starts, and is at most
    # _PART_REACH characters long: search there, not the whole text before every name.
    gap = m.start
    while gap > 0 and text[gap - 1].isspace():  # str.isspace is what a regex's \s matches
        gap -= 1
    return bool(_PART_BEFORE.search(text, max(0, gap - _PART_REACH), m.start))
