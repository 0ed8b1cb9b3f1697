"""What the followers of one monitor share, and the one place findings are made.

Findings are never built here: a follower that has decided a slot (a unit's
quarter, a trigger, a checked event) asks the **reference evaluator** for it, on
facts scoped to that slot (the unit, the units its events name, their tenures,
and the events the network selected and the follower kept), at the monitor's
clock. Messages, evidence and statuses are therefore the reference's own; what
the streaming layer adds is which events reach each slot, and when a slot can
no longer change.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from compliance.evaluation import EVALUATORS, Context
from compliance.facts import Event, Facts
from compliance.findings import Finding
from compliance.language.compile import CompiledRule
from compliance.streaming.clock import Schedule, Watermark
from compliance.streaming.engine import Engine, Session

_RANGE: Any = object()  # "the run's own range" (first / last of the monitor)


def finding_order(finding: Finding) -> tuple:
    """The canonical order of findings (the reference's), ties broken by content."""
    return (finding.sort_key(), finding.model_dump_json())


class Ledger:
    """The findings decided so far: given out once each, and kept (unless told not to).

    ``listener`` (the monitor's :class:`~compliance.streaming.decisions.Board`) is told of
    every decision, kept or not, so that sanctions can count decided findings.
    """

    def __init__(self, keep: bool) -> None:
        self.keep = keep
        self._kept: dict[tuple[str, Any], tuple[Finding, ...]] = {}
        self._new: list[Finding] = []
        self.listener: Any = None

    def decide(self, rule: CompiledRule, slot: Any, findings: Iterable[Finding]) -> None:
        """A slot's findings are decided (a later call for the same slot replaces them: violated → late)."""
        findings = tuple(findings)
        if self.keep:
            self._kept[(rule.id, slot)] = findings
        self._new.extend(findings)
        if self.listener is not None:
            self.listener.decided(rule.id, slot, findings)

    def reopen(self, rule: CompiledRule, slot: Any) -> None:
        """A decided slot is pending again until decided anew (nothing is given: its next decision replaces it).

        A ``violated`` response whose answer came but is not settled yet (a response dated
        by the day may still be beaten by one timed earlier that day) shows as it stands.
        """
        self._kept.pop((rule.id, slot), None)
        if self.listener is not None:
            self.listener.decided(rule.id, slot, ())

    def take(self) -> list[Finding]:
        """The findings decided since the last call, in canonical order."""
        new, self._new = self._new, []
        return sorted(new, key=finding_order)

    def kept(self) -> list[Finding]:
        return [finding for findings in self._kept.values() for finding in findings]


@dataclass
class Desk:
    """The master data, range, time, schedule and ledger of one monitor, as its followers see them."""

    master: Facts
    first: date | None
    last: date | None
    watermark: Watermark
    engine: Engine
    schedule: Schedule
    ledger: Ledger
    incidents: dict[str, Any] = field(default_factory=dict)
    #: The grading rules (an event's grade is the worse of theirs).
    grading: list[CompiledRule] = field(default_factory=list)
    #: Events kept for rules evaluated on demand (see followers/retained.py), by id.
    history: dict[str, Event] = field(default_factory=dict)
    keeps_history: bool = False
    #: Graded events (accidents), by id: what bans and sanctions look up by ``accident_id``.
    named: dict[str, Event] = field(default_factory=dict)
    #: The ids of the events fed so far (an id named by an event is known, or still to come).
    seen: Any = field(default_factory=dict)
    #: Followers waiting for an event by id (``follower.fired(key)`` once it has been fed).
    awaiting: dict[str, list[tuple[Any, Hashable]]] = field(default_factory=dict)
    #: Followers told of each incident as it is graded (``follower.incident(event_id)``).
    listeners: list[Any] = field(default_factory=list)
    sessions: dict[tuple[str, Any], Session] = field(default_factory=dict)
    #: Accountability as findings are decided (set by the monitor).
    board: Any = None

    def await_event(self, event_id: str, follower: Any, key: Hashable) -> None:
        """Call ``follower.fired(key)`` once the event ``event_id`` has been fed (after it is routed)."""
        self.awaiting.setdefault(event_id, []).append((follower, key))

    def arrived(self, event: Event) -> None:
        """An event was fed and routed: wake the followers waiting for it (at the next settling of time)."""
        for follower, key in self.awaiting.pop(event.event_id, ()):
            self.schedule.at(follower, key)

    def facts(self, units: Iterable[str], events: Sequence[Event], *, measures: bool = False) -> Facts:
        """A slot's facts: the given units, the units the events are in or name as target, all their tenures.

        With ``measures``, their measures too (quotas).
        """
        master = self.master
        ids = set(units)
        for event in events:
            ids.add(event.unit_id)
            if event.target_id in master.units:
                ids.add(event.target_id)
        ordered = sorted(ids)
        return Facts(
            units=[master.units[unit_id] for unit_id in ordered],
            tenures=[tenure for unit_id in ordered for tenure in master.tenures_in(unit_id)],
            events=events,
            measures=[m for unit_id in ordered for m in master.measures_of(unit_id)] if measures else (),
        )

    def context(self, facts: Facts, *, as_of: datetime | None = None, first: Any = _RANGE,
                last: Any = _RANGE) -> Context:
        """An evaluation context on ``facts`` at the clock (or ``as_of``), with the run's range and incidents."""
        return Context(facts, as_of or self.watermark.clock, self.first if first is _RANGE else first,
                       self.last if last is _RANGE else last, incidents=self.incidents)

    def evaluate(self, rule: CompiledRule, units: Iterable[str], events: Sequence[Event], *,
                 first: Any = _RANGE, last: Any = _RANGE, measures: bool = False,
                 as_of: datetime | None = None) -> list[Finding]:
        """The reference's findings of ``rule`` on a slot's facts (:meth:`facts`), at the clock (or ``as_of``).

        ``first``/``last`` default to the run's range.
        """
        context = self.context(self.facts(units, events, measures=measures), as_of=as_of, first=first, last=last)
        return list(EVALUATORS[rule.kind](rule, context))

    def master_context(self) -> Context:
        """A context on the master data alone (no events), made once: for what reads units and tenures only.

        Sanctions on findings read the units, their territories and who held which role on a
        day; none of that depends on the evaluation instant (the context's is the clock when made).
        """
        context = self.__dict__.get("_master_context")
        if context is None:
            context = self.__dict__["_master_context"] = self.context(self.master)
        return context

    def session(self, network: str, label: Any) -> Session:
        """The monitor's session of a network for ``label`` (a rule's unit, shard…), made on first use.

        Two rules may share a network (identical definitions are registered once):
        their labels name the rule, so that each has its own sessions.
        """
        session = self.sessions.get((network, label))
        if session is None:
            session = self.sessions[(network, label)] = Session(network, label)
        return session

    def close(self, session: Session) -> None:
        """Delete a session that holds nothing any more (its unit's open work is done)."""
        if not session.journal:
            self.engine.release(session)
            self.sessions.pop((session.network, session.label), None)
