"""Bytes to text: UTF-8 kept as it is, legacy news encodings told, binary refused.

Every input is written here as bytes, in the encoding under test.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.errors import InputError
from geomap.inputs.encodings import declared_charset, decode, jsonl_lines

BOGOTA = "Protesters marched through Bogotá on Monday, and police closed roads in São Paulo."
QUOTES = "The mayor said “we will rebuild” after the storm cost €40 million in Málaga – a record."


@pytest.mark.parametrize(
    "text",
    [
        "Floods in Sindh.",
        "Rain in Bogotá.",
        "Ç",  # one accented letter: valid UTF-8 is never second-guessed
        "Ã©",  # UTF-8 that a detector could take for Windows-1252 mojibake
        "Київ — Харків",
        "BZh, the reporter wrote, was the sound of the drone.",  # a bzip2 signature, in text
        "%PDF-1.4 is the version the report cites.",
    ],
)
def test_valid_utf8_is_read_as_utf8(text):
    decoded = decode(text.encode("utf-8"), "x.txt")
    assert (decoded.text, decoded.encoding) == (text, "utf-8")


def test_utf8_byte_order_mark_is_dropped():
    decoded = decode(b"\xef\xbb\xbf" + "Rain in São Paulo.".encode(), "x.txt")
    assert (decoded.text, decoded.encoding) == ("Rain in São Paulo.", "utf-8")


@pytest.mark.parametrize(("codec", "name"), [("utf-16-le", "utf-16le"), ("utf-16-be", "utf-16be")])
def test_utf16_with_a_byte_order_mark(codec, name):
    decoded = decode(("\ufeff" + BOGOTA).encode(codec), "x.txt")
    assert (decoded.text, decoded.encoding) == (BOGOTA, name)


def test_windows_1252_smart_quotes_and_euro_sign():
    decoded = decode(QUOTES.encode("cp1252"), "x.txt")
    assert (decoded.text, decoded.encoding) == (QUOTES, "windows-1252")


@pytest.mark.parametrize("text", [BOGOTA, "Flooding hit São Paulo.", "Rain in Münster."])
def test_latin1_accented_place_names(text):
    # Latin-1 is read as Windows-1252, its superset, as browsers do: the text is the same.
    decoded = decode(text.encode("latin-1"), "x.txt")
    assert decoded.text == text
    assert decoded.encoding in ("windows-1252", "iso-8859-1")


@pytest.mark.parametrize(
    ("text", "codec", "name"),
    [
        ("Powódź zalała Wrocław i okolice Łodzi, mówią władze.", "cp1250", "windows-1250"),
        ("Взрыв произошёл в Харькове в понедельник утром, сообщили власти.", "cp1251", "windows-1251"),
        ("Взрыв произошёл в Харькове в понедельник утром, сообщили власти.", "koi8_r", "koi8-r"),
        ("Σεισμός έπληξε την Αθήνα τη Δευτέρα το πρωί, είπαν οι αρχές.", "cp1253", "windows-1253"),
        ("İstanbul'da büyük bir yangın çıktı, Şişli ilçesinde.", "cp1254", "windows-1254"),
    ],
)
def test_other_legacy_single_byte_encodings(text, codec, name):
    decoded = decode(text.encode(codec), "x.txt")
    assert (decoded.text, decoded.encoding) == (text, name)


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG image"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd", "gzip archive"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "zip archive"),
        (b"Rain\x00in\x00Aden", "NUL bytes"),
        (b"Rain in Aden\x01\x02\xe9", "control byte 0x01"),
    ],
)
def test_binary_data_is_refused(data, what):
    with pytest.raises(InputError, match=r"^x\.bin is binary|^x\.bin looks binary") as info:
        decode(data, "x.bin")
    assert what in str(info.value) and "\n" not in str(info.value)


def test_text_whose_encoding_cannot_be_told_is_refused():
    with pytest.raises(InputError, match="cannot tell its text encoding"):
        decode(bytes(range(0x80, 0x100)) * 4, "x.txt")


def test_a_bad_utf16_file_is_refused_despite_its_mark():
    with pytest.raises(InputError, match="utf-16le byte-order mark but is not utf-16le"):
        decode(b"\xff\xfeR\x00a\x00\x00\xd8", "x.txt")  # a lone surrogate at the end


@pytest.mark.parametrize(
    ("head", "codec"),
    [
        (b'<html><head><meta charset="windows-1251">', "cp1251"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=KOI8-R">', "koi8-r"),
        (b'<?xml version="1.0" encoding="iso-8859-2"?><html>', "iso8859-2"),
        (b"<meta charset=iso-8859-1>", "cp1252"),  # as browsers read it
        (b'<meta charset="no-such-charset">', None),
        (b"<html><body>no declaration</body></html>", None),
    ],
)
def test_declared_html_charset(head, codec):
    assert declared_charset(head) == codec


def test_html_meta_charset_wins_over_detection():
    # Cyrillic bytes that read as plausible Windows-1252 too; the page says which it is.
    text = "Взрыв в Харькове"
    page = b'<html><head><meta charset="koi8-r"></head><body><p>' + text.encode("koi8_r") + b"</p>"
    decoded = decode(page, "x.html", html=True)
    assert text in decoded.text and decoded.encoding == "koi8-r"
    # a page declared UTF-8 that is not: refused with what it declared
    with pytest.raises(InputError, match="declares charset utf-8 but is not utf-8"):
        decode(b'<meta charset="utf-8"><p>Bogot\xe1</p>', "x.html", html=True)


def test_jsonl_lines_keep_one_legacy_encoding_per_file_and_split_at_newline_only():
    data = (
        b'{"text": "Rain in Aden."}\n'
        + '{"text": "Protests in Bogotá\u2028and in São Paulo."}\n'.encode("utf-8")
        + '{"text": "Protesters marched through Bogotá on Monday and São Paulo on Friday."}\n'.encode(
            "cp1252"
        )
        + b"\n"
        + '{"text": "Rain in Münster."}\n'.encode("cp1252")
    )
    lines = list(jsonl_lines(io.BytesIO(data), "f.jsonl", 1000))
    assert [line.number for line in lines] == [1, 2, 3, 5]  # the blank line is skipped
    assert [line.decoded.encoding for line in lines] == ["utf-8", "utf-8", "windows-1252", "windows-1252"]
    assert "Bogotá\u2028and" in lines[1].decoded.text and "Münster" in lines[3].decoded.text


def test_jsonl_lines_of_a_utf16_file():
    data = "\ufeff".encode("utf-16-le") + '{"text": "Rain in São Paulo."}\n{"text": "x"}\n'.encode(
        "utf-16-le"
    )
    lines = list(jsonl_lines(io.BytesIO(data), "f.jsonl", 1000))
    assert [line.decoded.text for line in lines] == ['{"text": "Rain in São Paulo."}\n', '{"text": "x"}\n']
    assert {line.decoded.encoding for line in lines} == {"utf-16le"}


def test_jsonl_binary_line_is_a_reason_not_a_crash():
    data = b'{"text": "Rain in Aden."}\n\x1f\x8b\x08\x00\x01\x02\x03\n{"text": "Sun in Taiz."}\n'
    lines = list(jsonl_lines(io.BytesIO(data), "f.jsonl", 1000))
    assert lines[1].decoded is None and "f.jsonl:2" in lines[1].error and "gzip" in lines[1].error
    assert lines[2].decoded.text.startswith('{"text": "Sun')


def test_charset_normalizer_is_not_imported_for_utf8():
    import subprocess
    import sys

    code = (
        "import sys, geomap.inputs.article, geomap.inputs.encodings as e; e.decode(b'Rain in Aden', 'x');"
        "print('charset_normalizer' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_text_or_a_one_line_reason(data):
    try:
        decoded = decode(data, "x.txt")
    except InputError as exc:
        assert str(exc).startswith("x.txt") and "\n" not in str(exc)
    else:
        assert isinstance(decoded.text, str) and decoded.encoding
        if data.isascii() and b"\x00" not in data:
            assert (decoded.text, decoded.encoding) == (data.decode("ascii"), "utf-8")
