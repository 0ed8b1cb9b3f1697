"""Deadline and window rules: a first event by a date, or enough events inside a window.

*Deadline*: each bound unit keeps only its first qualifying event (the earliest;
among events of one instant, the smallest id, as the reference orders them). It
is decided when the horizon passes that event (no other event of that instant
can still come), ``satisfied`` or ``late``; a unit with none when the horizon
passes the due instant is ``violated`` then, and ``late`` later if an event
comes after all (the later finding replaces the earlier one).

*Window*: events inside the window are kept per unit; when the horizon passes
its end, each unit is ``satisfied``, ``violated`` or already ``late``; a
``violated`` unit then keeps the events after the window until it has enough
for ``late``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import insort
from collections.abc import Hashable

from compliance.evaluation.context import by_end_of
from compliance.facts import Event
from compliance.findings import Finding, Status
from compliance.streaming.clock import TICK
from compliance.streaming.followers.base import ORDER, Follower, day_start
from compliance.streaming.network import Role


class _Dated(Follower, ABC):
    """What deadlines and windows share: one slot per bound unit, a date range the run may exclude."""

    def roles(self) -> list[Role]:
        return [Role("event", self.rule.obligation.event, self.rule.applies_to)] if self.active else []

    @property
    @abstractmethod
    def active(self) -> bool:
        """Whether the rule's date range lies in the run at all (each kind says how)."""

    def _unit(self, unit_id: str, events: list[Event]) -> list[Finding]:
        return self.by_unit([unit_id], events)[unit_id]


class DeadlineFollower(_Dated):
    kinds = ("deadline",)

    @property
    def active(self) -> bool:
        due, first, last = self.rule.obligation.due, self.desk.first, self.desk.last
        return not ((first and due < first) or (last and due > last))

    def start(self) -> None:
        self.first: dict[str, Event] = {}  # the earliest event of each unit not decided yet
        self.violated: set[str] = set()  # decided violated, waiting for a late event
        self.settled: set[str] = set()  # decided for good
        if self.active:
            self.at(("due",), h=by_end_of(self.rule.obligation.due) + TICK)

    def selected(self, role: str, event: Event) -> None:
        unit_id = event.unit_id
        if unit_id not in self.bound or unit_id in self.settled:
            return
        known = self.first.get(unit_id)
        if known is None or ORDER(event) < ORDER(known):
            self.first[unit_id] = event
            self.at(("first", unit_id), h=event.occurred_at.at + TICK)

    def fired(self, key: Hashable) -> None:
        if key[0] == "due":
            units = [unit_id for unit_id in self.bound if unit_id not in self.first and unit_id not in self.settled]
            for unit_id, found in self.by_unit(units, []).items():
                self.decide((unit_id,), found)
                self.violated.add(unit_id)
            return
        unit_id = key[1]
        if unit_id in self.settled or unit_id not in self.first:
            return  # decided already (two events of one instant both scheduled it)
        self.decide((unit_id,), self._unit(unit_id, [self.first.pop(unit_id)]))
        self.settled.add(unit_id)
        self.violated.discard(unit_id)

    def pending(self) -> list[Finding]:
        if not self.active:
            return []
        units = [unit_id for unit_id in self.bound if unit_id not in self.settled and unit_id not in self.violated]
        firsts = [self.first[unit_id] for unit_id in units if unit_id in self.first]
        return [finding for found in self.by_unit(units, firsts).values() for finding in found]


class WindowFollower(_Dated):
    kinds = ("window",)

    @property
    def active(self) -> bool:
        obligation, first, last = self.rule.obligation, self.desk.first, self.desk.last
        return not ((first and obligation.to < first) or (last and obligation.from_ > last))

    def start(self) -> None:
        obligation = self.rule.obligation
        self.start_at, self.end_at = day_start(obligation.from_), by_end_of(obligation.to)
        self.kept: dict[str, list[Event]] = {unit_id: [] for unit_id in self.bound}
        self.violated: set[str] = set()
        self.closed = False
        if self.active:
            self.at(("end",), h=self.end_at + TICK)

    def selected(self, role: str, event: Event) -> None:
        kept = self.kept.get(event.unit_id)
        if kept is None or event.occurred_at.at < self.start_at:
            return  # decided already, or before the window: never counted
        insort(kept, event, key=ORDER)
        if self.closed and event.unit_id in self.violated:
            inside = sum(1 for item in kept if item.occurred_at.at < self.end_at)
            after = [item for item in kept if item.occurred_at.at >= self.end_at]
            missing = self.rule.obligation.at_least - inside
            if len(after) >= missing:  # late once no other event of the last one's instant can come
                self.at(("late", event.unit_id), h=after[missing - 1].occurred_at.at + TICK)

    def fired(self, key: Hashable) -> None:
        if key[0] == "end":
            self.closed = True
            self._settle(list(self.kept))
        elif key[1] in self.violated:
            self._settle([key[1]])

    def _settle(self, units: list[str]) -> None:
        events = [event for unit in units for event in self.kept[unit]]
        for unit_id, found in self.by_unit(units, events).items():
            self.decide((unit_id,), found)
            if any(finding.status is Status.VIOLATED for finding in found):
                self.violated.add(unit_id)
            else:
                self.violated.discard(unit_id)
                del self.kept[unit_id]

    def pending(self) -> list[Finding]:
        if not self.active or self.closed:
            return []
        events = [event for kept in self.kept.values() for event in kept]
        return [finding for found in self.by_unit(list(self.kept), events).values() for finding in found]
