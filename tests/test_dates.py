import pytest

from geomap.incidents.dates import dateline_date, resolve_date


@pytest.mark.parametrize(
    ("sentence", "article_date", "expected"),
    [
        ("Troops were shelled on Tuesday.", "2024-03-14", "2024-03-12"),
        ("Troops were shelled on Thursday.", "2024-03-14", "2024-03-14"),
        ("The village was bombed last month.", "2024-03-14", "2024-02"),
        ("The village was bombed last month.", "2024-01-05", "2023-12"),
        ("The port was shelled yesterday.", "2024-03-01", "2024-02-29"),
        ("The port was shelled on December 28.", "2024-01-03", "2023-12-28"),
        ("The port was shelled on 12 March 2024.", None, "2024-03-12"),
        ("The port was shelled.", "2024-03-14", "2024-03-14"),
        ("The port was shelled last week.", "2024-03-14", None),
        ("The port was shelled on Tuesday.", None, None),
    ],
)
def test_resolve_date(sentence, article_date, expected):
    assert resolve_date(sentence, article_date) == expected


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("Strike hits port\n\nSANAA, Yemen - March 12, 2024 - Missiles hit a ship on Tuesday.", "2024-03-12"),
        ("KABUL, March 3, 2024 (AP) — A bomb exploded near a market.", "2024-03-03"),
        ("MOGADISHU, Somalia — 18 March 2024 — Pirates boarded a ship.", "2024-03-18"),
        ("GAZA CITY, Gaza Strip – Sept. 4, 2023 – Shelling went on.", "2023-09-04"),
        # no dated dateline: an agency's, a day with no year, a date in the body, a day that does not exist
        ("LONDON (Reuters) - Oil rose on March 3, 2024 - traders said.", None),
        ("PARIS, March 3 - Farmers blocked roads.", None),
        ("The summit - March 3, 2024 - ended without a deal.", None),
        ("NEW YORK, Feb. 30, 2024 - Markets fell.", None),
        ("A quiet day.\n\n" + "Nothing happened. " * 40 + "\nSANAA, Yemen - March 12, 2024 - Late.", None),
    ],
)
def test_dateline_date(opening, expected):
    found = dateline_date(opening)
    assert (found and found[0]) == expected
    if found:  # the story begins after the dash
        assert opening[found[1] :].lstrip()[:1].isupper()


def test_an_undated_article_counts_its_days_from_its_dateline(geoparser):
    from geomap.incidents.extraction import extract_incidents

    text = "SANAA, Yemen - March 14, 2024 - Missiles hit a tanker in the Red Sea on Tuesday, its owner said."
    found = extract_incidents(
        geoparser.nlp(text), geoparser.parse(text).mentions, article_id="t", linker=geoparser.linker
    )
    assert [i.date for i in found] == ["2024-03-12"]
    given = extract_incidents(
        geoparser.nlp(text), geoparser.parse(text).mentions, article_id="t", linker=geoparser.linker,
        article_date="2024-04-20",
    )  # fmt: skip
    assert [i.date for i in given] == ["2024-04-16"]  # a date the user gives wins
