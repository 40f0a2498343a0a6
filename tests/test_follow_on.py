"""One event told over several sentences, as a coder codes it: its response, its toll, the police
answer to a protest. Every sentence here is written for these tests."""

from __future__ import annotations

import pytest

from geomap.incidents.follow_on import coder_tag
from geomap.incidents.incident import Incident


def incidents(geoparser, text: str) -> list[Incident]:
    return list(geoparser.parse(text, id="t").incidents)


def test_the_response_and_its_dead_are_the_same_event(geoparser):
    text = (
        "On 14 February 2024, militants attacked a gendarmerie post in Djibo, killing 6 gendarmes. "
        "The army responded with airstrikes, killing 11 militants."
    )
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "armed_attack"  # the attack, not the airstrikes that answered it
    assert event.location_name == "Djibo" and event.date == "2024-02-14"
    assert event.fatalities == 17  # gendarmes and militants: other dead, added up


def test_the_same_dead_told_again_do_not_add(geoparser):
    text = "On 3 May 2023, gunmen attacked a market in Kaya, killing 9 people. 9 people were killed."
    (event,) = incidents(geoparser, text)
    assert event.fatalities == 9


def test_a_sentence_that_says_it_is_another_event_stays_apart(geoparser):
    text = (
        "On 3 May 2023, gunmen attacked a market in Kaya, killing 9 traders. "
        "Separately, a soldier was killed in an ambush."
    )
    found = incidents(geoparser, text)
    assert len(found) == 2
    assert sorted(i.fatalities or 0 for i in found) == [1, 9]


def test_a_protest_met_by_force_is_one_protest_with_its_toll(geoparser):
    text = (
        "On 2 July 2024, hundreds of protesters rioted in Mombasa, looting shops and burning tyres. "
        "Police fired tear gas and live rounds, killing 1 person and injuring 5."
    )
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "protest_unrest"
    assert (event.fatalities, event.wounded) == (1, 5)
    assert event.location_name == "Mombasa"


def test_arrests_by_the_police_at_a_protest_are_the_protest(geoparser):
    text = (
        "On 8 March 2019, around 150 women protested in Omdurman. "
        "Police dispersed the gathering and detained several participants."
    )
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "protest_unrest"


def test_what_a_protest_is_about_is_no_event_of_its_own(geoparser):
    text = (
        "On 19 October 2023, hundreds of drivers protested in Butembo after a colleague was killed by "
        "gunmen the previous night."
    )
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "protest_unrest" and event.fatalities is None


def test_a_toll_coded_later_replaces_the_first_figures(geoparser):
    text = (
        "On 22 September 2020, two armed groups clashed in Alindao. Initial reports mentioned 2 dead; "
        "fatalities coded as 4 following updated reports."
    )
    (event,) = incidents(geoparser, text)
    assert event.fatalities == 4


def test_a_raid_with_a_toll_is_an_attack(geoparser):
    text = (
        "On 30 December 2023, police raided a hideout near Mianwali. "
        "3 militants were killed in the exchange of fire."
    )
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "armed_attack" and event.fatalities == 3


def test_fatalities_unknown_is_no_event(geoparser):
    (event,) = incidents(geoparser, "On 4 May 2024, troops clashed with rebels in Goma. Fatalities unknown.")
    assert event.incident_type == "armed_attack" and event.fatalities is None


@pytest.mark.parametrize(
    ("text", "at", "inside"),
    [
        ("Gunmen abducted a girl. [women targeted: girls]", "targeted", True),
        ("Protesters marched in Nairobi. [size=no report]", "report", True),
        ("Gunmen [suspected bandits] killed two.", "killed", False),
    ],
)
def test_a_coders_bracketed_tag_is_not_the_report(text, at, inside):
    assert coder_tag(text, text.index(at)) is inside


def test_in_a_short_report_what_follows_the_event_is_its(geoparser):
    text = (
        "On 15 January 2024, soldiers clashed with gang members in Duran, killing 2 gang members. "
        "Soldiers arrested 5 others and seized explosives."
    )
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "armed_attack" and event.fatalities == 2


def test_a_sentence_that_recalls_what_came_before_is_no_event(geoparser):
    text = (
        "On 15 September 2024, gunmen exchanged fire in Culiacan, killing 3. "
        "This follows the outbreak of fighting between the two factions on 9 September."
    )
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "armed_attack" and event.fatalities == 3


def test_harm_no_one_is_said_to_have_done_after_a_protest_is_the_protests(geoparser):
    text = (
        "On 19 January 2023, thousands of demonstrators marched in Lima. "
        "Some threw stones at police, who used tear gas. Several people were injured."
    )
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "protest_unrest" and event.location_name == "Lima"


def test_a_place_chain_in_brackets_is_one_place_not_several(geoparser):
    text = (
        "On 11 October 2024, militants ambushed an army vehicle near Bhata Dhurian "
        "(Poonch, Jammu and Kashmir), killing 2 soldiers."
    )
    found = incidents(geoparser, text)
    assert len(found) == 1 and found[0].fatalities == 2


def test_an_age_is_not_a_date_of_its_own(geoparser):
    text = (
        "On 14 February 2024, Russian forces shelled Nikopol with artillery. "
        "A 67-year-old woman was killed and 2 men were injured."
    )
    (event,) = incidents(geoparser, text)
    assert (event.incident_type, event.fatalities, event.wounded) == ("airstrike_shelling", 1, 2)


# --- what tells an event's circumstances, cause or charge is no event of its own ---------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a clause of circumstance, even through a verb that is no event word
        (
            "On 2 May 2023, militiamen clashed with troops near Kalemie as fighting spread further.",
            "armed_attack",
        ),
        (
            "On 2 May 2023, rebels clashed with the army in Kalemie as the army pressed its offensive.",
            "armed_attack",
        ),
        (
            "On 2 May 2023, militants attacked an army post in Kalemie, sparking clashes that lasted hours.",
            "armed_attack",
        ),
        # a noun phrase of circumstance: the host keeps its type
        (
            "On 2 May 2023, government forces retook Kalemie after several days of fighting.",
            "ground_operation",
        ),
        (
            "On 2 May 2023, rebels launched an attack on Kalemie as part of their offensive towards Uvira.",
            "armed_attack",
        ),
        # what an agreement ends, what a protest is against, what people are charged with
        (
            "On 2 May 2023, elders signed a peace deal in Kalemie, committing to end years of cattle raids.",
            "meeting_diplomacy",
        ),
        (
            "On 2 May 2023, traders blocked the main road in Kalemie to protest repeated bandit attacks.",
            "protest_unrest",
        ),
        (
            "On 2 May 2023, police arrested 12 people in Kalemie on charges of looting and burning shops.",
            "arrest_detention",
        ),
        # a participle that only describes people
        ("On 2 May 2023, relatives of captured soldiers held a rally in Kalemie.", "protest_unrest"),
        # protesters' violence is unrest, and what they did next is the same protest
        (
            "On 2 May 2023, hundreds of protesters stormed the town hall in Kalemie and set it on fire.",
            "protest_unrest",
        ),
        ("On 2 May 2023, dozens of youths burned tyres and blocked the road in Kalemie.", "protest_unrest"),
        (
            "On 2 May 2023, thousands of people took to the streets in Kalemie to demand elections.",
            "protest_unrest",
        ),
    ],
)
def test_one_event_with_its_circumstances(geoparser, text, kind):
    found = incidents(geoparser, text)
    assert [i.incident_type for i in found] == [kind], [(i.incident_type, i.trigger) for i in found]


def test_a_charge_told_with_its_own_place_and_day_is_still_an_event(geoparser):
    text = "Prosecutors charged a man with robbing the Kalemie branch of Equity Bank on March 5."
    assert any(i.incident_type == "armed_attack" for i in incidents(geoparser, text))


def test_a_suspect_is_no_charge(geoparser):
    # "suspected to be" says who they were, not what they are accused of
    text = "On 2 May 2023, gunmen suspected to be militants abducted 7 farmers near Kalemie."
    (event,) = incidents(geoparser, text)
    assert event.affected == 7


def test_the_police_answer_to_a_protest_is_the_protest(geoparser):
    text = (
        "On 2 May 2023, about 200 teachers protested outside the governor's office in Kalemie. "
        "Police later detained several of the protesters."
    )
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "protest_unrest" and event.location_name == "Kalemie"
    text = (
        "On 2 May 2023, thousands marched in Kalemie towards the governor's office. Riot police fired tear "
        "gas at protesters who threw stones near the office, injuring several."
    )
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "protest_unrest" and event.location_name == "Kalemie"


def test_arrests_elsewhere_are_not_the_protest(geoparser):
    text = (
        "On 2 May 2023, about 200 teachers protested in Kalemie. Separately, police arrested 5 protesters "
        "in Uvira."
    )
    assert len(incidents(geoparser, text)) == 2


def test_drones_shot_down_and_who_fired_them_are_one_event(geoparser):
    text = (
        "On 2 May 2023, the navy shot down 9 drones and 2 missiles fired by Houthi forces over the Red Sea."
    )
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "military_plan"


def test_the_dead_of_a_protest_met_by_force_are_the_protests(geoparser):
    # "around 20 injured" is whom it befell, not who did it: the toll is the protest's
    text = (
        "On 4 March 2024, thousands of dock workers blocked the port road in Kalemie and vandalised two "
        "offices. Police fired tear gas; 1 worker was killed and around 20 injured."
    )
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "protest_unrest"
    assert (event.fatalities, event.wounded) == (1, 20)


def test_youths_clashing_with_police_riot(geoparser):
    text = "On 4 March 2024, groups of young people clashed with police in Kalemie, throwing stones."
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "protest_unrest"


def test_a_death_in_custody_is_not_the_arrest_too(geoparser):
    text = "On 4 March 2024, a 30-year-old man detained on theft charges died in police custody in Kalemie."
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "casualties" and event.fatalities == 1


def test_a_patrol_passing_is_the_bombs_target_not_an_operation(geoparser):
    text = "On 4 March 2024, a bomb exploded as an army patrol passed near Kalemie, killing a soldier."
    (event,) = incidents(geoparser, text)
    assert event.incident_type == "armed_attack" and event.fatalities == 1
