"""Names a place word introduces or an apposition places: "the town of X", "the X district", "X, a village".

Such a name is a place (label ``PATTERN``) even when neither the model nor the gazetteer
knows it. Both are read with regular expressions over the text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from geomap.docs import doc_text
from geomap.gazetteer import Gazetteer
from geomap.mention_names import NEVER_PLACES, NOT_A_NAME, FoundName, name_run

if TYPE_CHECKING:
    from spacy.tokens import Doc

_ARTICLE = r"(?:(?:al|el|Al|El|ad|ar|as|an|at|az)-)?"  # Arabic article prefixes: al-Bayaa
_NAME = rf"{_ARTICLE}[A-Z][\w'’-]*(?:\s+{_ARTICLE}[A-Z][\w'’-]*){{0,3}}"
_KIND = (
    r"cit(?:y|ies)|towns?|villages?|districts?|provinces?|governorates?|neighbou?rhoods?|regions?|"
    r"camps?|suburbs?|municipalit(?:y|ies)|count(?:y|ies)|settlements?|ports?|areas?|islands?|hamlets?"
)
#: "the town of Bakwa", "the cities of Palmyra and Quaryatayn": a name that a place word
#: introduces is a place even when the model and the gazetteer do not know it.
_KIND_OF = re.compile(rf"\b(?:{_KIND}) of ({_NAME})(?:,? and ({_NAME}))?")
_KIND_AFTER = (
    r"(?:districts?|neighbou?rhoods?|provinces?|governorates?|camps?|"
    r"villages?|towns?|regions?|municipality|refugee camp|suburbs?|quarter|area)\b"
)
#: "the Aziziyah district", "Shati camp": a lower-case place word after a name.
_NAME_KIND = re.compile(rf"({_NAME})(?:\s+and\s+({_NAME}))?\s+{_KIND_AFTER}")
#: What every match of _NAME_KIND holds: a text without it needs no slower search for names.
_NAME_KIND_HINT = re.compile(rf"\s{_KIND_AFTER}")
_DIRECTION = r"(?:north|south|east|west)(?:-?(?:east|west))?"
_DISTANCE = r"[\d.,]+\s*-?\s*(?:km|kilometers|kilometres|miles|mi)\b\.?\s*(?:\([^()]{0,30}\)\s*)?"
#: A name placed by what follows it: "Kakata, 60 km northeast of Monrovia", "Umbrazi, a
#: village near the border", "Xoqarbel, the district's main town".
_PLACING = (
    rf",\s+(?:(?:(?:just|about|some|around|roughly|nearly|approximately)\s+)?(?:{_DISTANCE})?"
    rf"{_DIRECTION}\s+of\b|(?:a|an|the)\s+(?:[\w’'-]+\s+){{0,3}}?(?:{_KIND})\b)"
)
_PLACED = re.compile(rf"({_NAME}){_PLACING}")
#: What every match of _PLACED holds (it starts with a comma, which a search finds fast).
_PLACED_HINT = re.compile(_PLACING)


class PlaceWordNames:
    """The finder of names after or before a place word, without a leading article or demonym."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def __call__(self, doc: Doc) -> list[FoundName]:
        """Names a place word introduces ("the district of X", "the X district")."""
        out: list[FoundName] = []
        text = doc_text(doc)
        patterns = (_KIND_OF, _NAME_KIND) if _NAME_KIND_HINT.search(text) else (_KIND_OF,)
        for pattern in patterns:
            for match in pattern.finditer(text):
                for group in range(1, (match.re.groups or 0) + 1):
                    if match.group(group) is None:
                        continue
                    start, end = self._trim_name(text, match.start(group), match.end(group))
                    if end > start and doc.char_span(start, end) is not None:
                        out.append((start, end, "PATTERN"))
        return out

    def _trim_name(self, text: str, start: int, end: int) -> tuple[int, int]:
        """Drop leading words that are no part of the name: "The", "Kurdish-majority", "Kyiv's"."""
        owner = max(text.rfind("'s ", start, end), text.rfind("’s ", start, end))
        if owner != -1:
            start = owner + 3  # "Kyiv's Podil district": Kyiv is a place of its own
        words = list(re.finditer(r"\S+", text[start:end]))
        keep = 0
        for w in words:
            word = w.group().rstrip(",.")
            lower = word.lower()
            qualifier = (
                "-" in word
                and not word.split("-", 1)[1][:1].isupper()
                and not lower.startswith(("al-", "el-", "ad-", "ar-", "as-", "an-", "at-", "az-"))
            )
            if lower in NOT_A_NAME or qualifier or self.gazetteer.demonym(word) is not None:
                keep += 1
                continue
            break
        if keep >= len(words):
            return start, start
        new_start = start + words[keep].start()
        return new_start, end


def placed_names(doc: Doc) -> list[FoundName]:
    """Names an apposition places: "Kakata, 60 km northeast of Monrovia", "X, a town in Y"."""
    out: list[FoundName] = []
    text = doc_text(doc)
    if not _PLACED_HINT.search(text):
        return []
    for match in _PLACED.finditer(text):
        last = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
        span = name_run(doc, last[-1]) if last is not None else None
        if span is not None and span[-1].ent_type_ not in NEVER_PLACES | {"PERSON", "NORP"}:
            out.append((span.start_char, span.end_char, "PATTERN"))
    return out
