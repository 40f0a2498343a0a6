import math
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.geodesy import haversine_km
from geomap.resolution.gazetteer import Gazetteer

# (name as news writes it, feature type, country_code or None, a country it must list)
EXPECTED = [
    ("Red Sea", "sea", None, "YE"),
    ("Bab el-Mandeb", "strait", None, "YE"),
    ("Strait of Hormuz", "strait", None, "IR"),
    ("Gulf of Aden", "gulf", None, "YE"),
    ("Gaza Strip", "territory", "PS", "PS"),
    ("West Bank", "territory", "PS", "PS"),
    ("Sinai", "peninsula", "EG", "EG"),
    ("Donbas", "territory", "UA", "UA"),
    ("Euphrates", "river", None, "IQ"),
    ("Khan Younis", "city", "PS", "PS"),
    ("Hodeidah", "city", "YE", "YE"),
    ("Yemen", "country", "YE", "YE"),
    ("Suez Canal", "canal", "EG", "EG"),
]


@pytest.mark.parametrize(("name", "feature_type", "country", "listed"), EXPECTED)
def test_news_places_resolve_to_the_right_feature(gazetteer, name, feature_type, country, listed):
    best = gazetteer.candidates(name)[0]
    assert best.feature_type == feature_type
    assert best.country_code == country
    assert listed in best.country_codes


def test_cape_of_good_hope_is_the_cape_in_south_africa(gazetteer):
    cape = gazetteer.candidates("Cape of Good Hope")[0]
    assert cape.feature_type == "cape"
    assert cape.country_code == "ZA"
    assert haversine_km(cape.lat, cape.lon, -34.3568, 18.4740) < 25


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("Bab al-Mandab", "Bab el-Mandeb"),
        ("Khan Yunis", "Khan Younis"),
        ("the Red Sea", "Red Sea"),
        ("KHAN-YOUNIS", "Khan Younis"),
        ("Khān Yūnis", "Khan Younis"),
        ("Sana'a", "Sanaa"),
    ],
)
def test_transliterations_find_the_same_place(gazetteer, variant, canonical):
    assert gazetteer.candidates(variant)[0].id == gazetteer.candidates(canonical)[0].id


def test_ambiguity_is_kept(gazetteer):
    rafah = {p.country_code for p in gazetteer.candidates("Rafah") if p.feature_type == "city"}
    assert {"PS", "EG"} <= rafah
    georgia = [(p.feature_type, p.country_code) for p in gazetteer.candidates("Georgia")]
    assert ("country", "GE") in georgia
    assert ("admin1", "US") in georgia
    assert gazetteer.candidates("Paris")[0].country_code == "FR"


def test_candidates_are_ranked_by_score(gazetteer):
    scores = [m.score for m in gazetteer.search("Springfield", limit=25)]
    assert len(scores) > 3
    assert scores == sorted(scores, reverse=True)
    assert len(gazetteer.candidates("Springfield", limit=2)) == 2


@pytest.mark.parametrize("bad", ["", " ", "x" * 5000, "\x00\x01\x02", "غزة", "!!!", "\ud800"])
def test_bad_names_give_an_empty_list(gazetteer, bad):
    assert gazetteer.candidates(bad) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_valid_places(gazetteer, text):
    for place in gazetteer.candidates(text, limit=5):
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180
        assert place.name


def test_every_place_speaks_geo_interface(gazetteer):
    place = gazetteer.candidates("Hodeidah")[0]
    geo = place.__geo_interface__
    assert geo["geometry"] == {"type": "Point", "coordinates": (place.lon, place.lat)}
    assert geo["properties"]["geonameid"] == place.geonameid
    assert 14 < place.lat < 15.5 and 42.5 < place.lon < 43.5


def test_nearest_populated_place(gazetteer):
    place, km = gazetteer.nearest(31.30, 34.25)
    assert place.name.startswith("Rafa") and place.country_code == "PS"
    assert km < 5
    with pytest.raises(ValueError):
        gazetteer.nearest(91, 0)


def test_nearest_far_from_anything_still_answers(gazetteer):
    _place, km = gazetteer.nearest(-60.0, -140.0)  # Southern Ocean
    assert km > 1000 and not math.isnan(km)


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("Yemeni", "YE"),
        ("Israeli", "IL"),
        ("Palestinian", "PS"),
        ("Palestinians", "PS"),
        ("Iranian", "IR"),
        ("Lebanese", "LB"),
        ("American", "US"),
        ("Egyptian", "EG"),
    ],
)
def test_demonyms_point_to_countries(gazetteer, word, code):
    place = gazetteer.demonym(word)
    assert place is not None and place.feature_type == "country" and place.country_code == code


def test_every_populous_country_has_a_demonym(gazetteer):
    lacking = gazetteer._query(
        "SELECT country_code FROM places WHERE feature_type = 'country' AND population >= 100000 "
        "AND rowid NOT IN (SELECT place FROM demonyms)"
    )
    # "Congolese" means the DRC in news; "Sahrawi" points to the curated Western Sahara.
    assert {code for (code,) in lacking} <= {"CG", "EH"}
    assert gazetteer.demonym("Sahrawi").country_code == "EH"


def test_stats_count_features_and_sources(gazetteer):
    stats = gazetteer.stats()
    assert stats["by_feature_type"]["city"] > 200_000
    assert stats["by_feature_type"]["country"] >= 240
    for water in ("sea", "strait", "gulf", "canal", "cape", "river", "desert", "territory"):
        assert stats["by_feature_type"].get(water, 0) > 0, water
    assert stats["by_source"]["curated"] >= 600


def test_get_and_country(gazetteer):
    assert gazetteer.get("281102").name.startswith("Rafa")
    assert gazetteer.get("nope") is None
    assert gazetteer.country("ye").name == "Yemen"


def test_cache_gives_equal_independent_lists(gazetteer):
    first = gazetteer.candidates("Aden")
    first.clear()
    assert gazetteer.candidates("Aden")


def test_missing_index_without_build_says_how_to_rebuild(tmp_path):
    from geomap.errors import GazetteerError

    with pytest.raises(GazetteerError, match="geomap gazetteer build"):
        Gazetteer(tmp_path / "none.sqlite", auto_build=False)


def test_truncated_index_is_detected(gazetteer, tmp_path):
    from geomap.errors import GazetteerError

    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(gazetteer.path.read_bytes()[:1_000_000])
    with pytest.raises(GazetteerError, match="corrupt"):
        Gazetteer(broken, auto_build=False)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(GazetteerError, match="corrupt"):
        Gazetteer(garbage, auto_build=False)


@pytest.mark.slow
def test_corrupt_index_is_rebuilt_and_the_build_is_deterministic(gazetteer, tmp_path):
    import hashlib

    broken = tmp_path / "index.sqlite"
    broken.write_bytes(b"garbage" * 1000)
    with Gazetteer(broken, progress=False) as rebuilt:
        assert rebuilt.candidates("Hodeidah")[0].country_code == "YE"
    digest = hashlib.sha256(broken.read_bytes()).hexdigest()
    assert digest == hashlib.sha256(gazetteer.path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("county", "state", "seat"),
    [
        ("Cook County", "IL", "Chicago"),
        ("Rapides Parish", "LA", "Alexandria"),
        ("Travis County", "TX", "Austin"),
    ],
)
def test_us_counties_lie_around_their_seat(gazetteer, county, state, seat):
    found = next(p for p in gazetteer.candidates(county) if p.admin1 == state)
    town = next(p for p in gazetteer.candidates(seat) if p.admin1 == state)
    assert found.feature_type == "admin2" and found.country_code == "US"
    assert haversine_km(found.lat, found.lon, town.lat, town.lon) < 40


@pytest.mark.parametrize(
    ("name", "country", "lat", "lon"),
    [
        ("Shayrat Air Base", "SY", 34.49, 36.91),  # OurAirports, its full name
        ("nevatim air base", "IL", 31.21, 35.01),  # as news writes it
        ("Boryspil International Airport", "UA", 50.35, 30.89),
        ("Baghdad International Airport", "IQ", 33.26, 44.23),  # one part of "… / New Al Muthana Air Base"
        ("Hmeimim Air Base", "SY", 35.40, 35.95),  # the curated entry, not a second copy
    ],
)
def test_airports_and_air_bases_are_places(gazetteer, name, country, lat, lon):
    (first, *rest) = gazetteer.candidates(name)
    assert first.feature_type == "landmark" and first.country_code == country
    assert haversine_km(first.lat, first.lon, lat, lon) < 5
    assert not [p for p in rest if p.name == first.name]  # one entry per field
    assert gazetteer.candidates("Boryspil")[0].feature_type == "city"  # the town keeps its name


def test_an_air_base_is_not_found_by_a_word_of_its_name(gazetteer):
    # "Patrick Space Force Base", "Head …": a first name or a word alone is no field
    for word in ("Patrick", "Head", "Airport", "Military", "Regional"):
        assert all(p.feature_type != "landmark" for p in gazetteer.candidates(word)), word


def test_closed_fields_and_heliports_are_left_out(gazetteer):
    assert gazetteer.stats()["by_source"]["ourairports"] > 7000
    for name in ("Total Rf Heliport", "Aero B Ranch Airport"):  # a heliport; a small private strip
        assert gazetteer.candidates(name) == []


def test_a_common_county_name_keeps_every_state(gazetteer):
    states = {p.admin1 for p in gazetteer.candidates("Madison County") if p.feature_type == "admin2"}
    assert {"IL", "AL", "NY", "KY", "TX"} <= states


def test_new_york_state_is_not_placed_on_the_city(gazetteer):
    state = next(p for p in gazetteer.candidates("New York") if p.feature_type == "admin1")
    city = gazetteer.get("5128581")
    assert haversine_km(state.lat, state.lon, city.lat, city.lon) > 150


def test_a_province_outranks_its_capital_of_the_same_name(gazetteer):
    # Quebec's towns count for Quebec even where New Brunswick's point is nearer them.
    assert gazetteer.candidates("Quebec")[0].feature_type == "admin1"
    ranked = [p.id for p in gazetteer.candidates("Quebec")]
    assert ranked.index("CA-QC") < ranked.index("6325494")


def test_every_name_of_the_index_passes_its_filter(gazetteer):
    """The filter may let an absent name through to a query, but must never turn away a present one."""
    con = sqlite3.connect(f"file:{gazetteer.path}?mode=ro", uri=True)
    try:
        keys = [k for (k,) in con.execute("SELECT DISTINCT key FROM names")]
    finally:
        con.close()
    assert len(keys) > 100_000
    turned_away = [k for k in keys if not gazetteer._may_name(k)]
    assert turned_away == []


def test_absent_names_are_answered_without_a_query(gazetteer, monkeypatch):
    queries = []
    query = gazetteer._query
    monkeypatch.setattr(gazetteer, "_query", lambda *a: queries.append(a) or query(*a))
    gazetteer._may_name("warm")  # the filter itself is one query, once
    queries.clear()
    absent = [f"Qzorblat Commission {i}" for i in range(200)]
    assert all(gazetteer.search(name) == [] for name in absent)
    assert len(queries) < 30  # a few may share a bit with a real name and reach the index
    assert gazetteer.search("Hodeidah")[0].place.country_code == "YE"
    assert gazetteer.demonym("Qzorblati") is None and gazetteer.demonym("Yemeni").country_code == "YE"


def test_a_new_index_removes_the_ones_it_replaced(tmp_path):
    from gazetteer.build import _remove_replaced

    for name in ("gazetteer-0123456789abcdef.sqlite", "gazetteer-fedcba9876543210.sqlite", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    _remove_replaced(tmp_path / "gazetteer-fedcba9876543210.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gazetteer-fedcba9876543210.sqlite", "notes.txt"]
    # an index under a name the user chose leaves the folder alone
    (tmp_path / "gazetteer-0123456789abcdef.sqlite").write_bytes(b"x")
    _remove_replaced(tmp_path / "my-index.sqlite")
    assert (tmp_path / "gazetteer-0123456789abcdef.sqlite").exists()
