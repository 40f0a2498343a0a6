"""What ``geomap watch`` reads: RSS or Atom feeds (a URL or a file) and folders of articles.

A source gives items, each with a ``key`` that stays the same from one pass to the next, so
that an item is dealt with once: a feed item's guid (its link when it has none), or a folder
file's path with its size and modification time (a file rewritten is a new item). feedparser
reads every RSS and Atom dialect; ``feed_items`` only takes what geomap needs from it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from geomap.errors import InputError
from geomap.inputs.article import HTML_SUFFIXES, TEXT_SUFFIXES

#: What a folder's files may be: the inputs ``geomap add`` reads.
FOLDER_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".json", ".jsonl"}

SourceKind = Literal["url", "file", "folder"]


@dataclass(frozen=True, slots=True)
class Source:
    """One thing to watch, as the user named it (``name``), and what it is."""

    name: str
    kind: SourceKind

    @classmethod
    def of(cls, value: str) -> Source:
        """The source ``value`` names: an http(s) URL, a feed file or a folder; InputError otherwise."""
        text = value.strip()
        if text.lower().startswith(("http://", "https://")):
            return cls(text, "url")
        if "://" in text:
            raise InputError(f"{value}: only http:// and https:// feeds can be fetched")
        path = Path(text).expanduser()
        if path.is_dir():
            return cls(str(path.resolve()), "folder")
        if path.is_file():
            return cls(str(path.resolve()), "file")
        raise InputError(f"{value}: no such file or folder, and not an http(s) URL")


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of a source: a feed entry (with the link to its page, and the text the feed itself
    gives) or a file of a folder (``path``)."""

    key: str
    source: str
    url: str | None = None
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD, from the entry's published (else updated) time
    content: str | None = None  # the entry's content or summary, HTML or text
    path: Path | None = None


def feed_items(data: bytes, source: str) -> list[FeedItem]:
    """The entries of an RSS or Atom document, in its order; InputError when it is not a feed."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise InputError(f"{source}: not an RSS or Atom feed" + (f" ({reason})" if reason else ""))
    items = []
    for entry in parsed.entries:
        link = _web_link(entry)
        key = (entry.get("id") or "").strip() or link
        content = _content(entry)
        if key is None:
            if not content:
                continue  # nothing to know it by and nothing to read
            key = "text:" + _digest(content)
        items.append(
            FeedItem(
                key=key,
                source=source,
                url=link,
                title=" ".join(str(entry.get("title") or "").split()) or None,
                date=_day(entry.get("published_parsed") or entry.get("updated_parsed")),
                content=content,
            )
        )
    return items


def folder_items(folder: Path, source: str) -> list[FeedItem]:
    """The article files of a folder (not its subfolders), by name."""
    items = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() not in FOLDER_SUFFIXES:
            continue
        try:
            stat = path.stat()
        except OSError:
            continue  # gone since it was listed
        if not path.is_file():
            continue
        key = f"file:{path.resolve()}@{stat.st_size}:{stat.st_mtime_ns}"
        items.append(FeedItem(key=key, source=source, title=None, path=path))
    return items


def _web_link(entry: Any) -> str | None:
    link = (entry.get("link") or "").strip()
    return link if link.lower().startswith(("http://", "https://")) else None


def _content(entry: Any) -> str | None:
    """The entry's longest text: its full content when the feed carries it, else its summary."""
    texts = [c.get("value") or "" for c in entry.get("content") or []]
    texts.append(entry.get("summary") or "")
    best = max(texts, key=len)
    return best if best.strip() else None


def _day(parsed: Any) -> str | None:
    """A feed time (feedparser's UTC ``struct_time``) as its ISO day."""
    if not parsed:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC).date().isoformat()
    except (OverflowError, ValueError, OSError):
        return None


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
