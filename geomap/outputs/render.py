"""Folium maps of parsed articles, built from small functions that each add one layer.

- A map reads as a map offline: the bundled Natural Earth basemap (``geomap.outputs.basemap``) is its
  bottom layer, under any tiles; the countries where the article's incidents are (all it names,
  when none is located) are drawn as their outlines and labelled, seas as their Natural Earth
  polygons. A side panel lists the incidents by date.
- Offline: Leaflet and its marker-cluster plugin are inlined (``geomap.outputs.map_style``); only tiles,
  when asked for, use the network.
- Safe: every string from an article is HTML-escaped in Python before it reaches the page, or
  set with ``textContent`` by the page's script, and data is embedded as escaped JSON
  (``geomap.outputs.map_elements``), so neither a ``</script>`` nor a template-literal trick can run.
- Deterministic: folium's random element ids are replaced by a counter in tree order, so the
  same input gives byte-identical HTML.
"""

from __future__ import annotations

import html
import itertools
import warnings
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import folium
import xyzservices
from shapely.geometry import MultiPoint, Point, box, mapping, shape

from geomap import __version__
from geomap.incidents.precision import TOWN_KM, where_precision
from geomap.model import ParsedArticle, ResolvedPlace
from geomap.outputs.basemap import Basemap, load_basemap
from geomap.outputs.files import GENERATOR
from geomap.outputs.map_elements import (
    BasemapLayer,
    FitView,
    GeoJsonLayer,
    IncidentCluster,
    IncidentPanel,
    LayerControl,
    MapControl,
    OfflineMap,
    RawText,
    TimeSlider,
    page_of,
)
from geomap.outputs.map_style import (
    INCIDENT_COLOURS,
    INCIDENT_STYLE,
    PLACE_COLOURS,
    PLACE_GROUPS,
    incident_icon,
    offline_assets,
    place_group,
)

__all__ = [
    "INCIDENT_COLOURS", "PLACE_COLOURS", "PLACE_GROUPS", "GeoJsonLayer", "IncidentCluster", "LayerControl",
    "OfflineMap", "esc", "incident_icon", "incident_popup", "offline_assets", "place_group", "place_popup",
    "render_html", "render_map", "safe_url",
]  # fmt: skip

#: Feature types drawn as their extent when the gazetteer has a bbox and Natural Earth no
#: polygon (a point otherwise). Countries are drawn as their Natural Earth outline instead.
AREA_TYPES = frozenset(
    {"sea", "ocean", "gulf", "bay", "strait", "channel", "region", "territory", "desert", "peninsula"}
)
#: Layer names longer than this are cut with an ellipsis; the full text is on hover.
LAYER_NAME_CHARS = 40


def esc(value: object) -> str:
    """HTML-escape anything (quotes too: values also land in attributes)."""
    return html.escape(str(value), quote=True)


def type_label(incident_type: str) -> str:
    return incident_type.replace("_", " ")


def map_type(incident_type: str) -> str:
    """The type as the map draws it: one of the closed vocabulary, else ``other``."""
    return incident_type if incident_type in INCIDENT_STYLE else "other"


def safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s): a ``javascript:`` link from an article must not be clickable."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


# --------------------------------------------------------------------------- popups


def _highlight(sentence: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """The sentence, escaped, with non-overlapping spans wrapped in ``<mark class=…>``."""
    out, pos = [], 0
    for start, end, cls in sorted(spans):
        if start < pos or not 0 <= start < end <= len(sentence):
            continue
        out += [esc(sentence[pos:start]), f'<mark class="{cls}">', esc(sentence[start:end]), "</mark>"]
        pos = end
    out.append(esc(sentence[pos:]))
    return "".join(out)


def _span_in(sentence: str, start: int | None, end: int | None, offset: int, text: str | None) -> Any:
    """The span of ``text`` in the sentence: the offsets when they agree with the text, else a search."""
    if start is not None and end is not None and sentence[start - offset : end - offset] == text:
        return start - offset, end - offset
    if text and (i := sentence.find(text)) >= 0:
        return i, i + len(text)
    return None


def incident_sentence_html(inc: Any) -> str:
    """The incident's sentence with its trigger and its location highlighted."""
    spans = []
    trig = _span_in(inc.sentence, inc.trigger_start, inc.trigger_end, inc.sentence_start, inc.trigger)
    if trig:
        spans.append((*trig, "geomap-trigger"))
    loc = _span_in(inc.sentence, inc.location_start, inc.location_end, inc.sentence_start, inc.location_name)
    if loc:
        spans.append((*loc, "geomap-loc"))
    return _highlight(inc.sentence, spans)


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence of ``text`` holding ``start:end``, without its surrounding space:
    from after the last sentence end or line break before it to the next one after it (for
    showing, not for parsing)."""
    ends = ("\n", ". ", "! ", "? ")
    lo = max((i + len(e) for e in ends if (i := text.rfind(e, 0, start)) >= 0), default=0)
    hi = min((i + 1 for e in ends if (i := text.find(e, end)) >= 0), default=len(text))
    while lo < start and text[lo].isspace():
        lo += 1
    return lo, len(text[:hi].rstrip())


def location_sentence_html(inc: Any, text: str) -> str | None:
    """The sentence that names the incident's place when it is not the incident's own sentence
    ("three crew were killed in the attack near the Bab el-Mandeb strait", told after the strike):
    the article's text around the location's offsets, the place marked; None when it is in the
    incident's sentence or the offsets do not fit the text."""
    start, end = inc.location_start, inc.location_end
    if start is None or end is None or text[start:end] != inc.location_name:
        return None
    if inc.sentence_start <= start and end <= inc.sentence_end:
        return None
    lo, hi = _sentence_around(text, start, end)
    return _highlight(text[lo:hi], [(start - lo, end - lo, "geomap-loc")])


def article_link(article: ParsedArticle) -> str:
    label = esc(article.title or article.id)
    url = safe_url(article.url)
    if url is None:
        return label
    return f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{label}</a>'


def ring_fields(inc: Any) -> dict[str, Any]:
    """A marker's ring data: ``r``, the radius within which the event lies, and ``approx`` when
    that is wider than a town's or a site's point, for the panel's "(approx.)"."""
    return {"r": inc.uncertainty_km, "approx": (inc.uncertainty_km or 0) > TOWN_KM}


def where_line(inc: Any) -> str:
    """The popup's escaped "where:" line: the place words and what the point stands for."""
    return f"where: {esc(inc.location_name or 'not given')} ({esc(where_precision(inc) or inc.precision)})"


def incident_popup(inc: Any, article: ParsedArticle) -> str:
    """Popup HTML: type, date, sentence (trigger and place marked), actors, counts, confidence, source."""
    rows = [
        f"{incident_icon(inc.incident_type)}<b>{esc(type_label(inc.incident_type))}</b>"
        f" · {esc(inc.date or 'date unknown')}",
        f"modality: {esc(inc.modality)}",
        f"<blockquote>{incident_sentence_html(inc)}</blockquote>",
    ]
    if (told := location_sentence_html(inc, article.text)) is not None:
        rows.append(f"<blockquote>{told}</blockquote>")
    rows.append(where_line(inc))
    if inc.actors:
        rows.append(f"actors: {esc('; '.join(inc.actors))}")
    if inc.fatalities is not None:
        rows.append(f"fatalities: {esc(inc.fatalities)}")
    if inc.affected is not None:
        rows.append(f"affected: {esc(inc.affected)}")
    rows.append(f"confidence {inc.confidence:.2f} · {esc(inc.id)}")
    rows.append(f"article: {article_link(article)}")
    return f'<div class="geomap-popup">{"<br>".join(rows)}</div>'


def place_popup(rp: ResolvedPlace, article: ParsedArticle | None = None) -> str:
    """Popup HTML for a place: escaped name, type, mentions and the sentences naming it."""
    p = rp.place
    rows = [
        f"<b>{esc(p.name)}</b> ({esc(p.feature_type)}{', ' + esc(p.country_code) if p.country_code else ''})",
        f"mentioned as: {esc(', '.join(rp.mentions))} · {rp.mention_count}×",
        f"confidence {rp.confidence:.2f}",
    ]
    rows += [f"<blockquote>{esc(s)}</blockquote>" for s in rp.sentences[:5]]
    if article is not None:
        rows.append(f"article: {article_link(article)}")
    return f'<div class="geomap-popup">{"<br>".join(rows)}</div>'


# --------------------------------------------------------------------------- builders


def _feature(geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def incident_countries(article: ParsedArticle) -> frozenset[str] | None:
    """The countries the article's located incidents are in, or None when none is located."""
    places = [i.place for i in article.incidents if i.place]
    return frozenset(c for p in places for c in (p.country_code, *p.country_codes) if c) if places else None


def place_features(
    rp: ResolvedPlace, article: ParsedArticle, basemap: Basemap, outlined: frozenset[str] | None = None
) -> list[dict[str, Any]]:
    """A place as drawn: a named country as its lightly filled outline with a label, a sea as
    its Natural Earth polygon, another area as its extent, anything else as a marker.

    ``outlined``: the countries to outline (``incident_countries``), None for every one named. A
    country named only as an actor ("the United States said") is then a plain marker, so that
    the map's eye goes to where things happened.
    """
    p = rp.place
    group = place_group(p.feature_type)
    props = {"group": group, "colour": PLACE_COLOURS[group], "tooltip": esc(p.name),
             "popup": place_popup(rp, article)}  # fmt: skip
    codes = {p.country_code, *p.country_codes} - {None}
    if p.feature_type == "country" and (outlined is None or codes & outlined):
        outline = basemap.country_shape(p.country_code or next(iter(p.country_codes), None))
        if outline is not None:
            return [
                _feature(outline, **props, weight=1.5, fill=0.12),
                _feature({"type": "Point", "coordinates": [p.lon, p.lat]}, label=p.name),
            ]
    area = basemap.marine_shape(p)
    if area is None and p.bbox and p.feature_type in AREA_TYPES:
        area = mapping(box(*p.bbox))  # bbox is (west, south, east, north)
    if area is not None:
        return [_feature(area, **props)]
    return [_feature(mapping(Point(p.lon, p.lat)), **props)]


def layer_name(article: ParsedArticle, hover: str | None = None) -> str:
    """The article's title (or id), cut with an ellipsis; the full text is on hover, escaped."""
    full = " ".join((article.title or article.id).split()) or article.id
    short = full if len(full) <= LAYER_NAME_CHARS else full[: LAYER_NAME_CHARS - 1].rstrip() + "…"
    return f'<span class="geomap-layer-name" title="{esc(hover or full)}">{esc(short)}</span>'


def add_article_layer(
    fmap: folium.Map, article: ParsedArticle, basemap: Basemap, taken: set[str] | None = None
) -> GeoJsonLayer:
    """One overlay per article, named by its title or id: its places as they are drawn.

    ``taken`` holds the names already given: a second article of the same title gets its id
    in the hover text, so that the layer control keeps both.
    """
    outlined = incident_countries(article)
    features = [f for rp in article.places for f in place_features(rp, article, basemap, outlined)]
    name = layer_name(article)
    if taken is not None:
        if name in taken:
            name = layer_name(article, f"{article.title or article.id} ({article.id})")
        taken.add(name)
    layer = GeoJsonLayer({"type": "FeatureCollection", "features": features}, name=name)
    layer.add_to(fmap)
    return layer


def add_incident_type_layers(fmap: folium.Map, types: Iterable[str]) -> dict[str, folium.FeatureGroup]:
    """An (empty) overlay per incident type: ticking it off hides that type's incident markers."""
    layers = {}
    for t in types:
        name = f"{incident_icon(t)}{esc(type_label(t))}"
        layer = folium.FeatureGroup(name=name, overlay=True)
        layer.add_to(fmap)
        layers[t] = layer
    return layers


def incident_data(articles: Sequence[ParsedArticle], types: Iterable[str]) -> list[dict[str, Any]]:
    """Every located incident as the page's script reads it, sorted by date (undated last).

    ``popup`` and ``tooltip`` are escaped HTML; ``place`` is plain text, which the panel sets
    with textContent.
    """
    known = set(types)
    data = []
    for index, article in enumerate(articles):
        for inc in article.incidents:
            feature = inc.__geo_interface__
            if feature["geometry"] is None:
                continue  # the text gives no location: nothing to put on a map
            lon, lat = feature["geometry"]["coordinates"][:2]
            data.append(
                {
                    "lat": round(lat, 6),
                    "lon": round(lon, 6),
                    "a": index,
                    "t": map_type(inc.incident_type) if map_type(inc.incident_type) in known else "other",
                    "date": inc.date,
                    "place": inc.location_name or (inc.place.name if inc.place else None),
                    "f": inc.fatalities,
                    **ring_fields(inc),
                    "tooltip": esc(f"{type_label(inc.incident_type)}: {inc.location_name or ''}"),
                    "popup": incident_popup(inc, article),
                }
            )
    return sorted(data, key=lambda d: (d["date"] is None, d["date"] or ""))


def add_incident_layer(
    fmap: folium.Map,
    articles: Sequence[ParsedArticle],
    article_layers: Sequence[GeoJsonLayer],
    type_layers: dict[str, folium.FeatureGroup],
) -> IncidentCluster:
    """Every located incident as a clustered marker, its type's colour and shape, with its popup."""
    cluster = IncidentCluster(incident_data(articles, type_layers), article_layers, type_layers)
    cluster.add_to(fmap)
    return cluster


def add_incident_panel(fmap: folium.Map, cluster: IncidentCluster) -> IncidentPanel:
    """The side panel listing the incidents by date; it follows the layers and the time slider."""
    panel = IncidentPanel(cluster, {t: type_label(t) for t in cluster.type_layers})
    panel.add_to(fmap)
    return panel


def add_legend(fmap: folium.Map, types: Iterable[str], groups: Iterable[str] = PLACE_COLOURS) -> None:
    """A legend of the incident types on the map (colour and shape), and of its place groups."""
    rows = ["<b>Incidents</b>"]
    rows += [f"<div>{incident_icon(t)}{esc(type_label(t))}</div>" for t in sorted(types)]
    shown = [g for g in PLACE_COLOURS if g in set(groups)]
    rows += ["<b>Places</b>"] if shown else []
    rows += [f'<div><span class="geomap-swatch geomap-f-{g}"></span>{g}</div>' for g in shown]
    MapControl("".join(rows), "geomap-legend").add_to(fmap)


def add_time_slider(fmap: folium.Map, cluster: IncidentCluster) -> TimeSlider | None:
    """A time slider, when the located incidents carry at least two distinct dates."""
    dates = sorted({d["date"] for d in cluster.data if d["date"]})
    if len(dates) < 2:
        return None
    slider = TimeSlider(cluster, dates)
    slider.add_to(fmap)
    return slider


def add_title(fmap: folium.Map, title: str, note: str | None = None) -> None:
    """A title box over the map (escaped: article titles are untrusted)."""
    small = f"<small>{esc(note)}</small>" if note else ""
    box_html = f'<div class="geomap-title">{esc(title)}{small}</div>'
    page_of(fmap).html.add_child(RawText(box_html))


def view_bounds(articles: Sequence[ParsedArticle], basemap: Basemap) -> tuple[float, ...] | None:
    """(west, south, east, north) to open on: the incidents; else the places finer than a
    country; else the named countries' outlines (or points). Never wider than named places."""
    points = [Point(i.place.lon, i.place.lat) for a in articles for i in a.incidents if i.place]
    if points:
        return MultiPoint(points).bounds
    places = [rp.place for a in articles for rp in a.places]
    fine = [Point(p.lon, p.lat) for p in places if p.feature_type not in ("country", "continent", "ocean")]
    if fine:
        return MultiPoint(fine).bounds
    shapes = []
    for p in places:
        outline = basemap.country_shape(p.country_code) if p.feature_type == "country" else None
        shapes.append(shape(outline) if outline else Point(p.lon, p.lat))
    if not shapes:
        return None
    bounds = [s.bounds for s in shapes]
    return (min(b[0] for b in bounds), min(b[1] for b in bounds),
            max(b[2] for b in bounds), max(b[3] for b in bounds))  # fmt: skip


def fit_to_data(fmap: folium.Map, articles: Sequence[ParsedArticle], basemap: Basemap) -> None:
    """Open the map on ``view_bounds`` (the world only when nothing at all is placed)."""
    bounds = view_bounds(articles, basemap)
    if bounds is not None:
        west, south, east, north = bounds
        FitView([(south, west), (north, east)], max_zoom=9).add_to(fmap)


def add_offline_assets(fmap: folium.Map) -> None:
    """The generator mark first (so a rerun may replace the file), then Leaflet and plugins inline."""
    header = page_of(fmap).header
    header.add_child(RawText(f'<meta name="generator" content="{GENERATOR} {__version__}">'), index=0)
    header.add_child(RawText(offline_assets()), name="geomap_assets")


def stabilise_ids(fmap: folium.Map) -> None:
    """Replace folium's random element ids by a counter in tree order: same input, same bytes."""
    counter = itertools.count()

    def walk(element: Any) -> None:
        element._id = f"{next(counter):04d}"
        for child in element._children.values():
            walk(child)

    walk(fmap.get_root())


def _tiles(tiles: str | None) -> dict[str, Any]:
    if tiles is None or tiles.lower() in ("", "none"):
        return {"tiles": None}
    if "{" in tiles:  # a URL template: folium needs an attribution for it
        return {"tiles": tiles, "attr": esc(urlsplit(tiles).hostname or "map tiles")}
    with warnings.catch_warnings():  # xyzservices warns of a provider's key: said below instead
        warnings.simplefilter("ignore")
        try:
            provider = xyzservices.providers.query_name(tiles)
        except ValueError:  # folium's own "OpenStreetMap", or a name folium will refuse
            return {"tiles": tiles}
    if provider.requires_token():
        template = provider.build_url(**{k: "KEY" for k, v in provider.items() if "<insert" in str(v)})
        raise ValueError(
            f"{provider.name} needs an API key: give its URL template with your key "
            f"(--tiles '{template}', KEY replaced), or a provider that needs none"
        )
    return {"tiles": tiles}


def render_map(
    articles: Sequence[ParsedArticle],
    *,
    tiles: str | None = "OpenStreetMap",
    title: str | None = None,
    note: str | None = None,
) -> folium.Map:
    """A map of one article, or of many with a layer each; incidents by type, clustered.

    ``tiles`` is a folium/xyzservices provider name, a URL template, or None for no tiles
    (the bundled basemap alone, no network at all). ``note`` goes under the title (e.g. that
    the map shows only part of a corpus).
    """
    articles = list(articles)
    basemap = load_basemap()
    # maxZoom on the map itself: marker clustering needs it when there is no tile layer to say it.
    fmap = OfflineMap(location=(20, 0), zoom_start=2, control_scale=True, maxZoom=18, **_tiles(tiles))
    add_offline_assets(fmap)
    BasemapLayer(basemap.land_json, basemap.labels_json).add_to(fmap)
    taken: set[str] = set()
    article_layers = [add_article_layer(fmap, a, basemap, taken) for a in articles]
    types = sorted({map_type(i.incident_type) for a in articles for i in a.incidents if i.place is not None})
    type_layers = add_incident_type_layers(fmap, types)
    cluster = add_incident_layer(fmap, articles, article_layers, type_layers)
    add_time_slider(fmap, cluster)
    if types:
        add_legend(fmap, types, {place_group(rp.place.feature_type) for a in articles for rp in a.places})
    unlocated = sum(1 for a in articles for i in a.incidents if i.place is None)
    notes = [note] if note else []
    if unlocated:
        notes.append(f"{unlocated} incident(s) without a known location are not shown")
    if title is None:
        title = articles[0].title or articles[0].id if len(articles) == 1 else f"{len(articles)} articles"
    add_title(fmap, title, "; ".join(notes) or None)
    LayerControl(collapsed=True).add_to(fmap)  # folded: an open one covers the map
    if cluster.data:
        add_incident_panel(fmap, cluster)
    fit_to_data(fmap, articles, basemap)
    stabilise_ids(fmap)
    return fmap


def render_html(articles: Sequence[ParsedArticle], **kwargs: Any) -> str:
    """The map as one self-contained HTML page."""
    return render_map(articles, **kwargs).get_root().render()
