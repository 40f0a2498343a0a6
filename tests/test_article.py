import json

import pytest

from geomap.errors import InputError
from geomap.inputs.article import MAX_TEXT_BYTES, read_articles


def test_text_file_gives_one_article_titled_by_its_first_line(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Floods in Sindh\n\nWater rose near Hyderabad.", encoding="utf-8")
    (article,) = read_articles(path)
    assert article.id == "story" and article.title == "Floods in Sindh"
    assert article.text.endswith("Hyderabad.")


def test_jsonl_keeps_ids_and_order(tmp_path):
    path = tmp_path / "feed.jsonl"
    rows = [{"id": "b", "text": "In Aden."}, {"id": "a", "text": "In Taiz.", "date": "2024-01-02"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    articles = list(read_articles(path))
    assert [a.id for a in articles] == ["b", "a"]
    assert articles[1].date == "2024-01-02"


def test_json_list(tmp_path):
    path = tmp_path / "two.json"
    path.write_text(json.dumps([{"text": "In Aden."}, {"text": "In Taiz.", "title": "T"}]))
    assert [a.title for a in read_articles(path)] == ["In Aden.", "T"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"   \n", "is empty"),
        ("bin.txt", b"\x00\x01\x02PNG", "binary"),
        ("noise.txt", bytes(range(0x80, 0x100)) * 4, "cannot tell its text encoding"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary \\(a PNG image\\)"),
        ("bad.jsonl", b'{"text": "ok"}\n{"text": \n', ":2: invalid JSON"),
        ("notext.jsonl", b'{"id": 1}\n', 'missing or empty "text"'),
        ("list.jsonl", b"[1, 2]\n", "expected a JSON object"),
        ("page.pdf", b"%PDF-1.4", "unsupported input type"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        list(read_articles(path))


def test_a_directory_points_to_geomap_batch(tmp_path):
    with pytest.raises(InputError, match=r"^.*: is a directory; use `geomap batch`$"):
        list(read_articles(tmp_path))


def test_legacy_encodings_are_read_and_recorded(tmp_path):
    text = "Protesters marched through Bogotá on Monday; “calm” returned to São Paulo by Friday."
    (tmp_path / "a.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "b.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "c.json").write_bytes(
        ("\ufeff" + json.dumps({"text": text}, ensure_ascii=False)).encode("utf-16-le")
    )
    (a,) = read_articles(tmp_path / "a.txt")
    (b,) = read_articles(tmp_path / "b.txt")
    (c,) = read_articles(tmp_path / "c.json")
    assert a.text == b.text == c.text == text
    assert (a.encoding, b.encoding, c.encoding) == ("windows-1252", "utf-8", "utf-16le")


def test_jsonl_in_latin1_with_a_raw_line_separator_inside_a_string(tmp_path):
    path = tmp_path / "feed.jsonl"
    rows = [{"id": "one", "text": "Rain in Aden\u2028and Taiz."}, {"id": "two", "text": "Snow in Münster."}]
    path.write_bytes(
        b"".join(
            json.dumps(r, ensure_ascii=False).encode("utf-8" if r["id"] == "one" else "latin-1") + b"\n"
            for r in rows
        )
    )
    one, two = read_articles(path)
    assert (one.id, one.text, one.encoding) == ("one", "Rain in Aden\u2028and Taiz.", "utf-8")
    assert (two.id, two.text, two.encoding) == ("two", "Snow in Münster.", "windows-1252")


def test_html_page_in_its_declared_charset(tmp_path):
    path = tmp_path / "kyiv.html"
    page = '<html><head><meta charset="windows-1251"><title>Удар по Києву</title></head>'
    page += "<body><p>Вибухи пролунали в Києві та Харкові в понеділок.</p></body></html>"
    path.write_bytes(page.encode("cp1251"))
    (article,) = read_articles(path)
    assert "Вибухи пролунали в Києві" in article.text and article.encoding == "windows-1251"


def test_oversized_and_missing_files(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_TEXT_BYTES + 1))
    with pytest.raises(InputError, match="limit is 5 MB"):
        list(read_articles(big))
    with pytest.raises(InputError, match="no such file"):
        list(read_articles(tmp_path / "nope.txt"))


ARTICLE_PAGE = """<!doctype html>
<html><head>
<title>Ships attacked in the Red Sea | Example News</title>
<meta property="og:title" content="Ships attacked in the Red Sea">
<meta property="article:published_time" content="2024-01-12T08:00:00Z">
<style>body { color: red; } .promo { content: "Stylesheet Island"; }</style>
<script>var tracker = "Scriptville"; console.log("loaded");</script>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Ships attacked in the Red Sea</h1>
<p>Houthi forces fired missiles at a cargo ship off Hodeidah on Thursday, the navy said.</p>
<script>window.adSlot = "Inline Script Town";</script>
<p>The vessel was sailing toward the Bab el-Mandeb strait when it was struck.</p>
</article>
<footer>Copyright 2024 Example News</footer>
</body></html>
"""


def test_html_page_gives_its_title_and_paragraphs(tmp_path):
    path = tmp_path / "red-sea.html"
    path.write_text(ARTICLE_PAGE, encoding="utf-8")
    (article,) = read_articles(path)
    assert article.id == "red-sea"
    assert article.title == "Ships attacked in the Red Sea"
    assert article.text.startswith("Ships attacked in the Red Sea\n")
    assert "cargo ship off Hodeidah on Thursday" in article.text
    assert "toward the Bab el-Mandeb strait" in article.text
    assert article.date == "2024-01-12"


def test_html_scripts_and_styles_never_reach_the_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(ARTICLE_PAGE, encoding="utf-8")
    (article,) = read_articles(path)
    for hidden in (
        "Scriptville",
        "Inline Script Town",
        "Stylesheet Island",
        "console.log",
        "color: red",
        "{",
    ):
        assert hidden not in article.text


def test_html_headline_outside_the_body_text_is_kept_first(tmp_path):
    path = tmp_path / "kyiv.htm"
    page = (
        "<html><head><title>Drones over Kyiv</title></head>"
        "<body><div><p>Air defences fired near Kharkiv.</p></div></body></html>"
    )
    path.write_text(page, encoding="utf-8")
    (article,) = read_articles(path)
    assert article.text == "Drones over Kyiv\n\nAir defences fired near Kharkiv."
    assert article.title == "Drones over Kyiv"


def test_html_fragment_is_read(tmp_path):
    path = tmp_path / "snippet.html"
    path.write_text("<p>Fighting continued in Rafah on Tuesday.</p>", encoding="utf-8")
    (article,) = read_articles(path)
    assert article.text == "Fighting continued in Rafah on Tuesday."


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title></title></head><body></body></html>",
        "<!doctype html><html><body>   <div> </div>\n</body></html>",
    ],
)
def test_html_with_no_text_is_an_input_error(tmp_path, page):
    path = tmp_path / "empty.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(InputError, match=r"empty\.html has no article text"):
        list(read_articles(path))


def test_html_full_of_scripts_gives_an_error_or_only_visible_text(tmp_path):
    path = tmp_path / "app.html"
    page = (
        "<html><head><script>var city = 'Paris';</script><style>p { color: blue }</style></head>"
        "<body><script>document.write('London')</script>"
        '<script type="application/ld+json">{"headline": "Berlin"}</script>'
        "<noscript>Please enable JavaScript.</noscript>"
        "<div id='app'></div><script src='bundle.js'></script></body></html>"
    )
    path.write_text(page, encoding="utf-8")
    try:
        articles = list(read_articles(path))
    except InputError as exc:
        assert "has no article text" in str(exc)
    else:
        for hidden in ("Paris", "London", "Berlin", "color", "document.write"):
            assert all(hidden not in a.text for a in articles)


def test_html_import_is_lazy():
    # `import geomap` and reading plain text must not pay for trafilatura and lxml.
    import subprocess
    import sys

    code = "import sys, geomap, geomap.inputs.article; print('trafilatura' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("date", ["2024-13-45", "0000-00-00", "2024-02-30", "2024-00", "12 March", "202403"])
def test_a_json_article_with_an_impossible_date_is_refused_by_name(tmp_path, date):
    # the same check as the web API's (a 422 there naming the field)
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"text": "Protesters marched in Aden.", "date": date}), encoding="utf-8")
    with pytest.raises(InputError, match=r"date .* is not a day YYYY-MM-DD, a month YYYY-MM or a year YYYY"):
        list(read_articles(path))


@pytest.mark.parametrize("date", ["2024-02-29", "2024-03", "2024", "0001-01-01"])
def test_a_json_article_keeps_a_day_a_month_or_a_year(tmp_path, date):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"text": "Protesters marched in Aden.", "date": date}), encoding="utf-8")
    assert [a.date for a in read_articles(path)] == [date]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('{"text": "Shelling hit Kharkiv \\ud800 on Monday."}', "lone surrogate"),
        ('{"text": "Shelling hit Kharkiv.", "title": "\\udfff"}', "lone surrogate"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"text": "Shelling hit Kharkiv.", "title": "Kharkiv\\u0000"}', "NUL character"),
    ],
)
@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_json_no_article_can_be_is_refused_in_one_line(tmp_path, content, says, suffix):
    # valid JSON for json.loads, yet no article: before, a traceback from deep inside
    path = tmp_path / f"a{suffix}"
    path.write_text(content + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=says):
        list(read_articles(path))
