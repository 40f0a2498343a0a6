"""Reading back the output of ``geomap parse --json``, so a map or an export needs no second parse.

A parsed article is recognised by its keys (``mentions``, ``places``, ``incidents``); plain
article objects have a ``text`` field instead. The objects are rebuilt into the same frozen
values the parser returns. The article text is not part of that JSON, so ``text`` is empty
unless the object carries one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, overload

from geomap.errors import InputError
from geomap.incidents.incident import Incident
from geomap.incidents.offsets import Offset
from geomap.inputs.json_text import NotJSON, load_json
from geomap.model import Mention, ParsedArticle, ResolvedPlace
from geomap.place import Place

#: The keys that tell a parsed article from a plain one.
PARSED_KEYS = frozenset({"mentions", "places", "incidents"})


def is_parsed_object(obj: object) -> bool:
    return isinstance(obj, Mapping) and obj.keys() >= PARSED_KEYS


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


@overload
def place_from_dict(d: Mapping[str, Any], *, place_id: str | None = None) -> Place: ...
@overload
def place_from_dict(d: None, *, place_id: str | None = None) -> None: ...
@overload
def place_from_dict(d: Mapping[str, Any] | None, *, place_id: str | None = None) -> Place | None: ...
def place_from_dict(d: Mapping[str, Any] | None, *, place_id: str | None = None) -> Place | None:
    """A ``Place`` from the place object of the contract (``name``, ``lat``, ``lon``, … or null)."""
    if d is None:
        return None
    geonameid = _opt_int(d.get("geonameid"))
    raw_bbox = d.get("bbox")
    bbox = tuple(float(v) for v in raw_bbox) if raw_bbox and len(raw_bbox) == 4 else None
    return Place(
        id=str(place_id or d.get("id") or geonameid or d["name"]),
        name=str(d["name"]),
        feature_type=str(d.get("feature_type") or "landmark"),
        lat=float(d["lat"]),
        lon=float(d["lon"]),
        country_code=_opt_str(d.get("country_code")),
        geonameid=geonameid,
        bbox=(bbox[0], bbox[1], bbox[2], bbox[3]) if bbox is not None else None,
    )


def _mention(d: Mapping[str, Any]) -> Mention:
    return Mention(
        start=int(d["start"]),
        end=int(d["end"]),
        text=str(d["text"]),
        label=str(d.get("label", "")),
        sentence=int(d.get("sentence", 0)),
        place=place_from_dict(d.get("place")),
        confidence=float(d.get("confidence", 0.0)),
    )


def _resolved_place(d: Mapping[str, Any]) -> ResolvedPlace:
    return ResolvedPlace(
        place=place_from_dict(d, place_id=d.get("place_id")),
        confidence=float(d.get("confidence", 0.0)),
        mentions=tuple(str(m) for m in d.get("mentions", ())),
        mention_count=int(d.get("mention_count", len(d.get("mentions", ())))),
        sentences=tuple(str(s) for s in d.get("sentences", ())),
        article_ids=tuple(str(a) for a in d.get("article_ids", ())),
        incident_ids=tuple(str(i) for i in d.get("incident_ids", ())),
    )


def _incident(d: Mapping[str, Any], article_id: str) -> Incident:
    return Incident(
        id=str(d["id"]),
        article_id=str(d.get("article_id") or article_id),
        incident_type=str(d.get("incident_type") or "other"),
        sentence=str(d.get("sentence", "")),
        sentence_start=int(d.get("sentence_start") or 0),
        sentence_end=int(d.get("sentence_end") or 0),
        trigger=str(d.get("trigger", "")),
        trigger_start=int(d.get("trigger_start") or 0),
        trigger_end=int(d.get("trigger_end") or 0),
        location_name=_opt_str(d.get("location_name")),
        location_start=_opt_int(d.get("location_start")),
        location_end=_opt_int(d.get("location_end")),
        place=place_from_dict(d.get("place")),
        precision=str(d.get("precision") or "unknown"),
        actors=tuple(str(a) for a in d.get("actors") or ()),
        fatalities=_opt_int(d.get("fatalities")),
        affected=_opt_int(d.get("affected")),
        date=_opt_str(d.get("date")),
        confidence=float(d.get("confidence", 0.0)),
        triggers=_spans(d.get("triggers")),
        modality=str(d.get("modality") or "asserted"),
        wounded=_opt_int(d.get("wounded")),
        affected_kind=_opt_str(d.get("affected_kind")),
        fatalities_range=_range(d.get("fatalities_range")),
        cumulative=d.get("cumulative") is True,
        offset=Offset.from_dict(d.get("offset")),
        contained=d.get("contained") is True,
    )


def _range(value: Any) -> tuple[int, int] | None:
    """A ``[low, high]`` pair, or None for anything else (files written before the field)."""
    if isinstance(value, list | tuple) and len(value) == 2:
        low, high = _opt_int(value[0]), _opt_int(value[1])
        if low is not None and high is not None:
            return low, high
    return None


def incident_from_dict(d: Mapping[str, Any], article_id: str) -> Incident:
    """An ``Incident`` from its object in the parsed-article JSON (the incident store keeps them so)."""
    return _incident(d, article_id)


def _spans(value: Any) -> tuple[tuple[int, int], ...]:
    """The ``triggers`` list as offset pairs; empty (the single trigger) in files written before it."""
    return tuple((int(s), int(e)) for s, e in value or ())


def article_from_dict(obj: Mapping[str, Any], where: str = "input") -> ParsedArticle:
    """A ``ParsedArticle`` from one object of ``geomap parse --json``; bad shapes are InputError."""
    if not is_parsed_object(obj):
        raise InputError(f"{where}: not a parsed article (needs {', '.join(sorted(PARSED_KEYS))})")
    try:
        article_id = str(obj.get("id") or "article")
        return ParsedArticle(
            id=article_id,
            text=str(obj.get("text") or ""),
            title=_opt_str(obj.get("title")),
            date=_opt_str(obj.get("date")),
            url=_opt_str(obj.get("url")),
            mentions=tuple(_mention(m) for m in obj["mentions"]),
            places=tuple(_resolved_place(p) for p in obj["places"]),
            # an incident belongs to the article it came in with, whatever its "article_id" says
            incidents=tuple(_incident({**i, "article_id": article_id}, article_id) for i in obj["incidents"]),
            encoding=_opt_str(obj.get("encoding")),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{where}: malformed parsed article ({type(exc).__name__}: {exc})") from None


def read_parsed(source: str | Path) -> list[ParsedArticle] | None:
    """The parsed articles in a ``.json``/``.jsonl`` file, or None when it holds plain articles.

    A file is parsed output when its first object has the parsed-article keys; every other
    object must then have them too.
    """
    path = Path(source)
    if path.suffix.lower() not in (".json", ".jsonl") or not path.is_file():
        return None
    try:
        data = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None  # read_articles gives the proper message
    if path.suffix.lower() == ".jsonl":
        # "\n" only: str.splitlines would also split at U+2028 inside a JSON string.
        lines = [(n, line) for n, line in enumerate(data.split("\n"), start=1) if line.strip()]
        objects = []
        for n, line in lines:
            try:
                objects.append((f"{path}:{n}", load_json(line, f"{path}:{n}")))
            except NotJSON:
                if not objects:
                    return None
                raise
            if len(objects) == 1 and not is_parsed_object(objects[0][1]):
                return None
    else:
        try:
            obj = load_json(data, str(path))
        except NotJSON:
            return None
        items = obj if isinstance(obj, list) else [obj]
        objects = [(f"{path}[{i}]", item) for i, item in enumerate(items)]
        if not objects or not is_parsed_object(objects[0][1]):
            return None
    return [article_from_dict(obj, where) for where, obj in objects]
