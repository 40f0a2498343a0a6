"""Model files of the incident step: JSON specs holding LightGBM text models, read and written alike.

The event–location linker and the event judge both ship as such a file inside the package.
A spec is read as plain JSON (loading runs no code), and written with sorted keys through a
temporary file, so the same training gives the same bytes and a reader never sees half a file.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from geomap.errors import InputError
from geomap.outputs.files import atomic_writer


def read_spec(path: str | Path | None, shipped: str, what: str) -> dict[str, Any]:
    """The spec at ``path``, or the package's file ``shipped`` when ``path`` is None.

    ``what`` names the model in the one-line error a missing or malformed file gives.
    """
    try:
        if path is None:
            text = resources.files("geomap").joinpath(shipped).read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        spec = json.loads(text)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the {what} model: {exc}") from exc
    if not isinstance(spec, dict):
        raise InputError(f"cannot read the {what} model: not a JSON object")
    return spec


def is_model_file(path: Path, family: str) -> bool:
    """Whether ``path`` holds a model whose format starts with ``family`` (which training may replace)."""
    try:
        with path.open(encoding="utf-8") as f:
            fmt = json.load(f).get("format")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return False
    return isinstance(fmt, str) and fmt.startswith(family)


def write_spec(spec: dict[str, Any], out: Path, family: str, *, force: bool = False) -> Path:
    """Write the spec atomically, keys sorted, so the same training gives the same bytes.

    An existing file is replaced only when it is a model of ``family`` already, or with ``force``.
    """
    with atomic_writer(out, force=force or is_model_file(out, family)) as f:
        f.write(json.dumps(spec, sort_keys=True, indent=0) + "\n")
    return out
