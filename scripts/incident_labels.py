"""The incident labels of ``labels/incidents``: choose the stories, check drafts, build offsets.

    python scripts/incident_labels.py select [-o STORIES.jsonl]   # the stories to label, with text
    python scripts/incident_labels.py check DRAFT.jsonl...        # every quotation found once?
    python scripts/incident_labels.py build DRAFT.jsonl... -o labels/incidents/labels.jsonl

Drafts anchor each span by a quotation around it (see ``labels/incidents/README.md``); the
built file keeps offsets only, so no story text enters the repository. Standard library only,
so a labeller can run ``check`` before geomap is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

#: Story sources: VOA in full; of the others, stories with this many conflict or crime words.
ALL_OF = ("voa_stories",)
FILTERED = ("gwn", "trnews", "lgl")
MIN_WORDS = 3
MAX_CHARS = 12_000
#: The second batch: of these corpora, the stories under MAX_CHARS with at least one such word
#: that the first batch left out (many report no incident: they teach what is not one).
SECOND = ("gwn", "trnews", "lgl", "tudloc2013")
MIN_WORDS_SECOND = 1
CONFLICT_WORDS = re.compile(
    r"\b(killed|killing|attack\w*|shot|shooting|protest\w*|arrest\w*|bomb\w*|airstrike\w*|clash\w*"
    r"|stabbed|gunmen|militant\w*|troops|shelling|missile\w*|dead|died|riot\w*|hostage\w*|kidnap\w*"
    r"|abduct\w*|fighting|rebels?|police)\b",
    re.IGNORECASE,
)
TYPES = {
    "armed_attack", "airstrike_shelling", "maritime_attack", "ground_operation", "military_plan",
    "casualties", "displacement_humanitarian", "meeting_diplomacy", "statement_threat",
    "protest_unrest", "arrest_detention", "other",
}  # fmt: skip
MODALITIES = {"asserted", "planned", "threatened", "possible"}
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: A sentence ends at . ! or ? (and a closing quote) before a space and a capital or quote,
#: or at a line break.
SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“‘'(A-Z0-9])|\n+")


def eval_dir() -> Path:
    configured = os.environ.get("GEOMAP_EVAL_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared" / "eval"


def stories(batch: int | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """The chosen stories by (corpus, id): the first batch's in file order, then the second's
    (``batch`` 1 or 2 for one of them alone)."""
    first: dict[tuple[str, str], dict[str, Any]] = {}
    second: dict[tuple[str, str], dict[str, Any]] = {}
    for corpus in dict.fromkeys((*ALL_OF, *FILTERED, *SECOND)):
        with (eval_dir() / f"{corpus}.jsonl").open(encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                text = doc["text"]
                story = {
                    "corpus": corpus,
                    "id": str(doc["id"]),
                    "title": doc.get("title"),
                    "date": doc.get("date"),
                    "text": text,
                }
                key = (corpus, str(doc["id"]))
                conflict = len(CONFLICT_WORDS.findall(text))
                short = len(text) < MAX_CHARS
                if corpus in ALL_OF or (corpus in FILTERED and short and conflict >= MIN_WORDS):
                    first[key] = story
                elif corpus in SECOND and short and conflict >= MIN_WORDS_SECOND:
                    second[key] = story
    if batch == 1:
        return first
    if batch == 2:
        return second
    return {**first, **second}


def part_of(doc_id: str) -> str:
    """The same split as ``geomap.evaluate.part_of`` (a test holds the two equal)."""
    return "tune" if int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % 10 < 7 else "check"


class DraftError(ValueError):
    """A draft that cannot be turned into offsets."""


def anchor(text: str, a: dict[str, Any], what: str) -> list[int]:
    """The offsets of ``a["text"]`` inside the one place ``a["context"]`` occurs in ``text``."""
    context, span = a.get("context") or a.get("text"), a.get("text")
    if not isinstance(context, str) or not isinstance(span, str) or not span:
        raise DraftError(f"{what}: needs a text and a context")
    at = text.find(context)
    if at < 0:
        raise DraftError(f"{what}: context not in the story: {context!r}")
    if text.find(context, at + 1) >= 0:
        raise DraftError(f"{what}: context occurs more than once: {context!r}")
    inner = context.find(span)
    if inner < 0 or context.find(span, inner + 1) >= 0:
        raise DraftError(f"{what}: {span!r} is not once in its context {context!r}")
    return [at + inner, at + inner + len(span)]


def sentence_of(text: str, offset: int) -> list[int]:
    start = 0
    for m in SENTENCE_END.finditer(text):
        if m.end() <= offset:
            start = m.end()
        elif m.start() >= offset:
            return [start, m.start() + 1 if text[m.start()] in ".!?" else m.start()]
    return [start, len(text.rstrip())]


def _count(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DraftError(f"{what}: not a count: {value!r}")
    return value


def build_event(text: str, e: dict[str, Any], what: str) -> dict[str, Any]:
    if e.get("type") not in TYPES:
        raise DraftError(f"{what}: unknown type {e.get('type')!r}")
    modality = e.get("modality") or "asserted"
    if modality not in MODALITIES:
        raise DraftError(f"{what}: unknown modality {modality!r}")
    date = e.get("date")
    if date is not None and not (isinstance(date, str) and DATE.match(date)):
        raise DraftError(f"{what}: date {date!r} is not YYYY[-MM[-DD]]")
    mentions = [anchor(text, m, f"{what} mention {k}") for k, m in enumerate(e.get("mentions") or [])]
    if not mentions:
        raise DraftError(f"{what}: no mentions")
    location = e.get("location")
    killed_range = e.get("killed_range")
    if killed_range is not None and not (
        isinstance(killed_range, list)
        and len(killed_range) == 2
        and all(isinstance(v, int) for v in killed_range)
    ):
        raise DraftError(f"{what}: killed_range must be [low, high]")
    return {
        "type": e["type"],
        "subtype": e.get("subtype"),
        "mentions": mentions,
        "sentence": sentence_of(text, mentions[0][0]),
        "location": anchor(text, location, f"{what} location") if location else None,
        "location_alternatives": [
            anchor(text, a, f"{what} alternative {k}")
            for k, a in enumerate(e.get("location_alternatives") or [])
        ],
        "date": date,
        "killed": _count(e.get("killed"), f"{what} killed"),
        "killed_range": killed_range,
        "killed_text": e.get("killed_text"),
        "wounded": _count(e.get("wounded"), f"{what} wounded"),
        "affected": _count(e.get("affected"), f"{what} affected"),
        "affected_kind": e.get("affected_kind"),
        "modality": modality,
        "background": bool(e.get("background")),
        "cumulative": bool(e.get("cumulative")),
    }


def read_drafts(paths: list[str]) -> list[dict[str, Any]]:
    drafts = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        drafts.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise DraftError(f"{path}:{n}: not JSON: {exc}") from None
    return drafts


def build(paths: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Offsets for every draft story, and the errors of those that could not be built."""
    known = stories()
    built: dict[tuple[str, str], dict[str, Any]] = {}
    errors = []
    for draft in read_drafts(paths):
        key = (str(draft.get("corpus")), str(draft.get("id")))
        story = known.get(key)
        if story is None:
            errors.append(f"{key}: not a chosen story")
            continue
        if key in built:
            errors.append(f"{key}: labelled twice")
            continue
        events = []
        for k, e in enumerate(draft.get("events") or []):
            try:
                events.append(build_event(story["text"], e, f"{key[0]}/{key[1]} event {k}"))
            except DraftError as exc:
                errors.append(str(exc))
        built[key] = {"corpus": key[0], "id": key[1], "part": part_of(key[1]), "events": events}
    order = list(known)
    rows = sorted(built.values(), key=lambda r: order.index((r["corpus"], r["id"])))
    return rows, errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    sel = sub.add_parser("select", help="write the chosen stories (with text) as JSONL")
    sel.add_argument("-o", "--output", default="-")
    sel.add_argument("--batch", type=int, choices=(1, 2), help="one batch alone (default: both)")
    chk = sub.add_parser("check", help="check drafts: every quotation once, every value known")
    chk.add_argument("drafts", nargs="+")
    bld = sub.add_parser("build", help="build the offsets file from drafts")
    bld.add_argument("drafts", nargs="+")
    bld.add_argument("-o", "--output", required=True)
    args = ap.parse_args(argv)
    if args.command == "select":
        lines = "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in stories(args.batch).values())
        if args.output == "-":
            sys.stdout.write(lines)
        else:
            Path(args.output).write_text(lines, encoding="utf-8")
        return 0
    try:
        rows, errors = build(args.drafts)
    except (OSError, DraftError) as exc:
        print(f"incident_labels: error: {exc}", file=sys.stderr)
        return 2
    for e in errors:
        print(e, file=sys.stderr)
    events = sum(len(r["events"]) for r in rows)
    print(f"{len(rows)} stories, {events} events, {len(errors)} errors", file=sys.stderr)
    if args.command == "build" and not errors:
        Path(args.output).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
