"""Incident extraction on sentences written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.events import INCIDENT_TYPES, Incident, extract_incidents


def incidents(geoparser, text: str, date: str | None = None) -> list[Incident]:
    parsed = geoparser.parse(text)
    return extract_incidents(
        geoparser.nlp(text), parsed.mentions, article_id="t", linker=geoparser.linker, article_date=date
    )


def by_trigger(found: list[Incident], trigger: str) -> Incident:
    (hit,) = [i for i in found if i.trigger == trigger]
    return hit


def test_attack_at_sea_and_rerouting_at_the_cape(geoparser):
    text = (
        "Houthi attacks on ships in the Red Sea forced vessels to sail around the Cape of Good Hope, "
        "adding days to the voyage."
    )
    found = incidents(geoparser, text)
    attack = by_trigger(found, "attacks")
    assert attack.incident_type == "maritime_attack"
    assert attack.location_name == "Red Sea" and attack.precision == "sea"
    assert text[attack.location_start : attack.location_end] == "Red Sea"
    assert attack.actors == ("Houthi",)
    sail = by_trigger(found, "sail")
    assert sail.location_name == "Cape of Good Hope" and sail.place.feature_type == "cape"
    assert [i.id for i in found] == [f"t-e{n}" for n in range(1, len(found) + 1)]


def test_undisclosed_location_has_no_place_and_no_geometry(geoparser):
    text = "The foreign ministers of Qatar and Egypt met at an undisclosed location on Sunday."
    meeting = by_trigger(incidents(geoparser, text), "met")
    assert meeting.incident_type == "meeting_diplomacy"
    assert meeting.location_name is None and meeting.place is None and meeting.precision == "unknown"
    feature = meeting.__geo_interface__
    assert feature["type"] == "Feature" and feature["geometry"] is None
    assert feature["properties"]["kind"] == "incident" and feature["properties"]["geonameid"] is None


def test_origin_of_a_person_is_not_the_location(geoparser):
    text = "A taxi driver from Abidjan was shot by a police officer late on Friday."
    shot = by_trigger(incidents(geoparser, text), "shot")
    assert shot.incident_type == "armed_attack"
    assert shot.location_name is None


def test_nationality_of_the_actor_is_not_the_location(geoparser):
    text = "Pakistani police arrested six suspects in Peshawar on Monday."
    arrest = by_trigger(incidents(geoparser, text), "arrested")
    assert arrest.incident_type == "arrest_detention"
    assert arrest.location_name == "Peshawar"
    assert arrest.affected == 6


def test_town_beats_its_province(geoparser):
    text = "Government troops recaptured the city of Mosul in Nineveh province on Sunday."
    event = by_trigger(incidents(geoparser, text), "recaptured")
    assert event.incident_type == "ground_operation"
    assert event.location_name == "Mosul" and event.precision == "city"
    raid = by_trigger(
        incidents(geoparser, "Soldiers raided the town of Jenin in the occupied West Bank."), "raided"
    )
    assert raid.location_name == "Jenin"


def test_unknown_village_is_the_location_without_a_place(geoparser):
    # Invented names: the gazetteer has none of them, the mention still says where.
    text = "Shelling hit the village of Kfar Tallah near Idlib on Monday."
    hit = by_trigger(incidents(geoparser, text), "hit")
    assert hit.location_name == "Kfar Tallah"
    assert text[hit.location_start : hit.location_end] == "Kfar Tallah"
    text = "Two soldiers were killed in Tel Saqra, just north of Hasakah, on Sunday."
    assert by_trigger(incidents(geoparser, text), "killed").location_name == "Tel Saqra"


def test_named_area_beats_the_city_around_it(geoparser):
    text = "A roadside bomb exploded in the Zubaydiyah area in southern Baghdad, killing two people."
    found = incidents(geoparser, text)
    assert by_trigger(found, "exploded").location_name == "Zubaydiyah"


def test_unknown_location_is_mapped_at_the_place_containing_it(geoparser):
    text = "A roadside bomb exploded in the Zubaydiyah area in southern Baghdad, killing two people."
    event = by_trigger(incidents(geoparser, text), "exploded")
    assert event.location_name == "Zubaydiyah"
    assert event.place is not None and event.place.name == "Baghdad" and event.precision == "city"
    assert event.__geo_interface__["geometry"] is not None
    # nothing known around it: no point on the map rather than a guess
    lone = by_trigger(incidents(geoparser, "Gunmen attacked the village of Kfar Tallah at dawn."), "attacked")
    assert lone.location_name == "Kfar Tallah" and lone.place is None and lone.precision == "unknown"


def test_unknown_location_is_mapped_at_its_container_or_reference_point(geoparser):
    cases = {
        "Fighting raged in the Wardiyat Valley, in eastern Afghanistan, for a third day.": "Afghanistan",
        "Rebels seized Kafr Dumbala, 20 km west of Aleppo, after days of fighting.": "Aleppo",
        "A suicide bomber struck a market in Umm Harrab, a town north of Baghdad.": "Baghdad",
    }
    for text, container in cases.items():
        event = incidents(geoparser, text)[0]
        assert event.place is not None and event.place.name.startswith(container), text
        assert container not in event.location_name, text


def test_named_site_beats_the_city_around_it(geoparser):
    text = "Police patrolled outside Basra's al-Qaryah hospital after the attack."
    event = by_trigger(incidents(geoparser, text), "patrolled")
    assert event.location_name == "al-Qaryah" and event.place.name == "Basra"


def test_towns_named_in_a_list_beat_their_province(geoparser):
    text = "Twelve fighters were killed in the towns of Tel Saqra and Umm Harrab in Hasakah province."
    assert by_trigger(incidents(geoparser, text), "killed").location_name == "Tel Saqra"


def test_hometown_of_a_person_is_not_the_location(geoparser):
    for text in ("A Tampa woman shot her former husband in May 2001.", "Dayton students marched on Friday."):
        (event,) = incidents(geoparser, text)
        assert event.location_name is None, text


def test_relative_clause_saying_where_the_event_broke_out(geoparser):
    text = "Five soldiers died in the clashes that broke out between rebels and the army in Tel Saqra."
    assert by_trigger(incidents(geoparser, text), "died").location_name == "Tel Saqra"
    # a relative clause with another event in it tells where that other event was
    text = "Two guards were killed in the raid, which was followed by an explosion in Kandy."
    assert by_trigger(incidents(geoparser, text), "killed").location_name is None


def test_clause_of_the_moment_gives_the_scene(geoparser):
    # "as", "while", "when": the clause says where the victim was when it happened
    for text in (
        "A mechanic was stabbed as he walked to the bakery in Homs.",
        "A teacher was shot while she drove her children to a school in Homs.",
    ):
        (event,) = incidents(geoparser, text)
        assert event.location_name == "Homs", text


def test_geojson_feature_and_dict(geoparser):
    text = "An airstrike killed at least 12 people in Rafah on Tuesday."
    found = incidents(geoparser, text, "2024-03-14")
    (event,) = found
    assert event.incident_type == "airstrike_shelling"
    assert event.fatalities == 12 and event.date == "2024-03-12"
    feature = event.__geo_interface__
    lon, lat = feature["geometry"]["coordinates"]
    assert feature["geometry"]["type"] == "Point"
    assert (lat, lon) == (event.place.lat, event.place.lon)
    assert 34.0 < lon < 35.0 and 31.0 < lat < 32.0  # Rafah, on the Gaza–Egypt border
    data = event.to_dict()
    assert data["location_name"] == "Rafah" and data["place"]["name"] == event.place.name
    assert text[data["trigger_start"] : data["trigger_end"]] == "killed"
    assert text[data["sentence_start"] : data["sentence_end"]] == data["sentence"] == text
    assert data["incident_type"] in INCIDENT_TYPES and 0 <= data["confidence"] <= 1


@pytest.mark.parametrize(
    ("text", "fatalities", "affected"),
    [
        ("Gunmen killed at least 12 people in the market.", 12, None),
        ("The ministry said 1,160 people had been killed since January.", 1160, None),
        ("Three crew members were killed when the missile hit the ship.", 3, None),
        ("The bomb killed one civilian and wounded four.", 1, 4),
        ("Dozens of people were killed in the raid.", None, None),
    ],
)
def test_fatality_counts(geoparser, text, fatalities, affected):
    found = incidents(geoparser, text)
    (event,) = [i for i in found if i.trigger == "killed"]
    assert (event.fatalities, event.affected) == (fatalities, affected)


def test_date_reaches_the_incident(geoparser):
    found = incidents(geoparser, "Protesters marched through Nairobi on Tuesday.", "2024-03-14")
    march = by_trigger(found, "marched")
    assert march.incident_type == "protest_unrest"
    assert march.date == "2024-03-12" and march.location_name == "Nairobi"


@pytest.mark.parametrize(
    ("text", "trigger", "kind"),
    [
        ("Police detained two journalists in Minsk.", "detained", "arrest_detention"),
        ("Thousands of families fled Mosul as the fighting spread.", "fled", "displacement_humanitarian"),
        ("Iran warned that it would close the Strait of Hormuz.", "warned", "statement_threat"),
        ("Rebels seized the oil tanker off the coast of Somalia.", "seized", "maritime_attack"),
        ("Artillery shelled the outskirts of Donetsk overnight.", "shelled", "airstrike_shelling"),
    ],
)
def test_incident_types(geoparser, text, trigger, kind):
    assert by_trigger(incidents(geoparser, text), trigger).incident_type == kind


def test_figurative_uses_are_no_incidents(geoparser):
    assert incidents(geoparser, "The Kenyan runner captured the gold medal in Paris.") == []
    assert incidents(geoparser, "He said the weather was fine in Rome.") == []


def test_empty_and_blank_text(geoparser):
    assert incidents(geoparser, "") == []
    assert incidents(geoparser, " \n\t ") == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=40),
            st.sampled_from(["killed", "in Gaza", "attacked", "12", "on Tuesday", "Red Sea", ".", "fled"]),
        ),
        max_size=12,
    ).map(" ".join),
    st.one_of(st.none(), st.sampled_from(["2024-03-14", "2023-12-31", "not-a-date"])),
)
def test_random_text_never_crashes_and_offsets_hold(geoparser, text, date):
    for event in incidents(geoparser, text, date):
        assert text[event.trigger_start : event.trigger_end] == event.trigger
        assert text[event.sentence_start : event.sentence_end] == event.sentence
        assert event.sentence_start <= event.trigger_start < event.trigger_end <= event.sentence_end
        if event.location_start is not None:
            assert text[event.location_start : event.location_end] == event.location_name
        assert event.incident_type in INCIDENT_TYPES
        assert 0.0 <= event.confidence <= 1.0
        assert event.to_dict()["id"] == event.id


def test_place_named_before_its_container_is_where_it_happened(geoparser):
    parsed = geoparser.parse(
        "Two engineers were kidnapped by gunmen in the Umbra Valley, in Iraq's northern province of Nineveh, "
        "on Monday."
    )
    (inc,) = [i for i in parsed.incidents if i.trigger == "kidnapped"]
    assert inc.location_name == "Umbra Valley" and inc.place.name == "Nineveh"


def test_opened_fire_is_an_attack_and_a_house_fire_is_not(geoparser):
    parsed = geoparser.parse("Gunmen opened fire on a bus near the market in Umbra on Sunday.")
    (attack,) = parsed.incidents
    assert (attack.incident_type, attack.trigger, attack.location_name) == ("armed_attack", "opened", "Umbra")
    assert geoparser.parse("A fire broke out at a warehouse in Leeds on Sunday.").incidents == ()


def test_a_relative_clause_on_a_place_happens_there(geoparser):
    parsed = geoparser.parse(
        "Kharkiv, whose power plants have been repeatedly shelled by Russian forces since the spring, "
        "asked Kyiv for more generators on Monday."
    )
    (shelling,) = [i for i in parsed.incidents if i.trigger == "shelled"]
    assert shelling.location_name == "Kharkiv"


def test_a_storm_that_hits_is_no_attack(geoparser):
    (storm,) = geoparser.parse("Storms hit Alabama overnight, the weather service said.").incidents
    assert storm.incident_type == "other"
    (raid,) = geoparser.parse("Militants hit a checkpoint in Kandahar overnight.").incidents
    assert raid.incident_type == "armed_attack"
    (crash,) = geoparser.parse("An SUV hit a fence in Leeds on Sunday.").incidents
    assert crash.incident_type == "other"


@pytest.mark.parametrize(
    ("text", "trigger", "kind", "location"),
    [
        ("A suicide bomber blew himself up at a market in Kirkuk.", "blew", "armed_attack", "Kirkuk"),
        ("Thousands of protesters gathered in Tbilisi on Friday.", "gathered", "protest_unrest", "Tbilisi"),
        ("A rocket landed in Sderot, damaging a house.", "landed", "airstrike_shelling", "Sderot"),
        ("Troops withdrew from Kherson last week.", "withdrew", "ground_operation", "Kherson"),
        ("Families fled from Mosul as the battle began.", "fled", "displacement_humanitarian", "Mosul"),
    ],
)
def test_trigger_verbs_of_common_newswire_phrasings(geoparser, text, trigger, kind, location):
    hit = by_trigger(incidents(geoparser, text), trigger)
    assert hit.incident_type == kind and hit.location_name == location


@pytest.mark.parametrize(
    "text",
    [
        "The plane landed in Nairobi on time.",
        "Mourners gathered in Kampala for the funeral.",
        "The wind blew across the plains of Kansas.",
    ],
)
def test_everyday_senses_of_those_verbs_are_no_incidents(geoparser, text):
    assert incidents(geoparser, text) == []


@pytest.mark.parametrize(
    ("text", "trigger", "location"),
    [
        ("The explosion occurred near Jalalabad.", "explosion", "Jalalabad"),
        ("Kharkiv came under heavy shelling overnight.", "shelling", "Kharkiv"),
        ("The attack took place in Mogadishu late on Friday.", "attack", "Mogadishu"),
    ],
)
def test_a_verb_of_happening_carries_the_place_of_its_event(geoparser, text, trigger, location):
    assert by_trigger(incidents(geoparser, text), trigger).location_name == location


def test_a_participle_telling_the_toll_is_the_same_incident(geoparser):
    text = "A roadside bomb exploded in Helmand, killing two soldiers and wounding three."
    found = incidents(geoparser, text)
    assert [i.trigger for i in found] == ["exploded"]
    (blast,) = found
    assert blast.incident_type == "armed_attack" and blast.location_name == "Helmand"
    assert (blast.fatalities, blast.affected) == (2, 3)


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("Rockets fired from Gaza hit Ashkelon on Saturday.", "Ashkelon"),
        ("Kyiv was hit by a wave of missiles on Monday.", "Kyiv"),
    ],
)
def test_munitions_that_hit_are_a_strike_where_they_hit(geoparser, text, location):
    found = incidents(geoparser, text)
    assert len(found) == 1
    assert found[0].incident_type == "airstrike_shelling" and found[0].location_name == location


def test_dateline_places_an_event_the_sentence_does_not_place(geoparser):
    text = "KABUL, Afghanistan (AP) — A bomb exploded outside a mosque on Friday."
    blast = by_trigger(incidents(geoparser, text), "exploded")
    assert blast.location_name == "KABUL" and blast.precision == "city"
    text = "BAGHDAD (Reuters) - Gunmen killed three policemen in Mosul on Sunday."
    assert by_trigger(incidents(geoparser, text), "killed").location_name == "Mosul"


def test_a_hamlet_named_by_apposition_is_the_location(geoparser):
    text = "Gunmen killed four villagers in Kwabari, a remote hamlet in Borno state."
    killed = by_trigger(incidents(geoparser, text), "killed")
    assert killed.location_name == "Kwabari" and killed.place is not None and killed.place.name == "Borno"


@pytest.mark.parametrize(
    ("text", "kind", "location"),
    [
        ("Hundreds were displaced by fighting in North Kivu.", "displacement_humanitarian", "North Kivu"),
        ("Five civilians were killed during fighting near Bakhmut.", "armed_attack", "Bakhmut"),
    ],
)
def test_a_gerund_naming_the_cause_is_part_of_the_incident(geoparser, text, kind, location):
    (found,) = incidents(geoparser, text)
    assert found.incident_type == kind and found.location_name == location


@pytest.mark.parametrize(
    ("text", "trigger", "kind", "location"),
    [
        ("An explosion tore through a crowded market in Quetta.", "explosion", "armed_attack", "Quetta"),
        ("Two explosions rocked Mogadishu on Tuesday.", "explosions", "armed_attack", "Mogadishu"),
        ("Police dispersed protesters in Istanbul.", "dispersed", "protest_unrest", "Istanbul"),
        ("Militants infiltrated Kashmir overnight.", "infiltrated", "ground_operation", "Kashmir"),
    ],
)
def test_event_nouns_and_verbs_of_frequent_reports(geoparser, text, trigger, kind, location):
    hit = by_trigger(incidents(geoparser, text), trigger)
    assert hit.incident_type == kind and hit.location_name == location


def test_a_gerund_subject_is_the_means_of_the_killing(geoparser):
    (found,) = incidents(geoparser, "In Kherson, Russian shelling killed two people.")
    assert found.incident_type == "airstrike_shelling" and found.location_name == "Kherson"
    assert found.fatalities == 2


@pytest.mark.parametrize(
    ("text", "trigger", "location"),
    [
        ("The attack was carried out by gunmen in Sinai.", "attack", "Sinai"),
        ("The Houthis fired a ballistic missile towards Riyadh.", "fired", "Riyadh"),
    ],
)
def test_carrying_out_and_aiming_say_where(geoparser, text, trigger, location):
    assert by_trigger(incidents(geoparser, text), trigger).location_name == location


@pytest.mark.parametrize(
    ("text", "kind", "location"),
    [
        ("A car bomb went off in Baghdad, killing at least seven people.", "armed_attack", "Baghdad"),
        ("Mortar shells fell on Damascus on Sunday, wounding four.", "airstrike_shelling", "Damascus"),
        ("A truck overturned on a highway near Multan, killing five people.", "casualties", "Multan"),
    ],
)
def test_a_toll_happens_where_its_clause_did_by_the_means_it_names(geoparser, text, kind, location):
    (found,) = incidents(geoparser, text)
    assert found.incident_type == kind and found.location_name == location
