"""Grading rules: each qualifying event becomes an incident (a graded accident) as it arrives.

A grade depends on the event alone, so it is decided at once; the incidents are
what response rules with ``up_to`` (the grade's reporting level), bans and
sanctions read; the graded events are kept by id (``desk.named``), since bans and
sanctions look them up by ``accident_id``. Grading itself is the reference's
(``grade_events``), over all grading rules at once so that an event graded twice
keeps the worse grade.
"""

from __future__ import annotations

from compliance.accountability.incidents import grade_events
from compliance.evaluation import Context
from compliance.facts import Event, Facts
from compliance.streaming.followers.base import Follower
from compliance.streaming.network import Role


class GradingFollower(Follower):
    kinds = ("grading",)

    def roles(self) -> list[Role]:
        return [Role("event", self.rule.obligation.event, self.rule.applies_to)]

    def selected(self, role: str, event: Event) -> None:
        desk = self.desk
        facts = Facts(units=[desk.master.units[event.unit_id]], events=[event])
        graded = grade_events(desk.grading, Context(facts, desk.watermark.clock, incidents={}))
        if event.event_id in graded:
            desk.incidents[event.event_id] = graded[event.event_id]
            desk.named[event.event_id] = event
            for listener in desk.listeners:
                listener.incident(event.event_id)
        if desk.keeps_history:  # rules evaluated on demand may look accidents up by id
            desk.history[event.event_id] = event
