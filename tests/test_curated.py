"""The curated tables are data people rely on: check them as data."""

import pytest

from gazetteer import admin1, sources
from geomap.place import FEATURE_TYPES

ROWS = list(sources.curated_features())


def test_there_are_at_least_600_curated_features():
    assert len(ROWS) >= 600


def test_ids_are_unique_and_every_row_has_a_source():
    ids = [r.id for r in ROWS]
    assert len(ids) == len(set(ids))
    assert all(r.source for r in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_row_is_well_formed(row):
    assert row.feature_type in FEATURE_TYPES
    assert -90 <= row.lat <= 90 and -180 <= row.lon <= 180
    assert all(len(c) == 2 and c.isupper() for c in row.country_codes)
    if row.bbox is not None:
        west, south, east, north = row.bbox
        assert south <= row.lat <= north, "bbox must contain the point"
        if west <= east:  # a bbox across the antimeridian has west > east
            assert west <= row.lon <= east, "bbox must contain the point"


def test_bad_row_is_reported_with_file_and_line(tmp_path):
    header = "\t".join(sources.FEATURE_COLUMNS)
    (tmp_path / "seas.tsv").write_text(
        header + "\nx\tX Sea\t\tpuddle\t1\t2\t\t3\t\tmy notes\n", encoding="utf-8"
    )
    with pytest.raises(sources.CuratedTableError, match=r"seas.tsv:2: unknown feature_type"):
        list(sources.curated_features(tmp_path))


def test_demonym_and_alias_tables_have_sources():
    demonyms = list(sources.curated_demonyms())
    assert len(demonyms) >= 250
    assert all(target for _, target, _ in demonyms)
    assert list(sources.curated_aliases())


def test_admin1_points_name_known_regions_with_sources():
    columns = ("admin1_id", "name", "lat", "lon", "source")
    rows = list(sources._read_tsv(sources.CURATED_DIR / "admin1_points.tsv", columns))
    assert rows and all(row["source"].strip() for _, row in rows)
    assert set(admin1.admin1_points()) == {row["admin1_id"] for _, row in rows}
