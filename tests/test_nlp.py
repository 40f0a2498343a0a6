"""Mention finding: what counts as a place name in running text."""

import pytest


def mentions(geoparser, text):
    return [(m.text, m.label) for m in geoparser.parse(text).mentions]


def texts(geoparser, text):
    return [t for t, _ in mentions(geoparser, text)]


def test_multiword_features_the_model_misses(geoparser):
    found = texts(geoparser, "Tankers avoided the Bab el-Mandeb and sailed around the Cape of Good Hope.")
    assert "Bab el-Mandeb" in found and "Cape of Good Hope" in found


def test_lowercase_words_are_not_features(geoparser):
    assert texts(geoparser, "They ate turkey by the gulf of their differences.") == []


def test_dateline_in_capitals(geoparser):
    found = mentions(geoparser, "SANAA, Yemen - Officials met on Monday.")
    assert ("SANAA", "DATELINE") in found


def test_place_words_inside_names_are_lookalikes(geoparser):
    found = texts(
        geoparser,
        "Israel Katz spoke. The Popular Front for the Liberation of Palestine and "
        "The Washington Post said nothing.",
    )
    assert "Israel" not in found and "Palestine" not in found and "Washington" not in found


def test_name_introduced_by_a_place_word(geoparser):
    # Names neither the model nor the gazetteer knows, found by the words around them.
    found = mentions(geoparser, "fighters entered the village of Xoqarbel and the Umbrazi district.")
    assert "Xoqarbel" in [t for t, _ in found]
    assert ("Umbrazi", "PATTERN") in found  # the model took it for a person


def test_qualifiers_before_an_introduced_name_are_trimmed(geoparser):
    found = texts(geoparser, "Shells hit the Kurdish-majority Aziziyah district.")
    assert "Aziziyah" in found
    assert not any("majority" in t for t in found)


def test_civic_bodies_name_their_place(geoparser):
    found = mentions(geoparser, "The Dublin City Council and the University of Kentucky agreed.")
    assert ("Kentucky", "EMBEDDED") in found
    assert any(t.startswith("Dublin") and label == "EMBEDDED" for t, label in found)


def test_demonyms_are_country_evidence_not_places(geoparser):
    parsed = geoparser.parse("Yemeni officials said the port in Aden was closed.")
    demonym = [m for m in parsed.mentions if m.label == "DEMONYM"]
    assert demonym and demonym[0].place.country_code == "YE"
    assert all(rp.place.feature_type != "country" for rp in parsed.places)


def test_well_known_town_the_model_left_untagged(geoparser):
    found = texts(geoparser, "Rafah was hit.")
    assert found == ["Rafah"]


def test_a_name_used_for_a_person_is_not_a_town(geoparser):
    found = texts(geoparser, "John Tyler arrived late. Tyler said the meeting in Houston went well.")
    assert "Tyler" not in found and "Houston" in found


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "!!!", "x" * 10])
def test_degenerate_text(geoparser, text):
    assert geoparser.parse(text).mentions == ()


def test_name_after_a_locative_preposition_is_a_place_even_unknown(geoparser):
    # Invented villages, in no gazetteer, which the model takes for persons.
    found = texts(geoparser, "The army took farms at the edge of Tell Wardiyat after a battle.")
    assert "Tell Wardiyat" in found
    found = texts(geoparser, "Militants were killed in Hamdaniyeh and Tel Saqra.")
    assert "Tel Saqra" in found


def test_preposition_does_not_make_dates_languages_or_bodies_places(geoparser):
    found = texts(geoparser, "He spoke in Arabic in January, then testified in Congress.")
    assert found == []


def test_the_capture_of_a_person_names_no_place(geoparser):
    assert texts(geoparser, "The capture of Saddam Hussein ended the hunt.") == []


def test_name_placed_by_an_apposition(geoparser):
    # The model calls the invented village an organisation; the apposition says it is a place.
    text = "Peacekeepers patrolled Umm Harrab, 60 kilometers (40 miles) northeast of Monrovia."
    found = texts(geoparser, text)
    assert "Umm Harrab" in found
    found = texts(geoparser, "Rebels were hiding near Umm Harrab, a village near the border.")
    assert "Umm Harrab" in found
    assert texts(geoparser, "John Smith, a resident of the town, said nothing.") == []


def test_names_of_sites_and_landforms(geoparser):
    found = texts(geoparser, "A bomb went off near the al-Qaryah school and the Tellwar crossing.")
    assert "al-Qaryah" in found and "Tellwar" in found
    assert "Harrab Mountains" in texts(geoparser, "Troops searched the Harrab Mountains for the kidnappers.")
    # a group's own site is not a place named for it
    assert texts(geoparser, "Gunmen attacked a Hamas checkpoint and the Red Cross hospital.") == []


def test_a_named_institution_is_a_site_unless_named_for_a_town(geoparser):
    assert texts(geoparser, "Government forces liberated the Qumrayn School after heavy fighting.") == [
        "Qumrayn School"
    ]
    assert texts(geoparser, "Students at Paris High School protested on Friday.") == ["Paris"]


def test_a_name_after_in_is_no_date_without_a_calendar_word(geoparser):
    # The small model calls this "Manbij" a date.
    text = "The SAS soldier had been embedded with US Special Forces in Manbij near the Turkish border."
    assert "Manbij" in texts(geoparser, text)
    assert texts(geoparser, "The vote was held in May and again in Ramadan.") == []


def test_possessive_and_comma_joined_entities_become_plain_names(geoparser):
    parsed = geoparser.parse(
        "Officials blamed China for South Korea's smog. The race is at Thruxton, Hampshire."
    )
    resolved = {m.text: m.place.country_code for m in parsed.mentions if m.place is not None}
    assert resolved["South Korea"] == "KR"
    assert resolved["Thruxton"] == "GB" and resolved["Hampshire"] == "GB"


def test_a_demonym_the_model_calls_a_place_is_a_demonym(geoparser):
    # The small model calls the first "Sri Lankan" a place and the second a person.
    parsed = geoparser.parse("The Sri Lankan army said. He met Sri Lankan officials in Colombo.")
    demonyms = [m for m in parsed.mentions if m.text == "Sri Lankan"]
    assert len(demonyms) == 2
    assert all(m.label == "DEMONYM" and m.place.country_code == "LK" for m in demonyms)


def test_a_towns_foreign_or_former_name_is_not_taken_from_the_gazetteer_alone(geoparser):
    # GeoNames lists "Julia" among Plovdiv's old names; state abbreviations need their dot.
    assert texts(geoparser, "His wife, Julia, has since taken over the shop.") == []
    assert texts(geoparser, "Part of that is turnover. Mass was held at nine.") == []
    born = geoparser.parse("She was born in Churchill, Man. in 1990.")
    assert any(m.place is not None and m.place.name == "Manitoba" for m in born.mentions)


def test_generic_words_and_stray_acronyms_are_not_places(geoparser):
    text = "The Ministry of Defence (MoD) named the soldier. The Centre asked the court to wait."
    assert texts(geoparser, text) == []
    dotted = geoparser.parse("She moved to Washington, D.C., from Charleston, W.Va., in 2001.")
    assert {"D.C.", "W.Va."} <= {m.text for m in dotted.mentions if m.place is not None}


def test_an_unknown_name_a_siege_verb_takes_is_a_place(geoparser):
    parsed = geoparser.parse("An air force plane bombed Waku-Umbra, in Cuanza-Sul, in a raid.")
    assert "Waku-Umbra" in [m.text for m in parsed.mentions]
    (raid,) = parsed.incidents
    assert raid.location_name == "Waku-Umbra" and raid.place.country_code == "AO"
    assert texts(geoparser, "Police raided Acme Corp offices on Monday.") == []


def test_a_place_word_name_after_a_possessive_is_two_places(geoparser):
    parsed = geoparser.parse("Kyiv's Podil district flooded overnight.")
    assert {m.text: m.place.country_code for m in parsed.mentions if m.place} == {"Kyiv": "UA", "Podil": "UA"}
