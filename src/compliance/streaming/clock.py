"""Event time for an engine that has none: the watermark, and boundaries fired by clock facts.

durable-rules knows only the wall clock. The monitor keeps time itself:

- the **clock** is the least evaluation instant (as-of) any later answer can
  have: the instant of the latest event fed, or the instant given to
  ``advance_to``;
- the **horizon** is the instant before which every event has been delivered:
  an event at ``t`` says that nothing earlier is still to come (events arrive in
  time order), ``advance_to(t)`` says that nothing up to ``t`` is.

They differ by one microsecond at most (after ``advance_to``), and the
difference matters: ``advance_to(2022-10-01T00:00)`` decides what was due by
then (the horizon is past it), but an event at exactly that instant is still
in September's as-of and the day 1 October has not begun (the clock is on it).

A **boundary** is "once the horizon is at least ``h`` and the clock at least
``c``". Followers register the boundaries of their undecided findings; each is
posted once (per distinct pair) as an event into the monitor's clock session,
where it waits. When time moves, one clock fact carrying (horizon, clock) is
asserted and retracted: the network's ``tick`` join fires for every boundary it
passes, consuming it.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from compliance.streaming.engine import Engine, Session
from compliance.streaming.errors import OutOfOrderEvent
from compliance.timeline import SHANGHAI

_EPOCH = datetime(1970, 1, 1, tzinfo=SHANGHAI)
TICK = timedelta(microseconds=1)


def micros(moment: datetime | None) -> int:
    """An instant as whole microseconds (exact in a JSON number below 2**53, until the year 2255)."""
    return 0 if moment is None else (moment - _EPOCH) // TICK


@dataclass
class Watermark:
    """How far the stream has gone: the clock and the horizon (see the module's docstring)."""

    clock: datetime | None = None
    horizon: datetime | None = None

    def admit(self, at: datetime, event_id: str) -> None:
        """Move time to an event at ``at``; refuse it if the stream said it was complete past it."""
        if self.horizon is not None and at < self.horizon:
            raise OutOfOrderEvent(
                "event older than the monitor's clock",
                found=f"{event_id} at {at.isoformat()}",
                expected=("at or after " + self.horizon.isoformat() if self.clock is None or self.horizon > self.clock
                          else "at or after " + self.clock.isoformat()) + " (events are fed in time order)",
                suggestion="sort the events by occurred_at before feeding them",
            )
        self.clock = at if self.clock is None else max(self.clock, at)
        self.horizon = at if self.horizon is None else max(self.horizon, at)

    def advance(self, to: datetime) -> None:
        """Declare the stream complete up to and including ``to``, and move the clock there."""
        if self.clock is not None and to < self.clock:
            raise OutOfOrderEvent("the clock cannot go back", found=to.isoformat(),
                                  expected=f"at or after {self.clock.isoformat()}")
        self.clock = to
        self.horizon = to + TICK if self.horizon is None else max(self.horizon, to + TICK)


class Schedule:
    """Boundaries of one monitor, waiting in its clock session until time passes them."""

    def __init__(self, engine: Engine, session: Session) -> None:
        self._engine = engine
        self._session = session
        self._waiting: dict[tuple[int, int], list[tuple[Any, Hashable]]] = {}
        self._heap: list[tuple[int, int, int]] = []

    def at(self, follower: Any, key: Hashable, *, h: datetime | None = None, c: datetime | None = None) -> None:
        """Call ``follower.fired(key)`` once the horizon is at least ``h`` and the clock at least ``c``."""
        pair = (micros(h), micros(c))
        waiting = self._waiting.get(pair)
        if waiting is None:
            waiting = self._waiting[pair] = []
            self._engine.send(self._session, "keep", {"k": "boundary", "h": pair[0], "c": pair[1]}, key=pair)
            heapq.heappush(self._heap, (max(pair), *pair))
        waiting.append((follower, key))

    def passed(self, watermark: Watermark) -> list[tuple[Any, Hashable]]:
        """The (follower, key) of every boundary time has passed, in the order of their instants."""
        if watermark.horizon is None or not self._heap:
            return []
        horizon = micros(watermark.horizon)
        while self._heap and self._heap[0][1:] not in self._waiting:  # fired already
            heapq.heappop(self._heap)
        if not self._heap or self._heap[0][0] > horizon:
            return []  # nothing can fire (the horizon is never behind the clock): no engine call
        fact = {"k": "clock", "h": horizon, "c": micros(watermark.clock)}
        matches = self._engine.send(self._session, "assert", fact, key="clock")
        self._engine.retract(self._session, "clock")
        pairs = sorted((frames["b"]["h"], frames["b"]["c"]) for name, frames in matches if name == "tick")
        fired: list[tuple[Any, Hashable]] = []
        for pair in pairs:
            self._engine.forget(self._session, pair)
            fired.extend(self._waiting.pop(pair))
        return fired

    def __len__(self) -> int:
        return len(self._waiting)
