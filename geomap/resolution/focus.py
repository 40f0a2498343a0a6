"""Focus: the country and state where the article's other places lie, voted by their readings.

A local story's places lie mostly in one country and state, so a bare "Paris" among
Texas towns is the Texas one, unless the story names France, or the name is a country's
or state's own ("Mexico", "Kansas").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gazetteer.sources import CAPITAL_BOOST, city_prior
from geomap.mentions.finder import RawMention
from geomap.name_keys import name_key
from geomap.place import Match, Place
from geomap.resolution.candidates import confidence, is_region_named
from geomap.resolution.containment import region_of

FOCUS_COUNTRY_BONUS = 0.15  # times the confidence-weighted share of the other names read in its country
FOCUS_ADMIN1_BONUS = 0.3  # the same for its state or province


def named_capitals(
    mentions: Sequence[RawMention],
    firsts: list[list[tuple[float, Match]]],
    context: dict[str, tuple[set[str], list[Place]]],
) -> set[int]:
    """Mentions whose best reading is the capital, by name, of a country the article names elsewhere.

    "Paris" in a story that names France is the French capital, even when the
    story's other places lie around Paris, Kentucky: nearness and focus do not
    lift a namesake town over it (a state of the name, "Washington", still may).
    """
    out = set()
    for i, m in enumerate(mentions):
        top = firsts[i][0][1].place if firsts[i] else None
        own = name_key(m.text)
        if top is None or top.feature_type != "city" or name_key(top.name) != own:
            continue
        if not is_capital(top):
            continue
        if any(top.country_code in codes for key, (codes, _) in context.items() if key != own):
            out.add(i)
    return out


def protected_mentions(mentions: Sequence[RawMention], firsts: list[list[tuple[float, Match]]]) -> set[int]:
    """Mentions that are, word for word, the name of their best country or state ("Mexico", "Kansas")."""
    out = set()
    for i, m in enumerate(mentions):
        top = firsts[i][0][1].place if firsts[i] else None
        if top and is_region_named(top, m.text):
            out.add(i)
    return out


def focus_bonus(
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
    keys = [name_key(m.text) for m in mentions]  # the bonus asks for each candidate
    votes: dict[str, list[tuple[str | None, tuple[str, str] | None, float]]] = {}
    for i, m in enumerate(mentions):
        if not firsts[i] or m.label == "DEMONYM":
            continue
        top = firsts[i][0][1].place
        if top.feature_type in ("city", "admin1", "admin2"):
            vote = (top.country_code, region_of(top), confidence(firsts[i]))
        elif top.feature_type in ("country", "territory"):
            vote = (top.country_code, None, confidence(firsts[i]))
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
            and is_capital(top)
        ):
            return 0.0  # a story in Iowa does not make "Washington" its small town of that name
        if place.feature_type in ("city", "admin2") and i in protected:
            return 0.0  # a local story's towns do not make "Mexico" or "Kansas" a town in their state
        country_share = countries.get(place.country_code, 0.0) / total
        if place.feature_type in ("country", "territory"):
            # A country holds the article's towns: it is at their focus too.
            return (FOCUS_COUNTRY_BONUS + FOCUS_ADMIN1_BONUS) * country_share
        region = region_of(place)
        region_share = regions.get(region, 0.0) / total if region else 0.0
        return FOCUS_COUNTRY_BONUS * country_share + FOCUS_ADMIN1_BONUS * region_share

    return bonus


def is_capital(place: Place) -> bool:
    """Whether a town is its country's capital: the gazetteer raises a capital's prior above its size's."""
    return place.importance >= city_prior(place.population or 0) + CAPITAL_BOOST - 1e-3
