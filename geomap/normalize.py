"""Name normalisation shared by the gazetteer build and every lookup.

Both sides must fold names the same way, or lookups silently miss. News
writes one place many ways ("Khan Yunis", "Khan-Younis", "Khān Yūnis"), so a
key ignores case, diacritics, hyphens, apostrophes and a leading "the".
"""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

# Apostrophe-like marks vanish ("Sana'a" == "Sanaa", "Ra's" == "Ras"); the
# Arabic ayn and hamza transliterations (ʿ ʾ) are written the same way.
_DROP = dict.fromkeys(map(ord, "'’‘ʼʻʿʾ`´′.·"), None)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LEADING_THE = re.compile(r"^the\s+")

#: Longest name, in characters, worth normalising; longer input is no place name.
MAX_NAME_LENGTH = 200


def is_latin(text: str) -> bool:
    """True when every letter of *text* is Latin script (ASCII or accented)."""
    if text.isascii():
        return True
    return all(not (char.isalpha() and not unicodedata.name(char, "").startswith("LATIN")) for char in text)


def normalize_name(text: str) -> str:
    """Return the lookup key of a place name, or ``""`` when it has none.

    Only Latin-script names get a key: transliterating other scripts here
    would invent spellings that match the wrong places.
    """
    if not text or len(text) > MAX_NAME_LENGTH:
        return ""
    text = text.translate(_DROP)
    if not is_latin(text):
        return ""
    if not text.isascii():
        # Lone surrogates (from mis-decoded input) are no letters of any name.
        text = unidecode(text.encode("utf-8", "ignore").decode("utf-8"))
    text = _NON_ALNUM.sub(" ", text.lower()).strip()
    return _LEADING_THE.sub("", text)
