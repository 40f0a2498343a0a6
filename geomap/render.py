"""Folium maps of parsed articles, built from small functions that each add one layer.

Every string that came from an article is HTML-escaped before it reaches the page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import folium

from geomap import __version__
from geomap.model import ParsedArticle, ResolvedPlace
from geomap.output import GENERATOR

#: Marker colour per broad kind of feature (folium's named colours).
FEATURE_COLOURS = {
    "city": "blue", "admin1": "cadetblue", "admin2": "cadetblue", "country": "darkblue",
    "territory": "purple", "region": "purple", "continent": "gray",
}  # fmt: skip
WATER = {"sea", "ocean", "gulf", "bay", "strait", "channel", "canal", "river", "lake"}


def _colour(feature_type: str) -> str:
    if feature_type in WATER:
        return "darkgreen"
    return FEATURE_COLOURS.get(feature_type, "orange")


def place_popup(rp: ResolvedPlace) -> str:
    """Popup HTML for a place: escaped name, type, mentions and the sentences naming it."""
    p = rp.place
    rows = [
        f"<b>{html.escape(p.name)}</b> ({html.escape(p.feature_type)}"
        f"{', ' + html.escape(p.country_code) if p.country_code else ''})",
        f"mentioned as: {html.escape(', '.join(rp.mentions))} · {rp.mention_count}×",
        f"confidence {rp.confidence:.2f}",
    ]
    rows += [f"<blockquote>{html.escape(s)}</blockquote>" for s in rp.sentences[:5]]
    return "<br>".join(rows)


def add_place_layer(
    fmap: folium.Map, places: Sequence[ResolvedPlace], name: str = "Places"
) -> folium.FeatureGroup:
    """One marker per place, coloured by feature type."""
    layer = folium.FeatureGroup(name=html.escape(name))
    for rp in places:
        p = rp.place
        folium.Marker(
            location=(p.lat, p.lon),
            tooltip=html.escape(p.name),
            popup=folium.Popup(place_popup(rp), max_width=400),
            icon=folium.Icon(color=_colour(p.feature_type), icon="info-sign"),
        ).add_to(layer)
    layer.add_to(fmap)
    return layer


def add_title(fmap: folium.Map, title: str) -> None:
    """A title box over the map (escaped: article titles are untrusted)."""
    box = (
        '<div style="position:fixed;top:10px;left:60px;z-index:9999;background:white;'
        'padding:6px 10px;border-radius:4px;font:14px sans-serif;box-shadow:0 1px 4px #888">'
        f"{html.escape(title)}</div>"
    )
    fmap.get_root().html.add_child(folium.Element(box))


def fit_to_places(fmap: folium.Map, places: Sequence[ResolvedPlace]) -> None:
    """Fit the view to the places, with a little margin."""
    if not places:
        return
    lats = [rp.place.lat for rp in places]
    lons = [rp.place.lon for rp in places]
    fmap.fit_bounds([(min(lats), min(lons)), (max(lats), max(lons))], padding=(30, 30))


def render_map(articles: Sequence[ParsedArticle], *, tiles: str = "OpenStreetMap") -> folium.Map:
    """A map of one article's places, or of many articles with a layer each."""
    fmap = folium.Map(tiles=tiles, zoom_start=2, location=(20, 0))
    fmap.get_root().header.add_child(
        folium.Element(f'<meta name="generator" content="{GENERATOR} {__version__}">'), index=0
    )
    all_places = []
    for article in articles:
        add_place_layer(fmap, article.places, name=article.title or article.id)
        all_places += article.places
    title = articles[0].title or articles[0].id if len(articles) == 1 else f"{len(articles)} articles"
    add_title(fmap, title)
    if len(articles) > 1:
        folium.LayerControl(collapsed=False).add_to(fmap)
    fit_to_places(fmap, all_places)
    return fmap
