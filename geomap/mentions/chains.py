"""Chains of units as coders and wire copy write them: "Doubale (Kaya, Sanmatenga)".

A name followed by the units it lies in, in brackets and finest first, is one nested place:
the village, its district, its province. Every level is a place name (label ``PATTERN``)
even where the model calls it a person or an organisation ("Bastogne", "Tillaberi") or does
not tag it at all, provided the gazetteer knows at least one bracketed level as a place that
holds others: a bracket of a group's acronym ("the Rapid Support Forces (RSF)") or of a
person's age is no chain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from geomap.mentions.names import ORG_WORDS, FoundName
from geomap.resolution.gazetteer import Gazetteer

#: Lower-case words inside a place name: "Mocimboa da Praia", "Tal al Abyad", "Ciudad Autónoma de …".
_PARTICLES = frozenset("de da do dos das del di du des la le el al ad ar as an at az bin ibn abu".split())
#: Unit words that may follow a name in a chain: "Izium raion", "Kharkiv oblast", "Jabalia camp".
_UNIT_WORDS = frozenset(
    """raion rayon oblast hromada district districts province governorate state region county
    municipality department division prefecture commune sub-district subdistrict city town village
    camp neighbourhood neighborhood area township tehsil upazila union parish""".split()
)
#: Capitalised words that open a sentence or a phrase, never a name's first word.
_OPENERS = frozenset(
    "in at on near from to the a an and or of outside around between by into across over for with "
    "inside off toward towards against along".split()
)
#: Words that make a bracketed name a group's, not a place's ("Niger Armed Forces (FAN)").
_GROUP_WORDS = ORG_WORDS | frozenset(
    "forces army police militia militias front movement brigade battalion command ministry government "
    "authority authorities".split()
)
#: Container kinds a bracketed level must be known as, at least once, for the bracket to be a chain.
_UNIT_TYPES = frozenset({"country", "admin1", "admin2", "region", "territory", "city"})
_UNIT_ALTERNATIVES = "|".join(sorted((re.escape(w) for w in _UNIT_WORDS), key=len, reverse=True))
#: "(": what follows a chain's first name (or its unit word: "Mamond tehsil ("), and "," between
#: levels; a level that is no place name ("Capital" in "Córdoba (Capital, Córdoba)") may stand
#: between two that are. ")" ends it.
_OPEN = re.compile(rf"(?:\s+(?:{_UNIT_ALTERNATIVES}))?\s*\(\s*(?:[^,()]{{1,40}},\s*)*", re.IGNORECASE)
_COMMA = re.compile(r"\s*,\s*(?:[^,()]{1,40},\s*)*")
_CLOSE = re.compile(r"(?:\s*,\s*[^,()]{1,40})*\s*\)")
#: "the Mahal area of Nagpur", "a village of Samalut district": the first lies in the second.
_PART_OF = re.compile(
    r"\s+(?:area|areas|neighbou?rhoods?|quarter|district|village|suburbs?|outskirts|part)\s+of\s+(?:the\s+)?",
    re.IGNORECASE,
)
#: Longest bracket read as a chain, in characters.
_MAX_BRACKET = 90
_MAX_WORDS = 6
_WORD = re.compile(r"[^\s,()]+")


class UnitChains:
    """The finder of every level of "X (Y, Z)" chains, known to the gazetteer or not."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def __call__(
        self, text: str, lookalikes: Sequence[tuple[int, int]] = (), people: Sequence[tuple[int, int]] = ()
    ) -> list[FoundName]:
        """Every level of every chain. ``lookalikes`` are the model's people and groups, whose name
        before one bracketed place is no chain ("Al-Shabaab (Somalia)"); ``people`` its people of
        more than one word, whose name before any is none ("Ahmed Ali (Kabul, Afghanistan)")."""
        out: list[FoundName] = []
        at = text.find("(")
        while at != -1:
            out += self._chain_at(text, at, lookalikes, people)
            at = text.find("(", at + 1)
        return out

    def _chain_at(
        self,
        text: str,
        opening: int,
        lookalikes: Sequence[tuple[int, int]],
        people: Sequence[tuple[int, int]],
    ) -> list[FoundName]:
        closing = text.find(")", opening, opening + _MAX_BRACKET)
        if closing == -1 or "(" in text[opening + 1 : closing]:
            return []
        levels: list[tuple[int, int]] = []
        for part in re.finditer(r"[^,]+", text[opening + 1 : closing]):
            start = opening + 1 + part.start()
            end = opening + 1 + part.end()
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if not _is_level(text[start:end]):
                return []
            levels.append((start, end))
        head = _head_before(text, opening)
        if head is None or not levels or not any(self._unit(text[s:e]) for s, e in levels):
            return []
        if any(s < head[1] and head[0] < e for s, e in people):
            return []
        lookalike = any(s < head[1] and head[0] < e for s, e in lookalikes)
        if len(levels) == 1 and lookalike and not self.gazetteer.candidates(text[head[0] : head[1]], limit=1):
            return []
        return [(s, e, "PATTERN") for s, e in [head, *levels]]

    def _unit(self, name: str) -> bool:
        """Whether the gazetteer knows the name, or the name before its unit word ("Izium raion"),
        as a unit."""
        words = name.split()
        while len(words) > 1 and words[-1].lower() in _UNIT_WORDS:
            words.pop()
        names = {name, " ".join(words)}
        found = (p for n in names for p in self.gazetteer.candidates(n, limit=10))
        return any(p.feature_type in _UNIT_TYPES for p in found)


def _is_level(name: str) -> bool:
    """Whether a bracketed part reads as a unit's name: capitalised words, particles, unit words."""
    words = _WORD.findall(name)
    if not words or len(words) > _MAX_WORDS or not words[0][:1].isupper():
        return False
    if name.isupper() and "." not in name:
        return False  # an acronym: "(RSF)", "(AP)"
    for w in words:
        lower = w.lower()
        if lower in _GROUP_WORDS or any(ch.isdigit() for ch in w):
            return False
        if not (w[:1].isupper() or lower in _PARTICLES or lower in _UNIT_WORDS or lower.startswith("al-")):
            return False
    return True


def _head_before(text: str, opening: int) -> tuple[int, int] | None:
    """The name just before a bracket: its capitalised words with particles inside, without a unit word
    after it ("Taizz city") but with "camp", which is part of a camp's name ("Jabalia camp")."""
    end = opening
    while end > 0 and text[end - 1].isspace():
        end -= 1
    words = list(re.finditer(r"[^\s,;:()\[\]\"“”]+", text[max(0, end - 80) : end]))
    base = max(0, end - 80)
    if not words or words[-1].end() + base != end:
        return None
    kept: list[re.Match[str]] = []
    for w in reversed(words):
        word = w.group()
        lower = word.lower().rstrip(".")
        if kept and w.end() + 1 < kept[-1].start():
            break  # two spaces or more: no one name
        if lower in _OPENERS or lower in _GROUP_WORDS:
            break
        if not kept and lower in _UNIT_WORDS and lower != "camp":
            end = base + w.start()  # "Taizz city (…)", "Depayin township (…)": the name is "Taizz"
            while end > 0 and text[end - 1].isspace():
                end -= 1
            continue
        if word[:1].isupper() or (not kept and lower == "camp") or (kept and lower in _PARTICLES):
            kept.append(w)
            continue
        if kept and lower.startswith(("al-", "el-")):
            kept.append(w)
            continue
        break
    while kept and not kept[-1].group()[:1].isupper():
        kept.pop()  # a name starts with a capital, not a particle
    if not kept or len(kept) > _MAX_WORDS:
        return None
    return base + kept[-1].start(), end


def chains(text: str, spans: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Runs of ``spans`` (sorted, not overlapping) written as one nested place, finest level first:
    "X (Y, Z)", "X district (Y)", "the X area of Y (Z)". Indices into ``spans``."""
    out: list[list[int]] = []
    i = 0
    while i + 1 < len(spans):
        run, opened_at = [i], 0
        j = i
        while j + 1 < len(spans):
            gap = (spans[j][1], spans[j + 1][0])
            if not opened_at and _PART_OF.fullmatch(text, *gap):
                pass
            elif not opened_at and _OPEN.fullmatch(text, *gap):
                opened_at = len(run)
            elif not (opened_at and _COMMA.fullmatch(text, *gap)):
                break
            run.append(j + 1)
            j += 1
        closed = bool(opened_at) and _CLOSE.match(text, spans[run[-1]][1]) is not None
        if opened_at and not closed:
            run = run[:opened_at]  # a bracket that does not end in a level is no part of the chain
        if len(run) >= 2:
            out.append(run)
            i = run[-1] + 1
        else:
            i += 1
    return out
