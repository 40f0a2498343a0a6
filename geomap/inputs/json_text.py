"""JSON inputs read one way everywhere: malformed, too deep or holding no characters is bad input.

``json.loads`` takes JSON that no article can be: nesting deep enough to exhaust Python's
recursion (``[[[[…]]]]``), ``"\\ud800"``, half of a UTF-16 pair on its own, which is valid JSON
but no character, so it can be neither stored as UTF-8 nor shown, and ``"\\u0000"``, which SQLite
keeps and PostgreSQL refuses. Each gives one line and a non-zero exit here, as the web API answers
them with 400, instead of a traceback further on or a store that differs by back end.
"""

from __future__ import annotations

import json
import re
from typing import Any

from geomap.errors import InputError


class NotJSON(InputError):
    """The text is not JSON at all (a caller may then read it another way)."""


def load_json(data: str, where: str) -> Any:
    """The JSON value of ``data``; :class:`NotJSON` when it is not JSON, InputError when it is too
    deep or a string in it is :func:`unusable`. ``where`` names the input in the message."""
    try:
        value = json.loads(data)
    except json.JSONDecodeError as exc:
        raise NotJSON(f"{where}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply") from None
    # every string (keys included), walked without recursion: the decoder took the nesting already
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            reason = unusable(item)
            if reason is not None:
                raise InputError(f"{where}: a string holds {reason}")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return value


#: A lone half of a UTF-16 pair (no character) or U+0000 (which PostgreSQL refuses).
_UNUSABLE = re.compile("[\ud800-\udfff\x00]")


def unusable(text: str) -> str | None:
    """Why ``text`` cannot be an article's text or field, or None: what it holds that no store keeps."""
    found = _UNUSABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "a NUL character (\\u0000), which no store keeps"
    return "a lone surrogate (\\ud800–\\udfff), which is no character"
