"""What loading records gives back: the facts, every rejected row, and the counts.

Nothing is dropped in silence (CONTRACT.md "Bad input"): each row read is
accepted, merged as an exact duplicate (counted in ``stats``), or rejected with
a :class:`Rejection` that says where it was and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from compliance.errors import Position, RecordError
from compliance.facts import Facts


class Rejection(BaseModel):
    """One row that cannot be used: where it is, which column is wrong, and why.

    >>> rejection = Rejection(file="export/events.csv", sheet=None, line=7, column="unit_id",
    ...                       column_number=2, reason="unit_id: unit 'X' does not exist in units",
    ...                       record={"event_id": "e1", "unit_id": "X"})
    >>> str(rejection.position)
    'export/events.csv:7:2'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str = Field(description="The file read (or ``<memory>:events`` for records given in memory).")
    sheet: str | None = Field(description="The worksheet, for XLSX workbooks.")
    line: int | None = Field(
        description="CSV/JSON Lines: the physical line where the record starts (header = 1); "
        "XLSX: the row number; in memory: the 1-based index in the given sequence."
    )
    column: str | None = Field(description="The column as named in the file (before a mapping renames it).")
    column_number: int | None = Field(description="1-based position in the header; None for JSON Lines.")
    reason: str = Field(description="What is wrong, in English, starting with the field concerned.")
    record: dict[str, Any] = Field(description="The row as read, keyed by the file's column names.")

    @property
    def position(self) -> Position:
        """Where the rejected value is, as an :class:`~compliance.errors.Position`."""
        return Position(self.file, self.line, self.column_number, sheet=self.sheet)

    def as_error(self) -> RecordError:
        """The rejection as the error ``strict`` mode raises."""
        return RecordError(self.reason, where=self.position)


@dataclass(frozen=True)
class LoadResult:
    """The outcome of loading records.

    ``stats`` has one entry per record kind (``units``, ``people``, ``events``,
    ``measures``) with ``file``, ``sheet``, ``encoding``, ``rows`` (rows read),
    ``accepted``, ``rejected`` and ``duplicates`` (exact copies merged), so that
    ``rows == accepted + rejected + duplicates``; ``measures`` also lists its
    ``ignored_columns``.
    """

    facts: Facts
    rejections: tuple[Rejection, ...]
    stats: dict[str, dict[str, Any]]
