"""The one path from raw rows to validated facts, shared by files and records in memory.

Readers (:mod:`compliance.records.readers`, or records handed over in memory) yield
raw rows with their positions; the :class:`Assembler` turns each into a model of
:mod:`compliance.facts`, and decides its fate:

1. the row's columns are interpreted once per file (a :class:`_Plan`): which
   column fills which field, which become attributes, which mapping tables apply;
2. the model is validated; a pydantic error or a vocabulary error becomes a
   :class:`Rejection` naming the column as it is called in the file;
3. a record that names a unit absent from the accepted units is rejected;
4. a record whose key was seen before is merged if identical (counted as a
   duplicate) and rejected if different.

Units are assembled first, so that step 3 can check the others against them.
"""

from __future__ import annotations

import json
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Mapping as AbstractMapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from operator import attrgetter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from compliance.collector import collector_paused
from compliance.errors import ComplianceError, ErrorGroup, Position, RecordError, closest
from compliance.facts import Facts, event_builder, tenure_builder
from compliance.records.kinds import ATTRIBUTES, FAMILY_FIELDS, KINDS, ORDER, RecordKind
from compliance.records.mapping import Mapping, Scalar
from compliance.records.readers import RawRow, Source, json_limit, json_object, lone_surrogate, surrogate_reason
from compliance.records.result import LoadResult, Rejection

MEMORY = "<memory>"

# "attribute deaths: …" (events) or "employment: …" (people): the attribute an error names.
_ATTRIBUTE_MESSAGE = re.compile(r"(?:attribute )?([^\s:]+): (.*)", re.DOTALL)
_LIST_SEPARATOR = re.compile(r"[;；]")

PROGRESS_EVERY = 1 << 16
"""Rows between two calls of a loader's ``progress``."""

_BUILDERS = {"events": event_builder, "people": tenure_builder}
_NO_READER = object()
"""Fast builders of the models of the kinds with many rows (see :func:`compliance.facts.event_builder`)."""

Target = str | tuple[str, str] | None
"""What a problem is about: a model field, ``("attribute", name)``, or nothing in particular."""


class _RowProblem(Exception):
    """A row that cannot be made into a record input (raised and caught inside this module)."""

    def __init__(self, target: Target, reason: str, place: tuple[str | None, int | None] | None = None) -> None:
        super().__init__(reason)
        self.target = target
        self.reason = reason
        self.place = place  # the column (name, number) at fault, when known without a plan


class _Plan:
    """How the columns of one file (or one JSON key set) become a model's input.

    Built once per distinct column tuple, so the per-row work is list indexing:
    ``fields`` are (index, field) pairs, ``extras`` (index, attribute) pairs.
    """

    __slots__ = ("fields", "extras", "attributes_index", "ignored", "columns_of", "field_maps", "attribute_maps")

    def __init__(self, spec: RecordKind, columns: tuple[str, ...], mapping: Mapping, numbered: bool) -> None:
        model_fields = spec.fields
        fields: list[tuple[int, str]] = []
        extras: list[tuple[int, str]] = []
        self.attributes_index: int | None = None
        self.ignored: list[str] = []
        # field or ("attribute", name) -> (column as named in the file, its 1-based number or None)
        self.columns_of: dict[Target, tuple[str, int | None]] = {}
        for index, column in enumerate(columns):
            target = mapping.rename(spec.name, column)
            number = index + 1 if numbered else None
            if target in model_fields:
                key: Target = target
            elif spec.has_attributes:
                key = ("attribute", target)
            else:
                self.ignored.append(column)
                continue
            if key in self.columns_of:
                first = self.columns_of[key][0]
                raise _RowProblem(key, f"{target}: both {first!r} and {column!r} give it", (column, number))
            self.columns_of[key] = (column, number)
            if target == ATTRIBUTES:
                self.attributes_index = index
            elif isinstance(key, str):
                fields.append((index, target))
            else:
                extras.append((index, target))
        self.fields = tuple(fields)
        self.extras = tuple(extras)
        tables = mapping.value_tables(spec.name)
        self.field_maps = tuple(
            (column, table, column in spec.list_columns) for column, table in tables.items() if column in model_fields
        )
        self.attribute_maps = {name: table for name, table in tables.items() if name not in model_fields}

    def locate(self, target: Target) -> tuple[str | None, int | None]:
        """The column (name in the file, number) a problem with ``target`` is found in."""
        if target is None:
            return None, None
        found = self.columns_of.get(target)
        if found is None and isinstance(target, tuple):
            found = self.columns_of.get(ATTRIBUTES)  # an attribute given inside the JSON column
        return found if found is not None else (None, None)

    def input(self, values: Any) -> dict[str, Any]:
        """The model input of one row: empty values left out, attributes gathered, values mapped."""
        count = len(values)
        data: dict[str, Any] = {}
        for index, name in self.fields:
            value = _given(values, index, count)
            if value is not None:
                data[name] = value
        if self.attributes_index is not None or self.extras:
            attributes = self._attributes(values, count)
            if attributes:
                data[ATTRIBUTES] = attributes
        for name, table, is_list in self.field_maps:
            if name in data:
                data[name] = _map_list(data[name], table) if is_list else _map_value(data[name], table)
        return data

    def _attributes(self, values: Any, count: int) -> dict[str, Any]:
        attributes: dict[str, Any] = {}
        index = self.attributes_index
        if index is not None and index < count:
            attributes = _attributes_object(values[index])
        for index, name in self.extras:
            value = _given(values, index, count)
            if value is None:
                continue
            if name in attributes and attributes[name] != value:
                raise _RowProblem(
                    ("attribute", name),
                    f"{name}: {value!r} in its own column but {attributes[name]!r} in attributes",
                )
            attributes[name] = value
        for name, table in self.attribute_maps.items():
            if name in attributes:
                attributes[name] = _map_value(attributes[name], table)
        return attributes


def _given(values: Any, index: int, count: int) -> Any:
    """A row's value in a column: text stripped; None when the row is short there, or the value is None or empty."""
    if index >= count:
        return None
    value = values[index]
    if value.__class__ is str:
        return value.strip() or None
    return value


_EVENT_REQUIRED = ("event_id", "unit_id", "type", "occurred_at")


class EventColumns:
    """Where the fields of an event are in the rows of one file, and the two ways to read such a row.

    ``read(values) -> Event | None`` reads a row of a header-based file whose values
    are text (CSV: all of them) and fill every column. A row it cannot take as simply
    (a value that is not text, a short row, attributes that are not a JSON object or
    that disagree with their own column, any value validation must judge) gives
    None, and the row goes the long way, which gives the same record or says why not.

    ``make(event_id, unit_id, kind, moment, actor, target, text, extras) -> Event | None``
    is the same from values stripped already (``text``: the attributes column;
    ``extras``: the values of the attribute columns, in ``extra_positions`` order);
    ``moment`` may be an :class:`~compliance.timeline.Instant` read already.

    :mod:`compliance.records.bulk` makes events in two steps: ``typed(kind, text,
    extras)`` gives the attributes as ``make`` types them for an event of the
    vocabulary's type ``kind`` (None: none given; False: validation must decide, as
    for a ``kind`` of None),
    and :func:`~compliance.facts.event_record` the event later, with the fields
    set ``fields_sets[actor given | target given << 1 | attributes given << 2]``.
    """

    __slots__ = ("event", "unit", "type", "moment", "actor", "target", "attributes", "extra_positions",
                 "read", "make", "typed", "fields_sets")

    def __init__(self, plan: _Plan, build: Any, width: int, index: dict[str, int]) -> None:
        self.event, self.unit, self.type, self.moment = (index[name] for name in _EVENT_REQUIRED)
        self.actor, self.target = index.get("actor_id"), index.get("target_id")
        self.attributes = plan.attributes_index
        self.extra_positions = tuple(position for position, _ in plan.extras)
        self.make, self.typed, self.fields_sets = _event_maker(plan, build)
        self.read = self._reader(width)

    def _reader(self, width: int) -> Any:
        i_event, i_unit, i_type, i_moment = self.event, self.unit, self.type, self.moment
        i_actor, i_target, i_attributes, positions = self.actor, self.target, self.attributes, self.extra_positions
        make = self.make

        def read(values: Any) -> Any:
            if len(values) != width:
                return None
            try:
                return make(
                    values[i_event].strip(), values[i_unit].strip(), values[i_type].strip(),
                    values[i_moment].strip(),
                    values[i_actor].strip() if i_actor is not None else "",
                    values[i_target].strip() if i_target is not None else "",
                    values[i_attributes].strip() if i_attributes is not None else "",
                    [values[position].strip() for position in positions] if positions else (),
                )
            except Exception:  # not text, not JSON: the long way says what is wrong
                return None

        return read


def event_columns(plan: _Plan, build: Any, width: int) -> EventColumns | None:
    """The :class:`EventColumns` of a plan; None when its rows must all go the long way.

    None when a column the event needs is missing, or the plan maps values (a
    mapping's value tables).
    """
    if plan.field_maps or plan.attribute_maps:
        return None
    index = {name: position for position, name in plan.fields}
    if not all(name in index for name in _EVENT_REQUIRED):
        return None
    return EventColumns(plan, build, width, index)


def _event_maker(plan: _Plan, build: Any) -> tuple[Any, Any, list[Any]]:
    """``EventColumns.make``, ``typed`` and ``fields_sets``: the attributes gathered, then the event builder."""
    names = [  # the fields given, by (actor given) | (target given) << 1 | (attributes given) << 2
        build.fields_set(_EVENT_REQUIRED + (("actor_id",) if mask & 1 else ()) + (("target_id",) if mask & 2 else ())
                         + ((ATTRIBUTES,) if mask & 4 else ()))
        for mask in range(8)
    ]
    extras = tuple(name for _, name in plan.extras)
    build_event, build_typed = build.make, build.typed

    def gathered(text: str, extra_values: Any) -> Any:
        """The attributes column's object with the attribute columns' values; False: the long way says why."""
        attributes = None
        if text:
            attributes = json_object(text)  # its keys are shared by orjson's cache of keys
            if attributes is None:  # not a JSON object
                return False
        for name, value in zip(extras, extra_values):
            if value:
                if attributes is None:
                    attributes = {name: value}
                elif name in attributes and attributes[name] != value:
                    return False
                else:
                    attributes[name] = value
        return attributes

    def make(event_id: str, unit_id: str, kind: str, moment: Any, actor: str, target: str, text: str,
             extra_values: Any) -> Any:
        attributes = gathered(text, extra_values)
        if attributes is False or not (unit_id and kind and moment):
            return None
        mask = (1 if actor else 0) | (2 if target else 0) | (4 if attributes else 0)
        return build_event(event_id, unit_id, kind, moment, actor or None, target or None, attributes or None,
                           names[mask])

    def typed(kind: str | None, text: str, extra_values: Any = ()) -> Any:
        if kind is None:  # no type of the vocabulary (or, in bulk, no unit of the export): validation decides
            return False
        attributes = gathered(text, extra_values)
        if not attributes:  # False, or none given ({} gives none)
            return attributes if attributes is False else None
        result = build_typed(kind, attributes)
        return False if result is None else result

    return make, typed, names


def _attributes_object(value: Any) -> dict[str, Any]:
    """The attributes held in an ``attributes`` column: a JSON object, as text or already parsed."""
    if value is None:
        return {}
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise _RowProblem(ATTRIBUTES, f"attributes: not valid JSON: {error.msg} (column {error.colno})") from None
        except (ValueError, RecursionError) as error:  # a number of more than 4,300 digits; nesting too deep
            raise _RowProblem(ATTRIBUTES, f"attributes: cannot be read as JSON: {json_limit(error)}") from None
    if not isinstance(value, dict):
        raise _RowProblem(ATTRIBUTES, f"attributes: expected a JSON object, found {type(value).__name__} {value!r}")
    return dict(value)


def _map_value(value: Any, table: dict[str, Scalar]) -> Any:
    key = value if isinstance(value, str) else str(value)
    return table.get(key, value)


def _map_list(value: Any, table: dict[str, Scalar]) -> Any:
    """Map each item of a ``;``-separated list (or of a JSON list)."""
    if isinstance(value, str):
        return ";".join(str(table.get(item.strip(), item.strip())) for item in _LIST_SEPARATOR.split(value))
    if isinstance(value, (list, tuple)):
        return [table.get(str(item).strip(), item) for item in value]
    return value


def _explain(error: Exception, spec: RecordKind) -> tuple[Target, str]:
    """What a validation failure is about and why, in words an auditor reads.

    pydantic reports a ValueError raised in a validator (a date that does not
    parse; a vocabulary name, :class:`~compliance.vocabulary.UnknownName` being a
    ValueError too) in a ValidationError; any other exception raised there
    propagates as it is, so a :class:`ComplianceError` is taken here as well.
    """
    if isinstance(error, ValidationError):
        return _explain_validation(error, spec)
    if isinstance(error, ComplianceError):
        noun = error.what.removeprefix("unknown ")
        target: Target = FAMILY_FIELDS.get(noun) if noun != error.what else None
        text = _describe(error)
        return target, f"{target}: {text}" if target else text
    return None, f"cannot read the record: {error}"


def _describe(error: ComplianceError) -> str:
    """A vocabulary error in short: what was found and the closest name, else what was expected."""
    details = []
    if error.found is not None:
        details.append(f"found {error.found!r}")
    if error.suggestion is not None:
        details.append(f"did you mean {error.suggestion!r}?")
    elif error.expected is not None:
        details.append(f"expected {error.expected}")
    return error.what + (f" ({'; '.join(details)})" if details else "")


def _explain_validation(error: ValidationError, spec: RecordKind) -> tuple[Target, str]:
    first = error.errors(include_url=False)[0]
    loc = first["loc"]
    field = str(loc[0]) if loc else None
    kind = first["type"]
    value = first.get("input")
    context = first.get("ctx") or {}
    cause = context.get("error")
    if isinstance(cause, ComplianceError):
        message = _describe(cause)
    elif kind == "value_error" and cause is not None:
        message = str(cause)
    elif kind == "missing" or kind == "string_too_short" or (value is None and field is not None):
        message = "a value is required"
    elif kind == "greater_than_equal" and context.get("ge") == 0:
        message = f"a count cannot be negative (found {value!r})"
    else:
        message = first["msg"]
        if not isinstance(value, dict):
            message += f" (found {value!r})"
    if field is None or field == ATTRIBUTES:
        match = _ATTRIBUTE_MESSAGE.fullmatch(message)
        if match is not None:
            name, rest = match.groups()
            return ("attribute", name), f"{name}: {rest}"
        field = field or spec.model_level_field
    return field, f"{field}: {message}" if field else message


def _raw(columns: tuple[str, ...] | None, values: Any) -> dict[str, Any]:
    """The row as read, keyed by the file's column names (the rejection's ``record``)."""
    if columns is None:
        return values.model_dump(mode="json") if isinstance(values, BaseModel) else {}
    return dict(zip(columns, values))


def _place(file: str, sheet: str | None, line: int) -> str:
    """A short reference to an earlier row, for a duplicate's reason."""
    name = file if file.startswith(MEMORY) else Path(file).name
    return f"{name}[{sheet}]:{line}" if sheet else f"{name}:{line}"


class Assembler:
    """Validates, cross-checks and deduplicates the rows of every source, in kind order."""

    def __init__(self, mapping: Mapping | None = None, progress: Callable[[str, int], None] | None = None) -> None:
        self.mapping = mapping or Mapping()
        self.progress = progress
        self.rejections: list[Rejection] = []
        self.accepted: dict[str, list[BaseModel]] = {kind: [] for kind in ORDER}
        self.unit_ids: set[str] = set()
        self.stats: dict[str, dict[str, Any]] = {}
        self._bulk: Any = None  # the events file read in bulk, which also orders its events
        self._ahead: dict[Path, Any] = {}  # events files being read on another thread (read_ahead): bulk.Reading
        self._pool: ThreadPoolExecutor | None = None  # that thread, which then vouches for their rows

    def take(self, source: Source) -> None:
        """Read every row of ``source``. Units must be taken before the kinds that refer to them."""
        spec = KINDS[source.kind]
        model = spec.model
        key_of = spec.key
        checks_unit = spec.references_unit
        unit_ids = self.unit_ids
        accepted = self.accepted[source.kind]
        # key -> index of its first record in firsts and lines (unique keys), or the records of the key (people)
        seen: dict[Any, Any] = {}
        firsts: list[Any] = []
        lines = array("q")
        builder = _BUILDERS.get(source.kind)
        build = builder() if builder is not None else None
        readers: dict[tuple[str, ...], Any] = {}
        read: Any = None  # the one-step reader of the current columns, if any
        plans: dict[tuple[str, ...], _Plan | _RowProblem] = {}
        ignored: dict[str, None] = {}
        last_columns: tuple[str, ...] | None = None
        plan: _Plan | _RowProblem | None = None
        rows = duplicates = rejected = 0

        def reject(line: int, columns: Any, values: Any, column: str | None, number: int | None, reason: str) -> None:
            nonlocal rejected
            rejected += 1
            self.rejections.append(
                Rejection(
                    file=source.file,
                    sheet=source.sheet,
                    line=line,
                    column=column,
                    column_number=number,
                    reason=reason,
                    record=_raw(columns, values),
                )
            )

        def locate(target: Target, columns: tuple[str, ...] | None) -> tuple[str | None, int | None]:
            if columns is not None:
                return plan.locate(target)  # type: ignore[union-attr]  # the plan of these columns
            if target is None:  # a ready model from memory: name the field itself
                return None, None
            return (target if isinstance(target, str) else target[1]), None

        unique = spec.key_unique
        broken: _RowProblem | None = None  # set when the current columns cannot be read at all
        progress, every = self.progress, PROGRESS_EVERY if self.progress is not None else 0
        bulk = self._read_in_bulk(source, spec, build, plans)
        rows_of = source.rows
        if bulk is not None:  # it makes the events of the rows it vouches for, and gives the others
            rows_of = bulk.rows(accepted)
            every = 0
        for line, columns, values, problem in rows_of:
            rows += 1
            if rows == every:  # once in so many rows (never without a progress): locals on the hot loop
                every += PROGRESS_EVERY
                progress(source.file, rows)  # type: ignore[misc]
            if problem is not None:
                reject(line, columns, values, *problem)
                continue
            if columns is None:
                record = values  # a model handed over in memory: already valid
            else:
                if columns is not last_columns:
                    plan = plans.get(columns)
                    if plan is None:
                        plan = plans[columns] = self._plan(spec, source, columns)
                        if isinstance(plan, _Plan):
                            ignored.update(dict.fromkeys(plan.ignored))
                    broken = plan if isinstance(plan, _RowProblem) else None
                    last_columns = columns
                    read = readers.get(columns, _NO_READER)
                    if read is _NO_READER:
                        found = (event_columns(plan, build, len(columns))  # type: ignore[arg-type]
                                 if source.kind == "events" and source.numbered and broken is None else None)
                        read = readers[columns] = found.read if found is not None else None
                if broken is not None:
                    reject(line, columns, values, *(broken.place or (None, None)), broken.reason)
                    continue
                try:
                    record = read(values) if read is not None else None
                    if record is None:
                        data = plan.input(values)  # type: ignore[union-attr]
                        record = build(data) if build is not None else None
                        if record is None:  # not the common case: pydantic validates it, or says why not
                            record = model(**data)
                except _RowProblem as error:
                    reject(line, columns, values, *locate(error.target, columns), error.reason)
                    continue
                except (ValidationError, ComplianceError, TypeError) as error:
                    target, reason = _explain(error, spec)
                    reject(line, columns, values, *locate(target, columns), reason)
                    continue
            if checks_unit and record.unit_id not in unit_ids:  # type: ignore[attr-defined]
                reject(
                    line, columns, values, *locate("unit_id", columns),
                    f"unit_id: unit {record.unit_id!r} does not exist in units",  # type: ignore[attr-defined]
                )
                continue
            key = key_of(record)
            previous = seen.get(key)
            if previous is None:
                if unique:
                    seen[key] = len(lines)
                    firsts.append(record)
                    lines.append(line)
                else:
                    seen[key] = [record]
                accepted.append(record)
            elif unique:
                if firsts[previous] == record:
                    duplicates += 1
                else:
                    reject(
                        line, columns, values, *locate(spec.key_field, columns),
                        f"{spec.key_field}: duplicate of {_place(source.file, source.sheet, lines[previous])} "
                        + ("with a different value" if spec.key_field == "value" else "with different content"),
                    )
            elif record in previous:  # people: the same person may hold several roles; only copies merge
                duplicates += 1
            else:
                previous.append(record)
                accepted.append(record)
        if bulk is not None:
            self._bulk = bulk
            rows += bulk.made
        if source.kind == "units":
            self.unit_ids.update(unit.unit_id for unit in accepted)  # type: ignore[attr-defined]
        stats: dict[str, Any] = {
            "file": source.file,
            "sheet": source.sheet,
            "encoding": source.encoding,
            "rows": rows,
            "accepted": rows - rejected - duplicates,
            "rejected": rejected,
            "duplicates": duplicates,
        }
        if not spec.has_attributes:
            stats["ignored_columns"] = list(ignored)
        self.stats[source.kind] = stats
        if self.progress is not None:
            self.progress(source.file, rows)

    def read_ahead(self, sources: list[Source]) -> ThreadPoolExecutor | None:
        """Start reading the events file that will be read in bulk, on a thread of its own; its executor, or None.

        Reading it in Arrow (:class:`~compliance.records.bulk.Reading`) needs no
        other record, and Arrow lets go of the interpreter while it works, so the
        units and people (which its checks need) are taken here meanwhile.
        :meth:`take` waits for its rows, and types their attributes while that
        thread checks the file's lines, then works out which rows are vouched for
        (:func:`~compliance.records.bulk.bulk_events`); its errors are raised there.
        """
        from compliance.records import bulk

        for source in sources:
            if _in_bulk(source):
                bulk.arrow()  # imported here: importing it on the thread while the units are taken is slower
                pool = self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="compliance-read")
                self._ahead[source.path] = bulk.Reading(source.path, source.codec, pool)  # type: ignore[arg-type]
                return pool
        return None

    def _read_in_bulk(self, source: Source, spec: RecordKind, build: Any, plans: dict[Any, Any]) -> Any:
        """The events file read in bulk (:mod:`compliance.records.bulk`), or None: row by row."""
        from compliance.records import bulk

        if not _in_bulk(source):
            return None

        def reader_for(columns: tuple[str, ...]) -> EventColumns | None:
            plan = plans[columns] = self._plan(spec, source, columns)
            return event_columns(plan, build, len(columns)) if isinstance(plan, _Plan) else None

        reading = self._ahead.pop(source.path, None)
        if reading is None:  # not read ahead: read now, on this thread
            reading = bulk.Reading(source.path, source.codec)  # type: ignore[arg-type]
        return bulk.bulk_events(reading, reader_for, self.unit_ids, self._pool, self.progress)

    def _plan(self, spec: RecordKind, source: Source, columns: tuple[str, ...]) -> _Plan | _RowProblem:
        """The plan for a column tuple; a header that cannot work stops the file (RecordError)."""
        try:
            plan = _Plan(spec, columns, self.mapping, source.numbered)
        except _RowProblem as problem:
            if not source.numbered:
                return problem  # one JSON object with clashing keys: only that row is wrong
            number = problem.place[1] if problem.place else None
            raise RecordError(problem.reason, where=Position(source.file, 1, number, source.sheet)) from None
        if source.numbered:
            present = {field for field in plan.columns_of if isinstance(field, str)}
            for field in spec.required:
                if field not in present:
                    raise RecordError(
                        f"the header has no {field} column",
                        where=Position(source.file, None, None, source.sheet),
                        found=", ".join(columns),
                        suggestion=closest(field, columns),
                    )
        return plan

    def result(self, strict: bool) -> LoadResult:
        """The facts, the rejections in kind and row order, and the counts; strict raises instead."""
        if strict and self.rejections:
            raise ErrorGroup([rejection.as_error() for rejection in self.rejections])
        for kind in ORDER:
            self.stats.setdefault(kind, _empty_stats(kind))
        events = self.accepted["events"]
        named = self._bulk.named(events) if self._bulk is not None else _named(events)
        self.stats["events"].update(_dangling(*named, self.accepted["people"], self.unit_ids))
        facts = Facts(*(self.accepted[kind] for kind in ORDER))  # type: ignore[arg-type]
        facts.__dict__["_events_have_units"] = True  # every event taken was checked against the units taken
        if self._bulk is not None:  # the events and their index, sorted in bulk, each event made when asked for
            facts.__dict__.update(self._bulk.facts(events))
        return LoadResult(
            facts=facts,
            rejections=tuple(self.rejections),
            stats={kind: self.stats[kind] for kind in ORDER},
        )


def _in_bulk(source: Source) -> bool:
    """Whether a source is an events file large enough to be read in bulk (:mod:`compliance.records.bulk`)."""
    from compliance.records import bulk

    return source.kind == "events" and source.path is not None and source.path.stat().st_size >= bulk.BULK_FROM_BYTES


def _dangling(actors: dict[str | None, int], targets: dict[str | None, int], people: list[Any],
              unit_ids: set[str]) -> dict[str, Any]:
    """The events that name a person absent from ``people`` (``actor_id``), or a unit absent from ``units``
    (``target_id``): not errors (an inspector may come from elsewhere), but such an event never counts where a
    rule asks for the actor's role or the target's kind, so the summary says how many there are.

    ``actors`` and ``targets`` count the events that name each id (None: none named; :func:`_named`). Each
    result: the number of events, and the first ten ids named, sorted.
    """
    absent = set(actors) - {None} - {tenure.person_id for tenure in people}
    elsewhere = set(targets) - {None} - unit_ids
    return {
        "actors_not_in_people": {"events": sum(actors[actor] for actor in absent),
                                 "first_ids": sorted(absent)[:10]},  # type: ignore[type-var]
        "targets_not_in_units": {"events": sum(targets[target] for target in elsewhere),
                                 "first_ids": sorted(elsewhere)[:10]},  # type: ignore[type-var]
    }


def _named(events: list[Any]) -> tuple[dict[str | None, int], dict[str | None, int]]:
    """How many events name each actor, and each target (None: none named)."""
    return Counter(map(_ACTOR, events)), Counter(map(_TARGET, events))


_ACTOR, _TARGET = attrgetter("actor_id"), attrgetter("target_id")


def _empty_stats(kind: str) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "file": None, "sheet": None, "encoding": None, "rows": 0, "accepted": 0, "rejected": 0, "duplicates": 0,
    }
    if not KINDS[kind].has_attributes:
        stats["ignored_columns"] = []
    return stats


def assemble(sources: Iterable[Source], mapping: Mapping | None, strict: bool,
             progress: Callable[[str, int], None] | None = None) -> LoadResult:
    """Take every source (in kind order) and give the result.

    The cyclic garbage collector is paused while the rows are read
    (:func:`~compliance.collector.collector_paused`). ``progress(file, rows)`` is
    called every :data:`PROGRESS_EVERY` rows of a file and when it is done.
    """
    assembler = Assembler(mapping, progress)
    ordered = sorted(sources, key=lambda source: ORDER.index(source.kind))
    with collector_paused(), ExitStack() as stack:
        pool = assembler.read_ahead(ordered)
        if pool is not None:
            stack.enter_context(pool)  # waits for the reading if a source before it fails
        for source in ordered:
            assembler.take(source)
        return assembler.result(strict)


def memory_source(kind: str, records: Iterable[Any]) -> Source:
    """Records held in memory (models of :mod:`compliance.facts` or plain dicts) as a source."""
    return Source(kind, f"{MEMORY}:{kind}", _memory_rows(kind, records), numbered=False)


def _memory_rows(kind: str, records: Iterable[Any]) -> Iterator[RawRow]:
    for index, record in enumerate(records, 1):
        yield memory_row(kind, index, record)


def memory_row(kind: str, line: int, record: Any) -> RawRow:
    """One record held in memory as a raw row: a model (taken as valid), a dict, or a problem."""
    model = KINDS[kind].model
    if isinstance(record, model):
        return line, None, record, None
    if isinstance(record, AbstractMapping):
        found = lone_surrogate(dict(record))
        if found:  # kept as its repr, which any file can hold
            return line, ("record",), (repr(record),), (found[0], None, surrogate_reason(found))
        return line, tuple(record), list(record.values()), None
    return line, ("record",), (repr(record),), (
        None, None, f"expected {_article(model.__name__)} {model.__name__} or a dict, not {type(record).__name__}")


def _article(noun: str) -> str:
    """The indefinite article before a model's name: an Event; a Unit, a Tenure, a Measure."""
    return "an" if noun[:1] in "AEIO" else "a"


def facts_from_records(
    units: Iterable[Any] = (),
    people: Iterable[Any] = (),
    events: Iterable[Any] = (),
    measures: Iterable[Any] = (),
    *,
    strict: bool = False,
    mapping: Mapping | Path | str | None = None,
) -> LoadResult:
    """Validate records held in memory as :func:`~compliance.records.load_export` validates files.

    Each record is a model of :mod:`compliance.facts` (taken as valid) or a plain
    dict with the contract's columns (or the mapping's). Rejections name the file
    ``<memory>:events`` (etc.) and, as ``line``, the record's 1-based index.

    >>> result = facts_from_records(
    ...     units=[{"unit_id": "U1", "name": "通化市委", "kind": "党委"}],
    ...     events=[{"event_id": "E1", "unit_id": "U1", "type": "accident", "occurred_at": "2022-09-30",
    ...              "deaths": "3"},
    ...             {"event_id": "E2", "unit_id": "U9", "type": "accident", "occurred_at": "2022-09-30"}])
    >>> result.facts.events["E1"].attributes
    {'deaths': 3}
    >>> [(r.file, r.line, r.column, r.reason) for r in result.rejections]
    [('<memory>:events', 2, 'unit_id', "unit_id: unit 'U9' does not exist in units")]
    """
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = Mapping.load(mapping)
    given = {"units": units, "people": people, "events": events, "measures": measures}
    return assemble((memory_source(kind, records) for kind, records in given.items()), mapping, strict)
