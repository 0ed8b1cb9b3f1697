"""Sanctions: from causes (events, graded incidents, findings) to decisions on the ladders.

A sanction rule says *when* (an event, possibly of an accident of some grades; or
a number of findings of other rules in one assessment year) and *whom it reaches*
at which step of which ladder. Reaches follow the documents:

* ``unit``: the unit where it happened; ``actor``: the person who acted;
  ``unit_principal``: that unit's principal (主要负责人) on the day.
* ``territorial``: the units of the given kinds and levels whose territory (region,
  GB/T 2260) contains the unit — 属地党委和政府 (t24).
* ``territorial_principals``: their principals on the day (主要领导).
* ``leaders_in_charge``: the deputies (分管领导) of those units whose person
  attribute ``sectors`` includes the accident's industry.
* ``supervising_departments``: departments of the given levels in that territory
  whose ``sectors`` include the industry (有关部门监管责任).

Decisions combine by the worst step per (unit, person, year, ladder) and keep every
cause; adding a cause can only add applications, so levels never go down
(escalation is monotone).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from compliance.accountability.models import Decision, Incident
from compliance.evaluation.context import Context, all_events, bound_units, unit_matches
from compliance.facts import Event, Unit, region_chain
from compliance.findings import Finding
from compliance.language.compile import CompiledRule
from compliance.language.schema import Ladder, Reach, Sanction, UnitFilter


@dataclass(frozen=True)
class Cause:
    """Something that brings a sanction: where, when, who acted, which industry, and its references."""

    unit: Unit
    day: date
    actor: str | None
    person: str | None
    industry: str | None
    references: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Application:
    """One sanction reaching one unit or person at one ladder step."""

    rule_id: str
    unit_id: str
    person_id: str | None
    year: int
    ladder: str
    step: str
    because: tuple[dict[str, Any], ...]


def _industry(context: Context, event: Event, unit: Unit) -> str | None:
    accident = context.event(event.attribute("accident_id")) if event.type != "accident" else event
    for candidate in (event, accident):
        if candidate is not None and candidate.attribute("industry"):
            return str(candidate.attribute("industry"))
    return unit.sectors[0] if unit.sectors else None


def _event_causes(rule: CompiledRule, context: Context, incidents: dict[str, Incident]) -> Iterator[Cause]:
    sanction: Sanction = rule.obligation
    days = context.days(rule)
    if days is None:
        return
    for event in all_events(context, sanction.when.event, bound_units(context.facts, rule.applies_to)):
        if not days[0] <= event.occurred_at.day <= days[1]:
            continue
        grade = context.grade_of(event)
        if sanction.when.grade and grade not in sanction.when.grade:
            continue
        unit = context.facts.units[event.unit_id]
        references: list[dict[str, Any]] = [{"event": event.event_id, "type": event.type, "unit_id": event.unit_id}]
        incident = incidents.get(event.event_id) or incidents.get(str(event.attribute("accident_id") or ""))
        if incident is not None:
            references.append(incident.reference())
        yield Cause(unit, event.occurred_at.day, event.actor_id, event.actor_id, _industry(context, event, unit),
                    tuple(references))


def _finding_day(finding: Finding) -> date:
    """The day a finding is assessed on: its period's last day, or the day its due instant closes."""
    if finding.period_end is not None:
        return finding.period_end
    if finding.due is not None:
        due = datetime.fromisoformat(finding.due)
        return due.date() - timedelta(days=1) if due.time() == time(0) else due.date()  # 24:00 closes the day before
    return date.min


def _finding_causes(rule: CompiledRule, context: Context, findings: Sequence[Finding]) -> Iterator[Cause]:
    trigger = rule.obligation.when.findings
    groups: dict[tuple[str, str | None, int], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.rule_id in trigger.rules and finding.status.value in trigger.status \
                and (not trigger.step or finding.step in trigger.step):
            unit = context.facts.units.get(finding.unit_id)
            if unit is not None and unit_matches(unit, rule.applies_to):
                groups[(finding.unit_id, finding.person_id, _finding_day(finding).year)].append(finding)
    for (unit_id, person_id, _year), group in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1] or "",
                                                                                      item[0][2])):
        if len(group) < trigger.count:
            continue
        unit = context.facts.units[unit_id]
        day = max(_finding_day(finding) for finding in group)
        yield Cause(unit, day, person_id, person_id, unit.sectors[0] if unit.sectors else None,
                    tuple(finding.reference() for finding in group))


def _principals(context: Context, unit: Unit, day: date, role: str = "principal") -> list[str]:
    return sorted({t.person_id for t in context.facts.tenures_in(unit.unit_id) if t.role == role and t.holds_on(day)})


def _territorial(context: Context, cause: Cause, reach: Reach, default_kinds: tuple[str, ...]) -> list[Unit]:
    chain = region_chain(cause.unit.region)
    criteria = UnitFilter(kind=reach.kinds or default_kinds, level=reach.levels)
    return [unit for code in chain for unit in context.units_with_region(code) if unit_matches(unit, criteria)]


def _reach(context: Context, reach: Reach, cause: Cause) -> list[tuple[str, str | None]]:
    if reach.to == "unit":
        return [(cause.unit.unit_id, None)]
    if reach.to == "actor":
        return [(cause.unit.unit_id, cause.person)] if cause.person else []
    if reach.to == "unit_principal":
        return [(cause.unit.unit_id, person) for person in _principals(context, cause.unit, cause.day)]
    territorial_kinds = ("party_committee", "government")
    if reach.to == "territorial":
        return [(unit.unit_id, None) for unit in _territorial(context, cause, reach, territorial_kinds)]
    if reach.to == "territorial_principals":
        return [(unit.unit_id, person) for unit in _territorial(context, cause, reach, territorial_kinds)
                for person in _principals(context, unit, cause.day)]
    if reach.to == "leaders_in_charge":
        if cause.industry is None:
            return []
        found = []
        for unit in _territorial(context, cause, reach, ("government",)):
            for tenure in context.facts.tenures_in(unit.unit_id):
                sectors = tenure.attributes.get("sectors") or ()
                if tenure.role == "deputy" and tenure.holds_on(cause.day) and cause.industry in sectors:
                    found.append((unit.unit_id, tenure.person_id))
        return sorted(set(found))
    # supervising_departments
    if cause.industry is None:
        return []
    return [(unit.unit_id, None) for unit in _territorial(context, cause, reach, ("department",))
            if cause.industry in unit.sectors]


def apply_sanctions(
    rules: Iterable[CompiledRule], context: Context, findings: Sequence[Finding], incidents: dict[str, Incident]
) -> list[Application]:
    """Every application of every sanction rule, in a canonical order."""
    applications: list[Application] = []
    for rule in rules:
        sanction: Sanction = rule.obligation
        causes = (_event_causes(rule, context, incidents) if sanction.when.event is not None
                  else _finding_causes(rule, context, findings))
        for cause in causes:
            because = tuple({**reference, "sanction": rule.id} for reference in cause.references)
            for reach in sanction.reaches:
                for unit_id, person_id in _reach(context, reach, cause):
                    applications.append(Application(rule.id, unit_id, person_id, cause.day.year, reach.ladder,
                                                    reach.step, because))
    return applications


def decide(applications: Iterable[Application], ladders: dict[str, Ladder]) -> list[Decision]:
    """Combine applications by the worst step per (unit, person, year, ladder), keeping every cause."""
    grouped: dict[tuple[str, str | None, int, str], list[Application]] = defaultdict(list)
    for application in applications:
        grouped[(application.unit_id, application.person_id, application.year, application.ladder)].append(application)
    decisions = []
    for (unit_id, person_id, year, ladder_id), group in grouped.items():
        ladder = ladders[ladder_id]
        position = {step.step: index for index, step in enumerate(ladder.steps, 1)}
        reached = sorted({application.step for application in group}, key=lambda step: -position[step])
        worst = ladder.steps[position[reached[0]] - 1]
        consequences: list[str] = []
        for step_id in reached:
            step = ladder.steps[position[step_id] - 1]
            for consequence in step.consequences or (step.zh,):
                if consequence not in consequences:
                    consequences.append(consequence)
        because = {json.dumps(item, ensure_ascii=False, sort_keys=True): item
                   for application in group for item in application.because}
        decisions.append(Decision(
            unit_id=unit_id, person_id=person_id, year=year, ladder=ladder_id, level=position[worst.step],
            level_name=worst.zh, step=worst.step, consequences=tuple(consequences),
            because=tuple(because[key] for key in sorted(because)),
        ))
    decisions.sort(key=Decision.sort_key)
    return decisions
