"""geomap's trimmed spaCy pipeline gives the full model's tags and trees where geomap reads them."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from geomap.incidents.lexicon import event_words
from geomap.incidents.triggers import trigger_kind
from geomap.nlp.docs import sentences
from geomap.nlp.pipeline import MODEL, UNPARSED_DEP, ArrayRules, _dep_rules

# Sentences written for these tests: each holds a word that can report an incident.
EVENT_SENTENCES = [
    "Houthi forces attacked a cargo ship in the Red Sea on Tuesday, the navy said.",
    "Three people were killed when an airstrike hit a house in Rafah in southern Gaza.",
    "Thousands of families fled Khan Younis last month as the fighting moved south.",
    "Militants kidnapped two aid workers near the border town of Kassala.",
    "Officials said a car bomb exploded outside a market, wounding at least 14 people.",
    "The two leaders met at an undisclosed location to discuss a ceasefire.",
]
# ...and these hold none.
QUIET_SENTENCES = [
    "The weather in Aden was mild for the time of year.",
    "She has lived in Lisbon since she was a child.",
    "What that means for the port is not yet clear.",
]


@pytest.fixture(scope="module")
def full_model():
    return spacy.load(MODEL, exclude=["lemmatizer"])


def test_every_trigger_the_full_parse_finds_is_an_event_word(full_model):
    # The pipeline parses only sentences holding an event word: a trigger outside the list would be lost.
    words = event_words()
    found = [tok for doc in full_model.pipe(EVENT_SENTENCES) for tok in doc if trigger_kind(tok)]
    assert len(found) >= len(EVENT_SENTENCES)
    assert all(tok.lower_ in words for tok in found)


def test_event_sentences_get_the_full_models_tree_and_tags(geoparser, full_model):
    text = " ".join(QUIET_SENTENCES[:1] + EVENT_SENTENCES + QUIET_SENTENCES[1:])
    ours, theirs = geoparser.nlp(text), full_model(text)
    assert [t.text for t in ours] == [t.text for t in theirs]
    checked = 0
    for sent in sentences(ours):
        if event_words().isdisjoint(t.lower_ for t in sent):
            continue
        for tok in sent:
            other = theirs[tok.i]
            assert (tok.head.i, tok.dep_, tok.pos_, tok.tag_) == (
                other.head.i,
                other.dep_,
                other.pos_,
                other.tag_,
            ), tok.text
            checked += 1
    assert checked > 60


def test_quiet_sentences_keep_their_boundaries_and_say_they_were_not_parsed(geoparser):
    text = " ".join(QUIET_SENTENCES + EVENT_SENTENCES[:1])
    doc = geoparser.nlp(text)
    sents = sentences(doc)
    assert [s.text for s in sents] == [s.text for s in doc.sents]
    assert [s.text.strip() for s in sents] == QUIET_SENTENCES + EVENT_SENTENCES[:1]
    for sent in sents[:3]:
        assert sent.root.i == sent.start and sent.root.dep_ == "ROOT"
        assert {t.dep_ for t in sent[1:]} == {UNPARSED_DEP}
    assert "nsubj" in {t.dep_ for t in sents[3]}


def test_a_sentence_whose_event_words_are_a_date_or_a_name_is_not_parsed(geoparser, full_model):
    # "march" and "shell" are event words, but here a month and a company: no parse makes them
    # report an incident, so the sentences are not parsed at all
    quiet = [
        "The new school year will start in March, the ministry said.",
        "Shell reported higher profits on Thursday.",
    ]
    assert not [tok for doc in full_model.pipe(quiet) for tok in doc if trigger_kind(tok)]
    doc = geoparser.nlp(" ".join([*quiet, EVENT_SENTENCES[0]]))
    sents = sentences(doc)
    assert len(sents) == 3
    for sent in sents[:2]:
        assert {t.dep_ for t in sent[1:]} == {UNPARSED_DEP}, sent.text
    assert "nsubj" in {t.dep_ for t in sents[2]}


def test_part_of_speech_matches_the_attribute_ruler_on_nouns_and_names(geoparser, full_model):
    # Mention finding reads PROPN and NOUN in every sentence, parsed or not.
    text = " ".join(QUIET_SENTENCES + EVENT_SENTENCES)
    ours, theirs = geoparser.nlp(text), full_model(text)
    for a, b in zip(ours, theirs, strict=True):
        if "PROPN" in (a.pos_, b.pos_) or "NOUN" in (a.pos_, b.pos_):
            assert a.pos_ == b.pos_, a.text


@pytest.mark.parametrize("text", ["", " ", "\n\n", "Killed.", "attack " * 300])
def test_odd_texts_parse_without_error(geoparser, text):
    doc = geoparser.nlp(text)
    assert sum(len(s) for s in sentences(doc)) == len(doc)


def test_no_sentence_starts_inside_a_short_bracket(geoparser):
    text = (
        "Gunmen opened fire at 7 a.m. (0400 GMT) on a bus in the town of Umbra. "
        "(Reporting by the desk.) Police came."
    )
    parsed = geoparser.parse(text)
    (attack,) = [i for i in parsed.incidents if i.trigger == "opened"]
    assert attack.sentence.endswith("in the town of Umbra.") and attack.location_name == "Umbra"
    starts = [s.text for s in sentences(geoparser.nlp(text))]
    assert starts[1:] == ["(Reporting by the desk.)", "Police came."]


def test_a_blank_line_ends_a_sentence_and_keeps_each_paragraphs_toll_to_its_event(geoparser):
    text = (
        "No one was hurt in the blast, the police said.\n\n"
        "Shelling in Omdurman killed at least 12 people on Sunday, a medical group said."
    )
    starts = [s.text.strip() for s in sentences(geoparser.nlp(text))]
    assert starts == [
        "No one was hurt in the blast, the police said.",
        "Shelling in Omdurman killed at least 12 people on Sunday, a medical group said.",
    ]
    parsed = geoparser.parse(text)
    (shelling,) = [i for i in parsed.incidents if i.location_name == "Omdurman"]
    assert shelling.fatalities == 12
    assert all(i.fatalities is None for i in parsed.incidents if i is not shelling)


def test_a_single_line_break_leaves_the_sentence_whole(geoparser):
    text = "Shelling in the north of Omdurman\nkilled at least 12 people on Sunday."
    assert len(list(sentences(geoparser.nlp(text)))) == 1


# Written to meet each of the parse-reading part-of-speech rules: an expletive "there", "did" as
# a main verb, auxiliaries, a subordinating "because", a pronoun "that", a "but" that is an adverb.
RULE_SENTENCES = [
    "There were clashes near the port, but the town did its best to stay calm.",
    "Rebels have shelled the airport because the talks that the envoy had sought collapsed.",
    "It was all but over when the convoy, which had been delayed, reached the city.",
]


def test_array_rules_set_the_part_of_speech_the_attribute_ruler_sets(full_model):
    ruler = _dep_rules(full_model, "attribute_ruler")
    rules = ArrayRules.compile(ruler.patterns)
    assert rules is not None
    with full_model.select_pipes(disable=["attribute_ruler"]):
        docs = list(full_model.pipe(RULE_SENTENCES))
    by_ruler = [ruler(Doc(doc.vocab).from_bytes(doc.to_bytes())) for doc in docs]
    before = [[t.pos_ for t in doc] for doc in docs]
    rules(docs)
    assert [[t.pos_ for t in doc] for doc in docs] == [[t.pos_ for t in doc] for doc in by_ruler]
    assert [[t.pos_ for t in doc] for doc in docs] != before


def test_array_rules_leave_rules_beyond_token_tests_to_the_ruler():
    assert ArrayRules.compile([{"patterns": [[{"POS": "NOUN"}]], "attrs": {"POS": "PROPN"}}]) is None
    assert ArrayRules.compile([{"patterns": [[{"DEP": "nsubj", "OP": "+"}]], "attrs": {"POS": "X"}}]) is None
    assert ArrayRules.compile([{"patterns": [[{"DEP": "nsubj"}]], "attrs": {"TAG": "NN"}}]) is None
