"""Counts written in news: digits with thousands separators, number words, scales."""

from __future__ import annotations

import re

_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        (
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
            "fifteen sixteen seventeen eighteen nineteen twenty"
        ).split()
    )
}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80})
_NUMBER_WORDS.update({"ninety": 90, "hundred": 100, "a hundred": 100, "a thousand": 1000})
SCALE = {"hundred": 100, "thousand": 1000, "million": 1_000_000}


def parse_number(text: str) -> int | None:
    """``"1,160"`` → 1160, ``"twelve"`` → 12, ``"2 million"`` → 2000000; vague amounts → None."""
    words = text.strip().lower().replace("-", " ").split()
    if not words:
        return None
    total: float | None = None
    for w in words:
        w = w.strip(".")
        if re.fullmatch(r"\d{1,3}(,\d{3})+|\d+(\.\d+)?", w):
            total = float(w.replace(",", ""))
        elif w in _NUMBER_WORDS:
            total = (total or 0) + _NUMBER_WORDS[w]
        elif w in SCALE and total is not None:
            total *= SCALE[w]
        else:
            return None
    return int(total) if total is not None else None
