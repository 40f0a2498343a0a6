"""How a map looks and behaves in the page: palette, marker shapes, CSS, and the page's JavaScript.

- Incident colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design";
  Wong 2011, Nature Methods 8:441), whose eight colours people with red–green colour blindness
  tell apart. Twelve types need more than eight colours, so each type is a (colour, shape) pair,
  and no two types share both: the legend, the markers and the side panel show the same icon.
- The script builds every piece of text that comes from an article with ``textContent``, or
  receives it as HTML that Python already escaped: no article string is ever parsed as markup.
- Offline: Leaflet and Leaflet.markercluster (from the pinned ``xstatic-*`` packages) are inlined,
  with their images as data URIs.
"""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from pathlib import Path
from typing import Any


def json_for_script(value: Any) -> str:
    """JSON that a ``<script type="application/json">`` block holds safely: no ``<``, ``>`` or ``&``."""
    text = json.dumps(value, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


#: The Okabe–Ito palette (Okabe & Ito 2008).
OKABE_ITO: dict[str, str] = {
    "black": "#000000", "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7",
}  # fmt: skip

#: Marker shapes, as SVG in a 16×16 box.
SHAPES: dict[str, str] = {
    "circle": "<circle cx='8' cy='8' r='6.3'/>",
    "square": "<rect x='2' y='2' width='12' height='12'/>",
    "diamond": "<path d='M8 .8 15.2 8 8 15.2.8 8z'/>",
    "triangle": "<path d='M8 1.2 15.3 14.3H.7z'/>",
    "triangle-down": "<path d='M8 14.8 15.3 1.7H.7z'/>",
}

#: Incident type -> (Okabe–Ito colour name, shape). The most frequent types get the most
#: distinct colours; no two types share a colour and a shape.
INCIDENT_STYLE: dict[str, tuple[str, str]] = {
    "armed_attack": ("vermillion", "circle"),
    "airstrike_shelling": ("orange", "triangle"),
    "maritime_attack": ("blue", "diamond"),
    "ground_operation": ("reddish purple", "square"),
    "casualties": ("black", "circle"),
    "military_plan": ("reddish purple", "triangle-down"),
    "displacement_humanitarian": ("bluish green", "square"),
    "meeting_diplomacy": ("sky blue", "circle"),
    "statement_threat": ("yellow", "diamond"),
    "protest_unrest": ("bluish green", "triangle"),
    "arrest_detention": ("sky blue", "square"),
    "other": ("black", "diamond"),
}

#: Incident colours (hex), one per type of the closed vocabulary.
INCIDENT_COLOURS: dict[str, str] = {t: OKABE_ITO[colour] for t, (colour, _) in INCIDENT_STYLE.items()}

#: Place marker groups by feature type; each group has a colour (hollow squares, so a place
#: never looks like an incident).
PLACE_GROUPS: dict[str, str] = {
    "city": "settlement", "admin1": "admin", "admin2": "admin", "country": "country",
    "continent": "country", "region": "region", "territory": "region",
    **dict.fromkeys(("sea", "ocean", "gulf", "bay", "strait", "channel", "canal", "river", "lake"), "water"),
}  # fmt: skip
PLACE_COLOURS = {
    "settlement": "#08519c", "admin": "#6baed6", "country": "#525252", "region": "#6a51a3",
    "water": "#0e7c86", "land": "#8c6d31",
}  # fmt: skip

#: The basemap's colours: sea (the page background), land, borders.
SEA, LAND, BORDER = "#cfe2ee", "#f4f1e8", "#9a958a"


def place_group(feature_type: str) -> str:
    return PLACE_GROUPS.get(feature_type, "land")


def incident_icon(incident_type: str) -> str:
    """The type's icon as an element: its picture is the type's CSS class (``icon_css``)."""
    t = incident_type if incident_type in INCIDENT_STYLE else "other"
    return f'<i class="geomap-icon geomap-i-{t}"></i>'


def icon_svg(incident_type: str) -> str:
    """The type's marker, our own SVG in a 16×16 box (no article text)."""
    colour, shape = INCIDENT_STYLE[incident_type]
    return (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16' "
        f"fill='{OKABE_ITO[colour]}' stroke='#fff' stroke-width='1.5'>{SHAPES[shape]}</svg>"
    )


def icon_css() -> str:
    """One background image per type: a marker, a legend row, a popup and a panel row draw the
    same picture, and a 10,000-incident page holds it once, not 10,000 times."""
    rules = []
    for t in INCIDENT_STYLE:
        uri = icon_svg(t).replace("#", "%23").replace("<", "%3C").replace(">", "%3E")
        rules.append(f'.geomap-i-{t}{{background-image:url("data:image/svg+xml,{uri}")}}')
    return "\n".join(rules)


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


_GEOMAP_CSS = f"""
.leaflet-container{{background:{SEA}}}
.geomap-incident{{filter:drop-shadow(0 0 1px rgba(0,0,0,.9))}}
[class*=geomap-i-]{{background-repeat:no-repeat;background-size:16px 16px}}
.geomap-place{{background:#fff;border:3px solid;box-shadow:0 0 2px rgba(0,0,0,.6);box-sizing:border-box}}
.geomap-icon{{display:inline-block;width:16px;height:16px;vertical-align:-3px;margin-right:4px}}
.geomap-swatch{{display:inline-block;width:12px;height:12px;background:#fff;border:3px solid;
 box-sizing:border-box;margin-right:4px;vertical-align:-1px}}
.geomap-country-label{{font:600 12px/1.2 sans-serif;color:#3d3a33;white-space:nowrap;
 text-shadow:0 0 3px #fff,0 0 3px #fff;text-transform:uppercase;letter-spacing:.06em}}
.geomap-country-label span{{display:block;transform:translate(-50%,-50%)}}
.geomap-city-label{{font:11px/1.1 sans-serif;color:#4a4a44;white-space:nowrap;
 text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff}}
.geomap-city-label span{{display:block;transform:translate(-3px,-3px)}}
.geomap-city-label span::before{{content:"";display:inline-block;width:5px;height:5px;border-radius:50%;
 background:#6b6b63;margin-right:3px;vertical-align:1px}}
.geomap-legend,.geomap-slider,.geomap-panel{{background:#fff;padding:6px 9px;border-radius:4px;
 font:12px/1.5 sans-serif;box-shadow:0 1px 5px rgba(0,0,0,.4)}}
.geomap-legend b,.geomap-slider b{{display:block;margin-bottom:2px}}
.geomap-slider input{{width:220px}}
.geomap-panel{{width:270px;max-height:42vh;overflow-y:auto;padding:0}}
.geomap-panel-head{{position:sticky;top:0;background:#fff;padding:5px 9px;font-weight:bold;
 border-bottom:1px solid #ddd}}
.geomap-panel-row{{display:block;width:100%;text-align:left;border:0;border-bottom:1px solid #eee;
 background:#fff;padding:4px 9px;font:12px/1.35 sans-serif;cursor:pointer}}
.geomap-panel-row:hover,.geomap-panel-row:focus{{background:#eef5fa}}
.geomap-panel-row small{{display:block;color:#555}}
.geomap-panel-more{{display:block;width:100%;border:0;background:#eef5fa;padding:5px 9px;
 font:12px sans-serif;cursor:pointer}}
.geomap-layer-name{{display:inline-block;max-width:230px;vertical-align:bottom;overflow:hidden;
 text-overflow:ellipsis;white-space:nowrap}}
.geomap-popup mark.geomap-trigger{{background:#ffd54f}}
.geomap-popup mark.geomap-loc{{background:#9be7ff}}
.geomap-popup blockquote{{margin:4px 0;padding-left:6px;border-left:3px solid #ccc}}
.geomap-title{{position:fixed;top:10px;left:60px;z-index:1000;background:#fff;padding:6px 10px;
 border-radius:4px;font:14px sans-serif;box-shadow:0 1px 4px #888;max-width:45%}}
.geomap-title small{{display:block;color:#555;font-size:11px}}
"""


def _colour_css() -> str:
    places = "\n".join(f".geomap-f-{g}{{border-color:{c}}}" for g, c in PLACE_COLOURS.items())
    return f"{places}\n{icon_css()}"


#: The page's own JavaScript: the basemap, markers, the incident filter (layers x time slider)
#: and the incident panel. Article text arrives as escaped HTML (popups, tooltips) or is set
#: with textContent (panel rows, country labels).
_GEOMAP_JS = """
// The zoom a panel row takes the map to: a region with its towns, not one street.
var FOCUS_ZOOM = 8;
var geomap = {
  data: function (id) {
    // Data blocks are JSON (<script type="application/json">): parsed as data, never run.
    return JSON.parse(document.getElementById(id).textContent);
  },
  basemap: function (map, shapes, style, labels) {
    // Below the tiles (tilePane is 200): where a tile fails, or with no tiles, the land shows.
    var pane = map.createPane('geomap-basemap');
    pane.style.zIndex = 150;
    pane.style.pointerEvents = 'none';
    map.createPane('geomap-labels').style.zIndex = 450;
    map.getPane('geomap-labels').style.pointerEvents = 'none';
    if (labels) { geomap.cityLabels(map, labels); }
    return L.geoJSON(shapes, {pane: 'geomap-basemap', interactive: false, style: style,
      renderer: L.canvas({pane: 'geomap-basemap', padding: 0.5})}).addTo(map);
  },
  cityLabels: function (map, rows) {
    // rows: [name, lat, lon, zoom], from the least zoom on, the most important first. At each view
    // the labels of the zoom reached are placed in that order, each only where it overlaps none
    // placed before it: capitals and large cities at low zoom, more as one zooms in.
    var layer = L.layerGroup().addTo(map), shown = {};
    function update() {
      var zoom = map.getZoom(), view = map.getBounds().pad(0.1), size = map.getSize(), boxes = [], keep = {};
      for (var i = 0; i < rows.length && rows[i][3] <= zoom; i++) {
        var r = rows[i];
        if (!view.contains([r[1], r[2]])) { continue; }
        var p = map.latLngToContainerPoint([r[1], r[2]]);
        var b = [p.x - 6, p.y - 9, p.x + 10 + 6.2 * r[0].length, p.y + 7];
        if (b[2] < 0 || b[0] > size.x || b[3] < 0 || b[1] > size.y) { continue; }
        var free = true;
        for (var j = 0; j < boxes.length && free; j++) {
          var o = boxes[j];
          free = b[2] < o[0] || b[0] > o[2] || b[3] < o[1] || b[1] > o[3];
        }
        if (!free) { continue; }
        boxes.push(b);
        keep[i] = true;
        if (!shown[i]) {
          var span = document.createElement('span');
          span.textContent = r[0];
          shown[i] = L.marker([r[1], r[2]], {pane: 'geomap-labels', interactive: false, keyboard: false,
            icon: L.divIcon({className: 'geomap-city-label', html: span, iconSize: null})}).addTo(layer);
        }
      }
      Object.keys(shown).forEach(function (k) {
        if (!keep[k]) { layer.removeLayer(shown[k]); delete shown[k]; }
      });
    }
    map.on('zoomend moveend', update);
    update();
    return layer;
  },
  bind: function (feature, layer) {
    if (feature.properties.popup) { layer.bindPopup(feature.properties.popup, {maxWidth: 420}); }
    if (feature.properties.tooltip) { layer.bindTooltip(feature.properties.tooltip); }
  },
  placeMarker: function (feature, latlng) {
    if (feature.properties.label !== undefined) {
      var span = document.createElement('span');
      span.textContent = feature.properties.label;
      return L.marker(latlng, {pane: 'geomap-labels', interactive: false, keyboard: false,
        icon: L.divIcon({className: 'geomap-country-label', html: span, iconSize: null})});
    }
    return L.marker(latlng, {icon: L.divIcon({
      className: 'geomap-place geomap-f-' + feature.properties.group, iconSize: [11, 11]})});
  },
  areaStyle: function (feature) {
    return {className: 'geomap-area geomap-area-' + feature.properties.group,
      color: feature.properties.colour, weight: feature.properties.weight || 1,
      fillOpacity: feature.properties.fill || 0.08};
  },
  incidents: function (map, cluster, data, articleLayers, typeLayers) {
    var maxDate = null, listeners = [];
    var markers = data.map(function (d) {
      var m = L.marker([d.lat, d.lon], {icon: L.divIcon({
        className: 'geomap-incident geomap-i-' + d.t, iconSize: [16, 16]})});
      m.bindPopup(d.popup, {maxWidth: 420});
      m.bindTooltip(d.tooltip);
      m.geomap = d;
      if (d.r) {
        // the radius within which the event lies, as a faint ring while it is pointed at or open
        var ring = L.circle([d.lat, d.lon], {radius: d.r * 1000, className: 'geomap-ring',
          interactive: false, weight: 1, dashArray: '4 4', fillOpacity: 0.06});
        m.on('mouseover popupopen', function () { ring.addTo(map); });
        m.on('mouseout', function () { if (!m.isPopupOpen()) { map.removeLayer(ring); } });
        m.on('popupclose', function () { map.removeLayer(ring); });
      }
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
      listeners.forEach(function (f) { f(); });
    }
    map.on('overlayadd overlayremove', refresh);
    refresh();
    return {refresh: refresh, markers: markers, visible: visible,
      onRefresh: function (f) { listeners.push(f); f(); },
      setMaxDate: function (date) { maxDate = date; refresh(); }};
  },
  panel: function (map, cluster, typeLabels, pageSize) {
    // The visible incidents in data order (sorted by date in Python), a page of buttons at a
    // time (10,000 rows would cost a big page seconds of layout); every text from an article
    // goes in with textContent.
    var state = cluster.geomap;
    var control = L.control({position: 'topright'});
    function row(m, parent) {
      var d = m.geomap;
      var button = L.DomUtil.create('button', 'geomap-panel-row', parent);
      button.type = 'button';
      L.DomUtil.create('i', 'geomap-icon geomap-i-' + d.t, button);
      var what = L.DomUtil.create('b', '', button);
      what.textContent = typeLabels[d.t] || d.t;
      button.appendChild(document.createTextNode(' \\u00b7 ' + (d.date || 'date unknown')));
      var where = L.DomUtil.create('small', '', button);
      var text = (d.place || 'place not named') + (d.approx ? ' (approx.)' : '');
      if (d.f !== null && d.f !== undefined) {
        text += ' \\u00b7 ' + d.f + (d.f === 1 ? ' fatality' : ' fatalities');
      }
      where.textContent = text;
      L.DomEvent.on(button, 'click', function () {
        // To a regional zoom (towns and borders around still show), never closer than the view
        // already is; a cluster still holding the marker there opens like a spider, and only a big
        // one is zoomed into.
        function open() {
          // a page that reloads its view after the move (the store map) has drawn a new marker
          // of the same incident: open that one
          var id = m.geomap && m.geomap.props && m.geomap.props.id;
          if (!cluster.hasLayer(m) && id) {
            m = state.markers.filter(function (x) {
              return x.geomap && x.geomap.props && x.geomap.props.id === id;
            })[0] || m;
          }
          var parent = cluster.getVisibleParent(m);
          if (!parent || parent === m) { m.openPopup(); return; }
          var done = false;
          function closer() {  // the fallback: markercluster zooms in until the marker shows
            if (!done) { done = true; cluster.zoomToShowLayer(m, function () { m.openPopup(); }); }
          }
          if (parent.getChildCount() > 40) { closer(); return; }
          cluster.once('spiderfied', function () { if (!done) { done = true; m.openPopup(); } });
          parent.spiderfy();
          setTimeout(closer, 500);  // a cluster that would not open as a spider
        }
        function show() {
          var zoom = Math.max(map.getZoom(), Math.min(FOCUS_ZOOM, map.getMaxZoom()));
          if (zoom === map.getZoom() && map.getBounds().pad(-0.1).contains(m.getLatLng())) { open(); return; }
          // after the move, once the clusters have regrouped for the new zoom (they animate,
          // and a cluster cannot open as a spider meanwhile)
          map.once('moveend', function () {
            var done = false;
            function go() { if (!done) { done = true; open(); } }
            cluster.once('animationend', go);
            setTimeout(go, 400);
          });
          map.setView(m.getLatLng(), zoom, {animate: false});
        }
        // A zoom still animating would swallow the move: show it once that one ends.
        if (map._animatingZoom) { map.once('zoomend', show); } else { show(); }
      });
    }
    control.onAdd = function () {
      var div = L.DomUtil.create('div', 'geomap-panel');
      var head = L.DomUtil.create('div', 'geomap-panel-head', div);
      var list = L.DomUtil.create('div', 'geomap-panel-list', div);
      var more = L.DomUtil.create('button', 'geomap-panel-more', div);
      more.type = 'button';
      var shown = [], limit = pageSize;
      function draw() {
        var rows = document.createDocumentFragment();
        shown.slice(list.childNodes.length, limit).forEach(function (m) { row(m, rows); });
        list.appendChild(rows);
        more.style.display = shown.length > limit ? '' : 'none';
        more.textContent = 'Show ' + Math.min(pageSize, shown.length - limit) + ' more';
        head.textContent = 'Incidents by date: ' + shown.length +
          (shown.length === state.markers.length ? '' : ' of ' + state.markers.length);
      }
      L.DomEvent.on(more, 'click', function () { limit += pageSize; draw(); });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      // As tall as the map leaves beside the legend (same corner's column), never under it.
      function fit() {
        var legend = map.getContainer().querySelector('.geomap-legend');
        var room = map.getSize().y - (legend ? legend.offsetHeight : 0) - 140;
        div.style.maxHeight = Math.max(room, 120) + 'px';
      }
      map.on('resize', fit);
      setTimeout(fit, 0);
      state.onRefresh(function () {
        shown = state.markers.filter(state.visible);
        limit = pageSize;
        list.textContent = '';
        draw();
      });
      return div;
    };
    control.addTo(map);
    return control;
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
