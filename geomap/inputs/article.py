"""Articles in, from files: plain text, HTML pages and JSON / JSON Lines objects with a ``text`` field."""

from __future__ import annotations

import datetime
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap.errors import FieldError, InputError
from geomap.inputs.encodings import Decoded, decode, jsonl_lines
from geomap.inputs.json_text import load_json

if TYPE_CHECKING:
    from trafilatura.settings import Document

#: Larger inputs are refused: no news article is this long, and parsing one would take minutes.
MAX_TEXT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Article:
    """One article: its text and what the input says about it."""

    text: str
    id: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    #: The encoding the input was read in (``utf-8``, ``windows-1252``, …); None for text given as text.
    encoding: str | None = None


def _decode(data: bytes, where: str, *, html: bool = False) -> Decoded:
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"{where} is {len(data) / 1e6:.1f} MB; the limit is {MAX_TEXT_BYTES // 2**20} MB")
    decoded = decode(data, where, html=html)
    if not decoded.text.strip():
        raise InputError(f"{where} is empty")
    return decoded


_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def check_date(value: str | None, where: str) -> str | None:
    """``value`` when it is a date an article may have (a day ``YYYY-MM-DD`` of the calendar, a month
    ``YYYY-MM`` or a year ``YYYY``, from year 1), else :class:`FieldError` naming ``where``."""
    if value is None:
        return None
    if _DATE.fullmatch(value):
        year, _, rest = value.partition("-")
        try:
            datetime.date.fromisoformat(value if len(value) == 10 else f"{year}-{rest or '01'}-01")
        except ValueError:
            pass
        else:
            return value
    message = f"{where}: date {value!r} is not a day YYYY-MM-DD, a month YYYY-MM or a year YYYY"
    raise FieldError("date", message)


def _title_of(text: str) -> str | None:
    first = text.strip().splitlines()[0].strip()
    return first if 0 < len(first) <= 200 else None


def _from_object(obj: object, where: str, default_id: str) -> Article:
    if not isinstance(obj, dict):
        raise InputError(f'{where}: expected a JSON object with a "text" field')
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f'{where}: missing or empty "text" field')
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise InputError(f"{where}: text is over {MAX_TEXT_BYTES // 2**20} MB")

    def field(name: str) -> str | None:
        value = obj.get(name)
        return None if value is None else str(value)

    return Article(
        text=text,
        id=field("id") or default_id,
        title=field("title") or _title_of(text),
        date=check_date(field("date"), where),
        url=field("url"),
    )


#: What trafilatura should drop before it looks for the main text: ``<noscript>`` holds
#: "please enable JavaScript" notices, never the article. Scripts and styles it drops itself.
_HTML_PRUNE = "//noscript"


def from_html(html: str, where: str, default_id: str) -> Article:
    """The main text of a web page, headline first, as a ``.txt`` file would have it.

    trafilatura finds the article among navigation, comments and boilerplate; it
    is imported here so that ``import geomap`` stays fast. It only reads the string
    it is given: fetching is a separate function of it that geomap never calls.
    """
    import trafilatura

    if "<html" not in html[:4096].lower():
        # trafilatura rejects a bare fragment such as "<p>x</p>" as not quite HTML;
        # its documentation says to wrap one in an element first.
        html = f"<html><body>{html}</body></html>"
    doc: Document | dict[str, Any] | None = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,  # readers' comments are not the article
        include_images=False,
        include_links=False,
        prune_xpath=_HTML_PRUNE,
        # The date the page declares in its markup; no guessing from dates in the text.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    # a dict comes only with as_dict=True, which is not asked for
    if doc is None or isinstance(doc, dict) or not (body := (doc.text or "").strip()):
        raise InputError(f"{where} has no article text")
    title = " ".join((doc.title or "").split()) or None
    # The headline names places too; keep it in the text unless the page already starts with it.
    text = body if title is None or body.startswith(title) else f"{title}\n\n{body}"
    return Article(
        text=text,
        id=default_id,
        title=title or _title_of(text),
        date=doc.date or None,
        url=doc.url or None,
    )


def json_objects(data: str, path: Path) -> Iterator[tuple[object, str, str]]:
    """(object, where, default id) for each object of a ``.json`` file: one object or a list."""
    obj = load_json(data, str(path))
    objects = obj if isinstance(obj, list) else [obj]
    for i, item in enumerate(objects):
        if len(objects) > 1:
            yield item, f"{path}[{i}]", f"{path.stem}-{i}"
        else:
            yield item, str(path), path.stem


#: The suffixes of each input type.
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


def read_articles(source: str | Path) -> Iterator[Article]:
    """Articles from a ``.txt``, ``.html``, ``.json`` or ``.jsonl`` file, or ``-`` for text on stdin.

    Each article records the encoding its file was read in (see ``geomap.inputs.encodings``).
    """
    if str(source) == "-":
        decoded = _decode(sys.stdin.buffer.read(), "standard input")
        yield article_from_text(decoded, "stdin")
        return
    path = Path(source)
    if path.is_dir():
        raise InputError(f"{path}: is a directory; use `geomap batch`")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | {"", ".json", ".jsonl"}:
        raise InputError(f"{path}: unsupported input type {suffix!r} (use .txt, .html, .json or .jsonl)")
    data = path.read_bytes()
    if suffix == ".jsonl":
        yield from _from_jsonl(data, path)
        return
    decoded = _decode(data, str(path), html=suffix in HTML_SUFFIXES)
    if suffix in HTML_SUFFIXES:
        yield article_from_html(decoded, str(path), path.stem)
    elif suffix == ".json":
        for item, where, default_id in json_objects(decoded.text, path):
            yield article_from_object(item, where, default_id, decoded.encoding)
    else:
        yield article_from_text(decoded, path.stem)


def _from_jsonl(data: bytes, path: Path) -> Iterator[Article]:
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"{path} is {len(data) / 1e6:.1f} MB; the limit is {MAX_TEXT_BYTES // 2**20} MB")
    found = False
    for line in jsonl_lines(io.BytesIO(data), str(path), MAX_TEXT_BYTES):
        if line.decoded is None:
            raise InputError(line.error or f"{path}:{line.number}: cannot read")
        found = True
        yield article_from_json_line(line.decoded, f"{path}:{line.number}", f"{path.stem}-{line.number}")
    if not found:
        raise InputError(f"{path} is empty")


def article_from_json_line(line: Decoded, where: str, default_id: str) -> Article:
    """The article of one line of a ``.jsonl`` file, or InputError."""
    obj = load_json(line.text, where)
    return article_from_object(obj, where, default_id, line.encoding)


def decode_text(data: bytes, where: str, *, html: bool = False) -> Decoded:
    """``data`` as article text with its encoding, or InputError (oversized, binary, undecidable, empty).

    Public for ``geomap batch``, which reads its inputs itself so that one bad object
    or line never stops the rest. ``html``: the page's declared charset wins.
    """
    return _decode(data, where, html=html)


def article_from_text(decoded: Decoded, default_id: str) -> Article:
    """The article of a plain-text input."""
    text = decoded.text
    return Article(text=text, id=default_id, title=_title_of(text), encoding=decoded.encoding)


def article_from_html(decoded: Decoded, where: str, default_id: str) -> Article:
    """The article of a web page (see ``from_html``)."""
    return replace(from_html(decoded.text, where, default_id), encoding=decoded.encoding)


def article_from_object(obj: object, where: str, default_id: str, encoding: str | None = None) -> Article:
    """The article of one JSON object with a ``text`` field, or InputError."""
    article = _from_object(obj, where, default_id)
    return article if encoding is None else replace(article, encoding=encoding)
