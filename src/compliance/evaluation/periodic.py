"""Periodic and coverage obligations: at least n qualifying events in every period.

*Periodic*: per unit, or per person holding a role (t10, t14), with the period
kind possibly depending on the unit's level (t18) and extra windows of
intensified checking (重点敏感时期, t09/t13). *Coverage*: a unit acts on each of
its direct subordinates in every period (t04, t16); the subordinate is the
event's target.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from compliance.evaluation.context import (
    Context,
    Holder,
    bound_holders,
    bound_units,
    by_end_of,
    count_status,
    events_in,
    unit_matches,
)
from compliance.evaluation.outcome import Outcome, chinese_date, count_message, evidence
from compliance.facts import Unit
from compliance.findings import Finding, Status
from compliance.language.compile import CompiledRule
from compliance.language.schema import Coverage, Periodic, UnitFilter
from compliance.periods import Period, PeriodKind


def _period_kind(obligation: Periodic, unit: Unit) -> PeriodKind | None:
    if isinstance(obligation.period, dict):
        return obligation.period.get(unit.level or "")
    return obligation.period


def evaluate_periodic(rule: CompiledRule, context: Context) -> Iterator[Finding]:
    days = context.days(rule)
    if days is None:
        return
    outcome = Outcome(rule)
    if rule.per_person:
        for holder in bound_holders(context.facts, rule.applies_to):
            yield from _periodic_for(rule, context, outcome, holder.unit, holder, days)
    else:
        for unit in bound_units(context.facts, rule.applies_to):
            yield from _periodic_for(rule, context, outcome, unit, None, days)


def _periodic_for(
    rule: CompiledRule,
    context: Context,
    outcome: Outcome,
    unit: Unit,
    holder: Holder | None,
    days: tuple[date, date],
) -> Iterator[Finding]:
    """The findings of one unit (or one person in it) for every period and sensitive window."""
    obligation: Periodic = rule.obligation
    kind = _period_kind(obligation, unit)
    if kind is None:  # the rule sets no period for this unit's level
        return
    first, last = days
    actor = holder.person_id if holder else None
    who = f"{unit.name}{holder.name}" if holder else unit.name
    person_id = holder.person_id if holder else None
    for period in Period.between(kind, first, last):
        if holder is not None:
            served = holder.days_in(period.start, period.end)
            owed = {
                "require": served > 0,
                "majority": served * 2 > period.days,
                "exempt": served == period.days,
            }[obligation.partial_tenure]
            if served == 0:
                continue  # not in the role (or only in an excluded one) during this period
            if not owed:
                yield outcome.finding(
                    unit, Status.EXEMPT,
                    f"{who}{period.chinese}任职{served}天（共{period.days}天），按“{obligation.partial_tenure}”规则不予考核。",
                    person_id=person_id, period=period, expected=obligation.at_least, actual=None,
                )
                continue
        events = events_in(context, unit.unit_id, obligation.event, period.start_instant, period.end_instant,
                           actor=actor)
        status = count_status(len(events), obligation.at_least, period.end_instant, context.as_of,
                              obligation.lead_time)
        yield outcome.finding(
            unit, status, count_message(who, period.chinese, rule.title, obligation.at_least, len(events), status),
            person_id=person_id, period=period, due=period.end_instant,
            expected=obligation.at_least, actual=len(events), evidence=evidence(events),
        )
    for window in obligation.sensitive:
        if window.to < first or window.from_ > last:
            continue
        if holder is not None and holder.days_in(window.from_, window.to) == 0:
            continue
        start, end = Period.containing(PeriodKind.DAY, window.from_).start_instant, by_end_of(window.to)
        events = events_in(context, unit.unit_id, obligation.event, start, end, actor=actor)
        status = count_status(len(events), obligation.sensitive_at_least, end, context.as_of, obligation.lead_time)
        when = f"{window.label}（{chinese_date(window.from_)}至{chinese_date(window.to)}）"
        yield outcome.finding(
            unit, status,
            count_message(who, when, rule.title, obligation.sensitive_at_least, len(events), status),
            person_id=person_id, window=(f"{window.from_.isoformat()}/{window.to.isoformat()}", window.from_, window.to),
            due=end, expected=obligation.sensitive_at_least, actual=len(events), evidence=evidence(events),
        )


def evaluate_coverage(rule: CompiledRule, context: Context) -> Iterator[Finding]:
    obligation: Coverage = rule.obligation
    days = context.days(rule)
    if days is None:
        return
    outcome = Outcome(rule)
    for parent in bound_units(context.facts, rule.applies_to):
        criteria = obligation.subordinates
        if criteria == UnitFilter():
            criteria = UnitFilter(kind=(parent.kind,))
        children = [child for child in context.facts.children(parent.unit_id) if unit_matches(child, criteria)]
        for period in Period.between(obligation.period, *days):
            acts = events_in(context, parent.unit_id, obligation.event, period.start_instant, period.end_instant)
            for child in children:
                events = [event for event in acts if event.target_id == child.unit_id]
                status = count_status(len(events), obligation.at_least, period.end_instant, context.as_of, None)
                yield outcome.finding(
                    parent, status,
                    count_message(parent.name, period.chinese, f"对{child.name}{rule.title}",
                                  obligation.at_least, len(events), status),
                    subject_id=child.unit_id, period=period, due=period.end_instant,
                    expected=obligation.at_least, actual=len(events), evidence=evidence(events),
                )
