"""Folium maps of parsed articles, built from small functions that each add one layer.

- Offline: Leaflet and Leaflet.markercluster (from the pinned ``xstatic-*`` packages) are
  inlined into the page, with their images as data URIs. Markers are CSS-styled ``divIcon``s,
  so no icon font or jQuery is needed. Only the tiles use the network; without them the
  markers show on Leaflet's plain grey background.
- Safe: every string from an article is HTML-escaped in Python before it reaches the page,
  and data is embedded as JSON with ``<``, ``>``, ``&`` and ``'`` escaped (Jinja's ``tojson``),
  so neither a ``</script>`` nor a template-literal trick in an article can run.
- Deterministic: folium's random element ids are replaced by a counter in tree order, so the
  same input gives byte-identical HTML.
"""

from __future__ import annotations

import base64
import html
import itertools
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from shapely.geometry import MultiPoint, Point, box, mapping

from geomap import __version__
from geomap.model import ParsedArticle, ResolvedPlace
from geomap.output import GENERATOR

#: Incident colours (legend, markers, layer control), one per type of the closed vocabulary.
INCIDENT_COLOURS: dict[str, str] = {
    "armed_attack": "#d62728", "airstrike_shelling": "#ff7f0e", "maritime_attack": "#1f77b4",
    "ground_operation": "#8c564b", "military_plan": "#7f7f7f", "casualties": "#000000",
    "displacement_humanitarian": "#9467bd", "meeting_diplomacy": "#2ca02c",
    "statement_threat": "#bcbd22", "protest_unrest": "#e377c2", "arrest_detention": "#17becf",
    "other": "#aaaaaa",
}  # fmt: skip

#: Place marker groups by feature type; each group has a colour in the page's CSS.
PLACE_GROUPS: dict[str, str] = {
    "city": "settlement", "admin1": "admin", "admin2": "admin", "country": "country",
    "continent": "country", "region": "region", "territory": "region",
    **dict.fromkeys(("sea", "ocean", "gulf", "bay", "strait", "channel", "canal", "river", "lake"), "water"),
}  # fmt: skip
PLACE_COLOURS = {
    "settlement": "#08519c", "admin": "#6baed6", "country": "#252525", "region": "#6a51a3",
    "water": "#0e7c86", "land": "#8c6d31",
}  # fmt: skip

#: Feature types drawn as their extent when the gazetteer has a bbox (a point otherwise).
#: Countries and continents are not: a box the size of Russia hides more than it shows.
AREA_TYPES = frozenset(
    {"sea", "ocean", "gulf", "bay", "strait", "channel", "region", "territory", "desert", "peninsula"}
)


def esc(value: object) -> str:
    """HTML-escape anything (quotes too: values also land in attributes)."""
    return html.escape(str(value), quote=True)


def type_label(incident_type: str) -> str:
    return incident_type.replace("_", " ")


def place_group(feature_type: str) -> str:
    return PLACE_GROUPS.get(feature_type, "land")


def safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s): a ``javascript:`` link from an article must not be clickable."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


# --------------------------------------------------------------------------- offline assets


def _xstatic_dir(module: str) -> Path:
    from importlib import import_module

    return Path(import_module(f"xstatic.pkg.{module}").BASE_DIR)


def _strip_source_map(text: str) -> str:
    """Drop ``sourceMappingURL`` comments: the maps are not shipped, and a browser would ask for them."""
    return re.sub(r"^\s*//# sourceMappingURL=\S+\s*$", "", text, flags=re.MULTILINE)


def _inline_images(css: str, folder: Path) -> str:
    """Leaflet's CSS points at images/…png beside it: make them data URIs."""

    def data_uri(match: re.Match[str]) -> str:
        data = base64.b64encode((folder / match.group(1)).read_bytes()).decode()
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)


_GEOMAP_CSS = """
.geomap-incident{border-radius:50%;border:2px solid #fff;box-shadow:0 0 3px rgba(0,0,0,.7);
 box-sizing:border-box}
.geomap-place{border:2px solid #fff;box-shadow:0 0 2px rgba(0,0,0,.8);transform:rotate(45deg);
 box-sizing:border-box}
.geomap-swatch{display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:4px;vertical-align:-1px}
.geomap-legend,.geomap-slider{background:#fff;padding:6px 9px;border-radius:4px;font:12px/1.5 sans-serif;
 box-shadow:0 1px 5px rgba(0,0,0,.4)}
.geomap-legend b,.geomap-slider b{display:block;margin-bottom:2px}
.geomap-slider input{width:220px}
.geomap-popup mark.geomap-trigger{background:#ffd54f}
.geomap-popup mark.geomap-loc{background:#9be7ff}
.geomap-popup blockquote{margin:4px 0;padding-left:6px;border-left:3px solid #ccc}
.geomap-title{position:fixed;top:10px;left:60px;z-index:1000;background:#fff;padding:6px 10px;
 border-radius:4px;font:14px sans-serif;box-shadow:0 1px 4px #888;max-width:60%}
.geomap-title small{display:block;color:#555;font-size:11px}
"""


def _colour_css() -> str:
    rules = [f".geomap-t-{t}{{background:{c}}}" for t, c in INCIDENT_COLOURS.items()]
    rules += [f".geomap-f-{g}{{background:{c}}}" for g, c in PLACE_COLOURS.items()]
    return "\n".join(rules)


#: The page's own JavaScript: marker factories and the incident filter (layers x time slider).
_GEOMAP_JS = """
var geomap = {
  bind: function (feature, layer) {
    layer.bindPopup(feature.properties.popup, {maxWidth: 420});
    layer.bindTooltip(feature.properties.tooltip);
  },
  placeMarker: function (feature, latlng) {
    return L.marker(latlng, {icon: L.divIcon({
      className: 'geomap-place geomap-f-' + feature.properties.group, iconSize: [12, 12]})});
  },
  areaStyle: function (feature) {
    return {className: 'geomap-area', color: feature.properties.colour, weight: 1, fillOpacity: 0.08};
  },
  incidents: function (map, cluster, data, articleLayers, typeLayers) {
    var maxDate = null;
    var markers = data.map(function (d) {
      var m = L.marker([d.lat, d.lon], {icon: L.divIcon({
        className: 'geomap-incident geomap-t-' + d.t, iconSize: [14, 14]})});
      m.bindPopup(d.popup, {maxWidth: 420});
      m.bindTooltip(d.tooltip);
      m.geomap = d;
      return m;
    });
    function visible(m) {
      var d = m.geomap;
      return map.hasLayer(articleLayers[d.a]) && map.hasLayer(typeLayers[d.t]) &&
        (maxDate === null || d.date === null || d.date <= maxDate);
    }
    function refresh() {
      cluster.clearLayers();
      cluster.addLayers(markers.filter(visible));
    }
    map.on('overlayadd overlayremove', refresh);
    refresh();
    return {refresh: refresh, setMaxDate: function (date) { maxDate = date; refresh(); }};
  }
};
"""


@cache
def offline_assets() -> str:
    """The ``<style>`` and ``<script>`` blocks that make a map work without a network."""
    leaflet = _xstatic_dir("leaflet")
    cluster = _xstatic_dir("leaflet_markercluster")
    css = _inline_images((leaflet / "leaflet.css").read_text(encoding="utf-8"), leaflet)
    css += (cluster / "MarkerCluster.css").read_text(encoding="utf-8")
    css += (cluster / "MarkerCluster.Default.css").read_text(encoding="utf-8")
    js = [
        "/* Leaflet 1.9.3, BSD-2-Clause, (c) Vladimir Agafonkin; from the xstatic-leaflet package */",
        _strip_source_map((leaflet / "leaflet.js").read_text(encoding="utf-8")),
        "/* Leaflet.markercluster 1.4.1, MIT, (c) Dave Leaver; from xstatic-leaflet-markercluster */",
        _strip_source_map((cluster / "leaflet.markercluster.js").read_text(encoding="utf-8")),
        _GEOMAP_JS,
    ]
    script = "\n".join(js)
    if "</script" in script.lower() or "</style" in css.lower():  # would end the block early
        raise RuntimeError("an inlined asset contains a closing tag")
    return f"<style>{css}\n{_GEOMAP_CSS}\n{_colour_css()}</style>\n<script>{script}</script>"


class OfflineMap(folium.Map):
    """A ``folium.Map`` that links no CDN: the assets come inline from ``offline_assets``."""

    default_js: ClassVar[list[tuple[str, str]]] = []
    default_css: ClassVar[list[tuple[str, str]]] = []


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


def article_link(article: ParsedArticle) -> str:
    label = esc(article.title or article.id)
    url = safe_url(article.url)
    if url is None:
        return label
    return f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{label}</a>'


def incident_popup(inc: Any, article: ParsedArticle) -> str:
    """Popup HTML: type, date, sentence (trigger and place marked), actors, counts, confidence, source."""
    colour = INCIDENT_COLOURS.get(inc.incident_type, INCIDENT_COLOURS["other"])
    rows = [
        f'<span class="geomap-swatch" style="background:{colour}"></span>'
        f"<b>{esc(type_label(inc.incident_type))}</b> · {esc(inc.date or 'date unknown')}",
        f"modality: {esc(inc.modality)}",
        f"<blockquote>{incident_sentence_html(inc)}</blockquote>",
        f"where: {esc(inc.location_name or 'not given')} ({esc(inc.precision)})",
    ]
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


# --------------------------------------------------------------------------- elements


class RawText(Element):
    """Text that goes into the page exactly as given.

    branca's ``Element(text)`` compiles ``text`` as a Jinja template, and every MacroElement
    passes its rendered output (article data included) through one. An article holding
    ``{{ … }}`` or ``{% … %}`` would then be run as template code while the map is built:
    wrong output at best, and template code can reach Python objects. It is also slow (the
    data of each layer compiled as a template). Everything geomap adds to a page goes in as
    this instead.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawText"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class PlainMacro(MacroElement):
    """A MacroElement whose rendered header, html and script go into the page as ``RawText``.

    The same as ``MacroElement.render`` otherwise; subclasses of folium classes list this one
    after the folium class, so it sits just before MacroElement in the method order.
    """

    def render(self, **kwargs: Any) -> str:
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = macros.get(part)
            if macro is not None:
                target.add_child(RawText(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)
        return f"L.{self._name}"


class LayerControl(folium.LayerControl, PlainMacro):
    """folium's layer control, whose script lists the layer names (article titles) as RawText."""


class GeoJsonLayer(folium.map.Layer, PlainMacro):
    """A layer drawn from a GeoJSON FeatureCollection whose properties hold escaped popup HTML."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data|tojson }}, {
            pointToLayer: geomap.placeMarker, style: geomap.areaStyle, onEachFeature: geomap.bind});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any], name: str, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "GeoJsonLayer"
        self.data = data


class IncidentCluster(PlainMacro):
    """All incident markers in one marker-cluster group, filtered by the article and type layers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.markerClusterGroup(
            {chunkedLoading: true, maxClusterRadius: 40, spiderfyOnMaxZoom: true});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {{ this.get_name() }}.geomap = geomap.incidents({{ this._parent.get_name() }}, {{ this.get_name() }},
            {{ this.data|tojson }},
            [{% for layer in this.article_layers %}{{ layer.get_name() }},{% endfor %}],
            { {%- for t, layer in this.type_layers.items() %}
                {{ t|tojson }}: {{ layer.get_name() }},
            {%- endfor %} });
        {% endmacro %}
        """
    )

    def __init__(
        self, data: list[dict[str, Any]], article_layers: Sequence[Any], type_layers: dict[str, Any]
    ):
        super().__init__()
        self._name = "IncidentCluster"
        self.data = data
        self.article_layers = list(article_layers)
        self.type_layers = type_layers


class MapControl(PlainMacro):
    """A Leaflet control holding fixed, already-escaped HTML (legend)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create('div', {{ this.css_class|tojson }});
            div.innerHTML = {{ this.html|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, css_class: str, position: str = "bottomright"):
        super().__init__()
        self._name = "MapControl"
        self.html = html_text
        self.css_class = css_class
        self.position = position


class TimeSlider(PlainMacro):
    """A range input over the incidents' dates: incidents up to the chosen date are shown.

    Undated incidents always stay; month-only dates (``2024-03``) sort before that month's days.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: 'bottomleft'});
        {{ this.get_name() }}.onAdd = function () {
            var dates = {{ this.dates|tojson }};
            var div = L.DomUtil.create('div', 'geomap-slider');
            var title = L.DomUtil.create('b', '', div);
            title.textContent = 'Incidents up to';
            var input = L.DomUtil.create('input', '', div);
            input.type = 'range'; input.min = 0; input.max = dates.length - 1; input.value = dates.length - 1;
            var label = L.DomUtil.create('span', 'geomap-slider-date', div);
            label.textContent = ' ' + dates[dates.length - 1];
            L.DomEvent.disableClickPropagation(div);
            input.addEventListener('input', function () {
                label.textContent = ' ' + dates[input.value];
                {{ this.cluster.get_name() }}.geomap.setMaxDate(dates[input.value]);
            });
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, cluster: IncidentCluster, dates: Sequence[str]):
        super().__init__()
        self._name = "TimeSlider"
        self.cluster = cluster
        self.dates = list(dates)


# --------------------------------------------------------------------------- builders


def _place_feature(rp: ResolvedPlace, article: ParsedArticle) -> dict[str, Any]:
    p = rp.place
    group = place_group(p.feature_type)
    # bbox is (west, south, east, north)
    geometry = box(*p.bbox) if p.bbox and p.feature_type in AREA_TYPES else Point(p.lon, p.lat)
    return {
        "type": "Feature",
        "geometry": mapping(geometry),
        "properties": {
            "group": group,
            "colour": PLACE_COLOURS[group],
            "tooltip": esc(p.name),
            "popup": place_popup(rp, article),
        },
    }


def add_article_layer(fmap: folium.Map, article: ParsedArticle) -> GeoJsonLayer:
    """One overlay per article, named by its title or id: its places (areas for seas and regions)."""
    data = {"type": "FeatureCollection", "features": [_place_feature(rp, article) for rp in article.places]}
    layer = GeoJsonLayer(data, name=esc(article.title or article.id))
    layer.add_to(fmap)
    return layer


def add_incident_type_layers(fmap: folium.Map, types: Iterable[str]) -> dict[str, folium.FeatureGroup]:
    """An (empty) overlay per incident type: ticking it off hides that type's incident markers."""
    layers = {}
    for t in types:
        colour = INCIDENT_COLOURS.get(t, INCIDENT_COLOURS["other"])
        name = f'<span class="geomap-swatch" style="background:{colour}"></span>{esc(type_label(t))}'
        layers[t] = folium.FeatureGroup(name=name, overlay=True).add_to(fmap)
    return layers


def add_incident_layer(
    fmap: folium.Map,
    articles: Sequence[ParsedArticle],
    article_layers: Sequence[GeoJsonLayer],
    type_layers: dict[str, folium.FeatureGroup],
) -> IncidentCluster:
    """Every located incident as a clustered marker coloured by type, with its popup."""
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
                    "t": inc.incident_type if inc.incident_type in type_layers else "other",
                    "date": inc.date,
                    "tooltip": esc(f"{type_label(inc.incident_type)}: {inc.location_name or ''}"),
                    "popup": incident_popup(inc, article),
                }
            )
    cluster = IncidentCluster(data, article_layers, type_layers)
    cluster.add_to(fmap)
    return cluster


def add_legend(fmap: folium.Map, types: Iterable[str]) -> None:
    """A legend of the incident types on the map, and of the place marker colours."""
    rows = ["<b>Incidents</b>"]
    rows += [
        f'<div><span class="geomap-swatch geomap-t-{esc(t)}"></span>{esc(type_label(t))}</div>'
        for t in sorted(types)
    ]
    rows.append("<b>Places</b>")
    rows += [
        f'<div><span class="geomap-swatch geomap-f-{g}" style="border-radius:0"></span>{g}</div>'
        for g in PLACE_COLOURS
    ]
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
    fmap.get_root().html.add_child(RawText(box_html))


def fit_to_data(fmap: folium.Map, articles: Sequence[ParsedArticle]) -> None:
    """Fit the view to the incidents and the places finer than a country.

    Areas count by their point, and countries only when nothing finer is named: one ocean's
    box or a passing "the United States" would otherwise zoom a Red Sea story out to the world.
    """
    points = [Point(i.place.lon, i.place.lat) for a in articles for i in a.incidents if i.place]
    coarse = ("country", "continent", "ocean")
    places = [rp.place for a in articles for rp in a.places]
    fine = [p for p in places if p.feature_type not in coarse]
    points += [Point(p.lon, p.lat) for p in (fine if fine or points else places)]
    if not points:
        return
    west, south, east, north = MultiPoint(points).bounds
    fmap.fit_bounds([(south, west), (north, east)], padding=(30, 30), max_zoom=9)


def add_offline_assets(fmap: folium.Map) -> None:
    """The generator mark first (so a rerun may replace the file), then Leaflet and plugins inline."""
    header = fmap.get_root().header
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
    return {"tiles": tiles}


def render_map(
    articles: Sequence[ParsedArticle],
    *,
    tiles: str | None = "OpenStreetMap",
    title: str | None = None,
    note: str | None = None,
) -> folium.Map:
    """A map of one article, or of many with a layer each; incidents by type, clustered.

    ``tiles`` is a folium/xyzservices provider name, a URL template, or None for a plain
    background (no network at all). ``note`` goes under the title (e.g. that the map shows
    only part of a corpus).
    """
    articles = list(articles)
    # maxZoom on the map itself: marker clustering needs it when there is no tile layer to say it.
    fmap = OfflineMap(location=(20, 0), zoom_start=2, control_scale=True, maxZoom=18, **_tiles(tiles))
    add_offline_assets(fmap)
    article_layers = [add_article_layer(fmap, a) for a in articles]
    types = sorted({i.incident_type for a in articles for i in a.incidents if i.place is not None})
    type_layers = add_incident_type_layers(fmap, types)
    cluster = add_incident_layer(fmap, articles, article_layers, type_layers)
    add_time_slider(fmap, cluster)
    if types:
        add_legend(fmap, types)
    unlocated = sum(1 for a in articles for i in a.incidents if i.place is None)
    notes = [note] if note else []
    if unlocated:
        notes.append(f"{unlocated} incident(s) without a known location are not shown")
    if title is None:
        title = articles[0].title or articles[0].id if len(articles) == 1 else f"{len(articles)} articles"
    add_title(fmap, title, "; ".join(notes) or None)
    # Open for a handful of articles; folded (hover to open) for one, or for too many to list.
    LayerControl(collapsed=not 1 < len(articles) <= 12).add_to(fmap)
    fit_to_data(fmap, articles)
    stabilise_ids(fmap)
    return fmap


def render_html(articles: Sequence[ParsedArticle], **kwargs: Any) -> str:
    """The map as one self-contained HTML page."""
    return render_map(articles, **kwargs).get_root().render()
