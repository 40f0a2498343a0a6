"""How far from its point an incident may lie: the extent of what the point stands for.

A town's point is good to a couple of kilometres; a province's, a country's or a sea's
point stands for anywhere in it. The radius is the half-diagonal of the place's bounding box
where the gazetteer has one (seas, countries, regions), and otherwise a typical extent of
its kind (GeoNames gives admin regions no boxes): a district some 25 km, a province some
150 km. An incident at an unknown village placed at its district takes the district's radius,
and one placed at a town that names its district ("Doubale (Kaya, Sanmatenga)") a district's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geomap.geodesy import haversine_km
from geomap.place import Place

if TYPE_CHECKING:
    from geomap.incidents.incident import Incident

#: Typical radius (km) by feature type, where the gazetteer gives the place no bounding box.
TYPICAL_KM = {
    "city": 2.0, "landmark": 1.0, "cape": 5.0, "island": 10.0, "admin2": 25.0, "valley": 25.0,
    "mountain": 10.0, "lake": 20.0, "river": 100.0, "admin1": 150.0, "territory": 50.0,
    "peninsula": 150.0, "desert": 300.0, "plain": 200.0, "range": 200.0, "strait": 40.0,
    "channel": 50.0, "canal": 50.0, "bay": 50.0, "gulf": 200.0, "sea": 300.0, "region": 500.0,
    "archipelago": 200.0, "country": 500.0, "ocean": 3000.0, "continent": 3000.0,
}  # fmt: skip
#: A point good to this radius is a town's or a site's; anything wider is shown as approximate.
TOWN_KM = TYPICAL_KM["city"]
#: Point-like kinds keep their typical radius even where a box exists (a city's box is its sprawl).
_POINT_LIKE = frozenset({"city", "landmark", "cape"})


def extent_km(place: Place, *, contained: bool = False) -> float:
    """The radius (km) within which anything the place's point stands for lies.

    ``contained``: the point stands for an unknown place inside this one, and a town's point
    then for anywhere in the district it names ("Doubale (Kaya, Sanmatenga)": Kaya's).
    """
    typical = TYPICAL_KM.get(place.feature_type, 50.0)
    if contained and place.feature_type in _POINT_LIKE:
        return max(typical, TYPICAL_KM["admin2"])
    if place.bbox is None or place.feature_type in _POINT_LIKE:
        return typical
    west, south, east, north = place.bbox
    if east < west:  # across the antimeridian
        east += 360.0
    return round(max(1.0, haversine_km(south, west, north, east) / 2), 1)


def where_precision(inc: Incident) -> str | None:
    """What an incident's point stands for, as a reader should take it.

    "city, within 2 km"; "admin1, approx., within 150 km"; for an offset, its words first:
    "about 50 nautical miles west of Hodeidah: offset, approx., within 23.2 km".
    """
    radius = inc.uncertainty_km
    if radius is None:
        return None
    told = f"{inc.offset.text} {inc.offset.anchor}: " if inc.offset is not None else ""
    approx = "approx., " if radius > TOWN_KM else ""
    return f"{told}{inc.precision}, {approx}within {radius:g} km"
