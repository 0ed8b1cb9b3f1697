"""The library surface: evaluate records (in memory or an export folder) against rule packs.

>>> from compliance import evaluate
>>> result = evaluate(
...     units=[{"unit_id": "PC", "name": "某县委", "kind": "party_committee", "level": "county"}],
...     events=[{"event_id": "e1", "unit_id": "PC", "type": "safety_study_session",
...              "occurred_at": "2022-08-01T09:00"}],
...     as_of="2022-10-15", rules_only=["tonghua-2022-10.t02"])
>>> [(f.period, f.status.value, f.actual) for f in result.findings]
[('2022-Q3', 'satisfied', 1), ('2022-Q4', 'open', 0)]
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from compliance.collector import collector_paused
from compliance.errors import EvaluationError
from compliance.evaluation import Context
from compliance.evaluation import evaluate as run_evaluation
from compliance.facts import Facts
from compliance.findings import REPORTED, Finding, Status
from compliance.accountability.models import Decision, Incident
from compliance.language import CompiledRule, Pack, ladders_of, load_packs
from compliance.records import LoadResult, Rejection, facts_from_records, load_export
from compliance.timeline import SHANGHAI, InstantError, parse_date, parse_instant

__all__ = ["Evaluation", "evaluate", "evaluate_export"]


@dataclass(frozen=True)
class Evaluation:
    """The outcome of one evaluation: findings, decisions, rejected records, and what ran."""

    findings: tuple[Finding, ...]
    decisions: tuple[Decision, ...]
    incidents: tuple[Incident, ...]
    rejections: tuple[Rejection, ...]
    packs: tuple[Pack, ...]
    rules: tuple[CompiledRule, ...]
    as_of: datetime
    first: date | None
    last: date | None
    records: Mapping[str, Any] = field(default_factory=dict)
    unit_names: Mapping[str, str] = field(default_factory=dict)

    def reported(self, include_all: bool = False) -> list[Finding]:
        """The findings written out: ``violated``, ``late``, ``at_risk``; all with ``include_all``."""
        return list(self.findings) if include_all else [f for f in self.findings if f.status in REPORTED]

    def summary(self) -> dict[str, Any]:
        """``summary.json``: counts by status, rule and unit; records read and rejected; what ran.

        The cyclic collector is paused meanwhile (its counters, one per unit, would otherwise
        set off collections over every record the caller still holds: 3 s at 1M events).
        """
        with collector_paused():
            return self._summary()

    def _summary(self) -> dict[str, Any]:
        by_status = Counter(f.status.value for f in self.findings)
        by_rule: dict[str, Counter] = {}
        by_unit: dict[str, Counter] = {}
        for finding in self.findings:
            by_rule.setdefault(finding.rule_id, Counter())[finding.status.value] += 1
            by_unit.setdefault(finding.unit_id, Counter())[finding.status.value] += 1
        return {
            "as_of": self.as_of.isoformat(timespec="seconds"),
            "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None,
            "packs": [
                {"pack": p.id, "version": p.version, "file": Path(p.file).name, "sha256": p.sha256,
                 "rules": len(p.rules), "not_checkable": len(p.not_checkable)}
                for p in self.packs
            ],
            "parameters": {
                rule.id: {
                    p.name: {"value": _jsonable(p.value), "policy": p.policy, "overridden": p.overridden}
                    for p in rule.parameters
                }
                for rule in self.rules if rule.parameters
            },
            "records": dict(self.records),
            "rejected": len(self.rejections),
            "findings": {
                "total": len(self.findings),
                "by_status": {status.value: by_status.get(status.value, 0) for status in Status},
                "by_rule": {rule: dict(sorted(c.items())) for rule, c in sorted(by_rule.items())},
                # bound no unit or person, or met no trigger: not checked here, which is not complied with
                "rules_without_findings": sorted(rule.id for rule in self.rules if rule.id not in by_rule),
                "by_unit": {unit: dict(sorted(c.items())) for unit, c in sorted(by_unit.items())},
            },
            "incidents": {
                "total": len(self.incidents),
                "by_grade": dict(sorted(Counter(incident.grade for incident in self.incidents).items())),
            },
            "decisions": {
                "total": len(self.decisions),
                "by_level_name": dict(sorted(Counter(d.level_name for d in self.decisions).items())),
            },
        }


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _as_of(value: datetime | date | str | None) -> datetime:
    if value is None:
        return datetime.now(SHANGHAI).replace(microsecond=0)
    try:
        instant = parse_instant(value)
    except InstantError as error:
        raise EvaluationError(f"the evaluation instant (as-of): {error}", found=value) from None
    return instant.at  # a bare date means its first instant (00:00 Shanghai time)


def _day(value: date | str | None, name: str) -> date | None:
    try:
        return None if value is None else parse_date(value)
    except InstantError as error:
        raise EvaluationError(f"the {name} day of the range: {error}", found=value) from None


def _run(
    loaded: LoadResult,
    *,
    rules: Iterable[Path | str] | Sequence[Pack] | None,
    as_of: datetime | date | str | None,
    start: date | str | None,
    end: date | str | None,
    overrides: Mapping[str, Mapping[str, Any]] | None,
    rules_only: Iterable[str] | None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Evaluation:
    with collector_paused():  # packs are loaded while the records are held (see compliance.collector)
        packs = list(rules) if rules and all(isinstance(p, Pack) for p in rules) else load_packs(rules, overrides)
    compiled = [rule for pack in packs for rule in pack.rules]
    if rules_only is not None:
        wanted = set(rules_only)
        unknown = wanted - {rule.id for rule in compiled}
        if unknown:
            raise EvaluationError("unknown rule id", found=", ".join(sorted(unknown)))
        compiled = [rule for rule in compiled if rule.id in wanted]
    moment = _as_of(as_of)
    first, last = _day(start, "first"), _day(end, "last")
    if first and last and last < first:
        raise EvaluationError("the range ends before it starts", found=f"{first}..{last}")
    context = Context(loaded.facts, moment, first, last)
    result = run_evaluation(compiled, context, ladders_of(packs), progress=progress)
    return Evaluation(
        findings=result.findings, decisions=result.decisions, incidents=result.incidents,
        rejections=loaded.rejections, packs=tuple(packs),
        rules=tuple(compiled), as_of=moment, first=first, last=last, records=loaded.stats,
        unit_names={unit_id: unit.name for unit_id, unit in loaded.facts.units.items()},
    )


def evaluate(
    facts: Facts | LoadResult | None = None,
    *,
    units: Iterable[Any] = (),
    people: Iterable[Any] = (),
    events: Iterable[Any] = (),
    measures: Iterable[Any] = (),
    rules: Iterable[Path | str] | Sequence[Pack] | None = None,
    as_of: datetime | date | str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    rules_only: Iterable[str] | None = None,
    strict: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> Evaluation:
    """Evaluate records held in memory (pydantic models or plain dicts), or a :class:`Facts`.

    Bad records are returned in ``rejections`` (or raised with ``strict=True``);
    ``rules`` are pack files or folders (default: the shipped packs) or loaded packs;
    ``as_of`` defaults to now; ``start``/``end`` bound the evaluated days.
    """
    if isinstance(facts, LoadResult):
        loaded = facts
    elif isinstance(facts, Facts):
        loaded = LoadResult(facts=facts, rejections=(), stats={})
    else:
        loaded = facts_from_records(units, people, events, measures, strict=strict)
    return _run(loaded, rules=rules, as_of=as_of, start=start, end=end, overrides=overrides, rules_only=rules_only,
                progress=progress)


def evaluate_export(
    path: Path | str,
    *,
    mapping: Path | str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    **options: Any,
) -> Evaluation:
    """Evaluate an export folder (CSV, JSON Lines or XLSX); options as for :func:`evaluate`."""
    loaded = load_export(Path(path), mapping=Path(mapping) if mapping else None, encoding=encoding, strict=strict)
    defaults = {"rules": None, "as_of": None, "start": None, "end": None, "overrides": None, "rules_only": None}
    return _run(loaded, **{**defaults, **options})
