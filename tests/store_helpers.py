"""Hand-built incidents and articles for the store tests: exact places, dates and counts,
so each merge rule is tested on its own without the parser. The sentences are ours."""

from __future__ import annotations

from geomap.incidents.incident import Incident
from geomap.model import ParsedArticle, ResolvedPlace
from geomap.place import Place

KHARKIV = Place("706483", "Kharkiv", "city", 49.98081, 36.25272, "UA", geonameid=706483)
#: A district of Kharkiv about 7 km from the city's point.
SALTIVKA = Place("geomap:test-saltivka", "Saltivka", "admin2", 50.0300, 36.3200, "UA")
#: About 45 km from Kharkiv: another town.
CHUHUIV = Place("706448", "Chuhuiv", "city", 49.83559, 36.68061, "UA", geonameid=706448)
ODESA = Place("698740", "Odesa", "city", 46.47747, 30.73262, "UA", geonameid=698740)
TBILISI = Place("611717", "Tbilisi", "city", 41.69411, 44.83368, "GE", geonameid=611717)
#: Just west of the antimeridian.
SUVA = Place("2198148", "Suva", "city", -18.14161, 178.44149, "FJ", geonameid=2198148)


def report(
    article_id: str,
    n: int = 1,
    *,
    place: Place | None,
    date: str | None = "2024-03-12",
    incident_type: str = "airstrike_shelling",
    fatalities: int | None = None,
    affected: int | None = None,
    confidence: float = 0.8,
    actors: tuple[str, ...] = (),
) -> Incident:
    """Incident ``n`` of article ``article_id``, its sentence written for the test."""
    where = place.name if place else "an undisclosed site"
    sentence = f"Report {n} of {article_id}: an attack hit {where}."
    start = 100 * (n - 1)
    return Incident(
        id=f"{article_id}-e{n}",
        article_id=article_id,
        incident_type=incident_type,
        sentence=sentence,
        sentence_start=start,
        sentence_end=start + len(sentence),
        trigger="attack",
        trigger_start=start + sentence.index("attack"),
        trigger_end=start + sentence.index("attack") + 6,
        location_name=place.name if place else None,
        location_start=start + sentence.index(where) if place else None,
        location_end=start + sentence.index(where) + len(where) if place else None,
        place=place,
        precision=place.feature_type if place else "unknown",
        actors=actors,
        fatalities=fatalities,
        affected=affected,
        date=date,
        confidence=confidence,
    )


def article(article_id: str, *incidents: Incident, text: str | None = None, date: str | None = "2024-03-12"):
    """A parsed article holding ``incidents``; its text is its sentences unless given."""
    places = {i.place.id: i.place for i in incidents if i.place}
    return ParsedArticle(
        id=article_id,
        text=text if text is not None else " ".join(i.sentence for i in incidents),
        title=f"Test article {article_id}",
        date=date,
        url=f"https://news.example/{article_id}",
        mentions=(),
        places=tuple(
            ResolvedPlace(p, 0.9, (p.name,), 1, (), article_ids=(article_id,)) for p in places.values()
        ),
        incidents=incidents,
    )
