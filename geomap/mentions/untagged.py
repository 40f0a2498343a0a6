"""Well-known places the model left untagged: capitalised noun runs outside any entity, hyphenated names."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy
from spacy.attrs import ENT_TYPE, IDX, POS
from spacy.symbols import NOUN, PROPN

from geomap.mentions.checks import NameChecks
from geomap.mentions.names import FoundName
from geomap.nlp.docs import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: Hyphenated compounds the tokenizer splits: "Mazar-e-Sharif", "Waku-Congo", "Khan-Yunis".
_HYPHENATED = re.compile(r"\b[A-Z][\w'’]+(?:-[a-z]{1,3})?(?:-[A-Z][\w'’]+)+\b")


class UntaggedNames:
    """Names outside the model's entities that the gazetteer knows well enough (label ``GAZ``)."""

    def __init__(self, checks: NameChecks) -> None:
        self.checks = checks

    def __call__(self, doc: Doc) -> list[FoundName]:
        """Well-known places the model left untagged: capitalised noun runs outside any entity."""
        text = doc_text(doc)
        out: list[FoundName] = []
        # Read from arrays: this looks at every token, and a Token object costs more than the test.
        array = doc.to_array([POS, ENT_TYPE, IDX])
        pos = array[:, 0]
        # Nouns outside any entity, then (in Python, for those few) the capital: the small
        # tagger calls a sentence-opening "Rafah" a common noun.
        nouns = numpy.flatnonzero(((pos == PROPN) | (pos == NOUN)) & (array[:, 1] == 0))
        starts = array[nouns, 2].tolist()
        named = [i for i, idx in zip(nouns.tolist(), starts, strict=True) if text[idx].isupper()]
        for first, after in _runs(named):
            last = doc[after - 1]
            start, end = int(array[first, 2]), last.idx + len(last.text)
            name = text[start:end]
            # A proper noun is a name already: a town of some 30,000 people will do.
            # A capitalised common noun ("Reading") must be a large place.
            proper = bool((pos[first:after] == PROPN).all())
            here = self.checks.named_here(text, start, end)
            if here and (self.checks.strong(name) if proper else self.checks.well_known(name)):
                out.append((start, end, "GAZ"))
        for match in _HYPHENATED.finditer(text):
            start, end = match.span()
            span = doc.char_span(start, end)
            if span is not None and not any(t.ent_type_ for t in span) and self.checks.strong(match.group()):
                out.append((start, end, "GAZ"))
        return out


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Runs of consecutive token indices, as (first, after-last) pairs: [3, 4, 7] → [(3, 5), (7, 8)]."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs
