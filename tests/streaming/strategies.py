"""Hypothesis strategies of event histories for the streaming tests.

A history is a fixture's records with a few *edits* of its events (so that every
shipped rule keeps something to decide): an event dropped, moved by an hour, a
day, a week or a month, turned into a bare date, moved to the first instant of
its day or to the last microsecond before it, or repeated at the same instant
under another id (ties, which the reference breaks by id); and a few evaluation
instants (cuts) at month starts, at events and a microsecond after them. Edits
shrink to fewer edits; an empty list is the fixture itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import strategies as st

from compliance.facts import Event, Facts
from compliance.records import LoadResult, load_export
from compliance.timeline import SHANGHAI, Instant

SHIFTS = (timedelta(hours=1), timedelta(days=1), timedelta(days=7), timedelta(days=30), -timedelta(days=1),
          -timedelta(days=7))
EDITS = ("drop", "shift", "bare", "day_start", "just_before", "repeat")


@dataclass(frozen=True)
class History:
    loaded: LoadResult
    events: tuple[Event, ...]
    cuts: tuple[datetime, ...]
    fixture: str = ""
    edits: tuple = ()

    def __repr__(self) -> str:  # the edits, not the hundreds of events
        edits = ", ".join(f"{kind} #{index}" + (f" {shift}" if kind == "shift" else "") for index, kind, shift in self.edits)
        return f"History({self.fixture}: [{edits}], cuts={[cut.isoformat() for cut in self.cuts]})"


_LOADED: dict[Path, LoadResult] = {}


def _load(path: Path) -> LoadResult:
    if path not in _LOADED:
        _LOADED[path] = load_export(path)
    return _LOADED[path]


def _at(event: Event, moment: datetime, date_only: bool = False) -> Event:
    if date_only:
        moment = datetime.combine(moment.astimezone(SHANGHAI).date(), datetime.min.time(), SHANGHAI)
    return event.model_copy(update={"occurred_at": Instant(moment, date_only)})


def _edit(event: Event, kind: str, shift: timedelta) -> list[Event]:
    at = event.occurred_at.at
    if kind == "drop":
        return []
    if kind == "shift":
        return [_at(event, at + shift, event.occurred_at.date_only)]
    if kind == "bare":
        return [_at(event, at, True)]
    if kind == "day_start":
        return [_at(event, at.replace(hour=0, minute=0, second=0, microsecond=0))]
    if kind == "just_before":
        return [_at(event, at.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(microseconds=1))]
    return [event, event.model_copy(update={"event_id": event.event_id + "-again"})]


@st.composite
def histories(draw, fixtures: list[Path], max_edits: int = 12) -> History:
    """Edited histories of one of ``fixtures`` (export folders), with 1 to 3 cuts."""
    path = draw(st.sampled_from(fixtures))
    loaded = _load(path)
    events = sorted(loaded.facts.events.values(), key=lambda event: (event.occurred_at.at, event.event_id))
    edits = draw(st.lists(st.tuples(st.integers(0, len(events) - 1), st.sampled_from(EDITS),
                                    st.sampled_from(SHIFTS)), max_size=max_edits, unique_by=lambda edit: edit[0]))
    changed = {index: _edit(events[index], kind, shift) for index, kind, shift in edits}
    edited = tuple(item for index, event in enumerate(events) for item in changed.get(index, [event]))
    anchors = [event.occurred_at.at for event in edited]
    month_starts = [datetime(year, month, 1, tzinfo=SHANGHAI) for year in (2022, 2023) for month in range(1, 13)]
    cut = st.one_of(
        st.sampled_from(month_starts),
        st.builds(lambda at, step: at + step, st.sampled_from(anchors),
                  st.sampled_from((timedelta(0), timedelta(microseconds=1), timedelta(hours=12)))),
    )
    cuts = tuple(draw(st.lists(cut, min_size=1, max_size=3, unique=True)))
    facts = loaded.facts
    return History(LoadResult(Facts(facts.units.values(), facts.tenures, (), facts.measures), (), {}), edited, cuts,
                   path.name, tuple(edits))
