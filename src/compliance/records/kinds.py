"""The four kinds of record an export holds, and what the readers need to know of each.

One :class:`RecordKind` per file of CONTRACT.md "Records in": its contract
columns, which of them a header must have, which model of :mod:`compliance.facts`
a row becomes, which columns name a vocabulary family, and how two rows are
recognised as the same record (for duplicates). The readers, the mapping and the
assembler all read these tables, so that a column is named in one place only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from operator import attrgetter

from pydantic import BaseModel

from compliance.facts import Event, Measure, Tenure, Unit

ATTRIBUTES = "attributes"
"""The column that may hold a JSON object of attributes (units, people, events)."""


@dataclass(frozen=True)
class RecordKind:
    """What the loaders know of one record kind (``units``, ``people``, ``events``, ``measures``)."""

    name: str
    model: type[BaseModel]
    columns: tuple[str, ...]
    """The contract columns, in the contract's order."""
    required: tuple[str, ...]
    """Columns a header must have: without them no row of the file can be used."""
    has_attributes: bool
    """Whether unknown columns are kept as attributes (else they are ignored and listed)."""
    references_unit: bool
    """Whether ``unit_id`` must name a unit of the export."""
    key: Callable[[BaseModel], Hashable]
    """What identifies a record when duplicates are looked for."""
    key_field: str
    """The field a conflicting duplicate is reported on."""
    key_unique: bool
    """True: one record per key, a second one with other content is rejected.
    False: several records may share the key; only exact copies are merged."""
    families: dict[str, str] = field(default_factory=dict)
    """Columns whose values are vocabulary names: column -> vocabulary family."""
    list_columns: frozenset[str] = frozenset()
    """Columns holding ``;``-separated lists (a value mapping applies to each item)."""
    model_level_field: str | None = None
    """The field to blame for an error of the whole record that names no field."""

    @property
    def fields(self) -> frozenset[str]:
        """The model fields a column can fill (contract columns, and ``attributes``)."""
        return frozenset(self.columns + ((ATTRIBUTES,) if self.has_attributes else ()))


KINDS: dict[str, RecordKind] = {
    kind.name: kind
    for kind in (
        RecordKind(
            name="units",
            model=Unit,
            columns=("unit_id", "name", "kind", "level", "parent_id", "region", "sectors", "tags"),
            required=("unit_id", "name", "kind"),
            has_attributes=True,
            references_unit=False,
            key=attrgetter("unit_id"),
            key_field="unit_id",
            key_unique=True,
            families={"kind": "unit_kinds", "level": "levels", "sectors": "sectors", "tags": "tags"},
            list_columns=frozenset({"sectors", "tags"}),
        ),
        RecordKind(
            name="people",
            model=Tenure,
            columns=("person_id", "name", "unit_id", "role", "start", "end"),
            required=("person_id", "name", "unit_id", "role"),
            has_attributes=True,
            references_unit=True,
            # One person may hold several roles: rows are only merged when identical.
            key=attrgetter("person_id", "unit_id", "role", "start", "end"),
            key_field="person_id",
            key_unique=False,
            families={"role": "roles"},
            # The only error of a whole tenure is "end before start".
            model_level_field="end",
        ),
        RecordKind(
            name="events",
            model=Event,
            columns=("event_id", "unit_id", "type", "occurred_at", "actor_id", "target_id"),
            required=("event_id", "unit_id", "type", "occurred_at"),
            has_attributes=True,
            references_unit=True,
            key=attrgetter("event_id"),
            key_field="event_id",
            key_unique=True,
            families={"type": "event_types"},
            model_level_field=ATTRIBUTES,
        ),
        RecordKind(
            name="measures",
            model=Measure,
            columns=("unit_id", "metric", "value", "as_of"),
            required=("unit_id", "metric", "value", "as_of"),
            has_attributes=False,
            references_unit=True,
            key=attrgetter("unit_id", "metric", "as_of"),
            key_field="value",
            key_unique=True,
            families={"metric": "metrics"},
        ),
    )
}

ORDER: tuple[str, ...] = ("units", "people", "events", "measures")
"""The order kinds are read and reported in: units first, so that references can be checked."""

FAMILY_FIELDS: dict[str, str] = {
    "unit kind": "kind",
    "level": "level",
    "sector": "sectors",
    "tag": "tags",
    "role": "role",
    "event type": "type",
    "metric": "metric",
}
"""The field behind a vocabulary error, from the noun of its message ("unknown event type")."""
