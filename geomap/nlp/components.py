"""geomap's spaCy pipeline component, so anyone can add place resolution to their pipeline.

    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("geomap_places")          # after "ner"
    doc = nlp("Ships were attacked in the Red Sea near Hodeidah.")
    [(s.text, s._.geomap_place.name) for s in doc.spans["geomap_places"]]

The component is registered with ``@Language.factory`` and exposed through the
``spacy_factories`` entry point, so spaCy finds it once geomap is installed.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from geomap.mentions.finder import MentionFinder, RawMention
from geomap.nlp.docs import doc_text
from geomap.place import Place
from geomap.resolution.gazetteer import Gazetteer
from geomap.resolution.resolve import resolve

SPANS_KEY = "geomap_places"

for _name, _default in (("geomap_place", None), ("geomap_confidence", 0.0), ("geomap_alternatives", ())):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)

# ``Doc.to_bytes`` packs extension values with msgpack: with ``nlp.pipe(n_process=2)``
# every doc crosses back from its worker that way, and so does a doc in a DocBin.
# srsly's encoder registry is the hook spaCy provides for values msgpack cannot pack.
_PLACE_KEY = "__geomap_place__"


def _encode_place(obj: Any, chain: Any = None) -> Any:
    if isinstance(obj, Place):
        return {_PLACE_KEY: {f.name: getattr(obj, f.name) for f in dataclasses.fields(Place)}}
    return obj if chain is None else chain(obj)


def _decode_place(obj: Any, chain: Any = None) -> Any:
    if isinstance(obj, dict) and _PLACE_KEY in obj:
        # msgpack gives lists back; every list-valued field of a Place is a tuple.
        stored: dict[str, Any] = obj[_PLACE_KEY]
        fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in stored.items()}
        return Place(**fields)
    return obj if chain is None else chain(obj)


srsly.msgpack_encoders.register("geomap_place", func=_encode_place)
srsly.msgpack_decoders.register("geomap_place", func=_decode_place)


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
        self._finder: MentionFinder | None = None
        self._pid = os.getpid()

    def use(self, gazetteer: Gazetteer) -> None:
        """Share an already opened gazetteer instead of opening one on first use."""
        self._finder = MentionFinder(self.nlp, gazetteer)
        self._pid = os.getpid()
        if not self.index_path:  # so that another process reopens this index, not the default one
            self.index_path = str(gazetteer.path)

    def _ready(self) -> MentionFinder:
        # A forked worker inherits the parent's sqlite connection, which must not be used
        # across processes: it opens its own, as an unpickled copy does.
        if self._finder is None or self._pid != os.getpid():
            self.use(Gazetteer(self.index_path or None))
        assert self._finder is not None
        return self._finder

    def __getstate__(self) -> dict[str, Any]:
        """Everything but the open gazetteer: a copy in another process reopens it on first use."""
        return {"nlp": self.nlp, "name": self.name, "index_path": self.index_path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        PlaceResolver.__init__(self, state["nlp"], state["name"], state["index_path"])

    def __call__(self, doc: Doc) -> Doc:
        finder = self._ready()
        raw: list[RawMention] = finder(doc)
        resolutions = resolve(raw, finder.gazetteer, doc_text(doc))
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
