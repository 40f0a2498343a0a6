"""Choosing one gazetteer entry per mention, with the whole article as context.

This first resolver uses two document-level cues: the countries the article
names (directly or by demonym) lift candidates in those countries, and one
name keeps one reading throughout the article.
"""

from __future__ import annotations

from collections.abc import Sequence

from geomap.gazetteer import Gazetteer
from geomap.nlp import RawMention
from geomap.normalize import normalize_name
from geomap.place import Match, Place

#: Added to a candidate's score when the article names its country.
COUNTRY_CONTEXT_BONUS = 0.3


def document_countries(
    mentions: Sequence[RawMention], gazetteer: Gazetteer, demonym_words: Sequence[str] = ()
) -> set[str]:
    """ISO codes of countries the article names outright or through a demonym."""
    codes: set[str] = set()
    for m in mentions:
        best = gazetteer.search(m.text, limit=1)
        if best and best[0].place.feature_type in ("country", "territory"):
            codes.update(best[0].place.country_codes[:1])
    for word in demonym_words:
        place = gazetteer.demonym(word)
        if place is not None and place.country_code:
            codes.add(place.country_code)
    return codes


def _rescore(match: Match, countries: set[str]) -> float:
    bonus = COUNTRY_CONTEXT_BONUS if countries.intersection(match.place.country_codes) else 0.0
    return match.score + bonus


def resolve(
    mentions: Sequence[RawMention], gazetteer: Gazetteer, demonym_words: Sequence[str] = ()
) -> list[tuple[Place | None, float, tuple[Place, ...]]]:
    """For each mention: the chosen place (or None), a confidence in 0–1, and the alternatives."""
    countries = document_countries(mentions, gazetteer, demonym_words)
    readings: dict[str, tuple[Place | None, float, tuple[Place, ...]]] = {}
    out = []
    for m in mentions:
        key = normalize_name(m.text)
        if key not in readings:
            matches = gazetteer.search(m.text, limit=25)
            if not matches:
                readings[key] = (None, 0.0, ())
            else:
                ranked = sorted(matches, key=lambda c: -_rescore(c, countries))
                best = _rescore(ranked[0], countries)
                second = _rescore(ranked[1], countries) if len(ranked) > 1 else 0.0
                # Confident when the winner is strong and clearly ahead of the runner-up.
                confidence = min(1.0, best) * (best / (best + second)) ** 0.5
                readings[key] = (ranked[0].place, confidence, tuple(c.place for c in ranked[1:6]))
        out.append(readings[key])
    return out
