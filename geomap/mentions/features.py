"""Gazetteer names of features the model misses: multi-word seas, straits, capes ("Bab el-Mandeb")."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from geomap.resolution.gazetteer import Gazetteer

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc


class FeatureMatcher:
    """Phrase matcher over the gazetteer's names of features that are not towns."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer) -> None:
        from spacy.matcher import PhraseMatcher

        names: set[str] = set()
        for name, alternates in gazetteer.feature_names():
            names.add(name)
            names.update(a for a in alternates if a)
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        patterns = [doc for doc in cast("Tokenizer", nlp.tokenizer).pipe(sorted(names)) if len(doc) > 0]
        self.matcher.add("PLACE", patterns)

    def __call__(self, doc: Doc) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for _, start, end in self.matcher(doc):
            span = doc[start:end]
            # Names are capitalised in running text; "gulf" or "turkey" in lower case are words.
            if not span.text[:1].isupper():
                continue
            # A capitalised word before, not the sentence's first, runs the name on to the left:
            # "New Jersey airport" is not Jersey's airport
            before = doc[start - 1] if start > 0 else None
            if before is not None and before.is_title and not before.is_sent_start and before.is_alpha:
                continue
            spans.append((span.start_char, span.end_char))
        return spans
