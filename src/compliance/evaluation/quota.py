"""Quota obligations: a relation between quantities that must hold.

*Ratio* (t56: at least 1 enforcement vehicle per 5 serving officers): checked at
every snapshot, i.e. the rule's first day and every date on which either measure
changes, with the latest value of each measure on or before that date. Integer
arithmetic (vehicles × 5 ≥ officers × 1), so 10 officers with 2 vehicles meet it
and 11 do not, with no rounding anywhere. A snapshot at which either measure is
unknown is not judged (there is nothing to judge); the unit simply has fewer
findings.

*Coverage* (t44: every restaurant has a gas alarm): for each bound territorial
unit, the share of the units in its territory (region) matching the population
filter that have a covering event by the due date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from compliance.evaluation.context import Context, bound_units, by_end_of, events_in, on_time, unit_matches, until
from compliance.evaluation.outcome import Outcome, chinese_date, evidence
from compliance.findings import Finding, Status
from compliance.language.compile import CompiledRule
from compliance.language.schema import Quota
from compliance.periods import Period, PeriodKind
from compliance.timeline import SHANGHAI
from compliance.vocabulary import VOCABULARY

_EPOCH = datetime(1900, 1, 1, tzinfo=SHANGHAI)  # before any record


def evaluate_quota(rule: CompiledRule, context: Context) -> Iterator[Finding]:
    obligation: Quota = rule.obligation
    if obligation.ratio is not None:
        yield from _ratio(rule, context)
    else:
        yield from _coverage(rule, context)


def _ratio(rule: CompiledRule, context: Context) -> Iterator[Finding]:
    ratio = rule.obligation.ratio
    days = context.days(rule)
    if days is None:
        return
    first, last = days
    outcome = Outcome(rule)
    top, bottom = (VOCABULARY.metrics[m] for m in (ratio.numerator, ratio.denominator))
    for unit in bound_units(context.facts, rule.applies_to):
        measures = [m for m in context.facts.measures_of(unit.unit_id) if m.metric in (ratio.numerator, ratio.denominator)]
        snapshots = sorted({first} | {m.as_of for m in measures if first <= m.as_of <= last})
        for day in snapshots:
            latest: dict[str, int] = {}
            for measure in measures:
                if measure.as_of <= day:
                    latest[measure.metric] = measure.value
            if ratio.numerator not in latest or ratio.denominator not in latest:
                continue
            have, base = latest[ratio.numerator], latest[ratio.denominator]
            required = -(-base * ratio.at_least // ratio.per)  # ceil(base × at_least / per), exact
            status = Status.SATISFIED if have * ratio.per >= base * ratio.at_least else Status.VIOLATED
            message = (f"{unit.name}截至{chinese_date(day)}{bottom.zh}{base}{bottom.unit}、{top.zh}{have}{top.unit}，"
                       f"按每{ratio.per}{bottom.unit}至少{ratio.at_least}{top.unit}应不少于{required}{top.unit}"
                       f"（{status.chinese}）。")
            yield outcome.finding(
                unit, status, message, period=Period.containing(PeriodKind.DAY, day),
                expected=required, actual=have,
            )


def _coverage(rule: CompiledRule, context: Context) -> Iterator[Finding]:
    coverage = rule.obligation.coverage
    if (context.first and coverage.by < context.first) or (context.last and coverage.by > context.last):
        return
    outcome = Outcome(rule)
    due = by_end_of(coverage.by)
    for unit in bound_units(context.facts, rule.applies_to):
        population = [u for u in context.facts.units_in_region(unit.region) if unit_matches(u, coverage.population)]
        if not population:
            continue
        covered, uncovered, shown = [], [], []
        for member in population:
            events = [event for event in events_in(context, member.unit_id, coverage.covered_by, _EPOCH, until(due))
                      if on_time(event, due)]
            (covered if events else uncovered).append(member)
            shown.extend(events[:1])
        share = Decimal(len(covered)) / Decimal(len(population))
        if len(covered) >= coverage.at_least * len(population):
            status = Status.SATISFIED
        elif due <= context.as_of:
            status = Status.VIOLATED
        else:
            status = Status.OPEN
        percent = f"{(share * 100).quantize(Decimal('0.1'))}%"
        required = f"{(coverage.at_least * 100).quantize(Decimal('0.1'))}%"
        missing = "、".join(member.name for member in uncovered[:5]) + ("等" if len(uncovered) > 5 else "")
        message = (f"{unit.name}辖区{len(population)}家单位中截至{chinese_date(coverage.by)}有{len(covered)}家"
                   f"{rule.title}，覆盖率{percent}，应达到{required}"
                   + (f"，未覆盖：{missing}" if uncovered else "") + f"（{status.chinese}）。")
        yield outcome.finding(
            unit, status, message, period=Period.containing(PeriodKind.DAY, coverage.by), due=due,
            expected=required, actual=f"{percent} ({len(covered)}/{len(population)})", evidence=evidence(shown),
        )
