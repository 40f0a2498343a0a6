"""Lookup keys of place names, remembered.

Finding and resolving the places of one article asks for the key of the same few
names dozens of times each (every check, every candidate, every rescoring round);
folding a name costs more than looking its key up.
"""

from __future__ import annotations

from functools import lru_cache

from geomap.normalize import normalize_name

#: :func:`geomap.normalize.normalize_name`, remembering the last 65,536 names it was asked about.
name_key = lru_cache(maxsize=1 << 16)(normalize_name)
