"""The public API a script reaches from ``import geomap`` alone."""

import subprocess
import sys

import pytest

import geomap


def test_import_geomap_loads_neither_spacy_nor_folium():
    code = "import sys, geomap; print(sorted(m for m in ('spacy', 'folium') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_parse_render_and_export_from_the_top_level():
    parsed = geomap.parse(
        "A drone struck a fuel depot in Odesa on Monday, killing two people.", date="2024-03-12"
    )
    [incident] = parsed.incidents
    assert (incident.location_name, incident.fatalities) == ("Odesa", 2)
    collection = geomap.to_geojson([parsed])
    assert collection["type"] == "FeatureCollection"
    assert any(f["properties"].get("location_name") == "Odesa" for f in collection["features"])
    html = geomap.render_map([parsed]).get_root().render()
    assert "Odesa" in html


def test_parse_keeps_one_parser_for_the_next_call():
    first = geomap._shared_parser()
    geomap.parse("Protesters marched in Nairobi.")
    assert geomap._shared_parser() is first
    assert isinstance(first, geomap.Geoparser)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        geomap.no_such_thing  # noqa: B018
