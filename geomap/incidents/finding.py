"""Event finding: every event of a doc, with the place candidates and feature rows the linker scores."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from spacy.attrs import LOWER

from geomap.incidents.features import DocArrays, SentenceFeatures, name_candidates
from geomap.incidents.lexicon import unknown_location
from geomap.incidents.location_rules import mention_tokens, without_routes
from geomap.incidents.triggers import EVENT_WORD_IDS, Event, sentence_events
from geomap.model import Mention
from geomap.nlp.docs import doc_text, sentences

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(slots=True)
class Found:
    """An event with its sentence and the candidates the linker scores for it."""

    ev: Event
    sent: Span
    span: tuple[int, int]
    unknown: bool
    cands: list[tuple[Mention, Span]]
    rows: np.ndarray


def find_events(doc: Doc, mentions: Sequence[Mention], sents: Sequence[Span] | None = None) -> list[Found]:
    """Every event of the doc with its location candidates and their feature rows (FEATURES).

    ``sents`` are the doc's sentences when the caller has read them already.
    """
    text = doc_text(doc)
    if not text.strip():
        return []
    spans: list[tuple[Mention, Span]] = []
    for m in mentions:
        span = mention_tokens(doc, m)
        if span is not None and len(span) and text[m.start : m.end] == m.text:
            spans.append((m, span))
    lower = doc.to_array(LOWER).tolist()
    found: list[Found] = []
    names: list[tuple[Mention, Span]] | None = None
    arrays: DocArrays | None = None
    every: list[tuple[Mention, Span]] = []
    by_root: list[int] = []
    roots: list[int] = []
    for sent in sentences(doc) if sents is None else sents:
        if EVENT_WORD_IDS.isdisjoint(lower[sent.start : sent.end]):
            continue  # no word in it can report an incident
        s_start, s_end = _strip_span(text, sent.start_char, sent.end_char)
        if s_start == s_end:
            continue  # only white space
        events = sentence_events(sent, lower)
        if not events:
            continue
        if names is None or arrays is None:
            names = name_candidates(doc, spans)  # only for a doc that reports an event
            arrays = DocArrays(doc)
            # the candidates by their root token, to take each sentence's without reading all
            every = [*spans, *names]
            by_root = sorted(range(len(every)), key=lambda k: every[k][1].root.i)
            roots = [every[k][1].root.i for k in by_root]
        lo, hi = bisect.bisect_left(roots, sent.start), bisect.bisect_left(roots, sent.end)
        cands = [every[k] for k in sorted(by_root[lo:hi])]
        cands.sort(key=lambda c: c[0].start)
        cands = without_routes(cands, text)
        unknown = unknown_location(text[s_start:s_end])
        features = SentenceFeatures(arrays, sent, cands, unknown=unknown)
        for k, ev in enumerate(events):
            usable, rows = features.rows(ev, events=len(events), index=k)
            found.append(Found(ev, sent, (s_start, s_end), unknown, usable, rows))
    return found
