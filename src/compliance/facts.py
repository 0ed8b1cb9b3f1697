"""Facts: the records an evaluation reads (CONTRACT.md "Records in").

Four kinds of record, each a frozen pydantic model: :class:`Unit` (an
organisation, with its superior of the same line and its territory),
:class:`Tenure` (a person holding a role in a unit for a time: one row of
``people``), :class:`Event` (something that happened, at an instant) and
:class:`Measure` (a counted quantity at a date). :class:`Facts` holds a
validated set of them with the indexes the evaluators need (events by unit and
type, sorted by time; subordinate units; tenures by unit and role).

Records are checked against the vocabulary: unit kinds, levels, roles, event
types and metrics must be known names (Chinese names are accepted and
normalised), and event attributes the vocabulary types are typed.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from compliance.timeline import Instant, parse_date, parse_instant
from compliance.vocabulary import VOCABULARY


def _split(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(sorted({part.strip() for part in value.replace("；", ";").split(";") if part.strip()}))
    return tuple(sorted({str(part).strip() for part in value if str(part).strip()}))


def _optional_text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Unit(_Record):
    """An organisation: party committee, government, department, enterprise, …"""

    unit_id: str = Field(min_length=1, description="Unique id of the unit.")
    name: str = Field(min_length=1, description="The unit's name, as auditors read it.")
    kind: str = Field(description="Unit kind from the vocabulary (党委 party_committee, …).")
    level: str | None = Field(None, description="province, city, county or township (开发区管委会 = county).")
    parent_id: str | None = Field(None, description="The superior unit of the same line.")
    region: str | None = Field(None, description="Administrative division code (GB/T 2260) of its territory (属地).")
    sectors: tuple[str, ...] = Field((), description="Supervised sectors (departments) or industry (enterprises).")
    tags: tuple[str, ...] = Field((), description="Tags such as restaurant, crowded_place, high_rise, mine.")
    attributes: dict[str, Any] = Field(default_factory=dict, description="Unknown extra columns, kept.")

    _unit_id = field_validator("unit_id", "parent_id", "region", mode="before")(_optional_text)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: str) -> str:
        return VOCABULARY.normalise("unit_kinds", str(value))

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> str | None:
        value = _optional_text(value)
        return None if value is None else VOCABULARY.normalise("levels", value)

    @field_validator("sectors", mode="before")
    @classmethod
    def _sectors(cls, value: Any) -> tuple[str, ...]:
        # Sorted after normalising, so that 餐饮;矿山 and mining;catering are the same value.
        return tuple(sorted({VOCABULARY.normalise("sectors", item) for item in _split(value)}))

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> tuple[str, ...]:
        return tuple(sorted({VOCABULARY.normalise("tags", item) for item in _split(value)}))


class Tenure(_Record):
    """A person holding a role in a unit from ``start`` to ``end`` (inclusive; open if None)."""

    person_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    unit_id: str = Field(min_length=1)
    role: str = Field(description="principal 主要负责人, standing_member 党委常委, deputy, member, worker.")
    start: date | None = Field(None, description="First day in the role (None: since before the records).")
    end: date | None = Field(None, description="Last day in the role (None: still holds it).")
    attributes: dict[str, Any] = Field(default_factory=dict, description="employment, post, and extra columns.")

    _ids = field_validator("person_id", "unit_id", mode="before")(_optional_text)

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: str) -> str:
        return VOCABULARY.normalise("roles", str(value))

    @field_validator("start", "end", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> date | None:
        value = _optional_text(value)
        if value is None or isinstance(value, date) and not isinstance(value, datetime):
            return value
        return parse_date(value)

    @field_validator("attributes")
    @classmethod
    def _typed_attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        typed = dict(value)
        for name, kind in VOCABULARY.person_attributes.items():
            if name in typed:
                try:
                    typed[name] = VOCABULARY.coerce(kind, typed[name])
                except ValueError as error:
                    raise ValueError(f"{name}: {error}") from None
        return typed

    @model_validator(mode="after")
    def _ordered(self) -> Tenure:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def holds_on(self, day: date) -> bool:
        """Whether the person holds the role on ``day``."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def days_in(self, first: date, last: date) -> int:
        """How many days of [first, last] the person held the role."""
        begin = max(first, self.start) if self.start else first
        finish = min(last, self.end) if self.end else last
        return max(0, (finish - begin).days + 1)


class Event(_Record):
    """Something that happened, at an instant, in a unit."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, arbitrary_types_allowed=True)

    event_id: str = Field(min_length=1)
    unit_id: str = Field(min_length=1)
    type: str = Field(description="Event type from the vocabulary.")
    occurred_at: Instant = Field(description="When; Shanghai time unless an offset is given; a bare date is the whole day.")
    actor_id: str | None = Field(None, description="The person who acted (convened, led, reported).")
    target_id: str | None = Field(None, description="The unit acted upon or reported to.")
    attributes: dict[str, Any] = Field(default_factory=dict)

    _ids = field_validator("event_id", "unit_id", "actor_id", "target_id", mode="before")(_optional_text)

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, value: str) -> str:
        return VOCABULARY.normalise("event_types", str(value))

    @field_validator("occurred_at", mode="before")
    @classmethod
    def _instant(cls, value: Any) -> Instant:
        return value if isinstance(value, Instant) else parse_instant(value)

    @model_validator(mode="after")
    def _typed_attributes(self) -> Event:
        declared = VOCABULARY.event_types[self.type]
        typed = dict(self.attributes)
        for name, kind in declared.attributes:
            if name in typed:
                try:
                    typed[name] = VOCABULARY.coerce(kind, typed[name])
                except ValueError as error:
                    raise ValueError(f"attribute {name}: {error}") from None
                if typed[name] is None:
                    del typed[name]
                elif kind == "integer" and typed[name] < 0:
                    raise ValueError(f"attribute {name}: a count cannot be negative ({typed[name]})")
        object.__setattr__(self, "attributes", typed)
        return self

    def attribute(self, name: str) -> Any:
        """An attribute, or one of the event's own fields by name (``event_id``, ``actor_id``…)."""
        if name in _EVENT_FIELDS:
            return getattr(self, name)
        return self.attributes.get(name)


_EVENT_FIELDS = {"event_id", "unit_id", "type", "actor_id", "target_id"}


class Measure(_Record):
    """A counted quantity of a unit at a date (``enforcement_officers`` = 12 on 2022-09-30)."""

    unit_id: str = Field(min_length=1)
    metric: str
    value: int = Field(ge=0, description="A count: a whole number, never negative.")
    as_of: date

    _ids = field_validator("unit_id", mode="before")(_optional_text)

    @field_validator("metric", mode="before")
    @classmethod
    def _metric(cls, value: str) -> str:
        return VOCABULARY.normalise("metrics", str(value))

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, value: Any) -> int:
        if isinstance(value, str):
            value = value.strip().replace(",", "")
            if value and value.lstrip("-").isdigit():
                return int(value)
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"{value!r} is not a number") from None
            if not number.is_integer():
                raise ValueError(f"{value!r} is not a whole number")
            return int(number)
        return value

    @field_validator("as_of", mode="before")
    @classmethod
    def _date(cls, value: Any) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        return parse_date(value)


def region_chain(code: str | None) -> tuple[str, ...]:
    """The region codes that contain ``code``, itself first (GB/T 2260 prefixes).

    A 6-digit code ``ABCDEF`` lies in city ``ABCD00`` and province ``AB0000``; longer
    codes (townships, 9 or 12 digits) lie in the county of their first six digits.

    >>> region_chain("220521")
    ('220521', '220500', '220000')
    >>> region_chain("220500")
    ('220500', '220000')
    >>> region_chain("220521101")
    ('220521101', '220521', '220500', '220000')
    """
    if not code:
        return ()
    chain = [code]
    county = code[:6]
    if len(code) > 6:
        chain.append(county)
    if len(county) == 6 and county.isdigit():
        city, province = county[:4] + "00", county[:2] + "0000"
        for candidate in (city, province):
            if candidate != chain[-1] and candidate not in chain:
                chain.append(candidate)
    return tuple(chain)


class Facts:
    """A validated set of records, indexed for evaluation.

    Built once; read by every evaluator. Events are held sorted by instant (then
    id) within each (unit, type) index, so that counting events of a period is a
    binary search, not a scan.
    """

    def __init__(
        self,
        units: Iterable[Unit] = (),
        tenures: Iterable[Tenure] = (),
        events: Iterable[Event] = (),
        measures: Iterable[Measure] = (),
    ) -> None:
        self.units: dict[str, Unit] = {}
        for unit in units:
            self.units[unit.unit_id] = unit
        self.tenures: tuple[Tenure, ...] = tuple(tenures)
        self.events: dict[str, Event] = {}
        for event in events:
            self.events[event.event_id] = event
        self.measures: tuple[Measure, ...] = tuple(measures)

    # -- indexes ---------------------------------------------------------------
    @cached_property
    def _by_unit_type(self) -> dict[tuple[str, str], list[Event]]:
        index: dict[tuple[str, str], list[Event]] = defaultdict(list)
        for event in self.events.values():
            index[(event.unit_id, event.type)].append(event)
        for events in index.values():
            events.sort(key=_event_order)
        return dict(index)

    @cached_property
    def _by_type(self) -> dict[str, list[Event]]:
        index: dict[str, list[Event]] = defaultdict(list)
        for event in self.events.values():
            index[event.type].append(event)
        for events in index.values():
            events.sort(key=_event_order)
        return dict(index)

    @cached_property
    def _keys(self) -> dict[tuple[str, str], list[datetime]]:
        return {key: [event.occurred_at.at for event in events] for key, events in self._by_unit_type.items()}

    @cached_property
    def _children(self) -> dict[str, list[Unit]]:
        index: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.units.values():
            if unit.parent_id:
                index[unit.parent_id].append(unit)
        for units in index.values():
            units.sort(key=lambda unit: unit.unit_id)
        return dict(index)

    @cached_property
    def _tenures_by_unit(self) -> dict[str, list[Tenure]]:
        index: dict[str, list[Tenure]] = defaultdict(list)
        for tenure in self.tenures:
            index[tenure.unit_id].append(tenure)
        for tenures in index.values():
            tenures.sort(key=lambda t: (t.person_id, t.role, t.start or date.min))
        return dict(index)

    @cached_property
    def _tenures_by_person(self) -> dict[str, list[Tenure]]:
        index: dict[str, list[Tenure]] = defaultdict(list)
        for tenure in self.tenures:
            index[tenure.person_id].append(tenure)
        return dict(index)

    @cached_property
    def _measures_by_unit(self) -> dict[str, list[Measure]]:
        index: dict[str, list[Measure]] = defaultdict(list)
        for measure in self.measures:
            index[measure.unit_id].append(measure)
        for measures in index.values():
            measures.sort(key=lambda m: (m.as_of, m.metric))
        return dict(index)

    @cached_property
    def _units_by_region(self) -> dict[str, list[Unit]]:
        index: dict[str, list[Unit]] = defaultdict(list)
        for unit in sorted(self.units.values(), key=lambda unit: unit.unit_id):
            for code in region_chain(unit.region):
                index[code].append(unit)
        return dict(index)

    # -- queries ---------------------------------------------------------------
    def events_of(self, unit_id: str, event_type: str) -> list[Event]:
        """All events of a type in a unit, in time order."""
        return self._by_unit_type.get((unit_id, event_type), [])

    def events_between(self, unit_id: str, event_type: str, start: datetime, end: datetime) -> list[Event]:
        """Events of a type in a unit with ``start <= occurred_at < end`` (time order)."""
        keys = self._keys.get((unit_id, event_type))
        if not keys:
            return []
        low = bisect.bisect_left(keys, start)
        high = bisect.bisect_left(keys, end)
        return self._by_unit_type[(unit_id, event_type)][low:high]

    def events_of_type(self, event_type: str) -> list[Event]:
        """All events of a type, in time order."""
        return self._by_type.get(event_type, [])

    def children(self, unit_id: str) -> list[Unit]:
        """Direct subordinates (units whose ``parent_id`` is this unit), by id."""
        return self._children.get(unit_id, [])

    def tenures_in(self, unit_id: str) -> list[Tenure]:
        return self._tenures_by_unit.get(unit_id, [])

    def tenures_of(self, person_id: str) -> list[Tenure]:
        return self._tenures_by_person.get(person_id, [])

    def holds_role(self, person_id: str | None, unit_id: str, role: str, day: date) -> bool:
        """Whether a person holds a role in a unit on a day."""
        if person_id is None:
            return False
        return any(
            tenure.unit_id == unit_id and tenure.role == role and tenure.holds_on(day)
            for tenure in self.tenures_of(person_id)
        )

    def measures_of(self, unit_id: str) -> list[Measure]:
        """A unit's measures, by date then metric."""
        return self._measures_by_unit.get(unit_id, [])

    def units_in_region(self, region: str | None) -> list[Unit]:
        """Every unit whose territory lies in ``region`` (itself included), by id."""
        return self._units_by_region.get(region, []) if region else []

    def parent(self, unit: Unit) -> Unit | None:
        return self.units.get(unit.parent_id) if unit.parent_id else None

    def __iter__(self) -> Iterator[Unit]:
        return iter(sorted(self.units.values(), key=lambda unit: unit.unit_id))


def _event_order(event: Event) -> tuple[datetime, str]:
    return (event.occurred_at.at, event.event_id)
