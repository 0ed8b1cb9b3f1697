"""Response obligations: every trigger is followed by a response within a limit.

A limit in hours or minutes runs between the two events' instants (CONTRACT:
"within 1 hour" is measured between instants); a limit in whole days ends at
24:00 of the last day, the trigger's own day not counted (民法典 第二百零一条、
第二百零三条), see :func:`~compliance.evaluation.context.limit_due`. A bare-date
response counts as done at the end of its day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from compliance.evaluation.context import Context, all_events, bound_units, limit_due, on_time
from compliance.evaluation.outcome import Outcome, chinese_duration, chinese_when, evidence
from compliance.facts import Event, Unit
from compliance.findings import Finding, Status
from compliance.language.compile import CompiledRule
from compliance.language.schema import Response, Selector
from compliance.timeline import format_duration
from compliance.vocabulary import VOCABULARY


def _key(event: Event, names: list[str]) -> tuple[Any, ...]:
    return tuple(event.attribute(name) for name in names)


def evaluate_response(rule: CompiledRule, context: Context) -> Iterator[Finding]:
    obligation: Response = rule.obligation
    days = context.days(rule)
    if days is None:
        return
    first, last = days
    outcome = Outcome(rule)
    units = bound_units(context.facts, rule.applies_to)
    response_names = list(obligation.correlate)
    trigger_names = [obligation.correlate[name] for name in response_names]

    triggers = all_events(context, obligation.trigger, units)
    if not triggers:
        return
    by_unit = obligation.same_unit or obligation.from_target
    responses = _responses(context, obligation.response, response_names, by_unit)

    trigger_zh = "、".join(VOCABULARY.zh("event_types", name) for name in obligation.trigger.type)
    for trigger in triggers:
        if not first <= trigger.occurred_at.day <= last:
            continue
        # The unit that owes the response: the trigger's own, or (from_target) the one it reported to.
        unit = context.facts.units.get(trigger.target_id or "") if obligation.from_target \
            else context.facts.units[trigger.unit_id]
        if unit is None or not _owed(obligation, context, trigger, unit):
            continue
        key = _key(trigger, trigger_names)
        if by_unit:
            key = (unit.unit_id, *key)
        due = limit_due(trigger, obligation.within, obligation.by_days)
        # The answer is the correlated response done first: a bare date counts as done at the end
        # of its day, so a report dated only by the day must not win over a timed one of that day.
        answer = min(
            (event for event in responses.get(key, []) if event.occurred_at.latest >= trigger.occurred_at.earliest),
            key=lambda event: (event.occurred_at.latest, event.occurred_at.at, event.event_id),
            default=None,
        )
        if answer is not None:
            status = Status.SATISFIED if on_time(answer, due) else Status.LATE
        elif due <= context.as_of:
            status = Status.VIOLATED
        else:
            status = Status.OPEN
        subject = trigger.attribute(obligation.subject) or trigger.event_id
        limit = chinese_duration(obligation.within, obligation.by_days)
        if answer is None:
            state = "截至评估时点未见记录" if status is Status.VIOLATED else "尚无记录，时限未到"
        else:
            state = f"于{chinese_when(answer.occurred_at)}完成"
        message = (f"{unit.name}{trigger_zh}（{subject}，{chinese_when(trigger.occurred_at)}）后"
                   f"应在{limit}内{rule.title}，{state}（{status.chinese}）。")
        yield outcome.finding(
            unit, status, message, person_id=None, subject_id=str(subject), due=due,
            expected=format_duration(obligation.within, by_days=obligation.by_days),
            actual=answer.occurred_at.isoformat() if answer else None,
            evidence=evidence([trigger] + ([answer] if answer else [])),
        )


def _responses(context: Context, selector: Selector, names: list[str],
               by_unit: bool) -> dict[tuple[Any, ...], list[Event]]:
    """The candidate responses by (unit if ``by_unit``, correlation key), in time order (kept with the context)."""

    def index() -> dict[tuple[Any, ...], list[Event]]:
        found: dict[tuple[Any, ...], list[Event]] = defaultdict(list)
        for event in all_events(context, selector):
            key = _key(event, names)
            found[(event.unit_id, *key) if by_unit else key].append(event)
        return found

    return context.memo(("responses", selector.model_dump_json(), tuple(names), by_unit), index)


def _owed(obligation: Response, context: Context, trigger: Event, responder: Unit) -> bool:
    """Whether a trigger owes a response at all (the grade's reporting level; the time since an accident)."""
    if obligation.up_to:
        # 493号令 第十条: the report goes up level by level, as far as the grade requires.
        grade = context.grade_of(trigger) or "general"
        top = obligation.up_to.get(grade)
        rank = VOCABULARY.level_rank
        if top is None or rank.get(responder.level or "", 0) <= rank[top]:
            return False
    if obligation.since is not None:
        since = obligation.since
        earlier = context.event(trigger.attribute(since.key))
        if earlier is None or earlier.type not in since.type:
            return False
        within = next((rule.within for rule in since.unless
                       if all(earlier.attribute(name) in (value if isinstance(value, (list, tuple)) else (value,))
                              for name, value in rule.where.items())), since.within)
        if trigger.occurred_at.day > earlier.occurred_at.day + within:
            return False  # 493号令 第十三条: a change after the 30th (7th) day needs no 补报
    return True
