"""Accountability decisions as their causes are decided: the board of one monitor.

A sanction rule turns *causes* into *applications* (a step of a ladder reaching
a unit or a person), and the applications of one unit or person, year and
ladder into one *decision* (the reference's :func:`apply_sanctions` and
:func:`decide`). In the monitor:

* an event cause (an accident, a dismissal) is applied when its day has begun,
  and again when the accident it names arrives (its grade, its industry);
* a cause on findings (so many ``violated`` findings of some rules in a year)
  is applied again each time a finding it counts is decided (or replaced: a
  ``violated`` finding turned ``late`` is no longer counted as violated).

The board keeps the applications of every cause and, for each decision key
``(unit_id, person_id, year, ladder)``, the causes that reach it, so that a
change of causes re-decides only the keys it touches. :meth:`Board.changes`
gives the decisions that changed since the last call: a :class:`~compliance.
accountability.models.Decision` for one that is new or different, a
:class:`DecisionWithdrawn` for one that no longer holds (its only cause was a
``violated`` finding that turned ``late``; a cause on findings now dated later
in the year reaches the principal of that later day). A reader that keeps the
last record of each key holds the decisions as reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from compliance.accountability.models import Decision
from compliance.accountability.sanctions import Application, decide
from compliance.findings import Finding
from compliance.language.schema import Ladder

#: What a decision is about: one unit (or person), assessment year and ladder.
DecisionKey = tuple[str, str | None, int, str]


class DecisionWithdrawn(BaseModel):
    """A decision reported earlier that no longer holds: no cause reaches that unit or person on that ladder."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit_id: str
    person_id: str | None
    year: int
    ladder: str = Field(description="The ladder of the withdrawn decision.")

    def sort_key(self) -> tuple:
        return (self.year, self.unit_id, self.person_id or "", self.ladder)


DecisionChange = Decision | DecisionWithdrawn


def decision_key(item: Decision | DecisionWithdrawn | Application) -> DecisionKey:
    """The key a decision (or a change of one, or an application) is about."""
    return (item.unit_id, item.person_id, item.year, item.ladder)


def fold(changes: Iterable[DecisionChange], into: dict[DecisionKey, Decision] | None = None
         ) -> dict[DecisionKey, Decision]:
    """The decisions a sequence of changes leaves: each key's last decision, none if withdrawn last.

    >>> from compliance.accountability.models import Decision
    >>> veto = Decision(unit_id="U", person_id=None, year=2022, ladder="territorial", level=7,
    ...                 level_name="一票否决", step="veto", consequences=(), because=())
    >>> list(fold([veto]).values()) == [veto]
    True
    >>> fold([veto, DecisionWithdrawn(unit_id="U", person_id=None, year=2022, ladder="territorial")])
    {}
    """
    state = {} if into is None else into
    for change in changes:
        if isinstance(change, DecisionWithdrawn):
            state.pop(decision_key(change), None)
        else:
            state[decision_key(change)] = change
    return state


class Board:
    """The applications of every decided cause, and the decisions as last reported."""

    def __init__(self, ladders: dict[str, Ladder]) -> None:
        self.ladders = ladders
        self._causes: dict[Hashable, tuple[Application, ...]] = {}
        self._reaching: dict[DecisionKey, set[Hashable]] = defaultdict(set)
        self._dirty: set[DecisionKey] = set()
        self._reported: dict[DecisionKey, Decision] = {}
        self._counted_pending = False  # the last report counted pending findings: compare every key next time
        #: Sanction followers counting the findings of a rule, by that rule's id.
        self.counters: dict[str, list[Any]] = defaultdict(list)
        self._touched: dict[int, Any] = {}  # counters whose counted findings changed
        self._counted: dict[tuple[str, Hashable], list[tuple[Any, Hashable]]] = {}

    # -- causes ------------------------------------------------------------------------
    def apply(self, cause: Hashable, applications: Iterable[Application]) -> None:
        """A cause's applications as they now stand (none: it no longer applies)."""
        applications = tuple(applications)
        for application in self._causes.pop(cause, ()):
            key = decision_key(application)
            self._reaching[key].discard(cause)
            self._dirty.add(key)
        if applications:
            self._causes[cause] = applications
        for application in applications:
            key = decision_key(application)
            self._reaching[key].add(cause)
            self._dirty.add(key)

    def count_for(self, counter: Any, rule_ids: Iterable[str]) -> None:
        """Have ``counter`` (a sanction on findings) told of the findings of these rules as they are decided.

        ``counter.count(token, finding)`` says whether it counts a finding; ``counter.uncount(token)``
        takes one back; ``counter.refresh()`` applies what changed (before decisions are read), and
        the counter says :meth:`touched` when it has something to apply.
        """
        for rule_id in rule_ids:
            self.counters[rule_id].append(counter)

    def touched(self, counter: Any) -> None:
        """A counter's findings changed: it is refreshed before decisions are read."""
        self._touched[id(counter)] = counter

    def refresh(self) -> None:
        """Have the sanctions on findings whose findings changed apply their causes again."""
        touched, self._touched = self._touched, {}
        for counter in touched.values():
            counter.refresh()

    def applications(self, *, events_only: bool = False) -> list[Application]:
        """The applications of every cause applied (``events_only``: of event causes only)."""
        return [application for cause, applications in self._causes.items()
                if not events_only or cause[0] == "event" for application in applications]

    def decided(self, rule_id: str, slot: Hashable, findings: Sequence[Finding]) -> None:
        """A slot of a rule was decided (the ledger says so): the sanctions counting that rule count it."""
        counters = self.counters.get(rule_id)
        if not counters:
            return
        for counter, token in self._counted.pop((rule_id, slot), ()):
            counter.uncount(token)  # what the slot held before (a violated finding now late)
        counted = [(counter, (rule_id, slot, index)) for counter in counters
                   for index, finding in enumerate(findings) if counter.count((rule_id, slot, index), finding)]
        if counted:
            self._counted[(rule_id, slot)] = counted

    # -- decisions ---------------------------------------------------------------------
    def changes(self, target: Sequence[Decision] | None = None) -> list[DecisionChange]:
        """The decisions changed since the last report; ``target``: report these instead of the decided ones."""
        self.refresh()
        if target is None:
            keys = set(self._reported) | set(self._reaching) if self._counted_pending else set(self._dirty)
            current = {key: self._decision(key) for key in keys}
        else:
            current = {decision_key(decision): decision for decision in target}
            keys = set(current) | set(self._reported)
        self._counted_pending = target is not None
        self._dirty.clear()
        changes: list[DecisionChange] = []
        for key in keys:
            new, old = current.get(key), self._reported.get(key)
            if new == old:
                continue
            if new is None:
                del self._reported[key]
                changes.append(DecisionWithdrawn(unit_id=key[0], person_id=key[1], year=key[2], ladder=key[3]))
            else:
                self._reported[key] = new
                changes.append(new)
        return sorted(changes, key=lambda change: change.sort_key())

    def _decision(self, key: DecisionKey) -> Decision | None:
        causes = self._reaching.get(key)
        applications = [application for cause in causes or () for application in self._causes[cause]
                        if decision_key(application) == key]
        if not applications:
            self._reaching.pop(key, None)
            return None
        [decision] = decide(applications, self.ladders)
        return decision
