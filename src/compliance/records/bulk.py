"""A large CSV file of events read in bulk, with Apache Arrow, as the row path reads it.

The row path (:class:`~compliance.records.assembly.Assembler`) costs about 10 µs
per event in Python, and the event index built after it (each (unit, type) in
time order) a few more. This module does what it can in Arrow's columnar
kernels, where it can show that the result is the one the row path gives, and
hands every other row to the row path, in its place in the file, which gives its
record or its rejection as always: *vouch or fall back* (design.md).

The whole file goes the row path unless:

- it is UTF-8 (with or without a byte-order mark), and every line is a CSV
  record of its own, written plainly: values quoted whole or not at all, no
  value spanning lines, no carriage return but before a line feed. For such
  lines Python's csv module and Arrow's CSV reader read the same values;
- its header is its first line, and the event needs no mapped values (a
  mapping's value tables).

A row is vouched for, and becomes an event here, when it has as many values as
the header has columns, its event id, unit, type and time are given, its unit is
one of the export's, its type is a vocabulary name, its time reads (the common
ISO forms in Arrow, checked field by field; any other form by
:func:`~compliance.timeline.parse_instant` itself, once per distinct text), no
other row of the file has its id, and its attributes make an event exactly as
the row path makes them (the same function, row by row). Values are stripped of
exactly the characters ``str.strip`` strips. Which rows are vouched for is worked
out in Arrow on the thread that read the file, while the attributes of every row
of a known type and unit are typed in Python (:func:`bulk_events`): two cores at once.

The rows vouched for are also sorted by (unit, type, instant, id) and by (type,
instant, id) in Arrow, which gives the events index of :class:`~compliance.facts.Facts`
without a pass of Python over the events (:meth:`BulkEvents.facts`).

Their events are made when they are first asked for (:class:`EventRows`): a
rule reads a few types of events, of the units it binds, often only those with
some attributes (a selector's ``where``: :meth:`EventsIndex.having` reads the
typed attributes before any event is made), and the 通化 pack makes about a
twentieth of the events of a year's export. Everything that decides
whether a row is taken or rejected (its attributes as JSON, typed) is done when
the file is read; what waits is putting the event together from values held
here (its id, unit, type, instant, actor, target and typed attributes), so a
late event is the same as one made at once. ``Facts.events`` and the index are
mappings that make the events of a key, and keep them, on the first look-up;
each event is one object whichever way it is reached.
"""

from __future__ import annotations

import csv
import re
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, Future
from datetime import date, datetime, timedelta
from functools import partial
from itertools import compress, pairwise, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from compliance.facts import event_record, matching
from compliance.records.readers import UTF8, UTF8_BOM, RawRow, _header, _too_long
from compliance.timeline import SHANGHAI, Instant, InstantError, _make, parse_instant
from compliance.vocabulary import VOCABULARY

if TYPE_CHECKING:
    from compliance.records.assembly import EventColumns

BULK_FROM_BYTES = 1 << 20
"""Events files at least this large are read in bulk (importing Arrow costs more than it saves below)."""

WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""The characters ``str.strip()`` strips (those for which ``str.isspace()`` holds)."""

# A line that is a CSV record on its own, as Python's csv module and Arrow both read it: each value
# unquoted (no quote, comma or line break in it) or quoted whole (quotes doubled inside, no line break).
_FIELD = r'(?:[^",\r\n\x00]*|"(?:[^"\r\n\x00]|"")*")'
PLAIN_LINE = rf"^{_FIELD}(?:,{_FIELD})*$"
_BLANK = r'^(?:"")?(?:,(?:"")?)*$'  # no value at all: the csv reader's blank row
_PLAIN, _EMPTY = re.compile(PLAIN_LINE), re.compile(_BLANK)  # the same, for one line in Python

# The times read in Arrow: a day, or a day and a clock time, naive, at +08:00 or in UTC (Z), years 1900 to 2999.
_DAY = r"(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
DAY_ONLY = rf"^{_DAY}$"
DAY_AND_CLOCK = rf"^{_DAY}[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?(?:\+08:00|Z)?$"

_EPOCH = datetime(1970, 1, 1, tzinfo=SHANGHAI)
_MICROSECOND = timedelta(microseconds=1)
_EIGHT_HOURS = 8 * 3600 * 1_000_000
_YEAR_3000 = (datetime(3000, 1, 1, tzinfo=SHANGHAI) - _EPOCH) // _MICROSECOND


def arrow() -> tuple[Any, Any, Any]:
    """pyarrow, its compute functions and its CSV reader, imported when first needed."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    return pa, pc, pcsv


class BulkEvents:
    """The rows of one events file: the events of the rows vouched for, and the other rows (see the module).

    Built by :func:`bulk_events`. ``rows(accepted)`` types the attributes of the
    vouched rows, then yields the other rows in file order as the CSV reader
    would, for the row path, which appends their events to ``accepted``. The
    events of the vouched rows are made when they are first asked for
    (:meth:`facts`): a rule reads a few types of events, of the units it binds.
    """

    def __init__(self, read: EventsFile, reader: EventColumns, typer: _Typer,
                 vouching: Callable[[], tuple[Any, dict[str, Any], _Instants, Any]]) -> None:
        self._numbers = read.numbers  # the 1-based line of each row of ``table``
        self._table = read.table  # the rows with as many values as columns, as read (not stripped)
        self._kept = read.kept  # the place of each of those rows among the rows Arrow read (None: the same)
        self._aside = read.aside  # line -> values, for the other rows that hold a value
        self._columns = read.columns
        self._reader = reader
        self._typer: _Typer | None = typer  # types every row's attributes (some typed already)
        self._vouching: Any = vouching  # gives _vouch's result (worked out meanwhile on another thread, or then)
        self._vouched: Any = None  # a bool per row of ``table``
        self._vouched_rows: list[int] = []  # their rows in ``table``
        self._vouched_lines: list[int] = []
        self._instants: _Instants | None = None
        self._keys: dict[str, Any] = {}  # the stripped, typed key columns of the vouched rows (Arrow)
        self._index: Any = None  # their index (_sorted), when it was sorted meanwhile on the other thread
        self._attributes: list[Any] = []  # the typed attributes of each vouched row kept (None: none given)
        self._lines: list[int] = []  # the line of each vouched row kept
        self._before = 0  # the events in ``accepted`` before this file's (another events source's)
        self._other_lines: list[int] = []  # the line of each event the row path made of this file's rows

    @property
    def made(self) -> int:
        """How many events the vouched rows give (the rows the caller's loop did not see)."""
        return len(self._attributes)

    def rows(self, accepted: list[Any]) -> Iterator[RawRow]:
        _, pc, _ = arrow()
        failed = self._check()
        at = pc.indices_nonzero(pc.invert(self._vouched))
        values = [list(row.values()) for row in self._table.take(at).to_pylist()]  # the rows not vouched for
        waiting = sorted([(line, None) for line in self._aside]
                         + list(zip(self._numbers.take(at).to_pylist(), range(len(values))))
                         + [(self._vouched_lines[position], -1 - position) for position in failed])
        self._before = len(accepted)
        for line, where in waiting:
            before = len(accepted)
            if where is None:
                yield self._set_aside(line, self._aside[line])
            elif where >= 0:
                yield line, self._columns, values[where], None
            else:  # vouched for, but its attributes are for the row path to judge
                row = self._table.slice(self._vouched_rows[-1 - where], 1).to_pylist()[0]
                yield line, self._columns, list(row.values()), None
            if len(accepted) > before:  # the row path took this row's event
                self._other_lines.append(line)
        self._table = None  # the text of the file is no longer needed

    def _check(self) -> list[int]:
        """The vouched rows' attributes typed (``_attributes``, ``_lines``); the positions of the rows that gave
        none (their events are the row path's to make or reject).

        Every row Arrow read of a known type and unit is typed, in Python, while
        :func:`_vouch` works out in Arrow, on another thread, which rows are vouched
        for (two cores at once); then the vouched rows' are kept.
        """
        pa, pc, _ = arrow()
        assert self._typer is not None and self._vouching is not None, "checked once"
        found = self._typer.rest()
        self._typer = None
        vouched, keys, self._instants, index = self._vouching()
        self._vouching = None
        self._vouched = vouched
        rows = pc.indices_nonzero(vouched)
        self._vouched_rows = rows.to_pylist()
        numbers = self._vouched_lines = self._numbers.take(rows).to_pylist()
        read = rows if self._kept is None else self._kept.take(rows)  # their places among the rows typed
        if len(read) < len(found):
            found = list(map(found.__getitem__, read.to_pylist()))
        failed: list[int] = []  # positions among the vouched rows whose event only the row path can make
        if False in found:  # identity or equality: a dict equals False never
            for position, value in enumerate(found):
                if value is False:
                    failed.append(position)
                else:
                    self._attributes.append(value)
                    self._lines.append(numbers[position])
        else:
            self._attributes, self._lines = found, numbers
        self._index = index if not failed else None  # the index of these rows, if it was sorted
        kept = None if not failed else pa.array(_without(len(numbers), failed))
        # the key columns of the vouched rows that give an event: the events', and the names in the summary's
        self._keys = {name: keys[name] if kept is None else keys[name].filter(kept) for name in _KEPT}
        return failed

    def _set_aside(self, line: int, values: list[str]) -> RawRow:
        """A row with fewer or more values than the header has columns, as the CSV reader gives it."""
        if len(values) > len(self._columns):
            named, kept, problem = _too_long(self._columns, values)
            return line, named, kept, problem
        return line, self._columns, values, None

    def named(self, accepted: list[Any]) -> tuple[dict[str | None, int], dict[str | None, int]]:
        """How many events name each actor, and each target (None: none named), as
        :func:`~compliance.records.assembly._named` counts them: the vouched rows counted in Arrow, the row
        path's events (``accepted``) one by one."""
        _, pc, _ = arrow()
        keys = self._keys
        counts = []
        for name in ("actor_id", "target_id"):
            found = pc.value_counts(keys[name])
            counted: dict[str | None, int] = Counter()
            for value, count in zip(found.field("values").to_pylist(), found.field("counts").to_pylist()):
                counted[value or None] = count  # an empty value names no one (EventColumns.make)
            for event in accepted:
                counted[getattr(event, name)] += 1
            counts.append(counted)
        return counts[0], counts[1]

    def facts(self, accepted: list[Any]) -> dict[str, Any]:
        """``Facts``' ``events`` and events index (``_by_unit_type``, ``_by_type``): the events of the vouched
        rows and those the row path made (``accepted``), each made when first asked for.

        The vouched rows' keys are sorted in Arrow (on the reading thread, while
        their attributes were typed, when every one of them gives an event); an
        event the row path made joins them with its keys read in Python.
        """
        pa, pc, _ = arrow()
        keys = self._keys
        rows = EventRows(pa, keys, self._attributes, self._instants, self._reader.fields_sets, accepted)
        index = self._index if not accepted else None  # sorted on the other thread, if it was
        if index is None:
            units, kinds, ats, ids = (keys[name] for name in _INDEX_KEYS)
            if accepted:
                units = pa.concat_arrays([units, pa.array([event.unit_id for event in accepted], pa.string())])
                kinds = pa.concat_arrays([kinds, pa.array([event.type for event in accepted], pa.string())])
                ats = pa.concat_arrays([ats, pa.array([_microseconds(event.occurred_at.at) for event in accepted],
                                                      pa.int64())])
                ids = pa.concat_arrays([ids, pa.array([event.event_id for event in accepted], pa.string())])
            index = _sorted(pa, pc, units, kinds, ats, ids)
        self._index = None
        (order, spans), (type_order, type_spans) = index
        by_unit_type, by_type = EventsIndex(rows, order, spans), EventsIndex(rows, type_order, type_spans)
        after = len(self._other_lines) + self._before  # the events of a later events source come last
        lines = (self._lines + [0] * self._before + self._other_lines
                 + [sys.maxsize] * (len(accepted) - after))
        return {"events": EventsById(rows, lines), "_by_unit_type": by_unit_type, "_by_type": by_type}


class EventRows:
    """The events of an events file read in bulk, by position: the vouched rows' events, made when first asked
    for (always the same object), then the row path's, made already (``others``).

    The vouched rows' ids stay in Arrow (a rule reads a few of them); their other
    text values are held dictionary-encoded (each distinct name once, interned),
    their instants by their position in ``instants``.
    """

    def __init__(self, pa: Any, keys: dict[str, Any], attributes: list[Any], instants: _Instants,
                 fields_sets: list[Any], others: list[Any]) -> None:
        self._vouched = len(keys["event_id"])  # the vouched rows' events come first
        self._units, self._unit_at = _encoded(pa, keys["unit_id"])
        self._types, self._type_at = _encoded(pa, keys["type"])
        self._actors, self._actor_at = _encoded(pa, keys["actor_id"])
        self._targets, self._target_at = _encoded(pa, keys["target_id"])
        self._instants, self._instant_at = instants, _integers(pa, keys["instant"])
        self._attributes = attributes
        self._fields_sets = fields_sets
        self._made: list[Any] = [None] * self._vouched + list(others)
        self._id_column = keys["event_id"]
        self._at: dict[str, int] | None = None  # id -> position, once enough events were looked up by id
        self._other_at = {event.event_id: position for position, event in enumerate(others, self._vouched)}
        self._scans = 0  # the look-ups by id answered by a scan of the ids in Arrow
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._made)

    def position(self, event_id: Any) -> int | None:
        """The position of the event with this id, if any.

        The first few look-ups scan the ids in Arrow (a millisecond each for a
        million events); then a dictionary of every id is made (a few tenths of a
        second), as a run that looks up many events by id needs.
        """
        if self._at is not None:
            return self._at.get(event_id)
        if event_id.__class__ is not str:
            return None
        if self._scans < _SCANS:
            self._scans += 1
            _, pc, _ = arrow()
            found = pc.index(self._id_column, value=event_id).as_py()
            return found if found >= 0 else self._other_at.get(event_id)
        ids = self.ids()
        self._at = dict(zip(ids, range(len(ids))))
        return self._at.get(event_id)

    def ids(self) -> list[str]:
        """The event id of each position."""
        made = self._made
        return self._id_column.to_pylist() + [made[position].event_id for position in range(self._vouched, len(made))]

    def events(self, positions: Any) -> list[Any]:
        """The events at these positions, in this order.

        An event once made is never replaced, and it is made under a lock, so
        that threads reading the same facts get the same object.
        """
        made = self._made
        if any(made[position] is None for position in positions):
            with self._lock:
                new = [position for position in positions if made[position] is None]
                if new:
                    self._make(new)
        return [made[position] for position in positions]

    def having(self, positions: Any, attributes: Mapping[str, Any]) -> list[int]:
        """The positions, in order, of the events that have ``attributes`` (name to a value, or to a list or
        tuple of values), read from the typed attributes of the events not made yet."""
        given, made, vouched = self._attributes, self._made, self._vouched
        found = list(positions)
        dicts = [(given[position] or _NONE) if position < vouched else made[position].attributes
                 for position in found]
        for name, expected in attributes.items():
            keep = list(matching(map(dict.get, dicts, repeat(name)), expected))
            found, dicts = list(compress(found, keep)), list(compress(dicts, keep))
        return found

    def _make(self, positions: list[int]) -> None:
        """Make the events at these positions (of vouched rows, not made yet)."""
        pa, _, _ = arrow()
        made, attributes, fields_sets = self._made, self._attributes, self._fields_sets
        ids = self._id_column.take(pa.array(positions, pa.int64())).to_pylist()
        units, unit_at, types, type_at = self._units, self._unit_at, self._types, self._type_at
        actors, actor_at, targets, target_at = self._actors, self._actor_at, self._targets, self._target_at
        instant, instant_at, instants = self._instants.__getitem__, self._instant_at, self._instants.made
        for position, event_id in zip(positions, ids):
            actor = actors[actor_at[position]]
            target = targets[target_at[position]]
            given = attributes[position]
            at = instant_at[position]
            mask = (0 if actor is None else 1) | (0 if target is None else 2) | (0 if given is None else 4)
            made[position] = event_record(event_id, units[unit_at[position]], types[type_at[position]],
                                          instants[at] or instant(at), actor, target,
                                          {} if given is None else given, fields_sets[mask])


class EventsIndex(Mapping[Any, list[Any]]):
    """A key's events in (instant, id) order (``Facts._by_unit_type``, ``Facts._by_type``), made on first ``get``.

    ``spans`` gives each key's run of ``order``, the positions of ``rows`` sorted
    by (key, instant, id).
    """

    def __init__(self, rows: EventRows, order: Any, spans: dict[Any, tuple[int, int]]) -> None:
        self._rows = rows
        self._order = order
        self._spans = spans
        self._lists: dict[Any, list[Any]] = {}

    def get(self, key: Any, default: Any = None) -> Any:
        found = self._lists.get(key)
        if found is None:
            span = self._spans.get(key)
            if span is None:
                return default
            found = self._lists[key] = self._rows.events(self._order[span[0]:span[1]])
        return found

    def __getitem__(self, key: Any) -> list[Any]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def having(self, key: Any, attributes: Mapping[str, Any]) -> list[Any]:
        """A key's events in order that have ``attributes`` (:meth:`~compliance.facts.Facts.events_of_type`);
        only they are made: the attributes of an event not made yet are at hand."""
        span = self._spans.get(key)
        if span is None:
            return []
        return self._rows.events(self._rows.having(self._order[span[0]:span[1]], attributes))

    def __contains__(self, key: object) -> bool:
        return key in self._spans

    def __iter__(self) -> Iterator[Any]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)


class EventsById(Mapping[str, Any]):
    """``Facts.events``: each event by its id, in file order (``lines``: each position's line), made on first
    ``get``."""

    def __init__(self, rows: EventRows, lines: list[int]) -> None:
        self._rows = rows
        self._lines = lines

    def get(self, key: Any, default: Any = None) -> Any:
        position = self._rows.position(key)
        return default if position is None else self._rows.events((position,))[0]

    def __getitem__(self, key: str) -> Any:
        position = self._rows.position(key)
        if position is None:
            raise KeyError(key)
        return self._rows.events((position,))[0]

    def __contains__(self, key: object) -> bool:
        return self._rows.position(key) is not None

    def __iter__(self) -> Iterator[str]:
        ids, lines = self._rows.ids(), self._lines
        return iter([ids[position] for position in sorted(range(len(ids)), key=lines.__getitem__)])

    def __len__(self) -> int:
        return len(self._rows)


_SCANS = 64  # look-ups by id answered by a scan before EventRows makes its dictionary of ids
_NONE: dict[str, Any] = {}  # the attributes of an event given none (read, never written)
_INDEX_KEYS = ("unit_id", "type", "at", "event_id")
_KEPT = (*_INDEX_KEYS, "instant", "actor_id", "target_id")


def _without(size: int, removed: list[int]) -> list[bool]:
    flags = [True] * size
    for position in removed:
        flags[position] = False
    return flags


def _microseconds(moment: datetime) -> int:
    """Microseconds from 1970-01-01 00:00 to ``moment`` on the Shanghai clock (what Arrow holds)."""
    return (moment - _EPOCH) // _MICROSECOND


def _encoded(pa: Any, values: Any) -> tuple[list[str | None], Any]:
    """The distinct texts of a column (interned; the empty text as None), and each row's place among them."""
    encoded = values.dictionary_encode()
    names = [sys.intern(name) if name else None for name in encoded.dictionary.to_pylist()]
    return names, _integers(pa, encoded.indices)


def _integers(pa: Any, values: Any) -> Any:
    """The values of an integer array without nulls, as a sequence of ints (on Arrow's buffer, no copy)."""
    values = values.cast(pa.int64())
    if not len(values):
        return ()
    return memoryview(values.buffers()[1]).cast("q")[values.offset:values.offset + len(values)]


def _sorted(pa: Any, pc: Any, units: Any, kinds: Any, ats: Any, ids: Any) -> tuple[tuple[Any, dict[Any, Any]], ...]:
    """The events index of events given by their keys (unit, type, Shanghai microseconds, id): the positions
    sorted by (unit, type, instant, id) with each (unit, type)'s run among them, and sorted by (type,
    instant, id) with each type's run (:class:`EventsIndex`)."""
    unit_codes, kind_codes = units.dictionary_encode(), kinds.dictionary_encode()
    table = pa.table({"unit": unit_codes.indices, "type": kind_codes.indices, "at": ats, "id": ids})
    unit_names, kind_names = unit_codes.dictionary.to_pylist(), kind_codes.dictionary.to_pylist()
    order, spans = _spans(pa, pc, table, ["unit", "type"])
    by_unit_type = order, {(unit_names[unit], kind_names[kind]): span for (unit, kind), span in spans}
    order, spans = _spans(pa, pc, table, ["type"])
    return by_unit_type, (order, {kind_names[kind]: span for (kind,), span in spans})


def _spans(pa: Any, pc: Any, table: Any, by: list[str]) -> tuple[Any, list[tuple[tuple[int, ...], tuple[int, int]]]]:
    """The rows of ``table`` sorted by the ``by`` columns (codes), then (at, id); each group's codes and run."""
    if not table.num_rows:
        return (), []
    order = pc.sort_indices(table, sort_keys=[(name, "ascending") for name in by] + [("at", "ascending"),
                                                                                       ("id", "ascending")])
    sorted_keys = [pc.take(table[name], order).combine_chunks() for name in by]
    change = None
    for column in sorted_keys:
        differs = pc.not_equal(column.slice(1), column.slice(0, len(column) - 1))
        change = differs if change is None else pc.or_(change, differs)
    starts = [0] + pc.add(pc.indices_nonzero(change), 1).to_pylist()  # type: ignore[arg-type]
    codes = list(zip(*(pc.take(column, pa.array(starts, pa.int64())).to_pylist() for column in sorted_keys)))
    bounds = [*starts, table.num_rows]
    return _integers(pa, order), list(zip(codes, pairwise(bounds)))


class ArrowRead(NamedTuple):
    """The rows of an events file as Arrow read them (:func:`read_table`); its lines are not checked yet."""

    path: str
    data: bytes  # the file, without a byte-order mark
    columns: tuple[str, ...]  # the header
    table: Any  # the rows with as many values as columns, as read (not stripped; blank rows too)
    other: list[str]  # the texts of the lines with another number of values (and not empty)


class EventsFile(NamedTuple):
    """An events file read in bulk, its lines checked (:func:`checked_lines`); its rows not yet checked."""

    path: str
    columns: tuple[str, ...]  # the header
    numbers: Any  # the 1-based line of each row of ``table``
    table: Any  # the rows with as many values as columns, as read (not stripped), but for blank rows
    aside: dict[int, list[str]]  # line -> values, for the other rows that hold a value
    kept: Any  # the place of each row of ``table`` among those of ``ArrowRead.table`` (None: the same)


class Reading:
    """An events file read in Arrow: on ``pool`` (of one thread), or at once, on this thread, without one.

    :meth:`table` gives its rows as soon as Arrow has read them
    (:func:`read_table`), while the pool's thread goes on to check its lines
    (:func:`checked_lines`; :meth:`busy` till then, :meth:`checked`): the caller
    can type the rows' attributes meanwhile. Arrow lets go of the interpreter
    while it works. Both raise the header's :class:`~compliance.errors.RecordError`,
    as the row path would.
    """

    def __init__(self, path: Path, codec: str, pool: Executor | None = None) -> None:
        self._read: ArrowRead | None = None
        self._table: Future[ArrowRead | None] | None = None
        self._lines: Future[EventsFile | None] | None = None
        if pool is None:
            self._read = read_table(path, codec)
        else:
            self._table = pool.submit(read_table, path, codec)
            self._lines = pool.submit(self._checked_lines)  # once the file is read: the pool has one thread

    def _checked_lines(self) -> EventsFile | None:
        read = self.table()
        return None if read is None else checked_lines(read)

    def table(self) -> ArrowRead | None:
        """The rows Arrow read (waiting for them); None: read the file row by row."""
        return self._read if self._table is None else self._table.result()

    def busy(self) -> bool:
        """Whether the lines are being checked still."""
        return self._lines is not None and not self._lines.done()

    def checked(self) -> EventsFile | None:
        """The rows with their lines, once checked (waiting for them); None: read the file row by row."""
        return self._checked_lines() if self._lines is None else self._lines.result()


def read_table(path: Path, codec: str) -> ArrowRead | None:
    """The rows of the events file ``path`` (opened with ``codec``) as Arrow reads them; None: read it row by
    row. :func:`checked_lines` says whether they are the rows the csv module reads.

    It reads the file alone (no record of the export is needed), so it can run on
    a thread of its own while the units and people are taken. It raises the
    header's :class:`~compliance.errors.RecordError`, as the row path would.
    """
    if codec not in (UTF8, UTF8_BOM):
        return None
    pa, _, pcsv = arrow()
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        _whole(pa, data).validate(full=True)  # UTF-8 throughout
    except pa.ArrowInvalid:
        return None
    end = data.find(b"\n")
    if end < 0:
        return None  # no row
    header = data[:end].decode()
    header = header.removesuffix("\r")
    if not _PLAIN.fullmatch(header) or _EMPTY.fullmatch(header):
        return None  # not plain (the row path says what it holds), or the header is further down
    columns = _header(next(csv.reader([header])), str(path), 1)
    names = [f"c{index}" for index in range(len(columns))]
    other: list[str] = []  # the texts of the lines that have another number of values

    def elsewhere(row: Any) -> str:
        other.append(row.text.removesuffix("\r"))  # (a line that ends in CRLF)
        return "skip"

    try:
        table = pcsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)[end + 1:]),
            read_options=pcsv.ReadOptions(column_names=names),
            parse_options=pcsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=True,
                                            invalid_row_handler=elsewhere),
            convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:  # no row, or lines Arrow cannot read (they are not plain)
        return None
    return ArrowRead(str(path), data, columns, table, other)


def checked_lines(read: ArrowRead) -> EventsFile | None:
    """The rows of ``read`` with their lines, if every line of the file is a CSV record of its own, written
    plainly (then they are the rows the csv module reads); None: read the file row by row."""
    pa, pc, _ = arrow()
    whole = _whole(pa, read.data)
    crlf = b"\r" in read.data
    lines = None
    if crlf:  # (in Arrow: counting the line ends with bytes.count would hold the interpreter meanwhile)
        lines = pc.list_flatten(pc.split_pattern(whole, "\r\n"))  # every line ends in CRLF (the csv module's)?
        if pc.any(pc.match_substring(lines, "\n")).as_py():
            lines = None
    if lines is None:
        lines = pc.list_flatten(pc.split_pattern(whole, "\n"))
        if crlf:  # some lines end in CRLF; a carriage return anywhere else fails PLAIN_LINE below
            lines = pc.replace_substring_regex(lines, pattern="\r$", replacement="")
    if len(lines) and lines[len(lines) - 1].as_py() == "":
        lines = lines.slice(0, len(lines) - 1)  # the line feed that ends the last line
    if len(lines) < 2 or not pc.all(pc.match_substring_regex(lines, PLAIN_LINE)).as_py():
        return None
    data_lines = lines.slice(1)
    blank = pc.match_substring_regex(data_lines, _BLANK)
    if pc.all(blank).as_py():
        return None  # no row: nothing to gain, and the row path decides what an empty file means
    table, other = read.table, read.other
    # the rows Arrow read are the data lines that are not empty and not elsewhere, in order
    taken = pc.not_equal(data_lines, "")
    aside_mask = pc.is_in(data_lines, value_set=pa.array(other, pa.large_string())) if other else None
    if aside_mask is not None:
        taken = pc.and_(taken, pc.invert(aside_mask))
    numbers = pc.add(pc.indices_nonzero(taken), 2)
    if len(numbers) != table.num_rows:
        return None
    aside: dict[int, list[str]] = {}
    if aside_mask is not None:
        for index in pc.indices_nonzero(pc.and_(aside_mask, pc.invert(blank))).to_pylist():
            aside[index + 2] = next(csv.reader([data_lines[index].as_py()]))
    keep = pc.invert(pc.filter(blank, taken))  # a row of empty values is no row
    kept = None
    if not pc.all(keep).as_py():
        kept = pc.indices_nonzero(keep)
        table, numbers = table.filter(keep), numbers.filter(keep)
    return EventsFile(read.path, read.columns, numbers, table, aside, kept)


def _whole(pa: Any, data: bytes) -> Any:
    """``data`` as one Arrow string (not validated), without a copy."""
    return pa.LargeStringArray.from_buffers(1, pa.py_buffer(pa.array([0, len(data)], pa.int64()).buffers()[1]),
                                            pa.py_buffer(data))


_STEP = 4096
"""Rows typed at a time while the lines are checked on the other thread (a hundredth of a second)."""


def bulk_events(reading: Reading, reader_for: Any, unit_ids: set[str], pool: Executor | None = None,
                progress: Any = None) -> BulkEvents | None:
    """The rows of an events file being read, to be checked; None: read it row by row.

    ``reader_for(columns)`` gives the :class:`~compliance.records.assembly.EventColumns`
    of the file's columns, or None (then the file goes the row path); it may raise
    the header's :class:`~compliance.errors.RecordError`, as the row path would.
    The attributes of the rows of known types and units are typed while the lines
    are checked (:class:`Reading`);
    then which rows are vouched for (:func:`_vouch`) is worked out on ``pool``, if
    given, while :meth:`BulkEvents.rows` types the rest. ``progress(file, rows)``
    is told every so many rows typed.
    """
    read = reading.table()
    if read is None:
        return None
    reader = reader_for(read.columns)
    if reader is None:
        return None
    pa, pc, _ = arrow()
    table = read.table
    # the type: a vocabulary name, made canonical once per distinct text
    coded = _stripped(pa, pc, table, reader.type).dictionary_encode()
    canonical = [_event_type(name) for name in coded.dictionary.to_pylist()]
    types = pc.take(pa.array(canonical, pa.string()), coded.indices)
    # a row of a unit the export does not have goes the row path: its attributes are not typed here
    unit = _stripped(pa, pc, table, reader.unit)
    known = pc.is_in(unit, value_set=pa.array(sorted(unit_ids), pa.string()))
    texts = {"type": pc.if_else(known, types, pa.scalar(None, pa.string())),
             "attributes": _stripped(pa, pc, table, reader.attributes)}
    for index, position in enumerate(reader.extra_positions):
        texts[f"extra{index}"] = _stripped(pa, pc, table, position)
    typer = _Typer(reader.typed, texts, table.num_rows, read.path)
    while reading.busy() and typer.more(_STEP):
        pass
    checked = reading.checked()
    if checked is None:
        return None
    if progress is not None:  # told from here: the rows typed before might yet have gone the row path
        typer.tell(progress)
    if checked.kept is not None:
        types, unit, known = types.take(checked.kept), unit.take(checked.kept), known.take(checked.kept)
    vouch = partial(_vouch, pa, pc, checked.table, reader, types, unit, known, checked.aside)
    if pool is None:
        return BulkEvents(checked, reader, typer, lambda: (*vouch(), None))

    def vouch_and_sort() -> tuple[Any, dict[str, Any], _Instants, Any]:
        """_vouch's result, and the index of the vouched rows (:func:`_sorted`): the thread has the time."""
        vouched, keys, instants = vouch()
        return vouched, keys, instants, _sorted(pa, pc, *(keys[name] for name in _INDEX_KEYS))

    return BulkEvents(checked, reader, typer, pool.submit(vouch_and_sort).result)


class _Typer:
    """Types the attributes of the rows of a table, in order, some at a time: ``typed(type, attributes,
    extras)`` (:class:`~compliance.records.assembly.EventColumns`) of the columns ``texts`` (``type``,
    ``attributes``, ``extra0``…)."""

    def __init__(self, typed: Any, texts: dict[str, Any], count: int, file: str) -> None:
        self.found: list[Any] = []  # each row's typed attributes (None: none given; False: the row path decides)
        self._typed, self._texts, self._count = typed, texts, count
        self._extras = [f"extra{index}" for index in range(len(texts) - 2)]
        self._file = file
        self._progress: Any = None  # told (file, rows) every PROGRESS_EVERY rows typed, but at the end

    def more(self, size: int) -> bool:
        """Type up to ``size`` more rows; False when every row is typed."""
        # rows between two reports of progress (read here: tests change it)
        from compliance.records.assembly import PROGRESS_EVERY

        start = len(self.found)
        size = min(size, self._count - start, PROGRESS_EVERY - start % PROGRESS_EVERY)  # up to the next report
        if size <= 0:
            return False
        texts = self._texts

        def column(name: str) -> list[Any]:
            return texts[name].slice(start, size).to_pylist()

        if self._extras:
            self.found.extend(map(self._typed, column("type"), column("attributes"),
                                  zip(*map(column, self._extras))))
        else:
            self.found.extend(map(self._typed, column("type"), column("attributes")))
        done = start + size
        if self._progress is not None and done % PROGRESS_EVERY == 0 and done < self._count:
            self._progress(self._file, done)  # (the end is the caller's to tell)
        return True

    def tell(self, progress: Any) -> None:
        """Tell ``progress(file, rows)`` every PROGRESS_EVERY rows typed (but the last), those typed already
        at once."""
        from compliance.records.assembly import PROGRESS_EVERY

        for done in range(PROGRESS_EVERY, min(len(self.found), self._count - 1) + 1, PROGRESS_EVERY):
            progress(self._file, done)
        self._progress = progress

    def rest(self) -> list[Any]:
        """Every row's typed attributes (the rest typed now)."""
        from compliance.records.assembly import PROGRESS_EVERY

        while self.more(PROGRESS_EVERY):
            pass
        self._texts = {}
        return self.found


def _stripped(pa: Any, pc: Any, table: Any, position: int | None) -> Any:
    """A column of ``table`` with its values stripped (as ``str.strip`` strips); all empty if None."""
    if position is None:
        return pa.array([""] * table.num_rows, pa.string())
    return pc.utf8_trim(table.column(position).combine_chunks(), characters=WHITESPACE)


def _vouch(pa: Any, pc: Any, table: Any, reader: EventColumns, types: Any, unit: Any, known: Any,
           aside: dict[int, list[str]]) -> tuple[Any, dict[str, Any], _Instants]:
    """Which rows of ``table`` are vouched for (their attributes aside); the key columns of those rows,
    stripped; the instants they index. ``types``: each row's vocabulary type, null if none; ``unit``: each
    row's unit, stripped; ``known``: whether the export has it.

    It runs in Arrow, which lets go of the interpreter, so it may run on another thread.
    """
    event_id, moment = _stripped(pa, pc, table, reader.event), _stripped(pa, pc, table, reader.moment)
    ok = pc.and_(pc.and_(pc.not_equal(event_id, ""), pc.not_equal(moment, "")), known)  # (no unit id is empty)
    # the id given by no other row, those set aside included
    others = [values[reader.event].strip() for values in aside.values() if len(values) > reader.event]
    every = pa.concat_arrays([event_id, pa.array(others, pa.string())]) if others else event_id
    counts = pc.value_counts(every)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(repeated):
        ok = pc.and_(ok, pc.invert(pc.is_in(event_id, value_set=repeated)))
    ok = pc.and_(ok, pc.is_valid(types))  # a type that is not given is no vocabulary name either
    at, instant, instants = _instants(pa, pc, moment)
    ok = pc.and_(ok, pc.is_valid(instant))
    ok = pc.fill_null(ok, False)
    every_row = pc.all(ok).as_py()

    def kept(values: Any) -> Any:
        return values if every_row else values.filter(ok)

    keys = {
        "event_id": kept(event_id), "unit_id": kept(unit), "type": kept(types),
        "instant": kept(instant), "at": kept(at),
        "actor_id": kept(_stripped(pa, pc, table, reader.actor)),
        "target_id": kept(_stripped(pa, pc, table, reader.target)),
    }
    return ok, keys, instants


def _event_type(name: str) -> str | None:
    try:
        return VOCABULARY.normalise("event_types", name)
    except Exception:  # the row path says why
        return None


def _instants(pa: Any, pc: Any, moment: Any) -> tuple[Any, Any, _Instants]:
    """Each row's time on the Shanghai clock in microseconds, its position in the instants, and the instants.

    The ISO forms of :data:`DAY_ONLY` and :data:`DAY_AND_CLOCK` are read in
    Arrow once their day is known to exist; every other text is read by
    :func:`~compliance.timeline.parse_instant`, once per distinct text. A time
    that does not read is null: the row path gives the reason.
    """
    day_only = pc.match_substring_regex(moment, DAY_ONLY)
    clock = pc.match_substring_regex(moment, DAY_AND_CLOCK)
    fast = pc.or_(day_only, clock)
    days = pc.utf8_slice_codeunits(moment, 0, 10).dictionary_encode()
    real = pa.array([_real_day(day) for day in days.dictionary.to_pylist()], pa.bool_())
    fast = pc.and_(fast, pc.take(real, days.indices))
    # the wall clock, without the offset, with T between day and time; Z is 8 hours behind Shanghai's clock
    utc = pc.and_(fast, pc.ends_with(moment, "Z"))
    # (in the rows of these forms, +08:00 and Z occur only at the end, and once)
    wall = pc.replace_substring(pc.replace_substring(pc.utf8_rtrim(moment, characters="Z"), "+08:00", ""), " ", "T")
    wall = pc.if_else(fast, wall, pa.scalar("1970-01-01", pa.string()))
    try:
        micro = pc.cast(pc.cast(wall, pa.timestamp("us")), pa.int64())
    except pa.ArrowInvalid:  # not expected of these forms; parse_instant reads them all then
        fast = pa.array([False] * len(moment))
        micro = pa.array([0] * len(moment), pa.int64())
    micro = pc.if_else(utc, pc.add(micro, _EIGHT_HOURS), micro)
    fast = pc.and_(fast, pc.less(micro, _YEAR_3000))  # a Z time may be in the year 3000 in Shanghai
    # one key per distinct instant: microseconds * 2 + (whole day)
    key = pc.add(pc.multiply(micro, 2), pc.cast(day_only, pa.int64()))
    key = pc.if_else(fast, key, pa.scalar(None, pa.int64()))
    distinct = pc.unique(key.filter(fast))
    instants = _Instants(distinct.to_pylist())
    position = pc.index_in(key, value_set=distinct)
    # the other forms, once per distinct text
    slow = pc.invert(fast)
    if pc.any(slow).as_py():
        texts = pc.unique(moment.filter(slow))
        which = pc.index_in(moment, value_set=texts)  # each row's distinct text
        found: list[int | None] = []  # each distinct text's place among the instants
        microseconds: list[int | None] = []
        for instant in map(_read, texts.to_pylist()):
            if instant is None:
                found.append(None)
                microseconds.append(None)
            else:
                found.append(len(instants))
                microseconds.append(_microseconds(instant.at))
                instants.append(instant)
        position = pc.if_else(fast, pc.cast(position, pa.int64()), pc.take(pa.array(found, pa.int64()), which))
        micro = pc.if_else(fast, micro, pc.take(pa.array(microseconds, pa.int64()), which))
    return micro, position, instants


class _Instants:
    """The distinct instants of an events file by position, each made when first asked for (a rule reads a
    few types of events: making them all took half a second per million events). The instants of the ISO
    forms are given by their keys (microseconds * 2 + whole day); the others are appended, made."""

    def __init__(self, keys: list[int]) -> None:
        self._keys: list[int | None] = keys
        self.made: list[Instant | None] = [None] * len(keys)  # each instant once made (None: not yet)

    def __getitem__(self, position: int) -> Instant:
        found = self.made[position]
        if found is None:
            key: int = self._keys[position]  # type: ignore[assignment]  # None only beside a made instant
            found = self.made[position] = _make(_EPOCH + timedelta(microseconds=key >> 1), bool(key & 1))
        return found

    def __len__(self) -> int:
        return len(self.made)

    def append(self, instant: Instant) -> None:
        self._keys.append(None)
        self.made.append(instant)


def _real_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _read(text: str) -> Instant | None:
    try:
        return parse_instant(text)
    except InstantError:
        return None


__all__ = [
    "BULK_FROM_BYTES", "ArrowRead", "BulkEvents", "EventsFile", "Reading", "bulk_events", "checked_lines", "read_table",
]
