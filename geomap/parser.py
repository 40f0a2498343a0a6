"""The ``Geoparser`` facade: opens spaCy and the gazetteer once, parses many articles."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from geomap.incidents.extraction import extract_incidents
from geomap.incidents.judge import EventJudge
from geomap.incidents.linker import EventLinker
from geomap.inputs.article import Article
from geomap.model import Mention, ParsedArticle, ResolvedPlace
from geomap.nlp import pipeline
from geomap.nlp.components import SPANS_KEY
from geomap.nlp.docs import doc_text, keep_text, sentences
from geomap.nlp.long_text import PIECE_CHARS, process_long
from geomap.resolution.gazetteer import Gazetteer

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from geomap.place import Place


class Geoparser:
    """Text in, :class:`ParsedArticle` out. Heavy objects are created here, once."""

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        model: str | None = None,
        linker: EventLinker | None = None,
        judge: EventJudge | bool = True,
    ) -> None:
        """``judge``: the event judge, True for the shipped one, False for none (the incidents
        as the rules give them, which is what the judge is trained on)."""
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer()
        self.nlp = pipeline.load(model or pipeline.MODEL, self.gazetteer)
        self.linker = linker if linker is not None else EventLinker.load()
        self.judge: EventJudge | None = EventJudge.load() if judge is True else (judge or None)

    def parse(
        self,
        text: str,
        *,
        id: str | None = None,
        title: str | None = None,
        date: str | None = None,
        url: str | None = None,
    ) -> ParsedArticle:
        """Parse one article's text."""
        return self.parse_article(Article(text=text, id=id or "article", title=title, date=date, url=url))

    def parse_article(self, article: Article) -> ParsedArticle:
        """Parse one :class:`Article` (what ``read_articles`` yields)."""
        return self.build(article, self.process(article.text))

    def process(self, text: str) -> Doc:
        """The processed doc of a text of any length: a long one in pieces (:mod:`geomap.nlp.long_text`)."""
        if len(text) > PIECE_CHARS:
            return process_long(self.nlp, text)
        return self.nlp(self.make_doc(text))

    def pipe(
        self, articles: Iterable[Article], batch_size: int = 16, n_process: int = 1
    ) -> Iterator[ParsedArticle]:
        """Parse a stream of articles in input order, batching them through spaCy.

        The input is read lazily, a few batches ahead, so a corpus of any size
        streams through. With ``n_process`` > 1 spaCy runs the pipeline in that
        many worker processes (-1: one per CPU); each opens its own gazetteer
        connection, and the docs come back through ``Doc.to_bytes``.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        if n_process == 0 or n_process < -1:
            raise ValueError(f"n_process must be a positive number of processes or -1, not {n_process}")
        # A long text goes through in pieces, on its own; the texts between long ones stream in batches.
        for long, run in itertools.groupby(articles, key=lambda a: len(a.text) > PIECE_CHARS):
            if long:
                yield from map(self.parse_article, run)
                continue
            # Worker processes tokenize for themselves; here the doc can be made with its text kept.
            stream = ((a.text if n_process != 1 else self.make_doc(a.text), a) for a in run)
            docs = self.nlp.pipe(stream, as_tuples=True, batch_size=batch_size, n_process=n_process)
            for doc, article in docs:
                yield self.build(article, doc)

    def make_doc(self, text: str) -> Doc:
        """The tokenized doc, carrying the text it was made from: spaCy's ``doc.text`` rebuilds it."""
        doc = self.nlp.make_doc(text)
        keep_text(doc, text)
        return doc

    def build(self, article: Article, doc: Doc, *, judge: bool = True) -> ParsedArticle:
        """The parsed article from its processed doc; ``judge=False`` leaves the event judge out."""
        sents = sentences(doc)
        text = doc_text(doc)  # Span.text would walk every token of the doc again
        sentence_texts = [text[s.start_char : s.end_char].strip() for s in sents]
        spans = list(doc.spans[SPANS_KEY])
        mentions = doc_mentions(doc, sents)
        incidents = extract_incidents(
            doc,
            mentions,
            article_id=article.id,
            linker=self.linker,
            article_date=article.date,
            sents=sents,
            judge=self.judge if judge else None,
        )
        incidents_at: dict[str, list[str]] = {}
        for incident in incidents:
            if incident.place is not None:
                incidents_at.setdefault(incident.place.id, []).append(incident.id)
        grouped: dict[str, tuple[Place, list[int]]] = {}
        for i, mention in enumerate(mentions):
            # A demonym is evidence of a country, not a place the article names.
            if mention.place is not None and mention.label != "DEMONYM":
                grouped.setdefault(mention.place.id, (mention.place, []))[1].append(i)
        places = []
        for place, indexes in grouped.values():
            sentence_ids = sorted({mentions[i].sentence for i in indexes})
            places.append(
                ResolvedPlace(
                    place=place,
                    confidence=max(mentions[i].confidence for i in indexes),
                    mentions=tuple(dict.fromkeys(mentions[i].text for i in indexes)),
                    mention_count=len(indexes),
                    sentences=tuple(sentence_texts[s] for s in sentence_ids),
                    # a tuple again once a doc has crossed from a worker process (msgpack gives lists)
                    alternatives=tuple(spans[indexes[0]]._.geomap_alternatives),
                    article_ids=(article.id,),
                    incident_ids=tuple(incidents_at.get(place.id, ())),
                )
            )
        return ParsedArticle(
            id=article.id,
            text=article.text,
            title=article.title,
            date=article.date,
            url=article.url,
            mentions=mentions,
            places=tuple(places),
            incidents=tuple(incidents),
            encoding=article.encoding,
        )


def doc_mentions(doc: Doc, sents: Sequence[Span] | None = None) -> tuple[Mention, ...]:
    """The place mentions the pipeline put on ``doc``, with their sentence index (``sents``, if read)."""
    sentence_starts = [s.start for s in (sentences(doc) if sents is None else sents)]
    return tuple(
        Mention(
            span.start_char,
            span.end_char,
            span.text,
            span.label_,
            max(bisect.bisect_right(sentence_starts, span.start) - 1, 0),
            span._.geomap_place,
            span._.geomap_confidence,
        )
        for span in doc.spans[SPANS_KEY]
    )
