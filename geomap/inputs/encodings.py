"""Bytes to article text: UTF-8 first, then what a byte-order mark, an HTML page or the bytes say.

News arrives as UTF-8, but archives and scrapers also hand over Windows-1252, Latin-1 and the
other single-byte encodings of the 1990s and 2000s. Valid UTF-8 is always read as UTF-8, so a
detector never second-guesses it. Otherwise a byte-order mark decides, then (for HTML) the
page's ``<meta charset>``, then charset-normalizer chooses among the single-byte news encodings.
Binary data, and bytes no candidate reads as text, are refused with a reason.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from geomap.errors import InputError

UTF8 = "utf-8"

#: Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32be"),
    (codecs.BOM_UTF8, "utf-8", UTF8),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16be"),
)

#: File signatures that mean "not text", for a message that says what the file is.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PK\x03\x04", "a zip archive (or an office document)"),
    (b"%PDF-", "a PDF document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "an executable"),
)

#: C0 control bytes that no text file holds. Tab, newlines, form feed, escape and the Ctrl-Z
#: that ends old DOS files are allowed.
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x19\x1c-\x1f\x7f]")

#: The legacy encodings charset-normalizer may choose among: single-byte code pages of the
#: news of Western, Central and Eastern Europe, Greece, Turkey, the Baltics, Israel, the Arab
#: world and Thailand. Multi-byte East Asian encodings and DOS/Mac code pages are left out:
#: on short mostly-ASCII text the detector would pick them for a single accented letter.
CANDIDATES: tuple[str, ...] = (
    "cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "iso8859_16", "cp1251", "koi8_r",
    "koi8_u", "iso8859_5", "cp1253", "iso8859_7", "cp1254", "iso8859_9", "cp1257", "iso8859_13",
    "iso8859_4", "iso8859_10", "cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp1258", "tis_620",
)  # fmt: skip

#: Western European first: when the bytes give no better evidence (a few accented letters in
#: English text), the most common legacy encoding of news is the likeliest.
_WESTERN: tuple[str, ...] = ("cp1252", "latin_1", "iso8859_15")

#: How close two readings must score for the Western one to be preferred.
_CHAOS_SLACK = 0.01
#: (Tuned on our own sentences: English with a few smart quotes scores as "Baltic" 0.05 above
#: Windows-1252; Turkish scores 0.08 above the Windows-1252 reading of its dotless i.)
_COHERENCE_SLACK = 0.06

#: ``<meta charset="…">``, ``<meta http-equiv="Content-Type" content="…; charset=…">`` and
#: the XML declaration of XHTML, looked for in the first bytes of a page.
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HTML_HEAD_BYTES = 4096

#: Labels a web page may declare that browsers read otherwise (WHATWG Encoding Standard):
#: Latin-1 and ASCII mean Windows-1252, and a page cannot be UTF-16 if its meta tag was found.
_HTML_LABEL_MEANS = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
}


#: Python's names of the Unicode encodings with a byte order, and the labels users know.
_UNICODE_LABELS = {
    "utf-16-le": "utf-16le",
    "utf-16-be": "utf-16be",
    "utf-32-le": "utf-32le",
    "utf-32-be": "utf-32be",
}


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text, and the encoding it was read in (``utf-8``, ``windows-1252``, ``utf-16le``, …)."""

    text: str
    encoding: str


def label(codec: str) -> str:
    """The name a user knows for a Python codec: ``windows-1252`` for ``cp1252``, and so on."""
    name = codecs.lookup(codec).name
    if re.fullmatch(r"cp125\d", name):
        return "windows-" + name[2:]
    if name.startswith("iso8859-"):
        return "iso-" + name[3:]
    return _UNICODE_LABELS.get(name, name)


def _binary_reason(data: bytes) -> str | None:
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return f"is binary ({what}), not text"
    if b"\x00" in data:
        return "looks binary (it contains NUL bytes), not text"
    return None


def _from_bom(data: bytes, where: str) -> Decoded | None:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{where} starts with a {name} byte-order mark but is not {name} text "
                    f"(bad bytes at offset {exc.start + len(bom)})"
                ) from None
            if "\x00" in text:
                raise InputError(f"{where} looks binary (it contains NUL characters), not text")
            return Decoded(text, name)
    return None


def declared_charset(data: bytes) -> str | None:
    """The Python codec a web page declares in its first bytes, as browsers read it; None if none.

    A label Python does not know is ignored, as browsers ignore it.
    """
    head = data[:_HTML_HEAD_BYTES]
    found = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if found is None:
        return None
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name
    except LookupError:
        return None
    return _HTML_LABEL_MEANS.get(name, name)


def _detect(data: bytes, where: str) -> Decoded:
    """The legacy single-byte encoding that reads ``data`` best, or InputError when none does."""
    from charset_normalizer import from_bytes  # about 20 ms: only when a file is not UTF-8

    matches = list(from_bytes(data, cp_isolation=list(CANDIDATES)))
    if not matches:
        raise InputError(f"{where}: cannot tell its text encoding (not UTF-8, nor a known legacy encoding)")
    best = matches[0]
    close = [
        m
        for m in matches
        if m.chaos <= best.chaos + _CHAOS_SLACK and m.coherence >= best.coherence - _COHERENCE_SLACK
    ]
    codec = best.encoding
    for match in close:
        western = [c for c in _WESTERN if c in match.could_be_from_charset]
        if western:
            codec = western[0]  # the same text as match.encoding gives, under its common name
            break
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:  # the detector saw a sample; the whole file must read too
        raise InputError(f"{where}: cannot tell its text encoding (not UTF-8, nor {label(codec)})") from None
    return Decoded(text, label(codec))


def decode(data: bytes, where: str, *, html: bool = False) -> Decoded:
    """``data`` as text with the encoding it was read in, or InputError (binary, undecidable).

    In order: a byte-order mark; binary data is refused; for a web page (``html``) its declared
    charset; valid UTF-8; otherwise the single-byte encoding charset-normalizer finds.
    """
    bom = _from_bom(data, where)
    if bom is not None:
        return bom
    try:
        utf8: str | None = data.decode(UTF8)
    except UnicodeDecodeError:
        utf8 = None
    # Signatures only for bytes that are not clean UTF-8 text: "BZh" or "%PDF-" may start a sentence.
    reason = _binary_reason(data) if utf8 is None or "\x00" in utf8 else None
    if reason is not None:
        raise InputError(f"{where} {reason}")
    declared = declared_charset(data) if html else None
    if declared is not None:
        try:
            return Decoded(data.decode(declared), label(declared))
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{where} declares charset {label(declared)} but is not {label(declared)} text "
                f"(bad byte at offset {exc.start})"
            ) from None
    if utf8 is not None:
        return Decoded(utf8, UTF8)
    control = _CONTROL.search(data)
    if control is not None:
        raise InputError(
            f"{where} looks binary (control byte 0x{control.group()[0]:02x} at offset {control.start()}), "
            "not text"
        )
    return _detect(data, where)


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line of a JSON Lines file: its text and encoding, or why it cannot be read."""

    number: int
    decoded: Decoded | None
    error: str | None = None


def jsonl_lines(f: BinaryIO, where: str, limit: int) -> Iterator[Line]:
    """The lines of a JSON Lines file, read one at a time, each at most ``limit`` bytes.

    A byte-order mark sets the encoding of the whole file. Otherwise each line that is UTF-8 is
    read as UTF-8, and the first line that is not sets the file's legacy encoding for the rest,
    so one file is never read in two legacy encodings. Lines split at ``\\n`` only: U+2028 and
    other Unicode line breaks may sit inside a JSON string.
    """
    head = f.read(4)
    for bom, codec, name in _BOMS:
        if head.startswith(bom) and name != UTF8:
            f.seek(len(bom))
            yield from _wide_lines(f, where, limit, codec, name)
            return
    f.seek(len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0)
    legacy: str | None = None  # the codec of the file's first non-UTF-8 line
    number = 0
    while raw := f.readline(limit + 1):
        number += 1
        at = f"{where}:{number}"
        if len(raw) > limit and not raw.endswith(b"\n"):
            while (rest := f.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass  # skip the rest of an oversized line without holding it
            yield Line(number, None, f"{at}: line is over {limit // 2**20} MB")
            continue
        if not raw.strip():
            continue
        try:
            yield Line(number, Decoded(raw.decode(UTF8), UTF8))
            continue
        except UnicodeDecodeError:
            pass
        if legacy is None:
            try:
                decoded = decode(raw, at)
            except InputError as exc:
                yield Line(number, None, str(exc))
                continue
            legacy = decoded.encoding
            yield Line(number, decoded)
            continue
        try:
            yield Line(number, Decoded(raw.decode(legacy), legacy))
        except UnicodeDecodeError as exc:
            yield Line(
                number,
                None,
                f"{at}: not {legacy} text like the file's earlier lines (bad byte at offset {exc.start})",
            )


def _wide_lines(f: BinaryIO, where: str, limit: int, codec: str, name: str) -> Iterator[Line]:
    """The lines of a UTF-16 or UTF-32 file: ``\\n`` is more than one byte there."""
    import io

    reader = io.TextIOWrapper(f, encoding=codec, errors="strict", newline="\n")
    number = 0
    try:
        while line := reader.readline(limit + 1):
            number += 1
            if len(line) > limit and not line.endswith("\n"):
                while (rest := reader.readline(1 << 20)) and not rest.endswith("\n"):
                    pass
                yield Line(number, None, f"{where}:{number}: line is over {limit // 2**20} MB")
            elif line.strip():
                yield Line(number, Decoded(line, name))
    except UnicodeDecodeError:
        yield Line(number + 1, None, f"{where}:{number + 1}: not {name} text despite the byte-order mark")
    finally:
        reader.detach()  # the caller closes the file
