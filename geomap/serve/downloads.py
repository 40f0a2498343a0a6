"""The store's downloads from the web app: the filtered incidents as GeoJSON, CSV or KML.

GeoJSON and CSV are exactly ``geomap incidents``'s (``geomap.store.formats``); KML holds one
placemark per merged incident, described as ``geomap export`` describes an incident, with its
sources (every value escaped: Google Earth shows descriptions as HTML).
"""

from __future__ import annotations

import io

from fastkml import KML, Document, Folder, Placemark
from shapely.geometry import shape

from geomap import __version__
from geomap.outputs.export import kml_description, xml_text
from geomap.outputs.files import GENERATOR
from geomap.store.formats import write_incidents
from geomap.store.query import IncidentQuery
from geomap.store.store import Store, StoredIncident

MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "kml": "application/vnd.google-earth.kml+xml",
}


def download(store: Store, query: IncidentQuery, fmt: str) -> tuple[bytes, str]:
    """The selected incidents in ``fmt`` (geojson, csv or kml), and its media type."""
    if fmt == "kml":
        return store_kml(store, query).encode("utf-8"), MEDIA_TYPES[fmt]
    out = io.StringIO(newline="")
    write_incidents(out, store, query, fmt)
    return out.getvalue().encode("utf-8"), MEDIA_TYPES[fmt]


def _placemark(stored: StoredIncident) -> Placemark:
    inc = stored.incident
    low_high = stored.fatalities_range
    rows = [
        ("type", inc.incident_type.replace("_", " ")),
        ("modality", inc.modality),
        ("date", inc.date),
        ("where", inc.location_name or "not given in the text"),
        ("actors", "; ".join(inc.actors)),
        ("fatalities", inc.fatalities),
        ("fatalities across sources", f"{low_high[0]}–{low_high[1]}" if low_high else None),
        ("affected", inc.affected),
        ("confidence", f"{inc.confidence:.2f}"),
        ("sentence", inc.sentence),
        ("sources", ", ".join(stored.sources)),
    ]
    geometry = inc.__geo_interface__["geometry"]
    return Placemark(
        name=xml_text(f"{inc.incident_type.replace('_', ' ')}: {inc.location_name or 'location unknown'}"),
        description=kml_description(rows),
        geometry=shape(geometry) if geometry else None,
    )


def store_kml(store: Store, query: IncidentQuery) -> str:
    """KML 2.2: a folder of located incidents, and one of those without a location if any."""
    located: list[Placemark] = []
    unlocated: list[Placemark] = []
    for stored in store.incidents(query):
        (located if stored.incident.place is not None else unlocated).append(_placemark(stored))
    folders = [Folder(name="Incidents", features=located)]
    if unlocated:
        folders.append(Folder(name="Incidents without location", features=unlocated))
    doc = KML(features=[Document(name="geomap: incident store", features=folders)])
    body = doc.to_string(prettyprint=True)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- generator: {GENERATOR} {__version__} -->\n{body}\n'
