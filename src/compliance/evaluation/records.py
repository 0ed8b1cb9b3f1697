"""Obligations checked record by record: completeness, precondition, prohibition.

*Completeness*: every qualifying event carries the required attributes.
*Precondition*: an event is allowed only if, at that moment, its own attributes
hold and/or a prior event exists (same unit, same person); taking up a role
(a tenure's first day) is allowed only after a prior event of that person
(t40: dispatched workers work only after passing safety training).
*Prohibition*: no matching event, no matching tenure (t40: no dispatched workers
underground in mines). A unit with nothing forbidden gets one ``satisfied``
finding for the evaluated range.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from compliance.evaluation.context import (
    Context,
    all_events,
    bound_units,
    events_in,
    matching_tenures,
)
from compliance.evaluation.outcome import Outcome, chinese_date, evidence
from compliance.facts import Event
from compliance.findings import Finding, Status
from compliance.language.compile import CompiledRule
from compliance.language.schema import Completeness, Precondition, Prohibition, Requirements
from compliance.periods import Period, PeriodKind
from compliance.timeline import SHANGHAI
from compliance.vocabulary import VOCABULARY

_EPOCH = datetime(1900, 1, 1, tzinfo=SHANGHAI)  # before any record


def _in_days(event: Event, days: tuple[date, date]) -> bool:
    return days[0] <= event.occurred_at.day <= days[1]


def _zh(event: Event) -> str:
    return VOCABULARY.zh("event_types", event.type)


def evaluate_completeness(rule: CompiledRule, context: Context) -> Iterator[Finding]:
    obligation: Completeness = rule.obligation
    days = context.days(rule)
    if days is None:
        return
    outcome = Outcome(rule)
    for event in all_events(context, obligation.event, bound_units(context.facts, rule.applies_to)):
        if not _in_days(event, days):
            continue
        missing = [name for name in obligation.required if event.attribute(name) in (None, "", ())]
        unit = context.facts.units[event.unit_id]
        status = Status.VIOLATED if missing else Status.SATISFIED
        state = f"缺少{'、'.join(missing)}" if missing else "要素齐全"
        yield outcome.finding(
            unit, status, f"{unit.name}{_zh(event)}记录{event.event_id}{state}（{status.chinese}）。",
            subject_id=event.event_id, period=Period.containing(PeriodKind.DAY, event.occurred_at.day),
            expected=list(obligation.required), actual=missing, evidence=(event.event_id,),
        )


def _prior(context: Context, requires: Requirements, unit_id: str, person_id: str | None,
           until: datetime) -> list[Event]:
    """Prior events of the same unit and person that began before ``until`` (exclusive)."""
    if requires.prior is None:
        return []
    return events_in(context, unit_id, requires.prior, _EPOCH, until, actor=person_id)


def _moment_end(event: Event) -> datetime:
    """The exclusive end of "at or before this event": a bare-date event admits its whole day."""
    instant = event.occurred_at
    return instant.latest if instant.date_only else instant.at + timedelta(microseconds=1)


def evaluate_precondition(rule: CompiledRule, context: Context) -> Iterator[Finding]:
    obligation: Precondition = rule.obligation
    days = context.days(rule)
    if days is None:
        return
    outcome = Outcome(rule)
    units = bound_units(context.facts, rule.applies_to)
    requires = obligation.requires
    if obligation.event is not None:
        for event in all_events(context, obligation.event, units):
            if not _in_days(event, days):
                continue
            unit = context.facts.units[event.unit_id]
            failed = [name for name, value in requires.attributes.items() if event.attribute(name) != value]
            # Without an actor there is no person whose prior event could count.
            prior = _prior(context, requires, event.unit_id, event.actor_id, _moment_end(event)) if event.actor_id else []
            if requires.prior is not None and not prior:
                failed.append("、".join(VOCABULARY.zh("event_types", t) for t in requires.prior.type))
            status = Status.VIOLATED if failed else Status.SATISFIED
            state = f"不满足：{'、'.join(failed)}" if failed else "前提条件均已满足"
            yield outcome.finding(
                unit, status, f"{unit.name}{_zh(event)}{event.event_id}{state}（{status.chinese}）。",
                person_id=event.actor_id, subject_id=event.event_id,
                period=Period.containing(PeriodKind.DAY, event.occurred_at.day),
                expected=sorted(requires.attributes) + ([requires.prior.type[0]] if requires.prior else []),
                actual=failed, evidence=evidence([event, *prior[-1:]]),
            )
        return
    for unit, tenure in matching_tenures(context.facts, units, obligation.tenure):
        start = tenure.start
        if start is None or not days[0] <= start <= days[1]:
            continue  # the tenure did not begin inside the evaluated range: its start cannot be judged here
        first_day_end = Period.containing(PeriodKind.DAY, start).end_instant  # a prior event on the first day counts
        prior = _prior(context, requires, unit.unit_id, tenure.person_id, first_day_end)
        status = Status.SATISFIED if prior else Status.VIOLATED
        needed = "、".join(VOCABULARY.zh("event_types", t) for t in requires.prior.type)
        state = f"此前已{needed}" if prior else f"此前未见{needed}记录"
        yield outcome.finding(
            unit, status,
            f"{unit.name}{tenure.name}（{VOCABULARY.zh('roles', tenure.role)}）于{chinese_date(start)}上岗，{state}（{status.chinese}）。",
            person_id=tenure.person_id, period=Period.containing(PeriodKind.DAY, start),
            expected=list(requires.prior.type), actual=evidence(prior[-1:]) or None, evidence=evidence(prior[-1:]),
        )


def evaluate_prohibition(rule: CompiledRule, context: Context) -> Iterator[Finding]:
    obligation: Prohibition = rule.obligation
    days = context.days(rule)
    if days is None:
        return
    outcome = Outcome(rule)
    units = bound_units(context.facts, rule.applies_to)
    window = (f"{days[0].isoformat()}/{days[1].isoformat()}", days[0], days[1])
    breaches: dict[str, list[Finding]] = {unit.unit_id: [] for unit in units}
    if obligation.event is not None:
        for event in all_events(context, obligation.event, units):
            if not _in_days(event, days):
                continue
            unit = context.facts.units[event.unit_id]
            breaches[unit.unit_id].append(outcome.finding(
                unit, Status.VIOLATED, f"{unit.name}发生禁止情形：{rule.title}（{_zh(event)} {event.event_id}）（未落实）。",
                person_id=event.actor_id, subject_id=event.event_id,
                period=Period.containing(PeriodKind.DAY, event.occurred_at.day),
                expected=0, actual=1, evidence=(event.event_id,),
            ))
    else:
        for unit, tenure in matching_tenures(context.facts, units, obligation.tenure):
            if tenure.days_in(*days) == 0:
                continue
            breaches[unit.unit_id].append(outcome.finding(
                unit, Status.VIOLATED,
                f"{unit.name}存在禁止情形：{rule.title}（{tenure.name}，{tenure.person_id}）（未落实）。",
                person_id=tenure.person_id, window=window, expected=0, actual=1,
            ))
    for unit in units:
        found = breaches[unit.unit_id]
        if found:
            yield from found
        else:
            yield outcome.finding(unit, Status.SATISFIED, f"{unit.name}未发现禁止情形：{rule.title}（已落实）。",
                                  window=window, expected=0, actual=0)
