"""Datelines: an all-capitals place opening a story or paragraph, "SANAA, Yemen -" (label ``DATELINE``)."""

from __future__ import annotations

import re

from geomap.mentions.checks import NameChecks
from geomap.mentions.names import FoundName

#: The all-capitals place of a dateline: "SANAA", "SAN DIEGO", "ST. LOUIS" (the dates read it too).
DATELINE_PLACE = r"[A-Z][A-Z.'\- ]{1,40}[A-Z.]"
#: An all-capitals dateline opening a story or paragraph: "SANAA, Yemen -", "SAN DIEGO (AP) -".
_DATELINE = re.compile(rf"(?m)^[ \t]*({DATELINE_PLACE})(?=\s*(?:,|\(|—|–|-\s))")


def datelines(text: str, checks: NameChecks) -> list[FoundName]:
    """The datelines of ``text`` that name a place the gazetteer knows well."""
    found: list[FoundName] = []
    for match in _DATELINE.finditer(text):
        name = match.group(1).strip(" .-")
        start = match.start(1)
        if checks.strong(name):
            found.append((start, start + len(name), "DATELINE"))
    return found
