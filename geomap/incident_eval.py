"""Incidents scored as an analyst would code them: geomap's incidents against ``labels/incidents``.

The labels (see ``labels/incidents/README.md``) list, for news stories of ``../shared/eval``,
each event an analyst codes, with every word of the text that reports it. An incident of
geomap's *is* a labelled event when one of its trigger words overlaps one of the event's
words; when it overlaps several events (one mention, "protests spread to A, B and C", that
is three events), the one at its place is taken. Then, over the events that are today's
news (not a recalled background event, not a running total):

- ``recall``: events given at least one incident;
- ``type_acc``: events given an incident of the labelled type;
- ``toll_exact``: lethal events (a labelled toll of one or more) whose incident gives that toll;
- ``per_event``: incidents per event found (one event told in three sentences as three
  incidents is 3);
- ``location_acc``: events found whose first incident is at the labelled place span (or says
  none when the label does);

and over geomap's incidents, ``precision``: those that are a labelled event of any kind.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geomap.errors import InputError
from geomap.evaluate import eval_dir, overlaps, part_of
from geomap.incidents.incident import Incident
from geomap.model import ParsedArticle

Span = tuple[int, int]


def labels_path() -> Path:
    """The labels file of the repository checkout."""
    return Path(__file__).resolve().parents[1] / "labels" / "incidents" / "labels.jsonl"


@dataclass(frozen=True, slots=True)
class Story:
    """A labelled story: its text (read from ``../shared/eval``) and its events."""

    corpus: str
    id: str
    date: str | None
    text: str
    events: tuple[dict[str, Any], ...]


def load_stories(part: str = "all", path: Path | None = None) -> list[Story]:
    """The labelled stories of ``part`` (``tune``, ``check`` or ``all``) with their texts."""
    path = path or labels_path()
    if not path.is_file():
        raise InputError(f"no incident labels at {path}")
    with path.open(encoding="utf-8") as f:
        labels = [json.loads(line) for line in f if line.strip()]
    labels = [r for r in labels if part == "all" or part_of(r["id"]) == part]
    texts: dict[tuple[str, str], dict[str, Any]] = {}
    for corpus in sorted({r["corpus"] for r in labels}):
        corpus_path = eval_dir() / f"{corpus}.jsonl"
        if not corpus_path.is_file():
            raise InputError(f"no evaluation corpus at {corpus_path} (set GEOMAP_EVAL_DIR)")
        with corpus_path.open(encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                texts[(corpus, str(doc["id"]))] = doc
    stories = []
    for r in labels:
        doc = texts.get((r["corpus"], r["id"]))
        if doc is None:
            raise InputError(f"labelled story {r['corpus']}/{r['id']} is not in {eval_dir()}")
        stories.append(Story(r["corpus"], r["id"], doc.get("date"), doc["text"], tuple(r["events"])))
    return stories


def _spans(event: dict[str, Any], key: str) -> list[Span]:
    return [(int(s), int(e)) for s, e in event.get(key) or []]


def _places(event: dict[str, Any]) -> list[Span]:
    loc = event.get("location")
    return ([(int(loc[0]), int(loc[1]))] if loc else []) + _spans(event, "location_alternatives")


def _at_place(inc: Incident, event: dict[str, Any]) -> bool:
    """Whether the incident is at the event's labelled place span, or both give none."""
    places = _places(event)
    if inc.location_start is None or inc.location_end is None:
        return not places
    return any(overlaps((inc.location_start, inc.location_end), s) for s in places)


def assign(incidents: Iterable[Incident], events: tuple[dict[str, Any], ...]) -> list[int | None]:
    """For each incident, the index of the labelled event it reports, or None."""
    out: list[int | None] = []
    for inc in incidents:
        hits = [
            k
            for k, e in enumerate(events)
            if any(overlaps(t, m) for t in inc.trigger_spans for m in _spans(e, "mentions"))
        ]
        placed = [k for k in hits if _at_place(inc, events[k])]
        best = placed or hits
        out.append(best[0] if best else None)
    return out


def _counted(event: dict[str, Any]) -> bool:
    """Whether the event is today's news: not recalled background, not a running total."""
    return not event.get("background") and not event.get("cumulative")


def score_story(story: Story, parsed: ParsedArticle) -> dict[str, Any]:
    """Per-event and per-incident outcomes of one story, for :func:`summarise`."""
    incidents = list(parsed.incidents)
    owner = assign(incidents, story.events)
    events = []
    for k, e in enumerate(story.events):
        if not _counted(e):
            continue
        mine = [inc for inc, o in zip(incidents, owner, strict=True) if o == k]
        tolls = [inc.fatalities for inc in mine if inc.fatalities is not None]
        events.append(
            {
                "event": k,
                "type": e["type"],
                "killed": e.get("killed"),
                "incidents": len(mine),
                "types": [inc.incident_type for inc in mine],
                "tolls": tolls,
                "found": bool(mine),
                "type_right": any(inc.incident_type == e["type"] for inc in mine),
                "toll_exact": bool(tolls) and max(tolls) == e.get("killed"),
                "place_right": bool(mine) and _at_place(mine[0], e),
            }
        )
    return {
        "corpus": story.corpus,
        "id": story.id,
        "events": events,
        "incidents": [
            {"trigger": inc.trigger, "type": inc.incident_type, "fatalities": inc.fatalities, "event": o}
            for inc, o in zip(incidents, owner, strict=True)
        ],
    }


def share(num: int, den: int) -> float | None:
    """``num / den`` to three places, or None for an empty denominator: how every figure is given."""
    return round(num / den, 3) if den else None


def summarise(scored: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures over many stories' outcomes."""
    events = [e for s in scored for e in s["events"]]
    found = [e for e in events if e["found"]]
    lethal = [e for e in events if (e["killed"] or 0) >= 1]
    incidents = [i for s in scored for i in s["incidents"]]
    return {
        "stories": len(scored),
        "events": len(events),
        "incidents": len(incidents),
        "recall": share(len(found), len(events)),
        "precision": share(sum(i["event"] is not None for i in incidents), len(incidents)),
        "type_acc": share(sum(e["type_right"] for e in events), len(events)),
        "lethal": len(lethal),
        "toll_exact": share(sum(e["toll_exact"] for e in lethal), len(lethal)),
        "per_event": share(sum(e["incidents"] for e in found), len(found)),
        "location_acc": share(sum(e["place_right"] for e in found), len(found)),
    }


def evaluate_incidents(
    parse: Callable[[Story], ParsedArticle],
    part: str = "all",
    progress: Callable[[str], None] = lambda _: None,
    path: Path | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The summary and the per-story outcomes of ``parse`` on the labelled stories of ``part``."""
    stories = load_stories(part, path)
    progress(f"incident labels, {part}: {len(stories)} stories")
    scored = [score_story(s, parse(s)) for s in stories]
    return summarise(scored), scored
