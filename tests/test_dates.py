import pytest

from geomap.incidents.dates import resolve_date


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
