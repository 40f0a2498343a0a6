"""Texts of any length through spaCy: the statistical components run on pieces, the rest on the whole.

spaCy refuses a text over ``nlp.max_length`` (a million characters), and its tagger and
recogniser need about 1 GB of memory per 100,000 characters at once. Raising the limit would
trade a clear error for memory that grows with the text. Instead a long text is cut into
pieces of at most :data:`PIECE_CHARS` at paragraph starts (else at sentence ends, else at
spaces), each piece is tokenized, tagged, split into sentences and its names recognised on its
own, and the pieces are joined with ``Doc.from_docs`` into one doc of the whole text. The
components that read the whole document (place resolution with the article's context, the
event parser) then run on that doc, as for a short text. Time grows with the length, and no
piece needs more memory than a long news article.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from geomap.nlp.docs import keep_text

if TYPE_CHECKING:
    from spacy.language import Language

#: The longest piece run through the statistical components at once.
PIECE_CHARS = 100_000
#: The last component that reads only its own sentence or paragraph; those after it read the document.
LAST_LOCAL_COMPONENT = "ner"
#: Where a piece may end, best first: before a paragraph, after a sentence, after a space.
_CUTS = (re.compile(r"\n\s*(?=\S)"), re.compile(r"[.!?][\"'”’)]*\s+(?=\S)"), re.compile(r"\s+(?=\S)"))


def pieces(text: str, size: int = PIECE_CHARS) -> list[str]:
    """``text`` cut into contiguous pieces of at most ``size`` characters ("".join gives it back),
    each ending at the best cut (module docstring) in its last half, or at ``size`` when none is."""
    if size < 2:
        raise ValueError(f"size must be at least 2, not {size}")
    out: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        end = size
        for cut in _CUTS:
            found = [m.end() for m in cut.finditer(window, size // 2)]
            if found:
                end = found[-1]
                break
        out.append(text[start : start + end])
        start += end
    out.append(text[start:])
    return out


def process_long(nlp: Language, text: str, size: int = PIECE_CHARS) -> Doc:
    """The processed doc of ``text``, its statistical components run piece by piece (module docstring)."""
    names = nlp.pipe_names
    split = names.index(LAST_LOCAL_COMPONENT) + 1 if LAST_LOCAL_COMPONENT in names else len(names)
    local, whole = nlp.pipeline[:split], nlp.pipeline[split:]
    docs = []
    for piece in pieces(text, size):
        doc = nlp.make_doc(piece)
        for _, component in local:
            doc = component(doc)
        docs.append(doc)
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    keep_text(doc, text)
    for _, component in whole:
        doc = component(doc)
    return doc
