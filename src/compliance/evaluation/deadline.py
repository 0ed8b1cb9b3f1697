"""Deadline and window obligations: a qualifying event by a date, or inside a window.

A deadline is an achievement obligation: done after the due instant is ``late``
(recorded, not missing); never done once the due instant has passed is
``violated``. "By 2022-09-30" means up to and including 24:00 of that day; a
bare-date event counts as done at the end of its day, so it is on time exactly
when its day is on or before the due date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from compliance.evaluation.context import (
    Context,
    bound_units,
    by_end_of,
    count_status,
    due_status,
    events_in,
    until,
)
from compliance.evaluation.outcome import Outcome, chinese_date, chinese_when, count_message, due_message, evidence
from compliance.findings import Finding, Status
from compliance.language.compile import CompiledRule
from compliance.language.schema import Deadline, WindowObligation
from compliance.periods import Period, PeriodKind
from compliance.timeline import SHANGHAI

_BEGINNING = datetime(1900, 1, 1, tzinfo=SHANGHAI)  # before any record: "ever, up to as-of"


def evaluate_deadline(rule: CompiledRule, context: Context) -> Iterator[Finding]:
    obligation: Deadline = rule.obligation
    if (context.first and obligation.due < context.first) or (context.last and obligation.due > context.last):
        return  # the due day lies outside the evaluated range
    outcome = Outcome(rule)
    due = by_end_of(obligation.due)
    for unit in bound_units(context.facts, rule.applies_to):
        events = events_in(context, unit.unit_id, obligation.event, _BEGINNING, until(context.as_of))
        first = events[0] if events else None
        done = first.occurred_at.latest if first else None
        status = due_status(done, due, context.as_of, obligation.lead_time)
        message = due_message(unit.name, rule.title, obligation.due, first.occurred_at if first else None, status)
        yield outcome.finding(
            unit, status, message, due=due, expected=obligation.due.isoformat(),
            actual=first.occurred_at.isoformat() if first else None,
            evidence=evidence([first] if first else []),
            period=Period.containing(PeriodKind.DAY, obligation.due),
        )


def evaluate_window(rule: CompiledRule, context: Context) -> Iterator[Finding]:
    obligation: WindowObligation = rule.obligation
    outcome = Outcome(rule)
    start = Period.containing(PeriodKind.DAY, obligation.from_).start_instant
    end = by_end_of(obligation.to)
    if context.as_of < start:
        return
    if (context.first and obligation.to < context.first) or (context.last and obligation.from_ > context.last):
        return  # the window lies outside the evaluated range
    label = f"{obligation.from_.isoformat()}/{obligation.to.isoformat()}"
    when = f"{chinese_date(obligation.from_)}至{chinese_date(obligation.to)}期间"
    for unit in bound_units(context.facts, rule.applies_to):
        inside = events_in(context, unit.unit_id, obligation.event, start, end)
        status = count_status(len(inside), obligation.at_least, end, context.as_of, obligation.lead_time)
        shown = inside
        if status is Status.VIOLATED:
            after = events_in(context, unit.unit_id, obligation.event, end, until(context.as_of))
            if after and len(inside) + len(after) >= obligation.at_least:
                status, shown = Status.LATE, inside + after[: obligation.at_least - len(inside)]
        if status is Status.LATE:  # made up after the window: say when, not only "0 in the window"
            message = (f"{unit.name}{when}应至少{obligation.at_least}次{rule.title}，期间内{len(inside)}次，"
                       f"期后于{chinese_when(shown[-1].occurred_at)}补足（{status.chinese}）。")
        else:
            message = count_message(unit.name, when, rule.title, obligation.at_least, len(inside), status)
        yield outcome.finding(
            unit, status, message,
            window=(label, obligation.from_, obligation.to), due=end,
            expected=obligation.at_least, actual=len(inside), evidence=evidence(shown),
        )
