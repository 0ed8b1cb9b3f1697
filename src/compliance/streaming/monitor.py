"""The streaming monitor: feed events in time order, get each finding the moment it is decided.

An example (not a doctest: it needs durable-rules, which some Pythons cannot build)::

    monitor = Monitor(units=[{"unit_id": "PC", "name": "某县委", "kind": "party_committee"}],
                      rules_only=["tonghua-2022-10.t02"])
    monitor.feed({"event_id": "e1", "unit_id": "PC", "type": "safety_study_session",
                  "occurred_at": "2022-08-01T09:00"})   # [] : nothing is decided yet
    monitor.advance_to("2022-10-01")                      # [2022-Q3 satisfied]: Q3 is over
    monitor.advance_to("2023-01-01")                      # [2022-Q4 violated]: nothing in Q4
    monitor.decision_changes()                            # [] : no sanction rule loaded (with the pack's
                                                          # policy-warning too: 警示提醒 for 2022)
    monitor.close()

(``tests/streaming/test_streaming_monitor.py`` runs it.) See ``docs/streaming.md``
for the model, the guarantees and the limits.
"""

from __future__ import annotations

import json
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, Self

from compliance.accountability.models import Decision, Incident
from compliance.accountability.sanctions import decide
from compliance.errors import ComplianceError, EvaluationError, RecordError
from compliance.facts import Event, Facts
from compliance.findings import Finding
from compliance.language import CompiledRule, Pack, ladders_of, load_packs
from compliance.records import LoadResult, Rejection, facts_from_records, load_export
from compliance.records import Mapping as RecordMapping
from compliance.records.export import MAPPING_FILE
from compliance.streaming.clock import Schedule, Watermark
from compliance.streaming.decisions import Board, DecisionChange
from compliance.streaming.desk import Desk, Ledger, finding_order
from compliance.streaming.engine import DEFAULT_SESSION_LIMIT, Engine, Session, engine
from compliance.streaming.errors import StreamingError
from compliance.streaming.followers import FOLLOWERS, Follower, RetainedFollower
from compliance.streaming.followers.sanctions import SanctionFollower
from compliance.streaming.intake import Intake
from compliance.streaming.network import CLOCK_NETWORK
from compliance.timeline import InstantError, parse_date, parse_instant


def _moment(value: datetime | date | str, what: str) -> datetime:
    try:
        return parse_instant(value).at  # a bare date: its first instant, as for --as-of
    except InstantError as error:
        raise EvaluationError(f"{what}: {error}", found=value) from None


def _day(value: date | str | None, what: str) -> date | None:
    try:
        return None if value is None else parse_date(value)
    except InstantError as error:
        raise EvaluationError(f"{what}: {error}", found=value) from None


def _compiled(rules: Iterable[Path | str] | Sequence[Pack] | None, overrides: Any,
              rules_only: Iterable[str] | None) -> tuple[list[Pack], list[CompiledRule]]:
    given = list(rules) if rules is not None else None
    packs = given if given and all(isinstance(pack, Pack) for pack in given) else load_packs(given, overrides)
    compiled = [rule for pack in packs for rule in pack.rules]
    if rules_only is None:
        return packs, compiled
    wanted = set(rules_only)
    missing = wanted.difference(rule.id for rule in compiled)
    if missing:
        raise EvaluationError("unknown rule id", found=", ".join(sorted(missing)))
    return packs, [rule for rule in compiled if rule.id in wanted]


def _release(engine_: Engine, sessions: dict[Any, Session]) -> None:
    for session in list(sessions.values()):
        engine_.release(session)
    sessions.clear()


class Monitor:
    """Follows records as they happen and gives each finding as soon as it is decided.

    Master data (units, people, measures) is given once; events are fed one at a
    time (:meth:`feed`) in time order, and :meth:`advance_to` moves the clock
    without an event. Both return the findings decided by that call: a period
    when it closes, a deadline, a response limit or a chain step's limit when it
    passes (``violated``; a later ``late`` replaces it), an answer or an event
    once no other event of its instant can still come, a record check
    (precondition, completeness, prohibited event) once its day has begun, a
    ban's breach when its first day begins. :meth:`findings` gives every finding
    at the clock, decided or not: after ``advance_to(t)`` they are those of the
    reference evaluator with ``as_of=t`` on the same records.

    Decisions (sanctions) follow their causes: an event cause (an accident) when
    its day has begun, a cause on findings whenever a finding it counts is
    decided. :meth:`decision_changes` gives the decisions changed since it was
    last called; :meth:`decisions` every decision at the clock, which after
    ``advance_to(t)`` is the reference's.

    ``rules``, ``overrides``, ``rules_only``, ``start`` and ``end`` are as for
    :func:`compliance.evaluate`. ``keep_findings=False`` forgets decided
    findings once given (:meth:`findings` then has only the undecided ones),
    so that memory stays bounded by the open work. ``session_limit`` bounds
    the live durable-rules sessions of each rule's network (process-wide).

    Raises :class:`~compliance.streaming.StreamingUnavailable` where
    durable-rules cannot be imported.
    """

    def __init__(
        self,
        *,
        units: Iterable[Any] = (),
        people: Iterable[Any] = (),
        measures: Iterable[Any] = (),
        facts: Facts | LoadResult | None = None,
        rules: Iterable[Path | str] | Sequence[Pack] | None = None,
        overrides: Mapping[str, Mapping[str, Any]] | None = None,
        rules_only: Iterable[str] | None = None,
        start: date | str | None = None,
        end: date | str | None = None,
        keep_findings: bool = True,
        session_limit: int = DEFAULT_SESSION_LIMIT,
        mapping: RecordMapping | None = None,
    ) -> None:
        self._engine = engine()
        loaded = self._master(facts, units, people, measures)
        self.rejections: tuple[Rejection, ...] = loaded.rejections
        self.packs, self.rules = _compiled(rules, overrides, rules_only)
        first, last = _day(start, "the first day of the range"), _day(end, "the last day of the range")
        if first and last and last < first:
            raise EvaluationError("the range ends before it starts", found=f"{first}..{last}")
        master = loaded.facts
        clock = Session(self._engine.register(CLOCK_NETWORK, "compliance.clock"), "clock")
        self._desk = desk = Desk(master, first, last, Watermark(), self._engine, Schedule(self._engine, clock),
                                 Ledger(keep_findings))
        desk.sessions[(clock.network, "clock")] = clock
        self._ladders = ladders_of(self.packs)
        desk.board = desk.ledger.listener = Board(self._ladders)
        self._seen: dict[str, int] = {}
        desk.seen = self._seen
        desk.grading = [rule for rule in self.rules if rule.kind == "grading"]
        self._finalizer = weakref.finalize(self, _release, self._engine, desk.sessions)
        self._followers: list[Follower] = []
        for rule in self.rules:
            follower = FOLLOWERS.get(rule.kind, RetainedFollower)(rule, desk)
            follower.network_name = self._engine.register(follower.network.definition, rule.id)
            self._engine.limit(follower.network_name, session_limit)
            self._followers.append(follower)
        desk.keeps_history = any(isinstance(follower, RetainedFollower) for follower in self._followers)
        self._routes: dict[str, list[tuple[Follower, str]]] = defaultdict(list)
        for follower in self._followers:
            for event_type, roles in follower.network.by_type.items():
                self._routes[event_type].extend((follower, role) for role in roles)
        for follower in self._followers:
            follower.start()
        self._sanctions = [follower for follower in self._followers if isinstance(follower, SanctionFollower)]
        self._mapping = mapping
        self._intake = self.intake()
        self._broken: ComplianceError | None = None
        self._closed = False
        self._changes = 0  # how often the state changed (feed, advance_to): pending() is kept for one state
        self._pending: tuple[int, list[Finding]] | None = None

    @classmethod
    def from_export(cls, path: Path | str, *, mapping: Path | str | None = None, encoding: str | None = None,
                    strict: bool = False, **options: Any) -> Monitor:
        """A monitor on the master data of an export folder; its events file, if any, is not read into it.

        ``ignored_events`` says how many event rows the export held (feed them, in time order).
        """
        loaded = load_export(Path(path), mapping=Path(mapping) if mapping else None, encoding=encoding,
                             strict=strict)
        events_file = loaded.stats.get("events", {}).get("file")
        kept = [rejection for rejection in loaded.rejections if events_file is None or rejection.file != events_file]
        master = LoadResult(Facts(loaded.facts.units.values(), loaded.facts.tenures, (), loaded.facts.measures),
                            tuple(kept), loaded.stats)
        root = Path(path)
        if mapping is None and root.is_dir() and (root / MAPPING_FILE).is_file():
            mapping = root / MAPPING_FILE  # as load_export finds it: the stream's events are mapped alike
        monitor = cls(facts=master, mapping=RecordMapping.load(mapping) if mapping else None, **options)
        monitor.ignored_events = loaded.stats.get("events", {}).get("rows", 0)
        return monitor

    ignored_events = 0

    @staticmethod
    def _master(facts: Facts | LoadResult | None, units: Iterable[Any], people: Iterable[Any],
                measures: Iterable[Any]) -> LoadResult:
        if facts is None:
            return facts_from_records(units, people, (), measures)
        loaded = facts if isinstance(facts, LoadResult) else LoadResult(facts=facts, rejections=(), stats={})
        if loaded.facts.events:
            raise EvaluationError(
                "the monitor's master data holds events",
                found=f"{len(loaded.facts.events)} events",
                suggestion="give units, people and measures only, and feed the events in time order",
            )
        return loaded

    # -- time -------------------------------------------------------------------------
    def intake(self, file: str = "<stream>") -> Intake:
        """A validator of single events against this monitor's units and mapping (rejections name ``file``)."""
        return Intake(self._desk.master.units, self._mapping, file=file)

    @property
    def units(self) -> list[str]:
        """The ids of the master data's units (events name one of them)."""
        return list(self._desk.master.units)

    @property
    def clock(self) -> datetime | None:
        """The least evaluation instant any later answer can have (None before the first event)."""
        return self._desk.watermark.clock

    def feed(self, event: Event | Mapping[str, Any]) -> list[Finding]:
        """Take one event (not older than the clock); the findings decided by it, in canonical order.

        An event identical to one fed before is ignored; one with the id of an
        earlier event and other content is refused (:class:`RecordError`), as is
        an event of an unknown unit. An event older than what the monitor has
        been told is complete raises :class:`OutOfOrderEvent`; the monitor is
        unchanged and can go on.
        """
        with self._guard():
            event = self._event(event)
            if event is None:
                return []
            self._desk.watermark.admit(event.occurred_at.at, event.event_id)
            self._changes += 1
            self._settle()  # what the time before this event decides, before the event is counted
            self._route(event)
            self._seen[event.event_id] = _digest(event)  # known (graded, if an accident) from here on
            self._desk.arrived(event)
            self._settle()
            return self._desk.ledger.take()

    def feed_all(self, events: Iterable[Event | Mapping[str, Any]]) -> Iterator[Finding]:
        """Feed events in turn, yielding each finding as it is decided."""
        for event in events:
            yield from self.feed(event)

    def advance_to(self, instant: datetime | date | str) -> list[Finding]:
        """Declare every event up to and including ``instant`` delivered, and move the clock there.

        Returns the findings this decides. ``instant`` must not be before the clock.
        """
        moment = _moment(instant, "the instant to advance to")
        with self._guard():
            self._desk.watermark.advance(moment)
            self._changes += 1
            self._settle()
            return self._desk.ledger.take()

    # -- answers -------------------------------------------------------------------------
    def pending(self) -> list[Finding]:
        """The findings not decided yet, as they stand at the clock (``open``, ``at_risk``…)."""
        with self._guard():
            if self.clock is None:
                return []
            if self._pending is None or self._pending[0] != self._changes:
                found = sorted((finding for follower in self._followers for finding in follower.pending()),
                               key=finding_order)
                self._pending = (self._changes, found)
            return list(self._pending[1])

    def findings(self) -> list[Finding]:
        """Every finding at the clock: those decided (if kept) and those pending, in canonical order."""
        return sorted([*self._desk.ledger.kept(), *self.pending()], key=finding_order)

    def incidents(self) -> list[Incident]:
        """The graded events (accidents) fed so far, by id."""
        return [self._desk.incidents[key] for key in sorted(self._desk.incidents)]

    def decisions(self, findings: Sequence[Finding] | None = None) -> list[Decision]:
        """Every accountability decision at the clock, in canonical order: after ``advance_to(t)``, the reference's.

        Sanctions on findings count the findings decided and those pending as they stand
        (or, given ``findings``, those instead); sanctions on events, the causes applied so far.
        """
        with self._guard():
            if not self._sanctions or self.clock is None:
                return []
            board = self._desk.board
            board.refresh()
            applications = board.applications(events_only=True)
            pending = self.pending() if findings is None else []
            for follower in self._sanctions:
                if follower.rule.obligation.when.findings is not None:
                    counted = [*follower.counted(), *pending] if findings is None else list(findings)
                    applications += follower.applications(counted)
            return decide(applications, self._ladders)

    def decision_changes(self, *, pending: bool = False) -> list[DecisionChange]:
        """The decisions changed since the last call, in canonical order: what to tell whoever follows them.

        A :class:`~compliance.accountability.models.Decision` is new or replaces the one
        reported for its unit (or person), year and ladder; a
        :class:`~compliance.streaming.decisions.DecisionWithdrawn` says that one no longer
        holds. The changes count what has been decided: event causes whose day has begun,
        and the decided findings. With ``pending``, they also count the findings still
        pending, as they stand at the clock: the changes then bring what was reported to
        :meth:`decisions` (``compliance watch`` does this at the end of its input); a later
        call without it reports what the decided findings alone decide again.
        """
        with self._guard():
            board = self._desk.board
            return board.changes(self.decisions()) if pending else board.changes()

    @property
    def stats(self) -> dict[str, Any]:
        """What the monitor holds and what the engine's guards did (for tests and the benchmark)."""
        desk = self._desk
        engine_stats = self._engine.stats
        return {
            "events": len(self._seen),
            "boundaries": len(desk.schedule),
            "sessions": len(desk.sessions),
            "history": len(desk.history),
            "named": len(desk.named),
            "collisions": engine_stats.collisions,
            "evictions": engine_stats.evictions,
            "rebuilds": engine_stats.rebuilds,
            "max_live": max((engine_stats.max_live.get(f.network_name, 0) for f in self._followers), default=0),
        }

    def close(self) -> None:
        """Delete the monitor's sessions; it cannot be used afterwards."""
        self._closed = True
        self._finalizer()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- inside ------------------------------------------------------------------------
    @contextmanager
    def _guard(self) -> Iterator[None]:
        if self._closed:
            raise StreamingError("the monitor is closed")
        if self._broken is not None:
            raise StreamingError("the monitor stopped after an error", found=str(self._broken)) from self._broken
        try:
            yield
        except StreamingError as error:
            self._broken = error
            raise
        except ComplianceError:
            raise  # a refused event or instant: nothing was changed
        except Exception as error:
            self._broken = StreamingError("the monitor failed", found=repr(error))
            raise self._broken from error

    def _event(self, given: Event | Mapping[str, Any]) -> Event | None:
        if isinstance(given, Event):
            if given.unit_id not in self._desk.master.units:
                raise RecordError(f"unit_id: unit {given.unit_id!r} does not exist in units", found=given.event_id)
            event = given
        elif isinstance(given, Mapping):
            read = self._intake.read(given)
            if isinstance(read, Rejection):
                raise RecordError(read.reason, found=given.get("event_id"))
            event = read
        else:
            raise RecordError(f"expected an Event or a dict, not {type(given).__name__}")
        known = self._seen.get(event.event_id)
        if known is None:
            return event
        if known == _digest(event):
            return None  # the same record again: merged, as loading an export merges it
        raise RecordError("event_id: duplicate of an earlier event with different content", found=event.event_id)

    def _route(self, event: Event) -> None:
        for follower, role in self._routes.get(event.type, ()):
            if follower.wants(follower.network.roles[role], event):
                follower.select(role, event)

    def _settle(self) -> None:
        desk = self._desk
        while True:
            passed = desk.schedule.passed(desk.watermark)
            if not passed:
                return
            keys: dict[Follower, list[Any]] = {}
            for follower, key in passed:  # in the order of their instants, each follower's in one call
                keys.setdefault(follower, []).append(key)
            for follower, batch in keys.items():
                follower.fired_all(batch)


def _digest(event: Event) -> int:
    return hash((event.unit_id, event.type, event.occurred_at, event.actor_id, event.target_id,
                 json.dumps(event.attributes, sort_keys=True, ensure_ascii=False, default=str)))
