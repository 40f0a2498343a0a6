"""Datelines: an all-capitals place opening a story or paragraph, "SANAA, Yemen -" (label ``DATELINE``)."""

from __future__ import annotations

import re

from geomap.mention_gazetteer import NameChecks
from geomap.mention_names import FoundName

#: An all-capitals dateline opening a story or paragraph: "SANAA, Yemen -", "SAN DIEGO (AP) -".
_DATELINE = re.compile(r"(?m)^[ \t]*([A-Z][A-Z.'\- ]{1,40}[A-Z.])(?=\s*(?:,|\(|—|–|-\s))")


def datelines(text: str, checks: NameChecks) -> list[FoundName]:
    """The datelines of ``text`` that name a place the gazetteer knows well."""
    found: list[FoundName] = []
    for match in _DATELINE.finditer(text):
        name = match.group(1).strip(" .-")
        start = match.start(1)
        if checks.strong(name):
            found.append((start, start + len(name), "DATELINE"))
    return found
