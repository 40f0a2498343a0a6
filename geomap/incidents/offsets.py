"""Places told as an offset from another: "about 50 nautical miles west of Hodeidah".

Maritime and front-line reports often place an event by distance and bearing from a known
town. The event is then neither at the town nor anywhere in the sea the sentence also names:
it is at the offset point, with an uncertainty that grows with the distance (a quarter of it,
as a reported "50 miles" is seldom better than that). Read here:

- a distance and a bearing: "70 nm southeast of Mukalla", "40 km north of Kharkiv",
  "50 nautical miles (93 km) WNW of Hodeidah": the point at that distance and bearing;
- a distance alone: "10 miles from Goma", "30 km outside Kherson": the town's point, with the
  distance as the uncertainty (the event lies on a circle around it);
- "off the coast of X" for a town X: the town's point, with a coastal band as the uncertainty
  ("off X" alone is not read: "sealed off Gaza City" is no offset).

Units are nautical miles (1.852 km), statute miles and kilometres; bearings are the 16
compass points, as words ("north-northwest") or abbreviations ("NNW").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from geopy.distance import distance as geodesic_distance

from geomap.incidents.numbers import parse_number
from geomap.model import Mention

if TYPE_CHECKING:
    from geomap.incidents.incident import Incident

#: Kilometres per unit as written.
_UNITS = {"nautical": 1.852, "nm": 1.852, "n.m.": 1.852, "km": 1.0, "kilomet": 1.0, "mi": 1.609344}
#: The 16 compass points, clockwise from north, as abbreviations.
_POINTS = "N NNE NE ENE E ESE SE SSE S SSW SW WSW W WNW NW NNW".split()
#: What an offset is told from: a place with a point, not an area whose extent it would add to.
ANCHOR_TYPES = frozenset({"city", "landmark", "cape", "island"})
#: A reported distance is seldom better than a quarter of itself.
SHARE_OF_DISTANCE = 0.25
#: The least uncertainty of an offset point: the anchor town's own extent.
MIN_KM = 2.0
#: How far from its town an event "off the coast of" the town lies, at most, as a rule.
OFF_COAST_KM = 25.0

_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|(?:a|one|two|three|four|five|six|seven|eight|nine|ten|" \
    r"eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)" \
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine|hundred))*)"  # fmt: skip
_UNIT = r"(?P<unit>nautical\s+miles?|nm\b|n\.m\.|NM\b|kilomet(?:er|re)s?|km\b|miles?|mi\b)"
_WORD_POINT = (
    r"(?:(?:north|south|east|west)-)?(?:north|south)(?:[- ]?(?:east|west))?"
    r"|(?:(?:north|south)-)?(?:east|west)"
)
_BEARING = rf"(?P<bearing>(?i:{_WORD_POINT})|{'|'.join(sorted(_POINTS, key=len, reverse=True))})"
_LEAD = r"(?:(?:about|some|around|approximately|roughly|nearly|almost|just|an estimated)\s+)?"
_ARTICLE = r"(?:the\s+)?(?:(?:coastal\s+|port\s+)?(?:port|city|town|village|island)\s+of\s+)?"
_CONVERTED = r"(?:\(\s*(?:about\s+)?[\d.,]+\s*(?:km|kilomet\w+|miles?|nm|nautical\s+miles?)\s*\)\s*)?"
#: "... 50 nautical miles west of " right before the anchor's name.
_DISTANCE = re.compile(
    rf"{_LEAD}\b{_NUMBER}[\s-]*{_UNIT}\s*{_CONVERTED}(?:{_BEARING}\s+)?(?P<rel>of|from|outside|off)\s+{_ARTICLE}$",
    re.IGNORECASE,
)
#: "... off the coast of " right before the anchor's name.
_OFF_COAST = re.compile(r"\boff\s+the\s+(?:coast|shores?|port)\s+of\s+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Offset:
    """Where an event lies from a named place: ``km`` (None: only "off the coast of" it) along ``bearing``."""

    #: The words that tell it, without the anchor's name: "about 50 nautical miles west of".
    text: str
    start: int
    #: The anchor's name as written, and its offsets.
    anchor: str
    anchor_start: int
    anchor_end: int
    km: float | None
    #: Degrees clockwise from north; None when only a distance (or "off") is told.
    bearing: float | None

    @property
    def uncertainty_km(self) -> float:
        """The radius within which the event lies around the offset point."""
        if self.km is None:
            return OFF_COAST_KM
        if self.bearing is None:  # on a circle of that radius around the anchor
            return max(MIN_KM, self.km * (1 + SHARE_OF_DISTANCE))
        return max(MIN_KM, self.km * SHARE_OF_DISTANCE)

    def point(self, lat: float, lon: float) -> tuple[float, float]:
        """The offset point from the anchor's point (geodesic, WGS 84)."""
        if self.km is None or self.bearing is None:
            return lat, lon
        p = geodesic_distance(kilometers=self.km).destination((lat, lon), bearing=self.bearing)
        return round(p.latitude, 5), round(p.longitude, 5)

    def to_dict(self) -> dict[str, Any]:
        """The ``offset`` object of an incident: its words, anchor, distance and bearing, and offsets."""
        return {
            "text": self.text,
            "start": self.start,
            "anchor": self.anchor,
            "anchor_start": self.anchor_start,
            "anchor_end": self.anchor_end,
            "km": self.km,
            "bearing": self.bearing,
        }

    @classmethod
    def from_dict(cls, d: Any) -> Offset | None:
        """The inverse of :meth:`to_dict`; None for anything that is not such an object."""
        if not isinstance(d, dict):
            return None
        try:
            km, bearing = d.get("km"), d.get("bearing")
            return cls(
                text=str(d["text"]),
                start=int(d["start"]),
                anchor=str(d["anchor"]),
                anchor_start=int(d["anchor_start"]),
                anchor_end=int(d["anchor_end"]),
                km=None if km is None else float(km),
                bearing=None if bearing is None else float(bearing),
            )
        except (KeyError, TypeError, ValueError):
            return None


def bearing_degrees(word: str) -> float:
    """Degrees clockwise from north of a compass point: "WNW" or "west-northwest" → 292.5."""
    if word.upper() in _POINTS:
        return _POINTS.index(word.upper()) * 22.5
    letters = "".join(part[0] for part in re.split(r"[- ]+|(?<=h)(?=[ew])", word.lower()) if part).upper()
    return _POINTS.index(letters) * 22.5


def _km(number: str, unit: str) -> float | None:
    digits = number.replace(",", "")
    if re.fullmatch(r"\d+(\.\d+)?", digits):
        value: float | None = float(digits)
    else:
        value = 1.0 if number.lower() == "a" else parse_number(number)
    if value is None or value <= 0:
        return None
    factor = next(f for prefix, f in _UNITS.items() if unit.lower().startswith(prefix))
    return round(value * factor, 2)


def find_offsets(text: str, mentions: Sequence[Mention], start: int, end: int) -> list[Offset]:
    """Offsets told in ``text[start:end]`` (a sentence) from the resolved towns named in it."""
    found: list[Offset] = []
    for m in mentions:
        if m.place is None or m.place.feature_type not in ANCHOR_TYPES or not start <= m.start < end:
            continue
        before = text[max(start, m.start - 120) : m.start]
        hit = _DISTANCE.search(before)
        if hit is not None:
            km = _km(hit["num"], hit["unit"])
            if km is None or km > 2000:
                continue
            rel = hit["rel"].lower()
            bearing = bearing_degrees(hit["bearing"]) if hit["bearing"] and rel == "of" else None
            at = m.start - len(before) + hit.start()
            found.append(Offset(hit.group(0).strip(), at, m.text, m.start, m.end, km, bearing))
        elif m.place.feature_type != "island" and (off := _OFF_COAST.search(before)) is not None:
            at = m.start - len(before) + off.start()
            found.append(Offset(off.group(0).strip(), at, m.text, m.start, m.end, None, None))
    return found


#: Kinds of place an offset in the same sentence narrows: an area, where the offset is a point in it.
_AREA_PRECISIONS = frozenset(
    {"sea", "ocean", "gulf", "bay", "strait", "channel", "canal", "country", "admin1", "admin2", "region",
     "territory", "desert", "peninsula", "archipelago", "continent", "plain", "range", "valley", "river",
     "lake", "mountain"}
)  # fmt: skip


def at_offsets(incidents: Sequence[Incident], text: str, mentions: Sequence[Mention]) -> list[Incident]:
    """Incidents whose sentence tells their place as an offset, placed at the offset point.

    An incident takes an offset of its own sentence when its place is the offset's town
    ("hit 70 nm southeast of Mukalla"), an area the offset narrows ("in the Red Sea, about 50
    nautical miles west of Hodeidah"), or a name the gazetteer does not know ("the village of
    X, 30 km south of Kaya"): then the name stays and the offset says where it is. An
    incident at another town keeps it: "Hodeidah, 50 km north of Mokha" only says where
    Hodeidah is.
    """
    by_start = {m.start: m for m in mentions}
    ordered = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    # each sentence's offsets once, from its own names: a long text's incidents and names are
    # not each compared with every other
    told: dict[tuple[int, int], list[Offset]] = {}
    out: list[Incident] = []
    for inc in incidents:
        span = (inc.sentence_start, inc.sentence_end)
        if inc.place is not None and span not in told:
            named = ordered[bisect_left(starts, span[0]) : bisect_left(starts, span[1])]
            told[span] = find_offsets(text, named, *span)
        chosen = _offset_for(inc, told.get(span, []), by_start)
        if chosen is None:
            out.append(inc)
            continue
        anchor = by_start[chosen.anchor_start].place
        assert anchor is not None  # find_offsets takes resolved names only
        place = anchor
        if chosen.km is not None and chosen.bearing is not None:
            lat, lon = chosen.point(anchor.lat, anchor.lon)
            place = replace(
                anchor, id=f"{anchor.id}@{chosen.km:.1f}km/{chosen.bearing:g}", lat=lat, lon=lon,
                geonameid=None, bbox=None, population=None, alternate_names=(),
            )  # fmt: skip
        if not _unknown_name(inc, by_start):  # the offset's words are where it happened
            start, end = chosen.anchor_start, chosen.anchor_end
            inc = replace(inc, location_name=chosen.anchor, location_start=start, location_end=end)
        out.append(replace(inc, place=place, precision="offset", offset=chosen))
    return out


def _unknown_name(inc: Incident, by_start: dict[int, Mention]) -> bool:
    """Whether the incident's place words are a name the gazetteer does not know."""
    told = by_start.get(inc.location_start) if inc.location_start is not None else None
    return told is not None and told.place is None


def _offset_for(inc: Incident, offsets: Sequence[Offset], by_start: dict[int, Mention]) -> Offset | None:
    if not offsets:
        return None
    own = [o for o in offsets if o.anchor_start == inc.location_start]
    if own:
        return own[0]
    if not _unknown_name(inc, by_start) and inc.precision not in _AREA_PRECISIONS:
        return None
    return min(offsets, key=lambda o: abs(o.start - inc.trigger_start))
