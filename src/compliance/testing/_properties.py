"""Properties of what rules mean, checked on one rule, one export and one evaluation instant.

Private: the public names are re-exported by :mod:`compliance.testing`, which
documents them. A :class:`Property` compares the findings of an export with
those of a *variant* of it (the same rows shuffled, the same instants written
in other offsets, one more qualifying event…) and raises ``AssertionError``
naming the rule, the property and the findings that differ. Each property draws
its own variants (:meth:`Property.variants`), so that one ``@given`` test can
check them all (:func:`check_rule`).

Findings are compared by their key (rule, unit, person, period, subject, step),
incidents by their event, decisions by (unit, person, year, ladder).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise
from typing import Any

from hypothesis import event, given, target
from hypothesis import strategies as st

from compliance.errors import ComplianceError
from compliance.facts import region_chain
from compliance.findings import Finding, Status
from compliance.language import CompiledRule, Pack
from compliance.periods import Period, PeriodKind
from compliance.testing._strategies import (
    _OFFSET_MINUTES,
    ArgumentError,
    Export,
    _aware_text,
    _bare_text,
    _export_facts,
    _field,
    _naive_text,
    _row,
    as_of_for,
    loaded_packs,
    more_events,
    record_window,
    resolve_rules,
)
from compliance.timeline import Instant, parse_instant
from compliance.vocabulary import VOCABULARY

Key = tuple[str, str, str | None, str | None, str | None, str | None]

# How good a status is, for "never worse": satisfied and exempt are final, a late
# act beats none, and an open period beats one already at risk.
_NOT_WORSE = {
    Status.SATISFIED: {Status.SATISFIED},
    Status.EXEMPT: {Status.EXEMPT},
    Status.LATE: {Status.LATE, Status.SATISFIED},
    Status.OPEN: {Status.OPEN, Status.SATISFIED},
    Status.AT_RISK: {Status.AT_RISK, Status.OPEN, Status.SATISFIED},
    Status.VIOLATED: set(Status),
}
_RANK = {Status.VIOLATED: 0, Status.LATE: 1, Status.AT_RISK: 2, Status.OPEN: 3, Status.EXEMPT: 4, Status.SATISFIED: 5}
_BAD = {Status.VIOLATED, Status.LATE, Status.AT_RISK}
_GRADE_RANK = VOCABULARY.grade_rank
_EVENT_FIELDS = ("event_id", "unit_id", "type", "actor_id", "target_id")


# -- rules and evaluations ----------------------------------------------------------------------
def _rule(rule: Any, rules: Any) -> tuple[CompiledRule, tuple[Pack, ...]]:
    """The compiled rule and packs to evaluate it with (a pack holding just that rule object)."""
    if isinstance(rule, CompiledRule):
        packs = loaded_packs(rules)
        if not any(pack.id == rule.pack for pack in packs):
            raise ArgumentError(f"no loaded pack is the pack of rule {rule.id}", found=rule.pack,
                                expected="rules= naming the pack file the rule comes from")
        # This very rule (with its parameters as given) in place of its namesake, with the other rules
        # (a sanction's findings, the grading rules) beside it.
        return rule, tuple(_with_rule(pack, rule) if pack.id == rule.pack else pack for pack in packs)
    if not isinstance(rule, str):
        raise ArgumentError("rule must be a rule id or a CompiledRule", found=type(rule).__name__)
    chosen, packs = resolve_rules(rules, [rule])
    return chosen[0], packs


def _with_rule(pack: Pack, rule: CompiledRule) -> Pack:
    """``pack`` with ``rule`` in place of the rule of its id (or added)."""
    from dataclasses import replace

    rules = tuple(rule if known.id == rule.id else known for known in pack.rules)
    return replace(pack, rules=rules if rule in rules else (*rules, rule))


def _moment(as_of: Any) -> datetime:
    if as_of is None:
        raise ArgumentError("as_of is required", expected="the evaluation instant (a datetime, date or text)")
    try:
        return parse_instant(as_of).at
    except ValueError as error:
        raise ArgumentError("as_of cannot be read", found=as_of, expected=str(error)) from None


@dataclass(frozen=True)
class _Outcome:
    """What one evaluation decided: findings, incidents (graded events) and decisions."""

    findings: tuple[Finding, ...]
    incidents: tuple[Any, ...] = ()
    decisions: tuple[Any, ...] = ()

    def only(self, keep: Callable[[str], bool]) -> _Outcome:
        """The outcome restricted to the units ``keep`` accepts."""
        return _Outcome(tuple(f for f in self.findings if keep(f.unit_id)),
                        tuple(i for i in self.incidents if keep(i.unit_id)),
                        tuple(d for d in self.decisions if keep(d.unit_id)))


def _needed(rule: CompiledRule, packs: Sequence[Pack]) -> list[str]:
    """The rules evaluated with ``rule``: a sanction needs the rules whose findings bring it, and grades need
    the grading rules."""
    known = {other.id: other for pack in packs for other in pack.rules}
    needed = [rule.id]
    obligation = rule.obligation
    when = getattr(obligation, "when", None)
    if when is not None and when.findings is not None:
        needed += [name for name in when.findings.rules if name in known]
    if rule.kind in ("sanction", "ban") or getattr(obligation, "up_to", None):
        needed += [other.id for other in known.values() if other.kind == "grading"]
    return list(dict.fromkeys(needed))


# The last few outcomes, so that the properties checked on one example evaluate its export once. Keyed by
# identity; the entry keeps the export and packs alive, so that an id is not reused while it is cached.
_RECENT: dict[tuple[int, int, str, datetime], tuple[Export, Sequence[Pack], _Outcome]] = {}


def _evaluate(rule: CompiledRule, packs: Sequence[Pack], export: Export, as_of: Any, *, fresh: bool = False
              ) -> _Outcome:
    """The outcome of ``rule`` (and the rules it needs) on ``export``; ``fresh`` evaluates again regardless."""
    if not isinstance(export, Export):
        raise ArgumentError("export must be an Export", found=type(export).__name__)
    moment = _moment(as_of)
    key = (id(export), id(packs), rule.id, moment)
    if not fresh and key in _RECENT:
        return _RECENT[key][2]
    outcome = _evaluate_now(rule, packs, export, as_of)
    if len(_RECENT) >= 16:
        _RECENT.pop(next(iter(_RECENT)))
    _RECENT[key] = (export, packs, outcome)
    return outcome


def _evaluate_now(rule: CompiledRule, packs: Sequence[Pack], export: Export, as_of: Any) -> _Outcome:
    result = export.evaluate(as_of=as_of, rules=list(packs), rules_only=_needed(rule, packs))
    if result.rejections:
        reasons = "; ".join(f"{r.file}:{r.line}: {r.reason}" for r in result.rejections[:3])
        raise ArgumentError("the export has rows that cannot be used; properties need exports without rejected "
                            "rows", found=reasons)
    return _Outcome(tuple(result.findings), tuple(getattr(result, "incidents", ()) or ()),
                    tuple(getattr(result, "decisions", ()) or ()))


def _key(finding: Finding) -> Key:
    return (finding.rule_id, finding.unit_id, finding.person_id, finding.period, finding.subject_id,
            getattr(finding, "step", None))


def _by_key(findings: Iterable[Finding]) -> dict[Key, list[Finding]]:
    grouped: dict[Key, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[_key(finding)].append(finding)
    return grouped


def _show_key(key: Key) -> str:
    rule, unit, person, period, subject, step = key
    return " ".join(part for part in (rule, unit, person and f"person {person}", period,
                                      subject and f"subject {subject}", step and f"step {step}") if part)


def _show(finding: Finding | None) -> str:
    if finding is None:
        return "(no finding)"
    evidence = ",".join(finding.evidence) or "-"
    return f"{finding.status.value} (expected {finding.expected!r}, actual {finding.actual!r}, evidence {evidence})"


def _fail(prop: str, rule: CompiledRule, as_of: datetime, what: str, lines: Iterable[str]) -> AssertionError:
    shown = list(lines)
    more = f"\n  … and {len(shown) - 12} more" if len(shown) > 12 else ""
    body = "\n".join(f"  {line}" for line in shown[:12])
    return AssertionError(f"{prop} of {rule.id} ({rule.kind}) fails at as_of {as_of.isoformat()}: {what}\n"
                          f"{body}{more}")


def _assert_same(prop: str, rule: CompiledRule, as_of: datetime, what: str, before: _Outcome,
                 after: _Outcome) -> None:
    if before == after:
        return
    lines = []
    if before.findings != after.findings:
        old, new = _by_key(before.findings), _by_key(after.findings)
        for key in sorted(set(old) | set(new), key=lambda k: tuple(part or "" for part in k)):
            if old.get(key) != new.get(key):
                first = (old.get(key) or [None])[0]
                second = (new.get(key) or [None])[0]
                change = f"{_show(first)} → {_show(second)}"
                if first is not None and second is not None and _show(first) == _show(second):
                    change += f"\n    message: {first.message}\n          → {second.message}"
                lines.append(f"{_show_key(key)}: {change}")
        if not lines:
            lines = ["the same findings in another order"]
    for name, key in (("incident", _incident_key), ("decision", _decision_key)):
        old_items = {key(item): item for item in getattr(before, name + "s")}
        new_items = {key(item): item for item in getattr(after, name + "s")}
        for ident in sorted(set(old_items) | set(new_items), key=str):
            if old_items.get(ident) != new_items.get(ident):
                lines.append(f"{name} {ident}: {_brief(old_items.get(ident))} → {_brief(new_items.get(ident))}")
    if not lines:
        lines = ["the same outcome in another order"]
    raise _fail(prop, rule, as_of, what, lines)


def _incident_key(incident: Any) -> Any:
    return _field(incident, "incident_id")


def _decision_key(decision: Any) -> tuple[Any, ...]:
    return tuple(_field(decision, name) if _has(decision, name) else None
                 for name in ("unit_id", "person_id", "year", "ladder"))


def _has(item: Any, name: str) -> bool:
    return name in item if isinstance(item, Mapping) else hasattr(item, name)


def _brief(item: Any) -> str:
    if item is None:
        return "(none)"
    for name in ("grade", "level_name", "level"):
        if _has(item, name):
            return f"{name} {_field(item, name)!r}"
    return repr(item)


def _canonical(record: Any) -> str:
    return json.dumps(_row(record), sort_keys=True, ensure_ascii=False, default=str)


def _tables(export: Export) -> dict[str, Counter[str]]:
    return export._canonical


# -- the Property type ------------------------------------------------------------------------
Check = Callable[[CompiledRule, tuple[Pack, ...], Export, Export, datetime], None]
Variants = Callable[[CompiledRule, tuple[Pack, ...], Export], st.SearchStrategy[Export]]


@dataclass(frozen=True)
class Property:
    """A property of a rule's meaning, checked by comparing an export with a variant of it.

    Call it as ``prop(rule, export, variant, as_of=...)``: ``rule`` is a rule id
    (found in ``rules=``, default the shipped packs) or a
    :class:`~compliance.language.CompiledRule`; ``variant`` is drawn with
    ``prop.variants(rule, export)`` (properties that need none accept
    ``variant=None``). It returns None, or raises ``AssertionError`` naming the
    rule, the property and what differs. The rule is evaluated together with the
    rules it depends on (a sanction with the rules whose findings bring it, and
    with the grading rules), and findings, incidents and decisions are compared.
    """

    name: str
    summary: str
    _applies: Callable[[CompiledRule], bool] = field(repr=False, compare=False)
    _check: Check = field(repr=False, compare=False)
    _variants: Variants = field(repr=False, compare=False)
    needs_variant: bool = field(default=True, repr=False)

    def applies_to(self, rule: CompiledRule) -> bool:
        """Whether the property says something about this rule (chosen by its obligation kind)."""
        return self._applies(rule)

    def variants(self, rule: str | CompiledRule, export: Export, *, rules: Any = None) -> st.SearchStrategy[Export]:
        """The variants of ``export`` this property compares it with, for ``rule``."""
        compiled, packs = _rule(rule, rules)
        self._check_applies(compiled)
        if not isinstance(export, Export):
            raise ArgumentError("export must be an Export", found=type(export).__name__)
        return self._variants(compiled, packs, export)

    def __call__(self, rule: str | CompiledRule, export: Export, variant: Export | None = None, *,
                 as_of: datetime | date | str, rules: Any = None) -> None:
        compiled, packs = _rule(rule, rules)
        self._check_applies(compiled)
        if variant is None:
            if self.needs_variant:
                raise ArgumentError(f"{self.name} compares the export with a variant",
                                    suggestion=f"{self.name}.variants(rule, export)")
            variant = export
        if not isinstance(export, Export) or not isinstance(variant, Export):
            raise ArgumentError("export and variant must be Export values",
                                found=f"{type(export).__name__}, {type(variant).__name__}")
        self._check(compiled, packs, export, variant, _moment(as_of))

    def _check_applies(self, rule: CompiledRule) -> None:
        if not self.applies_to(rule):
            raise ArgumentError(f"{self.name} does not apply to rule {rule.id} ({rule.kind})")


# -- monotonicity ---------------------------------------------------------------------------
_AT_LEAST = frozenset({"periodic", "coverage", "deadline", "window", "response"})
_MONOTONE_KINDS = _AT_LEAST | {"quota", "precondition", "completeness", "prohibition", "ban", "grading"}


def _directions(rule: CompiledRule) -> set[str]:
    """How the records of a rule can change without ever making a finding worse.

    At-least obligations (periodic, coverage, deadline, window, response,
    coverage quota) only gain from more events; a prohibition or a ban only gains
    from fewer events or rows of people; a precondition gains from more prior
    events and loses nothing when a judged event or row goes; a completeness
    finding is per event; a ratio quota gains from a larger numerator or a
    smaller denominator; a grading never grades an event lower for larger counts.
    """
    if rule.kind in ("prohibition", "ban"):
        return {"remove"}
    if rule.kind == "quota" and rule.obligation.ratio is not None:
        return {"raise"}
    if rule.kind == "grading":
        return {"raise"}
    if rule.kind in ("precondition", "completeness"):
        return {"add", "remove"}
    return {"add"}


def _prior_types(rule: CompiledRule) -> set[str]:
    if rule.kind != "precondition" or rule.obligation.requires.prior is None:
        return set()
    return set(rule.obligation.requires.prior.type)


def _removable_people(rule: CompiledRule) -> bool:
    """Whether dropping a row of people can only take judged records away (never a prior event's actor role)."""
    if rule.kind != "precondition":
        return True
    prior = rule.obligation.requires.prior
    return prior is None or prior.actor_role is None


def _direction(rule: CompiledRule, export: Export, variant: Export) -> str:
    before, after = _tables(export), _tables(variant)
    if before == after:
        return "same"
    same = {name for name in ("units", "people", "events", "measures") if before[name] == after[name]}
    grown = {name for name in ("people", "events") if before[name] <= after[name]}
    shrunk = {name for name in ("people", "events") if after[name] <= before[name]}
    if {"units", "people", "measures"} <= same and "events" in grown:
        return "add"
    if {"units", "measures"} <= same and shrunk == {"people", "events"}:
        return "remove"
    if {"units", "people", "events"} <= same and _raised_measures(rule, export, variant):
        return "raise"
    if {"units", "people", "measures"} <= same and _raised_counts(rule, export, variant):
        return "raise"
    raise ArgumentError("the variant is not a monotone change of the export",
                        expected="only events added; only events or people removed; a ratio's numerator raised or "
                                 "denominator lowered; or a graded event's counts raised")


def _raised_measures(rule: CompiledRule, export: Export, variant: Export) -> bool:
    ratio = getattr(rule.obligation, "ratio", None)
    if rule.kind != "quota" or ratio is None:
        return False

    def values(table: Export) -> dict[tuple[str, str, str], int]:
        return {(str(_field(m, "unit_id")), str(_field(m, "metric")), str(_field(m, "as_of"))): int(_field(m, "value"))
                for m in table.measures}

    old, new = values(export), values(variant)
    if old.keys() != new.keys():
        return False
    for key, value in old.items():
        metric = key[1]
        if metric == ratio.numerator and new[key] < value:
            return False
        if metric == ratio.denominator and new[key] > value:
            return False
        if metric not in (ratio.numerator, ratio.denominator) and new[key] != value:
            return False
    return True


def _graded_counts(rule: CompiledRule) -> set[str]:
    if rule.kind != "grading":
        return set()
    return {name for grade in rule.obligation.grades for name in grade.at_least}


def _raised_counts(rule: CompiledRule, export: Export, variant: Export) -> bool:
    """Whether the variant only raises the counts a grading rule grades by (deaths, injuries, loss)."""
    counts = _graded_counts(rule)
    if not counts:
        return False
    old = {str(_field(e, "event_id")): _row(e) for e in export.events}
    new = {str(_field(e, "event_id")): _row(e) for e in variant.events}
    if old.keys() != new.keys():
        return False
    for event_id, row in old.items():
        other = new[event_id]
        if {k: v for k, v in row.items() if k != "attributes"} != {k: v for k, v in other.items() if k != "attributes"}:
            return False
        before, after = row.get("attributes") or {}, other.get("attributes") or {}
        for name in set(before) | set(after):
            if name in counts:
                if int(after.get(name) or 0) < int(before.get(name) or 0):
                    return False
            elif before.get(name) != after.get(name):
                return False
    return True


def _check_monotonicity(rule: CompiledRule, packs: tuple[Pack, ...], export: Export, variant: Export,
                        as_of: datetime) -> None:
    direction = _direction(rule, export, variant)
    if direction == "same":
        return
    if direction not in _directions(rule):
        raise ArgumentError(f"a {rule.kind} rule is not monotone under this change ({direction})",
                            expected=" or ".join(sorted(_directions(rule))))
    if direction == "remove":
        gone = _tables(export)["events"] - _tables(variant)["events"]
        types = {json.loads(text)["type"] for text in gone}
        if types & _prior_types(rule):
            raise ArgumentError("removing a prior event can violate a precondition; remove judged records only",
                                found=", ".join(sorted(types & _prior_types(rule))))
        if _tables(export)["people"] != _tables(variant)["people"] and not _removable_people(rule):
            raise ArgumentError("removing people can take away a prior event's actor role", found=rule.id)
    before, after = _evaluate(rule, packs, export, as_of), _evaluate(rule, packs, variant, as_of)
    lines = _worse_findings(rule, before.findings, after.findings, direction)
    if rule.kind == "grading":
        new_grades = {i.incident_id: i for i in after.incidents}
        for incident in before.incidents:
            later = new_grades.get(incident.incident_id)
            if later is None or _GRADE_RANK.get(later.grade, 0) < _GRADE_RANK.get(incident.grade, 0):
                lines.append(f"incident {incident.incident_id}: {incident.grade} → {later.grade if later else '(none)'}")
    if lines:
        what = {"add": "adding", "remove": "removing", "raise": "raising"}[direction]
        raise _fail("monotonicity", rule, as_of, f"{what} {_changed_records(export, variant)} made findings worse",
                    lines)


def _worse_findings(rule: CompiledRule, before: Sequence[Finding], after: Sequence[Finding], direction: str
                    ) -> list[str]:
    old_keys, new_keys = _by_key(f for f in before if f.rule_id == rule.id), _by_key(f for f in after
                                                                                    if f.rule_id == rule.id)
    lines = []
    for key in sorted(set(old_keys) | set(new_keys), key=lambda k: tuple(part or "" for part in k)):
        old = sorted(old_keys.get(key, []), key=lambda f: _RANK[f.status], reverse=True)
        new = sorted(new_keys.get(key, []), key=lambda f: _RANK[f.status], reverse=True)
        if direction in ("add", "raise") and len(new) < len(old):
            lines.append(f"{_show_key(key)}: {_show(old[0])} → (no finding)")
            continue
        for first, second in zip(old, new):
            if second.status not in _NOT_WORSE[first.status]:
                lines.append(f"{_show_key(key)}: {_show(first)} → {_show(second)}")
        if direction == "remove":
            lines += [f"{_show_key(key)}: (no finding) → {_show(f)}" for f in new[len(old):] if f.status in _BAD]
    return lines


def _changed_records(export: Export, variant: Export) -> str:
    parts = []
    for name in ("people", "events", "measures"):
        old, new = _tables(export)[name], _tables(variant)[name]
        for label, rows in (("+", new - old), ("-", old - new)):
            for text in sorted(rows):
                row = json.loads(text)
                ident = row.get("event_id") or row.get("person_id") or f"{row.get('unit_id')}/{row.get('metric')}"
                when = row.get("occurred_at") or row.get("as_of") or ""
                parts.append(f"{label}{'person' if name == 'people' else name[:-1]} {ident} {when}".rstrip())
    return ", ".join(parts) or "nothing"


def _monotone_variants(rule: CompiledRule, packs: tuple[Pack, ...], export: Export) -> st.SearchStrategy[Export]:
    choices: list[st.SearchStrategy[Export]] = []
    directions = _directions(rule)
    if "add" in directions and export.units:
        choices.append(more_events(rule, export, *record_window([rule]), 3, packs).map(
            lambda new: export.adding(*new)))
    if "remove" in directions:
        prior = _prior_types(rule)
        events = [e for e in export.events if _field(e, "type") not in prior]
        choices += _removals(export, events, list(export.people) if _removable_people(rule) else [])
    if "raise" in directions and rule.kind == "quota":
        ratio = rule.obligation.ratio
        index = [i for i, m in enumerate(export.measures) if _field(m, "metric") in (ratio.numerator, ratio.denominator)]
        if index:
            choices.append(st.lists(st.tuples(st.sampled_from(index), st.integers(1, 5)), min_size=1, max_size=3).map(
                lambda changes: _raise(export, ratio.numerator, changes)))
    if "raise" in directions and rule.kind == "grading":
        counts = sorted(_graded_counts(rule))
        graded = [i for i, e in enumerate(export.events) if _field(e, "type") in rule.obligation.event.type]
        if graded and counts:
            choices.append(st.lists(st.tuples(st.sampled_from(graded), st.sampled_from(counts),
                                              st.sampled_from((1, 2, 7, 20, 10_000_000))), min_size=1, max_size=3)
                           .map(lambda changes: _raise_counts(export, changes)))
    return st.one_of(choices) if choices else st.just(export)


def _removals(export: Export, events: Sequence[Any], people: Sequence[Any]) -> list[st.SearchStrategy[Export]]:
    if not events and not people:
        return []
    return [st.tuples(st.lists(st.sampled_from(events)) if events else st.just([]),
                      st.lists(st.sampled_from(people)) if people else st.just([])).map(
        lambda drop: _without(export, drop[0], drop[1]))]


def _without(export: Export, events: Sequence[Any], people: Sequence[Any]) -> Export:
    drop_events = {id(e) for e in events}
    drop_people = {id(p) for p in people}
    return export.replace(events=[e for e in export.events if id(e) not in drop_events],
                          people=[p for p in export.people if id(p) not in drop_people])


def _raise(export: Export, numerator: str, changes: Sequence[tuple[int, int]]) -> Export:
    rows = list(export.measures)
    for index, by in changes:
        row = rows[index]
        value = int(_field(row, "value"))
        value = value + by if _field(row, "metric") == numerator else max(0, value - by)
        rows[index] = {**row, "value": value} if isinstance(row, Mapping) else row.model_copy(update={"value": value})
    return export.replace(measures=rows)


def _raise_counts(export: Export, changes: Sequence[tuple[int, str, int]]) -> Export:
    rows = list(export.events)
    for index, name, by in changes:
        row = rows[index]
        attributes = dict(_field(row, "attributes") or {})
        attributes[name] = int(attributes.get(name) or 0) + by
        rows[index] = ({**row, "attributes": attributes} if isinstance(row, Mapping)
                       else row.model_copy(update={"attributes": attributes}))
    return export.replace(events=rows)


# -- escalation of decisions ------------------------------------------------------------------
def _protected_types(rule: CompiledRule, packs: Sequence[Pack]) -> set[str] | None:
    """For a sanction on findings: event types whose removal could take a finding away (a trigger, a judged
    event, a breach); None when a rule it names is of a kind whose findings removal can improve anyhow."""
    known = {other.id: other for pack in packs for other in pack.rules}
    protected: set[str] = set()
    for name in rule.obligation.when.findings.rules:
        other = known.get(name)
        if other is None:
            continue
        obligation = other.obligation
        if other.kind in ("periodic", "coverage", "deadline", "window", "quota"):
            continue
        if other.kind == "response":
            protected |= set(obligation.trigger.type)
            since = getattr(obligation, "since", None)
            if since is not None:
                protected |= set(getattr(since, "type", ()) or ())
        elif other.kind == "precondition":
            if obligation.event is not None:
                protected |= set(obligation.event.type)
        else:
            return None
    return protected


def _escalates(rule: CompiledRule) -> bool:
    """Sanctions on events; sanctions on findings of rules whose findings only get worse with fewer events."""
    if rule.kind != "sanction":
        return False
    if rule.obligation.when.event is not None:
        return True
    try:
        packs = loaded_packs(None)
    except ComplianceError:  # the shipped packs do not load: judge by the rule alone
        packs = ()
    return _protected_types(rule, packs) is not None


def _escalation_variants(rule: CompiledRule, packs: tuple[Pack, ...], export: Export) -> st.SearchStrategy[Export]:
    if rule.obligation.when.event is not None:
        if not export.units:
            return st.just(export)
        return more_events(rule, export, *record_window([rule]), 3, packs).map(
            lambda new: export.adding(*new))
    protected = _protected_types(rule, packs)
    if protected is None:
        return st.just(export)
    events = [e for e in export.events if _field(e, "type") not in protected]
    return st.one_of(_removals(export, events, [])) if events else st.just(export)


def _check_escalation_property(rule: CompiledRule, packs: tuple[Pack, ...], export: Export, variant: Export,
                               as_of: datetime) -> None:
    before, after = _tables(export), _tables(variant)
    if before == after:
        return
    if any(before[name] != after[name] for name in ("units", "people", "measures")):
        raise ArgumentError("the variant may only add events (a sanction on events) or remove them (on findings)")
    if rule.obligation.when.event is not None:
        if not before["events"] <= after["events"]:
            raise ArgumentError("for a sanction on events, worse records are more events: the variant may only add")
    else:
        protected = _protected_types(rule, packs)
        gone = before["events"] - after["events"]
        if protected is None or after["events"] - before["events"] or any(
                json.loads(text)["type"] in protected for text in gone):
            raise ArgumentError("for a sanction on findings, worse records are fewer of the events the named rules "
                                "count: the variant may only remove those")
    old, new = _evaluate(rule, packs, export, as_of), _evaluate(rule, packs, variant, as_of)
    try:
        check_escalation(old.decisions, new.decisions)
    except AssertionError as error:
        raise _fail("escalation monotonicity", rule, as_of, f"changing {_changed_records(export, variant)} "
                    "de-escalated decisions", str(error).splitlines()[1:]) from None


# -- order, duplicates, determinism -------------------------------------------------------------
def _check_order(rule: CompiledRule, packs: tuple[Pack, ...], export: Export, variant: Export,
                 as_of: datetime) -> None:
    if _tables(export) != _tables(variant):
        raise ArgumentError("the variant does not hold the same rows as the export", expected="the rows reordered")
    _assert_same("order independence", rule, as_of, "shuffling the rows changed the outcome",
                 _evaluate(rule, packs, export, as_of), _evaluate(rule, packs, variant, as_of))


def _shuffled(rule: CompiledRule, packs: tuple[Pack, ...], export: Export) -> st.SearchStrategy[Export]:
    return st.builds(Export, st.permutations(export.units), st.permutations(export.people),
                     st.permutations(export.events), st.permutations(export.measures))


def _check_duplicates(rule: CompiledRule, packs: tuple[Pack, ...], export: Export, variant: Export,
                      as_of: datetime) -> None:
    before, after = _tables(export), _tables(variant)
    for name in before:
        if set(before[name]) != set(after[name]):
            raise ArgumentError("the variant is not the export with rows repeated", found=name)
    _assert_same("duplicate rows", rule, as_of, "repeating rows exactly changed the outcome",
                 _evaluate(rule, packs, export, as_of), _evaluate(rule, packs, variant, as_of))


def _duplicated(rule: CompiledRule, packs: tuple[Pack, ...], export: Export) -> st.SearchStrategy[Export]:
    names = tuple(name for name in ("units", "people", "events", "measures") if getattr(export, name))
    return _with_copies(export, names) if names else st.just(export)


@st.composite
def _with_copies(draw: Any, export: Export, names: tuple[str, ...]) -> Export:
    changed: dict[str, list[Any]] = {}
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(names))
        rows = list(changed.get(name, getattr(export, name)))
        row = draw(st.sampled_from(tuple(rows)))
        rows.insert(draw(st.integers(0, len(rows))), row)
        changed[name] = rows
    return export.replace(**changed)


def _check_determinism(rule: CompiledRule, packs: tuple[Pack, ...], export: Export, variant: Export,
                       as_of: datetime) -> None:
    if variant is not export and _tables(variant) != _tables(export):
        raise ArgumentError("determinism compares an export with itself")
    first = _evaluate(rule, packs, export, as_of)
    again = _evaluate(rule, packs, export, as_of, fresh=True)
    _assert_same("determinism", rule, as_of, "evaluating the same records twice gave another outcome", first, again)
    written = [item.model_dump_json() for item in first.findings + first.incidents + first.decisions]
    if written != [item.model_dump_json() for item in again.findings + again.incidents + again.decisions]:
        raise _fail("determinism", rule, as_of, "the same outcome was written differently", written[:3])
    as_dicts = Export(**{name: tuple(table) for name, table in export.as_rows().items()})
    _assert_same("determinism", rule, as_of, "the same records as plain dicts gave another outcome than as models",
                 first, _evaluate(rule, packs, as_dicts, as_of))


# -- time zones ---------------------------------------------------------------------------------
def _instant_of(record: Any) -> Instant:
    return parse_instant(_field(record, "occurred_at"))


@st.composite
def _rewritten_event(draw: Any, record: Any) -> dict[str, Any]:
    row = _row(record)
    instant = _instant_of(record)
    if instant.date_only:
        row["occurred_at"] = _bare_text(instant.day, draw(st.integers(0, 3)))
    elif draw(st.integers(0, 3)) == 0:
        row["occurred_at"] = _naive_text(instant.at, draw(st.integers(0, 4)))
    else:
        row["occurred_at"] = _aware_text(instant.at, draw(_OFFSET_MINUTES), draw(st.integers(0, 2)))
    return row


def _in_other_offsets(rule: CompiledRule, packs: tuple[Pack, ...], export: Export) -> st.SearchStrategy[Export]:
    return st.tuples(*(_rewritten_event(e) for e in export.events)).map(lambda rows: export.replace(events=rows))


def _check_time_zones(rule: CompiledRule, packs: tuple[Pack, ...], export: Export, variant: Export,
                      as_of: datetime) -> None:
    before, after = _tables(export), _tables(variant)
    if any(before[name] != after[name] for name in ("units", "people", "measures")) or (
            len(export.events) != len(variant.events)):
        raise ArgumentError("the variant differs from the export in more than how instants are written")
    for old, new in zip(export.events, variant.events):
        if _instant_of(old) != _instant_of(new) or _field(old, "event_id") != _field(new, "event_id"):
            raise ArgumentError("the variant moves an event to another instant", found=_field(old, "event_id"))
    _assert_same("time-zone invariance", rule, as_of,
                 "writing the same instants in other UTC offsets (and as_of in UTC) changed the outcome",
                 _evaluate(rule, packs, export, as_of), _evaluate(rule, packs, variant, as_of.astimezone(UTC)))


# -- unit independence ---------------------------------------------------------------------------
_LOCAL_KINDS = frozenset({"periodic", "coverage", "deadline", "window", "response", "quota", "completeness",
                          "precondition", "prohibition", "grading"})


def _linked(rule: CompiledRule, export: Export, dropped: str) -> set[str]:
    """The units whose findings may depend on the events and measures of unit ``dropped``, under ``rule``."""
    linked = {dropped}
    regions = {_field(u, "unit_id"): _field(u, "region") for u in export.units}
    if rule.kind == "quota" and rule.obligation.coverage is not None:
        chain = set(region_chain(regions.get(dropped)))
        linked |= {unit_id for unit_id, region in regions.items() if region in chain}
    obligation = rule.obligation
    if rule.kind == "response" and (not obligation.same_unit or getattr(obligation, "from_target", False)
                                    or getattr(obligation, "since", None) or getattr(obligation, "up_to", None)):
        linked |= set(regions)  # answered from another unit, or owed by an accident recorded elsewhere
    return linked


def _check_unit_independence(rule: CompiledRule, packs: tuple[Pack, ...], export: Export, variant: Export,
                             as_of: datetime) -> None:
    before, after = _tables(export), _tables(variant)
    if before["units"] != after["units"] or before["people"] != after["people"]:
        raise ArgumentError("the variant must keep every unit and person")
    gone = [json.loads(text) for name in ("events", "measures") for text in (before[name] - after[name])]
    if any(after[name] - before[name] for name in ("events", "measures")):
        raise ArgumentError("the variant may only drop the events and measures of one unit")
    dropped = {row["unit_id"] for row in gone}
    if len(dropped) > 1:
        raise ArgumentError("the variant drops the records of more than one unit", found=", ".join(sorted(dropped)))
    if not dropped:
        return
    unit = dropped.pop()
    linked = _linked(rule, export, unit)
    keep = linked.__contains__
    old = _evaluate(rule, packs, export, as_of).only(lambda unit_id: not keep(unit_id))
    new = _evaluate(rule, packs, variant, as_of).only(lambda unit_id: not keep(unit_id))
    _assert_same("unit independence", rule, as_of,
                 f"dropping the events and measures of {unit} changed the outcome for other units", old, new)


def _one_unit_dropped(rule: CompiledRule, packs: tuple[Pack, ...], export: Export) -> st.SearchStrategy[Export]:
    owners = sorted({str(_field(r, "unit_id")) for r in export.events + export.measures})
    if not owners:
        return st.just(export)
    return st.sampled_from(owners).map(lambda unit: export.replace(
        events=[e for e in export.events if _field(e, "unit_id") != unit],
        measures=[m for m in export.measures if _field(m, "unit_id") != unit]))


# -- partition -------------------------------------------------------------------------------------
_UTC_PLUS_8 = timezone(timedelta(hours=8))


def _evaluated_days(rule: CompiledRule, as_of: datetime) -> tuple[date, date] | None:
    """The days a periodic rule is evaluated over, computed here on its own (docs/semantics.md)."""
    last = (as_of - timedelta(microseconds=1)).astimezone(_UTC_PLUS_8).date()
    if rule.in_force.to is not None:
        last = min(last, rule.in_force.to)
    first = rule.in_force.from_
    return (first, last) if first <= last else None


def _check_partition(rule: CompiledRule, packs: tuple[Pack, ...], export: Export, variant: Export,
                     as_of: datetime) -> None:
    findings = [f for f in _evaluate(rule, packs, export, as_of).findings if f.rule_id == rule.id]
    facts = _export_facts(export)
    days = {event_id: event.occurred_at.at.astimezone(_UTC_PLUS_8).date() for event_id, event in facts.events.items()}
    evaluated = _evaluated_days(rule, as_of)
    groups: dict[tuple[str, str | None, str | None], list[Finding]] = defaultdict(list)
    lines: list[str] = []
    for finding in findings:
        for event_id in finding.evidence:
            day = days.get(event_id)
            if day is None or not (finding.period_start and finding.period_start <= day <= finding.period_end):
                lines.append(f"{_show_key(_key(finding))}: counts {event_id} of {day}, outside "
                             f"{finding.period_start}..{finding.period_end}")
        if finding.period and "/" not in finding.period:
            groups[(finding.unit_id, finding.person_id, finding.subject_id)].append(finding)
    for (unit, person, _subject), members in groups.items():
        members.sort(key=lambda f: f.period_start)
        periods = []
        for finding in members:
            period = Period.parse(finding.period)
            if (period.start, period.end) != (finding.period_start, finding.period_end):
                lines.append(f"{_show_key(_key(finding))}: runs {finding.period_start}..{finding.period_end}, "
                             f"but {period.label} is {period.start}..{period.end}")
            periods.append(period)
        if len({p.kind for p in periods}) > 1:
            lines.append(f"{unit}: periods of several kinds: {', '.join(p.label for p in periods)}")
            continue
        seen: dict[str, str] = {}
        for finding in members:
            for event_id in finding.evidence:
                if event_id in seen:
                    lines.append(f"{unit}: {event_id} counted in {seen[event_id]} and in {finding.period}")
                seen[event_id] = finding.period or ""
        for earlier, later in pairwise(periods):
            if later.start <= earlier.end:
                lines.append(f"{unit}: {earlier.label} and {later.label} overlap")
            elif person is None and later.start != earlier.end + timedelta(days=1):
                lines.append(f"{unit}: a gap between {earlier.label} and {later.label}")
        if person is None and evaluated is not None and periods:
            first, last = evaluated
            if not periods[0].start <= first <= periods[0].end:
                lines.append(f"{unit}: the first period {periods[0].label} does not hold the first evaluated day {first}")
            if not periods[-1].start <= last <= periods[-1].end:
                lines.append(f"{unit}: the last period {periods[-1].label} does not hold the last evaluated day {last}")
    if lines:
        raise _fail("partition", rule, as_of, "periods do not tile the evaluated days, or events are counted "
                    "outside their Shanghai day's period", lines)


# -- the properties ---------------------------------------------------------------------------------
def _every(rule: CompiledRule) -> bool:
    return True


def _no_variant(rule: CompiledRule, packs: tuple[Pack, ...], export: Export) -> st.SearchStrategy[Export]:
    return st.just(export)


monotonicity = Property(
    "monotonicity",
    "More of what an obligation asks for never makes a finding worse: adding an event never turns a satisfied "
    "finding of an at-least obligation (periodic, coverage, deadline, window, response, coverage quota) into "
    "violated, late or open; removing events or rows of people never creates a violation of a prohibition or a "
    "ban (nor of a precondition, unless a prior event goes); raising a ratio's numerator (or lowering its "
    "denominator) never creates a violation; raising an accident's counts never grades it lower.",
    lambda rule: rule.kind in _MONOTONE_KINDS, _check_monotonicity, _monotone_variants,
)
escalation_monotonicity = Property(
    "escalation_monotonicity",
    "Worse records never de-escalate a sanction's decisions: more of the events that bring it, or (for a "
    "sanction on findings) fewer of the events the rules it names count, leave every decision at its level "
    "or higher.",
    _escalates, _check_escalation_property, _escalation_variants,
)
order_independence = Property(
    "order_independence", "Shuffling the rows of every table changes no finding, incident or decision.",
    _every, _check_order, _shuffled,
)
time_zone_invariance = Property(
    "time_zone_invariance",
    "Writing the same instants in other UTC offsets, or as Shanghai time without an offset (bare dates "
    "staying bare), and the evaluation instant in UTC, changes no finding, incident or decision.",
    _every, _check_time_zones, _in_other_offsets,
)
duplicate_rows = Property(
    "duplicate_rows", "Repeating rows exactly changes nothing (exact copies are merged).",
    _every, _check_duplicates, _duplicated,
)
determinism = Property(
    "determinism",
    "The same records evaluate to the same outcome, written the same, every time, whether given as models or "
    "as plain dicts.",
    _every, _check_determinism, _no_variant, needs_variant=False,
)
unit_independence = Property(
    "unit_independence",
    "Dropping the events and measures of one unit changes nothing for any other unit, except those the rule "
    "links to it (a territory's coverage quota; a response answered from another unit, or owed because of an "
    "accident recorded elsewhere).",
    lambda rule: rule.kind in _LOCAL_KINDS, _check_unit_independence, _one_unit_dropped,
)
partition = Property(
    "partition",
    "The periods of each unit (or person, or subordinate) are of one kind and do not overlap; for units they "
    "tile the evaluated days without gaps; every counted event lies in its finding's period (by its Shanghai "
    "day) and is counted in one period only.",
    lambda rule: rule.kind in ("periodic", "coverage"), _check_partition, _no_variant, needs_variant=False,
)

PROPERTIES: tuple[Property, ...] = (
    monotonicity, escalation_monotonicity, order_independence, time_zone_invariance, partition, unit_independence,
    duplicate_rows, determinism,
)
"""Every property, in the order :func:`check_rule` checks them."""


def properties_for(rule: str | CompiledRule, *, rules: Any = None) -> tuple[Property, ...]:
    """The properties that say something about ``rule`` (chosen by its obligation kind)."""
    compiled, _ = _rule(rule, rules)
    return tuple(prop for prop in PROPERTIES if prop.applies_to(compiled))


def check_rule(
    rule: str | CompiledRule,
    *,
    properties: Iterable[Property] | None = None,
    rules: Any = None,
    exports: st.SearchStrategy[Export] | None = None,
    as_of: st.SearchStrategy[datetime] | datetime | date | str | None = None,
    observe: Callable[[frozenset[str]], None] | None = None,
) -> Callable[[], None]:
    """A ``@given`` test checking ``properties`` (default: all that apply) of one rule.

    Assign it to a ``test_…`` name in a test module, or call it. Exports are
    drawn with :func:`~compliance.testing.exports` for the rule (or from
    ``exports``), evaluation instants with
    :func:`~compliance.testing.evaluation_instants` over the rule's time in force
    and just before, at and after its due instants (or ``as_of``: a strategy or
    one instant); each property draws its own variant of each export. Settings
    (``max_examples``…) come from the active Hypothesis profile, or decorate the
    returned test with ``@settings(...)``. ``observe`` is called with what each
    example decided for the rule (a set of ``satisfied``, ``unsatisfied``,
    ``decisions``, ``incidents``), to check that the examples are not vacuous.

    >>> test_t02 = check_rule("tonghua-2022-10.t02", properties=[order_independence])
    >>> test_t02.__name__
    'test_tonghua_2022_10_t02'
    """
    compiled, packs = _rule(rule, rules)
    if properties is None:
        chosen = tuple(prop for prop in PROPERTIES if prop.applies_to(compiled))
    else:
        chosen = tuple(properties)
        for prop in chosen:
            if not isinstance(prop, Property):
                raise ArgumentError("properties must be Property objects", found=type(prop).__name__,
                                    suggestion="compliance.testing.monotonicity")
            prop._check_applies(compiled)
    if not chosen:
        raise ArgumentError(f"no property applies to rule {compiled.id}")
    if exports is None:
        from compliance.testing._strategies import exports as exports_for

        exports = exports_for(rules=packs, rules_only=[compiled.id])
    if not isinstance(exports, st.SearchStrategy):
        raise ArgumentError("exports must be a strategy of Export", found=type(exports).__name__)
    if as_of is None:
        as_of = as_of_for(compiled)
    elif not isinstance(as_of, st.SearchStrategy):
        as_of = st.just(_moment(as_of))

    def test(export: Export, as_of: datetime, data: st.DataObject) -> None:
        kinds = steer(compiled, _evaluate(compiled, packs, export, as_of))
        if observe is not None:
            observe(kinds)
        for prop in chosen:
            variant = data.draw(prop._variants(compiled, packs, export), label=f"{prop.name} variant")
            prop._check(compiled, packs, export, variant, _moment(as_of))

    test._hypothesis_internal_add_digest = compiled.id.encode()  # type: ignore[attr-defined]
    wrapped = given(export=exports, as_of=as_of, data=st.data())(test)
    wrapped.__name__ = wrapped.__qualname__ = "test_" + re.sub(r"\W", "_", compiled.id)
    wrapped.__doc__ = f"{', '.join(p.name for p in chosen)} of {compiled.id}."
    return wrapped


def outcome_kinds(rule: CompiledRule, outcome: _Outcome) -> frozenset[str]:
    """What an evaluation decided for ``rule``: ``satisfied`` and ``unsatisfied`` findings, ``decisions``,
    ``incidents``. Examples with several of them exercise a property on both sides of an edge."""
    kinds = set()
    for finding in outcome.findings:
        if finding.rule_id == rule.id:
            kinds.add("satisfied" if finding.status is Status.SATISFIED else "unsatisfied")
    if outcome.decisions:
        kinds.add("decisions")
    if outcome.incidents:
        kinds.add("incidents")
    return frozenset(kinds)


def steer(rule: CompiledRule, outcome: _Outcome) -> frozenset[str]:
    """Tell Hypothesis which examples decide more (``target``), and label them (``event``), so that the
    search favours records on which a rule finds both satisfied and unsatisfied things."""
    kinds = outcome_kinds(rule, outcome)
    target(float(len(kinds)), label="kinds of outcome")
    event("outcome: " + (", ".join(sorted(kinds)) or "nothing"))
    return kinds


# -- building blocks and decisions ------------------------------------------------------------------
def _shanghai_day(moment: Any) -> date:
    """The Shanghai calendar day of a moment, computed here on its own (naive datetimes are Shanghai time)."""
    if isinstance(moment, Instant):
        return moment.at.astimezone(_UTC_PLUS_8).date()
    if isinstance(moment, datetime):
        if moment.utcoffset() is None:
            return moment.date()
        return moment.astimezone(_UTC_PLUS_8).date()
    if isinstance(moment, date):
        return moment
    raise ArgumentError("a moment is a date, a datetime or an Instant", found=type(moment).__name__)


def check_period_partition(kind: PeriodKind | str, first: date, last: date, moments: Iterable[Any] = ()) -> None:
    """Periods of ``kind`` tile [``first``, ``last``], and each moment lies in exactly one of them.

    The periods :meth:`Period.between <compliance.periods.Period.between>` gives
    start on or before ``first``, end on or after ``last``, follow each other
    day after day, are all of ``kind`` and read back from their labels; every
    moment (a date, a datetime, naive meaning Shanghai time, or an Instant) whose
    Shanghai day lies in the range is in exactly one of them, the one
    :meth:`Period.containing <compliance.periods.Period.containing>` gives.

    >>> check_period_partition("quarter", date(2022, 8, 15), date(2023, 1, 1),
    ...                        [datetime(2022, 9, 30, 16, 30, tzinfo=UTC)])
    """
    try:
        kind = PeriodKind(kind)
    except ValueError:
        raise ArgumentError("unknown period kind", found=kind) from None
    for name, value in (("first", first), ("last", last)):
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ArgumentError(f"{name} must be a day", found=value)
    if last < first:
        raise ArgumentError("last is before first", found=f"{first}..{last}")
    tiles = list(Period.between(kind, first, last))
    assert tiles, f"no {kind.value} period between {first} and {last}"
    assert tiles[0].start <= first <= tiles[0].end, f"{tiles[0].label} does not hold the first day {first}"
    assert tiles[-1].start <= last <= tiles[-1].end, f"{tiles[-1].label} does not hold the last day {last}"
    for earlier, later in pairwise(tiles):
        assert later.start == earlier.end + timedelta(days=1), f"{earlier.label} is not followed by {later.label}"
    for tile in tiles:
        assert tile.kind is kind, f"{tile.label} is a {tile.kind.value}, not a {kind.value}"
        assert Period.parse(tile.label) == tile, f"{tile.label} does not read back as itself"
    for moment in moments:
        day = _shanghai_day(moment)
        if not first <= day <= last:
            continue
        holders = [tile for tile in tiles if tile.start <= day <= tile.end]
        assert len(holders) == 1, f"{moment} (Shanghai day {day}) lies in {len(holders)} {kind.value} periods"
        found = Period.containing(kind, moment)
        assert found == holders[0], f"Period.containing gives {found.label} for {moment} (Shanghai day {day}), " \
                                    f"not {holders[0].label}"
        assert moment in holders[0], f"{moment} is not 'in' {holders[0].label}"


def _decisions(source: Any, name: str) -> dict[tuple[Any, ...], int]:
    items = getattr(source, "decisions", source)
    try:
        items = list(items)
    except TypeError:
        raise ArgumentError(f"{name} must be an Evaluation or decisions", found=type(source).__name__) from None
    levels: dict[tuple[Any, ...], int] = {}
    for item in items:
        if not all(_has(item, part) for part in ("unit_id", "person_id", "year", "level")):
            raise ArgumentError(f"{name}: a decision has unit_id, person_id, year and level", found=repr(item))
        level = _field(item, "level")
        if not isinstance(level, int) or isinstance(level, bool):
            raise ArgumentError(f"{name}: a decision's level is a whole number", found=level)
        key = _decision_key(item)
        levels[key] = max(level, levels.get(key, level))
    return levels


def check_escalation(before: Any, after: Any) -> None:
    """Decisions never de-escalate when the records only got worse.

    ``before`` and ``after`` are :class:`~compliance.Evaluation` objects (their
    ``decisions``) or iterables of decisions (objects or dicts with
    ``unit_id``, ``person_id``, ``year`` and ``level``, higher is worse, and
    optionally ``ladder``), from records where ``after``'s are ``before``'s with
    more violations or incidents. Every (unit, person, year, ladder) decided
    before is decided after, at the same level or a higher one.

    >>> check_escalation([{"unit_id": "ZF-1", "person_id": None, "year": 2022, "level": 1}],
    ...                  [{"unit_id": "ZF-1", "person_id": None, "year": 2022, "level": 3}])
    """
    old, new = _decisions(before, "before"), _decisions(after, "after")
    lines = []
    for key, level in sorted(old.items(), key=lambda item: tuple(str(part) for part in item[0])):
        unit, person, year, ladder = key
        who = " ".join(str(part) for part in (unit, person and f"person {person}", year, ladder and f"({ladder})")
                       if part)
        if key not in new:
            lines.append(f"{who}: level {level} → no decision")
        elif new[key] < level:
            lines.append(f"{who}: level {level} → {new[key]}")
    if lines:
        raise AssertionError("escalation monotonicity fails: worse records de-escalated decisions\n"
                             + "\n".join(f"  {line}" for line in lines))
