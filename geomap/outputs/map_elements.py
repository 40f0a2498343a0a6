"""The branca elements a geomap page is built from: each renders one piece of the page's script.

Everything geomap adds goes into the page as ``RawText``, never through a Jinja template that
branca would compile again (see ``RawText``); data goes in as JSON with ``<``, ``>``, ``&`` and
``'`` escaped (Jinja's ``tojson``), so neither a ``</script>`` nor a template-literal trick in
an article can run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import folium
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from geomap.outputs.map_style import BORDER, LAND


def page_of(element: Element) -> Figure:
    """The page an element is drawn on: a map's root is always a branca ``Figure``."""
    return cast(Figure, element.get_root())


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
        figure = page_of(self)
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


class BasemapLayer(PlainMacro):
    """The Natural Earth land layer, in a pane under the tiles (see ``geomap.outputs.basemap``).

    ``shapes_json`` is the basemap's own serialised geometry (numbers only, no strings), so it
    goes into the script as it is; ``labels_json`` the place labels, escaped for a data block.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.get_name() }}_data">{{ this.shapes_json }}</script>
        <script type="application/json" id="{{ this.get_name() }}_labels">{{ this.labels_json }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = geomap.basemap({{ this._parent.get_name() }},
            geomap.data({{ (this.get_name() ~ '_data')|tojson }}), {{ this.style|tojson }},
            geomap.data({{ (this.get_name() ~ '_labels')|tojson }}));
        {% endmacro %}
        """
    )

    def __init__(self, shapes_json: str, labels_json: str = "[]"):
        super().__init__()
        self._name = "BasemapLayer"
        self.shapes_json = shapes_json
        self.labels_json = labels_json  # escaped for a data block (map_style.json_for_script)
        self.style = {"color": BORDER, "weight": 0.7, "fillColor": LAND, "fillOpacity": 1, "opacity": 1}


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
    """All incident markers in one marker-cluster group, filtered by the article and type layers.

    The data is a JSON block, read with ``JSON.parse``: for 10,000 incidents (12 MB) a browser
    parses that faster than the same data as a script literal. ``tojson`` escapes ``<``, so no
    article text can close the block.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.get_name() }}_data">{{ this.data|tojson }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.markerClusterGroup(
            {chunkedLoading: true, maxClusterRadius: 40, spiderfyOnMaxZoom: true});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {{ this.get_name() }}.geomap = geomap.incidents({{ this._parent.get_name() }}, {{ this.get_name() }},
            geomap.data({{ (this.get_name() ~ '_data')|tojson }}),
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


class IncidentPanel(PlainMacro):
    """The side panel: the located incidents by date, ``page_size`` rows at a time (a button
    shows more); a click flies to one and opens its popup."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = geomap.panel({{ this._parent.get_name() }}, {{ this.cluster.get_name() }},
            {{ this.labels|tojson }}, {{ this.page_size|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, cluster: IncidentCluster, labels: dict[str, str], page_size: int = 200):
        super().__init__()
        self._name = "IncidentPanel"
        self.cluster = cluster
        self.labels = labels
        self.page_size = int(page_size)


class FitView(PlainMacro):
    """Open the map on ``bounds`` at once: folium's FitBounds animates from the world view, and
    a click during that animation is lost."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }},
            {padding: [30, 30], maxZoom: {{ this.max_zoom }}, animate: false});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: Sequence[Sequence[float]], max_zoom: int = 9):
        super().__init__()
        self._name = "FitView"
        self.bounds = [list(corner) for corner in bounds]
        self.max_zoom = int(max_zoom)


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


class OfflineMap(folium.Map):
    """A ``folium.Map`` that links no CDN: the assets come inline from ``offline_assets``."""

    default_js: list[tuple[str, str]] = []  # noqa: RUF012 (folium reads these per instance)
    default_css: list[tuple[str, str]] = []  # noqa: RUF012
