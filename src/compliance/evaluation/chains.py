"""Reparation chains (⊗): a subject's steps owed in order, some only when an earlier one failed.

A chain starts at an event (a hazard found) and follows one subject by its key
(``hazard_id``). Each step owes an event, due either within a limit after the
start or after an earlier step (after when it was done, or its due instant if it
was not), or by a date the starting event carries (the hazard's own
``deadline``). A step that follows another is met only by an event after it, so
the order 整改 → 验收 → 销号 is checked (``in_order``, the default; a step such as
"rectified after the production stop" sets it off, since any rectification counts). A step with ``if_failed`` is a
contrary-to-duty obligation: owed only if the named step was not done by its due
instant (``violated`` or ``late``), e.g. 停产停工 when a hazard is not rectified
by its deadline, then 移送司法 when it is still not rectified. ``unless``
discharges a step (``exempt``) when that event came first, e.g. the hazard was
rectified (late) before production had to be stopped.

One finding per step owed, with ``step`` set and the key as ``subject_id``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from compliance.evaluation.context import Context, all_events, bound_units, due_status, on_time
from compliance.evaluation.outcome import Outcome, chinese_due, chinese_when, evidence
from compliance.facts import Event
from compliance.findings import Finding, Status
from compliance.language.compile import CompiledRule
from compliance.language.schema import Chain, ChainStep, Selector
from compliance.timeline import SHANGHAI, due_instant, parse_date
from compliance.vocabulary import VOCABULARY

FAILED = (Status.VIOLATED, Status.LATE)


def _by_key(context: Context, selector: Selector, key: str) -> dict[str, list[Event]]:
    """Known events of a selector by key value (any unit), in time order (kept with the context)."""

    def index() -> dict[str, list[Event]]:
        found: dict[str, list[Event]] = defaultdict(list)
        for event in all_events(context, selector):
            value = event.attribute(key)
            if value is not None:
                found[str(value)].append(event)
        return found

    return context.memo(("chain-key", selector.model_dump_json(), key), index)


def _first(index: dict[str, list[Event]], unit_id: str | None, value: str, after: datetime) -> Event | None:
    """The first event for the key value (in the unit, or any unit) not before ``after``.

    The events of a value are in time order (instant, then id), so the first that
    qualifies is the answer.
    """
    for event in index.get(value, ()):
        if unit_id in (None, event.unit_id) and event.occurred_at.latest >= after:
            return event
    return None


def _anchor(step: ChainStep, start: Event, dues: dict[str, datetime], dones: dict[str, datetime]) -> datetime:
    """What a step follows: the start, or the step it names — when that was done, else its due instant.

    A contrary-to-duty step that follows the very step whose failure it answers
    (停产停工 after 整改 failed) runs from the moment of the failure: that step's due.
    """
    if step.by.after == "start":
        return start.occurred_at.latest
    if step.if_failed == step.by.after:
        return dues[step.by.after]
    return dones.get(step.by.after) or dues[step.by.after]


def _due(step: ChainStep, start: Event, anchor: datetime) -> datetime | None:
    rule = step.by
    if rule.attribute is not None:
        value = start.attribute(rule.attribute)
        return due_instant(parse_date(value)) if value else None
    if rule.by_days:  # the anchor's day is not counted; the last day ends at 24:00 (民法典 第二百零一条)
        return due_instant((anchor - timedelta(microseconds=1)).astimezone(SHANGHAI).date() + rule.within)
    return anchor + rule.within


def evaluate_chain(rule: CompiledRule, context: Context) -> Iterator[Finding]:
    chain: Chain = rule.obligation
    days = context.days(rule)
    if days is None:
        return
    outcome = Outcome(rule)
    starts = all_events(context, chain.start, bound_units(context.facts, rule.applies_to))
    if not starts:
        return
    owed = {step.id: _by_key(context, step.owe, chain.key) for step in chain.steps}
    cancels = {step.id: _by_key(context, step.unless, chain.key) for step in chain.steps if step.unless}
    for start in starts:
        value = start.attribute(chain.key)
        if value is None or not days[0] <= start.occurred_at.day <= days[1]:
            continue
        unit = context.facts.units[start.unit_id]
        dues: dict[str, datetime] = {}
        dones: dict[str, datetime] = {}
        statuses: dict[str, Status] = {}
        for step in chain.steps:
            if step.if_failed is not None and statuses.get(step.if_failed) not in FAILED:
                continue  # the contrary-to-duty step is owed only when the earlier one failed
            if step.by.after != "start" and (step.by.after not in dues or statuses[step.by.after] is Status.EXEMPT):
                continue  # the step it follows was not owed, or no longer needed: the chain ends there
            anchor = _anchor(step, start, dues, dones)
            due = _due(step, start, anchor)
            if due is None:
                continue  # no due instant can be set (the hazard carries no deadline): the completeness rule says so
            dues[step.id] = due
            # A step that follows a done step is met only by an event after it (整改 → 验收 → 销号, in order);
            # a contrary-to-duty step, by an event after the failure it answers.
            ordered = step.in_order and (step.by.after in dones or step.if_failed == step.by.after)
            since = anchor if ordered else start.occurred_at.earliest
            done = _first(owed[step.id], start.unit_id if step.same_unit else None, str(value), since)
            if done is not None:
                dones[step.id] = done.occurred_at.latest
            status = due_status(done.occurred_at.latest if done else None, due, context.as_of, None)
            cancel = None
            if step.id in cancels and (done is None or not on_time(done, due)):
                cancel = _first(cancels[step.id], start.unit_id, str(value), start.occurred_at.earliest)
                if cancel is not None and (done is None or cancel.occurred_at.at <= done.occurred_at.at) \
                        and on_time(cancel, due):
                    status = Status.EXEMPT
                else:
                    cancel = None
            statuses[step.id] = status
            if status is Status.EXEMPT and cancel is not None:
                state = f"因{chinese_when(cancel.occurred_at)}已{VOCABULARY.zh('event_types', cancel.type)}，不再需要"
            elif done is not None:
                state = f"于{chinese_when(done.occurred_at)}完成"
            else:
                state = "截至评估时点未见记录" if status is Status.VIOLATED else "尚无记录，期限未到"
            message = (f"{unit.name}{rule.title}（{value}）：应于{chinese_due(due)}前"
                       f"{step.title}，{state}（{status.chinese}）。")
            yield outcome.finding(
                unit, status, message, subject_id=str(value), step=step.id, due=due,
                expected=step.owe.type[0], actual=done.occurred_at.isoformat() if done else None,
                evidence=evidence([start] + [e for e in (done, cancel) if e is not None]),
            )
