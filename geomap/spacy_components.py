"""geomap's spaCy pipeline component, so anyone can add place resolution to their pipeline.

    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("geomap_places")          # after "ner"
    doc = nlp("Ships were attacked in the Red Sea near Hodeidah.")
    [(s.text, s._.geomap_place.name) for s in doc.spans["geomap_places"]]

The component is registered with ``@Language.factory`` and exposed through the
``spacy_factories`` entry point, so spaCy finds it once geomap is installed.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from geomap.gazetteer import Gazetteer
from geomap.nlp import MentionFinder, RawMention
from geomap.resolve import resolve

SPANS_KEY = "geomap_places"

for _name, _default in (("geomap_place", None), ("geomap_confidence", 0.0), ("geomap_alternatives", ())):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)


class PlaceResolver:
    """Finds place mentions and resolves each to one gazetteer entry, with the whole doc as context.

    Results go to ``doc.spans["geomap_places"]``; each span's label is how it
    was found (GPE, LOC, FAC from the model; GAZ, DATELINE, EMBEDDED, DEMONYM
    from geomap) and ``span._.geomap_place`` is the chosen place or ``None``.
    """

    def __init__(self, nlp: Language, name: str, index_path: str = "") -> None:
        self.nlp = nlp
        self.name = name
        self.index_path = index_path
        self._gazetteer: Gazetteer | None = None
        self._finder: MentionFinder | None = None

    def use(self, gazetteer: Gazetteer) -> None:
        """Share an already opened gazetteer instead of opening one on first use."""
        self._gazetteer = gazetteer
        self._finder = MentionFinder(self.nlp, gazetteer)

    def _ready(self) -> MentionFinder:
        if self._finder is None:
            self.use(Gazetteer(self.index_path or None))
        assert self._finder is not None
        return self._finder

    def __call__(self, doc: Doc) -> Doc:
        finder = self._ready()
        raw: list[RawMention] = finder(doc)
        resolutions = resolve(raw, finder.gazetteer, doc.text)
        spans = []
        for mention, res in zip(raw, resolutions, strict=True):
            span = doc.char_span(mention.start, mention.end, label=mention.label, alignment_mode="strict")
            if span is None:  # offsets always come from tokens, but never trust that silently
                continue
            span._.geomap_place = res.place
            span._.geomap_confidence = res.confidence
            span._.geomap_alternatives = res.alternatives
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc


@Language.factory("geomap_places", default_config={"index_path": ""}, requires=["doc.ents", "doc.sents"])
def make_place_resolver(nlp: Language, name: str, index_path: str) -> PlaceResolver:
    """spaCy factory of :class:`PlaceResolver`; ``index_path`` empty means the default index."""
    return PlaceResolver(nlp, name, index_path)
