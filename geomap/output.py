"""Writing results: atomically, and never over a file geomap did not write unless forced."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from geomap.errors import InputError

#: Every file geomap writes carries this mark near its top, so a rerun may replace it.
GENERATOR = "geomap"

#: A CSV cannot carry a comment that every reader skips, so geomap's own header row is its mark.
CSV_HEADER_START = '"event_id","event_date","incident_type"'

#: The marks, one per format: GeoJSON's foreign member, the HTML meta tag, the KML comment.
_MARKS = (
    f'"generator": "{GENERATOR}'.encode(),
    f'<meta name="generator" content="{GENERATOR}'.encode(),
    f"<!-- generator: {GENERATOR}".encode(),
)


def is_geomap_output(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return any(mark in head for mark in _MARKS) or head.startswith(CSV_HEADER_START.encode())


def _check_replaceable(path: Path, force: bool) -> None:
    if path.is_dir():
        raise InputError(f"{path} is a directory; give a file name")
    if path.exists() and not force and not is_geomap_output(path):
        raise InputError(f"{path} exists and was not written by geomap; use --force to replace it")


@contextmanager
def atomic_writer(
    path: str | os.PathLike[str], *, force: bool = False, newline: str | None = None
) -> Iterator[TextIO]:
    """A text file that appears at ``path`` only once the ``with`` block ends without an error.

    For outputs too large to hold as one string: written piece by piece into a temporary file
    beside ``path``, then renamed over it, so a reader never sees half a file. An existing file
    that geomap did not write is kept unless ``force``.
    """
    path = Path(path)
    _check_replaceable(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            yield f
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text_atomic(path: str | os.PathLike[str], text: str, *, force: bool = False) -> Path:
    """Write ``text`` to ``path`` via a temporary file and a rename.

    An existing file that geomap did not write is kept unless ``force``.
    """
    with atomic_writer(path, force=force) as f:
        f.write(text)
    return Path(path)
