"""A pytest plugin that collects rule authors' case files (``*.cases.yaml``) as tests.

Installed with the package (entry point ``pytest11``), so that ``pytest`` run over
a folder of packs and their cases reports each case by name, with what it expected
and what came out, as ``compliance test`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from compliance.cases import CASES_SUFFIX, Case, Outcome, iter_cases, run_case
from compliance.errors import Position


class CaseFailed(Exception):
    """A case whose outcome did not match its expectation."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.report())
        self.outcome = outcome


class CaseFile(pytest.File):
    def collect(self):
        for case, where in iter_cases(self.path):
            yield CaseItem.from_parent(self, name=case.name, case=case, where=where)


class CaseItem(pytest.Item):
    def __init__(self, *, case: Case, where: Position, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.where = where

    def runtest(self) -> None:
        outcome = run_case(self.case, str(self.path), self.where)
        if not outcome.passed:
            raise CaseFailed(outcome)

    def repr_failure(self, excinfo, style=None):  # noqa: ANN001 - pytest's signature
        if isinstance(excinfo.value, CaseFailed):
            return excinfo.value.outcome.report()
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, (self.where.line or 1) - 1, f"case: {self.name}"


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(CASES_SUFFIX):
        return CaseFile.from_parent(parent, path=file_path)
    return None
