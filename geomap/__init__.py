"""geomap: find the places and incidents a news article names, and map them offline.

The public API is here: ``Geoparser`` (open once, parse many), ``Gazetteer``, ``parse`` for a
single text, ``render_map`` and ``to_geojson``. The parser, maps and exports load spaCy and
folium, so they are imported on first use: ``import geomap`` stays fast.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from geomap.errors import GazetteerError, GeomapError, InputError, StoreError
from geomap.place import FEATURE_TYPES, Match, Place
from geomap.resolution.gazetteer import Gazetteer

if TYPE_CHECKING:
    from geomap.model import ParsedArticle
    from geomap.outputs.export import to_geojson
    from geomap.outputs.render import render_map
    from geomap.parser import Geoparser

__version__ = "0.1.0"

__all__ = [
    "FEATURE_TYPES",
    "Gazetteer",
    "GazetteerError",
    "GeomapError",
    "Geoparser",
    "InputError",
    "Match",
    "Place",
    "StoreError",
    "__version__",
    "parse",
    "render_map",
    "to_geojson",
]

#: Names imported on first use, and the module each comes from.
_LAZY = {
    "Geoparser": "geomap.parser",
    "render_map": "geomap.outputs.render",
    "to_geojson": "geomap.outputs.export",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'geomap' has no attribute {name!r}")


@functools.cache
def _shared_parser() -> Geoparser:
    from geomap.parser import Geoparser

    return Geoparser()


def parse(
    text: str,
    *,
    id: str | None = None,
    title: str | None = None,
    date: str | None = None,
    url: str | None = None,
) -> ParsedArticle:
    """Parse one article's text with a parser loaded on the first call and kept for the next.

    For many articles, or to choose the gazetteer, open a :class:`Geoparser` yourself and
    call its ``parse`` or ``pipe``.
    """
    return _shared_parser().parse(text, id=id, title=title, date=date, url=url)
