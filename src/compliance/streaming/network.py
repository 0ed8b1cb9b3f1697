"""Compiled rules → durable-rules rulesets ("networks"), generated, never written by hand.

A rule's network has one pattern per *role* (the selectors of its obligation:
``event``, ``trigger``, ``response``, ``prior``, ``covered_by``, a chain's
``start`` and steps, a ban's ``cause``). A pattern is the conjunction of the
rule's tests on one event, as alpha tests on a flat message:

==============================  =================================================
compiled part                   test in the network
==============================  =================================================
selector ``type``               ``type`` is one of the types
``applies_to`` kind, level      ``u_kind`` / ``u_level`` is one of the values
``applies_to`` tags, sectors    ``u_tags`` / ``u_sectors`` has one of the values
``where`` (text values)         ``w_<attribute>`` is (one of) the value(s)
``target`` kind, level          ``t_kind`` / ``t_level`` is one of the values
``target`` superior             ``t_level`` one of them, or ``t_superior``
==============================  =================================================

A sanction on findings has a *finding role* instead (:class:`FindingRole`): the
findings of other rules it counts, as they are decided, are messages too, tested
on ``rule_id``, ``status`` and ``step`` and on the finding's unit as above.

Relations between ids (whether the actor holds a role on the event's day, whether
the target's territory contains the unit's, a unit's region inside a
jurisdiction) are computed when the message is built and tested as flags
(``a_role_0``, ``t_territorial``, ``u_within``…): ids never become literals of a
network, so the number of literal values on one field stays small whatever
the records (durable-rules hangs past about 511 distinct values on one field;
:data:`LITERAL_BUDGET` keeps every field far below, and a test whose values
would not fit, or whose equality durable-rules does not share with Python
(numbers, booleans: durable-rules finds ``1 == true == "1"``), is computed in
Python with the reference's own function and tested as a flag).

Besides the role patterns every network has ``open`` (the action every new
session runs first, see :mod:`compliance.streaming.engine`) and ``catch`` (a
selection message no role takes: it fires last, so a message is never
"not handled"). A response rule adds ``answer``, the correlation join of pending
triggers with responses; the shared clock network (:data:`CLOCK_NETWORK`) joins
boundaries with clock facts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from compliance.evaluation.context import _attribute_matches, unit_matches
from compliance.facts import Event, Facts, Unit, region_chain
from compliance.language.compile import CompiledRule
from compliance.findings import Finding
from compliance.language.schema import AppliesTo, FindingTrigger, Selector, TargetFilter, UnitFilter
from compliance.streaming.errors import StreamingError
from compliance.vocabulary import VOCABULARY

#: Distinct literal values one field may be tested against in one network (durable-rules hangs past ~511).
LITERAL_BUDGET = 256
#: Message properties at most (durable-rules allows 255 with its own two).
PROPERTY_BUDGET = 200
CATCH_PRIORITY = 1_000_000

# The fields of the models this translation knows. A field added to the rule language
# must be translated here before a monitor accepts it (otherwise a test would be
# silently left out): see _check_known.
KNOWN_FIELDS = {
    Selector: {"type", "where", "actor_role", "target"},
    TargetFilter: {"kind", "level", "territorial"},
    UnitFilter: {"kind", "level", "tags", "sectors", "regions"},
    AppliesTo: {"kind", "level", "tags", "sectors", "regions", "role", "other_than", "person", "within"},
    FindingTrigger: {"rules", "status", "step", "count"},  # count: counted in Python
}
_SAFE_TEXT = re.compile(r'^[^"\\\x00-\x1f]*$')
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_OMIT = object()

Getter = Callable[[Event, Unit, Facts], Any]


@dataclass(frozen=True)
class Role:
    """A selector of a rule under a name, and the units its events must be in (``None``: any)."""

    name: str
    selector: Selector
    units: UnitFilter | None = None


@dataclass(frozen=True)
class FindingRole:
    """Findings of other rules (a sanction's ``when.findings``) under a name, and the units they must be of."""

    name: str
    trigger: FindingTrigger
    units: UnitFilter | None = None


def _check_known(model: Any) -> None:
    known = KNOWN_FIELDS[type(model)]
    unknown = set(type(model).model_fields) - known
    if unknown:
        raise StreamingError(
            f"the streaming monitor does not translate {type(model).__name__}.{min(unknown)} yet",
            expected="fields " + ", ".join(sorted(known)),
            suggestion="translate the new field in compliance/streaming/network.py",
        )


def _one_of(name: str, values: Iterable[Any]) -> dict[str, Any]:
    values = list(values)
    if len(values) == 1:
        return {name: values[0]}
    return {"$or": [{name: value} for value in values]}


def _any_item(name: str, values: Iterable[Any]) -> dict[str, Any]:
    items = [{"$i": value} for value in values]
    return {"$iany": {name: items[0] if len(items) == 1 else {"$or": items}}}


def _texts(expected: Any) -> tuple[str, ...] | None:
    """The values of a test durable-rules compares as Python does: text without quotes or escapes."""
    values = expected if isinstance(expected, (list, tuple)) else (expected,)
    if values and all(isinstance(value, str) and _SAFE_TEXT.match(value) for value in values):
        return tuple(values)
    return None


class _Pattern:
    """The tests of one role, and how to build the message they read."""

    def __init__(self, literals: dict[str, set[Any]]) -> None:
        self.literals = literals
        self.tests: list[dict[str, Any]] = []
        self.fields: dict[str, Getter] = {}
        self._flags = 0

    @classmethod
    def selecting(cls, role: str, literals: dict[str, set[Any]]) -> _Pattern:
        """The pattern of a selection message for ``role`` (its first two tests), to be completed."""
        pattern = cls(literals)
        pattern.literal("k", ("select",), lambda e, u, f: "select")
        pattern.literal("role", (role,), lambda e, u, f: role)
        return pattern

    def literal(self, name: str, values: tuple[Any, ...], getter: Getter, *, items: bool = False) -> bool:
        """Test ``name`` against literal values, if they fit the budget; whether they did."""
        if len(self.literals[name] | set(values)) > LITERAL_BUDGET:
            return False
        self.literals[name] |= set(values)
        self.tests.append(_any_item(name, values) if items else _one_of(name, values))
        self.fields[name] = getter
        return True

    def flag(self, test: Callable[[Event, Unit, Facts], bool], name: str | None = None) -> None:
        """A test computed in Python when the message is built; the network tests that it holds."""
        if name is None:
            name = f"f{self._flags}"
            self._flags += 1
        self.literals[name].add(True)
        self.tests.append({name: True})
        self.fields[name] = test


class Network:
    """One compiled rule as a durable-rules ruleset (its JSON definition), and its messages."""

    def __init__(self, rule: CompiledRule, roles: Iterable[Role | FindingRole], correlate: int = 0) -> None:
        self.rule = rule
        self.roles = {role.name: role for role in roles}
        self.correlate = correlate
        self.by_type: dict[str, list[str]] = defaultdict(list)
        literals: dict[str, set[Any]] = defaultdict(set)
        literals["k"] |= {"open", "select", "pending", "response"}
        self._patterns: dict[str, _Pattern] = {}
        definition: dict[str, Any] = {"open": {"all": [{"m": {"k": "open"}}], "run": "open"}}
        for role in self.roles.values():
            if isinstance(role, FindingRole):
                pattern = self._finding_pattern(role, literals)
            else:
                pattern = self._pattern(role, literals)
                for event_type in role.selector.type:
                    self.by_type[event_type].append(role.name)
            self._patterns[role.name] = pattern
            definition[f"select.{role.name}"] = {"all": [{"m": {"$and": pattern.tests}}], "run": f"select.{role.name}"}
        definition["catch"] = {"all": [{"m": {"k": "select"}}], "run": "catch", "pri": CATCH_PRIORITY}
        if correlate:
            joins = [{f"c{index}": {"p": f"c{index}"}} for index in range(correlate)]
            definition["answer"] = {"all": [
                {"p": {"k": "pending"}},
                {"r": {"$and": [{"k": "response"}, *joins, {"$gte": {"latest": {"p": "earliest"}}}]}},
            ], "run": "answer"}
        check_literals(definition)
        self.definition = definition

    def message(self, role: str, event: Event, facts: Facts) -> dict[str, Any]:
        """The selection message of an event for one role (built from the event and the master data)."""
        return self._message(role, event, facts.units[event.unit_id], facts)

    def finding_message(self, role: str, finding: Finding, unit: Unit) -> dict[str, Any]:
        """The selection message of a decided finding (of ``unit``) for a finding role."""
        return self._message(role, finding, unit, None)

    def _message(self, role: str, item: Event | Finding, unit: Unit, facts: Facts | None) -> dict[str, Any]:
        message: dict[str, Any] = {"k": "select", "role": role}
        for name, getter in self._patterns[role].fields.items():
            value = getter(item, unit, facts)
            if value is not _OMIT:
                message[name] = value
        return message

    # -- translation ----------------------------------------------------------------------
    def _finding_pattern(self, role: FindingRole, literals: dict[str, set[Any]]) -> _Pattern:
        trigger = role.trigger
        _check_known(trigger)
        pattern = _Pattern.selecting(role.name, literals)
        tests: list[tuple[str, tuple[str, ...], Getter]] = [
            ("rule_id", trigger.rules, lambda f, u, _: f.rule_id),
            ("status", trigger.status, lambda f, u, _: f.status.value),
        ]
        if trigger.step:  # a finding without a step (not a chain's) has no value to match
            tests.append(("step", trigger.step, lambda f, u, _: f.step if f.step is not None else _OMIT))
        for name, values, getter in tests:
            texts = _texts(values)
            if texts is None or not pattern.literal(name, texts, getter):
                pattern.flag(lambda f, u, _, g=getter, v=values: g(f, u, _) in v)
        if role.units is not None:
            self._units(pattern, role.units)
        return pattern

    def _pattern(self, role: Role, literals: dict[str, set[Any]]) -> _Pattern:
        selector = role.selector
        _check_known(selector)
        pattern = _Pattern.selecting(role.name, literals)
        types = tuple(selector.type)
        if not pattern.literal("type", types, lambda e, u, f: e.type):
            pattern.flag(lambda e, u, f: e.type in types)
        if role.units is not None:
            self._units(pattern, role.units)
        for name, expected in selector.where.items():
            self._where(pattern, name, expected)
        if selector.actor_role is not None:
            held = selector.actor_role
            pattern.flag(lambda e, u, f: f.holds_role(e.actor_id, e.unit_id, held, e.occurred_at.day))
        if selector.target is not None:
            self._target(pattern, selector.target)
        if len(pattern.fields) + 4 > PROPERTY_BUDGET:
            raise StreamingError(f"the selector of {self.rule.id} needs too many properties", found=len(pattern.fields))
        return pattern

    @staticmethod
    def _units(pattern: _Pattern, criteria: UnitFilter) -> None:
        _check_known(criteria)
        if criteria.kind and not pattern.literal("u_kind", criteria.kind, lambda e, u, f: u.kind):
            pattern.flag(lambda e, u, f: u.kind in criteria.kind)
        if criteria.level and not pattern.literal("u_level", criteria.level, lambda e, u, f: u.level or _OMIT):
            pattern.flag(lambda e, u, f: u.level in criteria.level)
        for name in ("tags", "sectors"):
            wanted = getattr(criteria, name)
            if wanted and not pattern.literal(f"u_{name}", wanted, lambda e, u, f, n=name: list(getattr(u, n)),
                                              items=True):
                pattern.flag(lambda e, u, f, n=name, w=wanted: not set(w).isdisjoint(getattr(u, n)))
        # Regions and the pack's jurisdiction are prefix relations between codes: Python decides them.
        if criteria.regions:
            regions = UnitFilter(regions=criteria.regions)
            pattern.flag(lambda e, u, f: unit_matches(u, regions), "u_regions")
        within = getattr(criteria, "within", None)
        if within is not None:
            _check_known(within)
            pattern.flag(lambda e, u, f: unit_matches(u, within), "u_within")

    @staticmethod
    def _where(pattern: _Pattern, name: str, expected: Any) -> None:
        texts = _texts(expected)
        if texts is not None and _NAME.match(name):
            def getter(event: Event, unit: Unit, facts: Facts) -> Any:
                value = event.attribute(name)
                return value if isinstance(value, str) else _OMIT  # other values never equal text

            if pattern.literal(f"w_{name}", texts, getter):
                return
        pattern.flag(lambda e, u, f: _attribute_matches(e, name, expected))

    @staticmethod
    def _target(pattern: _Pattern, criteria: TargetFilter) -> None:
        _check_known(criteria)

        def target(event: Event, facts: Facts) -> Unit | None:
            return facts.units.get(event.target_id) if event.target_id else None

        pattern.flag(lambda e, u, f: target(e, f) is not None, "t_exists")
        if criteria.kind and not pattern.literal("t_kind", criteria.kind, lambda e, u, f: _kind_of(target(e, f))):
            pattern.flag(lambda e, u, f: _kind_of(target(e, f)) in criteria.kind)
        if criteria.level:
            levels = tuple(level for level in criteria.level if level != "superior")
            superior = "superior" in criteria.level
            tests = len(pattern.tests)
            if levels and pattern.literal("t_level", levels, lambda e, u, f: _level_of(target(e, f))):
                if superior:  # one of the levels, or one above the unit's: both in one test
                    pattern.fields["t_superior"] = lambda e, u, f: _superior(u, target(e, f))
                    pattern.literals["t_superior"].add(True)
                    pattern.tests[tests] = {"$or": [pattern.tests[tests], {"t_superior": True}]}
            elif levels or superior:
                pattern.flag(lambda e, u, f: _level_of(target(e, f)) in levels or _superior(u, target(e, f)))
            else:
                pattern.flag(lambda e, u, f: _superior(u, target(e, f)), "t_superior")
        if criteria.territorial:
            pattern.flag(lambda e, u, f: _territorial(u, target(e, f)), "t_territorial")


def _kind_of(unit: Unit | None) -> Any:
    return unit.kind if unit is not None else _OMIT


def _level_of(unit: Unit | None) -> Any:
    return unit.level if unit is not None and unit.level else _OMIT


def _superior(unit: Unit, target: Unit | None) -> bool:
    """Whether the target is one level above the unit (as the reference reads ``level: superior``)."""
    if target is None:
        return False
    rank = VOCABULARY.level_rank.get(unit.level or "", 0)
    return target.level in {name for name, value in VOCABULARY.level_rank.items() if value == rank - 1}


def _territorial(unit: Unit, target: Unit | None) -> bool:
    return target is not None and target.region in region_chain(unit.region)


def check_literals(definition: dict[str, Any]) -> dict[str, int]:
    """Count the distinct literal values tested on each field; raise past :data:`LITERAL_BUDGET`.

    Networks are built within the budget; this is the check that they are.

    >>> check_literals({"r": {"all": [{"m": {"$and": [{"k": "select"}, {"$or": [{"t": "a"}, {"t": "b"}]}]}}]}})
    {'k': 1, 't': 2}
    """
    values: dict[str, set[Any]] = defaultdict(set)

    def walk(node: Any, field: str | None = None) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, field)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("$and", "$or", "all", "any"):
                    walk(value, field)
                elif key == "$iany":
                    for name, items in value.items():
                        walk(items, name)
                elif key == "$i" and field is not None:
                    values[field].add(value)
                elif key in ("run", "pri", "count", "cap"):
                    continue
                elif key.startswith("$"):  # comparisons: {"$gte": {field: literal}}, or a reference (a dict)
                    walk({name: item for name, item in value.items() if not isinstance(item, dict)})
                elif isinstance(value, dict):
                    if not (len(value) == 1 and isinstance(next(iter(value.values())), str)
                            and next(iter(value)) in ("p", "b")):  # a join: {field: {pattern: field}}
                        walk(value, key)
                elif not isinstance(value, (list, dict)):
                    values[key].add(value)

    walk(definition)
    counts = {name: len(found) for name, found in sorted(values.items())}
    for name, count in counts.items():
        if count > LITERAL_BUDGET:
            raise StreamingError(f"a network tests {count} literal values on {name!r}",
                                 expected=f"at most {LITERAL_BUDGET} (durable-rules hangs past about 511)")
    return counts


#: Boundaries (posted as events, they wait) meet clock facts: every boundary passed fires.
CLOCK_NETWORK: dict[str, Any] = {
    "open": {"all": [{"m": {"k": "open"}}], "run": "open"},
    "tick": {"all": [
        {"b": {"k": "boundary"}},
        {"n": {"$and": [{"k": "clock"}, {"$gte": {"h": {"b": "h"}}}, {"$gte": {"c": {"b": "c"}}}]}},
    ], "run": "tick"},
}
