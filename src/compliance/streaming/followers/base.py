"""What every follower shares: its network, the units its rule binds, its days, and its decisions.

A *follower* follows one compiled rule for one monitor. It says which roles its
network selects events for, keeps what its undecided findings still need,
registers the boundaries at which they are decided, and, at each, has the
reference evaluate the slot (:meth:`Desk.evaluate`). :meth:`pending` gives the
findings not decided yet, as they stand at the clock.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import date, datetime
from functools import cached_property
from operator import attrgetter
from typing import Any

from compliance.evaluation.context import bound_units
from compliance.facts import Event, Unit
from compliance.findings import Finding
from compliance.language.compile import CompiledRule
from compliance.periods import Period, PeriodKind
from compliance.streaming.desk import Desk
from compliance.streaming.network import FindingRole, Network, Role

#: The order of events (the reference's): by instant, then id.
ORDER = attrgetter("occurred_at.at", "event_id")


class Follower:
    """Follows one rule (subclasses: one per obligation kind, or family of kinds)."""

    #: The obligation kinds a follower class follows.
    kinds: tuple[str, ...] = ()

    def __init__(self, rule: CompiledRule, desk: Desk) -> None:
        self.rule = rule
        self.desk = desk
        self.network = Network(rule, self.roles(), self.correlate())
        self.network_name = ""  # set by the monitor when the network is registered

    # -- what a kind says -------------------------------------------------------------------
    def roles(self) -> list[Role | FindingRole]:
        """The selectors the network matches, by role name."""
        return []

    def correlate(self) -> int:
        """How many correlation fields the network's ``answer`` join compares (response rules)."""
        return 0

    def start(self) -> None:
        """Register the first boundaries (called once, after the network is registered)."""

    def wants(self, role: Role, event: Event) -> bool:
        """Whether to ask the network about ``event`` for ``role`` (its type is one the role selects).

        An index on ids, which the network cannot hold as literals: an event of a
        unit the rule does not bind is not sent for a role limited to bound units.
        The network still tests every condition of the selector and of the units.
        """
        return role.units is None or event.unit_id in self.bound

    def select(self, role: str, event: Event) -> None:
        """Ask the network whether ``event`` counts for ``role`` (its selection message); if so, :meth:`selected`."""
        desk = self.desk
        session = desk.session(self.network_name, (self.rule.id, "select"))
        matches = desk.engine.send(session, "post", self.network.message(role, event, desk.master))
        if any(name == f"select.{role}" for name, _ in matches):
            self.selected(role, event)

    def selected(self, role: str, event: Event) -> None:
        """The network selected ``event`` for ``role``."""

    def fired(self, key: Hashable) -> None:
        """A boundary registered under ``key`` has passed."""

    def fired_all(self, keys: list[Hashable]) -> None:
        """Boundaries passed at once, in the order of their instants (a follower may batch its work)."""
        for key in keys:
            self.fired(key)

    def pending(self) -> list[Finding]:
        """The findings not decided yet, at the clock."""
        return []

    # -- shared -----------------------------------------------------------------------------
    @cached_property
    def bound(self) -> dict[str, Unit]:
        """The units the rule binds, by id."""
        return {unit.unit_id: unit for unit in bound_units(self.desk.master, self.rule.applies_to)}

    @cached_property
    def days_first(self) -> date:
        """The first evaluated day: the rule's start, or the run's first day if later."""
        start = self.rule.in_force.from_
        return max(start, self.desk.first) if self.desk.first else start

    @cached_property
    def last_static(self) -> date | None:
        """The last evaluated day as far as the rule and the run fix it (the clock may end it sooner)."""
        ends = [day for day in (self.rule.in_force.to, self.desk.last) if day is not None]
        return min(ends) if ends else None

    def in_days(self, day: date) -> bool:
        """Whether a day can ever be evaluated (it may not have begun yet)."""
        return self.days_first <= day and (self.last_static is None or day <= self.last_static)

    def decide(self, slot: Any, findings: Iterable[Finding]) -> None:
        self.desk.ledger.decide(self.rule, slot, findings)

    def by_unit(self, units: Iterable[str], events: Iterable[Event], *, also: Iterable[str] = (),
                **days: Any) -> dict[str, list[Finding]]:
        """The reference's findings of the rule for these units (one evaluation for all), by unit.

        The scope (these units, the units in ``also`` and those the events name)
        is the union of the units' scopes, so each unit's findings are those it
        has alone; findings of other units in the scope are left out.
        """
        units = list(units)
        found: dict[str, list[Finding]] = {unit_id: [] for unit_id in units}
        for finding in self.desk.evaluate(self.rule, [*units, *also], list(events), **days):
            if finding.unit_id in found:
                found[finding.unit_id].append(finding)
        return found

    def at(self, key: Hashable, *, h: datetime | None = None, c: datetime | None = None) -> None:
        """Have ``fired(key)`` called once the horizon is at least ``h`` and the clock at least ``c``.

        Without either, at the next settling of time: after the event being fed has
        been routed to every rule (so that it has been graded, for instance).
        """
        self.desk.schedule.at(self, key, h=h, c=c)


def day_start(day: date) -> datetime:
    """00:00 of a Shanghai day (a day has begun once the clock is past it)."""
    return Period.containing(PeriodKind.DAY, day).start_instant
