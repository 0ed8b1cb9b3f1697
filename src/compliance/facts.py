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
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from functools import cached_property, lru_cache
from itertools import compress, repeat
from operator import attrgetter, eq
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


REGION_CODE = re.compile(r"[0-9]{6}(?:[0-9]{3}){0,2}")
"""An administrative division code (GB/T 2260: 6 digits; 9 or 12 for a township or a village), whole."""


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

    @field_validator("region")
    @classmethod
    def _region_code(cls, value: str | None) -> str | None:
        # A code that is not one would bind the unit to no territory, and no rule of a pack with a
        # jurisdiction would reach it: silently, were it not refused here.
        if value is not None and not REGION_CODE.fullmatch(value):
            raise ValueError(f"{value!r} is not an administrative division code "
                             "(GB/T 2260: 6 digits, or 9 or 12 for a township or a village)")
        return value

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
        if name in EVENT_FIELDS:
            return getattr(self, name)
        return self.attributes.get(name)


EVENT_FIELDS = frozenset({"event_id", "unit_id", "type", "actor_id", "target_id"})
"""The event's own fields that :meth:`Event.attribute` gives by name (any other name is an attribute's)."""


def _having(index: Mapping[Any, list[Event]], key: Any, attributes: Mapping[str, Any] | None) -> list[Event]:
    """The events of ``key`` in ``index`` that have ``attributes`` (:meth:`Facts.events_of_type`)."""
    if not attributes:
        return index.get(key, [])
    if not EVENT_FIELDS.isdisjoint(attributes):
        raise ValueError(f"not attributes but the event's own fields: {sorted(EVENT_FIELDS & set(attributes))}")
    having = getattr(index, "having", None)
    if having is not None:  # read in bulk (compliance.records.bulk.EventsIndex): only the events that have them made
        return having(key, attributes)  # type: ignore[no-any-return]
    return meeting(index.get(key, []), attributes)


def meeting(events: list[Event], where: Mapping[str, Any]) -> list[Event]:
    """The events, in order, whose attribute (or own field) of each name in ``where`` is the value given, or
    one of the values of a list or tuple: a selector's ``where``. Each condition is applied to all the events
    left, with the loop in C.

    >>> events = [Event(event_id=f"E{n}", unit_id="U1", type="hazard_found", occurred_at="2022-09-30",
    ...                 attributes={"grade": grade}) for n, grade in ((1, "major"), (2, "general"))]
    >>> [event.event_id for event in meeting(events, {"grade": ["major", "minor"], "unit_id": "U1"})]
    ['E1']
    """
    for name, expected in where.items():
        events = list(compress(events, matching(attribute_values(events, name), expected)))
    return events


def matching(values: Iterable[Any], expected: Any) -> Iterator[bool]:
    """Whether each value meets one condition of a ``where``: is ``expected``, or one of the values of a list
    or tuple ``expected`` (the loop in C)."""
    if isinstance(expected, (list, tuple)):
        return map(expected.__contains__, values)  # value in expected
    return map(eq, values, repeat(expected))  # value == expected


def attribute_values(events: Iterable[Event], name: str) -> Iterator[Any]:
    """``event.attribute(name)`` of each event, in order, with the loop in C.

    Evaluators ask one attribute of every event of a type (every hazard found);
    calling :meth:`Event.attribute` a million times costs more than the rest.

    >>> event = Event(event_id="E1", unit_id="U1", type="hazard_found", occurred_at="2022-09-30",
    ...               attributes={"hazard_id": "H1"})
    >>> list(attribute_values([event], "hazard_id")), list(attribute_values([event], "unit_id"))
    (['H1'], ['U1'])
    """
    if name in EVENT_FIELDS:
        return map(attrgetter(name), events)
    return map(dict.get, map(_ATTRIBUTES, events), repeat(name))


_ATTRIBUTES = attrgetter("attributes")


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


# -- building records fast ------------------------------------------------------------
# Loading a large export validates one model per row, and pydantic calls the
# Python validators above once per field: that was most of the time of loading a
# million events. The builders below give, for the rows that loaders meet
# almost always (text values), the very model that validation would give, at a
# fraction of the cost: the same functions read instants, dates and vocabulary
# names and type attributes, and the instance is put together as
# ``model_construct`` does. Anything else (a value that is not text, a name or a
# date that does not read, an attribute that does not type, a missing or unknown
# field) makes a builder return None, and the caller validates the row with the
# model as before, which gives the same record or the same error.

_object_new = object.__new__
_object_setattr = object.__setattr__
_intern = sys.intern
_NOT_TEXT = object()  # a value the fast path leaves to pydantic


def _id(value: Any) -> Any:
    """``_optional_text`` then ``str | None`` for text; ``_NOT_TEXT`` for anything else.

    Ids are interned: a million events name a few thousand units and people.
    """
    if value.__class__ is str:
        value = value.strip()
        return _intern(value) if value else None
    return None if value is None else _NOT_TEXT


def _record(model: type[BaseModel], values: dict[str, Any], fields_set: set[str]) -> Any:
    """An instance of ``model`` from values validated already, as ``model_construct`` makes it.

    ``fields_set`` is shared by the records given the same fields: records are
    frozen, and pydantic copies the set before changing it (``model_copy``).
    """
    record = _object_new(model)
    _object_setattr(record, "__dict__", values)
    _object_setattr(record, "__pydantic_fields_set__", fields_set)
    _object_setattr(record, "__pydantic_extra__", None)
    _object_setattr(record, "__pydantic_private__", None)
    return record


def _plain_keys(attributes: dict[Any, Any]) -> bool:
    """Whether every key is text (a str, not a subclass) that ``str_strip_whitespace`` leaves as it is."""
    for key in attributes:
        if key.__class__ is not str or key.strip() != key:
            return False
    return True


_PLAIN: set[str] = set()  # keys found plain by _plain_text_keys, at most _CACHE_LIMIT of them


def _plain_text_keys(attributes: dict[str, Any]) -> bool:
    """:func:`_plain_keys` of keys known to be str objects (JSON's, a file's column names).

    The keys found plain before are looked up in C: a file's rows repeat a few names.
    """
    if attributes.keys() <= _PLAIN:
        return True
    if not _plain_keys(attributes):
        return False
    if len(_PLAIN) < _CACHE_LIMIT:
        _PLAIN.update(attributes)
    return True


def _fields_sets(names: Iterable[str]) -> Any:
    """The fields-set of each distinct tuple of input keys (None if one is not a field)."""
    known = frozenset(names)
    sets: dict[tuple[str, ...], set[str] | None] = {}

    def fields_set(keys: tuple[str, ...]) -> set[str] | None:
        found = sets.get(keys, _NOT_TEXT)
        if found is _NOT_TEXT:
            found = sets[keys] = set(keys) if known.issuperset(keys) else None
        return found  # type: ignore[return-value]

    return fields_set


_CACHE_LIMIT = 1 << 16


def _coercer(kind: object) -> Any:
    """``VOCABULARY.coerce(kind, value)``, with text (what CSV gives) typed without the general path.

    A ``string`` attribute is the stripped text (None if empty). Coercing text is
    a pure function with an immutable result, so the results of the first
    distinct texts are kept: grades, yes/no, deadlines, categories repeat, and
    their records then share one value. Anything else goes the general way, which
    also gives the errors.
    """
    coerce = VOCABULARY.coerce
    known: dict[str, Any] = {}  # text -> typed value; equal values are shared (a category, a name)

    if kind == "string":
        def string(value: Any) -> Any:
            if value.__class__ is not str:
                return coerce(kind, value)
            result = known.get(value, _NOT_TEXT)
            if result is _NOT_TEXT:
                result = value.strip() or None
                if len(known) < _CACHE_LIMIT:
                    known[value] = result
            return result
        return string

    def typed(value: Any) -> Any:
        if value.__class__ is not str:
            return coerce(kind, value)
        result = known.get(value, _NOT_TEXT)
        if result is _NOT_TEXT:
            result = coerce(kind, value)
            if len(known) < _CACHE_LIMIT:
                known[value] = result
        return result
    return typed


class _EventBuilder:
    """Builds events as :func:`event_builder` says."""

    def __init__(self) -> None:
        self.fields_set = _fields_sets(Event.model_fields)
        self.days: dict[str, Instant] = {}  # bare dates repeat: their instants are shared
        self.attributes = {
            name: tuple((attribute, _coercer(kind), kind == "integer") for attribute, kind in declared.attributes)
            for name, declared in VOCABULARY.event_types.items()
        }

    def __call__(self, data: dict[str, Any]) -> Event | None:
        """``Event(**data)``, or None: then validate ``data`` with the model."""
        names = self.fields_set(tuple(data))
        if names is None:
            return None
        event_id, kind, moment = data.get("event_id"), data.get("type"), data.get("occurred_at")
        unit_id, actor_id, target_id = _id(data.get("unit_id")), _id(data.get("actor_id")), _id(data.get("target_id"))
        if event_id.__class__ is not str or kind.__class__ is not str or unit_id is None or unit_id is _NOT_TEXT \
                or actor_id is _NOT_TEXT or target_id is _NOT_TEXT or moment is None:
            return None
        given = data.get("attributes", _NOT_TEXT)
        if given is _NOT_TEXT:
            given = None
        elif given.__class__ is dict and _plain_keys(given):  # keys of any class: make takes str ones
            given = dict(given)
        else:
            return None
        return self.make(event_id.strip(), unit_id, kind.strip(), moment, actor_id, target_id, given, names)

    def make(self, event_id: str, unit_id: str, kind: str, moment: Any, actor_id: str | None,
             target_id: str | None, attributes: dict[str, Any] | None, names: set[str]) -> Event | None:
        """The event of stripped text fields (``moment`` may be any value, or an Instant read already);
        ``attributes`` (keyed by str objects, as JSON gives them) is taken over.

        ``names`` is the set of the fields given. None when validation must decide.
        """
        if not event_id:
            return None
        try:
            coercions = self.attributes.get(kind)
            if coercions is None:
                kind = VOCABULARY.normalise("event_types", kind)
                coercions = self.attributes[kind]
            if moment.__class__ is Instant:  # read already (compliance.records.bulk)
                instant = moment
            elif moment.__class__ is str and len(moment) <= 10:
                instant = self.days.get(moment)
                if instant is None:
                    instant = parse_instant(moment)
                    if len(self.days) < _CACHE_LIMIT:
                        self.days[moment] = instant
            else:
                instant = parse_instant(moment)
        except Exception:  # a reason pydantic will give
            return None
        if attributes is None:
            attributes = {}
        elif attributes and self._typed(coercions, attributes) is None:
            return None
        return event_record(event_id, _intern(unit_id), _intern(kind), instant,
                            actor_id if actor_id is None else _intern(actor_id),
                            target_id if target_id is None else _intern(target_id), attributes, names)

    def typed(self, kind: str | None, attributes: dict[str, Any]) -> dict[str, Any] | None:
        """The given attributes (keyed by str objects) of an event of the vocabulary's type ``kind``, typed in
        place, as :meth:`make` types them; None when validation must decide (``kind`` is not such a type)."""
        coercions = self.attributes.get(kind)
        return None if coercions is None else self._typed(coercions, attributes)

    @staticmethod
    def _typed(coercions: Any, attributes: dict[str, Any]) -> dict[str, Any] | None:
        try:
            if not _plain_text_keys(attributes):
                return None
            for name, coerce, counted in coercions:
                if name in attributes:
                    value = attributes[name] = coerce(attributes[name])
                    if value is None:
                        del attributes[name]
                    elif counted and value < 0:
                        return None
        except Exception:  # a reason pydantic will give
            return None
        return attributes


def event_record(event_id: str, unit_id: str, kind: str, instant: Instant, actor_id: str | None,
                 target_id: str | None, attributes: dict[str, Any], names: set[str]) -> Event:
    """An :class:`Event` of values validated (and interned) already, as :func:`_record` makes it, written out:
    this runs once per event."""
    record = _object_new(Event)
    _object_setattr(record, "__dict__", {
        "event_id": event_id, "unit_id": unit_id, "type": kind, "occurred_at": instant,
        "actor_id": actor_id, "target_id": target_id, "attributes": attributes,
    })
    _object_setattr(record, "__pydantic_fields_set__", names)
    _object_setattr(record, "__pydantic_extra__", None)
    _object_setattr(record, "__pydantic_private__", None)
    return record


def event_builder() -> _EventBuilder:
    """A builder of events: ``build(data)`` is ``Event(**data)`` done fast, or None (see above).

    ``build.make(...)`` takes the fields one by one, for a reader that has them so.
    Each builder keeps its own small caches (the instants of bare dates, typed
    attribute values), so that records share equal values.

    >>> build = event_builder()
    >>> data = {"event_id": "E1", "unit_id": "U1", "type": "生产安全事故", "occurred_at": "2022-09-30 14:00",
    ...         "attributes": {"deaths": "2"}}
    >>> build(data) == Event(**data), build(data).attributes
    (True, {'deaths': 2})
    >>> build({**data, "occurred_at": "2022-09-31"}) is None  # validation will say why
    True
    """
    return _EventBuilder()


def tenure_builder() -> Any:
    """A function ``build(data) -> Tenure | None``: ``Tenure(**data)`` done fast, or None (as for events).

    >>> build = tenure_builder()
    >>> data = {"person_id": "P1", "name": "王伟", "unit_id": "U1", "role": "从业人员", "start": "2022/9/1",
    ...         "attributes": {"employment": "dispatched"}}
    >>> build(data) == Tenure(**data), build(data).start
    (True, datetime.date(2022, 9, 1))
    >>> build({**data, "end": "2022-08-31"}) is None  # ends before it starts
    True
    """
    fields_set = _fields_sets(Tenure.model_fields)
    roles = VOCABULARY.roles
    normalise, coerce = VOCABULARY.normalise, VOCABULARY.coerce
    person_attributes = tuple(VOCABULARY.person_attributes.items())
    days: dict[str, date] = {}

    def day(value: Any) -> Any:
        """``_dates``, for text and dates; ``_NOT_TEXT`` for anything else."""
        if value is None:
            return None
        if value.__class__ is str:
            found = days.get(value)
            if found is None:
                text = value.strip()
                if not text:
                    return None
                found = parse_date(text)
                if len(days) < _CACHE_LIMIT:
                    days[value] = found
            return found
        if value.__class__ is date:
            return value
        return _NOT_TEXT

    def build(data: dict[str, Any]) -> Tenure | None:
        names = fields_set(tuple(data))
        if names is None:
            return None
        person_id = _id(data.get("person_id"))
        unit_id = _id(data.get("unit_id"))
        name = data.get("name")
        role = data.get("role")
        if person_id is None or person_id is _NOT_TEXT or unit_id is None or unit_id is _NOT_TEXT \
                or name.__class__ is not str or role.__class__ is not str:
            return None
        name = name.strip()
        role = role.strip()
        if not name:
            return None
        try:
            if role not in roles:
                role = normalise("roles", role)
            start, end = day(data.get("start")), day(data.get("end"))
            if start is _NOT_TEXT or end is _NOT_TEXT or (start and end and end < start):
                return None
            given = data.get("attributes", _NOT_TEXT)
            if given is _NOT_TEXT:
                typed: dict[str, Any] = {}
            elif given.__class__ is dict and _plain_keys(given):
                typed = dict(given)
                for attribute, type_ in person_attributes:
                    if attribute in typed:
                        typed[attribute] = coerce(type_, typed[attribute])
            else:
                return None
        except Exception:  # a reason pydantic will give
            return None
        return _record(Tenure, {
            "person_id": person_id, "name": name, "unit_id": unit_id, "role": _intern(role),
            "start": start, "end": end, "attributes": typed,
        }, names)

    return build


@lru_cache(maxsize=1 << 16)  # pure, and asked for every unit by every territorial rule
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

    For an events file read in bulk, ``events`` and the index are mappings
    that make each event when it is first asked for
    (:class:`compliance.records.bulk.EventRows`); they give the same events,
    in the same order, as the dictionaries built here.
    """

    def __init__(
        self,
        units: Iterable[Unit] = (),
        tenures: Iterable[Tenure] = (),
        events: Iterable[Event] = (),
        measures: Iterable[Measure] = (),
    ) -> None:
        units, events = list(units), list(events)
        # by id; a later record of the same id replaces an earlier one (the loader lets none through)
        self.units: dict[str, Unit] = dict(zip(map(_UNIT_ID, units), units))
        self.tenures: tuple[Tenure, ...] = tuple(tenures)
        self.events: Mapping[str, Event] = dict(zip(map(_EVENT_ID, events), events))
        self.measures: tuple[Measure, ...] = tuple(measures)

    # -- indexes ---------------------------------------------------------------
    def _index_events(self) -> None:
        """Build ``_by_unit_type`` and ``_by_type`` together: each list in (instant, id) order.

        All events are put in that order once (:func:`_in_order`) and dealt out to
        the indexes in one pass, so a million events are touched three times
        rather than eight.
        """
        ordered = _in_order(list(self.events.values()))
        by_unit_type: dict[tuple[str, str], list[Event]] = {}
        by_type: dict[str, list[Event]] = {}
        for event in ordered:
            kind = event.type
            key = (event.unit_id, kind)
            found = by_unit_type.get(key)
            if found is None:
                by_unit_type[key] = [event]
            else:
                found.append(event)
            found = by_type.get(kind)
            if found is None:
                by_type[kind] = [event]
            else:
                found.append(event)
        self.__dict__.update(_by_unit_type=by_unit_type, _by_type=by_type)

    @cached_property
    def _by_unit_type(self) -> dict[tuple[str, str], list[Event]]:
        self._index_events()
        return self.__dict__["_by_unit_type"]

    @cached_property
    def _by_type(self) -> dict[str, list[Event]]:
        self._index_events()
        return self.__dict__["_by_type"]

    @cached_property
    def _keys(self) -> dict[tuple[str, str], tuple[list[Event], list[datetime]]]:
        """Each (unit, type) list of ``_by_unit_type`` with its instants, filled as :meth:`events_between` asks
        (a rule reads a few types; making them all took half a second per million events)."""
        return {}

    @cached_property
    def _sorted_units(self) -> list[Unit]:
        return sorted(self.units.values(), key=lambda unit: unit.unit_id)

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
    def events_of(self, unit_id: str, event_type: str, attributes: Mapping[str, Any] | None = None) -> list[Event]:
        """All events of a type in a unit, in time order; with ``attributes``, those that have them
        (see :meth:`events_of_type`)."""
        return _having(self._by_unit_type, (unit_id, event_type), attributes)

    def events_between(self, unit_id: str, event_type: str, start: datetime, end: datetime) -> list[Event]:
        """Events of a type in a unit with ``start <= occurred_at < end`` (time order)."""
        key = (unit_id, event_type)
        found = self._keys.get(key)
        if found is None:
            events = self._by_unit_type.get(key)
            if not events:
                return []
            found = self._keys[key] = (events, [event.occurred_at.at for event in events])
        events, keys = found
        return events[bisect.bisect_left(keys, start):bisect.bisect_left(keys, end)]

    def events_of_type(self, event_type: str, attributes: Mapping[str, Any] | None = None) -> list[Event]:
        """All events of a type, in time order; with ``attributes`` (an attribute's name, not one of
        :data:`EVENT_FIELDS`, to a value, or to a list or tuple of values), only those whose attribute is
        that value, or one of those values, as a selector's ``where`` reads them.

        The events of an events file read in bulk are made as they are asked for:
        asked with ``attributes``, only the events that have them are made.

        >>> facts = Facts(units=[Unit(unit_id="U1", name="甲", kind="enterprise")], events=[
        ...     Event(event_id=f"E{n}", unit_id="U1", type="hazard_found", occurred_at=f"2022-09-0{n}",
        ...           attributes={"grade": grade}) for n, grade in ((1, "major"), (2, "general"), (3, "major"))])
        >>> [event.event_id for event in facts.events_of_type("hazard_found", {"grade": "major"})]
        ['E1', 'E3']
        >>> [event.event_id for event in facts.events_of_type("hazard_found", {"grade": ["general", "none"]})]
        ['E2']
        """
        return _having(self._by_type, event_type, attributes)

    @cached_property
    def _events_have_units(self) -> bool:
        """Whether every event's unit is among the units (always so for loaded records)."""
        return self.units.keys() >= set(map(_UNIT_ID, self.events.values()))

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
        """The units by id (sorted once: every rule walks them)."""
        return iter(self._sorted_units)


_EVENT_ID = attrgetter("event_id")
_EVENT_INSTANT = attrgetter("occurred_at.at")
_UNIT_ID = attrgetter("unit_id")


def _in_order(events: list[Event]) -> list[Event]:
    """The events sorted by (instant, id), in place.

    Sorted by id, then by instant: the sort is stable, so events of the same
    instant stay in id order. Two sorts on single keys beat one on (instant, id)
    pairs several times over, and each is about linear when the export is in
    that order already, as most are.
    """
    events.sort(key=_EVENT_ID)
    events.sort(key=_EVENT_INSTANT)
    return events


def _event_order(event: Event) -> tuple[datetime, str]:
    return (event.occurred_at.at, event.event_id)
