"""Rules of a kind no follower decides incrementally yet: their events are kept, and evaluated on demand.

Every kind of the rule language has a follower of its own; this one is what a
kind added to the language gets until it has one, so that the monitor still
agrees with the reference. Its network selects the events its selectors name;
the monitor keeps those events (and the graded events, which rules look up by
id) in one history, and its findings are those of the reference over that
history at the clock. They are given by :meth:`Monitor.pending` (and so written
by ``compliance watch`` at the end of input), never early, and their memory
grows with the events they read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from compliance.facts import Event
from compliance.findings import Finding
from compliance.language.schema import Selector
from compliance.streaming.followers.base import Follower
from compliance.streaming.network import Role


def selectors(node: Any) -> Iterator[Selector]:
    """Every event selector inside an obligation (a chain's start and steps, a ban's cause...)."""
    if isinstance(node, Selector):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from selectors(getattr(node, name))
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from selectors(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from selectors(item)


class RetainedFollower(Follower):
    """Keeps every event its rule's selectors name; evaluates the rule over them when asked."""

    def roles(self) -> list[Role]:
        return [Role(f"s{index}", selector) for index, selector in enumerate(selectors(self.rule.obligation))]

    def wants(self, role: Role, event: Event) -> bool:
        return event.event_id not in self.desk.history  # kept for another rule already: kept for all

    def selected(self, role: str, event: Event) -> None:
        self.desk.history[event.event_id] = event

    def pending(self) -> list[Finding]:
        desk = self.desk
        return desk.evaluate(self.rule, list(desk.master.units), list(desk.history.values()))
