"""Choosing one gazetteer entry per mention, with the whole article as context.

Cues, from strongest to weakest:
- containment written in the text: "Rafah, Gaza", "Springfield, Ill.", "Gaza's Rafah";
  a name the text calls a county ("Madison County", "Jackson and Madison counties");
- the countries and admin-1 regions the article names (outright or by demonym);
- coherence: a story's places cluster, so candidates near the article's
  unambiguous places are preferred;
- focus: a local story's other places lie mostly in one country and state, so
  a bare "Paris" among Texas towns is the Texas one;
- the gazetteer's prior (population, prominence, countries above towns), with
  towns found only by an alternate name below a place that bears the name.
One name keeps one reading throughout the article, the one the text placed if any.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gazetteer.sources import CAPITAL_BOOST, city_prior
from geomap.gazetteer import Gazetteer, haversine_km
from geomap.nlp import RawMention
from geomap.normalize import normalize_name
from geomap.place import Match, Place

CANDIDATES = 25
COUNTRY_BONUS = 0.25  # candidate lies in a country the article names
ADMIN1_BONUS = 0.3  # candidate lies in an admin-1 region the article names
ADMIN1_RADIUS_KM = 250.0
COUNTY_RADIUS_KM = 80.0
NAMESAKE_TOWN_KM = 100.0
CITY_RADIUS_KM = 40.0  # how far a city's districts, airports and suburbs reach
REGION_WORD_BONUS = 0.3  # the words around the name say it is a region ("eastern Washington")
LIST_BONUS = 0.3  # the candidate is the kind of place the names listed with it are
CONTAINER_BONUS = 0.6  # the text itself says which region holds the place
COHERENCE_BONUS = 0.3  # times the share of the article's other names read near the candidate
NEAR_KM = 300.0
FOCUS_COUNTRY_BONUS = 0.15  # times the confidence-weighted share of the other names read in its country
FOCUS_ADMIN1_BONUS = 0.3  # the same for its state or province
FOCUS_ROUNDS = 2
ALTERNATE_NAME_PENALTY = 0.1  # a town matched by an alternate name, where another place bears the name
CONTEXT_READINGS = 3  # readings of each other name that count as its possible places
STRONG_STEM_SCORE = 0.45  # a town named only inside a longer name must be a sizeable one ("west London")
_KIND_SUFFIX = re.compile(
    r"\s+(?:province|governorate|district|region|oblast|refugee camp|camp|municipality|neighbou?rhood|"
    r"county|state)$",
    re.IGNORECASE,
)
_REGION_SUFFIX = re.compile(r"\s+(?:province|governorate|region|oblast|state)$", re.IGNORECASE)
#: "Washington state", "Oaxaca state": the name is a state's.
_STATE_AFTER = re.compile(r"\s+state\b(?!\s+(?:of|department|university|police|media|television|tv|news)\b)")
#: "eastern Washington", "in northern Georgia": a lower-case compass adjective names part of a region.
_PART_BEFORE = re.compile(r"\b(?:north|south|east|west|central)(?:ern)?(?:-?(?:east|west)(?:ern)?)?\s+$")
_REGION_TYPES = frozenset({"country", "admin1", "admin2", "region", "territory"})
#: "north west London", "Northeast Georgia", "Western US": a part of the place that follows.
_DIRECTION_PREFIX = re.compile(
    r"^(?:(?:north|south|east|west|central|northern|southern|eastern|western|upper|lower|inner|outer)"
    r"(?:[\s-]?(?:east|west|eastern|western))?\s+)+",
    re.IGNORECASE,
)
#: Features too small to have parts worth a name of their own.
_POINT_FEATURES = frozenset({"landmark", "cape", "strait", "canal"})
#: Features that hold towns: "in northern Sinai", "Tripoli, Lebanon", "Aden's Crater".
_CONTAINER_TYPES = frozenset(
    "country admin1 admin2 territory region peninsula island archipelago desert valley plain range".split()
)
_COUNTY = re.compile(r"\s+county$", re.IGNORECASE)
_PARISH = re.compile(r"\s+parish$", re.IGNORECASE)
_LISTED = r"(?:(?:\s*,\s*|\s+and\s+|\s+or\s+|\s*,\s*and\s+)[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)?)*"
#: "X County", "X Parish", "X, Y and Z counties": the text says X is a county.
_COUNTY_AFTER = re.compile(rf"(?:\s+([Cc]ounty|[Pp]arish)\b|{_LISTED}\s+(?:and\s+)?(counties|parishes)\b)")
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


@dataclass(frozen=True, slots=True)
class Resolution:
    place: Place | None
    confidence: float
    alternatives: tuple[Place, ...]


def _containers(text: str, mentions: Sequence[RawMention], gazetteer: Gazetteer) -> dict[int, list[Place]]:
    """Places the text says contain a mention, keyed by the mention's index.

    "Rafah, Gaza" and "Rafah in southern Gaza" (container after), "Gaza's Rafah"
    (container before, possessive).
    """
    out: dict[int, list[Place]] = {}

    def regions(name: str) -> list[Place]:
        return [
            p
            for p in gazetteer.candidates(name, limit=10)
            if p.feature_type in _CONTAINER_TYPES
        ]

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


def _lists(text: str, mentions: Sequence[RawMention]) -> list[list[int]]:
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


def _list_kinds(
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
            if options[i] and _is_region_named(options[i][0].place, mentions[i].text)
        }
        for i in run:
            others = {kind for j, kind in named.items() if j != i}
            if len(others) == 1 and sum(1 for j in named if j != i) >= 1:
                kinds[i] = others.pop()
    return kinds


def _in_admin1(candidate: Place, region: Place) -> bool:
    """Whether a place lies in an admin-1 region, as far as the gazetteer can tell.

    GeoNames and countrystatecity share admin-1 codes for the US (state postal
    codes); elsewhere the codes differ, and nearness to the region's point stands in.
    """
    if candidate.country_code != region.country_code:
        return False
    if region.country_code == "US":
        return candidate.admin1 == region.admin1
    return haversine_km(candidate.lat, candidate.lon, region.lat, region.lon) < ADMIN1_RADIUS_KM


def _inside(candidate: Place, container: Place) -> bool:
    if container.feature_type == "city":
        return haversine_km(candidate.lat, candidate.lon, container.lat, container.lon) < CITY_RADIUS_KM
    if container.feature_type == "admin1":
        return _in_admin1(candidate, container)
    if container.feature_type == "admin2" and container.admin1:
        # A county has no outline here: same state, and no farther than a large county reaches.
        return candidate.admin1 == container.admin1 and (
            haversine_km(candidate.lat, candidate.lon, container.lat, container.lon) < COUNTY_RADIUS_KM
        )
    if container.country_code and candidate.country_code and candidate.country_code != container.country_code:
        return False  # a bounding box is too coarse to tell Egypt's Rafah from Gaza's
    if container.bbox is not None and container.feature_type not in ("country", "admin2"):
        west, south, east, north = container.bbox
        return south <= candidate.lat <= north and west <= candidate.lon <= east
    return bool(set(candidate.country_codes) & set(container.country_codes))


class _NameKeys(dict[str, str]):
    """The lookup key of each name asked for, worked out once: a name's candidates recur with each mention."""

    def __missing__(self, name: str) -> str:
        key = self[name] = normalize_name(name)
        return key


def resolve(mentions: Sequence[RawMention], gazetteer: Gazetteer, text: str = "") -> list[Resolution]:
    """One :class:`Resolution` per mention, in order."""
    keys = _NameKeys()
    options = [_options(m, gazetteer, text) for m in mentions]
    containers = _containers(text, mentions, gazetteer) if text else {}
    # "Mexico, the US, and Canada" is a list: a country's own name is held by no other country.
    for i in list(containers):
        if options[i] and options[i][0].place.feature_type == "country" and _is_region_named(
            options[i][0].place, mentions[i].text
        ):
            del containers[i]

    # Context: the countries and admin-1 regions each name stands for. A name never
    # counts as its own context ("Georgia" does not make itself the country).
    context: dict[str, tuple[set[str], list[Place]]] = {}
    for m, opts in zip(mentions, options, strict=True):
        if not opts:
            continue
        top = opts[0].place
        codes, admins = context.setdefault(normalize_name(m.text), (set(), []))
        if m.label == "DEMONYM" or top.feature_type in ("country", "territory"):
            codes.update(top.country_codes[:1])
        elif top.feature_type == "admin1" and top.country_code:
            admins.append(top)
            codes.add(top.country_code)

    # A county's namesake town stands in for the county (Orange County → Orange) only where
    # the article says which state: "Anderson County" alone could be in any of five.
    county = [
        bool(_COUNTY.search(m.text)) and normalize_name(m.text) != normalize_name(opts[0].place.name)
        if opts
        else False
        for m, opts in zip(mentions, options, strict=True)
    ]

    listed = _list_kinds(_lists(text, mentions), mentions, options) if text else {}
    regional = [bool(text) and _region_worded(m, text) for m in mentions]
    held_by_town = [any(c.feature_type == "city" for c in containers.get(i, ())) for i in range(len(options))]

    def first_pass(i: int) -> list[tuple[float, Match]]:
        own = keys[mentions[i].text]
        # A town found only by a former or foreign name ("Berea" for Aleppo) yields to a place
        # that bears the name itself.
        bears = [keys[m.place.name] == own for m in options[i]]
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
            if regional[i] and p.feature_type in _REGION_TYPES and not _has_namesake_town(p, options[i]):
                score += REGION_WORD_BONUS
            located = p.feature_type != "admin1" and any(_in_admin1(p, a) for a in admins)
            if located:
                score += ADMIN1_BONUS
            if i in containers and any(_inside(p, c) for c in containers[i]):
                score += CONTAINER_BONUS
                located = True
            if county[i] and not located:
                continue
            if held_by_town[i] and not located and p.feature_type in ("city", "landmark"):
                continue  # "London's Heathrow" is no Heathrow in Florida: better none than that
            scored.append((score, match))
        scored.sort(key=lambda sm: -sm[0])
        return scored

    firsts = [first_pass(i) for i in range(len(mentions))]
    support = _coherence(mentions, firsts)
    capitals = _named_capitals(mentions, firsts, context, keys)

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
    protected = _protected(mentions, firsts)
    for _ in range(FOCUS_ROUNDS):
        current = rescored(_focus(mentions, current, protected, firsts))

    # A name placed by the text ("Springfield, Ill.") fixes its reading for the bare mentions
    # too, even those before it (a headline's "Springfield").
    readings: dict[str, Resolution] = {}
    out: list[Resolution] = [Resolution(None, 0.0, ())] * len(mentions)
    for i in sorted(range(len(mentions)), key=lambda i: (not containers.get(i), i)):
        key = normalize_name(mentions[i].text)
        if key in readings and i not in containers:
            out[i] = readings[key]
            continue
        scored = current[i]
        if scored:
            out[i] = Resolution(
                scored[0][1].place, _confidence(scored), tuple(sm[1].place for sm in scored[1:6])
            )
        readings.setdefault(key, out[i])
    return out


def _coherence(
    mentions: Sequence[RawMention], firsts: list[list[tuple[float, Match]]]
) -> list[list[float] | None]:
    """For each candidate, the share of the article's other names with a reading near it.

    A story's places cluster: "Edmonton" in a story that also names Enfield and
    Tottenham is the north London one. Only the top readings of the other
    names count, so one wrong guess cannot drag a whole article.
    """
    import numpy as np

    keys = [normalize_name(m.text) for m in mentions]
    names: dict[str, int] = {}
    for i, m in enumerate(mentions):
        if firsts[i] and m.label != "DEMONYM":
            names.setdefault(keys[i], i)
    out: list[list[float] | None] = [None] * len(mentions)
    if len(names) < 2:
        return out
    refs = [
        np.radians(
            [
                (sm[1].place.lat, sm[1].place.lon)
                for sm in firsts[i][:CONTEXT_READINGS]
                if sm[1].place.feature_type not in ("country", "continent", "ocean", "region")
            ]
            or [(0.0, 0.0)]
        )[:CONTEXT_READINGS]
        for i in names.values()
    ]
    column = {key: k for k, key in enumerate(names)}
    # Every name's readings side by side, so that one array operation serves all the candidates.
    ref = np.concatenate(refs)
    ref_starts = np.cumsum([0] + [len(r) for r in refs[:-1]])
    rows = [i for i, m in enumerate(mentions) if len(firsts[i]) >= 2 and m.label != "DEMONYM"]
    if not rows:
        return out
    cand = np.radians([(sm[1].place.lat, sm[1].place.lon) for i in rows for sm in firsts[i]])
    dlat = cand[:, None, 0] - ref[None, :, 0]
    dlon = cand[:, None, 1] - ref[None, :, 1]
    a = np.sin(dlat / 2) ** 2 + np.cos(cand[:, None, 0]) * np.cos(ref[None, :, 0]) * np.sin(dlon / 2) ** 2
    km = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    # near[c, k]: whether candidate c lies near one of name k's readings
    near = np.logical_or.reduceat(km <= NEAR_KM, ref_starts, axis=1)
    others = len(names) - 1
    start = 0
    for i in rows:
        block = near[start : start + len(firsts[i])]
        start += len(firsts[i])
        own = column[keys[i]]
        out[i] = list((block.sum(axis=1) - block[:, own]) / others)
    return out


def _region_of(place: Place) -> tuple[str, str] | None:
    """(country, admin-1 code) of a town or a state, where both are known.

    Only GeoNames towns and US states share admin-1 codes; elsewhere an admin-1
    region's code is its own and no town's, so it stands for its country alone.
    """
    if not place.country_code or not place.admin1:
        return None
    if place.feature_type == "admin1" and place.country_code != "US":
        return None
    return place.country_code, place.admin1


def _named_capitals(
    mentions: Sequence[RawMention],
    firsts: list[list[tuple[float, Match]]],
    context: dict[str, tuple[set[str], list[Place]]],
    keys: dict[str, str],
) -> set[int]:
    """Mentions whose best reading is the capital, by name, of a country the article names elsewhere.

    "Paris" in a story that names France is the French capital, even when the
    story's other places lie around Paris, Kentucky: nearness and focus do not
    lift a namesake town over it (a state of the name, "Washington", still may).
    """
    out = set()
    for i, m in enumerate(mentions):
        top = firsts[i][0][1].place if firsts[i] else None
        own = keys[m.text]
        if top is None or top.feature_type != "city" or keys[top.name] != own:
            continue
        if not _is_capital(top):
            continue
        if any(top.country_code in codes for key, (codes, _) in context.items() if key != own):
            out.add(i)
    return out


def _protected(mentions: Sequence[RawMention], firsts: list[list[tuple[float, Match]]]) -> set[int]:
    """Mentions that are, word for word, the name of their best country or state ("Mexico", "Kansas")."""
    out = set()
    for i, m in enumerate(mentions):
        top = firsts[i][0][1].place if firsts[i] else None
        if top and _is_region_named(top, m.text):
            out.add(i)
    return out


def _focus(
    mentions: Sequence[RawMention],
    firsts: list[list[tuple[float, Match]]],
    protected: set[int],
    first_readings: list[list[tuple[float, Match]]],
) -> Callable[[int, Place], float]:
    """A bonus for a candidate in the country and state where the article's other mentions lie.

    Each mention votes with its current best reading, weighted by how sure that
    reading is, so "Dallas" counts fully and an ambiguous "Toyota" little; a
    name said five times votes five times. A country votes for itself only, a
    town or state also for its state. A name never votes for itself, and
    demonyms (already context) do not vote. ``protected`` mentions (a
    country's or state's own name) get no bonus for towns.
    """
    firsts_top = [f[0][1].place if f else None for f in first_readings]
    keys = [normalize_name(m.text) for m in mentions]  # the bonus asks for each candidate
    votes: dict[str, list[tuple[str | None, tuple[str, str] | None, float]]] = {}
    for i, m in enumerate(mentions):
        if not firsts[i] or m.label == "DEMONYM":
            continue
        top = firsts[i][0][1].place
        if top.feature_type in ("city", "admin1", "admin2"):
            vote = (top.country_code, _region_of(top), _confidence(firsts[i]))
        elif top.feature_type in ("country", "territory"):
            vote = (top.country_code, None, _confidence(firsts[i]))
        else:
            continue
        votes.setdefault(keys[i], []).append(vote)

    def tally(exclude: str) -> tuple[float, dict[str | None, float], dict[tuple[str, str] | None, float]]:
        total = 0.0
        countries: dict[str | None, float] = {}
        regions: dict[tuple[str, str] | None, float] = {}
        for key, vs in votes.items():
            if key == exclude:
                continue
            for country, region, weight in vs:
                total += weight
                countries[country] = countries.get(country, 0.0) + weight
                regions[region] = regions.get(region, 0.0) + weight
        return total, countries, regions

    tallies = {key: tally(key) for key in set(keys)}

    def bonus(i: int, place: Place) -> float:
        total, countries, regions = tallies[keys[i]]
        if total <= 0 or mentions[i].label == "DEMONYM" or not place.country_code:
            return 0.0
        top = firsts_top[i]
        if (
            top is not None
            and place.feature_type == "city"
            and top.feature_type == "city"
            and top.country_code == place.country_code
            and top.id != place.id
            and _is_capital(top)
        ):
            return 0.0  # a story in Iowa does not make "Washington" its small town of that name
        if place.feature_type in ("city", "admin2") and i in protected:
            return 0.0  # a local story's towns do not make "Mexico" or "Kansas" a town in their state
        country_share = countries.get(place.country_code, 0.0) / total
        if place.feature_type in ("country", "territory"):
            # A country holds the article's towns: it is at their focus too.
            return (FOCUS_COUNTRY_BONUS + FOCUS_ADMIN1_BONUS) * country_share
        region = _region_of(place)
        region_share = regions.get(region, 0.0) / total if region else 0.0
        return FOCUS_COUNTRY_BONUS * country_share + FOCUS_ADMIN1_BONUS * region_share

    return bonus


def _county_word(m: RawMention, text: str) -> tuple[str, bool] | None:
    """("County" or "Parish", whether plural) when the text goes on to call the name one.

    "Madison County Health Department" (where only "Madison" was found) and
    "Barrow, Jackson and Madison counties" name counties, not towns.
    """
    if _COUNTY.search(m.text) or _PARISH.search(m.text):
        return None
    found = _COUNTY_AFTER.match(text, m.end)
    if found is None:
        return None
    word = (found.group(1) or found.group(2)).lower()
    return ("Parish" if word.startswith("parish") else "County"), found.group(2) is not None


def _has_namesake_town(region: Place, options: list[Match]) -> bool:
    """Whether a town of the region's name lies in it: "northern Baghdad" is the city's north."""
    return any(
        m.place.feature_type == "city"
        and haversine_km(m.place.lat, m.place.lon, region.lat, region.lon) < NAMESAKE_TOWN_KM
        for m in options
    )


def _region_worded(m: RawMention, text: str) -> bool:
    """Whether the words around a name say it is a region: "Washington state", "eastern Washington"."""
    return bool(_STATE_AFTER.match(text, m.end) or _PART_BEFORE.search(text, 0, m.start))


def _options(m: RawMention, gazetteer: Gazetteer, text: str = "") -> list[Match]:
    if m.label == "DEMONYM":
        place = gazetteer.demonym(m.text)
        return [Match(place, 1.0, m.text)] if place is not None else []
    found = gazetteer.search(m.text, limit=CANDIDATES)
    county = _county_word(m, text)
    # "Indiana counties" are the counties of Indiana: a state's or country's own name stays itself.
    if county is not None and not (county[1] and found and _is_region_named(found[0].place, m.text)):
        counties = [
            match for match in gazetteer.search(f"{m.text} {county[0]}", limit=CANDIDATES)
            if match.place.feature_type == "admin2"
        ]
        if counties:
            return counties
    if not found:
        # "Homs province", "Jenin refugee camp": the name without its place word,
        # and for a region word the region of that name where there is one.
        stem = _KIND_SUFFIX.sub("", m.text)
        if stem != m.text:
            found = gazetteer.search(stem, limit=CANDIDATES)
            if _REGION_SUFFIX.search(m.text):
                found = [f for f in found if f.place.feature_type in ("admin1", "admin2")] or found
    if not found:
        # "west London", "North Texas": the place a direction word narrows, by its own name
        # and, for a town, a sizeable one ("West Wing" is no part of Wing).
        stem = _DIRECTION_PREFIX.sub("", m.text)
        if stem and stem != m.text:
            found = [
                match
                for match in gazetteer.search(stem, limit=CANDIDATES)
                if match.place.feature_type not in _POINT_FEATURES
                and normalize_name(match.place.name) == normalize_name(stem)
                and (match.place.feature_type != "city" or match.score >= STRONG_STEM_SCORE)
            ]
    return found


def _is_capital(place: Place) -> bool:
    """Whether a town is its country's capital: the gazetteer raises a capital's prior above its size's."""
    return place.importance >= city_prior(place.population or 0) + CAPITAL_BOOST - 1e-3


def _is_region_named(place: Place, name: str) -> bool:
    """Whether ``place`` is a country or state and ``name`` its own name ("Mexico", "Kansas")."""
    return place.feature_type in ("country", "admin1") and normalize_name(place.name) == normalize_name(name)


def _confidence(scored: list[tuple[float, Match]]) -> float:
    """High when the winner is strong and clearly ahead of the runner-up."""
    best = scored[0][0]
    second = scored[1][0] if len(scored) > 1 else 0.0
    return max(0.0, min(1.0, best)) * (best / (best + second)) ** 0.5 if best > 0 else 0.0
