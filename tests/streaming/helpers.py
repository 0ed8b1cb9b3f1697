"""Helpers of the streaming tests: run a monitor beside the reference evaluator and compare.

The comparison is the one the issue asks for: after ``advance_to(t)`` the
monitor's findings (and decisions, and incidents) are the reference's with
``as_of=t`` on the same records, all statuses, as sorted JSON; every finding
the monitor gave early is one of the reference's at the end, or a ``violated``
that a ``late`` of the same slot replaced; and the decision changes it gave
while the events streamed, folded (each key's last, none if withdrawn), then
those that the pending findings bring (``decision_changes(pending=True)``), are
the reference's decisions.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from compliance.api import evaluate
from compliance.facts import Event, Facts
from compliance.findings import Finding
from compliance.records import LoadResult
from compliance.timeline import parse_instant
from tests.conftest import ROOT

FIXTURES = ROOT / "fixtures"


def fixture_dirs() -> list[Path]:
    """Every fixture export with expected results and a README that says its ``--as-of``."""
    return sorted(path for path in FIXTURES.iterdir()
                  if (path / "expected").is_dir() and fixture_as_of(path) is not None)


def fixture_as_of(path: Path) -> str | None:
    """The ``--as-of`` a fixture's README evaluates it with (None: no README yet)."""
    readme = path / "README.md"
    found = re.search(r"--as-of ([0-9][0-9T:+\-]*)", readme.read_text(encoding="utf-8")) if readme.is_file() else None
    return found.group(1) if found else None


def in_order(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=lambda event: (event.occurred_at.at, event.event_id))


def master_of(loaded: LoadResult) -> LoadResult:
    """The master data of a load (its events left out)."""
    facts = loaded.facts
    return LoadResult(Facts(facts.units.values(), facts.tenures, (), facts.measures), (), {})


def canonical(items: Iterable[Any]) -> list[str]:
    return sorted(json.dumps(item.model_dump(mode="json"), ensure_ascii=False, sort_keys=True) for item in items)


def _data(finding: Finding | dict) -> dict:
    return finding if isinstance(finding, dict) else finding.model_dump(mode="json")


def slot(finding: Finding | dict) -> tuple:
    """What a finding is about: its rule, unit, person, period, subject, due instant and step."""
    data = _data(finding)
    return tuple(data.get(name) for name in ("rule_id", "unit_id", "person_id", "period", "subject_id", "due", "step"))


def replaces(later: Finding | dict, earlier: Finding | dict) -> bool:
    """Whether a finding given later replaces one given earlier: ``violated`` turned ``late``.

    Same slot, and the violated finding's evidence (the trigger, or nothing) begins the late one's.
    """
    new, old = _data(later), _data(earlier)
    return (slot(new) == slot(old) and (old["status"], new["status"]) == ("violated", "late")
            and list(new["evidence"][: len(old["evidence"])]) == list(old["evidence"]))


def fold(given: Iterable[Finding | dict]) -> list[Any]:
    """The findings given, each ``late`` in place of the ``violated`` it replaces."""
    kept: dict[tuple, list[Any]] = {}
    for finding in given:
        same = kept.setdefault(slot(finding), [])
        for index, earlier in enumerate(same):
            if replaces(finding, earlier):
                same[index] = finding
                break
        else:
            same.append(finding)
    return [finding for findings in kept.values() for finding in findings]


def superseded(given: Sequence[Any]) -> int:
    """How many findings given were replaced by a later one."""
    return len(list(given)) - len(fold(given))


@dataclass
class Replay:
    """What a monitor gave while events were fed and the clock advanced to each cut.

    ``decided``: the decision changes given by the decided findings and causes alone (after
    each call), with the clock they were given at; ``decisions``: every change, those that
    pending findings brought at the cuts included, in order.
    """

    given: list[Finding] = field(default_factory=list)
    cuts: list[datetime] = field(default_factory=list)
    decided: list[tuple[datetime, Any]] = field(default_factory=list)
    decisions: list[Any] = field(default_factory=list)

    def take_decisions(self, monitor: Any) -> None:
        changes = monitor.decision_changes()
        self.decided += [(monitor.clock, change) for change in changes]
        self.decisions += changes


def assert_agrees(loaded: LoadResult, events: Sequence[Event], cuts: Iterable[datetime | str], *,
                  rules: Any = None, rules_only: Any = None, **monitor_options: Any) -> Replay:
    """Feed ``events`` in time order, advance to each cut, and compare with the reference there."""
    from compliance.streaming import Monitor
    from compliance.streaming.decisions import fold as fold_decisions

    ordered = in_order(events)
    instants = sorted({parse_instant(cut).at if isinstance(cut, str) else cut for cut in cuts})
    replay = Replay(cuts=instants)
    records = LoadResult(Facts(loaded.facts.units.values(), loaded.facts.tenures, ordered, loaded.facts.measures),
                         (), {})
    with Monitor(facts=master_of(loaded), rules=rules, rules_only=rules_only, **monitor_options) as monitor:
        index = 0
        for cut in instants:
            while index < len(ordered) and ordered[index].occurred_at.at <= cut:
                replay.given += monitor.feed(ordered[index])
                replay.take_decisions(monitor)
                index += 1
            replay.given += monitor.advance_to(cut)
            replay.take_decisions(monitor)
            reference = evaluate(records, as_of=cut, rules=rules, rules_only=rules_only)
            mine, theirs = canonical(monitor.findings()), canonical(reference.findings)
            assert mine == theirs, (f"findings differ at {cut}: only the monitor's "
                                    f"{sorted(set(mine) - set(theirs))[:3]}, only the reference's "
                                    f"{sorted(set(theirs) - set(mine))[:3]}")
            assert canonical(monitor.decisions()) == canonical(reference.decisions), f"decisions differ at {cut}"
            replay.decisions += monitor.decision_changes(pending=True)
            streamed = canonical(fold_decisions(replay.decisions).values())
            assert streamed == canonical(reference.decisions), f"the decisions streamed differ at {cut}"
            assert canonical(monitor.incidents()) == canonical(reference.incidents), f"incidents differ at {cut}"
        # A violated finding whose late event came, not settled yet (a response dated by the day: one timed
        # earlier that day may still come), is replaced by the late one pending at the end.
        replacing = [finding for finding in monitor.pending() if finding.status.value == "late"]
    final = set(canonical(reference.findings))
    for finding in fold([*replay.given, *replacing]):
        assert canonical([finding])[0] in final, f"given as decided, but not the reference's at the end: {finding}"
    return replay


def event_lines(fixture: Path) -> list[str]:
    """A fixture's events file as JSON Lines in time order (the rows as they are, one object a line)."""
    with (fixture / "events.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows.sort(key=lambda row: (parse_instant(row["occurred_at"]).at, row["event_id"]))
    return [json.dumps(row, ensure_ascii=False) + "\n" for row in rows]
