"""``geomap map --db``: the store's merged incidents on one map, built from render's layers.

One marker per merged incident, clustered, coloured and shaped by type, with the basemap, type
layers, legend, time slider and incident panel of an article map. Its popup gives the first
report's sentence and lists every article that reported it. The places of the incidents form
one layer. Like every geomap map it opens offline, and every string from an article is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import folium

from geomap.model import ParsedArticle
from geomap.outputs.basemap import load_basemap
from geomap.outputs.map_elements import BasemapLayer, FitView
from geomap.outputs.render import (
    PLACE_COLOURS,
    GeoJsonLayer,
    IncidentCluster,
    LayerControl,
    OfflineMap,
    _tiles,
    add_incident_panel,
    add_incident_type_layers,
    add_legend,
    add_offline_assets,
    add_time_slider,
    add_title,
    article_link,
    esc,
    incident_icon,
    incident_sentence_html,
    map_type,
    place_group,
    ring_fields,
    stabilise_ids,
    type_label,
    where_line,
)
from geomap.store.store import Report, StoredIncident


def incident_popup(stored: StoredIncident, reports: Sequence[Report]) -> str:
    """Popup HTML: the merged incident, and each report's article and stated count."""
    inc = stored.incident
    rows = [
        f"{incident_icon(inc.incident_type)}<b>{esc(type_label(inc.incident_type))}</b>"
        f" · {esc(inc.date or 'date unknown')}",
        f"<blockquote>{incident_sentence_html(inc)}</blockquote>",
        where_line(inc),
    ]
    if inc.actors:
        rows.append(f"actors: {esc('; '.join(inc.actors))}")
    if stored.fatalities_range is not None:
        low, high = stored.fatalities_range
        rows.append(f"fatalities: {high}" + (f" (reports say {low}–{high})" if low != high else ""))
    rows.append(f"confidence {inc.confidence:.2f} · {esc(inc.id)}")
    rows.append(f"{len(stored.sources)} report(s):")
    items = []
    for r in reports:
        link = article_link(
            ParsedArticle(r.article_id, "", r.article_title, r.article_date, r.article_url, (), ())
        )
        count = f" — {r.incident.fatalities} killed" if r.incident.fatalities is not None else ""
        items.append(f"<li>{link}{esc(count)}</li>")
    rows.append(f"<ul>{''.join(items)}</ul>")
    return f'<div class="geomap-popup">{"<br>".join(rows)}</div>'


def _places_layer(fmap: folium.Map, incidents: Sequence[StoredIncident]) -> GeoJsonLayer:
    counts: dict[str, int] = {}
    places: dict[str, Any] = {}
    for stored in incidents:
        p = stored.incident.place
        if p is not None:
            places[p.id] = p
            counts[p.id] = counts.get(p.id, 0) + 1
    features = []
    for pid, p in places.items():
        group = place_group(p.feature_type)
        country = f", {esc(p.country_code)}" if p.country_code else ""
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": {
                    "group": group,
                    "colour": PLACE_COLOURS[group],
                    "tooltip": esc(p.name),
                    "popup": f'<div class="geomap-popup"><b>{esc(p.name)}</b> '
                    f"({esc(p.feature_type)}{country})<br>{counts[pid]} incident(s)</div>",
                },
            }
        )
    layer = GeoJsonLayer({"type": "FeatureCollection", "features": features}, name="Places")
    layer.add_to(fmap)
    return layer


def render_store_map(
    incidents: Sequence[StoredIncident],
    reports: Mapping[str, Sequence[Report]],
    *,
    tiles: str | None = "OpenStreetMap",
    title: str = "geomap incident store",
    note: str | None = None,
) -> folium.Map:
    """A map of merged incidents; ``reports`` maps each incident id to its reports."""
    located = [s for s in incidents if s.incident.place is not None]
    fmap = OfflineMap(location=(20, 0), zoom_start=2, control_scale=True, maxZoom=18, **_tiles(tiles))
    add_offline_assets(fmap)
    basemap = load_basemap()
    BasemapLayer(basemap.land_json, basemap.labels_json).add_to(fmap)
    places = _places_layer(fmap, located)
    types = sorted({map_type(s.incident.incident_type) for s in located})
    type_layers = add_incident_type_layers(fmap, types)
    data = []
    for stored in located:
        inc = stored.incident
        assert inc.place is not None
        data.append(
            {
                "lat": round(inc.place.lat, 6),
                "lon": round(inc.place.lon, 6),
                "a": 0,
                "t": map_type(inc.incident_type),
                "date": inc.date,
                "place": inc.location_name or inc.place.name,
                "f": stored.fatalities_range[1] if stored.fatalities_range else None,
                **ring_fields(inc),
                "tooltip": esc(
                    f"{type_label(inc.incident_type)}: {inc.location_name or ''} ({len(stored.sources)})"
                ),
                "popup": incident_popup(stored, reports.get(inc.id, ())),
            }
        )
    data.sort(key=lambda d: (d["date"] is None, d["date"] or ""))  # the panel lists them by date
    cluster = IncidentCluster(data, [places], type_layers)
    cluster.add_to(fmap)
    add_time_slider(fmap, cluster)
    if types:
        add_legend(
            fmap, types, {place_group(s.incident.place.feature_type) for s in located if s.incident.place}
        )
    notes = [note] if note else []
    if len(located) < len(incidents):
        notes.append(f"{len(incidents) - len(located)} incident(s) without a known location are not shown")
    add_title(fmap, f"{title}: {len(located)} incident(s)", "; ".join(notes) or None)
    LayerControl(collapsed=True).add_to(fmap)
    if located:
        add_incident_panel(fmap, cluster)
        lats = [s.incident.place.lat for s in located if s.incident.place]
        lons = [s.incident.place.lon for s in located if s.incident.place]
        FitView([(min(lats), min(lons)), (max(lats), max(lons))]).add_to(fmap)
    stabilise_ids(fmap)
    return fmap
