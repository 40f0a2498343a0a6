"""Finding place mentions: spaCy's NER, corrected and completed with the gazetteer.

The small model misses or mislabels much of what news names: multi-word
features ("Bab el-Mandeb", "Cape of Good Hope"), well-known places it calls
organisations ("Mauritius"), datelines in capitals, places introduced by a
place word ("the town of Bakwa"). :class:`MentionFinder` runs one finder for
each of those (the ``geomap.mention_*`` modules), and drops look-alikes: place
words inside a person's or group's name ("Israel Katz", "Popular Front for the
Liberation of Palestine").
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geomap.mentions.chains import UnitChains
from geomap.mentions.checks import NameChecks
from geomap.mentions.cues import AfterPreposition, AfterSiegeVerb, SiteNames
from geomap.mentions.datelines import datelines
from geomap.mentions.embedded import EmbeddedPlaces
from geomap.mentions.entities import Demonyms, MislabelledPlaces, ModelPlaces
from geomap.mentions.features import FeatureMatcher
from geomap.mentions.filters import choose, drop_lookalikes, propagate
from geomap.mentions.place_words import PlaceWordNames, placed_names
from geomap.mentions.untagged import UntaggedNames
from geomap.nlp.docs import doc_text, sentences
from geomap.resolution.gazetteer import Gazetteer

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

LOOKALIKE_LABELS = frozenset({"PERSON", "ORG", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"})


@dataclass(frozen=True, slots=True)
class RawMention:
    """A span of text that names a place, before resolution."""

    start: int
    end: int
    text: str
    label: str
    sentence: int


class MentionFinder:
    """Finds the place mentions of a parsed ``Doc``.

    Sources, in order of trust: the model's GPE/LOC/FAC entities; gazetteer
    feature names it missed; entities it called a person or organisation whose
    whole text is a well-known place ("Mauritius", "Tamil Nadu", "DPRK");
    all-capitals datelines; names the words around them make places, known to the
    gazetteer or not (label ``PATTERN``: "the town of X", "in X", "X, 60 km north of
    Y", "the X hospital", "the X Valley", "shelled X", each level of "X (Y, Z)");
    demonyms ("Yemeni", label ``DEMONYM``), which are evidence of a country but not a place of their own. A
    name taken as a place once is a place wherever else it recurs in the article.
    Generic words alone ("the Centre") and stray acronyms ("MoD") are no places.
    """

    def __init__(self, nlp: Language, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.checks = NameChecks(gazetteer)
        self.features = FeatureMatcher(nlp, gazetteer)
        self.model_places = ModelPlaces(self.checks)
        self.embedded = EmbeddedPlaces(self.checks)
        self.demonyms = Demonyms(self.checks)
        self.mislabelled = MislabelledPlaces(self.checks)
        self.place_words = PlaceWordNames(gazetteer)
        self.after_preposition = AfterPreposition(self.checks)
        self.after_siege_verb = AfterSiegeVerb(self.checks)
        self.sites = SiteNames(self.checks)
        self.untagged = UntaggedNames(self.checks)
        self.chains = UnitChains(gazetteer)

    def __call__(self, doc: Doc) -> list[RawMention]:
        text = doc_text(doc)
        ents = doc.ents  # built anew at each read
        lookalikes = [(e.start_char, e.end_char) for e in ents if e.label_ in LOOKALIKE_LABELS]
        person_tokens = {tok.text.lower() for e in ents if e.label_ == "PERSON" and len(e) > 1 for tok in e}
        found = self.model_places(text, ents)
        found += [(s, e, "GAZ") for s, e in self.features(doc)]
        found += self.embedded(ents)
        found += self.demonyms(ents)
        found += self.mislabelled(text, ents, person_tokens)
        found += self.place_words(doc)
        found += self.after_preposition(doc)
        found += self.after_siege_verb(doc)
        found += placed_names(doc)
        found += self.sites(doc)
        found += self.untagged(doc)
        found += datelines(text, self.checks)
        people = [(e.start_char, e.end_char) for e in ents if e.label_ == "PERSON" and len(e) > 1]
        found += self.chains(text, lookalikes, people)
        found = drop_lookalikes(text, found, person_tokens, self.checks)
        chosen = propagate(doc, choose(found, lookalikes), lookalikes, person_tokens, self.checks)
        return [_mention(doc, s, e, label) for s, e, label in sorted(chosen)]


def _mention(doc: Doc, start: int, end: int, label: str) -> RawMention:
    span = doc.char_span(start, end, alignment_mode="expand")
    # The sentence holding the name's first token (Span.sent would scan the whole doc for each name).
    index = _sentence_index(doc, span.start if span is not None else 0)
    surface = doc_text(doc)[start:end]
    # The model's entities often include a leading "the": the name starts after it.
    if surface.lower().startswith("the ") and len(surface) > 4:
        start, surface = start + 4, surface[4:]
    return RawMention(start, end, surface, label, index)


def _sentence_index(doc: Doc, token_start: int) -> int:
    starts = doc.user_data.get("geomap_sentence_starts")
    if starts is None:
        starts = [s.start for s in sentences(doc)]
        doc.user_data["geomap_sentence_starts"] = starts
    return max(bisect.bisect_right(starts, token_start) - 1, 0)
