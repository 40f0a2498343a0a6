"""``geomap watch``: feeds and folders into the incident store, one pass at a time.

    with Store("geomap.db") as store, Fetcher() as fetcher:
        watcher = Watcher(store, fetcher, log=print)
        totals = watcher.run([Source.of("https://example.org/world.rss")])

A pass reads each source in turn. A feed is fetched conditionally; each item that no pass has
dealt with (the store remembers them, ``geomap.store.schema`` version 4) is read from its page
(trafilatura keeps the article text), else from the text the feed carries, parsed, and added to
the store with its item recorded in the same transaction. An item whose URL or text is already
stored is recorded and not added again; a page without article text is recorded as such. A
source or page that cannot be fetched is logged and tried again at the next pass: it never
stops the other sources. The parser is opened at the first item to parse, once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from geomap.errors import InputError
from geomap.feeds.fetch import FetchError
from geomap.feeds.sources import FeedItem, Source, feed_items, folder_items

if TYPE_CHECKING:
    from geomap.feeds.fetch import Fetcher
    from geomap.inputs.article import Article
    from geomap.parser import Geoparser
    from geomap.store.store import AddResult, Store


@dataclass(slots=True)
class PassTotals:
    """What one pass did, for its summary line."""

    sources: int = 0
    failed_sources: list[str] = field(default_factory=list)
    items: int = 0  # new items dealt with
    added: int = 0
    known: int = 0  # same URL or text already in the store
    no_text: int = 0
    retry: int = 0  # pages that could not be fetched, tried again next pass
    incidents: int = 0
    merged: int = 0

    def line(self) -> str:
        text = (
            f"{self.sources} source(s), {self.items} new item(s): {self.added} article(s) added "
            f"({self.incidents} new incident(s), {self.merged} merged into stored ones)"
        )
        if self.known:
            text += f", {self.known} already stored"
        if self.no_text:
            text += f", {self.no_text} without article text"
        if self.retry:
            text += f", {self.retry} page(s) to fetch again"
        if self.failed_sources:
            text += f"; {len(self.failed_sources)} source(s) failed, tried again next pass"
        return text


class Watcher:
    """Passes over sources into ``store``; ``log`` gets one line per event worth telling."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        *,
        log: Callable[[str], None],
        parser: Geoparser | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.log = log
        self._parser = parser

    @property
    def parser(self) -> Geoparser:
        if self._parser is None:
            from geomap.parser import Geoparser

            self._parser = Geoparser()
        return self._parser

    def run(self, sources: Sequence[Source]) -> PassTotals:
        """One pass over every source."""
        totals = PassTotals(sources=len(sources))
        for source in sources:
            try:
                items = self._items(source)
            except (FetchError, InputError, OSError) as exc:
                message = _one_line(exc)
                self.store.feed_checked(source.name, error=message)
                totals.failed_sources.append(source.name)
                self.log(f"{source.name}: failed: {message} (tried again next pass)")
                continue
            by_key: dict[str, FeedItem] = {}
            for item in items:
                by_key.setdefault(item.key, item)
            for key in self.store.unseen(by_key):
                self._take(by_key[key], totals)
        return totals

    def _items(self, source: Source) -> list[FeedItem]:
        """The source's items now, recording the feed's validators; [] for a feed not modified."""
        from geomap.store.store import FeedState

        if source.kind == "folder":
            from pathlib import Path

            items = folder_items(Path(source.name), source.name)
            self.store.feed_checked(source.name)
            return items
        if source.kind == "file":
            from pathlib import Path

            items = feed_items(Path(source.name).read_bytes(), source.name)
            self.store.feed_checked(source.name)
            return items
        state = self.store.feed_state(source.name)
        answer = self.fetcher.get(source.name, etag=state.etag, last_modified=state.last_modified)
        if answer.not_modified:
            self.store.feed_checked(source.name, state)
            return []
        items = feed_items(answer.content, source.name)
        self.store.feed_checked(source.name, FeedState(answer.etag, answer.last_modified))
        return items

    def _take(self, item: FeedItem, totals: PassTotals) -> None:
        """Read, parse and store one new item; a page that cannot be fetched is left for next pass."""
        from geomap.store.store import SeenItem

        seen = SeenItem(item.key, item.source, item.url)
        if item.url and (stored := self.store.article_with_url(item.url)):
            self.store.mark_seen(seen, stored, "known")
            totals.items += 1
            totals.known += 1
            return
        try:
            articles = self._articles(item)
        except FetchError as exc:
            totals.retry += 1
            self.log(f"{item.url}: {_one_line(exc)} (tried again next pass)")
            return
        except InputError as exc:
            self.store.mark_seen(seen, None, "no-text")
            totals.items += 1
            totals.no_text += 1
            self.log(f"skipped {item.url or item.path}: {_one_line(exc)}")
            return
        totals.items += 1
        for n, article in enumerate(articles):
            # the item is recorded with the last of its articles (a .jsonl file holds several)
            last = n == len(articles) - 1
            result = self.store.add(self.parser.parse_article(article), seen=seen if last else None)
            self._count(result, article, str(item.path or item.url or article.id), totals)

    def _count(self, result: AddResult, article: Article, where: str, totals: PassTotals) -> None:
        if not result.added:
            totals.known += 1
            self.log(f"= {where}: already stored as {result.article_id!r}")
            return
        totals.added += 1
        totals.incidents += result.incidents
        totals.merged += result.merged
        title = f"{article.title!r} " if article.title else ""
        self.log(
            f"+ {title}{where}: {result.incidents} new incident(s), {result.merged} merged "
            f"(stored as {result.article_id!r})"
        )

    def _articles(self, item: FeedItem) -> list[Article]:
        """The item's articles: a folder's file as ``geomap add`` reads it, else the item's page,
        else the text the feed itself carries."""
        from geomap.inputs.article import from_html, read_articles

        if item.path is not None:
            return list(read_articles(item.path))
        article_id = _item_id(item)
        article: Article | None = None
        if item.url is not None:
            article = self._page(item, article_id)
        if article is None:
            if not item.content:
                raise InputError("no article text in the page or the feed")
            article = from_html(item.content, item.url or item.key, article_id)
        return [
            replace(
                article,
                id=article_id,
                title=item.title or article.title,
                date=item.date or article.date,
                url=item.url or article.url,
            )
        ]

    def _page(self, item: FeedItem, article_id: str) -> Article | None:
        """The article of the item's page; None when the page has no article text."""
        from geomap.inputs.article import article_from_html, article_from_text, decode_text

        assert item.url is not None
        answer = self.fetcher.get(item.url)
        is_text = answer.content_type.split(";")[0].strip().lower() == "text/plain"
        try:
            decoded = decode_text(answer.content, item.url, html=not is_text)
            if is_text:
                return article_from_text(decoded, article_id)
            return article_from_html(decoded, item.url, article_id)
        except InputError:
            if item.content:
                return None  # the feed's own text stands in
            raise


def _item_id(item: FeedItem) -> str:
    """A readable, stable article id: the last words of the item's link (or title), and a hash of its key."""
    words = ""
    if item.url:
        words = item.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    words = words or item.title or "item"
    slug = re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")[:48].strip("-") or "item"
    return f"{slug}-{hashlib.sha256(item.key.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
