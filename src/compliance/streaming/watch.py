"""What ``compliance watch`` does, without printing: lines of events in, findings (and decisions) and refusals out.

``compliance watch DATA`` reads the master data (units, people, measures) from
the export ``DATA``; an events file there is not read (the events come from
standard input; the command says how many rows it left). Each line of standard
input is one event, with the fields of a row of the events file (JSON Lines).
:func:`follow` feeds them to a :class:`~compliance.streaming.Monitor` and yields
every finding the moment it is decided, and a :class:`Refusal` for each line
that cannot be used (not JSON, not a valid event, older than the clock, an id
reused with other content): reported, counted, never dropped in silence.
Events after ``until`` are not fed (as ``--as-of`` ignores them) and are
counted. At the end of input the monitor advances to ``until`` (default: now,
or the last event's instant if later) and the findings still undecided are
yielded as they stand then.

With ``decisions``, the decision changes are yielded too, after the findings of
the call that brought them (:meth:`Monitor.decision_changes`); at the end, those
that the pending findings bring, so that the decisions folded from the output
are those of ``compliance evaluate --as-of until``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from compliance.errors import RecordError
from compliance.findings import Finding
from compliance.records import Rejection
from compliance.streaming.decisions import DecisionChange
from compliance.streaming.errors import OutOfOrderEvent
from compliance.streaming.intake import Intake
from compliance.streaming.monitor import Monitor
from compliance.timeline import SHANGHAI

STDIN = "<stdin>"


@dataclass(frozen=True)
class Refusal:
    """A line of input that was not fed, and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"{STDIN}:{self.line}: {self.reason}"


@dataclass
class Tally:
    """Counts of the lines read: fed, refused, after ``until``, repeated; findings and decision changes given."""

    lines: int = 0
    fed: int = 0
    refused: int = 0
    after_until: int = 0
    repeated: int = 0
    findings: int = 0
    decisions: int = 0


def follow(monitor: Monitor, lines: Iterable[str], *, until: datetime | None, tally: Tally,
           intake: Intake | None = None, decisions: bool = False
           ) -> Iterator[Finding | DecisionChange | Refusal]:
    """Feed each line's event; yield findings as decided and refusals as met, then the rest at ``until``.

    With ``decisions``, the decision changes each call brings follow its findings.
    """
    intake = intake or monitor.intake(STDIN)

    def changes(pending: bool = False) -> list[DecisionChange]:
        if not decisions:
            return []
        found = monitor.decision_changes(pending=pending)
        tally.decisions += len(found)
        return found

    for number, text in enumerate(lines, 1):
        text = text.strip()
        if not text:
            continue
        tally.lines += 1
        refusal, event = _read(intake, number, text)
        if refusal is None and until is not None and event.occurred_at.at > until:
            tally.after_until += 1
            continue
        if refusal is None:
            before = monitor.stats["events"]
            try:
                found = monitor.feed(event)
            except (OutOfOrderEvent, RecordError) as error:  # this line only: the monitor is unchanged
                refusal = Refusal(number, error.render())
            else:
                if monitor.stats["events"] == before:
                    tally.repeated += 1  # the same event again: merged, as an export's duplicate rows are
                else:
                    tally.fed += 1
                tally.findings += len(found)
                yield from found
                yield from changes()
        if refusal is not None:
            tally.refused += 1
            yield refusal
    end = until or datetime.now(SHANGHAI).replace(microsecond=0)
    if monitor.clock is not None and end < monitor.clock:
        end = monitor.clock  # without --until: now, or the last event's instant if the stream went past now
    for found in (monitor.advance_to(end), monitor.pending()):
        tally.findings += len(found)
        yield from found
    yield from changes()
    yield from changes(pending=True)


def _read(intake: Intake, number: int, text: str) -> tuple[Refusal | None, object]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return Refusal(number, f"not valid JSON: {error.msg} (column {error.colno})"), None
    if not isinstance(data, dict):
        return Refusal(number, f"not a JSON object but {type(data).__name__}"), None
    read = intake.read(data, number)
    if isinstance(read, Rejection):
        return Refusal(number, read.reason), None
    return None, read

