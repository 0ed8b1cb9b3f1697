"""Bans: a role forbidden to a person after an event about them (安全生产法 第九十四条).

A person given 撤职 or 刑事处罚 over an accident may not be 主要负责人 of any
production unit for five years; one chiefly responsible for a 重大 or 特别重大
accident, never again in that industry. The ban runs from the day of the
sanction event to its anniversary ``years`` later (exclusive); an anniversary
on 29 February of a common year falls on 1 March, so the ban is never shortened
(an explicit choice: calendar arithmetic is not rounded silently). Any day of a
matching tenure inside a ban is a violation: an appointment after the sanction,
or staying in the role after the day of the sanction.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from compliance.evaluation.context import Context, all_events, bound_units, matching_tenures
from compliance.evaluation.outcome import Outcome, chinese_date
from compliance.facts import Event, Tenure, Unit
from compliance.findings import Finding, Status
from compliance.language.compile import CompiledRule
from compliance.language.schema import Ban
from compliance.vocabulary import VOCABULARY


def anniversary(day: date, years: int) -> date:
    """The same date ``years`` later; 29 February goes to 1 March in a common year.

    >>> anniversary(date(2022, 9, 30), 5), anniversary(date(2024, 2, 29), 5)
    (datetime.date(2027, 9, 30), datetime.date(2029, 3, 1))
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def _industry(context: Context, event: Event) -> str | None:
    accident = context.event(event.attribute("accident_id"))
    if accident is None:
        return None
    industry = accident.attribute("industry")
    if industry:
        return str(industry)
    unit = context.facts.units.get(accident.unit_id)
    return unit.sectors[0] if unit and unit.sectors else None


def evaluate_ban(rule: CompiledRule, context: Context) -> Iterator[Finding]:
    ban: Ban = rule.obligation
    outcome = Outcome(rule)
    units = bound_units(context.facts, rule.applies_to)
    tenures: dict[str, list[tuple[Unit, Tenure]]] = {}
    for unit, tenure in matching_tenures(context.facts, units, ban.tenure):
        tenures.setdefault(tenure.person_id, []).append((unit, tenure))
    for cause in all_events(context, ban.after):
        person = cause.actor_id
        if person is None or (ban.incident and context.grade_of(cause) not in ban.incident):
            continue
        start = cause.occurred_at.day
        end = anniversary(start, ban.years) if ban.years else None  # exclusive
        industry = _industry(context, cause) if ban.same_industry else None
        if ban.same_industry and industry is None:
            continue  # the industry of the accident is unknown: a same-industry ban cannot be applied
        span = f"{chinese_date(start)}起{ban.years}年内" if ban.years else f"自{chinese_date(start)}起终身"
        breaches = 0
        for unit, tenure in tenures.get(person, []):
            if industry is not None and industry not in unit.sectors:
                continue
            if tenure.end is not None and tenure.end <= start and (tenure.start is None or tenure.start < start):
                continue  # the tenure the sanction itself ended (dismissed that day): not a breach
            first = max(start, tenure.start) if tenure.start else start  # the first day in the role while banned
            last = tenure.end or context.as_of_day
            if (end is not None and first >= end) or last < first or first > context.as_of_day:
                continue
            breaches += 1
            yield outcome.finding(
                unit, Status.VIOLATED,
                f"{tenure.name}（{person}）{span}不得担任{VOCABULARY.zh('roles', tenure.role)}，"
                f"但自{chinese_date(first)}起在{unit.name}任此职（未落实）。",
                person_id=person, subject_id=cause.event_id, period=None,
                expected=None, actual=first.isoformat(), evidence=(cause.event_id,),
            )
        if breaches == 0:
            unit = context.facts.units[cause.unit_id]
            yield outcome.finding(
                unit, Status.SATISFIED, f"{person}{span}不得担任主要负责人，未见违反（已落实）。",
                person_id=person, subject_id=cause.event_id, expected=None, actual=None, evidence=(cause.event_id,),
            )
