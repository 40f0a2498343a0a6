"""Cheap reads of a spaCy ``Doc``: spaCy rebuilds ``doc.text`` and walks every token for ``doc.sents``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy
from spacy.attrs import SENT_START

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences, read from its array: walking ``doc.sents`` visits every token in Python."""
    if not len(doc):
        return []
    starts = numpy.flatnonzero(doc.to_array(SENT_START).astype("int64") == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = [*starts[1:], len(doc)]
    return [doc[s:e] for s, e in zip(starts, ends, strict=True)]


def keep_text(doc: Doc, text: str) -> None:
    """Record the text a doc was made from (spaCy's tokenizer keeps every character of it)."""
    doc.user_data["geomap_text"] = text


def doc_text(doc: Doc) -> str:
    """The doc's text, built once and kept in ``doc.user_data`` (a string travels with the doc)."""
    text = doc.user_data.get("geomap_text")
    if text is None:
        text = doc.user_data["geomap_text"] = doc.text
    return text
