"""A mention's candidate places: the gazetteer's matches for its name, its demonym or its stem.

"Madison County" and "Madison" before "County" are counties; "Homs province" falls back
to Homs, "west London" to London. Also how sure a ranking of candidates is.
"""

from __future__ import annotations

import re

from geomap.mentions.finder import RawMention
from geomap.name_keys import name_key
from geomap.place import Match, Place
from geomap.resolution.gazetteer import Gazetteer

CANDIDATES = 25
STRONG_STEM_SCORE = 0.45  # a town named only inside a longer name must be a sizeable one ("west London")
_KIND_SUFFIX = re.compile(
    r"\s+(?:province|governorate|district|region|oblast|raion|rayon|hromada|township|upazila|tehsil|"
    r"prefecture|department|refugee camp|camp|municipality|neighbou?rhood|county|state)$",
    re.IGNORECASE,
)
_REGION_SUFFIX = re.compile(r"\s+(?:province|governorate|region|oblast|state)$", re.IGNORECASE)
#: "north west London", "Northeast Georgia", "Western US": a part of the place that follows.
_DIRECTION_PREFIX = re.compile(
    r"^(?:(?:north|south|east|west|central|northern|southern|eastern|western|upper|lower|inner|outer)"
    r"(?:[\s-]?(?:east|west|eastern|western))?\s+)+",
    re.IGNORECASE,
)
#: Features too small to have parts worth a name of their own.
_POINT_FEATURES = frozenset({"landmark", "cape", "strait", "canal"})
#: A name that ends in "County": "Madison County".
COUNTY = re.compile(r"\s+county$", re.IGNORECASE)
_PARISH = re.compile(r"\s+parish$", re.IGNORECASE)
_LISTED = r"(?:(?:\s*,\s*|\s+and\s+|\s+or\s+|\s*,\s*and\s+)[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)?)*"
#: "X County", "X Parish", "X, Y and Z counties": the text says X is a county.
_COUNTY_AFTER = re.compile(rf"(?:\s+([Cc]ounty|[Pp]arish)\b|{_LISTED}\s+(?:and\s+)?(counties|parishes)\b)")


def _county_word(m: RawMention, text: str) -> tuple[str, bool] | None:
    """("County" or "Parish", whether plural) when the text goes on to call the name one.

    "Madison County Health Department" (where only "Madison" was found) and
    "Barrow, Jackson and Madison counties" name counties, not towns.
    """
    if COUNTY.search(m.text) or _PARISH.search(m.text):
        return None
    found = _COUNTY_AFTER.match(text, m.end)
    if found is None:
        return None
    word = (found.group(1) or found.group(2)).lower()
    return ("Parish" if word.startswith("parish") else "County"), found.group(2) is not None


def mention_options(m: RawMention, gazetteer: Gazetteer, text: str = "") -> list[Match]:
    if m.label == "DEMONYM":
        place = gazetteer.demonym(m.text)
        return [Match(place, 1.0, m.text)] if place is not None else []
    found = gazetteer.search(m.text, limit=CANDIDATES)
    county = _county_word(m, text)
    # "Indiana counties" are the counties of Indiana: a state's or country's own name stays itself.
    if county is not None and not (county[1] and found and is_region_named(found[0].place, m.text)):
        counties = [
            match
            for match in gazetteer.search(f"{m.text} {county[0]}", limit=CANDIDATES)
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
                and name_key(match.place.name) == name_key(stem)
                and (match.place.feature_type != "city" or match.score >= STRONG_STEM_SCORE)
            ]
    return found


def is_region_named(place: Place, name: str) -> bool:
    """Whether ``place`` is a country or state and ``name`` its own name ("Mexico", "Kansas")."""
    return place.feature_type in ("country", "admin1") and name_key(place.name) == name_key(name)


def confidence(scored: list[tuple[float, Match]]) -> float:
    """High when the winner is strong and clearly ahead of the runner-up."""
    best = scored[0][0]
    second = scored[1][0] if len(scored) > 1 else 0.0
    return max(0.0, min(1.0, best)) * (best / (best + second)) ** 0.5 if best > 0 else 0.0
