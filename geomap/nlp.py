"""Finding place mentions: spaCy's NER, corrected and completed with the gazetteer.

The small model misses or mislabels much of what news names: multi-word
features ("Bab el-Mandeb", "Cape of Good Hope"), well-known places it calls
organisations ("Mauritius"), datelines in capitals, places introduced by a
place word ("the town of Bakwa"). :class:`MentionFinder` adds those, and drops
look-alikes: place words inside a person's or group's name ("Israel Katz",
"Popular Front for the Liberation of Palestine").
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, cast

from spacy.attrs import ENT_TYPE, IDX, LOWER, POS
from spacy.symbols import NOUN, PROPN

from geomap.docs import doc_text, sentences
from geomap.gazetteer import Gazetteer
from geomap.normalize import normalize_name

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc, Span, Token

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
LOOKALIKE_LABELS = frozenset({"PERSON", "ORG", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"})


@dataclass(frozen=True, slots=True)
class RawMention:
    """A span of text that names a place, before resolution."""

    start: int
    end: int
    text: str
    label: str
    sentence: int


class FeatureMatcher:
    """Phrase matcher over the gazetteer's names of features that are not towns."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer) -> None:
        from spacy.matcher import PhraseMatcher

        names: set[str] = set()
        for name, alternates in gazetteer.feature_names():
            names.add(name)
            names.update(a for a in alternates if a)
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        patterns = [doc for doc in cast("Tokenizer", nlp.tokenizer).pipe(sorted(names)) if len(doc) > 0]
        self.matcher.add("PLACE", patterns)

    def __call__(self, doc: Doc) -> list[tuple[int, int]]:
        spans = []
        for _, start, end in self.matcher(doc):
            span = doc[start:end]
            # Names are capitalised in running text; "gulf" or "turkey" in lower case are words.
            if span.text[:1].isupper():
                spans.append((span.start_char, span.end_char))
        return spans


#: An all-capitals dateline opening a story or paragraph: "SANAA, Yemen -", "SAN DIEGO (AP) -".
_DATELINE = re.compile(r"(?m)^[ \t]*([A-Z][A-Z.'\- ]{1,40}[A-Z.])(?=\s*(?:,|\(|—|–|-\s))")

#: Words that mark an organisation even when its name is a place name alone.
_ORG_WORDS = frozenset(
    """
university college school hospital party council ministry department agency company corp inc ltd
bank club fc united times post herald journal tribune news network airlines airways group
""".split()
)

#: Heads of organisation names that are bodies *of* a place ("Dublin City Council",
#: "Texas Department of Criminal Justice"): their leading place name is a place. Media,
#: teams and armed groups ("The Washington Post", "Texas Rangers") are not on this list.
_CIVIC_HEADS = frozenset(
    """
council councils department board commission committee police sheriff authority assembly
legislature parliament government court county district school schools university college
hospital museum center centre library airport port zoo park society chamber service services
office agency administration bureau city township village municipality fire mayor
""".split()
)

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
#: Hyphenated compounds the tokenizer splits: "Mazar-e-Sharif", "Waku-Congo", "Khan-Yunis".
_HYPHENATED = re.compile(r"\b[A-Z][\w'’]+(?:-[a-z]{1,3})?(?:-[A-Z][\w'’]+)+\b")
_NOT_A_NAME = frozenset(
    "the a an this that these those its his her their our my your each every one some any all "
    "no another which what whose".split()
)

#: Prepositions that put what follows them somewhere: "in Xoqarbel", "near Umbrazi".
_LOCATIVE_PREPS = frozenset("in near at outside inside around throughout across into within".split())
#: Prepositions only a place follows, so that even a name the model calls an organisation
#: is one: "outside Kafr Umbra", "near Xoqarbel" (but "in Congress", "at Google").
_SPATIAL_PREPS = frozenset("near outside inside around".split())
#: Nouns of the parts of a place, whose "of" introduces the place: "the outskirts of X", "west of X".
_PLACE_PART_NOUNS = frozenset(
    """
outskirts perimeter edge edges centre center heart vicinity suburbs streets entrance gates north south
east west northeast northwest southeast southwest north-east north-west south-east south-west
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
    "airbase prison stadium square".split()
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
#: Lower-case Arabic articles a name may start with: "near al-Bayaa".
_NAME_PREFIXES = ("al-", "el-", "ad-", "ar-", "as-", "an-", "at-", "az-")
#: Entity labels that never name a place, whatever the preposition before them.
_NEVER_PLACES = frozenset(
    {"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY", "LANGUAGE", "LAW", "EVENT",
     "WORK_OF_ART"}
)  # fmt: skip
#: Words that make a capitalised name a date: months, weekdays, holidays, seasons.
_CALENDAR_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday mon tue tues wed thu thurs fri sat sun christmas easter ramadan eid hanukkah "
    "diwali passover thanksgiving new year year years day days week weeks month months spring "
    "summer autumn fall winter today tonight yesterday tomorrow morning afternoon evening night "
    "noon midnight".split()
)
#: A lower-case Arabic article inside a name: "Tal al-Abyad", "Kafr al Hamra".
_NAME_PARTICLES = frozenset("al el ad ar as an at az bin ibn abu".split())

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


class MentionFinder:
    """Finds the place mentions of a parsed ``Doc``.

    Sources, in order of trust: the model's GPE/LOC/FAC entities; gazetteer
    feature names it missed; entities it called a person or organisation whose
    whole text is a well-known place ("Mauritius", "Tamil Nadu", "DPRK");
    all-capitals datelines; names the words around them make places, known to the
    gazetteer or not (label ``PATTERN``: "the town of X", "in X", "X, 60 km north of
    Y", "the X hospital", "the X Valley", "shelled X"); demonyms ("Yemeni", label
    ``DEMONYM``), which are evidence of a country but not a place of their own. A
    name taken as a place once is a place wherever else it recurs in the article.
    Generic words alone ("the Centre") and stray acronyms ("MoD") are no places.
    """

    def __init__(self, nlp: Language, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.features = FeatureMatcher(nlp, gazetteer)
        self._prep_ids = _string_ids(_PLACE_PREPS)
        self._site_ids = _string_ids(_SITE_NOUNS | _LANDFORM_HEADS)
        self._siege_ids = _string_ids(_SIEGE_VERB_FORMS)

    def _strong(self, text: str, threshold: float = STRONG_NAME_SCORE) -> bool:
        best = self.gazetteer.search(text, limit=1)
        return bool(best) and best[0].score >= threshold

    def _could_be_named(self, name: str) -> bool:
        """False for a word alone that only a region far away bears ("Centre", "West"), and for
        a mixed-case acronym that is no place's own name ("MoD" for Maud)."""
        key = normalize_name(name)
        if key in _GENERIC_WORDS:
            return False
        acronym = 2 <= len(name) <= 5 and sum(c.isupper() for c in name) >= 2
        if acronym and "." not in name and not name.isupper():
            best = self.gazetteer.search(name, limit=1)
            return not best or normalize_name(best[0].place.name) == key
        return True

    def _named_here(self, text: str, start: int, end: int) -> bool:
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
        own, name = (_ARTICLE_PREFIX.sub("", normalize_name(n)) for n in (place.name, text[start:end]))
        # "Raqqa" for Ar Raqqah, "Hama" for Ḩamāh: the same name in another spelling
        return own == name or (len(name) >= 4 and SequenceMatcher(None, own, name).ratio() >= SPELLING_RATIO)

    def _untagged_names(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Well-known places the model left untagged: capitalised noun runs outside any entity."""
        text = doc_text(doc)
        out = []
        # Read from arrays: this looks at every token, and a Token object costs more than the test.
        rows = doc.to_array([POS, ENT_TYPE, IDX]).tolist()
        # The small tagger calls a sentence-opening "Rafah" a common noun.
        named = [pos in (PROPN, NOUN) and not ent and text[idx].isupper() for pos, ent, idx in rows]
        first = 0
        for is_name, group in itertools.groupby(named):
            after = first + sum(1 for _ in group)
            if is_name:
                last = doc[after - 1]
                start, end = rows[first][2], last.idx + len(last.text)
                name = text[start:end]
                # A proper noun is a name already: a town of some 30,000 people will do.
                # A capitalised common noun ("Reading") must be a large place.
                proper = all(row[0] == PROPN for row in rows[first:after])
                here = self._named_here(text, start, end)
                if here and (self._strong(name) if proper else self._well_known(name)):
                    out.append((start, end, "GAZ"))
            first = after
        for match in _HYPHENATED.finditer(doc_text(doc)):
            start, end = match.span()
            span = doc.char_span(start, end)
            if span is not None and not any(t.ent_type_ for t in span) and self._strong(match.group()):
                out.append((start, end, "GAZ"))
        return out

    def _introduced(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Names a place word introduces ("the district of X", "the X district")."""
        out = []
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

    def _after_preposition(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Proper names a locative preposition introduces, known to the gazetteer or not.

        "a farm in Xoqarbel", "the outskirts of Umbrazi": the model often calls such a
        name a person or a product, or nothing at all, and a village may be missing from
        the gazetteer; the preposition still says it is a place. Organisations ("in
        Congress") are left to the model's judgement, and a name only a person could
        carry after "of" ("the capture of Saddam") is no place. Mentions are found
        before any dependency parse, so this reads the words in order.
        """
        out = []
        text = doc_text(doc)
        preps = (t for t in _whole_words(doc, self._prep_ids) if _name_follows(text, t.idx + len(t.text)))
        for prep in preps:
            if prep.pos_ != "ADP" and prep.lower_ not in _LOCATIVE_PREPS:
                continue
            word = prep.lower_
            owner = doc[prep.i - 1].lower_ if prep.i > 0 else ""
            spatial = word in _SPATIAL_PREPS or (word == "of" and owner in _PLACE_PART_NOUNS)
            aimed = word in ("of", "on", "against") and owner in _AIMED_NOUNS
            if not (spatial or aimed or word in _LOCATIVE_PREPS):
                continue
            for span in _listed_names(doc, prep.i + 1):
                labels = {t.ent_type_ for t in span}
                if labels & {"DATE", "TIME"} and not _dated(span):
                    labels -= {"DATE", "TIME"}  # "in Manbij" is no date, whatever the model says
                if labels & _NEVER_PLACES or (not spatial and "ORG" in labels):
                    continue  # "in January", "in Congress", "the attack on Google"
                if aimed and "PERSON" in labels:
                    continue  # "the capture of Saddam"
                if span.end < len(doc) and doc[span.end].tag_ == "POS" and labels & {"PERSON", "ORG"}:
                    continue  # "in Obama's speech"
                if "NORP" in labels and self.gazetteer.demonym(span.text) is not None:
                    continue  # "in Arabic", "among Kurds"
                out.append((span.start_char, span.end_char, "PATTERN"))
        return out

    def _after_siege_verb(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Unknown names right after a verb that takes a place: "shelled Umbrazi", "captured Tel Umbra".

        Only a verb in the past tense counts ("bombed", not "bombs"). The model often
        calls such a village an organisation; a name it calls a person or nationality,
        or one with a company word, is left alone ("captured Saddam", "raided Acme Corp").
        """
        out = []
        text = doc_text(doc)
        for verb in _whole_words(doc, self._siege_ids):
            if verb.tag_ not in ("VBD", "VBN") or not _name_follows(text, verb.idx + len(verb.text)):
                continue
            span = _name_at(doc, verb.i + 1)
            if span is None or self.gazetteer.search(span.text, limit=1):
                continue  # a known name is found by the gazetteer
            labels = {t.ent_type_ for t in span} - {""}
            if labels - {"ORG"} or {t.lower_ for t in span} & _ORG_WORDS:
                continue  # "captured Saddam", "raided Acme Corp"
            out.append((span.start_char, span.end_char, "PATTERN"))
        return out

    def _placed(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Names an apposition places: "Kakata, 60 km northeast of Monrovia", "X, a town in Y"."""
        out = []
        text = doc_text(doc)
        if not _PLACED_HINT.search(text):
            return []
        for match in _PLACED.finditer(text):
            last = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
            span = _name_run(doc, last[-1]) if last is not None else None
            if span is not None and span[-1].ent_type_ not in _NEVER_PLACES | {"PERSON", "NORP"}:
                out.append((span.start_char, span.end_char, "PATTERN"))
        return out

    def _sites(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Names of sites and landforms: "Al-Qaryah" in "the Al-Qaryah hospital", "the Umbra Valley".

        The model calls both organisations; the lower-case site noun after a name, or a
        landform word closing it, says the name is somewhere on the map.
        """
        out = []
        for tok in _whole_words(doc, self._site_ids):
            if tok.lower_ in _SITE_NOUNS and tok.text.islower() and tok.i > 0:
                name = doc[tok.i - 1]
                if name.pos_ != "PROPN":
                    continue
                span = _name_run(doc, name)
                if span is None or any(t.ent_type_ in _NEVER_PLACES | {"PERSON", "NORP"} for t in span):
                    continue
                owned = tok.lower_ not in _ROUTE_NOUNS and any(t.ent_type_ == "ORG" for t in span)
                if owned and self.gazetteer.search(span.text, limit=1):
                    # A known name the model still calls a group is that group ("a Hamas
                    # hospital"); an unknown one before "school" is an unknown village's.
                    continue
                out.append((span.start_char, span.end_char, "PATTERN"))
            elif (
                tok.lower_ in _LANDFORM_HEADS | _SITE_NOUNS
                and tok.text[:1].isupper()
                and tok.ent_type_ in ("", "ORG")
            ):
                span = _name_run(doc, tok)
                if span is None or len(span) < 2 or any(t.ent_type_ not in ("", "ORG") for t in span):
                    continue
                if tok.lower_ in _SITE_NOUNS and any(
                    self.gazetteer.search(span[:k].text, limit=1) for k in range(1, min(4, len(span)))
                ):
                    continue  # "Woodstock General Hospital" is in Woodstock: the town is the mention
                out.append((span.start_char, span.end_char, "PATTERN"))  # "the Adiyat School"
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
            if lower in _NOT_A_NAME or qualifier or self.gazetteer.demonym(word) is not None:
                keep += 1
                continue
            break
        if keep >= len(words):
            return start, start
        new_start = start + words[keep].start()
        return new_start, end

    def _embedded(self, ent: Span) -> list[tuple[int, int, str]]:
        """The place a civic body or an event is named for.

        "Dublin" in "Dublin City Council" and "Kentucky" in "University of Kentucky"
        (a civic head word before or after the place), "Sochi" in "Sochi Olympics"
        (an event happens where it is named for). Media, teams and armed groups
        ("The Washington Post", "Popular Front for the Liberation of Palestine")
        have no civic head word and keep their place words to themselves.
        """
        tokens = [t for t in ent if not (t.i == ent.start and t.lower_ == "the")]
        if len(tokens) < 2:
            return []
        words = [t.lower_ for t in tokens]
        civic = [w in _CIVIC_HEADS for w in words]
        if ent.label_ == "EVENT" or civic[-1]:
            found = self._place_at(ent.doc, tokens[:-1], leading=True)
            if found:
                return found
        if "of" in words:
            at = words.index("of")
            if any(civic[:at]):
                rest = tokens[at + 1 :]
                if rest and rest[0].lower_ == "the":
                    rest = rest[1:]
                return self._place_at(ent.doc, rest, leading=False)
        return []

    def _place_at(self, doc: Doc, tokens: list, *, leading: bool) -> list[tuple[int, int, str]]:
        """The longest capitalised run of ``tokens`` (from their start) that is a known place."""
        for k in range(min(3, len(tokens)), 0, -1):
            if not leading and k != len(tokens):
                continue  # after "of", the place must run to the end of the name
            head = tokens[:k]
            if not all(t.text[:1].isupper() for t in head):
                continue
            start, end = head[0].idx, head[-1].idx + len(head[-1].text)
            if self._strong(doc_text(doc)[start:end]):
                return [(start, end, "EMBEDDED")]
        return []

    def _demonym_or_place(self, text: str, found: tuple[int, int, str]) -> tuple[int, int, str]:
        """A place entity that is a demonym ("Sri Lankan") is a demonym."""
        start, end, _ = found
        return (start, end, "DEMONYM") if self._only_demonym(text[start:end]) else found

    def _only_demonym(self, name: str) -> bool:
        """Whether ``name`` is a demonym and no place's name."""
        return self.gazetteer.demonym(name) is not None and not self.gazetteer.search(name, limit=1)

    def _well_known(self, text: str) -> bool:
        """A country, region or curated feature, or a city of about 100,000 people or more."""
        best = self.gazetteer.search(text, limit=1)
        if not best:
            return False
        place = best[0].place
        return place.feature_type != "city" or best[0].score >= RECLASSIFY_SCORE

    def __call__(self, doc: Doc) -> list[RawMention]:
        text = doc_text(doc)
        ents = doc.ents  # built anew at each read
        lookalikes = [(e.start_char, e.end_char) for e in ents if e.label_ in LOOKALIKE_LABELS]
        person_tokens = {tok.text.lower() for e in ents if e.label_ == "PERSON" and len(e) > 1 for tok in e}
        found: list[tuple[int, int, str]] = [
            self._demonym_or_place(text, part)
            for e in ents
            if e.label_ in PLACE_LABELS
            for part in _entity_names(e)
        ]
        found += [(s, e, "GAZ") for s, e in self.features(doc)]
        for ent in ents:
            if ent.label_ == "EVENT":
                found += self._embedded(ent)
                continue
            if ent.label_ not in ("ORG", "PERSON", "NORP"):
                continue
            words = {t.lower_ for t in ent}
            if ent.label_ == "NORP":
                if self.gazetteer.demonym(ent.text) is not None:
                    found.append((ent.start_char, ent.end_char, "DEMONYM"))
                continue
            if ent.label_ == "PERSON" and self._only_demonym(ent.text):
                found.append((ent.start_char, ent.end_char, "DEMONYM"))  # "Sri Lankan officials"
                continue
            if ent.label_ == "ORG":
                found += self._embedded(ent)
            if words & _ORG_WORDS or (ent.label_ == "PERSON" and ent.text.lower() in person_tokens):
                continue
            named = self._named_here(text, ent.start_char, ent.end_char)
            if named and self._well_known(ent.text):
                found.append((ent.start_char, ent.end_char, "GAZ"))
        found += self._introduced(doc)
        found += self._after_preposition(doc)
        found += self._after_siege_verb(doc)
        found += self._placed(doc)
        found += self._sites(doc)
        found += self._untagged_names(doc)
        for match in _DATELINE.finditer(text):
            name = match.group(1).strip(" .-")
            start = match.start(1)
            if self._strong(name):
                found.append((start, start + len(name), "DATELINE"))

        # A town name the article also uses for a person ("Tyler", after "John Tyler") is that
        # person; a country or region name ("Egypt" in a mis-tagged "Rethinking Egypt") is not.
        found = [
            f
            for f in found
            if text[f[0] : f[1]].lower() not in person_tokens or self._well_known(text[f[0] : f[1]])
        ]
        found = [f for f in found if f[2] == "DEMONYM" or self._could_be_named(text[f[0] : f[1]])]
        chosen: list[tuple[int, int, str]] = []
        # Longest first, so "Gaza Strip" wins over "Gaza"; model entities before the rest.
        trust = {"GAZ": 1, "PATTERN": 2}
        for start, end, label in sorted(found, key=lambda c: (-(c[1] - c[0]), trust.get(c[2], 0), c[0])):
            if any(start < e and s < end for s, e, _ in chosen):
                continue
            if label == "GAZ" and any(
                s <= start and end <= e and (s, e) != (start, end) for s, e in lookalikes
            ):
                continue
            chosen.append((start, end, label))
        chosen = self._propagate(doc, chosen, lookalikes, person_tokens)
        return [self._mention(doc, s, e, label) for s, e, label in sorted(chosen)]

    def _propagate(
        self,
        doc: Doc,
        chosen: list[tuple[int, int, str]],
        lookalikes: list[tuple[int, int]],
        person_tokens: set[str],
    ) -> list[tuple[int, int, str]]:
        """Add every other occurrence of a well-known name already taken as a place."""
        names = {
            doc_text(doc)[s:e]
            for s, e, label in chosen
            if label != "DEMONYM" and e - s > 2 and doc_text(doc)[s:e].lower() not in person_tokens
        }
        names = {n for n in names if self._strong(n)}
        out = list(chosen)
        for name in names:
            for s, e in _whole_word_occurrences(doc_text(doc), name):
                if any(s < ce and cs < e for cs, ce, _ in out):
                    continue
                if any(ls <= s and e <= le and (ls, le) != (s, e) for ls, le in lookalikes):
                    continue
                if doc.char_span(s, e) is None:
                    continue
                out.append((s, e, "GAZ"))
        return out

    @staticmethod
    def _mention(doc: Doc, start: int, end: int, label: str) -> RawMention:
        span = doc.char_span(start, end, alignment_mode="expand")
        sentence = span.sent if span is not None else None
        index = _sentence_index(doc, sentence.start if sentence is not None else 0)
        surface = doc_text(doc)[start:end]
        # The model's entities often include a leading "the": the name starts after it.
        if surface.lower().startswith("the ") and len(surface) > 4:
            start, surface = start + 4, surface[4:]
        return RawMention(start, end, surface, label, index)


def _abbreviated(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is written as an abbreviation: "Barrie, Ont.", "EDMONTON, Ky", "KY 52"."""
    name = text[start:end]
    if len(name) == 2 and name.isupper():
        return True
    return len(name) <= 5 and (text[end : end + 1] == "." or text[:start].rstrip().endswith(","))


def _entity_names(ent: Span) -> list[tuple[int, int, str]]:
    """The place names of a model entity, without a possessive ending, split at commas.

    The model often takes in the "'s" ("South Korea's pollution") and runs a
    town and its county together ("Thruxton, Hampshire"): each name is a
    mention of its own.
    """
    out = []
    group: list[Token] = []
    for tok in [*ent, None]:
        if tok is not None and tok.text != ",":
            group.append(tok)
            continue
        while group and (group[-1].tag_ == "POS" or group[-1].text in ("'", "’")):
            group.pop()
        if group and any(t.text[:1].isupper() for t in group):
            out.append((group[0].idx, group[-1].idx + len(group[-1].text), ent.label_))
        group = []
    return out


def _whole_word_occurrences(text: str, name: str) -> Iterator[tuple[int, int]]:
    """Where ``name`` stands in ``text`` as whole words, left to right and not overlapping.

    What ``(?<![\\w-])name(?![\\w-])`` finds, without trying a regex at every character:
    ``str.find`` jumps from one occurrence to the next.
    """
    at = text.find(name)
    while at != -1:
        end = at + len(name)
        if (at == 0 or not _joins_word(text[at - 1])) and (end == len(text) or not _joins_word(text[end])):
            yield at, end
            at = text.find(name, end)
        else:
            at = text.find(name, at + 1)


def _joins_word(char: str) -> bool:
    """Whether a character continues a word (``\\w`` or a hyphen), so a name beside it is no whole word."""
    return _word_char(char) or char == "-"


def _string_ids(words: Iterable[str]) -> frozenset[int]:
    """The ids of ``words`` in a doc's LOWER array."""
    from spacy.strings import get_string_id

    return frozenset(get_string_id(word) for word in words)


def _whole_words(doc: Doc, ids: frozenset[int]) -> list[Token]:
    """The tokens whose lower-case form is one of ``ids`` and that stand as whole words in the text.

    Read from the LOWER array: a loop over every Token, or a case-blind regex tried at
    every character, costs more than the rest of the search.
    """
    text = doc_text(doc)
    out = []
    for i, lower in enumerate(doc.to_array(LOWER).tolist()):
        if lower not in ids:
            continue
        tok = doc[i]
        start, end = tok.idx, tok.idx + len(tok.text)
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        if not _word_char(before) and not _word_char(after):
            out.append(tok)
    return out


def _word_char(char: str) -> bool:
    """What a regex's ``\\w`` matches."""
    return char.isalnum() or char == "_"


def _name_follows(text: str, end: int) -> bool:
    """Whether white space and then a capital ("Ž" too) or an Arabic article ("al-") come at ``end``."""
    at = end
    while at < len(text) and text[at].isspace():
        at += 1
    if at == end or at == len(text):
        return False
    char = text[at]
    capital = char.isalnum() and not char.isdecimal() and not "a" <= char <= "z"
    return capital or text.startswith(_NAME_PREFIXES, at)


def _name_run(doc: Doc, tok: Token) -> Span | None:
    """The capitalised name that ends at ``tok``: "Tal al-Abyad", "Al-Dawr", not "the" or "central"."""
    start = tok.i
    while start > 0:
        prev = doc[start - 1]
        same_entity = doc[start].ent_iob_ == "I"  # "Tell Wardiyat", whatever the tagger made of "Tell"
        capital = prev.text[:1].isupper() and (prev.pos_ == "PROPN" or same_entity)
        joined = prev.text == "-" or prev.lower_ in _NAME_PARTICLES or prev.text.endswith("-")
        if not (capital or joined) or (prev.whitespace_ and prev.text == "-"):
            break
        start -= 1
    while start < tok.i and not doc[start].text[:1].isupper():
        prefix = doc[start].lower_ in _NAME_PARTICLES and doc[start + 1].text == "-"
        if prefix and not doc[start].whitespace_:
            break  # "al-Zahawi"
        start += 1  # else a name starts with a capital
    end = tok.i + 1
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end].whitespace_:
        if not doc[end + 1].text[:1].isalpha():
            break
        end += 2  # "Mazar-e-Sharif" as the tokenizer splits it
    span = doc[start:end]
    if span[0].lower_ in _NOT_A_NAME or not span[-1].text[:1].isupper():
        return None
    return span


def _name_at(doc: Doc, i: int) -> Span | None:
    """The capitalised name that starts at token ``i``, if one does."""
    if i >= len(doc) or not (doc[i].text[:1].isupper() or doc[i].lower_ in _NAME_PARTICLES):
        return None
    last = i
    while last + 1 < len(doc):
        nxt = doc[last + 1]
        if nxt.ent_iob_ == "I" or (nxt.pos_ == "PROPN" and nxt.text[:1].isupper()):
            last += 1
        elif nxt.text == "-" and not doc[last].whitespace_ and last + 2 < len(doc) and doc[last + 2].is_alpha:
            last += 2  # "Al-Dawr", "Mazar-e-Sharif"
        else:
            break
    span = _name_run(doc, doc[last])
    if span is None or span.start != i or span[-1].pos_ not in ("PROPN", "NOUN"):
        return None
    return span


def _listed_names(doc: Doc, i: int) -> list[Span]:
    """The names listed from token ``i`` on: "Xoqarbel", "X and Y", "X, Y and Z".

    A comma alone does not continue a list: in "in Umbra, Smith said" Smith is no place.
    """
    names: list[Span] = []
    closed = False
    while (span := _name_at(doc, i)) is not None:
        names.append(span)
        if closed:
            break
        i = span.end
        comma = i < len(doc) and doc[i].text == ","
        i += comma
        if i < len(doc) and doc[i].lower_ == "and":
            i, closed = i + 1, True
        elif not comma:
            break
    return names if closed else names[:1]


def _dated(span: Span) -> bool:
    """Whether a span the model calls a date holds a number or a calendar word."""
    return any(t.like_num or t.lower_.rstrip(".") in _CALENDAR_WORDS for t in span)


def _sentence_index(doc: Doc, token_start: int) -> int:
    starts = doc.user_data.get("geomap_sentence_starts")
    if starts is None:
        starts = [s.start for s in sentences(doc)]
        doc.user_data["geomap_sentence_starts"] = starts
    return max(bisect.bisect_right(starts, token_start) - 1, 0)
