"""Resolution with the whole article as context."""

import pytest

from geomap.mentions.finder import RawMention
from geomap.resolution.text import region_worded


def place_of(parsed, text):
    return next(m.place for m in parsed.mentions if m.text == text)


def test_country_in_context_picks_the_local_reading(geoparser):
    parsed = geoparser.parse("Rafah in southern Gaza was hit again, Palestinian officials said.")
    assert place_of(parsed, "Rafah").country_code == "PS"


def test_written_containment_wins(geoparser):
    parsed = geoparser.parse("The plant in Springfield, Ill., closed.")
    springfield = place_of(parsed, "Springfield")
    assert springfield.country_code == "US" and springfield.admin1 == "IL"


def test_state_named_in_the_article_picks_its_town(geoparser):
    parsed = geoparser.parse("Storms hit Texas overnight. In Paris, roofs were torn off.")
    assert place_of(parsed, "Paris").country_code == "US"
    alone = geoparser.parse("In Paris, the museum reopened.")
    assert place_of(alone, "Paris").country_code == "FR"


def test_one_reading_per_name(geoparser):
    parsed = geoparser.parse("Georgia's capital Tbilisi was calm. Later, Georgia closed its border.")
    readings = {m.place.id for m in parsed.mentions if m.text == "Georgia"}
    assert len(readings) == 1 and parsed.mentions[0].place.feature_type == "country"


def test_coherence_prefers_places_near_the_others(geoparser):
    parsed = geoparser.parse(
        "Police in Enfield and Tottenham searched homes. A man was arrested in Edmonton."
    )
    assert place_of(parsed, "Edmonton").country_code == "GB"


def test_confidence_and_alternatives(geoparser):
    parsed = geoparser.parse("Rafah was hit.")
    (rp,) = parsed.places
    assert 0 < rp.confidence <= 1
    assert any(p.country_code == "EG" for p in rp.alternatives)


def test_containment_forms_in_the_text(geoparser):
    assert place_of(geoparser.parse("Strikes hit Rafah, Egypt, on Monday."), "Rafah").country_code == "EG"
    assert place_of(geoparser.parse("Egypt's Rafah was quiet."), "Rafah").country_code == "EG"
    assert place_of(geoparser.parse("Rafah in northern Sinai was quiet."), "Rafah").country_code == "EG"
    assert place_of(geoparser.parse("Rafah in southern Gaza was hit."), "Rafah").country_code == "PS"


def test_towns_of_one_state_pull_a_bare_name_there(geoparser):
    parsed = geoparser.parse(
        "Volunteers from Lufkin, Tyler and Nacogdoches drove to Palestine to help after the storm."
    )
    palestine = place_of(parsed, "Palestine")
    assert (palestine.country_code, palestine.admin1, palestine.feature_type) == ("US", "TX", "city")
    suburbs = geoparser.parse(
        "The mayors of Worthington, Westerville and Hilliard met with Dublin's council on Monday."
    )
    assert place_of(suburbs, "Dublin").admin1 == "OH"


def test_focus_leaves_countries_and_foreign_capitals_alone(geoparser):
    parsed = geoparser.parse("Officials in Miami, Orlando and Tampa said shipments from Mexico were delayed.")
    assert place_of(parsed, "Mexico").feature_type == "country"
    abroad = geoparser.parse("Ministers met in Berlin, Munich and Hamburg before flying to Paris.")
    assert place_of(abroad, "Paris").country_code == "FR"


def test_a_county_settles_in_the_state_of_its_towns(geoparser):
    parsed = geoparser.parse(
        "Deputies from Anderson County took the man to the jail in Palestine after a chase near Grapeland."
    )
    county = place_of(parsed, "Anderson County")
    assert (county.feature_type, county.admin1) == ("admin2", "TX")
    assert place_of(parsed, "Palestine").admin1 == "TX"
    written = geoparser.parse("Voters in Madison County, Ill., approved the levy.")
    assert place_of(written, "Madison County").admin1 == "IL"


def test_a_town_that_bears_the_name_beats_one_known_by_it_formerly(geoparser):
    parsed = geoparser.parse("A new school opened in Shiloh on Monday.")
    assert place_of(parsed, "Shiloh").name == "Shiloh"


def test_a_state_named_outright_stays_the_state_among_towns_of_another(geoparser):
    parsed = geoparser.parse(
        "Officials in Peoria, Joliet and Naperville said farmers in Kansas faced the same drought."
    )
    assert place_of(parsed, "Kansas").feature_type == "admin1"


def test_names_the_text_calls_counties_are_counties(geoparser):
    parsed = geoparser.parse("Ice closed schools in Jackson and Madison counties, officials in Georgia said.")
    listed = [m.place for m in parsed.mentions if m.text in ("Jackson", "Madison")]
    assert len(listed) == 2 and all(p.feature_type == "admin2" and p.admin1 == "GA" for p in listed)


def test_counties_of_a_state_leave_the_state_alone(geoparser):
    parsed = geoparser.parse("Jobless rates rose in most Indiana counties, the state said from Indianapolis.")
    assert place_of(parsed, "Indiana").feature_type == "admin1"


def test_a_name_placed_later_in_the_text_fixes_its_earlier_mentions(geoparser):
    parsed = geoparser.parse("Athens budget. The council in Athens, Henderson County, voted on the budget.")
    readings = {(m.place.country_code, m.place.admin1) for m in parsed.mentions if m.text == "Athens"}
    assert readings == {("US", "TX")}


def test_a_list_of_countries_is_not_containment(geoparser):
    parsed = geoparser.parse("Trade between Mexico, the US, and Canada grew last year.")
    assert place_of(parsed, "Mexico").feature_type == "country"


def test_a_local_story_does_not_turn_the_capital_into_its_namesake_town(geoparser):
    parsed = geoparser.parse(
        "Farmers near Ottumwa, Oskaloosa and Iowa City asked Washington for help."
    )
    assert place_of(parsed, "Washington").admin1 == "DC"


def test_capital_of_a_named_country_beats_a_local_namesake(geoparser):
    text = (
        "GEORGETOWN, Ky. — A Georgetown couple flew home from France on Friday. "
        "They had planned to stay in Paris until Saturday, the Kentucky pair said."
    )
    assert place_of(geoparser.parse(text), "Paris").country_code == "FR"
    local = "GEORGETOWN, Ky. — A Georgetown couple drove to Paris on Friday, the Kentucky pair said."
    assert place_of(geoparser.parse(local), "Paris").admin1 == "KY"


def test_listed_names_read_as_the_same_kind_of_place(geoparser):
    laws = geoparser.parse("The bill copies Oregon and Washington laws.")
    assert place_of(laws, "Washington").admin1 == "WA"
    states = geoparser.parse("Storms hit Alabama, Georgia and Florida.")
    assert place_of(states, "Georgia").country_code == "US"
    countries = geoparser.parse("Envoys from Georgia, Armenia and Azerbaijan met in Vienna.")
    assert place_of(countries, "Georgia").country_code == "GE"


def test_a_direction_word_narrows_the_place_that_follows(geoparser):
    parsed = geoparser.parse("Storms swept North Texas, and police in north west London made arrests.")
    assert place_of(parsed, "North Texas").admin1 == "TX"
    assert place_of(parsed, "west London").country_code == "GB"
    assert place_of(geoparser.parse("Protests spread to Oaxaca State."), "Oaxaca State").country_code == "MX"


def test_a_direction_word_does_not_make_a_small_town_of_a_name(geoparser):
    parsed = geoparser.parse("Aides in the West Wing said the president was angry.")
    assert all(m.place is None for m in parsed.mentions if "Wing" in m.text)


def test_words_that_make_a_name_a_region(geoparser):
    assert place_of(geoparser.parse("A fire burned in Washington state."), "Washington").admin1 == "WA"
    eastern = geoparser.parse("Wildfires spread across eastern Washington.")
    assert place_of(eastern, "Washington").admin1 == "WA"
    # A city's own districts: "northern Baghdad" is still the city.
    baghdad = place_of(geoparser.parse("Militants attacked a base in northern Baghdad."), "Baghdad")
    assert baghdad.feature_type == "city"


def test_a_city_holds_what_the_text_gives_it(geoparser):
    # No Heathrow lies in London in the gazetteer: better no place than the one in Florida.
    strike = geoparser.parse("Workers at London's Heathrow went on strike on Monday.")
    assert place_of(strike, "Heathrow") is None
    donors = geoparser.parse("Few of Toronto's Ontario health-card holders are donors.")
    assert place_of(donors, "Ontario").feature_type == "admin1"


def test_a_province_word_picks_the_province(geoparser):
    parsed = geoparser.parse("Pakistan carried out airstrikes in Afghanistan's Khost province on Sunday.")
    assert place_of(parsed, "Khost province").feature_type == "admin1"


@pytest.mark.parametrize(
    ("before", "worded"),
    [
        ("Crews were sent to south-eastern ", True),
        ("A long report. " * 200 + "Rain fell on central\n  ", True),  # the cue after a long text
        ("Northern " + "x" * 40 + " ", False),  # the compass word is not the one before the name
        ("In the southern part of ", False),
        ("They went to northeastern", False),  # no space: "northeasternWashington" is one word
    ],
)
def test_a_compass_word_right_before_a_name_makes_it_a_region(before, worded):
    text = before + "Washington is wet."
    start = len(before)
    mention = RawMention(start, start + len("Washington"), "Washington", "GPE", 0)
    assert region_worded(mention, text) is worded
