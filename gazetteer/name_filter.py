"""A bitmap of the index's name keys, so a lookup can tell "no such name" without a query.

Most names an article gives the gazetteer are no place at all (people, organisations,
"National Guard"), and each of those cost a SQLite query that found nothing. The index
stores one bit per hash of every key it holds; a clear bit means the key is certainly
absent. A set bit may be a collision and is answered by the query as before, so the
filter changes which queries run, never what a lookup returns.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

#: 2**24 bits (2 MiB): with the ~630,000 keys of the shipped sources about 4 % of absent
#: keys still reach a query.
BITS = 1 << 24


def key_bit(key: str) -> int:
    """The bit of ``key``: CRC-32 of its UTF-8, which is the same in every process (``hash`` is not)."""
    return zlib.crc32(key.encode("utf-8")) & (BITS - 1)


def build_filter(keys: Iterable[str]) -> bytes:
    """The bitmap with the bit of every key in ``keys`` set."""
    bits = bytearray(BITS // 8)
    for key in keys:
        bit = key_bit(key)
        bits[bit >> 3] |= 1 << (bit & 7)
    return bytes(bits)


def may_hold(bits: bytes, key: str) -> bool:
    """False only when ``key`` is certainly not among the keys ``bits`` was built from."""
    bit = key_bit(key)
    return bool(bits[bit >> 3] >> (bit & 7) & 1)
