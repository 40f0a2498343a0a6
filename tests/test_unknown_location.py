"""A place the text says is unknown, and the places it still gives around it.

The sentences are written for these tests.
"""

from __future__ import annotations

import pytest

from geomap.incidents.lexicon import unknown_location

DATE = "2024-03-18"


@pytest.mark.parametrize(
    ("sentence", "unknown"),
    [
        ("The two delegations met at an undisclosed location on Monday.", True),
        ("The hostages are held at a secret site, officials said.", True),
        ("Gunmen seized a trader in Kaya and took him to an unknown location.", False),
        ("A drone struck fighters in an unspecified location in Sanmatenga province.", False),
    ],
)
def test_an_unknown_location_is_the_events_only_where_nothing_places_it(sentence, unknown):
    assert unknown_location(sentence) is unknown


def test_where_someone_was_taken_is_not_where_it_happened(geoparser):
    text = (
        "On 4 May 2024, gunmen abducted a teacher from his home in Kaya and took him to an unknown location."
    )
    (inc,) = geoparser.parse(text, id="t", date=DATE).incidents
    assert inc.location_name == "Kaya" and inc.place is not None and not inc.contained


def test_an_unspecified_spot_in_a_unit_is_placed_at_the_unit_with_its_extent(geoparser):
    text = "On 4 May 2024, soldiers clashed with militants in an unspecified location in Kaya department."
    (inc,) = geoparser.parse(text, id="t", date=DATE).incidents
    assert inc.place is not None and inc.place.name == "Kaya"
    assert inc.contained and inc.uncertainty_km == 25.0


def test_a_meeting_at_an_undisclosed_place_has_none(geoparser):
    text = "On 4 May 2024, envoys of the two armies met at an undisclosed location near the border."
    incidents = geoparser.parse(text, id="t", date=DATE).incidents
    assert incidents and all(inc.place is None for inc in incidents)
