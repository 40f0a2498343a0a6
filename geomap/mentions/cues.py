"""Names the words before or after them make places: "in X", "shelled X", "the X hospital", "the X Valley".

The model often calls such a name a person, an organisation or nothing, and a village
may be missing from the gazetteer; the cue word still says it is a place (label
``PATTERN``). Mentions are found before any dependency parse, so these read the words in order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geomap.mentions.checks import NameChecks
from geomap.mentions.names import (
    NEVER_PLACES,
    ORG_WORDS,
    FoundName,
    listed_names,
    name_at,
    name_follows,
    name_run,
    string_ids,
    whole_words,
)
from geomap.nlp.docs import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

#: Prepositions that put what follows them somewhere: "in Xoqarbel", "near Umbrazi".
_LOCATIVE_PREPS = frozenset("in near at outside inside around throughout across into within".split())
#: Prepositions only a place follows, so that even a name the model calls an organisation
#: is one: "outside Kafr Umbra", "near Xoqarbel" (but "in Congress", "at Google").
_SPATIAL_PREPS = frozenset("near outside inside around".split())
#: Nouns of the parts of a place, whose "of" introduces the place: "the outskirts of X", "west of X",
#: "off the coast of X".
_PLACE_PART_NOUNS = frozenset(
    """
outskirts perimeter edge edges centre center heart vicinity suburbs streets entrance gates north south
east west northeast northwest southeast southwest north-east north-west south-east south-west
coast coasts coastline shore shores port harbour harbor
""".split()
)
#: Nouns of operations aimed at a place: "the siege of X", "the attack on X".
_AIMED_NOUNS = frozenset(
    """
siege capture recapture fall liberation bombardment shelling encirclement attack attacks assault
offensive raid raids push advance march strike strikes airstrikes
""".split()
)
#: Lower-case nouns of sites a name can stand before: "the al-Qaryah school", "Kissufim crossing".
_SITE_NOUNS = frozenset(
    "school hospital mosque church market crossing checkpoint road street highway bridge airport "
    "airbase airfield aerodrome prison stadium square".split()
)
#: Of those, the sites an organisation's name before them still places: "the Hamas checkpoint"
#: is Hamas's, "the Erez crossing" is at Erez.
_ROUTE_NOUNS = frozenset("crossing road street highway bridge square".split())
#: Capitalised last words that make a name a landform, whatever the model called it.
_LANDFORM_HEADS = frozenset(
    "valley river mountains mountain hills lake island islands desert plain plateau gorge pass "
    "canyon bay peninsula".split()
)
#: Prepositions that can introduce a place: the tokens worth a look when a capitalised word follows.
_PLACE_PREPS = _LOCATIVE_PREPS | {"of", "on", "against"}
#: Words that make a capitalised name a date: months, weekdays, holidays, seasons.
_CALENDAR_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday mon tue tues wed thu thurs fri sat sun christmas easter ramadan eid hanukkah "
    "diwali passover thanksgiving new year year years day days week weeks month months spring "
    "summer autumn fall winter today tonight yesterday tomorrow morning afternoon evening night "
    "noon midnight".split()
)
#: Verbs whose object is a place more often than not: "shelled Umbrazi", "captured Tel Umbra".
_SIEGE_VERB_FORMS = frozenset(
    "bombed shelled bombarded captured recaptured seized overran overrun stormed besieged encircled "
    "liberated retook retaken invaded occupied raided".split()
)


class AfterPreposition:
    """The finder of names after a locative preposition ("in", "near", "the outskirts of")."""

    def __init__(self, checks: NameChecks) -> None:
        self.checks = checks
        self._prep_ids = string_ids(_PLACE_PREPS)

    def __call__(self, doc: Doc) -> list[FoundName]:
        """Proper names a locative preposition introduces, known to the gazetteer or not.

        "a farm in Xoqarbel", "the outskirts of Umbrazi": the model often calls such a
        name a person or a product, or nothing at all, and a village may be missing from
        the gazetteer; the preposition still says it is a place. Organisations ("in
        Congress") are left to the model's judgement, and a name only a person could
        carry after "of" ("the capture of Saddam") is no place. Mentions are found
        before any dependency parse, so this reads the words in order.
        """
        out: list[FoundName] = []
        text = doc_text(doc)
        preps = (t for t in whole_words(doc, self._prep_ids) if name_follows(text, t.idx + len(t.text)))
        for prep in preps:
            if prep.pos_ != "ADP" and prep.lower_ not in _LOCATIVE_PREPS:
                continue
            word = prep.lower_
            owner = doc[prep.i - 1].lower_ if prep.i > 0 else ""
            spatial = word in _SPATIAL_PREPS or (word == "of" and owner in _PLACE_PART_NOUNS)
            aimed = word in ("of", "on", "against") and owner in _AIMED_NOUNS
            if not (spatial or aimed or word in _LOCATIVE_PREPS):
                continue
            for span in listed_names(doc, prep.i + 1):
                labels = {t.ent_type_ for t in span}
                if labels & {"DATE", "TIME"} and not _dated(span):
                    labels -= {"DATE", "TIME"}  # "in Manbij" is no date, whatever the model says
                if labels & NEVER_PLACES or (not spatial and "ORG" in labels):
                    continue  # "in January", "in Congress", "the attack on Google"
                if aimed and "PERSON" in labels:
                    continue  # "the capture of Saddam"
                if span.end < len(doc) and doc[span.end].tag_ == "POS" and labels & {"PERSON", "ORG"}:
                    continue  # "in Obama's speech"
                if "NORP" in labels and self.checks.gazetteer.demonym(span.text) is not None:
                    continue  # "in Arabic", "among Kurds"
                out.append((span.start_char, span.end_char, "PATTERN"))
        return out


class AfterSiegeVerb:
    """The finder of unknown names after a verb that takes a place ("shelled", "captured")."""

    def __init__(self, checks: NameChecks) -> None:
        self.checks = checks
        self._siege_ids = string_ids(_SIEGE_VERB_FORMS)

    def __call__(self, doc: Doc) -> list[FoundName]:
        """Unknown names right after a verb that takes a place: "shelled Umbrazi", "captured Tel Umbra".

        Only a verb in the past tense counts ("bombed", not "bombs"). The model often
        calls such a village an organisation; a name it calls a person or nationality,
        or one with a company word, is left alone ("captured Saddam", "raided Acme Corp").
        """
        out: list[FoundName] = []
        text = doc_text(doc)
        for verb in whole_words(doc, self._siege_ids):
            if verb.tag_ not in ("VBD", "VBN") or not name_follows(text, verb.idx + len(verb.text)):
                continue
            span = name_at(doc, verb.i + 1)
            if span is None or self.checks.gazetteer.search(span.text, limit=1):
                continue  # a known name is found by the gazetteer
            labels = {t.ent_type_ for t in span} - {""}
            if labels - {"ORG"} or {t.lower_ for t in span} & ORG_WORDS:
                continue  # "captured Saddam", "raided Acme Corp"
            out.append((span.start_char, span.end_char, "PATTERN"))
        return out


class SiteNames:
    """The finder of names before a site noun ("the X hospital") or closing with a landform ("X Valley")."""

    def __init__(self, checks: NameChecks) -> None:
        self.checks = checks
        self._site_ids = string_ids(_SITE_NOUNS | _LANDFORM_HEADS)

    def __call__(self, doc: Doc) -> list[FoundName]:
        """Names of sites and landforms: "Al-Qaryah" in "the Al-Qaryah hospital", "the Umbra Valley".

        The model calls both organisations; the lower-case site noun after a name, or a
        landform word closing it, says the name is somewhere on the map.
        """
        out: list[FoundName] = []
        for tok in whole_words(doc, self._site_ids):
            if tok.lower_ in _SITE_NOUNS and tok.text.islower() and tok.i > 0:
                name = doc[tok.i - 1]
                if name.pos_ != "PROPN":
                    continue
                span = name_run(doc, name)
                if span is None or any(t.ent_type_ in NEVER_PLACES | {"PERSON", "NORP"} for t in span):
                    continue
                owned = tok.lower_ not in _ROUTE_NOUNS and any(t.ent_type_ == "ORG" for t in span)
                if owned and self.checks.gazetteer.search(span.text, limit=1):
                    # A known name the model still calls a group is that group ("a Hamas
                    # hospital"); an unknown one before "school" is an unknown village's.
                    continue
                out.append((span.start_char, span.end_char, "PATTERN"))
            elif (
                tok.lower_ in _LANDFORM_HEADS | _SITE_NOUNS
                and tok.text[:1].isupper()
                and tok.ent_type_ in ("", "ORG")
            ):
                span = name_run(doc, tok)
                if span is None or len(span) < 2 or any(t.ent_type_ not in ("", "ORG") for t in span):
                    continue
                if tok.lower_ in _SITE_NOUNS and any(
                    self.checks.gazetteer.search(span[:k].text, limit=1) for k in range(1, min(4, len(span)))
                ):
                    continue  # "Woodstock General Hospital" is in Woodstock: the town is the mention
                out.append((span.start_char, span.end_char, "PATTERN"))  # "the Adiyat School"
        return out


def _dated(span: Span) -> bool:
    """Whether a span the model calls a date holds a number or a calendar word."""
    return any(t.like_num or t.lower_.rstrip(".") in _CALENDAR_WORDS for t in span)
