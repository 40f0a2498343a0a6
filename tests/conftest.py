"""Shared fixtures: the real gazetteer, opened once per test session."""

from __future__ import annotations

import pytest

from geomap.gazetteer import Gazetteer


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    # The real index from the bundled sources (built on first use, as a user's would be).
    gaz = Gazetteer()
    yield gaz
    gaz.close()


@pytest.fixture(scope="session")
def geoparser(gazetteer):
    from geomap.parser import Geoparser

    return Geoparser(gazetteer)
