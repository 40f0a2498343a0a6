"""Writing results: atomically, and never over a file geomap did not write unless forced.

A new file gets the mode the umask gives any new file (0644 under umask 022), so a web server
or a colleague can read a map; a file geomap replaces keeps the mode it had.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
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
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            yield f
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _create_temp(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path``, with the mode ``path`` will have once renamed.

    Not ``tempfile.mkstemp``: its files are 0600 whatever the umask. Opened with 0666, the
    kernel applies the umask itself (no process-wide ``os.umask`` call, which would race
    other threads); a file being replaced lends its own mode instead.
    """
    try:
        keep: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        keep = None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        if keep is not None:
            try:
                os.fchmod(fd, keep)
            except BaseException:
                os.close(fd)
                os.unlink(tmp)
                raise
        return fd, tmp
    raise FileExistsError(f"{path.parent}: no free temporary file name for {path.name}")


#: Line breaks that ``json.dumps(ensure_ascii=False)`` leaves raw (it escapes the C0 controls).
_LINE_BREAKS = ("\u2028", "\u2029", "\x85")


def json_line(obj: object) -> str:
    """``obj`` as one line of JSON Lines, newline included.

    JSON allows U+2028 and U+2029 raw inside strings, but JavaScript and line splitters such as
    Python's ``str.splitlines`` break a line at them (and at U+0085), splitting one record in
    two; escaped, they read back the same.
    """
    text = json.dumps(obj, ensure_ascii=False)
    for char in _LINE_BREAKS:
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text + "\n"


def write_text_atomic(path: str | os.PathLike[str], text: str, *, force: bool = False) -> Path:
    """Write ``text`` to ``path`` via a temporary file and a rename.

    An existing file that geomap did not write is kept unless ``force``.
    """
    with atomic_writer(path, force=force) as f:
        f.write(text)
    return Path(path)
