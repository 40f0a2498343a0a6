"""Coherence: a story's places cluster, so a reading near the article's other names is preferred."""

from __future__ import annotations

from collections.abc import Sequence

from geomap.mentions.finder import RawMention
from geomap.name_keys import name_key
from geomap.place import Match

NEAR_KM = 300.0
CONTEXT_READINGS = 3  # readings of each other name that count as its possible places


def coherence(
    mentions: Sequence[RawMention], firsts: list[list[tuple[float, Match]]]
) -> list[list[float] | None]:
    """For each candidate, the share of the article's other names with a reading near it.

    A story's places cluster: "Edmonton" in a story that also names Enfield and
    Tottenham is the north London one. Only the top readings of the other
    names count, so one wrong guess cannot drag a whole article.
    """
    import numpy as np

    keys = [name_key(m.text) for m in mentions]
    names: dict[str, int] = {}
    for i, m in enumerate(mentions):
        if firsts[i] and m.label != "DEMONYM":
            names.setdefault(keys[i], i)
    out: list[list[float] | None] = [None] * len(mentions)
    if len(names) < 2:
        return out
    refs = [
        np.radians(
            [
                (sm[1].place.lat, sm[1].place.lon)
                for sm in firsts[i][:CONTEXT_READINGS]
                if sm[1].place.feature_type not in ("country", "continent", "ocean", "region")
            ]
            or [(0.0, 0.0)]
        )[:CONTEXT_READINGS]
        for i in names.values()
    ]
    column = {key: k for k, key in enumerate(names)}
    # Every name's readings side by side, so that one array operation serves all the candidates.
    ref = np.concatenate(refs)
    ref_starts = np.cumsum([0] + [len(r) for r in refs[:-1]])
    rows = [i for i, m in enumerate(mentions) if len(firsts[i]) >= 2 and m.label != "DEMONYM"]
    if not rows:
        return out
    cand = np.radians([(sm[1].place.lat, sm[1].place.lon) for i in rows for sm in firsts[i]])
    dlat = cand[:, None, 0] - ref[None, :, 0]
    dlon = cand[:, None, 1] - ref[None, :, 1]
    a = np.sin(dlat / 2) ** 2 + np.cos(cand[:, None, 0]) * np.cos(ref[None, :, 0]) * np.sin(dlon / 2) ** 2
    km = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    # near[c, k]: whether candidate c lies near one of name k's readings
    near = np.logical_or.reduceat(km <= NEAR_KM, ref_starts, axis=1)
    others = len(names) - 1
    start = 0
    for i in rows:
        block = near[start : start + len(firsts[i])]
        start += len(firsts[i])
        own = column[keys[i]]
        out[i] = list((block.sum(axis=1) - block[:, own]) / others)
    return out
