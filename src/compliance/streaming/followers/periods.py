"""Periodic and coverage rules: counted per bound unit, decided when each period closes.

The network selects the events; the follower keeps them per bound unit (the
count lives here, not in durable-rules, which cannot sum). When a period ends
(clock and horizon both at its end instant: every event of the period is known,
and it is over), the findings of every bound unit for that period are decided;
a sensitive window (重点敏感时期) likewise at its end. Events of periods already
decided are dropped, so a unit holds the events of its open periods only.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Hashable
from datetime import date, datetime

from compliance.evaluation.context import by_end_of
from compliance.evaluation.periodic import _period_kind
from compliance.facts import Event, Unit
from compliance.findings import Finding
from compliance.language.schema import Window
from compliance.periods import Period, PeriodKind
from compliance.streaming.followers.base import ORDER, Follower, day_start
from compliance.streaming.network import Role


class PeriodFollower(Follower):
    """Periodic (per unit, per person, per level, with sensitive windows) and coverage rules."""

    kinds = ("periodic", "coverage")

    def roles(self) -> list[Role]:
        return [Role("event", self.rule.obligation.event, self.rule.applies_to)]

    def start(self) -> None:
        self.kind_of: dict[str, PeriodKind] = {}
        for unit_id, unit in self.bound.items():
            kind = self._period_kind(unit)
            if kind is not None:
                self.kind_of[unit_id] = kind
        self.kept: dict[str, list[Event]] = {unit_id: [] for unit_id in self.kind_of}
        self.open_from: dict[PeriodKind, date | None] = {}
        for kind in sorted(set(self.kind_of.values())):
            self._schedule(kind, Period.containing(kind, self.days_first))
        self.window_labels: dict[str, Window] = {}
        self.windows_open: dict[str, Window] = {}
        for window in self._windows():
            label = f"{window.from_.isoformat()}/{window.to.isoformat()}"
            self.window_labels[label] = window
            if window.to >= self.days_first and (self.last_static is None or window.from_ <= self.last_static):
                self.windows_open[label] = window
                end = by_end_of(window.to)
                self.at(("window", label), h=end, c=end)

    def _period_kind(self, unit: Unit) -> PeriodKind | None:
        obligation = self.rule.obligation
        return _period_kind(obligation, unit) if obligation.kind == "periodic" else obligation.period

    def _windows(self) -> tuple[Window, ...]:
        return self.rule.obligation.sensitive if self.rule.kind == "periodic" else ()

    def _schedule(self, kind: PeriodKind, period: Period) -> None:
        if self.last_static is not None and period.start > self.last_static:
            self.open_from[kind] = None  # the rule (or the run) ends before: nothing more to decide
            return
        self.open_from[kind] = period.start
        self.at(("period", kind, period), h=period.end_instant, c=period.end_instant)

    def _subordinates(self, units: list[str]) -> list[str]:
        """What coverage findings read besides their units: the direct subordinates."""
        if self.rule.kind != "coverage":
            return []
        return [child.unit_id for unit_id in units for child in self.desk.master.children(unit_id)]

    def selected(self, role: str, event: Event) -> None:
        kept = self.kept.get(event.unit_id)
        if kept is not None:
            insort(kept, event, key=ORDER)

    def fired(self, key: Hashable) -> None:
        if key[0] == "period":
            _, kind, period = key
            units = [unit_id for unit_id, unit_kind in self.kind_of.items() if unit_kind == kind]
            self._decide(units, period.label, period.start, period.end)
            self._schedule(kind, period.next())
        else:
            label = key[1]
            window = self.windows_open.pop(label)
            self._decide(list(self.kind_of), label, window.from_, window.to)
        self._prune()

    def _decide(self, units: list[str], label: str, first: date, last: date) -> None:
        """Decide one period (or window) for the given units: evaluated over its own days only."""
        desk = self.desk
        first = max(first, desk.first) if desk.first else first
        last = min(last, desk.last) if desk.last else last
        start, end = day_start(first), by_end_of(last)
        events = [event for unit_id in units for event in self.kept[unit_id] if start <= event.occurred_at.at < end]
        found = self.by_unit(units, events, also=self._subordinates(units), first=first, last=last)
        for unit_id in units:
            self.decide((unit_id, label), [finding for finding in found[unit_id] if finding.period == label])

    def _open_since(self, kind: PeriodKind) -> date | None:
        starts = [window.from_ for window in self.windows_open.values()]
        if self.open_from[kind] is not None:
            starts.append(self.open_from[kind])
        return min(starts) if starts else None

    def _prune(self) -> None:
        """Drop the events no undecided period or window counts."""
        for unit_id, kind in self.kind_of.items():
            since = self._open_since(kind)
            kept = self.kept[unit_id]
            cut: datetime | None = day_start(since) if since is not None else None
            if cut is None:
                kept.clear()
            elif kept and kept[0].occurred_at.at < cut:
                kept[:] = [event for event in kept if event.occurred_at.at >= cut]

    def pending(self) -> list[Finding]:
        found: list[Finding] = []
        desk = self.desk
        for kind in set(self.kind_of.values()):
            since = self._open_since(kind)
            if since is None:
                continue
            units = [unit_id for unit_id, unit_kind in self.kind_of.items() if unit_kind == kind]
            first = max(since, desk.first) if desk.first else since
            events = [event for unit_id in units for event in self.kept[unit_id]]
            for findings in self.by_unit(units, events, also=self._subordinates(units), first=first).values():
                for finding in findings:
                    if finding.period in self.window_labels:
                        if finding.period in self.windows_open:
                            found.append(finding)
                    elif self.open_from[kind] is not None and finding.period_start >= self.open_from[kind]:
                        found.append(finding)
        return found

