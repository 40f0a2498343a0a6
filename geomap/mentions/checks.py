"""What the gazetteer says about a name the model did not tag as a place: known, well known, named so.

The mention finders take a name on the gazetteer's word only when a place bears that
name as written, and only a sizeable place when the model called it something else.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from geomap.name_keys import name_key
from geomap.resolution.gazetteer import Gazetteer

#: Words that are a region's whole name somewhere ("Centre" in France, "West" in Cameroon)
#: but in news almost always something else: "the Centre" (India's government), "the West".
_GENERIC_WORDS = frozenset(
    "centre center central west east north south western eastern northern southern coast capital "
    "lakes upper lower middle interior city metro".split()
)
#: Verbs whose object is a place more often than not: "shelled Umbrazi", "captured Tel Umbra".
_SIEGE_VERB_FORMS = frozenset(
    "bombed shelled bombarded captured recaptured seized overran overrun stormed besieged encircled "
    "liberated retook retaken invaded occupied raided".split()
)
#: A leading Arabic article, which transliterations keep or drop: "Ar Raqqah", "Raqqa".
_ARTICLE_PREFIX = re.compile(r"^(?:a[lrsdtnz]|el)[\s-]+")
#: How alike two spellings of one name are at least ("Hama", "Hamah").
SPELLING_RATIO = 0.88
#: Below this score a name is too obscure to take as a place on the gazetteer's word alone.
STRONG_NAME_SCORE = 0.45
#: A town the model called a person or organisation is taken as a place only from this
#: score up (about 100,000 people): "Hamas" and "Edison" are towns too.
RECLASSIFY_SCORE = 0.5


class NameChecks:
    """Tests of a name against the gazetteer, shared by the mention finders."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def strong(self, text: str, threshold: float = STRONG_NAME_SCORE) -> bool:
        best = self.gazetteer.search(text, limit=1)
        return bool(best) and best[0].score >= threshold

    def could_be_named(self, name: str) -> bool:
        """False for a word alone that only a region far away bears ("Centre", "West"), and for
        a mixed-case acronym that is no place's own name ("MoD" for Maud)."""
        key = name_key(name)
        if key in _GENERIC_WORDS:
            return False
        acronym = 2 <= len(name) <= 5 and sum(c.isupper() for c in name) >= 2
        if acronym and "." not in name and not name.isupper():
            best = self.gazetteer.search(name, limit=1)
            return not best or name_key(best[0].place.name) == key
        return True

    def named_here(self, text: str, start: int, end: int) -> bool:
        """Whether the best place for ``text[start:end]`` bears that name, as written there.

        A name the model did not tag as a place is taken on the gazetteer's word
        alone, so a town's foreign or former names ("Julia" for Plovdiv) do not
        count, and a state's abbreviation counts only where it is written as one
        ("Barrie, Ont.", "EDMONTON, Ky"), not as a word ("Mass was held").
        Countries and curated features count by any of their names.
        """
        best = self.gazetteer.search(text[start:end], limit=3)
        if not best:
            return False
        if _abbreviated(text, start, end) and any(m.place.feature_type == "admin1" for m in best):
            return True
        place = best[0].place
        if place.feature_type not in ("city", "admin1", "admin2"):
            return True
        own, name = (_ARTICLE_PREFIX.sub("", name_key(n)) for n in (place.name, text[start:end]))
        # "Raqqa" for Ar Raqqah, "Hama" for Ḩamāh: the same name in another spelling
        return own == name or (len(name) >= 4 and SequenceMatcher(None, own, name).ratio() >= SPELLING_RATIO)

    def only_demonym(self, name: str) -> bool:
        """Whether ``name`` is a demonym and no place's name."""
        return self.gazetteer.demonym(name) is not None and not self.gazetteer.search(name, limit=1)

    def well_known(self, text: str) -> bool:
        """A country, region or curated feature, or a city of about 100,000 people or more."""
        best = self.gazetteer.search(text, limit=1)
        if not best:
            return False
        place = best[0].place
        return place.feature_type != "city" or best[0].score >= RECLASSIFY_SCORE


def _abbreviated(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is written as an abbreviation: "Barrie, Ont.", "EDMONTON, Ky", "KY 52"."""
    name = text[start:end]
    if len(name) == 2 and name.isupper():
        return True
    return len(name) <= 5 and (text[end : end + 1] == "." or text[:start].rstrip().endswith(","))
