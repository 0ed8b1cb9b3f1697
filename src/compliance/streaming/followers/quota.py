"""Quota rules: a ratio of measures at each snapshot date, or a territory's coverage share by a date.

*Ratio*: measures are master data, so every snapshot (the rule's first day, and
each date a measure changes) is decided as soon as its day has begun.
*Coverage*: for each member of a bound unit's population (the units of its
territory matching the filter), the first covering event on time is kept; the
share is decided when the horizon passes the due instant.
"""

from __future__ import annotations

from collections.abc import Hashable

from compliance.evaluation.context import by_end_of, on_time, unit_matches
from compliance.facts import Event
from compliance.findings import Finding
from compliance.periods import Period, PeriodKind
from compliance.streaming.clock import TICK
from compliance.streaming.followers.base import ORDER, Follower, day_start
from compliance.streaming.network import Role


class QuotaFollower(Follower):
    kinds = ("quota",)

    def roles(self) -> list[Role]:
        coverage = self.rule.obligation.coverage
        if coverage is None or not self.active:
            return []
        return [Role("covered_by", coverage.covered_by, coverage.population)]

    @property
    def active(self) -> bool:
        coverage, first, last = self.rule.obligation.coverage, self.desk.first, self.desk.last
        return coverage is None or not ((first and coverage.by < first) or (last and coverage.by > last))

    def start(self) -> None:
        self.closed = False
        if self.rule.obligation.ratio is not None:
            self._snapshots()
            return
        coverage = self.rule.obligation.coverage
        self.due = by_end_of(coverage.by)
        self.population: dict[str, list[str]] = {}
        for unit_id, unit in self.bound.items():
            members = [member.unit_id for member in self.desk.master.units_in_region(unit.region)
                       if unit_matches(member, coverage.population)]
            if members:
                self.population[unit_id] = members
        self.first: dict[str, Event] = {}  # each member's first covering event on time
        self.members = {member for members in self.population.values() for member in members}
        if self.active:
            self.at(("due",), h=self.due + TICK)

    def _snapshots(self) -> None:
        ratio = self.rule.obligation.ratio
        for unit_id in self.bound:
            days = {self.days_first} | {m.as_of for m in self.desk.master.measures_of(unit_id)
                                        if m.metric in (ratio.numerator, ratio.denominator)}
            for day in sorted(day for day in days if self.in_days(day)):
                self.at(("snapshot", unit_id, day), c=day_start(day) + TICK)

    def wants(self, role: Role, event: Event) -> bool:
        return not self.closed and event.unit_id in self.members

    def selected(self, role: str, event: Event) -> None:
        if self.closed or event.unit_id not in self.members or not on_time(event, self.due):
            return
        known = self.first.get(event.unit_id)
        if known is None or ORDER(event) < ORDER(known):
            self.first[event.unit_id] = event

    def fired(self, key: Hashable) -> None:
        if key[0] == "snapshot":
            _, unit_id, day = key
            label = Period.containing(PeriodKind.DAY, day).label
            found = self.by_unit([unit_id], [], first=day, last=day, measures=True)[unit_id]
            self.decide((unit_id, day), [finding for finding in found if finding.period == label])
            return
        for unit_id, found in self._coverage().items():
            self.decide((unit_id,), found)
        self.closed = True
        self.first.clear()

    def _coverage(self) -> dict[str, list[Finding]]:
        return self.by_unit(list(self.population), list(self.first.values()), also=sorted(self.members))

    def pending(self) -> list[Finding]:
        if self.rule.obligation.coverage is None or self.closed or not self.active:
            return []
        return [finding for found in self._coverage().values() for finding in found]
