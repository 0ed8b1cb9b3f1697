"""The vocabulary: unit kinds, levels, roles, event types and their attributes, metrics.

It is data (``vocabulary.yaml`` beside this module), loaded strictly once. Rules
are checked against it when a pack is loaded (a misspelled event type is reported
with the closest known name); records are normalised with it (a Chinese name such
as ``党委`` is read as ``party_committee``) and their attributes are typed with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from compliance import strictyaml
from compliance.errors import ComplianceError, closest
from compliance.timeline import parse_date

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yaml")

_TRUE = {"true", "1", "yes", "y", "是", "有", "t"}
_FALSE = {"false", "0", "no", "n", "否", "无", "f"}


class UnknownName(ComplianceError, ValueError):
    """A name that the vocabulary does not know (the caller adds the position).

    It is also a ValueError so that pydantic reports it, raised inside a record
    model's validator, as a validation error of that field.
    """


@dataclass(frozen=True)
class Term:
    """One name of the vocabulary with its Chinese name."""

    name: str
    zh: str
    note: str | None = None


@dataclass(frozen=True)
class Metric(Term):
    unit: str = ""  # the counting word: 人, 辆


@dataclass(frozen=True)
class EventType(Term):
    attributes: tuple[tuple[str, object], ...] = ()

    def attribute_type(self, attribute: str) -> object | None:
        return dict(self.attributes).get(attribute)


@dataclass(frozen=True, eq=False)  # identity equality: hashable, so lookups can be cached
class Vocabulary:
    unit_kinds: dict[str, Term]
    levels: dict[str, Term]
    level_rank: dict[str, int]
    roles: dict[str, Term]
    person_attributes: dict[str, object]
    metrics: dict[str, Metric]
    sectors: dict[str, str]
    tags: dict[str, str]
    event_types: dict[str, EventType]
    accident_grades: dict[str, Term]
    grade_rank: dict[str, int]

    # -- checking names (rules) -------------------------------------------------
    def check(self, family: str, name: str) -> str:
        """``name`` if it is known in ``family`` (e.g. ``"event_types"``), else :class:`UnknownName`.

        >>> VOCABULARY.check("event_types", "accident")
        'accident'
        >>> VOCABULARY.check("event_types", "acident")
        Traceback (most recent call last):
        ...
        compliance.vocabulary.UnknownName: unknown event type (found 'acident'; did you mean 'accident'?)
        """
        known = getattr(self, family)
        if name in known:
            return name
        raise UnknownName(
            f"unknown {_SINGULAR[family]}", found=name, suggestion=closest(name, known)
        )

    # -- normalising values (records) ------------------------------------------
    def normalise(self, family: str, value: str) -> str:
        """The vocabulary name for a record value given as name or Chinese name.

        >>> VOCABULARY.normalise("unit_kinds", "党委")
        'party_committee'
        >>> VOCABULARY.normalise("levels", "county")
        'county'
        """
        value = value.strip()
        table = getattr(self, family)
        if value in table:
            return value
        by_chinese = _chinese_index(self, family)
        if value in by_chinese:
            return by_chinese[value]
        raise UnknownName(
            f"unknown {_SINGULAR[family]}",
            found=value,
            suggestion=closest(value, list(table) + list(by_chinese)),
            expected="one of " + ", ".join(sorted(table)),
        )

    def zh(self, family: str, name: str) -> str:
        """The Chinese name of a vocabulary name (the name itself if it has none)."""
        entry = getattr(self, family).get(name)
        if entry is None:
            return name
        return entry if isinstance(entry, str) else entry.zh

    def coerce(self, kind: object, value: Any) -> Any:
        """Type one attribute value as the vocabulary declares it.

        Strings from CSV become integers, booleans, dates or lists; values that are
        already typed (JSON Lines, XLSX) are checked. Raises ValueError with a reason.

        >>> VOCABULARY.coerce("boolean", "是"), VOCABULARY.coerce("integer", "3")
        (True, 3)
        >>> VOCABULARY.coerce(["major", "general"], "major")
        'major'
        """
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return None
        if isinstance(kind, list):
            text = str(value).strip()
            if text not in kind:
                hint = closest(text, kind)
                raise ValueError(
                    f"{text!r} is not one of {', '.join(kind)}" + (f" (did you mean {hint!r}?)" if hint else "")
                )
            return text
        if kind == "integer":
            if isinstance(value, bool):
                raise ValueError(f"{value!r} is not a whole number")
            if isinstance(value, int):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            text = str(value).strip().replace(",", "")
            try:
                return int(text)
            except ValueError:
                raise ValueError(f"{value!r} is not a whole number") from None
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError(f"{value!r} is not a yes/no value (true/false, 是/否)")
        if kind == "date":
            if isinstance(value, date):
                return value.isoformat()
            return parse_date(str(value)).isoformat()
        if kind == "list":
            if isinstance(value, (list, tuple)):
                return tuple(str(item).strip() for item in value if str(item).strip())
            return tuple(part.strip() for part in str(value).split(";") if part.strip())
        return str(value).strip() if isinstance(value, str) else value


_SINGULAR = {
    "unit_kinds": "unit kind",
    "levels": "level",
    "roles": "role",
    "metrics": "metric",
    "sectors": "sector",
    "tags": "tag",
    "event_types": "event type",
    "accident_grades": "accident grade",
    "person_attributes": "person attribute",
}


@cache
def _chinese_index(vocabulary: Vocabulary, family: str) -> dict[str, str]:
    table = getattr(vocabulary, family)
    index: dict[str, str] = {}
    for name, entry in table.items():
        zh = entry if isinstance(entry, str) else entry.zh
        index[zh] = name
        for alias in zh.split(" / "):  # "其他领导干部 / 分管负责人": either name is accepted
            index.setdefault(alias.strip(), name)
    return index


def _terms(section: dict[str, Any]) -> dict[str, Term]:
    return {name: Term(name, body["zh"], body.get("note")) for name, body in section.items()}


def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """Load a vocabulary file (the shipped one by default)."""
    data = strictyaml.load(path).value
    return Vocabulary(
        unit_kinds=_terms(data["unit_kinds"]),
        levels=_terms(data["levels"]),
        level_rank={name: body["rank"] for name, body in data["levels"].items()},
        roles=_terms(data["roles"]),
        person_attributes=dict(data["person_attributes"]),
        metrics={name: Metric(name, body["zh"], body.get("note"), body.get("unit", ""))
                 for name, body in data["metrics"].items()},
        sectors=dict(data["sectors"]),
        tags=dict(data["tags"]),
        accident_grades=_terms(data["accident_grades"]),
        grade_rank={name: body["rank"] for name, body in data["accident_grades"].items()},
        event_types={
            name: EventType(
                name,
                body["zh"],
                body.get("note"),
                tuple((key, value) for key, value in (body.get("attributes") or {}).items()),
            )
            for name, body in data["event_types"].items()
        },
    )


VOCABULARY = load_vocabulary()
