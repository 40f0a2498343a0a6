"""The gazetteer's feature names found in text, and the file that spares a new process splitting them."""

import json

import pytest

from geomap.mentions.features import FeatureMatcher, feature_tokens, tokens_path

SENTENCES = [
    "Tankers avoided the Bab el-Mandeb and sailed around the Cape of Good Hope.",
    "A drone fell into the Red Sea, far from the Strait of Hormuz and the Gulf of Aden.",
    "They ate turkey by the gulf of their differences near the red sea.",
    "Convoys crossed the Sinai Peninsula and the Sahara Desert towards the Nile River.",
]


def test_names_are_found_as_spacys_phrase_matcher_finds_them(geoparser, tmp_path):
    """The same token spans, overlapping ones too, as ``PhraseMatcher(attr="LOWER")`` over the same names."""
    from spacy.matcher import PhraseMatcher

    nlp, gazetteer = geoparser.nlp, geoparser.gazetteer
    names = set()
    for name, alternates in gazetteer.feature_names():
        names.add(name)
        names.update(a for a in alternates if a)
    reference = PhraseMatcher(nlp.vocab, attr="LOWER")
    reference.add("PLACE", [doc for doc in nlp.tokenizer.pipe(sorted(names)) if len(doc)])
    matcher = FeatureMatcher(nlp, gazetteer, tmp_path)
    found = 0
    for text in SENTENCES:
        doc = nlp.make_doc(text)
        expected = sorted((start, end) for _, start, end in reference(doc))
        assert matcher.matches(doc) == expected, text
        found += len(expected)
    assert found >= 8
    first = nlp.make_doc(SENTENCES[0])
    words = [first[start:end].text for start, end in matcher.matches(first)]
    assert "Bab el-Mandeb" in words and "Cape of Good Hope" in words


def test_a_later_matcher_reads_the_split_names_from_the_file(geoparser, tmp_path):
    nlp, gazetteer = geoparser.nlp, geoparser.gazetteer
    FeatureMatcher(nlp, gazetteer, tmp_path)
    path = tokens_path(nlp, gazetteer, tmp_path)
    tokens = json.loads(path.read_text(encoding="utf-8"))
    assert ["bab", "el", "-", "mandeb"] in tokens and not list(tmp_path.glob("*.tmp"))
    # a name only the file holds is found: the file is what a later matcher reads
    path.write_text(json.dumps([*tokens, ["zarqavi", "sound"]]), encoding="utf-8")
    doc = nlp.make_doc("Boats gathered in the Zarqavi Sound at dawn.")
    spans = FeatureMatcher(nlp, gazetteer, tmp_path)(doc)
    assert [doc.text[a:b] for a, b in spans] == ["Zarqavi Sound"]


@pytest.mark.parametrize("damage", ["{", "[]", '[["red", 3]]', '{"red": "sea"}', "\x00\x01"])
def test_a_damaged_file_is_made_again(geoparser, tmp_path, damage):
    nlp, gazetteer = geoparser.nlp, geoparser.gazetteer
    path = tokens_path(nlp, gazetteer, tmp_path)
    path.write_text(damage, encoding="utf-8")
    doc = nlp.make_doc("A ship burned in the Red Sea.")
    spans = FeatureMatcher(nlp, gazetteer, tmp_path)(doc)
    assert [doc.text[a:b] for a, b in spans] == ["Red Sea"]
    assert ["red", "sea"] in json.loads(path.read_text(encoding="utf-8"))


def test_an_unwritable_folder_costs_only_time(geoparser, tmp_path):
    nlp, gazetteer = geoparser.nlp, geoparser.gazetteer
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    tokens = feature_tokens(nlp, gazetteer, blocked / "cache")
    assert ["cape", "of", "good", "hope"] in tokens
    doc = nlp.make_doc("Tankers sailed around the Cape of Good Hope.")
    spans = FeatureMatcher(nlp, gazetteer, blocked / "cache")(doc)
    assert [doc.text[a:b] for a, b in spans] == ["Cape of Good Hope"]


def test_the_file_is_keyed_on_the_gazetteers_sources(geoparser, tmp_path, monkeypatch):
    nlp, gazetteer = geoparser.nlp, geoparser.gazetteer
    before = tokens_path(nlp, gazetteer, tmp_path)
    monkeypatch.setattr(type(gazetteer), "fingerprint", lambda self: "other sources")
    assert tokens_path(nlp, gazetteer, tmp_path) != before
