import json
import subprocess
import sys

import pytest

from geomap.cli.exit_codes import EXIT_GAZETTEER, EXIT_OK, EXIT_USAGE
from geomap.cli.main import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_lookup_json_lists_places_best_first(capsys, gazetteer):
    code, out, _err = run(
        capsys, "gazetteer", "lookup", "Cape of Good Hope", "--json", "--index", str(gazetteer.path)
    )
    assert code == EXIT_OK
    places = json.loads(out)
    assert places[0]["feature_type"] == "cape"
    assert places[0]["country_code"] == "ZA"
    for key in ("name", "lat", "lon", "feature_type", "country_code", "geonameid", "population", "score"):
        assert key in places[0]


def test_lookup_limit(capsys, gazetteer):
    code, out, _ = run(
        capsys, "gazetteer", "lookup", "Springfield", "--json", "--limit", "3", "--index", str(gazetteer.path)
    )
    assert code == EXIT_OK and len(json.loads(out)) == 3


def test_lookup_table(capsys, gazetteer):
    code, out, _ = run(capsys, "gazetteer", "lookup", "Rafah", "--index", str(gazetteer.path))
    assert code == EXIT_OK
    assert " PS " in out.splitlines()[0] and "city" in out


@pytest.mark.parametrize("bad", ["", "   ", "x" * 5000])
def test_bad_names_get_one_line_and_exit_2(capsys, bad):
    code, out, err = run(capsys, "gazetteer", "lookup", bad)
    assert code == EXIT_USAGE
    assert out == "" and err.count("\n") == 1 and err.startswith("geomap: error:")


def test_control_characters_are_not_a_crash(capsys, gazetteer):
    code, out, _ = run(
        capsys, "gazetteer", "lookup", "\x00\x07\x1b", "--json", "--index", str(gazetteer.path)
    )
    assert code == EXIT_USAGE or (code == EXIT_OK and json.loads(out) == [])


def test_missing_index_with_no_build(capsys, tmp_path):
    code, _, err = run(
        capsys, "gazetteer", "lookup", "Paris", "--no-build", "--index", str(tmp_path / "x.sqlite")
    )
    assert code == EXIT_GAZETTEER
    assert "geomap gazetteer build" in err and err.count("\n") == 1


def test_stats_json(capsys, gazetteer):
    code, out, _ = run(capsys, "gazetteer", "stats", "--json", "--index", str(gazetteer.path))
    stats = json.loads(out)
    assert code == EXIT_OK and stats["by_feature_type"]["strait"] > 10
    assert stats["by_source"]["geonames-cities500"] > 200_000


def test_usage_errors_exit_2_without_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "geomap.cli", "gazetteer", "frobnicate"], capture_output=True, text=True
    )
    assert proc.returncode == EXIT_USAGE
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


EXAMPLE = "examples/red-sea-shipping.txt"


def test_parse_json_has_the_contract_keys(capsys, monkeypatch):
    import pathlib

    monkeypatch.chdir(pathlib.Path(__file__).parents[1])
    code, out, _ = run(capsys, "parse", EXAMPLE, "--json", "--date", "2024-03-12")
    assert code == EXIT_OK
    doc = json.loads(out)
    assert {"id", "title", "date", "mentions", "places", "incidents"} <= set(doc)
    assert doc["date"] == "2024-03-12"
    mention = doc["mentions"][0]
    assert {"start", "end", "text", "label", "sentence", "place", "confidence"} <= set(mention)


def test_map_and_export_write_files_and_respect_foreign_files(capsys, tmp_path, monkeypatch):
    import pathlib

    monkeypatch.chdir(pathlib.Path(__file__).parents[1])
    out = tmp_path / "m.html"
    assert run(capsys, "map", EXAMPLE, "-o", str(out))[0] == EXIT_OK
    assert "leaflet" in out.read_text(encoding="utf-8").lower()
    assert run(capsys, "map", EXAMPLE, "-o", str(out))[0] == EXIT_OK  # its own file: replaced
    foreign = tmp_path / "notes.html"
    foreign.write_text("my notes", encoding="utf-8")
    code, _, err = run(capsys, "map", EXAMPLE, "-o", str(foreign))
    assert code == EXIT_USAGE and "--force" in err
    assert foreign.read_text(encoding="utf-8") == "my notes"
    assert run(capsys, "map", EXAMPLE, "-o", str(foreign), "--force")[0] == EXIT_OK
    code, out_text, _ = run(capsys, "export", EXAMPLE)
    assert code == EXIT_OK and json.loads(out_text)["type"] == "FeatureCollection"


def test_map_of_text_without_places_is_an_error(capsys, tmp_path):
    src = tmp_path / "none.txt"
    src.write_text("Nothing happened to anyone.", encoding="utf-8")
    code, _, err = run(capsys, "map", str(src), "-o", str(tmp_path / "x.html"))
    assert code == 1 and "no places" in err
    assert not (tmp_path / "x.html").exists()


def test_map_and_export_from_parsed_json_without_parsing_again(capsys, tmp_path, monkeypatch):
    import pathlib

    import geomap.parser

    monkeypatch.chdir(pathlib.Path(__file__).parents[1])
    code, out, _ = run(capsys, "parse", EXAMPLE, "--json", "--date", "2024-03-12")
    parsed = tmp_path / "parsed.jsonl"
    parsed.write_text(out, encoding="utf-8")
    second = tmp_path / "second.json"
    doc = json.loads(out)
    second.write_text(json.dumps({**doc, "id": "copy", "title": "A copy"}), encoding="utf-8")

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed input must not be parsed again")

    monkeypatch.setattr(geomap.parser.Geoparser, "__init__", no_parsing)
    html_path = tmp_path / "layered.html"
    code, _, err = run(capsys, "map", str(parsed), str(second), "-o", str(html_path), "--tiles", "none")
    assert code == EXIT_OK, err
    html = html_path.read_text(encoding="utf-8")
    assert "A copy" in html and doc["title"] in html and "tile.openstreetmap.org" not in html
    for fmt, check in (("csv", '"event_id"'), ("kml", "<kml"), ("geojson", '"FeatureCollection"')):
        target = tmp_path / f"out.{fmt}"
        assert run(capsys, "export", str(parsed), "-o", str(target))[0] == EXIT_OK
        assert check in target.read_text(encoding="utf-8")
        assert run(capsys, "export", str(parsed), "-o", str(target))[0] == EXIT_OK  # its own: replaced
    code, out, _ = run(capsys, "export", str(parsed), "--format", "csv")
    assert code == EXIT_OK and out.count("\r\n") == len(doc["incidents"]) + 1


def test_unknown_tiles_are_a_usage_error(capsys, tmp_path):
    parsed = tmp_path / "p.json"
    place = {"name": "Aden", "lat": 12.8, "lon": 45.0, "feature_type": "city", "country_code": "YE"}
    parsed.write_text(
        json.dumps({"id": "x", "title": "x", "mentions": [], "places": [place], "incidents": []}),
        encoding="utf-8",
    )
    code, _, err = run(capsys, "map", str(parsed), "-o", str(tmp_path / "x.html"), "--tiles", "no such")
    assert code == EXIT_USAGE and err.startswith("geomap: error: --tiles")
    # CartoDB's tiles answer only with a key now: said at once, not a map of failed tiles
    out = tmp_path / "y.html"
    code, _, err = run(capsys, "map", str(parsed), "-o", str(out), "--tiles", "CartoDB positron")
    assert code == EXIT_USAGE and "needs an API key" in err and len(err.splitlines()) == 1
    assert not out.exists()
    assert run(capsys, "map", str(parsed), "-o", str(out), "--tiles", "Esri.WorldImagery")[0] == EXIT_OK
    assert "arcgisonline" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", [["parse"], ["map"], ["export"], ["map", "-o", "x.html"]])
def test_a_directory_input_points_to_batch(capsys, tmp_path, command):
    code, out, err = run(capsys, *command[:1], str(tmp_path), *command[1:])
    assert code == EXIT_USAGE and out == ""
    assert err == f"geomap: error: {tmp_path}: is a directory; use `geomap batch`\n"


def test_parse_reads_a_windows_1252_feed_and_says_so_once(capsys, tmp_path):
    feed = tmp_path / "feed.jsonl"
    rows = [
        {
            "id": "one",
            "title": "Bogotá\u2028protests",
            "text": "Police fired tear gas at protesters in Bogotá.",
        },
        {"id": "two", "text": "“Roads are closed,” officials in São Paulo said on Friday."},
    ]
    # written as Windows-1252 bytes; the title's U+2028 is escaped in the input (cp1252 has no such character)
    feed.write_bytes(
        b"".join(
            (json.dumps(r, ensure_ascii=False) + "\n").encode("cp1252", "backslashreplace") for r in rows
        )
    )
    code, out, err = run(capsys, "parse", str(feed), "--json")
    assert code == EXIT_OK, err
    assert err.count("read as windows-1252") == 1 and f"geomap: {feed}: read as windows-1252" in err
    lines = out.splitlines()  # splits at U+2028 too: the record must have it escaped
    assert len(lines) == 2
    one, two = (json.loads(line) for line in lines)
    assert one["title"] == "Bogotá\u2028protests" and one["encoding"] == two["encoding"] == "windows-1252"
    assert "Bogotá" in {p["name"] for p in one["places"]}
    assert "São Paulo" in {p["name"] for p in two["places"]}
    # the parsed output reads back (one record per line) for a map without parsing again
    parsed = tmp_path / "parsed.jsonl"
    parsed.write_text(out, encoding="utf-8")
    code, _, err = run(capsys, "map", str(parsed), "-o", str(tmp_path / "m.html"), "--tiles", "none")
    assert code == EXIT_OK, err


def test_binary_input_is_one_line_and_exit_2(capsys, tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    code, out, err = run(capsys, "parse", str(path))
    assert code == EXIT_USAGE and out == ""
    assert err == f"geomap: error: {path} is binary (a PNG image), not text\n"


def test_train_on_too_little_data_says_so_and_writes_nothing(capsys, tmp_path):
    text = "Gunmen attacked a checkpoint in Kandahar on Monday."
    start = text.index("attacked")
    doc = {"id": "t1", "text": text, "events": [{
        "sentence_start": 0, "sentence_end": len(text), "trigger_start": start, "trigger_end": start + 8,
        "location_start": text.index("Kandahar"), "location_end": text.index("Kandahar") + 8}]}  # fmt: skip
    data = tmp_path / "train.jsonl"
    data.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    out = tmp_path / "model.json"
    code, _, err = run(capsys, "train", "--data", str(data), "-o", str(out))
    assert code == EXIT_USAGE and "too little labelled data" in err and "Traceback" not in err
    assert not out.exists()


def test_export_and_map_take_the_date_of_undated_articles(capsys, tmp_path):
    article = tmp_path / "undated.txt"
    article.write_text("Gunmen attacked a police post in Kaya on Monday, killing four officers.\n")
    out = tmp_path / "a.geojson"
    assert main(["export", str(article), "--date", "2024-03-13", "-o", str(out)]) == EXIT_OK
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    dates = {f["properties"].get("date") for f in features if f["properties"].get("kind") == "incident"}
    assert dates == {"2024-03-11"}  # "on Monday", counted from the date given
    assert main(["map", str(article), "--date", "2024-03-13", "-o", str(tmp_path / "a.html")]) == EXIT_OK
    capsys.readouterr()
    assert main(["export", str(article), "--date", "13 March"]) == EXIT_USAGE
    assert "--date" in capsys.readouterr().err
    assert main(["map", "--db", str(tmp_path / "s.db"), "--date", "2024-03-13"]) == EXIT_USAGE
    assert "--date dates the articles" in capsys.readouterr().err


def test_parsing_in_worker_processes_keeps_the_input_order_and_the_output(capsys, tmp_path):
    # written for this test: six short reports, each its own place
    towns = ["Kaya", "Djibo", "Dori", "Fada N'gourma", "Ouahigouya", "Tenkodogo"]
    path = tmp_path / "six.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": f"r{k}", "text": f"Gunmen attacked a police post in {town} on Monday."}) + "\n"
            for k, town in enumerate(towns)
        ),
        encoding="utf-8",
    )
    outputs = []
    for workers in ("1", "2"):
        assert main(["parse", str(path), "--json", "--workers", workers]) == EXIT_OK
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert [json.loads(line)["id"] for line in outputs[1].splitlines()] == [f"r{k}" for k in range(6)]
    assert main(["export", str(path), "--workers", "0"]) == EXIT_USAGE
    assert "--workers" in capsys.readouterr().err
