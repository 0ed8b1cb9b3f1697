"""Sanctions: causes applied to the ladders as they are decided; the decisions change on the monitor's board.

*On events* (an accident, a dismissal, a major hazard found by inspection): the
network selects the event; once its day has begun its applications are the
reference's (``apply_sanctions`` on the event, the accident it names, and the
units its reaches can name: its own, and the units of its territory), and again
when the accident it names arrives (its grade, its industry, the incident that
``because`` cites).

*On findings* (so many ``violated`` findings of some rules in a year): decided
findings are messages too, and the network selects those the rule counts (their
rule, status and step, and their unit); the follower keeps them per unit and
person, and when a group changes the reference applies the rule to it again.

Both go to the monitor's :class:`~compliance.streaming.decisions.Board`, which
re-decides the decisions they reach. A sanction gives decisions, not findings.
Memory: the findings counted, and the events waiting for the accident they name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence

from compliance.accountability.sanctions import Application, apply_sanctions
from compliance.facts import Event, region_chain
from compliance.findings import Finding
from compliance.language.schema import Sanction
from compliance.streaming.clock import TICK
from compliance.streaming.followers.base import Follower, day_start
from compliance.streaming.network import FindingRole, Role

Group = tuple[str, str | None]  # (unit_id, person_id): the reference counts their findings per year


class SanctionFollower(Follower):
    kinds = ("sanction",)

    def roles(self) -> list[Role | FindingRole]:
        when = self.rule.obligation.when
        if when.event is not None:
            return [Role("event", when.event, self.rule.applies_to)]
        return [FindingRole("finding", when.findings, self.rule.applies_to)]

    def start(self) -> None:
        self.events: dict[str, Event] = {}  # causes to apply, or waiting for the accident they name
        self.groups: dict[Group, dict[Hashable, Finding]] = defaultdict(dict)
        self.group_of: dict[Hashable, Group] = {}
        self.changed: set[Group] = set()
        sanction: Sanction = self.rule.obligation
        if sanction.when.findings is not None:
            self.desk.board.count_for(self, sanction.when.findings.rules)

    # -- on events --------------------------------------------------------------------------
    def selected(self, role: str, event: Event) -> None:
        if self.in_days(event.occurred_at.day):
            self.events[event.event_id] = event
            self.at(("event", event.event_id), c=day_start(event.occurred_at.day) + TICK)

    def fired(self, key: Hashable) -> None:
        event = self.events.get(key[1])
        if event is None:
            return
        named = str(event.attribute("accident_id") or "")
        self.desk.board.apply(("event", self.rule.id, event.event_id), self._apply(event, named))
        if named and named not in self.desk.seen:
            self.desk.await_event(named, self, key)  # applied again when it arrives
        else:
            del self.events[key[1]]

    def _apply(self, event: Event, named: str) -> list[Application]:
        desk = self.desk
        accident = desk.named.get(named)
        events = [event] if accident is None or accident is event else sorted(
            [event, accident], key=lambda item: (item.occurred_at.at, item.event_id))
        region = desk.master.units[event.unit_id].region
        territory = [unit.unit_id for code in region_chain(region)
                     for unit in desk.master_context().units_with_region(code)]
        context = desk.context(desk.facts([event.unit_id, *territory], events))
        return [application for application in apply_sanctions([self.rule], context, [], desk.incidents)
                if application.because and application.because[0].get("event") == event.event_id]

    # -- on findings ------------------------------------------------------------------------
    def count(self, token: Hashable, finding: Finding) -> bool:
        """Whether the rule counts a decided finding (the network says); if so it is kept under ``token``."""
        unit = self.desk.master.units.get(finding.unit_id)
        if unit is None:
            return False
        select = self.desk.session(self.network_name, (self.rule.id, "select"))
        matches = self.desk.engine.send(select, "post", self.network.finding_message("finding", finding, unit))
        if not any(name == "select.finding" for name, _ in matches):
            return False
        group = (finding.unit_id, finding.person_id)
        self.groups[group][token] = finding
        self.group_of[token] = group
        self._changed(group)
        return True

    def uncount(self, token: Hashable) -> None:
        group = self.group_of.pop(token)
        del self.groups[group][token]
        self._changed(group)

    def _changed(self, group: Group) -> None:
        self.changed.add(group)
        self.desk.board.touched(self)

    def refresh(self) -> None:
        """Apply the rule again to each group whose findings changed."""
        for group in sorted(self.changed, key=lambda item: (item[0], item[1] or "")):
            findings = list(self.groups.get(group, {}).values())
            if not findings:
                self.groups.pop(group, None)
            self.desk.board.apply(("findings", self.rule.id, *group), self.applications(findings) if findings else [])
        self.changed.clear()

    def counted(self) -> list[Finding]:
        """The decided findings the rule counts."""
        return [finding for findings in self.groups.values() for finding in findings.values()]

    def applications(self, findings: Sequence[Finding]) -> list[Application]:
        """The reference's applications of the rule to these findings (it selects and groups them itself)."""
        return apply_sanctions([self.rule], self.desk.master_context(), findings, self.desk.incidents)
