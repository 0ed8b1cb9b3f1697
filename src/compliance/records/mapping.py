"""A mapping file: read an export as it is, without editing the data.

An auditor's export rarely uses the contract's names. A mapping (``mapping.yaml``
in the export folder, or given explicitly) says which file or sheet holds a record
kind, renames columns onto the contract's, and maps the export's own values onto
the vocabulary::

    files:
      events: 活动记录
    columns:
      events: {编号: event_id, 单位编码: unit_id, 活动类型: type, 发生时间: occurred_at}
    values:
      events:
        type: {党委常委会会议: standing_committee_safety_meeting}

It is loaded strictly (duplicate or unknown keys are errors) and checked before
any record is read, so a misspelled column or vocabulary name stops the run with
the file, line and column and the closest known name.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance import strictyaml
from compliance.errors import Position, RuleError, closest
from compliance.records.kinds import KINDS, ORDER
from compliance.vocabulary import VOCABULARY, UnknownName

KindName = Literal["units", "people", "events", "measures"]
Scalar = str | bool | int | float

# A target that is this close to a contract column is taken for a misspelling of it,
# not for the name of an attribute (occured_at → occurred_at, but not actor → actor_id).
_NEAR_MISS = 0.85
_MEMORY = "<mapping>"


class Mapping(BaseModel):
    """How an export's files, columns and values map onto the contract's.

    >>> mapping = Mapping.from_dict({"columns": {"events": {"编号": "event_id"}},
    ...                              "values": {"units": {"kind": {"县委": "party_committee"}}}})
    >>> mapping.rename("events", "编号"), mapping.rename("events", "type")
    ('event_id', 'type')
    >>> Mapping.from_dict({"columns": {"evnts": {}}})
    Traceback (most recent call last):
    ...
    compliance.errors.RuleError: <mapping>: columns.evnts: unknown record kind (found 'evnts'; did you mean 'events'?)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    files: dict[KindName, str] = Field(
        default_factory=dict, description="Record kind -> the file stem or sheet name holding it."
    )
    columns: dict[KindName, dict[str, str]] = Field(
        default_factory=dict, description="Record kind -> {export column: contract column}."
    )
    values: dict[KindName, dict[str, dict[str, Scalar]]] = Field(
        default_factory=dict, description="Record kind -> contract column -> {export value: vocabulary value}."
    )

    # -- loading ------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | str) -> Mapping:
        """Load and check a mapping file; errors are :class:`RuleError` with line and column."""
        return cls._from_document(strictyaml.load(path))

    @classmethod
    def loads(cls, text: str, name: str = "<string>") -> Mapping:
        """Load and check a mapping from YAML text (``name`` is used in error positions)."""
        return cls._from_document(strictyaml.loads(text, name))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mapping:
        """A checked mapping from plain data (for systems that embed the library)."""
        return cls._build(data, None)

    @classmethod
    def _from_document(cls, document: strictyaml.Document) -> Mapping:
        data = document.value if document.value is not None else {}
        return cls._build(data, document)

    @classmethod
    def _build(cls, data: Any, document: strictyaml.Document | None) -> Mapping:
        if not isinstance(data, dict):
            raise _error(document, (), "a mapping file must be a YAML mapping with files, columns and values",
                         found=type(data).__name__)
        try:
            mapping = cls.model_validate(data)
        except ValidationError as error:
            raise _from_validation(error, document) from None
        problem = mapping._first_problem()
        if problem is not None:
            path, what, found, suggestion, on_key = problem
            raise _error(document, path, what, found=found, suggestion=suggestion, on_key=on_key)
        return mapping

    # -- checking -----------------------------------------------------------------
    def _first_problem(self) -> tuple[tuple[str, ...], str, Any, str | None, bool] | None:
        """The first thing wrong that the types alone do not catch, in file order."""
        stems: dict[str, str] = {}
        for kind, stem in self.files.items():
            if not stem.strip():
                return ("files", kind), "a file stem or sheet name cannot be empty", stem, None, False
            if stem in stems:
                return ("files", kind), f"{stems[stem]} and {kind} cannot be read from the same file", stem, None, False
            stems[stem] = kind
        for kind, renames in self.columns.items():
            targets: dict[str, str] = {}
            for source, target in renames.items():
                path = ("columns", kind, source)
                problem = _check_column(kind, target)
                if problem is not None:
                    return (path, *problem, False)
                if target in targets:
                    return path, f"{targets[target]!r} is already mapped to {target!r}", source, None, True
                targets[target] = source
        for kind, by_column in self.values.items():
            for column, table in by_column.items():
                problem = _check_column(kind, column)
                if problem is not None:
                    return (("values", kind, column), *problem, True)
                family = KINDS[kind].families.get(column)
                if family is None:
                    continue
                for source, target in table.items():
                    try:
                        VOCABULARY.normalise(family, str(target))
                    except UnknownName as error:
                        return ("values", kind, column, source), error.what, target, error.suggestion, False
        return None

    # -- applying -----------------------------------------------------------------
    def rename(self, kind: str, column: str) -> str:
        """The contract column (or attribute name) an export column stands for."""
        return self.columns.get(kind, {}).get(column, column)  # type: ignore[call-overload]

    def stem(self, kind: str) -> str:
        """The file stem or sheet name that holds ``kind``."""
        return self.files.get(kind, kind)  # type: ignore[call-overload]

    def value_tables(self, kind: str) -> dict[str, dict[str, Scalar]]:
        """Contract column (or attribute) -> {export value: vocabulary value}, for ``kind``."""
        return self.values.get(kind, {})  # type: ignore[call-overload]


def _check_column(kind: str, name: str) -> tuple[str, Any, str | None] | None:
    """Why ``name`` cannot be a column of ``kind`` (what, found, suggestion), or None if it can."""
    spec = KINDS[kind]
    if name in spec.fields:
        return None
    suggestion = closest(name, spec.fields)
    if not spec.has_attributes:
        return f"not a column of {kind}", name, suggestion
    if suggestion is not None and difflib.SequenceMatcher(None, name, suggestion).ratio() >= _NEAR_MISS:
        return f"looks like a misspelled column of {kind}", name, suggestion
    return None


def _error(
    document: strictyaml.Document | None,
    path: tuple[Any, ...],
    what: str,
    *,
    found: Any = None,
    suggestion: str | None = None,
    on_key: bool = False,
) -> RuleError:
    dotted = ".".join(str(part) for part in path)
    what = f"{dotted}: {what}" if dotted else what
    if document is None:
        where = Position(_MEMORY)
    else:
        where = document.key_position(path) if on_key else document.where(path)
    return RuleError(what, where=where, found=found, suggestion=suggestion)


def _from_validation(error: ValidationError, document: strictyaml.Document | None) -> RuleError:
    """The first pydantic error as a :class:`RuleError` at its place in the file."""
    first = error.errors(include_url=False)[0]
    loc = [part for part in first["loc"] if part != "[key]"]
    on_key = "[key]" in first["loc"] or first["type"] == "extra_forbidden"
    path = tuple(loc)
    kind_error = first["type"] == "literal_error" and len(path) == 2
    if first["type"] == "extra_forbidden" and len(path) == 1:
        name = str(path[0])
        return _error(document, path, "unknown key", found=name,
                      suggestion=closest(name, Mapping.model_fields), on_key=True)
    if kind_error:
        name = str(path[1])
        return _error(document, path, "unknown record kind", found=name,
                      suggestion=closest(name, ORDER), on_key=True)
    expected = {
        "dict_type": "a mapping",
        "string_type": "a name",
    }.get(first["type"])
    if expected is not None:
        return _error(document, path, f"expected {expected}", found=first["input"], on_key=on_key)
    return _error(document, path, first["msg"], found=first.get("input"), on_key=on_key)


__all__ = ["Mapping"]
