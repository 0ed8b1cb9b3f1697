"""The one root of every error the library raises at its users.

Each error carries structured fields rather than a pre-formatted sentence, so that
the command line (the only layer that prints) and embedding systems can render it
as they need: *where* (file, line, column), *what* went wrong, what was
*expected*, what was *found*, and a *suggestion* (the closest known name for a
misspelling).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Position:
    """A place in a source file: 1-based line and column.

    ``sheet`` is set for XLSX workbooks, where ``line`` is the row number.

    >>> str(Position("rules/a.yaml", 3, 5))
    'rules/a.yaml:3:5'
    >>> str(Position("data.xlsx", 7, 2, sheet="events"))
    'data.xlsx[events]:7:2'
    """

    file: str
    line: int | None = None
    column: int | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        text = self.file if self.sheet is None else f"{self.file}[{self.sheet}]"
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


class ComplianceError(Exception):
    """Root of all errors raised by ``compliance``.

    >>> e = ComplianceError("unknown event type", where=Position("r.yaml", 4, 11),
    ...                     found="safety_meting", suggestion="safety_meeting")
    >>> str(e)
    "r.yaml:4:11: unknown event type (found 'safety_meting'; did you mean 'safety_meeting'?)"
    """

    def __init__(
        self,
        what: str,
        *,
        where: Position | None = None,
        expected: str | None = None,
        found: object = None,
        suggestion: str | None = None,
    ) -> None:
        self.what = what
        self.where = where
        self.expected = expected
        self.found = found
        self.suggestion = suggestion
        super().__init__(self.render())

    def render(self) -> str:
        details = []
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        if self.found is not None:
            details.append(f"found {self.found!r}")
        if self.suggestion is not None:
            details.append(f"did you mean {self.suggestion!r}?")
        text = self.what + (f" ({'; '.join(details)})" if details else "")
        return f"{self.where}: {text}" if self.where is not None else text

    def as_dict(self) -> dict[str, object]:
        """The error as JSON-ready data (for ``--format json`` and embedding systems)."""
        where = self.where
        return {
            "error": type(self).__name__,
            "file": where.file if where else None,
            "sheet": where.sheet if where else None,
            "line": where.line if where else None,
            "column": where.column if where else None,
            "what": self.what,
            "expected": self.expected,
            "found": None if self.found is None else str(self.found),
            "suggestion": self.suggestion,
        }


class RuleError(ComplianceError):
    """A rule pack (or mapping, vocabulary, parameter override) is wrong."""


class RecordError(ComplianceError):
    """An input record cannot be used (raised only in ``--strict`` mode or for unreadable files)."""


class EvaluationError(ComplianceError):
    """The evaluation cannot be carried out as asked (bad range, unknown rule id)."""


class ErrorGroup(ComplianceError):
    """Several errors found together, so that an author can fix them in one pass."""

    def __init__(self, errors: Sequence[ComplianceError]) -> None:
        self.errors = list(errors)
        first = self.errors[0] if self.errors else None
        super().__init__(
            f"{len(self.errors)} error(s)" + (f"; first: {first}" if first else ""),
            where=first.where if first else None,
        )

    def render(self) -> str:
        return "\n".join(str(error) for error in getattr(self, "errors", [])) or self.what


def closest(name: str, known: Iterable[str]) -> str | None:
    """The closest known name to a misspelled one, or None if nothing is close.

    >>> closest("safety_inspection_lead", ["safety_inspection_led", "accident"])
    'safety_inspection_led'
    >>> closest("zzz", ["accident"]) is None
    True
    """
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None
