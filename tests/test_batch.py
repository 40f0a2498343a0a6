"""geomap batch: outputs, failures, path safety, resume, interruption, escaping, Dask."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import socket
import warnings
from pathlib import Path

import pytest

import geomap.batch.runner as batch
from geomap.batch.inputs import MAX_NAME_CHARS, safe_name
from geomap.batch.runner import run_batch
from geomap.cli.exit_codes import EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL
from geomap.cli.main import main

ARTICLES = {
    "rafah": "Airstrike hits Rafah\nAn airstrike killed 12 people in Rafah, in southern Gaza, on Tuesday. "
    "Residents fled north to Khan Younis.",
    "red-sea": "Ship attacked in the Red Sea\nHouthi rebels attacked a cargo ship near the Bab al-Mandab "
    "strait off Yemen on Monday.",
    "nairobi": "Arrests in Nairobi\nPolice arrested 40 protesters in Nairobi, Kenya, on Friday after "
    "clashes near the parliament.",
}


def write_folder(folder: Path, articles: dict[str, str] = ARTICLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def write_jsonl(path: Path, objects: list[object]) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objects), encoding="utf-8")
    return path


def failures(out: Path) -> list[dict]:
    text = (out / "failures.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def article_files(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((out / "articles").iterdir())}


@pytest.fixture
def local_parser(monkeypatch, geoparser):
    """The CLI's in-process parser is the session's, so CLI tests open spaCy no more than once."""
    monkeypatch.setattr(batch, "cached_parser", lambda index_path=None: geoparser)
    return geoparser


def test_outputs_are_present_and_consistent(tmp_path, geoparser):
    out = tmp_path / "out"
    summary = run_batch(str(write_folder(tmp_path / "in")), out, parser=geoparser, progress=False)
    assert summary.failures == 0 and summary.parsed == summary.articles == len(ARTICLES)
    files = article_files(out)
    assert sorted(files) == sorted(f"{name}.json" for name in ARTICLES)
    for name, text in files.items():
        obj = json.loads(text)
        assert obj["id"] == name.removesuffix(".json")
        assert obj.keys() >= {"id", "title", "date", "mentions", "places", "incidents"}
    collection = json.loads((out / "incidents.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    incidents = [f for f in collection["features"] if f["properties"]["kind"] == "incident"]
    places = [f for f in collection["features"] if f["properties"]["kind"] == "place"]
    assert len(incidents) == summary.incidents > 0 and len(places) == summary.places > 0
    assert {f["properties"]["article_id"] for f in incidents} <= set(ARTICLES)
    with (out / "incidents.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["event_id"] for r in rows) == sorted(f["properties"]["id"] for f in incidents)
    assert (out / "map.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert failures(out) == []


def test_same_json_as_geomap_parse(tmp_path, geoparser, capsys):
    folder = write_folder(tmp_path / "in", {"rafah": ARTICLES["rafah"]})
    run_batch(str(folder), tmp_path / "out", parser=geoparser, progress=False)
    expected = json.dumps(
        geoparser.parse_article(_read_one(folder / "rafah.txt")).to_dict(), ensure_ascii=False
    )
    assert (tmp_path / "out" / "articles" / "rafah.json").read_text(encoding="utf-8").strip() == expected


def _read_one(path: Path):
    from geomap.inputs.article import read_articles

    return next(iter(read_articles(path)))


def test_partial_failure_exits_4_and_writes_the_good_ones(tmp_path, local_parser, capsys):
    folder = write_folder(tmp_path / "in")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (folder / "gzip.txt").write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03")
    (folder / "undecidable.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)
    (folder / "huge.txt").write_bytes(b"Paris. " * (5 * 2**20 // 7 + 10))
    (folder / "broken.json").write_text('{"text": "unterminated', encoding="utf-8")
    write_jsonl(
        folder / "lines.jsonl",
        [
            {"id": "ok-line", "text": "Protesters gathered in Cairo, Egypt, on Friday."},
            {"id": "no-text\u2028on two\u2029lines"},
        ],
    )
    with (folder / "lines.jsonl").open("a", encoding="utf-8") as f:
        f.write("{not json\n")
        f.write(json.dumps({"id": "rafah", "text": "A duplicate of the Rafah id."}) + "\n")
    out = tmp_path / "out"
    assert main(["batch", str(folder), "--out", str(out)]) == EXIT_PARTIAL
    err = capsys.readouterr().err
    assert "Traceback" not in err
    reasons = {Path(f["input"]).name: f["reason"] for f in failures(out)}
    assert set(reasons) == {
        "empty.txt",
        "binary.txt",
        "gzip.txt",
        "undecidable.txt",
        "huge.txt",
        "broken.json",
        "lines.jsonl:2",
        "lines.jsonl:3",
        "rafah.txt",
    }  # fmt: skip (lines.jsonl sorts first: its "rafah" is the original, rafah.txt the duplicate)
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["binary.txt"]
    assert "gzip" in reasons["gzip.txt"] and "MB" in reasons["huge.txt"]
    assert "cannot tell its text encoding" in reasons["undecidable.txt"]
    assert "invalid JSON" in reasons["broken.json"] and "invalid JSON" in reasons["lines.jsonl:3"]
    assert '"text"' in reasons["lines.jsonl:2"] and "duplicate id" in reasons["rafah.txt"]
    for reason in reasons.values():
        assert "\n" not in reason and reason in err  # one line each, on stderr too
    assert sorted(article_files(out)) == sorted([f"{name}.json" for name in ARTICLES] + ["ok-line.json"])
    assert "9 failures" in err
    # failures() splits at str.splitlines' breaks, U+2028 among them: the escaped id stays on its line
    ids = {f["id"] for f in failures(out)}
    assert "no-text\u2028on two\u2029lines" in ids


def test_all_good_exits_0(tmp_path, local_parser, capsys):
    out = tmp_path / "out"
    assert main(["batch", str(write_folder(tmp_path / "in")), "--out", str(out)]) == EXIT_OK
    assert "3 articles (3 parsed, 0 already done)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "article_id", ["../../x", "/etc/passwd", "..", ".hidden", "a/../../b", "C:\\x", "x" * 500, "é/..\x00"]
)
def test_safe_name_stays_in_its_folder(article_id):
    name = safe_name(article_id)
    assert "/" not in name and "\\" not in name and ".." not in name and not name.startswith(".")
    assert 0 < len(name) <= MAX_NAME_CHARS + 11 and name.isascii() and "\x00" not in name
    assert safe_name(article_id) == name  # deterministic


def test_safe_names_do_not_collide():
    ids = ["a/b", "a:b", "a_b", "a b", "A_b"]
    assert len({safe_name(i) for i in ids}) == len(ids)
    assert safe_name("a_b") == "a_b"  # a safe id keeps its name


def test_ids_cannot_write_outside_dir(tmp_path, geoparser):
    ids = ["../../x", "/etc/passwd", "..", "../articles/../../y", "a/b", "a_b"]
    text = "Protesters gathered in Cairo, Egypt, on Friday."
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": text} for i in ids])
    out = tmp_path / "deep" / "out"
    summary = run_batch(str(source), out, parser=geoparser, progress=False)
    assert summary.articles == len(ids) and summary.failures == 0
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(
        [source, *(out / "articles").iterdir(), *(p for p in out.iterdir() if p.is_file())]
    )
    stored = {json.loads(p.read_text(encoding="utf-8"))["id"] for p in (out / "articles").iterdir()}
    assert stored == set(ids)


def test_resume_loses_and_duplicates_nothing(tmp_path, geoparser):
    folder = write_folder(tmp_path / "in")
    out = tmp_path / "out"
    first = run_batch(str(folder), out, parser=geoparser, progress=False)
    files = article_files(out)
    geojson = (out / "incidents.geojson").read_text(encoding="utf-8")
    csv_text = (out / "incidents.csv").read_text(encoding="utf-8")
    (out / "articles" / "red-sea.json").unlink()
    for name in ("incidents.geojson", "incidents.csv", "map.html", "failures.jsonl"):
        (out / name).unlink()
    second = run_batch(str(folder), out, parser=geoparser, progress=False)
    assert (second.parsed, second.skipped) == (1, len(ARTICLES) - 1)
    assert article_files(out) == files
    assert (out / "incidents.geojson").read_text(encoding="utf-8") == geojson
    assert (out / "incidents.csv").read_text(encoding="utf-8") == csv_text
    mtimes = {p.name: p.stat().st_mtime_ns for p in (out / "articles").iterdir()}
    third = run_batch(str(folder), out, parser=geoparser, progress=False)
    assert (third.parsed, third.skipped) == (0, len(ARTICLES))
    assert {p.name: p.stat().st_mtime_ns for p in (out / "articles").iterdir()} == mtimes
    assert (first.articles, first.places, first.incidents) == (third.articles, third.places, third.incidents)


def test_torn_article_file_is_parsed_again(tmp_path, geoparser):
    folder = write_folder(tmp_path / "in")
    out = tmp_path / "out"
    run_batch(str(folder), out, parser=geoparser, progress=False)
    good = (out / "articles" / "rafah.json").read_text(encoding="utf-8")
    (out / "articles" / "rafah.json").write_text(good[: len(good) // 2], encoding="utf-8")
    summary = run_batch(str(folder), out, parser=geoparser, progress=False)
    assert summary.parsed == 1 and (out / "articles" / "rafah.json").read_text(encoding="utf-8") == good


def test_interrupt_leaves_whole_files_and_resumes(tmp_path, local_parser, monkeypatch, capsys):
    text = "Police arrested {n} people in Nairobi, Kenya, on Friday."
    source = write_jsonl(
        tmp_path / "in.jsonl", [{"id": f"a{n}", "text": text.format(n=n)} for n in range(40)]
    )
    real = batch.parse_chunk
    calls = []

    def interrupted(chunk, **kwargs):
        calls.append(len(chunk))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(chunk, **kwargs)

    monkeypatch.setattr(batch, "parse_chunk", interrupted)
    out = tmp_path / "out"
    assert main(["batch", str(source), "--out", str(out)]) == EXIT_INTERRUPTED
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == sorted(f"a{n}.json" for n in range(16))
    monkeypatch.setattr(batch, "parse_chunk", real)
    summary = run_batch(str(source), out, parser=local_parser, progress=False)
    assert (summary.parsed, summary.skipped, summary.articles) == (24, 16, 40)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_script_payloads_never_run_in_the_map(tmp_path, geoparser):
    payload = "<script>alert('pwned')</script>"
    objects = [
        {
            "id": f"x{payload}",
            "title": f"</script>{payload}",
            "url": "javascript:alert(1)",
            "text": f"Protesters {payload} gathered in Cairo, Egypt. An airstrike killed 3 people in "
            f"Rafah {payload} <img src=x onerror=alert(2)> on Tuesday.",
        }
    ]
    out = tmp_path / "out"
    run_batch(str(write_jsonl(tmp_path / "in.jsonl", objects)), out, parser=geoparser, progress=False)
    html = (out / "map.html").read_text(encoding="utf-8")
    assert "Cairo" in html and "pwned" in html  # the article is on the map, escaped
    # escaped, the payload's text may show ("&lt;img src=x onerror=alert(2)&gt;"); as markup it must not
    assert "<script>alert" not in html and "<img src=x onerror" not in html
    assert 'href="javascript:' not in html


def test_two_dask_workers_give_the_same_articles(tmp_path, geoparser, capfd):
    folder = write_folder(tmp_path / "in")
    lines = [{"id": f"n{n}", "text": f"Police arrested {n} people in Nairobi, Kenya."} for n in range(20)]
    write_jsonl(folder / "more.jsonl", lines)
    one = run_batch(str(folder), tmp_path / "one", parser=geoparser, progress=False)
    # Another cluster's HTTP port (8787, Dask's default) is taken: the batch must not warn about it.
    with socket.socket() as held, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with contextlib.suppress(OSError):  # already held by someone else: just as good
            held.bind(("127.0.0.1", 8787))
            held.listen()
        two = run_batch(str(folder), tmp_path / "two", workers=2, progress=False)
    assert not [w for w in caught if "already in use" in str(w.message)]
    assert "already in use" not in capfd.readouterr().err
    assert (two.parsed, two.failures) == (one.parsed, 0) == (len(ARTICLES) + 20, 0)
    assert article_files(tmp_path / "two") == article_files(tmp_path / "one")
    assert (tmp_path / "two" / "incidents.geojson").read_text(encoding="utf-8") == (
        tmp_path / "one" / "incidents.geojson"
    ).read_text(encoding="utf-8")


def read_back(out: Path, ids: list[str]) -> list:
    from geomap.batch.worker import article_path
    from geomap.inputs.parsed import article_from_dict

    return [article_from_dict(json.loads(article_path(out, i).read_text(encoding="utf-8")), i) for i in ids]


def test_streamed_outputs_are_the_exports_of_all_articles(tmp_path, geoparser):
    from geomap.outputs.export import dumps_csv, dumps_geojson

    # the same places in many articles, so the spooled merge pools sentences and ids
    lines = [
        {
            "id": f"n{n}",
            "text": f"Police arrested {n} people in Nairobi, Kenya. Shelling hit Rafah on Monday.",
        }
        for n in range(12)
    ]
    lines.insert(5, {"id": "nothing", "text": "Nothing happened anywhere today."})
    out = tmp_path / "out"
    summary = run_batch(str(write_jsonl(tmp_path / "in.jsonl", lines)), out, parser=geoparser, progress=False)
    articles = read_back(out, [line["id"] for line in lines])
    assert summary.articles == len(lines) and summary.incidents == sum(len(a.incidents) for a in articles)
    assert (out / "incidents.geojson").read_text(encoding="utf-8") == dumps_geojson(articles)
    assert (out / "incidents.csv").read_bytes() == dumps_csv(articles).encode("utf-8")
    nairobi = [
        f for f in json.loads(dumps_geojson(articles))["features"] if f["properties"].get("name") == "Nairobi"
    ]
    assert len(nairobi) == 1 and len(nairobi[0]["properties"]["article_ids"]) == 12


def test_geojson_of_a_corpus_without_places_is_an_empty_collection(tmp_path, geoparser):
    lines = [{"id": f"q{n}", "text": "Nothing happened anywhere today."} for n in range(3)]
    out = tmp_path / "out"
    run_batch(str(write_jsonl(tmp_path / "in.jsonl", lines)), out, parser=geoparser, progress=False)
    collection = json.loads((out / "incidents.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and collection["features"] == []


def test_ogrinfo_opens_the_streamed_geojson(tmp_path, geoparser):
    import shutil
    import subprocess

    ogrinfo = shutil.which("ogrinfo")
    assert ogrinfo, "ogrinfo (gdal-bin) is installed by scripts/setup.sh"
    out = tmp_path / "out"
    summary = run_batch(str(write_folder(tmp_path / "in")), out, parser=geoparser, progress=False)
    path = out / "incidents.geojson"
    proc = subprocess.run([ogrinfo, "-ro", "-al", "-so", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0 and "ERROR" not in proc.stderr, proc.stderr
    assert f"Feature Count: {summary.places + summary.incidents}" in proc.stdout


def test_map_shows_at_most_the_cap_and_says_so(tmp_path, local_parser, capsys):
    lines = [
        {"id": f"city{n}", "text": f"Police arrested {n + 2} people in Nairobi, Kenya."} for n in range(5)
    ]
    source = write_jsonl(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out"
    assert main(["batch", str(source), "--out", str(out), "--map-articles", "2"]) == EXIT_OK
    err = capsys.readouterr().err
    assert "the map shows the first 2 of 5 articles" in err
    html = (out / "map.html").read_text(encoding="utf-8")
    assert "the map shows the first 2 of 5 articles" in html
    assert "city0" in html and "city1" in html and "city2" not in html
    collection = json.loads((out / "incidents.geojson").read_text(encoding="utf-8"))
    incident_articles = {
        f["properties"]["article_id"] for f in collection["features"] if "article_id" in f["properties"]
    }
    assert incident_articles == {line["id"] for line in lines}  # the GeoJSON holds every article
    with (out / "incidents.csv").open(encoding="utf-8", newline="") as f:
        assert {row["article_id"] for row in csv.DictReader(f)} == incident_articles

    assert main(["batch", str(source), "--out", str(out)]) == EXIT_OK  # under the default cap
    assert "map shows" not in capsys.readouterr().err
    assert "the map shows the first" not in (out / "map.html").read_text(encoding="utf-8")


def test_map_cap_must_be_positive(tmp_path, local_parser):
    with pytest.raises(batch.InputError):
        run_batch(str(write_folder(tmp_path / "in")), tmp_path / "out", parser=local_parser, map_limit=0)


def test_nothing_left_to_parse_never_opens_the_parser(tmp_path, geoparser, monkeypatch):
    folder = write_folder(tmp_path / "in")
    out = tmp_path / "out"
    run_batch(str(folder), out, parser=geoparser, progress=False)

    def no_parser(index_path=None):
        raise AssertionError("the parser was opened with nothing to parse")

    monkeypatch.setattr(batch, "cached_parser", no_parser)
    summary = run_batch(str(folder), out, progress=False)
    assert (summary.parsed, summary.skipped) == (0, len(ARTICLES))


def test_with_two_workers_this_process_parses_too(tmp_path, geoparser, monkeypatch):
    lines = [{"id": f"k{n}", "text": f"Police arrested {n} people in Nairobi, Kenya."} for n in range(64)]
    source = write_jsonl(tmp_path / "in.jsonl", lines)
    one = run_batch(str(source), tmp_path / "one", parser=geoparser, progress=False)
    here = []
    real = batch.parse_chunk

    def counted(chunk, **kwargs):
        here.append(len(chunk))
        return real(chunk, **kwargs)

    monkeypatch.setattr(batch, "parse_chunk", counted)  # this process only: Dask workers import their own
    two = run_batch(str(source), tmp_path / "two", workers=2, parser=geoparser, progress=False)
    assert 0 < sum(here) < len(lines)  # the worker took its share, this process the rest
    assert (two.parsed, two.failures) == (one.parsed, 0) == (len(lines), 0)
    assert article_files(tmp_path / "two") == article_files(tmp_path / "one")
    for name in ("incidents.geojson", "incidents.csv"):
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()


def test_legacy_encodings_are_read_and_noted_once_per_file(tmp_path, local_parser, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    text = "Police fired tear gas at protesters in Bogotá on Monday, the mayor’s office said."
    (folder / "bogota.txt").write_bytes(text.encode("cp1252"))
    (folder / "aden.txt").write_bytes(b"Fighting resumed in Aden on Sunday.")
    (folder / "utf16.json").write_bytes(
        ("\ufeff" + json.dumps({"id": "kyiv", "text": "Drones struck Kyiv overnight."})).encode("utf-16-le")
    )
    lines = [{"id": f"l{i}", "text": f"Floods hit São Paulo for the {i}th day."} for i in range(3)]
    (folder / "feed.jsonl").write_bytes(
        b"".join((json.dumps(r, ensure_ascii=False) + "\n").encode("latin-1") for r in lines)
    )
    out = tmp_path / "out"
    assert main(["batch", str(folder), "--out", str(out)]) == EXIT_OK
    err = capsys.readouterr().err
    assert err.count(f"{folder / 'bogota.txt'}: read as windows-1252") == 1
    assert err.count(f"{folder / 'feed.jsonl'}: read as windows-1252") == 1  # once, not once per line
    assert err.count(f"{folder / 'utf16.json'}: read as utf-16le") == 1
    assert "aden.txt: read as" not in err
    docs = {json.loads(t)["id"]: json.loads(t) for t in article_files(out).values()}
    assert {k: d["encoding"] for k, d in docs.items()} == {
        "bogota": "windows-1252",
        "aden": "utf-8",
        "kyiv": "utf-16le",
        "l0": "windows-1252",
        "l1": "windows-1252",
        "l2": "windows-1252",
    }
    assert "Bogotá" in {p["name"] for p in docs["bogota"]["places"]}
    assert "São Paulo" in {p["name"] for p in docs["l1"]["places"]}
    for path in (out / "articles").iterdir():  # outputs get the umask's mode, not 0600
        assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
