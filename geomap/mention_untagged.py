"""Well-known places the model left untagged: capitalised noun runs outside any entity, hyphenated names."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from spacy.attrs import ENT_TYPE, IDX, POS
from spacy.symbols import NOUN, PROPN

from geomap.docs import doc_text
from geomap.mention_gazetteer import NameChecks
from geomap.mention_names import FoundName

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
                here = self.checks.named_here(text, start, end)
                if here and (self.checks.strong(name) if proper else self.checks.well_known(name)):
                    out.append((start, end, "GAZ"))
            first = after
        for match in _HYPHENATED.finditer(doc_text(doc)):
            start, end = match.span()
            span = doc.char_span(start, end)
            if span is not None and not any(t.ent_type_ for t in span) and self.checks.strong(match.group()):
                out.append((start, end, "GAZ"))
        return out
