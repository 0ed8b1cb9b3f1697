"""Events one at a time, validated exactly as a row of an export's ``events`` file.

The same fields (``event_id``, ``unit_id``, ``type``, ``occurred_at``,
``actor_id``, ``target_id``, then attributes as an ``attributes`` object or as
further keys), the same mapping, vocabulary and typing, and the same check that
the unit exists: the record assembler of :mod:`compliance.records` does it, one
row at a time. What it refuses comes back as a :class:`Rejection` with its line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from compliance.facts import Event
from compliance.records import Mapping as RecordMapping
from compliance.records import Rejection
from compliance.records.assembly import Assembler, memory_row
from compliance.records.readers import Source


class Intake:
    """Validates single events against the master data's units."""

    def __init__(self, unit_ids: Iterable[str], mapping: RecordMapping | None = None, file: str = "<stream>") -> None:
        self._unit_ids = set(unit_ids)
        self._mapping = mapping
        self.file = file

    def read(self, data: Mapping[str, Any], line: int | None = None) -> Event | Rejection:
        """The event of one record, or why it cannot be used."""
        assembler = Assembler(self._mapping)
        assembler.unit_ids = self._unit_ids
        assembler.take(Source("events", self.file, iter([memory_row("events", line or 1, data)]), numbered=False))
        if assembler.rejections:
            return assembler.rejections[0]
        return assembler.accepted["events"][0]

    @staticmethod
    def refuse(line: int, reason: str, record: Mapping[str, Any], file: str = "<stream>") -> Rejection:
        """A rejection for a line that is not a record at all (not JSON, not an object)."""
        return Rejection(file=file, sheet=None, line=line, column=None, column_number=None, reason=reason,
                         record=dict(record))
