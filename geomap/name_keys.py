"""Lookup keys of place names, remembered.

Finding and resolving the places of one article asks for the key of each of its names
about five times (checks, candidates, context, coherence, focus), and news repeats the
same names from one article to the next; folding a name costs more than looking its key up.
"""

from __future__ import annotations

from functools import lru_cache

from geomap.normalize import normalize_name

#: :func:`geomap.normalize.normalize_name`, remembering the last 65,536 names it was asked about.
name_key = lru_cache(maxsize=1 << 16)(normalize_name)
