"""When an event happened: the article's date moved by what the sentence says.

"on Tuesday" is the most recent Tuesday on or before the article date (the
article date itself if it is a Tuesday); "yesterday" the day before; "last
month" and a month without a day give ``YYYY-MM``; "last week" gives ``None``,
since any one day of it would be a guess. Explicit dates win; a date without a
year that would fall after the article date is last year's.

An article given without a date is dated by its dateline when that states the day:
"SANAA, Yemen - March 12, 2024 - Houthi forces fired … on Tuesday" (:func:`dateline_date`).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from geomap.mentions.datelines import DATELINE_PLACE

_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\b", re.IGNORECASE
)
_MONTH_DAY = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.IGNORECASE
)
_MONTH_ONLY = re.compile(rf"\bin\s+({_MONTH_RE})\b(?:\s+(\d{{4}}))?", re.IGNORECASE)
_WEEKDAY_RE = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE)


#: A day with its year: "March 12, 2024", "12 March 2024".
_FULL_DATE = (
    rf"(?i:(?:{_MONTH_RE})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_RE})\.?,?\s+\d{{4}})"
)
#: A dated dateline opening a line: the all-capitals place, its country, the day, an agency, a
#: dash ("SANAA, Yemen - March 12, 2024 -", "KABUL, March 3, 2024 (AP) —").
_DATELINE_DAY = re.compile(
    rf"(?m)^[ \t]*{DATELINE_PLACE}(?:\s*,\s*[A-Z][A-Za-z .'\-]{{0,30}}?)?\s*[,\-—–]\s*"
    rf"({_FULL_DATE})\s*(?:\([^)\n]{{0,30}}\)\s*)?[-—–,]"
)
#: How far into an article its dateline may open: after a headline and a byline.
_DATELINE_REACH = 600


def dateline_date(text: str) -> tuple[str, int] | None:
    """The day an article's dateline states ("SANAA, Yemen - March 12, 2024 -"), as an ISO date,
    and the offset where the story after it begins; None when the article opens with no
    dateline or its dateline names no full date ("LONDON (Reuters) -", "PARIS, March 3 -":
    no year to place it in)."""
    match = _DATELINE_DAY.search(text[:_DATELINE_REACH])
    if match is None:
        return None
    day = resolve_date(match.group(1), None)
    return (day, match.end()) if day is not None else None


def _parse_iso(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def resolve_date(sentence: str, article_date: str | None) -> str | None:
    """The ISO date of an event told in ``sentence`` of an article published on ``article_date``."""
    ref = _parse_iso(article_date)
    for rx, day_first in ((_DAY_MONTH, True), (_MONTH_DAY, False)):
        for m in rx.finditer(sentence):
            day_s, month_s = (m.group(1), m.group(2)) if day_first else (m.group(2), m.group(1))
            month = _MONTHS[month_s.lower().rstrip(".")]
            day = int(day_s)
            if m.group(3):
                found = _safe_date(int(m.group(3)), month, day)
                if found:
                    return found.isoformat()
            elif ref is not None:
                found = _safe_date(ref.year, month, day)
                if found and found > ref:
                    found = _safe_date(ref.year - 1, month, day)
                if found:
                    return found.isoformat()
    low = sentence.lower()
    if ref is not None:
        if re.search(r"\byesterday\b", low):
            return (ref - timedelta(days=1)).isoformat()
        if re.search(r"\blast\s+month\b", low):
            prev = ref.replace(day=1) - timedelta(days=1)
            return f"{prev.year:04d}-{prev.month:02d}"
        if re.search(r"\blast\s+week\b", low):
            return None
        wd = _WEEKDAY_RE.search(sentence)
        if wd:
            back = (ref.weekday() - _WEEKDAYS[wd.group(1).lower()]) % 7
            return (ref - timedelta(days=back)).isoformat()
    mo = _MONTH_ONLY.search(sentence)
    # "in may" / "in march" in lower case are words, not months
    if mo and (mo.group(1)[:1].isupper() or mo.group(1).lower() not in ("may", "march")):
        month = _MONTHS[mo.group(1).lower()]
        if mo.group(2):
            return f"{int(mo.group(2)):04d}-{month:02d}"
        if ref is not None:
            year = ref.year if month <= ref.month else ref.year - 1
            return f"{year:04d}-{month:02d}"
    return ref.isoformat() if ref is not None else None
