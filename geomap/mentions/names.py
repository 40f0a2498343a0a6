"""Reading names off a doc: capitalised runs of tokens, lists of names, words that stand whole.

What the mention finders share: they look for names the words around them make places,
and read the doc's arrays rather than every ``Token``, which costs more than the tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from spacy.attrs import LOWER

from geomap.nlp.docs import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

#: A place name as a finder found it: start and end offsets into the text, and a label
#: saying how it was found (GPE, LOC, FAC from the model; GAZ, PATTERN, DATELINE, EMBEDDED, DEMONYM).
FoundName = tuple[int, int, str]

#: Words that mark an organisation even when its name is a place name alone.
ORG_WORDS = frozenset(
    """
university college school hospital party council ministry department agency company corp inc ltd
bank club fc united times post herald journal tribune news network airlines airways group
""".split()
)
#: Words that open a noun phrase but are no part of a name: "the", "its", "which".
NOT_A_NAME = frozenset(
    "the a an this that these those its his her their our my your each every one some any all "
    "no another which what whose".split()
)
#: Lower-case Arabic articles a name may start with: "near al-Bayaa".
_NAME_PREFIXES = ("al-", "el-", "ad-", "ar-", "as-", "an-", "at-", "az-")
#: Entity labels that never name a place, whatever the preposition before them.
NEVER_PLACES = frozenset(
    {"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY", "LANGUAGE", "LAW", "EVENT",
     "WORK_OF_ART"}
)  # fmt: skip
#: A lower-case Arabic article inside a name: "Tal al-Abyad", "Kafr al Hamra".
_NAME_PARTICLES = frozenset("al el ad ar as an at az bin ibn abu".split())


def whole_word_occurrences(text: str, name: str) -> Iterator[tuple[int, int]]:
    """Where ``name`` stands in ``text`` as whole words, left to right and not overlapping.

    What ``(?<![\\w-])name(?![\\w-])`` finds, without trying a regex at every character:
    ``str.find`` jumps from one occurrence to the next.
    """
    at = text.find(name)
    while at != -1:
        end = at + len(name)
        if (at == 0 or not _joins_word(text[at - 1])) and (end == len(text) or not _joins_word(text[end])):
            yield at, end
            at = text.find(name, end)
        else:
            at = text.find(name, at + 1)


def _joins_word(char: str) -> bool:
    """Whether a character continues a word (``\\w`` or a hyphen), so a name beside it is no whole word."""
    return _word_char(char) or char == "-"


def string_ids(words: Iterable[str]) -> frozenset[int]:
    """The ids of ``words`` in a doc's LOWER array."""
    from spacy.strings import get_string_id

    return frozenset(get_string_id(word) for word in words)


def whole_words(doc: Doc, ids: frozenset[int]) -> list[Token]:
    """The tokens whose lower-case form is one of ``ids`` and that stand as whole words in the text.

    Read from the LOWER array: a loop over every Token, or a case-blind regex tried at
    every character, costs more than the rest of the search.
    """
    text = doc_text(doc)
    out: list[Token] = []
    for i, lower in enumerate(doc.to_array(LOWER).tolist()):
        if lower not in ids:
            continue
        tok = doc[i]
        start, end = tok.idx, tok.idx + len(tok.text)
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        if not _word_char(before) and not _word_char(after):
            out.append(tok)
    return out


def _word_char(char: str) -> bool:
    """What a regex's ``\\w`` matches."""
    return char.isalnum() or char == "_"


def name_follows(text: str, end: int) -> bool:
    """Whether white space and then a capital ("Ž" too) or an Arabic article ("al-") come at ``end``."""
    at = end
    while at < len(text) and text[at].isspace():
        at += 1
    if at == end or at == len(text):
        return False
    char = text[at]
    capital = char.isalnum() and not char.isdecimal() and not "a" <= char <= "z"
    return capital or text.startswith(_NAME_PREFIXES, at)


def name_run(doc: Doc, tok: Token) -> Span | None:
    """The capitalised name that ends at ``tok``: "Tal al-Abyad", "Al-Dawr", not "the" or "central"."""
    start = tok.i
    while start > 0:
        prev = doc[start - 1]
        same_entity = doc[start].ent_iob_ == "I"  # "Tell Wardiyat", whatever the tagger made of "Tell"
        capital = prev.text[:1].isupper() and (prev.pos_ == "PROPN" or same_entity)
        joined = prev.text == "-" or prev.lower_ in _NAME_PARTICLES or prev.text.endswith("-")
        if not (capital or joined) or (prev.whitespace_ and prev.text == "-"):
            break
        start -= 1
    while start < tok.i and not doc[start].text[:1].isupper():
        prefix = doc[start].lower_ in _NAME_PARTICLES and doc[start + 1].text == "-"
        if prefix and not doc[start].whitespace_:
            break  # "al-Zahawi"
        start += 1  # else a name starts with a capital
    end = tok.i + 1
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end].whitespace_:
        if not doc[end + 1].text[:1].isalpha():
            break
        end += 2  # "Mazar-e-Sharif" as the tokenizer splits it
    span = doc[start:end]
    if span[0].lower_ in NOT_A_NAME or not span[-1].text[:1].isupper():
        return None
    return span


def name_at(doc: Doc, i: int) -> Span | None:
    """The capitalised name that starts at token ``i``, if one does."""
    if i >= len(doc) or not (doc[i].text[:1].isupper() or doc[i].lower_ in _NAME_PARTICLES):
        return None
    last = i
    while last + 1 < len(doc):
        nxt = doc[last + 1]
        if nxt.ent_iob_ == "I" or (nxt.pos_ == "PROPN" and nxt.text[:1].isupper()):
            last += 1
        elif nxt.text == "-" and not doc[last].whitespace_ and last + 2 < len(doc) and doc[last + 2].is_alpha:
            last += 2  # "Al-Dawr", "Mazar-e-Sharif"
        else:
            break
    span = name_run(doc, doc[last])
    if span is None or span.start != i or span[-1].pos_ not in ("PROPN", "NOUN"):
        return None
    return span


def listed_names(doc: Doc, i: int) -> list[Span]:
    """The names listed from token ``i`` on: "Xoqarbel", "X and Y", "X, Y and Z".

    A comma alone does not continue a list: in "in Umbra, Smith said" Smith is no place.
    """
    names: list[Span] = []
    closed = False
    while (span := name_at(doc, i)) is not None:
        names.append(span)
        if closed:
            break
        i = span.end
        comma = i < len(doc) and doc[i].text == ","
        i += comma
        if i < len(doc) and doc[i].lower_ == "and":
            i, closed = i + 1, True
        elif not comma:
            break
    return names if closed else names[:1]
