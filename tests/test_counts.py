"""Counts as a conflict coder reads them: lone victims, groups, ranges, nominal tolls, running totals.

Every sentence here is written for these tests.
"""

from __future__ import annotations

import pytest

from geomap.incidents.incident import Incident


def incidents(geoparser, text: str) -> list[Incident]:
    return list(geoparser.parse(text, id="t", date="2024-05-02").incidents)


def toll(geoparser, text: str) -> Incident:
    (event,) = [i for i in incidents(geoparser, text) if i.fatalities is not None]
    return event


@pytest.mark.parametrize(
    ("text", "fatalities"),
    [
        ("A trader was shot dead at his shop in Kano on Monday.", 1),
        ("Gunmen killed a village chief in Zamfara overnight.", 1),
        ("A soldier died when his vehicle hit a mine near Gao.", 1),
        ("A man and his two sons were killed in an attack near Kaya.", 3),
        ("A shopkeeper was stabbed to death in Lagos.", 1),
        ("He was killed by a sniper in Bakhmut.", 1),
        ("Police fatally shot four men at a checkpoint in Makhachkala on Friday.", 4),
        ("Mendoza is dead after being stabbed outside a bar in Lisbon.", 1),
        ("The soldier who was killed by a buried bomb near Raqqa was named on Sunday.", 1),
        ("An elderly couple were found dead in their flat in Hanover.", 2),
        ("Unidentified gunmen shot dead a village chief in Gusau.", 1),
        ("Assailants hacked to death a local councillor in Sonaimuri.", 1),
        ("Villagers beat a suspected thief to death in Ghotki.", 1),
    ],
)
def test_a_lone_victim_counts_one(geoparser, text, fatalities):
    assert toll(geoparser, text).fatalities == fatalities


@pytest.mark.parametrize(
    ("text", "fatalities"),
    [
        ("Three soldiers and two civilians were killed in Kaya on Sunday.", 5),
        ("Rebels attacked a post near Beni, killing 4 policemen, 2 militiamen and a child.", 7),
        ("Fifteen people were killed in the market blast in Kabul, including four children.", 15),
        ("Initial reports mentioned 1 soldier and 7 militants killed near Tillia.", 8),
        ("A rocket struck a football pitch in Majdal Shams, killing 12 children and teenagers.", 12),
    ],
)
def test_groups_joined_by_and_add_up_but_including_does_not(geoparser, text, fatalities):
    assert toll(geoparser, text).fatalities == fatalities


@pytest.mark.parametrize(
    ("text", "fatalities", "span"),
    [
        ("Between 20 and 25 villagers were killed in Kaya.", 20, (20, 25)),
        ("Militants killed 6-7 herders near Djibo on Friday.", 6, (6, 7)),
        ("At least 12 people were killed in Goma.", 12, None),
        ("Herders attacked a village near Makurdi, killing between 6 and 9 people.", 6, (6, 9)),
    ],
)
def test_a_range_gives_its_lower_figure_and_keeps_both(geoparser, text, fatalities, span):
    event = toll(geoparser, text)
    assert (event.fatalities, event.fatalities_range) == (fatalities, span)
    assert event.to_dict()["fatalities_range"] == (list(span) if span else None)


@pytest.mark.parametrize(
    ("text", "fatalities"),
    [
        ("The ambush near Tillaberi led to the death of 2 fighters.", 2),
        ("The raid in Kismayo ended with the killing of one militant.", 1),
        ("Overnight shelling of Kherson left three people dead.", 3),
        ("The attack on the Kaya market claimed four lives.", 4),
        ("The bodies of 4 men were found dumped in a bush near Orlu.", 4),
        ("Militants beheaded 3 civilians in Mocimboa da Praia.", 3),
        ("A mob lynched two men accused of theft in Mumias.", 2),
    ],
)
def test_nominal_tolls_are_read(geoparser, text, fatalities):
    assert toll(geoparser, text).fatalities == fatalities


def test_killed_wounded_and_held_stay_apart(geoparser):
    text = "Two guards were killed and nine were wounded when gunmen stormed a prison in Kaduna."
    event = toll(geoparser, text)
    assert (event.fatalities, event.wounded) == (2, 9)
    (arrest,) = incidents(geoparser, "Police arrested 30 protesters in Kampala on Monday.")
    assert (arrest.affected, arrest.affected_kind, arrest.wounded, arrest.fatalities) == (
        30,
        "arrested",
        None,
        None,
    )


@pytest.mark.parametrize(
    "text",
    [
        "The war has killed more than 40,000 people.",
        "More than 40,000 people have been killed since the conflict began.",
        "Some 3,100 civilians have been killed in the region since January.",
    ],
)
def test_a_running_total_is_marked_cumulative(geoparser, text):
    event = toll(geoparser, text)
    assert event.cumulative and event.to_dict()["cumulative"] is True


def test_a_running_total_never_merges_into_the_days_event(geoparser):
    text = (
        "An airstrike killed 9 people in Khan Younis on Tuesday. "
        "The war has killed more than 30,000 people in Gaza, officials say."
    )
    found = incidents(geoparser, text)
    today = [i for i in found if not i.cumulative]
    assert [i.fatalities for i in today] == [9]
    assert [i.fatalities for i in found if i.cumulative] == [30000]


@pytest.mark.parametrize(
    "text",
    ["Dozens of people were killed in the raid on Kaya.", "Hundreds died in the floods near Derna."],
)
def test_vague_amounts_give_no_count(geoparser, text):
    assert all(i.fatalities is None for i in incidents(geoparser, text))


def test_a_later_toll_of_more_dead_adds_to_the_event_told_before(geoparser):
    text = (
        "Gunmen attacked a police post in Djibo on Monday, killing three officers. "
        "Two more officers died in hospital on Tuesday."
    )
    (event,) = incidents(geoparser, text)
    assert (event.incident_type, event.location_name, event.fatalities) == ("armed_attack", "Djibo", 5)


def test_without_more_a_later_toll_is_its_own(geoparser):
    text = (
        "Gunmen attacked a police post in Djibo on Monday, killing three officers. Two officers died in Kaya."
    )
    assert sorted(i.fatalities or 0 for i in incidents(geoparser, text)) == [2, 3]


@pytest.mark.parametrize(
    ("text", "fatalities"),
    [
        ("A bomb exploded in Kaya on Monday, killing five. The death toll rose to 60 on Tuesday.", 60),
        ("Officials raised the death toll from the blasts in Kabul to 63.", 63),
        ("The blast in Kabul caused 12 fatalities.", 12),
        ("An elderly husband and wife were found dead in Hanover.", 2),
    ],
)
def test_a_death_toll_updates_and_nouns_that_count_the_dead(geoparser, text, fatalities):
    (event,) = [i for i in incidents(geoparser, text) if i.fatalities is not None]
    assert event.fatalities == fatalities


def test_a_toll_road_is_no_death_toll(geoparser):
    assert incidents(geoparser, "Drivers paid the toll on the road to Kisumu.") == []


@pytest.mark.parametrize(
    ("text", "fatalities"),
    [
        # every side's dead, told in one sentence or the next, add up as a coder codes them
        ("Gunmen raided a post near Zahedan, killing two guards. One of the raiders was also killed.", 3),
        ("Two gendarmes were killed in fighting near Fada; five militants were also killed.", 7),
        ("A truck hit a mine near Tessit, killing three soldiers. A fourth soldier died of his wounds.", 4),
        ("A drone struck a bus near Kobo, killing six passengers. Two more died later in hospital.", 8),
        ("A shell hit a school in Avdiivka, killing 4 people. The toll rose to 6 on Friday.", 6),
    ],
)
def test_the_dead_of_every_side_and_those_who_died_later_add_up(geoparser, text, fatalities):
    (event,) = [i for i in incidents(geoparser, text) if i.fatalities is not None]
    assert event.fatalities == fatalities


@pytest.mark.parametrize(
    ("text", "fatalities"),
    [
        ("Militias fought near Beledweyne. Seven people died, among them a woman and her two daughters.", 7),
        ("Masked men entered the home of a trader in Popayan and shot him dead.", 1),
        ("A bomber blew herself up at a bus stop in Bama, killing three travellers as well as herself.", 4),
        ("Troops fired on a crowd in Mandalay. A 16-year-old was shot dead.", 1),
    ],
)
def test_victims_told_as_pronouns_or_with_among_count_right(geoparser, text, fatalities):
    assert max(i.fatalities or 0 for i in incidents(geoparser, text)) == fatalities


def test_two_counts_of_one_sentence_add_only_when_both_name_people(geoparser):
    # a headline run into the lead by the parse: "kills three" and "killing three workers" are one toll
    text = "Drone strike on Sumy kills three\nA drone struck a depot in Sumy on Monday, killing three men."
    assert max(i.fatalities or 0 for i in incidents(geoparser, text)) == 3
