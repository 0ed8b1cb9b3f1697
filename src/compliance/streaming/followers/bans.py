"""Bans: a person forbidden a role after an event about them; each breach decided when its first day begins.

A cause (a dismissal, a criminal penalty) bans its actor. The roles the person
holds, or will hold, are master data (tenures), so which days breach the ban is
known as soon as the cause's own inputs are: the grade of the accident it names
(``incident``) and that accident's industry (``same_industry``). The reference,
evaluated on the cause at the end of time, then lists every breach the tenures
hold (the evaluation instant only says which first days have begun): each breach
(``violated``) is decided when its first day begins, and a cause with no breach
at all is ``satisfied`` at once, for good. Until its first breach begins, a cause
shows ``satisfied`` as pending.

A cause whose accident is not known yet waits for it (it may be recorded after
the sanction): until then the reference skips it too. The accident is looked up
among the graded events (``desk.named``). Memory: the causes whose breaches have
not all begun, and those waiting for their accident.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, datetime

from compliance.facts import Event
from compliance.findings import Finding, Status
from compliance.language.schema import Ban
from compliance.streaming.clock import TICK
from compliance.streaming.followers.base import Follower, day_start
from compliance.streaming.network import Role
from compliance.timeline import SHANGHAI

#: An evaluation instant after every day a ban can reach: the reference lists every breach the tenures hold.
END_OF_TIME = datetime(9999, 1, 1, tzinfo=SHANGHAI)


@dataclass
class _Cause:
    event: Event
    units: list[str]  # the bound units where the person holds a tenure
    breaches: dict[date, list[Finding]] = field(default_factory=dict)  # not given yet, by first day
    breached: bool = False  # a breach was given: "satisfied" no longer holds


class BanFollower(Follower):
    kinds = ("ban",)

    def roles(self) -> list[Role]:
        return [Role("cause", self.rule.obligation.after)]  # a cause of any unit bans its actor everywhere

    def start(self) -> None:
        self.causes: dict[str, _Cause] = {}  # causes with breaches still to begin
        self.waiting: dict[str, Event] = {}  # causes not considered yet (their accident may still come)

    def selected(self, role: str, event: Event) -> None:
        if event.actor_id is None:
            return  # nobody is banned (the reference skips it)
        self.waiting[event.event_id] = event
        self.at(("cause", event.event_id))  # once the event has been graded, if it is an accident itself

    def fired(self, key: Hashable) -> None:
        if key[0] == "cause":
            self._consider(key[1])
            return
        _, ident, first = key
        cause = self.causes[ident]
        self.decide(("breach", ident, first), cause.breaches.pop(first))
        cause.breached = True
        if not cause.breaches:
            del self.causes[ident]

    def _named(self, event: Event) -> str:
        return str(event.attribute("accident_id") or "")

    def _consider(self, ident: str) -> None:
        event = self.waiting.get(ident)
        if event is None:
            return
        named = self._named(event)
        if not self._known(event, named):
            self.desk.await_event(named, self, ("cause", ident))
            return
        del self.waiting[ident]
        units = sorted({tenure.unit_id for tenure in self.desk.master.tenures_of(event.actor_id)
                        if tenure.unit_id in self.bound})
        every = self._evaluate(event, units, END_OF_TIME)
        breaches: dict[date, list[Finding]] = defaultdict(list)
        for finding in every:
            if finding.status is Status.VIOLATED:
                breaches[date.fromisoformat(finding.actual)].append(finding)
        if not breaches:
            self.decide(("cause", ident), every)  # "satisfied", whatever the instant: no tenure can breach it
            return
        self.causes[ident] = _Cause(event, units, dict(breaches))
        for first in sorted(breaches):
            self.at(("breach", ident, first), c=day_start(first) + TICK)

    def _known(self, event: Event, named: str) -> bool:
        """Whether what the cause reads besides itself is known: the grade and industry of its accident."""
        ban: Ban = self.rule.obligation
        if not named or named in self.desk.seen:
            return True  # fed: graded or not, it stays as it is
        if ban.same_industry:
            return False
        return not ban.incident or event.event_id in self.desk.incidents  # graded itself, or waits for its accident

    def _evaluate(self, event: Event, units: list[str], as_of: datetime | None = None) -> list[Finding]:
        accident = self.desk.named.get(self._named(event))
        events = [event] if accident is None or accident is event else [accident, event]
        return [finding for finding in self.desk.evaluate(self.rule, units, events, as_of=as_of)
                if finding.subject_id == event.event_id]

    def pending(self) -> list[Finding]:
        # A cause still waiting for its accident is skipped by the reference too: nothing to show.
        return [finding for cause in self.causes.values() if not cause.breached
                for finding in self._evaluate(cause.event, cause.units)]
