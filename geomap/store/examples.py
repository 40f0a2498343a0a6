"""An analyst's place corrections as labelled examples for ``geomap train``.

When an analyst sets an incident's location in the web app (``PATCH … {"location": …}``), they
say which place the event happened at, in a text geomap has read: the label the event–location
linker learns from. ``location_examples`` turns the last location correction of each incident
into the training file's format (``event_location_train.jsonl``): the article's text, and for
the incident's first report, its trigger and sentence with the spans where the text names the
corrected place (the stored mentions resolved to it, else the name as written), or no span when
the analyst said the text gives no place.

A correction to a place the article never writes (a point the analyst knows from elsewhere)
teaches the linker nothing and is left out, as is one whose article was stored without its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from geomap.model import ParsedArticle
from geomap.store.store import Store


@dataclass(frozen=True, slots=True)
class Examples:
    """The training documents, one per article, and how many corrections could not be used."""

    docs: list[dict[str, Any]]
    unused: int


def location_examples(store: Store) -> Examples:
    """Each incident's last location correction as a labelled event of its first report's article."""
    last: dict[str, Any] = {}
    for c in store.corrections():
        if c.field == "location":
            last[c.incident] = c.after
    docs: dict[str, dict[str, Any]] = {}
    unused = 0
    for uid, place in last.items():
        reports = store.reports(uid)
        article = store.article(reports[0].article_id) if reports else None
        if not reports or article is None or not article.text:
            unused += 1
            continue
        inc = reports[0].incident
        spans = [] if place is None else list(_spans(article, place, inc.sentence_start, inc.sentence_end))
        if place is not None and not spans:
            unused += 1
            continue
        doc = docs.setdefault(
            article.id,
            {"id": f"correction-{article.id}", "text": article.text, "events": [], "corpus": "corrections"},
        )
        first = spans[0] if spans else None
        doc["events"].append(
            {
                "sentence_start": inc.sentence_start,
                "sentence_end": inc.sentence_end,
                "trigger_start": inc.trigger_start,
                "trigger_end": inc.trigger_end,
                "trigger": inc.trigger,
                "location_start": first[0] if first else None,
                "location_end": first[1] if first else None,
                "location": article.text[first[0] : first[1]] if first else None,
                "locations": [{"start": s, "end": e, "name": article.text[s:e]} for s, e in spans],
                "label_source": "analyst",
                "incident": uid,
            }
        )
    return Examples(list(docs.values()), unused)


def _spans(article: ParsedArticle, place: dict[str, Any], lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """Where the text names ``place``: its mentions (by gazetteer id), else its name as written;
    those in the event's sentence (``lo``–``hi``) when there are any there."""
    text = article.text or ""
    found = sorted({(m.start, m.end) for m in article.mentions if m.place and m.place.id == place.get("id")})
    name = str(place.get("name") or "").strip()
    if not found and name:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        found = [(m.start(), m.end()) for m in pattern.finditer(text)]
    near = [s for s in found if lo <= s[0] and s[1] <= hi]
    yield from near or found
