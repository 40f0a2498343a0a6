"""Chains of units, "X (Y, Z)", read as one nested place and coded at their finest level.

The sentences are written for these tests.
"""

from __future__ import annotations

import json

import pytest

from geomap.incidents.precision import where_precision
from geomap.inputs.parsed import incident_from_dict
from geomap.mentions.chains import chains

DATE = "2024-03-18"


def parse(geoparser, text):
    return geoparser.parse(text, id="t", date=DATE)


def mention(parsed, name):
    found = [m for m in parsed.mentions if m.text == name]
    assert found, f"{name!r} not among {[m.text for m in parsed.mentions]}"
    return found[0]


def test_every_level_is_a_place_even_where_the_model_calls_it_a_person(geoparser):
    text = "On 2 June 2022, a shopkeeper was stabbed to death in Bastogne (Wallonie, Luxembourg)."
    parsed = parse(geoparser, text)
    assert mention(parsed, "Bastogne").place.country_code == "BE"
    assert mention(parsed, "Wallonie").place is None  # a level the gazetteer does not know stays a name
    (inc,) = parsed.incidents
    assert inc.location_name == "Bastogne" and inc.place.country_code == "BE"


def test_the_levels_are_read_together(geoparser):
    """Alone, "Luxembourg" is the country; in a Belgian town's chain it is the Belgian province."""
    alone = parse(geoparser, "Farmers blocked roads in Luxembourg on Monday.")
    assert mention(alone, "Luxembourg").place.feature_type == "country"
    chained = parse(geoparser, "Farmers blocked roads near Bastogne (Wallonie, Luxembourg) on Monday.")
    province = mention(chained, "Luxembourg").place
    assert (province.country_code, province.feature_type) == ("BE", "admin1")


def test_an_unknown_village_is_placed_at_its_district_with_a_districts_radius(geoparser):
    text = "On 5 March 2024, militants attacked a gendarmerie post in Doubale (Kaya, Sanmatenga), killing 4."
    parsed = parse(geoparser, text)
    (inc,) = parsed.incidents
    assert inc.location_name == "Doubale" and inc.place.name == "Kaya"
    assert inc.contained and inc.uncertainty_km == 25.0
    assert "approx." in where_precision(inc)
    feature = json.loads(json.dumps(inc.__geo_interface__))
    assert feature["properties"]["uncertainty_km"] == 25.0
    # the parsed-article JSON keeps it, so a stored or re-read incident says the same
    again = incident_from_dict(json.loads(json.dumps(inc.to_dict())), "t")
    assert again.contained and again.uncertainty_km == 25.0


def test_a_known_town_keeps_a_towns_radius(geoparser):
    parsed = parse(geoparser, "On 5 March 2024, militants attacked a police post in Kaya (Kaya, Sanmatenga).")
    (inc,) = parsed.incidents
    assert inc.place.name == "Kaya" and not inc.contained and inc.uncertainty_km == 2.0


def test_the_incident_is_at_the_finest_level_the_text_gives(geoparser):
    text = "On 20 March 2024, gunmen ambushed a patrol near Tamou (Say, Tillaberi), killing 6 soldiers."
    (inc,) = parse(geoparser, text).incidents
    assert inc.location_name == "Tamou"
    assert inc.place is not None and inc.place.country_code == "NE" and inc.contained


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("On 2 March 2020, women rallied in Taizz city (Al Qahirah, Ta'izz) for the detainees.", "Taizz"),
        ("On 9 May 2024, troops raided Jabalia camp (North Gaza, Gaza Strip) at dawn.", "Jabalia camp"),
    ],
)
def test_a_unit_word_after_the_name_is_no_part_of_it_but_camp_is(geoparser, text, name):
    (inc,) = parse(geoparser, text).incidents
    assert inc.location_name == name


@pytest.mark.parametrize(
    ("text", "not_places"),
    [
        ("Fighters of the Rapid Support Forces (RSF) shelled El Fasher.", {"RSF", "Rapid Support Forces"}),
        ("The court said Ahmed Ali (Kabul, Afghanistan) was detained on Monday.", {"Ahmed Ali"}),
        ("Around 8 June 2024 (as reported), gunmen abducted 7 traders near Kaya.", {"as reported"}),
    ],
)
def test_brackets_that_are_no_chain(geoparser, text, not_places):
    parsed = parse(geoparser, text)
    assert not_places.isdisjoint(m.text for m in parsed.mentions)


def test_chains_are_runs_of_names_in_brackets():
    text = "in Doubale (Kaya, Sanmatenga) and Kaya, Sanmatenga and Córdoba (Capital, Córdoba)."

    def at(name, start=0):
        s = text.index(name, start)
        return s, s + len(name)

    doubale, kaya, sanma = at("Doubale"), at("Kaya"), at("Sanmatenga")
    kaya2, sanma2 = at("Kaya", sanma[1]), at("Sanmatenga", sanma[1])
    cordoba = at("Córdoba")
    cordoba2 = at("Córdoba", cordoba[1])
    # "Capital" is no place name, and the chain runs over it
    assert chains(text, [doubale, kaya, sanma, kaya2, sanma2, cordoba, cordoba2]) == [[0, 1, 2], [5, 6]]


@pytest.mark.parametrize(
    ("text", "name", "unit"),
    [
        (
            "On 2 May 2024, gunmen shot at a vaccination team in Dorwala tehsil (Kaya, Sanmatenga).",
            "Dorwala",
            "Kaya",
        ),
        (
            "Rioters burned cars in the Umbrazi area of Kaya (Kaya, Sanmatenga) on 3 May 2024.",
            "Umbrazi",
            "Kaya",
        ),
    ],
)
def test_a_unit_word_or_an_area_of_a_town_opens_a_chain_too(geoparser, text, name, unit):
    (inc,) = parse(geoparser, text).incidents
    assert inc.location_name == name and inc.place.name == unit and inc.contained


def test_a_route_between_two_places_is_not_where_it_happened_when_the_text_says_more(geoparser):
    text = "On 4 May 2024, a bus struck a mine on the Kaya-Dori road near Pissila (Pissila, Sanmatenga)."
    (inc,) = parse(geoparser, text).incidents
    assert inc.location_name == "Pissila"
