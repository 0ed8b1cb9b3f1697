"""Response rules: correlation in the network, one slot per trigger, decided at its limit or its answer.

A selected trigger becomes a *pending* fact, a selected response a *response*
fact, both in the session of the unit that owes (or gives) the response, or,
when any unit may answer (``same_unit: false``), of a shard of the correlation
values. The network's ``answer`` join pairs every pending trigger with every
response of equal correlation values whose time admits it (the response's
latest instant not before the trigger's earliest): the pairs come out of
durable-rules whichever came first. The follower keeps, per trigger, the answer
the reference chooses: the response done first (by its latest instant: a
bare-date response counts as done at the end of its day), then by instant and id.

A trigger is decided when the horizon passes its answer's latest instant (no
response done earlier can still come; ``satisfied`` or ``late``) or its due
instant without one (``violated``; a later answer makes it ``late``: pending as
it stands until that answer is settled, then decided, replacing the ``violated``
one). A response fact is retracted once no trigger still to come can be answered
by it (the horizon past its latest instant), a pending fact once its trigger is
answered; a session holding nothing more is deleted. A response is put into a
session only when a trigger is pending there (or comes), so sessions exist for
units with open work.

Whether a trigger is owed at all can depend on an event it names (``up_to``: the
grade of its accident; ``since``: the accident itself). A trigger found not owed
while that event is unknown waits for it (it may come later), and is decided
then as the reference would; once the event is known, "not owed" is final.

Memory is the open work: triggers not yet answered (or waiting as above), and
the responses of the current instant (of the current day, for bare dates).
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from compliance.evaluation.context import limit_due
from compliance.facts import Event
from compliance.findings import Finding
from compliance.language.schema import Selector
from compliance.streaming.clock import TICK, micros
from compliance.streaming.engine import Session, fnv1a32
from compliance.streaming.followers.base import Follower, day_start
from compliance.streaming.network import Role

#: Sessions of a rule whose responses may come from any unit: one per shard of the correlation values.
SHARDS = 64


def done_first(event: Event) -> tuple:
    """The order in which responses answer (the reference's): done first, a bare date at the end of its day."""
    return (event.occurred_at.latest, event.occurred_at.at, event.event_id)


@dataclass
class _Trigger:
    event: Event
    responder: str
    due: datetime
    label: Hashable  # its session's
    earlier: Event | None = None  # the event a `since` names, as known when the trigger came
    answer: Event | None = None
    violated: bool = False  # decided violated, waiting for a late answer
    refers: tuple[str, ...] = ()  # the ids whose arrival may make it owed

    @property
    def day(self) -> date:
        return self.event.occurred_at.day


class ResponseFollower(Follower):
    kinds = ("response",)

    def roles(self) -> list[Role]:
        obligation = self.rule.obligation
        roles = [Role("trigger", obligation.trigger, self.rule.applies_to), Role("response", obligation.response)]
        if obligation.since is not None:  # the earlier events a trigger may name (the accident of a 补报)
            roles.append(Role("earlier", Selector(type=obligation.since.type)))
        return roles

    def correlate(self) -> int:
        return len(self.rule.obligation.correlate)

    def start(self) -> None:
        obligation = self.rule.obligation
        self.response_names = list(obligation.correlate)
        self.trigger_names = [obligation.correlate[name] for name in self.response_names]
        self.per_unit = obligation.same_unit or obligation.from_target
        self.triggers: dict[str, _Trigger] = {}  # not decided yet, or violated and waiting for a late answer
        # Responses that may still answer a trigger to come, with their session's label and fact. A
        # response is asserted only into a session that holds pending triggers (or when one comes).
        self.responses: dict[str, tuple[Event, Hashable, dict[str, Any]]] = {}
        self.pending_in: dict[Hashable, int] = {}  # pending triggers per session label
        self.earlier: dict[str, Event] = {}
        # Triggers by the ids whose arrival can make them owed: the accident whose grade sets how far a
        # report goes (up_to), the earlier event a `since` names. A trigger not owed as far as known waits.
        self.refers: dict[str, set[str]] = {}
        if obligation.up_to:
            self.desk.listeners.append(self)
        since = obligation.since
        self.remember = max([since.within, *(rule.within for rule in since.unless)]) if since else None

    # -- events ----------------------------------------------------------------------------
    def selected(self, role: str, event: Event) -> None:
        if role == "trigger":
            self._trigger(event)
        elif role == "response":
            self._response(event)
        else:
            # Kept while a trigger naming it can still be owed: up to its last day within the longest limit.
            self.earlier[event.event_id] = event
            last = event.occurred_at.day + self.remember
            self.at(("forget", event.event_id), c=day_start(last + timedelta(days=1)) + TICK)
            for ident in self.refers.pop(event.event_id, ()):  # triggers that came before it
                if ident in self.triggers:
                    self.triggers[ident].earlier = event
                    self._consider(ident)

    def incident(self, event_id: str) -> None:
        """An event was graded: triggers that name it may be owed now."""
        for ident in self.refers.pop(event_id, ()):
            self._consider(ident)

    def _trigger(self, event: Event) -> None:
        if event.unit_id not in self.bound or not self.in_days(event.occurred_at.day):
            return
        obligation = self.rule.obligation
        responder = event.target_id if obligation.from_target else event.unit_id
        if responder not in self.desk.master.units:
            return  # nobody owes it (the reference skips it too)
        values = self._values(event, self.trigger_names)
        label = self._label(responder, values)
        trigger = _Trigger(event, responder, limit_due(event, obligation.within, obligation.by_days), label)
        if obligation.since is not None:
            named = str(event.attribute(obligation.since.key) or "")
            trigger.earlier = self.earlier.get(named)
            if trigger.earlier is None:
                trigger.refers += (named,)
        if obligation.up_to and not self._graded(event):
            trigger.refers += (event.event_id, str(event.attribute("accident_id") or ""))
        for named in trigger.refers:
            self.refers.setdefault(named, set()).add(event.event_id)
        self.triggers[event.event_id] = trigger
        session = self._session(label)
        fact = {"k": "pending", "t": event.event_id, "earliest": micros(event.occurred_at.earliest), **values}
        self._answers(self.desk.engine.send(session, "assert", fact, key=("p", event.event_id)))
        self.pending_in[label] = self.pending_in.get(label, 0) + 1
        for ident, (_, held, response) in self.responses.items():  # responses that came first (same instant or day)
            if held == label and ("r", ident) not in session.journal:
                self._answers(self.desk.engine.send(session, "assert", response, key=("r", ident)))
        self.at(("due", event.event_id), h=trigger.due + TICK, c=day_start(trigger.day) + TICK)

    def _response(self, event: Event) -> None:
        values = self._values(event, self.response_names)
        label = self._label(event.unit_id, values)
        fact = {"k": "response", "e": event.event_id, "latest": micros(event.occurred_at.latest), **values}
        self.responses[event.event_id] = (event, label, fact)
        if self.pending_in.get(label):
            session = self._session(label)
            self._answers(self.desk.engine.send(session, "assert", fact, key=("r", event.event_id)))
        self.at(("retire", event.event_id), h=event.occurred_at.latest + TICK)

    def _answers(self, matches: list[tuple[str, dict[str, Any]]]) -> None:
        for name, frames in matches:
            if name != "answer":
                continue
            trigger = self.triggers.get(frames["p"]["t"])
            response = self.responses.get(frames["r"]["e"])
            if trigger is None or response is None:
                continue
            answer = response[0]
            if trigger.answer is None or done_first(answer) < done_first(trigger.answer):
                trigger.answer = answer
                if trigger.violated:  # late: pending as it stands until the answer is settled
                    trigger.violated = False
                    self.desk.ledger.reopen(self.rule, ("trigger", trigger.event.event_id))
                self.at(("answer", trigger.event.event_id), h=answer.occurred_at.latest + TICK,
                        c=day_start(trigger.day) + TICK)

    def _values(self, event: Event, names: list[str]) -> dict[str, str]:
        # As text: None equals None, and durable-rules compares text as Python does.
        return {f"c{index}": json.dumps(event.attribute(name), ensure_ascii=False, sort_keys=True, default=str)
                for index, name in enumerate(names)}

    def _label(self, unit_id: str, values: dict[str, str]) -> Hashable:
        """The session of a trigger or response: its unit's, or a shard of its correlation values."""
        if self.per_unit:
            return (self.rule.id, "unit", unit_id)
        return (self.rule.id, "shard", fnv1a32(json.dumps(values, sort_keys=True)) % SHARDS)

    def _session(self, label: Hashable) -> Session:
        return self.desk.session(self.network_name, label)

    # -- decisions -------------------------------------------------------------------------
    def fired(self, key: Hashable) -> None:
        what, ident = key
        if what in ("due", "answer"):
            self._consider(ident)
        elif what == "retire":
            _, label, _ = self.responses.pop(ident)
            session = self._session(label)
            if ("r", ident) in session.journal:
                self.desk.engine.retract(session, ("r", ident))
            self.desk.close(session)
        else:
            self.earlier.pop(ident, None)

    def _consider(self, ident: str) -> None:
        """Decide a trigger if time allows: its answer is settled, or its limit passed without one."""
        trigger = self.triggers.get(ident)
        watermark = self.desk.watermark
        if trigger is None or not watermark.clock > day_start(trigger.day):
            return
        answer = trigger.answer
        if answer is not None:
            if not watermark.horizon > answer.occurred_at.latest:
                return  # another response done by then (of that instant, or in that day) may still come
        elif trigger.violated or not watermark.horizon > trigger.due:
            return
        found = self._evaluate([trigger.responder], [trigger])
        if found:
            self.decide(("trigger", ident), found)
            if answer is not None:
                self._drop(ident)
            else:
                trigger.violated = True
        elif self._settled_as_not_owed(trigger):
            self._drop(ident)
        # else: not owed as far as is known; the accident it names may still come (self.refers)

    def _graded(self, event: Event) -> bool:
        incidents = self.desk.incidents
        return event.event_id in incidents or str(event.attribute("accident_id") or "") in incidents

    def _settled_as_not_owed(self, trigger: _Trigger) -> bool:
        """Whether what makes a trigger owed (its accident's grade, the earlier event) is known, so "not owed" is final."""
        obligation = self.rule.obligation
        if obligation.up_to and not self._graded(trigger.event):
            return False
        return obligation.since is None or trigger.earlier is not None

    def _drop(self, ident: str) -> None:
        trigger = self.triggers.pop(ident)
        for named in trigger.refers:
            waiting = self.refers.get(named)
            if waiting is not None:
                waiting.discard(ident)
                if not waiting:
                    del self.refers[named]
        session = self._session(trigger.label)
        self.desk.engine.retract(session, ("p", ident))
        self.pending_in[trigger.label] -= 1
        if not self.pending_in[trigger.label]:
            del self.pending_in[trigger.label]
        self.desk.close(session)

    def _evaluate(self, responders: list[str], triggers: list[_Trigger]) -> list[Finding]:
        events: list[Event] = []
        for trigger in triggers:
            events.append(trigger.event)
            if trigger.answer is not None:
                events.append(trigger.answer)
            if trigger.earlier is not None:
                events.append(trigger.earlier)
        wanted = {trigger.event.event_id for trigger in triggers}
        found = self.by_unit(responders, events)
        return [finding for unit in found.values() for finding in unit
                if finding.evidence[:1] and finding.evidence[0] in wanted]

    def pending(self) -> list[Finding]:
        waiting = [trigger for trigger in self.triggers.values() if not trigger.violated]
        return self._evaluate(sorted({trigger.responder for trigger in waiting}), waiting)
