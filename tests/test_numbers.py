from geomap.incidents.numbers import parse_number


def test_parse_number():
    assert parse_number("1,160") == 1160
    assert parse_number("twelve") == 12
    assert parse_number("31,490") == 31490
    assert parse_number("2 million") == 2_000_000
    assert parse_number("dozens") is None


def test_not_numbers():
    assert parse_number("") is None
    assert parse_number("several") is None
