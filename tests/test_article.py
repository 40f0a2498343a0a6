import json

import pytest

from geomap.article import MAX_TEXT_BYTES, read_articles
from geomap.errors import InputError


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
        ("latin1.txt", "Münster".encode("latin-1"), "not UTF-8"),
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


def test_oversized_and_missing_files(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_TEXT_BYTES + 1))
    with pytest.raises(InputError, match="limit is 5 MB"):
        list(read_articles(big))
    with pytest.raises(InputError, match="no such file"):
        list(read_articles(tmp_path / "nope.txt"))
