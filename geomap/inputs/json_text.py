"""JSON inputs read one way everywhere: malformed, too deep or holding no characters is bad input.

``json.loads`` takes JSON that no article can be: nesting deep enough to exhaust Python's
recursion (``[[[[…]]]]``), ``"\\ud800"``, half of a UTF-16 pair on its own, which is valid JSON
but no character, so it can be neither stored as UTF-8 nor shown, and ``"\\u0000"``, which SQLite
keeps and PostgreSQL refuses. Each gives one line and a non-zero exit here, as the web API answers
them with 400, instead of a traceback further on or a store that differs by back end.
"""

from __future__ import annotations

import json
from typing import Any

from geomap.errors import InputError


class NotJSON(InputError):
    """The text is not JSON at all (a caller may then read it another way)."""


def load_json(data: str, where: str) -> Any:
    """The JSON value of ``data``; :class:`NotJSON` when it is not JSON, InputError when it is too
    deep or holds a lone surrogate. ``where`` names the input in the message."""
    try:
        value = json.loads(data)
    except json.JSONDecodeError as exc:
        raise NotJSON(f"{where}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply") from None
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        message = f"{where}: a string holds a lone surrogate (\\ud800–\\udfff), which is no character"
        raise InputError(message) from None
    except RecursionError:  # deep enough for the encoder though not the decoder
        raise InputError(f"{where}: JSON nested too deeply") from None
    if _holds_nul(value):
        raise InputError(f"{where}: a string holds a NUL character (\\u0000), which no store keeps")
    return value


def _holds_nul(value: Any) -> bool:
    """Whether any string in the JSON value (keys included) holds U+0000, which PostgreSQL refuses."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
