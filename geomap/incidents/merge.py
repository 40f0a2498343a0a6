"""When two incidents report the same event, and how they combine.

One event is often told several times: in one article ("an airstrike on Dnipro killed 7",
then "the strike on Dnipro"), and across articles. :func:`same_event` decides from the two
incidents alone, so the incident store can use it across articles; :func:`merge_incidents`
combines them. Two incidents are the same event when

- their types are equal, or both are in the family of violence (``casualties``,
  ``armed_attack``, ``airstrike_shelling``, ``maritime_attack``): one strike is reported as
  "a strike" in one sentence and as "seven killed" in another;
- they happened at the same place: the same place id, or both within ``max_km`` of each other.
  An incident without a place merges only with one told in the same sentence of the same
  article: across sentences or articles "somewhere" can be anywhere;
- their dates agree: equal, within ``max_days`` of each other, or a month ("2024-03") holding
  the day. A missing date is compatible only inside one article, whose date is shared;
- their counts are compatible: a missing count fits any, two stated counts must be within a
  factor of two (7 and 9 dead are one report revised; 3 and 30 are two events).

Within one article a definite reference back ("three crew were killed in the attack near the
Bab el-Mandeb strait", after "missiles hit a ship in the Red Sea") is told again even though
its place is another name: :func:`merge_article_incidents` joins it to the nearest earlier
event of its family when one place lies in the other (a strait in its sea, a town in its
country) or the reference names none, and keeps the narrower place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from geomap.geodesy import haversine_km
from geomap.incidents.lexicon import VIOLENCE_TYPES
from geomap.resolution.containment import inside

if TYPE_CHECKING:
    from geomap.incidents.incident import Incident

#: Two places this close are one scene: a town's centre and its gazetteer point, two spellings.
DEFAULT_MAX_KM = 10.0
#: Reports a day apart can be one event: time zones, "on Monday night" and "early Tuesday".
DEFAULT_MAX_DAYS = 1
#: Two stated counts of one event differ at most by this factor (a toll revised upward).
COUNT_FACTOR = 2.0

#: How specific an incident type is when two reports of one event disagree: "casualties" says least.
_TYPE_RANK = {"casualties": 0, "armed_attack": 1}


def more_specific_type(a: str, b: str) -> str:
    """Of two types of one event, the one that says how: an attack type over ``casualties``,
    a strike or a ship attack over a plain ``armed_attack``; ``a`` when neither says more."""
    return b if _TYPE_RANK.get(b, 2) > _TYPE_RANK.get(a, 2) else a


def same_family(a: str, b: str) -> bool:
    """Whether two incident types can report one event: equal, or both acts of violence."""
    return a == b or (a in VIOLENCE_TYPES and b in VIOLENCE_TYPES)


def _km(a: Incident, b: Incident) -> float:
    """Great-circle distance between the two incidents' places (both known)."""
    assert a.place is not None and b.place is not None
    return haversine_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon)


def _same_sentence(a: Incident, b: Incident) -> bool:
    same_span = (a.sentence_start, a.sentence_end) == (b.sentence_start, b.sentence_end)
    return a.article_id == b.article_id and same_span


def _same_place(a: Incident, b: Incident, max_km: float) -> bool:
    if a.place is None or b.place is None:
        return _same_sentence(a, b)
    return a.place.id == b.place.id or _km(a, b) <= max_km or _in_water_of(a, b) or _in_water_of(b, a)


#: Kinds of water a report places an event "in" when it names no nearer place.
WATER = frozenset({"sea", "ocean", "gulf", "bay", "strait", "channel"})


def _in_water_of(point: Incident, water: Incident) -> bool:
    """Whether ``water`` puts the event in a sea and ``point`` at an offset point in that sea's box.

    "A ship was attacked in the Gulf of Aden" and "a ship was attacked 70 nm southeast of
    Mukalla" the same day are one attack. Only reports of one type: a strike on a port
    and an attack on a ship off it are two events of one family. Only an offset: "near
    Hodeidah" and "in the Red Sea" may be two ships, as a port lies in its sea's box.
    """
    return (
        point.incident_type == water.incident_type
        and water.precision in WATER
        and point.precision == "offset"
        and point.place is not None
        and water.place is not None
        and water.place.bbox is not None
        and inside(point.place, water.place)
    )


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None


def _same_date(a: Incident, b: Incident, max_days: int) -> bool:
    if a.date is None or b.date is None:
        return a.article_id == b.article_id
    if a.date == b.date:
        return True
    da, db = _day(a.date), _day(b.date)
    if da is not None and db is not None:
        return abs((da - db).days) <= max_days
    # a month and a day in it ("2024-03" and "2024-03-12")
    short, long_ = sorted((a.date, b.date), key=len)
    return len(short) < len(long_) and long_.startswith(short)


def _compatible_counts(x: int | None, y: int | None) -> bool:
    if x is None or y is None:
        return True
    low, high = sorted((x, y))
    if low == 0:
        return high == 0
    return high <= COUNT_FACTOR * low


def same_event(
    a: Incident, b: Incident, *, max_km: float = DEFAULT_MAX_KM, max_days: int = DEFAULT_MAX_DAYS
) -> bool:
    """Whether ``a`` and ``b`` report one event (module docstring); depends on nothing else."""
    return (
        same_family(a.incident_type, b.incident_type)
        and _same_place(a, b, max_km)
        and _same_date(a, b, max_days)
        and _compatible_counts(a.fatalities, b.fatalities)
        and _compatible_counts(a.affected, b.affected)
        and a.cumulative == b.cumulative  # a running total is no event's toll
    )


def _max_count(x: int | None, y: int | None) -> int | None:
    stated = [n for n in (x, y) if n is not None]
    return max(stated) if stated else None


def merge_incidents(a: Incident, b: Incident) -> Incident:
    """One incident from two reports of one event: ``a``'s id, sentence and offsets, the best of both.

    The type is the more specific (an attack type over ``casualties``), the counts the highest
    stated, the actors and trigger offsets the union (triggers only within one article: offsets
    into another article's text mean nothing here). A missing place or date is taken from ``b``
    when both come from the same article.
    """
    kind = more_specific_type(a.incident_type, b.incident_type)
    same_article = a.article_id == b.article_id
    triggers = a.trigger_spans
    if same_article:
        triggers = tuple(dict.fromkeys((*a.trigger_spans, *b.trigger_spans)))
    merged = replace(
        a,
        incident_type=kind,
        fatalities=_max_count(a.fatalities, b.fatalities),
        affected=_max_count(a.affected, b.affected),
        affected_kind=a.affected_kind or b.affected_kind,
        wounded=_max_count(a.wounded, b.wounded),
        fatalities_range=a.fatalities_range if a.fatalities is not None else b.fatalities_range,
        actors=tuple(dict.fromkeys((*a.actors, *b.actors))),
        triggers=triggers,
        date=_finer_date(a.date, b.date),
        confidence=max(a.confidence, b.confidence),
    )
    if same_article and a.place is None and b.place is not None:
        merged = _placed_as(merged, b)
    elif _in_water_of(b, a):
        # "in the Gulf of Aden", then "70 nm southeast of Mukalla": the point in the sea; words
        # and offsets of another article's text say nothing of this one's
        merged = _placed_as(merged, b)
        if not same_article:
            merged = replace(merged, location_start=None, location_end=None)
    return merged


def _placed_as(inc: Incident, source: Incident) -> Incident:
    """``inc`` with the location of ``source``: its words, offsets, place and precision."""
    return replace(
        inc,
        location_name=source.location_name,
        location_start=source.location_start,
        location_end=source.location_end,
        place=source.place,
        precision=source.precision,
        offset=source.offset,
        contained=source.contained,
    )


def _finer_date(x: str | None, y: str | None) -> str | None:
    """The date that says more: a day over its month, a stated date over none."""
    if x is None or (y is not None and len(y) > len(x) and y.startswith(x)):
        return y
    return x


def _both_placed(a: Incident, b: Incident) -> bool:
    """Whether two incidents of one article both state where: a known place each, or, in one
    sentence, the same name the gazetteer does not know ("gunmen attacked a boat near Qaw, killing two")."""
    if a.place is not None and b.place is not None:
        return True
    if a.location_name is None or a.place is not None or b.place is not None:
        return False
    same_words = (a.location_start, a.location_end) == (b.location_start, b.location_end)
    return same_words and _same_sentence(a, b)


def _one_sentence_unplaced(a: Incident, b: Incident) -> bool:
    """Whether two incidents of one sentence are told with at most one place: "students protesting
    against the quota clashed with police in Jatrabari", "police used tear gas to disperse a rally"."""
    return _same_sentence(a, b) and (a.location_name is None or b.location_name is None)


def _nested(a: Incident, b: Incident) -> bool:
    """Whether one place lies in the other or is it: a strait in its sea, a town in its country."""
    if a.place is None or b.place is None:
        return False
    return _same_place(a, b, DEFAULT_MAX_KM) or inside(a.place, b.place) or inside(b.place, a.place)


#: Talks told again may be on a later day of the same round: "the talks resumed on Tuesday".
_TALKS_DAYS = 3


def _family(kind: str) -> str:
    """The key of a type's family (:func:`same_family`): every act of violence shares one."""
    return "violence" if kind in VIOLENCE_TYPES else kind


def _last_told(inc: Incident) -> int:
    return max(start for start, _ in inc.trigger_spans)


def _antecedent(
    kept: Sequence[Incident], inc: Incident, latest: int | None, adds: bool = False
) -> int | None:
    """Which earlier incident a definite reference back ("the attack") tells again, if any.

    Only the nearest earlier one of its family, by its last trigger, is asked (``latest``, its
    index in ``kept``): "the attack" means the last attack told. It is the one when ``inc`` names
    no place or both name places that are nested, their dates agree to the day and their counts fit.
    """
    if latest is None:
        return None
    k = latest
    prev = kept[k]
    # "Nobody was killed in the attack" says nothing of where. Otherwise both must name places,
    # nested: "the fighting … in the North Caucasus" after a shooting placed nowhere was another
    # event in each such case read, and a name the gazetteer does not know may be anywhere.
    placed = inc.location_name is None or _nested(prev, inc)
    # a later toll ("two more died", "the death toll rose to 60") may come days later and need fit
    # no count told before; talks told again may be on a later day of the same round
    later_toll = adds or _updates_toll(inc)
    days = 7 if later_toll else (_TALKS_DAYS if inc.incident_type == "meeting_diplomacy" else 0)
    fits = (
        _same_date(prev, inc, days)
        and (later_toll or _compatible_counts(prev.fatalities, inc.fatalities))
        and _compatible_counts(prev.affected, inc.affected)
        and prev.cumulative == inc.cumulative
    )
    return k if placed and fits else None


#: Words of a toll told as the event's whole, replacing the figures before: "the death toll rose to
#: 9", as coders write it "fatalities coded as 13".
_TOLL_WORDS = frozenset({"toll", "fatalities"})


def _updates_toll(inc: Incident) -> bool:
    return inc.trigger.lower() in _TOLL_WORDS


def _told_again(prev: Incident, inc: Incident, adds: bool = False) -> Incident:
    """``prev`` merged with a reference back to it, at the narrower of their places, on ``prev``'s
    date: a later sentence's date is seldom the event's ("the blast came a day after … in March 2003").
    With ``adds`` its toll adds to ``prev``'s ("two more died in hospital")."""
    merged = replace(merge_incidents(prev, inc), date=prev.date)
    if adds and prev.incident_type != "casualties":
        # "militants attacked the post, killing 6 … the army responded with airstrikes, killing 11
        # militants": the other side's answer is part of the attack, which stays the event's type
        merged = replace(merged, incident_type=prev.incident_type)
    if adds and inc.fatalities is not None:
        merged = replace(merged, fatalities=(prev.fatalities or 0) + inc.fatalities, fatalities_range=None)
    elif _updates_toll(inc) and inc.fatalities is not None:
        # "the toll rose to 9", "fatalities coded as 2" (after claims of 7): the latest word on the dead
        merged = replace(merged, fatalities=inc.fatalities, fatalities_range=inc.fatalities_range)
    a, b = prev.place, inc.place
    if a is not None and b is not None and a.id != b.id and inside(b, a) and not inside(a, b):
        merged = _placed_as(merged, inc)
    return merged


def merge_article_incidents(
    incidents: Sequence[Incident],
    article_date: str | None = None,
    refers_back: Callable[[Incident], bool] = lambda _: False,
    adds_to_toll: Callable[[Incident], bool] = lambda _: False,
) -> list[Incident]:
    """An article's incidents with the same event told twice merged into the first.

    Incidents that both state a place merge here on the same day: "an airstrike on
    Dnipro killed 7 on Monday" and "the strike on Dnipro" in a later sentence, or, within
    one sentence, words the parse did not fold together ("three crew were killed and four
    others were injured in the attack near X"). A place the gazetteer does not know counts
    when both name it at the same words of one sentence, and in one sentence an incident that
    names no place joins one of its family that does ("students protesting … clashed with police
    in Jatrabari"). Then an incident for which
    ``refers_back`` is true (its words say "the attack") merges into the event it
    refers to (:func:`_antecedent`); one for which ``adds_to_toll`` is true ("two more died")
    adds its toll to that event's. A sentence that names no day gets the article's date,
    which says nothing about the day, so that date counts as missing here.
    """

    def undated(inc: Incident) -> Incident:
        return replace(inc, date=None) if article_date is not None and inc.date == article_date else inc

    placed: list[Incident] = []
    # Only incidents of one sentence, or two with known places, can merge here: indexed so, a long
    # text's thousands of incidents are not each compared with every other.
    with_place: list[int] = []
    by_sentence: dict[tuple[int, int], list[int]] = {}
    for inc in map(undated, incidents):
        span = (inc.sentence_start, inc.sentence_end)
        # more dead of an event told before are added to it below, not to the larger kept here
        extra = adds_to_toll(inc)
        near = set() if extra else set(by_sentence.get(span, ()))
        if inc.place is not None and not extra:
            near.update(with_place)
        for k in sorted(near):
            prev = placed[k]
            if (_both_placed(prev, inc) or _one_sentence_unplaced(prev, inc)) and same_event(
                prev, inc, max_days=0
            ):
                placed[k] = merge_incidents(prev, inc)
                if prev.place is None and placed[k].place is not None:
                    with_place.append(k)
                break
        else:
            placed.append(inc)
            k = len(placed) - 1
            by_sentence.setdefault(span, []).append(k)
            if inc.place is not None:
                with_place.append(k)
    # then the references back, on whole events: "killed … and injured in the attack" is one
    kept: list[Incident] = []
    told_at: list[int] = []  # each kept incident's last trigger
    latest: dict[str, int] = {}  # by family, the kept incident told last
    for inc in placed:
        adds = adds_to_toll(inc)
        family = _family(inc.incident_type)
        back = _antecedent(kept, inc, latest.get(family), adds) if adds or refers_back(inc) else None
        if back is None:
            kept.append(inc)
            told_at.append(_last_told(inc))
            back = len(kept) - 1
        else:
            kept[back] = _told_again(kept[back], inc, adds)
            told_at[back] = max(told_at[back], _last_told(inc))
        last = latest.get(family)
        if last is None or told_at[back] > told_at[last]:
            latest[family] = back
    return [inc if inc.date is not None else replace(inc, date=article_date) for inc in kept]
