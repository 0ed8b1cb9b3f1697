"""Completeness, precondition and prohibition rules: one record at a time.

A checked event is decided as soon as its day has begun (the reference
evaluates the days that have begun) and, for a precondition, once every prior
event that can count is known: those at or before it, or on its day for a
bare-date event. A prior event of the same unit and person may be as old as
the records, so the follower keeps the latest one of each (unit, person): the
reference shows only the latest, and a later one cannot be earlier than a
check still waiting.

A prohibited event is a breach at once. "No breach" (one ``satisfied`` finding
per unit) and a prohibited tenure are labelled with the evaluated days, which
grow with the clock: they are decided only when the rule (or the run) ends.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from datetime import timedelta

from compliance.evaluation.context import matching_tenures
from compliance.evaluation.records import _moment_end
from compliance.facts import Event, Tenure
from compliance.findings import Finding
from compliance.periods import Period, PeriodKind
from compliance.streaming.clock import TICK
from compliance.streaming.followers.base import ORDER, Follower, day_start
from compliance.streaming.network import Role


class _Checks(Follower):
    """Checked events wait until their day has begun (and their prior events are known)."""

    def roles(self) -> list[Role]:
        event = self.rule.obligation.event
        return [Role("event", event, self.rule.applies_to)] if event is not None else []

    def start(self) -> None:
        self.waiting: dict[str, Event] = {}

    def selected(self, role: str, event: Event) -> None:
        if role == "event" and event.unit_id in self.bound and self.in_days(event.occurred_at.day):
            self.waiting[event.event_id] = event
            self.at(("check", event.event_id), h=self.known_from(event), c=day_start(event.occurred_at.day) + TICK)

    def known_from(self, event: Event) -> object:
        """The horizon from which everything the check reads is known (None: the event itself)."""
        return None

    def scope_events(self, event: Event) -> list[Event]:
        return [event]

    def fired(self, key: Hashable) -> None:
        event = self.waiting.pop(key[1], None)
        if event is not None:
            self.decide(("event", event.event_id), self._check([event]))

    def _check(self, events: list[Event]) -> list[Finding]:
        scope = [item for event in events for item in self.scope_events(event)]
        wanted = {event.event_id for event in events}
        units = sorted({event.unit_id for event in events})
        return [finding for found in self.by_unit(units, scope).values() for finding in found
                if finding.subject_id in wanted]

    def pending(self) -> list[Finding]:
        begun = self.desk.watermark.clock
        return self._check([event for event in self.waiting.values()
                            if begun is not None and begun > day_start(event.occurred_at.day)])


class CompletenessFollower(_Checks):
    kinds = ("completeness",)


class PreconditionFollower(_Checks):
    kinds = ("precondition",)

    def roles(self) -> list[Role]:
        prior = self.rule.obligation.requires.prior
        return super().roles() + ([Role("prior", prior, self.rule.applies_to)] if prior is not None else [])

    def start(self) -> None:
        super().start()
        self.prior: dict[tuple[str, str | None], Event] = {}  # the latest prior event of each (unit, person)
        self.tenures: dict[tuple[str, str, object], list[Tenure]] = defaultdict(list)
        tenure = self.rule.obligation.tenure
        if tenure is None:
            return
        for unit, held in matching_tenures(self.desk.master, self.bound.values(), tenure):
            if held.start is not None and self.in_days(held.start):
                self.tenures[(unit.unit_id, held.person_id, held.start)].append(held)
        for key in self.tenures:
            first_day = Period.containing(PeriodKind.DAY, key[2])
            self.at(("tenure", key), h=first_day.end_instant, c=first_day.start_instant + TICK)

    def selected(self, role: str, event: Event) -> None:
        if role == "prior":
            key = (event.unit_id, event.actor_id)
            known = self.prior.get(key)
            if known is None or ORDER(known) < ORDER(event):
                self.prior[key] = event
        else:
            super().selected(role, event)

    def known_from(self, event: Event) -> object:
        return _moment_end(event)  # every prior event "at or before" it (on its day, for a bare date)

    def scope_events(self, event: Event) -> list[Event]:
        prior = self.prior.get((event.unit_id, event.actor_id)) if event.actor_id else None
        return [event] if prior is None else [event, prior]

    def fired(self, key: Hashable) -> None:
        if key[0] != "tenure":
            super().fired(key)
            return
        unit_id, person_id, start = key[1]
        self.decide(("tenure", key[1]), self._tenure(unit_id, person_id, start))
        del self.tenures[key[1]]

    def _tenure(self, unit_id: str, person_id: str, start: object) -> list[Finding]:
        prior = self.prior.get((unit_id, person_id))
        label = Period.containing(PeriodKind.DAY, start).label
        return [finding for finding in self.by_unit([unit_id], [prior] if prior else [])[unit_id]
                if finding.person_id == person_id and finding.period == label]

    def pending(self) -> list[Finding]:
        found = super().pending()
        clock = self.desk.watermark.clock
        for unit_id, person_id, start in self.tenures:
            if clock is not None and clock > day_start(start):
                found.extend(self._tenure(unit_id, person_id, start))
        return found


class ProhibitionFollower(_Checks):
    kinds = ("prohibition",)

    def start(self) -> None:
        super().start()
        self.breached: set[str] = set()
        self.closed = False
        last = self.last_static
        if last is not None and last >= self.days_first:
            self.at(("close",), h=day_start(last + timedelta(days=1)), c=day_start(last) + TICK)

    def fired(self, key: Hashable) -> None:
        if key[0] == "check":
            event = self.waiting.get(key[1])
            super().fired(key)
            if event is not None:
                self.breached.add(event.unit_id)
            return
        for ident in sorted(self.waiting, key=lambda ident: ORDER(self.waiting[ident])):  # breaches first
            self.fired(("check", ident))
        for unit_id, found in self._units().items():
            self.decide(("unit", unit_id), found)
        self.closed = True

    def _units(self) -> dict[str, list[Finding]]:
        """Per unit without a breach decided: "no breach", or (tenures) the breaches, over the days so far."""
        units = [unit_id for unit_id in self.bound
                 if self.rule.obligation.tenure is not None or unit_id not in self.breached]
        found = self.by_unit(units, list(self.waiting.values()))
        return {unit_id: [finding for finding in findings if finding.subject_id is None]
                for unit_id, findings in found.items()}

    def pending(self) -> list[Finding]:
        if self.closed:
            return []
        return super().pending() + [finding for found in self._units().values() for finding in found]
