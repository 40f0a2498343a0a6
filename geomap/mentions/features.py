"""Gazetteer names of features the model misses: multi-word seas, straits, capes ("Bab el-Mandeb").

The names are matched as the tokenizer splits them, on lower-case tokens, as spaCy's
``PhraseMatcher(attr="LOWER")`` would. Splitting the gazetteer's 7,000 feature names
with the tokenizer creates a lexeme for each new word, which took a quarter of a fresh
process's start-up; the token lists are therefore kept in a file beside the gazetteer
index, made by the first process that needs it and read by every later one. Its name
carries what decides the split: the gazetteer's sources and the spaCy model and version.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, cast

from geomap.outputs.files import write_text_atomic
from geomap.resolution.gazetteer import Gazetteer, data_dir

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc

#: Bump when the cached file's layout changes.
FORMAT = 1


def tokens_path(nlp: Language, gazetteer: Gazetteer, folder: Path | None = None) -> Path:
    """Where the feature names' token lists for this gazetteer and tokenizer are kept."""
    import spacy

    meta = nlp.meta
    parts = (FORMAT, gazetteer.fingerprint(), spacy.__version__, meta.get("name"), meta.get("version"))
    key = "|".join(str(part) for part in parts)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return (folder if folder is not None else data_dir()) / f"features-{digest}.json"


def feature_tokens(nlp: Language, gazetteer: Gazetteer, folder: Path | None = None) -> list[list[str]]:
    """Every feature name as the lower-case tokens the tokenizer splits it into (read from the cache file)."""
    path = tokens_path(nlp, gazetteer, folder)
    with contextlib.suppress(OSError, ValueError):
        cached = json.loads(path.read_text(encoding="utf-8"))
        if (
            isinstance(cached, list)
            and cached
            and all(
                isinstance(name, list) and name and all(isinstance(t, str) for t in name) for name in cached
            )
        ):
            return cached
    names: set[str] = set()
    for name, alternates in gazetteer.feature_names():
        names.add(name)
        names.update(a for a in alternates if a)
    tokenizer = cast("Tokenizer", nlp.tokenizer)
    tokens = [[t.lower_ for t in doc] for doc in tokenizer.pipe(sorted(names)) if len(doc) > 0]
    with contextlib.suppress(OSError):  # a read-only data directory: split again in the next process
        write_text_atomic(path, json.dumps(tokens, ensure_ascii=False, separators=(",", ":")), force=True)
    return tokens


class FeatureMatcher:
    """Finds the gazetteer's names of features that are not towns, token by token in lower case."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer, folder: Path | None = None) -> None:
        from spacy.strings import get_string_id

        self.patterns: set[tuple[int, ...]] = set()
        lengths: dict[int, set[int]] = {}
        for tokens in feature_tokens(nlp, gazetteer, folder):
            ids = tuple(get_string_id(t) for t in tokens)
            self.patterns.add(ids)
            lengths.setdefault(ids[0], set()).add(len(ids))
        #: first token's id → the lengths of the names that start with it, shortest first
        self.lengths = {first: tuple(sorted(ns)) for first, ns in lengths.items()}

    def matches(self, doc: Doc) -> list[tuple[int, int]]:
        """Token spans ``(start, end)`` of every name, overlapping ones included, by start and end."""
        from spacy.attrs import LOWER

        lower = doc.to_array(LOWER).tolist()
        found = []
        for start, first in enumerate(lower):
            for length in self.lengths.get(first, ()):
                end = start + length
                if end <= len(lower) and tuple(lower[start:end]) in self.patterns:
                    found.append((start, end))
        return found

    def __call__(self, doc: Doc) -> list[tuple[int, int]]:
        """Character spans of the names that are written as names (capitalised, not inside a longer one)."""
        spans: list[tuple[int, int]] = []
        for start, end in self.matches(doc):
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
