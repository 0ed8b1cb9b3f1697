"""What every obligation kind shares: the evaluation instant and range, which units
and people a rule binds, which events a selector counts, and how a count or a
first event against a due instant becomes a status.

The reference evaluator is the definition of correct behaviour, so these are
written to be read: one function per idea, no cleverness. They are efficient
because :class:`~compliance.facts.Facts` indexes events by (unit, type) in time
order, so selecting the events of one unit in one period is a binary search.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Any

from pydantic import BaseModel

from compliance.facts import EVENT_FIELDS, Event, Facts, Tenure, Unit, meeting, region_chain
from compliance.findings import Status
from compliance.language.compile import CompiledRule
from compliance.language.schema import AppliesTo, Selector, TargetFilter, TenureSelector, UnitFilter
from compliance.timeline import SHANGHAI, due_instant
from compliance.vocabulary import VOCABULARY


@dataclass(frozen=True)
class Context:
    """The facts and the evaluation instant and range.

    Only what is known at ``as_of`` counts: events after it are ignored, so that
    re-evaluating the past with a later export gives the same answer.
    ``first``/``last`` bound the days whose periods are evaluated.
    """

    facts: Facts
    as_of: datetime
    first: date | None = None
    last: date | None = None
    #: Graded events (incidents) by event id, from the grading rules, evaluated first.
    incidents: Mapping[str, Any] = field(default_factory=dict)

    def units_with_region(self, code: str) -> list[Unit]:
        """Units whose own region is exactly ``code`` (the territorial bodies of that division), by id."""
        return self._by_region().get(code, [])

    def _by_region(self) -> dict[str, list[Unit]]:
        index = self.__dict__.get("_region_index")
        if index is None:
            index = {}
            for unit in self.facts:
                if unit.region:
                    index.setdefault(unit.region, []).append(unit)
            object.__setattr__(self, "_region_index", index)
        return index

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept with this context under ``key`` for the other rules that ask the same.

        Rules of several packs index the same events the same way (every hazard
        rectified, by ``hazard_id``); the answer depends only on the facts and
        ``as_of``, which a context never changes. Callers must not mutate it.
        """
        memos = self.__dict__.get("_memos")
        if memos is None:
            memos = {}
            object.__setattr__(self, "_memos", memos)
        if key not in memos:
            memos[key] = compute()
        return memos[key]

    def grade_of(self, event: Event) -> str | None:
        """The grade of the accident an event is (an incident), or names by ``accident_id``."""
        incident = self.incidents.get(event.event_id) or self.incidents.get(event.attribute("accident_id") or "")
        return incident.grade if incident is not None else None

    @property
    def as_of_day(self) -> date:
        """The last day that has begun before the evaluation instant.

        At 2023-04-01T00:00 that is 2023-03-31: a period starting exactly at the
        evaluation instant has not begun, and is not evaluated.
        """
        return (self.as_of - timedelta(microseconds=1)).astimezone(SHANGHAI).date()

    def days(self, rule: CompiledRule) -> tuple[date, date] | None:
        """The days over which a rule is evaluated: its force ∩ the range ∩ what has begun by as-of."""
        first = max(rule.in_force.from_, self.first) if self.first else rule.in_force.from_
        last = self.last or self.as_of_day
        last = min(last, self.as_of_day)
        if rule.in_force.to is not None:
            last = min(last, rule.in_force.to)
        return (first, last) if first <= last else None

    def known(self, event: Event) -> bool:
        """Whether an event is known at the evaluation instant.

        (:func:`all_events` relies on this being ``occurred_at.at <= as_of``, so that
        the known events of a time-ordered index come first.)
        """
        return event.occurred_at.at <= self.as_of

    def event(self, event_id: object) -> Event | None:
        """The event with this id, if it is known at the evaluation instant (else None)."""
        event = self.facts.events.get(str(event_id or ""))
        return event if event is not None and self.known(event) else None


# -- who a rule binds ------------------------------------------------------------
def unit_matches(unit: Unit, criteria: UnitFilter) -> bool:
    """Whether a unit meets a filter (each criterion given must hold; lists mean any).

    A rule's filter also carries its pack's jurisdiction (``within``), which must hold too.
    A unit with no recorded region is not excluded by ``regions``: its territory is
    unknown, and an export is presumed to come from inside the jurisdiction it is
    checked against (excluding it would silently drop its records).
    """
    # Every rule asks this of every unit: the fields are read from the model's
    # __dict__ (a filter without ``within`` would raise and catch an AttributeError).
    within = criteria.__dict__.get("within")
    if within is not None and not unit_matches(unit, within):
        return False
    if criteria.regions and unit.region and set(criteria.regions).isdisjoint(region_chain(unit.region)):
        return False
    if criteria.kind and unit.kind not in criteria.kind:
        return False
    if criteria.level and unit.level not in criteria.level:
        return False
    if criteria.tags and set(criteria.tags).isdisjoint(unit.tags):
        return False
    if criteria.sectors and set(criteria.sectors).isdisjoint(unit.sectors):
        return False
    return True


def bound_units(facts: Facts, applies_to: AppliesTo) -> list[Unit]:
    """The units a rule binds, by id.

    Rules share filters (every rule on party committees of a pack's jurisdiction),
    so the answer is kept with the facts for each filter, as :func:`unit_matches`
    reads it: the fields of ``applies_to`` less those that choose people.
    """
    if not isinstance(applies_to, BaseModel):
        return [unit for unit in facts if unit_matches(unit, applies_to)]
    key = (type(applies_to), applies_to.model_dump_json(exclude=_PEOPLE_FIELDS))
    cache = facts.__dict__.setdefault("_bound_units", {})
    found = cache.get(key)
    if found is None:
        found = cache[key] = [unit for unit in facts if unit_matches(unit, applies_to)]
    return list(found)


_PEOPLE_FIELDS = {"role", "other_than", "person"}
"""Fields of :class:`AppliesTo` that choose the people of the units, not the units."""


def tenure_matches(tenure: Tenure, role: str, where: dict[str, tuple[Any, ...]]) -> bool:
    if tenure.role != role:
        return False
    for name, allowed in where.items():
        value = tenure.attributes.get(name)
        values = value if isinstance(value, tuple) else (value,)
        if not set(values) & set(allowed):
            return False
    return True


@dataclass(frozen=True)
class Holder:
    """One person holding a role in one unit, over one or more tenures.

    ``excluded``: the tenures of a role that takes them out of the obligation
    (``other_than``); their days do not count as served.
    """

    person_id: str
    name: str
    unit: Unit
    tenures: tuple[Tenure, ...]
    excluded: tuple[Tenure, ...] = ()

    def days_in(self, first: date, last: date) -> int:
        """Days of [first, last] served in the role (and not in an excluded one).

        Days are counted once however many tenures cover them (overlapping rows).
        """
        served = _spans(self.tenures, first, last)
        days = sum((finish - begin).days + 1 for begin, finish in served)
        for begin, finish in served:  # the spans of each list are disjoint: no day is taken off twice
            for other_begin, other_finish in _spans(self.excluded, first, last):
                overlap = (min(finish, other_finish) - max(begin, other_begin)).days + 1
                if overlap > 0:
                    days -= overlap
        return days


def _days(tenures: Iterable[Tenure], first: date, last: date) -> set[date]:
    """The days of [first, last] in any of the tenures."""
    days: set[date] = set()
    for begin, finish in _spans(tenures, first, last):
        days.update(begin + timedelta(days=offset) for offset in range((finish - begin).days + 1))
    return days


def _spans(tenures: Iterable[Tenure], first: date, last: date) -> list[tuple[date, date]]:
    """The days of [first, last] in any of the tenures, as disjoint (first, last) spans in order.

    A person's days in a quarter, counted for every quarter of every holder: spans,
    not sets of days.
    """
    spans: list[tuple[date, date]] = []
    for tenure in tenures:
        begin = max(first, tenure.start) if tenure.start else first
        finish = min(last, tenure.end) if tenure.end else last
        if begin <= finish:
            spans.append((begin, finish))
    spans.sort()
    merged: list[tuple[date, date]] = []
    for begin, finish in spans:
        if merged and begin <= merged[-1][1] + timedelta(days=1):
            if finish > merged[-1][1]:
                merged[-1] = (merged[-1][0], finish)
        else:
            merged.append((begin, finish))
    return merged


def bound_holders(facts: Facts, applies_to: AppliesTo) -> list[Holder]:
    """For a rule on people: every (person, unit) holding the role in a bound unit."""
    assert applies_to.role is not None
    holders: list[Holder] = []
    for unit in bound_units(facts, applies_to):
        grouped: dict[str, list[Tenure]] = {}
        for tenure in facts.tenures_in(unit.unit_id):
            if tenure_matches(tenure, applies_to.role, applies_to.person):
                grouped.setdefault(tenure.person_id, []).append(tenure)
        for person_id in sorted(grouped):
            tenures = tuple(sorted(grouped[person_id], key=lambda t: t.start or date.min))
            excluded = tuple(
                tenure for tenure in facts.tenures_of(person_id)
                if applies_to.other_than and tenure.unit_id == unit.unit_id and tenure.role == applies_to.other_than
            )
            holders.append(Holder(person_id, tenures[0].name, unit, tenures, excluded))
    return holders


def matching_tenures(facts: Facts, units: Iterable[Unit], selector: TenureSelector) -> Iterator[tuple[Unit, Tenure]]:
    for unit in units:
        for tenure in facts.tenures_in(unit.unit_id):
            if tenure_matches(tenure, selector.role, selector.where):
                yield unit, tenure


# -- which events count ----------------------------------------------------------
def _attribute_matches(event: Event, name: str, expected: Any) -> bool:
    value = event.attribute(name)
    if isinstance(expected, (list, tuple)):
        return value in expected
    return value == expected


def _target_matches(facts: Facts, event: Event, unit: Unit, selector: Selector) -> bool:
    criteria = selector.target
    if criteria is None:
        return True
    target = facts.units.get(event.target_id) if event.target_id else None
    return target is not None and target_matches(target, unit, criteria)


def target_matches(target: Unit, unit: Unit, criteria: TargetFilter) -> bool:
    """Whether ``target`` is a unit that ``unit``'s events may act on or report to under ``criteria``."""
    if criteria.kind and target.kind not in criteria.kind:
        return False
    if criteria.level:
        levels = set(criteria.level)
        if "superior" in levels:
            rank = VOCABULARY.level_rank.get(unit.level or "", 0)
            superior = {name for name, value in VOCABULARY.level_rank.items() if value == rank - 1}
            levels = (levels - {"superior"}) | superior
        if target.level not in levels:
            return False
    # A national body (国务院部门) has every territory; others must contain the unit's.
    if criteria.territorial and target.level != "national" and target.region not in region_chain(unit.region):
        return False
    return True


def selects(facts: Facts, selector: Selector, event: Event, actor: str | None = None) -> bool:
    """Whether an event (already of one of the selector's types) counts.

    ``actor``: for obligations of one person, the event's actor must be that person.
    """
    if actor is not None and event.actor_id != actor:
        return False
    for name, expected in selector.where.items():
        if not _attribute_matches(event, name, expected):
            return False
    unit = facts.units[event.unit_id]
    if selector.actor_role is not None and not facts.holds_role(
        event.actor_id, event.unit_id, selector.actor_role, event.occurred_at.day
    ):
        return False
    return _target_matches(facts, event, unit, selector)


def events_in(
    context: Context,
    unit_id: str,
    selector: Selector,
    start: datetime,
    end: datetime,
    *,
    actor: str | None = None,
) -> list[Event]:
    """The events of a unit that a selector counts, with ``start <= instant < end``,
    known at the evaluation instant, in time order."""
    end = min(end, context.as_of + timedelta(microseconds=1))
    found: list[Event] = []
    for event_type in selector.type:
        for event in context.facts.events_between(unit_id, event_type, start, end):
            if selects(context.facts, selector, event, actor):
                found.append(event)
    if len(selector.type) > 1:
        found.sort(key=_in_order)
    return found


def all_events(context: Context, selector: Selector, units: Iterable[Unit] | None = None) -> list[Event]:
    """Every known event a selector counts, in the given units (or all), in time order.

    Evaluators ask this of the largest event types (every hazard found), several
    times a rule, so the work is cut where the answer allows: the known events of
    a type are the first ones of its time-ordered index (:meth:`Context.known`
    compares ``occurred_at.at``), found by binary search; a few units' events are
    taken from the (unit, type) index instead of filtering a whole type; the
    selector's conditions are read once (:func:`_selected`); and rules asking the
    same (every major hazard found in an enterprise) share the answer
    (:meth:`Context.memo`; each caller gets its own list).
    """
    units = None if units is None else list(units)
    key = ("all_events", selector.model_dump_json(), None if units is None else tuple(unit.unit_id for unit in units))
    return list(context.memo(key, lambda: _all_events(context, selector, units)))


def _all_events(context: Context, selector: Selector, units: list[Unit] | None) -> list[Event]:
    facts = context.facts
    wanted = None if units is None else {unit.unit_id for unit in units}
    # the conditions on attributes are met before the events are made (as they are asked for, when read in
    # bulk); _selected applies them all again
    attributes = {name: expected for name, expected in selector.where.items() if name not in EVENT_FIELDS}
    found: list[Event] = []
    for event_type in selector.type:
        of_type = facts.events_of_type(event_type, attributes)
        per_unit = None if wanted is None else [facts.events_of(unit_id, event_type, attributes)
                                                for unit_id in wanted]
        in_wanted = None if per_unit is None else sum(map(len, per_unit))
        if in_wanted is not None and in_wanted * 4 < len(of_type):  # sorting a few beats a scan
            candidates = [event for events in per_unit for event in events[: _known(events, context.as_of)]]
            candidates.sort(key=_in_order)
        else:
            candidates = of_type[: _known(of_type, context.as_of)]
            if wanted is not None and in_wanted < len(of_type):  # else every event is in a wanted unit
                candidates = [event for event in candidates if event.unit_id in wanted]
        found.extend(_selected(facts, selector, candidates))
    if len(selector.type) > 1:  # the events of one type are in this order already
        found.sort(key=_in_order)
    return found


def _known(events: list[Event], as_of: datetime) -> int:
    """How many of these time-ordered events are known at ``as_of`` (they come first)."""
    return bisect_right(events, as_of, key=_instant)


def _selected(facts: Facts, selector: Selector, events: list[Event]) -> list[Event]:
    """The events that :func:`selects` counts (no actor), in their order, tested a condition at a time.

    Each ``where`` condition is applied to all the events left
    (:func:`~compliance.facts.meeting`, the loop in C), then each remaining
    event's unit is looked up, as :func:`selects` does. A selector with an actor's role or a target asks
    for more than attributes: :func:`selects` itself answers then.
    """
    if selector.actor_role is not None or selector.target is not None:
        return [event for event in events if selects(facts, selector, event)]
    events = meeting(events, selector.where)
    if not facts._events_have_units:  # as in selects, an event of a unit not in the facts is an error
        deque(map(facts.units.__getitem__, map(_unit_id, events)), maxlen=0)
    return events


_instant = attrgetter("occurred_at.at")
_unit_id = attrgetter("unit_id")


_in_order = attrgetter("occurred_at.at", "event_id")
"""The order of events: by instant, then id (as :class:`~compliance.facts.Facts` indexes them)."""


# -- statuses --------------------------------------------------------------------
def count_status(count: int, at_least: int, end: datetime, as_of: datetime, lead_time: timedelta | None) -> Status:
    """The status of an at-least obligation over a window ending (exclusive) at ``end``.

    A window not over at ``as_of`` cannot be violated: it is ``open``, or ``at_risk``
    when the events still missing, each taking ``lead_time``, no longer fit.
    """
    if count >= at_least:
        return Status.SATISFIED
    if end <= as_of:
        return Status.VIOLATED
    # in whole microseconds, as Python integers: exact, and no overflow for a large count of a long lead time
    if lead_time is not None and (at_least - count) * (lead_time // _MICROSECOND) > (end - as_of) // _MICROSECOND:
        return Status.AT_RISK
    return Status.OPEN


_MICROSECOND = timedelta(microseconds=1)


def due_status(done_at: datetime | None, due: datetime, as_of: datetime, lead_time: timedelta | None) -> Status:
    """The status of "by ``due``" given when it was first done (``None``: not yet)."""
    if done_at is not None:
        return Status.SATISFIED if done_at <= due else Status.LATE
    if due <= as_of:  # as for periods: at the due instant itself nothing more can be on time
        return Status.VIOLATED
    if lead_time is not None and lead_time > due - as_of:
        return Status.AT_RISK
    return Status.OPEN


def by_end_of(day: date) -> datetime:
    """The due instant of "by ``day``": 24:00 of that day (inclusive)."""
    return due_instant(day)


def until(due: datetime) -> datetime:
    """The exclusive end of a search for events "by ``due``" (the due instant itself counts)."""
    return due + timedelta(microseconds=1)


def on_time(event: Event, due: datetime) -> bool:
    """Whether an event is done by ``due``; a bare-date event counts as done at the end of its day."""
    return event.occurred_at.latest <= due


def limit_due(trigger: Event, within: timedelta, by_days: bool) -> datetime:
    """When a response to ``trigger`` is due.

    A limit counted in days (``by_days``: written P15D, not PT360H) follows 民法典 第二百零一条、第二百零三条: the trigger's day is
    not counted, and the last day ends at 24:00 (a meeting on 1 August, minutes
    "within 15 days": by 24:00 on 16 August). Any other limit ("within 1 hour",
    493号令 第九条) runs between instants (CONTRACT.md); from a bare-date trigger it
    runs from the end of that day, the latest it can have happened.
    """
    if by_days:
        return due_instant(trigger.occurred_at.day + within)
    return trigger.occurred_at.latest + within
