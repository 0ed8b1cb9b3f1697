"""Reparation chains: each chain correlated in the network, each step decided once nothing to come can change it.

A selected starting event (a hazard found) becomes a *pending* fact, and every
event a step names (owed, or ``unless``) a *response* fact, both in the session
of a shard of the chain's key value (``hazard_id``; steps may be done in other
units). The network's ``answer`` join, the one response rules use, pairs every
chain with every step event of equal key value whose latest instant is not
before the earliest instant the chain can count from (the start, or an earlier
due date the start carries); the follower keeps, per chain, the events paired
with it. What each step's finding is stays the reference's: a chain is
evaluated over its start and its events, at the clock.

A step is **decided** when nothing to come can change it:

* the steps it depends on are decided (``if_failed``: whether that one failed;
  ``after``: its due instant, and, unless it is the step whose failure this one
  answers, when it was done: a step that follows an undone step runs from that
  step's due instant only until it is done, so it waits for it);
* and its own event is settled: the horizon is past the event that did it
  (another of that instant may come first), or, with none, past its due instant
  (``violated``). A ``violated`` step turns ``late`` when its event comes after
  all (the later finding replaces it, as for deadlines and responses). An
  ``exempt`` step (an ``unless`` event came first) waits for its own event: if
  it comes after all, the reference names it in the evidence.

A chain is dropped once every step is decided and none waits for its event.

Routing: a step event is sent to the network only if a chain of its key value is
open (an index on key values, as the monitor's on bound units); otherwise it is
held, and sent when a chain of its key opens while it can still count (the
chain's instant, or its day for an event dated by the day). Step events are kept
while a chain still to come can count them (their latest instant not passed).
The events of a step whose ``since`` can precede its start (a step that follows
a due date the start carries, such as the production stop due after the
hazard's own deadline, when the deadline is before the hazard was recorded) are
kept by key value for good, since a start recorded later may count them.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from compliance.evaluation.context import by_end_of
from compliance.facts import Event
from compliance.findings import Finding, Status
from compliance.language.schema import Chain
from compliance.streaming.clock import TICK, micros
from compliance.streaming.engine import Session, fnv1a32
from compliance.streaming.followers.base import Follower, day_start
from compliance.streaming.network import Role
from compliance.timeline import InstantError, parse_date

#: Sessions of a chain rule: one per shard of the key values.
SHARDS = 64
#: Chains evaluated by the reference in one call (its step search reads every keyed event of the call).
BATCH = 48


@dataclass
class _Chain:
    start: Event
    key: str  # the key value, as the reference compares it (text)
    label: Hashable  # its session's
    events: dict[str, Event] = field(default_factory=dict)  # the step events paired with it, by id
    given: dict[str, Finding] = field(default_factory=dict)  # the findings decided, by step
    unsettled: bool = True  # some step is not decided yet
    reviews: set[tuple[Any, Any]] = field(default_factory=set)  # the (h, c) of the reviews scheduled


def reaching_back(chain: Chain) -> set[str]:
    """The steps whose events may count from before the start: they follow a due date the start carries.

    A step is met by an event from its ``since``: the start, or (when it follows a
    step in order) what it follows: that step's due instant for the step whose
    failure it answers, else when that step was done. A due date read from the
    start (``by: {attribute: deadline}``) may lie before the start itself.
    """
    early_due: dict[str, bool] = {}
    early_since: dict[str, bool] = {}
    for step in chain.steps:
        after = step.by.after
        if after == "start":
            anchor = since = False
        elif step.if_failed == after:  # from that step's due instant, in order
            anchor = early_due[after]
            since = step.in_order and anchor
        else:  # from when that step was done (an event from its own since on), or its due instant
            anchor = early_due[after] or early_since[after]
            since = step.in_order and early_since[after]
        early_due[step.id] = step.by.attribute is not None or anchor
        early_since[step.id] = since
    return {step_id for step_id, early in early_since.items() if early}


class ChainFollower(Follower):
    kinds = ("chain",)

    def roles(self) -> list[Role]:
        chain: Chain = self.rule.obligation
        roles = [Role("start", chain.start, self.rule.applies_to)]
        seen: dict[str, str] = {}
        for step in chain.steps:  # one role per distinct selector: an event is sent once for all steps naming it
            for selector in (step.owe, step.unless):
                if selector is not None and selector.model_dump_json() not in seen:
                    seen[selector.model_dump_json()] = name = f"s{len(seen)}"
                    roles.append(Role(name, selector))
        return roles

    def correlate(self) -> int:
        return 1

    def start(self) -> None:
        chain: Chain = self.rule.obligation
        self.steps = chain.steps
        self.due_attributes = [step.by.attribute for step in chain.steps if step.by.attribute]
        back = {step.owe.model_dump_json() for step in chain.steps if step.id in reaching_back(chain)}
        self.back_roles = {name for name, role in self.network.roles.items()
                           if name != "start" and role.selector.model_dump_json() in back}
        self.chains: dict[str, _Chain] = {}
        # Step events a chain still to come may count (their latest instant not passed), with their fact.
        self.recent: dict[str, tuple[Event, Hashable, dict[str, Any]]] = {}
        self.lookback: dict[str, dict[str, Event]] = defaultdict(dict)  # key value -> events of steps reaching back
        self.pending_in: dict[Hashable, int] = {}  # chains per session label
        self.open_keys: dict[str, int] = {}  # chains per key value
        # Step events of key values no chain has (not sent to the network yet), while they can still count.
        self.held: dict[str, dict[tuple[str, str], Event]] = {}
        self.held_order: deque[tuple[str, str, str, Event]] = deque()

    def wants(self, role: Role, event: Event) -> bool:
        if role.name == "start" or role.name in self.back_roles:
            return super().wants(role, event)
        value = event.attribute(self.rule.obligation.key)
        if value is None:
            return False  # the reference ties nothing to it
        if str(value) in self.open_keys:
            return True
        horizon = self.desk.watermark.horizon
        while self.held_order and self.held_order[0][3].occurred_at.latest < horizon:  # can no longer count
            old_value, ident, name, _ = self.held_order.popleft()
            held = self.held.get(old_value)
            if held is not None:
                held.pop((ident, name), None)
                if not held:
                    del self.held[old_value]
        self.held.setdefault(str(value), {})[(event.event_id, role.name)] = event
        self.held_order.append((str(value), event.event_id, role.name, event))
        return False

    # -- events ----------------------------------------------------------------------------
    def selected(self, role: str, event: Event) -> None:
        value = event.attribute(self.rule.obligation.key)
        if value is None:
            return  # the reference ties nothing to it
        if role == "start":
            self._start(event, str(value))
        else:
            self._step(role, event, str(value))

    def _start(self, event: Event, value: str) -> None:
        if event.unit_id not in self.bound or not self.in_days(event.occurred_at.day):
            return
        label = self._label(value)
        chain = self.chains[event.event_id] = _Chain(event, value, label)
        earliest = self._earliest(event)
        session = self._session(label)
        fact = {"k": "pending", "t": event.event_id, "earliest": micros(earliest), "c0": value}
        self._answers(self.desk.engine.send(session, "assert", fact, key=("p", event.event_id)))
        self.pending_in[label] = self.pending_in.get(label, 0) + 1
        self.open_keys[value] = self.open_keys.get(value, 0) + 1
        horizon = self.desk.watermark.horizon
        for (_, name), held in self.held.pop(value, {}).items():  # step events of its key, not sent yet
            if held.occurred_at.latest >= horizon:
                self.select(name, held)
        for ident, (_, held, response) in self.recent.items():  # step events that came first (its instant, its day)
            if held == label and ("r", ident) not in session.journal:
                self._answers(self.desk.engine.send(session, "assert", response, key=("r", ident)))
        if earliest < event.occurred_at.earliest:  # it may count events from before it: pair those kept
            for ident, past in self.lookback.get(value, {}).items():
                if ("r", ident) not in session.journal:
                    self._answers(self.desk.engine.send(session, "assert", self._fact(past, value), key=("r", ident)))
                    if ident not in self.recent:
                        self.desk.engine.retract(session, ("r", ident))
        self._review_at(chain, c=day_start(event.occurred_at.day) + TICK)

    def _earliest(self, start: Event) -> datetime:
        """The earliest instant a step event can count from: the start, or a due date it carries, if earlier."""
        earliest = start.occurred_at.earliest
        for attribute in self.due_attributes:
            value = start.attribute(attribute)
            if value:
                try:
                    earliest = min(earliest, by_end_of(parse_date(value)))
                except InstantError:
                    continue  # the reference cannot read it either
        return earliest

    def _step(self, role: str, event: Event, value: str) -> None:
        if role in self.back_roles:
            self.lookback[value][event.event_id] = event
        if event.event_id in self.recent:
            return  # selected for another step already
        label = self._label(value)
        fact = self._fact(event, value)
        self.recent[event.event_id] = (event, label, fact)
        if self.pending_in.get(label):
            self._answers(self.desk.engine.send(self._session(label), "assert", fact, key=("r", event.event_id)))
        self.at(("retire", event.event_id), h=event.occurred_at.latest + TICK)

    @staticmethod
    def _fact(event: Event, value: str) -> dict[str, Any]:
        return {"k": "response", "e": event.event_id, "latest": micros(event.occurred_at.latest), "c0": value}

    def _answers(self, matches: list[tuple[str, dict[str, Any]]]) -> None:
        for name, frames in matches:
            if name != "answer":
                continue
            chain = self.chains.get(frames["p"]["t"])
            ident = frames["r"]["e"]
            held = self.recent.get(ident)
            event = held[0] if held is not None else self.lookback.get(frames["r"]["c0"], {}).get(ident)
            if chain is None or event is None:
                continue
            chain.events[ident] = event
            self._review_at(chain, h=event.occurred_at.at + TICK)  # once no other event of its instant can come

    def _label(self, value: str) -> Hashable:
        return (self.rule.id, "shard", fnv1a32(value) % SHARDS)

    def _session(self, label: Hashable) -> Session:
        return self.desk.session(self.network_name, label)

    # -- decisions -------------------------------------------------------------------------
    def _review_at(self, chain: _Chain, *, h: datetime | None = None, c: datetime | None = None) -> None:
        if (h, c) not in chain.reviews:
            chain.reviews.add((h, c))
            self.at(("review", chain.start.event_id, h, c), h=h, c=c)

    def fired_all(self, keys: list[Hashable]) -> None:
        reviews: dict[str, _Chain] = {}
        for key in keys:
            if key[0] == "retire":
                self._retire(key[1])
                continue
            chain = self.chains.get(key[1])
            if chain is not None:
                chain.reviews.discard(key[2:])
                reviews[key[1]] = chain
        for batch in _batches(list(reviews.values())):
            found = self._evaluate(batch)
            for chain in batch:
                self._decide(chain, found[chain.start.event_id])

    def fired(self, key: Hashable) -> None:
        self.fired_all([key])

    def _retire(self, ident: str) -> None:
        _, label, _ = self.recent.pop(ident)
        session = self._session(label)
        if ("r", ident) in session.journal:
            self.desk.engine.retract(session, ("r", ident))
        self.desk.close(session)

    def _evaluate(self, chains: list[_Chain]) -> dict[str, dict[str, Finding]]:
        """The reference's findings of each chain at the clock, by step (one evaluation for the batch).

        Chains of one key value share their events; an event one of them has and another has
        not is outside the other's reach (before the earliest instant it counts from).
        """
        events: dict[str, Event] = {}
        for chain in chains:
            events[chain.start.event_id] = chain.start
            events.update(chain.events)
        found: dict[str, dict[str, Finding]] = {chain.start.event_id: {} for chain in chains}
        units = sorted({chain.start.unit_id for chain in chains})
        for finding in self.desk.evaluate(self.rule, units, sorted(events.values(), key=_order)):
            steps = found.get(finding.evidence[0]) if finding.evidence else None
            if steps is not None:
                steps[finding.step] = finding
        return found

    def _decide(self, chain: _Chain, found: dict[str, Finding]) -> None:
        """Give the steps nothing to come can change; schedule the next review; drop a chain that is done.

        ``fixed``: what later steps read of a step (whether it failed, was no longer needed,
        its due instant, when it was done) cannot change any more. A step is given when it is
        fixed and so is its finding: an ``exempt`` step whose event has not come is fixed but
        not given, since the event, should it come after all, joins its evidence.
        """
        watermark = self.desk.watermark
        if not watermark.clock > day_start(chain.start.occurred_at.day):
            return  # not counted before its day has begun: reviewed then
        horizon = watermark.horizon
        fixed: dict[str, bool] = {}
        review: datetime | None = None
        unsettled = waiting = False
        for step in self.steps:
            ready = all(fixed[name] for name in (step.if_failed, step.by.after) if name not in (None, "start"))
            after = found.get(step.by.after)
            if ready and after is not None and step.if_failed != step.by.after and after.status is not Status.EXEMPT \
                    and self._done(chain, after) is None:
                ready = False  # it runs from when that step is done, which may still come (violated, then late)
            finding = found.get(step.id)
            if finding is None:  # not owed (or no due date): fixed once what it depends on is
                fixed[step.id] = ready
                unsettled |= not ready
                continue
            done = self._done(chain, finding)
            due = datetime.fromisoformat(finding.due)
            if finding.status in (Status.OPEN, Status.AT_RISK):
                settled, until = False, due
            elif done is not None:
                settled, until = horizon > done.occurred_at.at, done.occurred_at.at
            else:  # violated (a late event may still come), or exempt by an earlier unless event
                settled, until = horizon > due, due
            if not settled:
                review = until if review is None else min(review, until)
            fixed[step.id] = ready and settled
            final = fixed[step.id] and (done is not None or finding.status is not Status.EXEMPT)
            unsettled |= not final
            waiting |= final and finding.status is Status.VIOLATED
            if final and chain.given.get(step.id) != finding:
                chain.given[step.id] = finding
                self.decide((chain.start.event_id, step.id), [finding])
        chain.unsettled = unsettled
        if not unsettled and not waiting:
            self._drop(chain)
        elif review is not None:
            self._review_at(chain, h=review + TICK)

    @staticmethod
    def _done(chain: _Chain, finding: Finding) -> Event | None:
        """The event that did a step (the reference's evidence: the start, then it), if any."""
        if finding.actual is None or len(finding.evidence) < 2:
            return None
        ident = finding.evidence[1]
        return chain.start if ident == chain.start.event_id else chain.events.get(ident)

    def _drop(self, chain: _Chain) -> None:
        del self.chains[chain.start.event_id]
        self.open_keys[chain.key] -= 1
        if not self.open_keys[chain.key]:
            del self.open_keys[chain.key]
        session = self._session(chain.label)
        self.desk.engine.retract(session, ("p", chain.start.event_id))
        self.pending_in[chain.label] -= 1
        if not self.pending_in[chain.label]:
            del self.pending_in[chain.label]
        self.desk.close(session)

    def pending(self) -> list[Finding]:
        chains = [chain for chain in self.chains.values() if chain.unsettled]
        pending: list[Finding] = []
        for batch in _batches(chains):
            found = self._evaluate(batch)
            for chain in batch:
                pending += [finding for step, finding in found[chain.start.event_id].items()
                            if step not in chain.given]
        return pending


def _order(event: Event) -> tuple:
    return (event.occurred_at.at, event.event_id)


def _batches(chains: list[_Chain]) -> Iterable[list[_Chain]]:
    for index in range(0, len(chains), BATCH):
        yield chains[index:index + BATCH]
