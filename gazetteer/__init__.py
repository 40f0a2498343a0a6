"""Builds geomap's offline gazetteer index from registry packages and curated tables.

Only the build lives here; reading the index is :class:`geomap.resolution.gazetteer.Gazetteer`.
"""

from gazetteer.build import BUILD_VERSION, build_index, fingerprint

__all__ = ["BUILD_VERSION", "build_index", "fingerprint"]
