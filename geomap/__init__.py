"""geomap: find the places and incidents a news article names, and map them offline."""

from geomap.errors import GazetteerError, GeomapError, InputError
from geomap.gazetteer import Gazetteer
from geomap.place import FEATURE_TYPES, Match, Place

__version__ = "0.1.0"

__all__ = [
    "FEATURE_TYPES",
    "Gazetteer",
    "GazetteerError",
    "GeomapError",
    "InputError",
    "Match",
    "Place",
    "__version__",
]
