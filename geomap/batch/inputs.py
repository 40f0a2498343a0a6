"""The inputs of ``geomap batch``, streamed: one article or one failure at a time.

A batch must survive anything a corpus holds, so every file, JSON object and JSON line is
read on its own; a bad one becomes a :class:`Failure` and reading goes on. A ``.jsonl``
file is read line by line, never whole, so a corpus of any length streams through. A file
read in an encoding other than UTF-8 gives one :class:`Note` saying so.
"""

from __future__ import annotations

import glob
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geomap.errors import InputError
from geomap.inputs.article import (
    HTML_SUFFIXES,
    MAX_TEXT_BYTES,
    TEXT_SUFFIXES,
    Article,
    article_from_html,
    article_from_json_line,
    article_from_object,
    article_from_text,
    decode_text,
    json_objects,
)
from geomap.inputs.encodings import UTF8, jsonl_lines

#: The file types a batch reads; anything else in a folder is not an input and is left alone.
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".json", ".jsonl"}

#: File names stay well under the 255-byte limit of common file systems, suffix included.
MAX_NAME_CHARS = 80

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DOTS = re.compile(r"\.{2,}")


@dataclass(frozen=True, slots=True)
class Item:
    """One article read from ``input`` (a file, ``file[i]`` or ``file:line``)."""

    input: str
    article: Article


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that gave no article, or an article that could not be parsed; one line of failures.jsonl."""

    input: str
    id: str | None
    reason: str

    def to_dict(self) -> dict[str, str | None]:
        return {"input": self.input, "id": self.id, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Note:
    """A file read in an encoding other than UTF-8: said once per file, on stderr."""

    input: str
    encoding: str

    def line(self) -> str:
        return f"geomap: {self.input}: read as {self.encoding}"


def safe_name(article_id: str) -> str:
    """A file name for ``article_id`` that cannot leave its folder, the same on every run.

    Only ``[A-Za-z0-9._-]`` survive, runs of dots become one, there is no leading dot (so no
    ``..`` and no hidden files), and the length is bounded. An id that had to change gets a
    short hash of the original, so two ids that clean to the same text (``a/b``, ``a:b``)
    still get different files; an id that is already safe keeps its name.
    """
    cleaned = _DOTS.sub(".", _UNSAFE.sub("_", article_id)).lstrip(".")[:MAX_NAME_CHARS].rstrip(".")
    if cleaned == article_id and cleaned:
        return cleaned
    digest = hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{cleaned or 'article'}-{digest}"


def input_files(source: str) -> list[Path]:
    """The files INPUT names: a folder's inputs, a single file, or a glob's matches; sorted."""
    path = Path(source)
    if path.is_dir():
        return sorted(
            p for p in path.iterdir() if p.is_file() and not p.name.startswith(".") and _is_input(p)
        )
    if path.is_file():
        return [path]
    if glob.has_magic(source):
        matches = sorted(Path(p) for p in glob.glob(source, recursive=True))
        files = [p for p in matches if p.is_file() and _is_input(p)]
        if files:
            return files
        raise InputError(f"{source}: the pattern matches no .txt, .html, .json or .jsonl file")
    raise InputError(f"{source}: no such file or folder")


def _is_input(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def iter_inputs(source: str) -> Iterator[Item | Failure | Note]:
    """Every article of INPUT in order, or a failure in its place, and a note per non-UTF-8 file."""
    for path in input_files(source):
        yield from iter_file(path)


def iter_file(path: Path) -> Iterator[Item | Failure | Note]:
    """The articles of one file; a file that cannot be read is one failure."""
    where = str(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            yield from _iter_jsonl(path)
            return
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:  # refused before reading, so a huge file costs nothing
            raise InputError(f"{where} is {size / 1e6:.1f} MB; the limit is {MAX_TEXT_BYTES // 2**20} MB")
        decoded = decode_text(path.read_bytes(), where, html=suffix in HTML_SUFFIXES)
        if decoded.encoding != UTF8:
            yield Note(where, decoded.encoding)
        if suffix in HTML_SUFFIXES:
            yield Item(where, article_from_html(decoded, where, path.stem))
        elif suffix == ".json":
            for item, at, default_id in json_objects(decoded.text, path):
                yield _object_item(item, at, default_id, decoded.encoding)
        else:
            yield Item(where, article_from_text(decoded, path.stem))
    except InputError as exc:
        yield Failure(where, None, str(exc))
    except Exception as exc:  # a library choking on hostile input (e.g. HTML): recorded, never fatal
        yield Failure(where, None, f"{where}: cannot read ({type(exc).__name__}: {exc})")


def _object_item(obj: object, where: str, default_id: str, encoding: str) -> Item | Failure:
    try:
        return Item(where, article_from_object(obj, where, default_id, encoding))
    except InputError as exc:
        raw_id = obj.get("id") if isinstance(obj, dict) else None
        return Failure(where, None if raw_id is None else str(raw_id), str(exc))


def _iter_jsonl(path: Path) -> Iterator[Item | Failure | Note]:
    """One line at a time, each bounded in size: memory stays flat whatever the file's length."""
    noted = False
    with path.open("rb") as f:
        for line in jsonl_lines(f, str(path), MAX_TEXT_BYTES):
            where = f"{path}:{line.number}"
            if line.decoded is None:
                yield Failure(where, None, line.error or f"{where}: cannot read")
                continue
            if line.decoded.encoding != UTF8 and not noted:
                noted = True  # one legacy encoding per file (see jsonl_lines)
                yield Note(str(path), line.decoded.encoding)
            try:
                yield Item(where, article_from_json_line(line.decoded, where, f"{path.stem}-{line.number}"))
            except InputError as exc:
                yield Failure(where, _raw_id(line.decoded.text), str(exc))


def _raw_id(text: str) -> str | None:
    """The ``id`` of a JSON line that gave no article, when it has one."""
    try:
        obj = json.loads(text)
    except ValueError:
        return None
    raw_id = obj.get("id") if isinstance(obj, dict) else None
    return None if raw_id is None else str(raw_id)
