"""Grading: classify events into incidents (accidents by 国务院令第493号 第三条).

A grading rule lists grades worst first; an event takes the first grade that
any of its criteria reaches, each criterion being "attribute ≥ threshold"
(以上 includes the number, 以下 excludes it: 3 deaths is 较大, 2 is 一般). The
last grade takes every event no other grade reaches. A missing count is 0,
and the message says so, since a grade can only rise with more information.
"""

from __future__ import annotations

from collections.abc import Iterable

from compliance.accountability.models import Incident
from compliance.evaluation.context import Context, all_events, bound_units
from compliance.evaluation.outcome import chinese_when
from compliance.findings import CitationOut
from compliance.language.compile import CompiledRule
from compliance.language.schema import Grading
from compliance.vocabulary import VOCABULARY


def grade_events(rules: Iterable[CompiledRule], context: Context) -> dict[str, Incident]:
    """Every incident of every grading rule, by event id (an event graded twice keeps the worse grade)."""
    incidents: dict[str, Incident] = {}
    for rule in rules:
        for incident in _grade(rule, context):
            known = incidents.get(incident.incident_id)
            if known is None or _rank(incident.grade) > _rank(known.grade):
                incidents[incident.incident_id] = incident
    return dict(sorted(incidents.items()))


def _rank(grade: str) -> int:
    return VOCABULARY.grade_rank.get(grade, 0)


def _grade(rule: CompiledRule, context: Context) -> Iterable[Incident]:
    grading: Grading = rule.obligation
    citation = CitationOut(**rule.citation_dict())
    for event in all_events(context, grading.event, bound_units(context.facts, rule.applies_to)):
        values = {name: event.attributes.get(name) for grade in grading.grades for name in grade.at_least}
        chosen, reached = grading.grades[-1], {}
        for grade in grading.grades[:-1]:
            hits = {name: values[name] for name, bound in grade.at_least.items()
                    if values[name] is not None and values[name] >= bound}
            if hits:
                chosen, reached = grade, hits
                break
        name = VOCABULARY.zh("accident_grades", chosen.grade)
        unit = context.facts.units[event.unit_id]
        missing = sorted(key for key, value in values.items() if value is None)
        because = "、".join(f"{_criterion(key)}{value}" for key, value in reached.items()) or "未达到较高等级的任一标准"
        note = f"（记录缺少{'、'.join(_criterion(key) for key in missing)}）" if missing else ""
        yield Incident(
            incident_id=event.event_id, rule_id=rule.id, unit_id=event.unit_id, type=event.type,
            occurred_at=event.occurred_at.isoformat(), year=event.occurred_at.day.year, grade=chosen.grade,
            grade_name=name, reached=reached, citation=citation,
            message=f"{unit.name}{chinese_when(event.occurred_at)}发生的{VOCABULARY.zh('event_types', event.type)}"
                    f"（{event.event_id}）为{name}：{because}{note}。",
        )


_CRITERIA = {"deaths": "死亡人数", "serious_injuries": "重伤人数", "direct_loss_yuan": "直接经济损失（元）"}


def _criterion(name: str) -> str:
    return _CRITERIA.get(name, name)
