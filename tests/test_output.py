"""Writing results: the umask's mode for a new file, the old mode for a replaced one, atomic,
and JSON Lines that no line splitter can break."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from geomap.outputs.files import atomic_writer, json_line, write_text_atomic

PLACE = {"name": "Aden", "lat": 12.8, "lon": 45.0, "feature_type": "city", "country_code": "YE"}

#: Every writer a user meets, run under a given umask in a fresh process: the map, the three
#: exports and a batch (whose one input fails, so no parser is needed and all outputs are written).
WRITERS = """
import os, sys
os.umask(int(sys.argv[1], 8))
from geomap.cli.main import main
work = sys.argv[2]
parsed = os.path.join(work, "p.json")
codes = [main(["map", parsed, "-o", os.path.join(work, "out", "m.html"), "--tiles", "none"])]
for fmt in ("geojson", "csv", "kml"):
    codes.append(main(["export", parsed, "-o", os.path.join(work, "out", "e." + fmt)]))
codes.append(main(["batch", os.path.join(work, "in"), "--out", os.path.join(work, "batch")]))
print(codes)
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _run_writers(work: Path, umask: str) -> list[Path]:
    (work / "p.json").write_text(
        json.dumps({"id": "x", "title": "x", "mentions": [], "places": [PLACE], "incidents": []}),
        encoding="utf-8",
    )
    (work / "in").mkdir()
    (work / "in" / "empty.txt").write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-c", WRITERS, umask, str(work)], capture_output=True, text=True, timeout=300
    )
    assert proc.stdout.strip() == "[0, 0, 0, 0, 4]", proc.stderr  # 4: the batch's one failure
    outputs = sorted((work / "out").iterdir()) + [
        work / "batch" / name for name in ("incidents.geojson", "incidents.csv", "map.html", "failures.jsonl")
    ]
    assert len(outputs) == 8
    return outputs


@pytest.mark.parametrize(("umask", "mode"), [("022", 0o644), ("077", 0o600), ("002", 0o664)])
def test_every_output_gets_the_mode_of_the_umask(tmp_path, umask, mode):
    for path in _run_writers(tmp_path, umask):
        assert _mode(path) == mode, path
    assert not [p for p in tmp_path.rglob(".*.tmp")]  # no temporary file left behind


def test_a_replaced_file_keeps_its_mode(tmp_path):
    own = tmp_path / "own.geojson"
    write_text_atomic(own, '{"generator": "geomap 0"}\n')
    own.chmod(0o640)
    write_text_atomic(own, '{"generator": "geomap 1"}\n')  # geomap's own file, replaced on a rerun
    assert _mode(own) == 0o640 and "geomap 1" in own.read_text(encoding="utf-8")
    foreign = tmp_path / "notes.html"
    foreign.write_text("my notes", encoding="utf-8")
    foreign.chmod(0o604)
    write_text_atomic(foreign, "<p>map</p>", force=True)  # --force
    assert _mode(foreign) == 0o604 and foreign.read_text(encoding="utf-8") == "<p>map</p>"


def test_new_file_mode_follows_the_umask_in_this_process(tmp_path):
    old = os.umask(0o027)
    try:
        path = write_text_atomic(tmp_path / "a.kml", "<!-- generator: geomap -->")
    finally:
        os.umask(old)
    assert _mode(path) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "m.html"
    write_text_atomic(path, '<meta name="generator" content="geomap 1">old')
    with pytest.raises(RuntimeError), atomic_writer(path) as f:
        f.write('<meta name="generator" content="geomap 2">half')
        raise RuntimeError("interrupted")
    assert path.read_text(encoding="utf-8").endswith("old")
    assert [p.name for p in tmp_path.iterdir()] == ["m.html"]


def test_json_lines_escape_unicode_line_separators():
    record = {"id": "a\u2028b", "title": "one\u2029two\x85three", "text": "Rain in São Paulo\n"}
    line = json_line(record)
    assert line.endswith("\n") and line.count("\n") == 1
    assert len(line.splitlines()) == 1  # str.splitlines breaks at U+2028, U+2029 and U+0085
    assert "\\u2028" in line and "\\u2029" in line and "São Paulo" in line  # the rest stays readable
    assert json.loads(line) == record
