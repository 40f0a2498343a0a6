"""GeoJSON export (RFC 7946): a FeatureCollection of places and incidents, [lon, lat], WGS 84."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from geomap import __version__
from geomap.model import ParsedArticle, ResolvedPlace
from geomap.output import GENERATOR


def merge_places(articles: Iterable[ParsedArticle]) -> list[ResolvedPlace]:
    """One feature per place across articles: mentions, sentences and article ids pooled."""
    merged: dict[str, ResolvedPlace] = {}
    for article in articles:
        for rp in article.places:
            prior = merged.get(rp.place.id)
            if prior is None:
                merged[rp.place.id] = rp
                continue
            merged[rp.place.id] = ResolvedPlace(
                place=rp.place,
                confidence=max(prior.confidence, rp.confidence),
                mentions=tuple(dict.fromkeys(prior.mentions + rp.mentions)),
                mention_count=prior.mention_count + rp.mention_count,
                sentences=prior.sentences + rp.sentences,
                alternatives=prior.alternatives,
                article_ids=tuple(dict.fromkeys(prior.article_ids + rp.article_ids)),
                incident_ids=prior.incident_ids + rp.incident_ids,
            )
    return list(merged.values())


def to_geojson(articles: Iterable[ParsedArticle]) -> dict[str, Any]:
    """The GeoJSON FeatureCollection of DESIGN.md §3 for one or many articles."""
    articles = list(articles)
    features = [rp.__geo_interface__ for rp in merge_places(articles)]
    for article in articles:
        features += [incident.__geo_interface__ for incident in article.incidents]
    # "generator" is a foreign member (RFC 7946 §6.1): GIS tools ignore it, geomap
    # uses it to know the file is its own and may be replaced on a rerun.
    return {"type": "FeatureCollection", "generator": f"{GENERATOR} {__version__}", "features": features}


def dumps_geojson(articles: Iterable[ParsedArticle]) -> str:
    return json.dumps(to_geojson(articles), ensure_ascii=False, indent=1) + "\n"
