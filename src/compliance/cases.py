"""Rule authors' test cases: "given these records and this as-of, expect these findings".

A case file sits beside its pack (``tonghua-2022-10.cases.yaml`` next to
``tonghua-2022-10.yaml``) and is loaded strictly, like a pack::

    pack: tonghua-2022-10
    cases:
      - name: 第三季度未集中学习
        rules: [tonghua-2022-10.t02]
        as_of: "2023-01-01"
        given:
          units: [{unit_id: PC, name: 某县委, kind: party_committee, level: county}]
          events: [{event_id: e1, unit_id: PC, type: safety_study_session, occurred_at: "2022-11-01"}]
        expect:
          findings:
            - {period: 2022-Q3, status: violated}
            - {period: 2022-Q4, status: satisfied, evidence: [e1]}

``expect.findings`` is the complete list of the findings of the rules under test
(all statuses, in canonical order; ``statuses`` narrows it), each compared on the
fields it names; ``expect.decisions`` likewise for decisions, ``expect.incidents``
for incidents. A case passes when every list matches entry for entry. Cases run
with ``compliance test`` and, through the pytest plugin, under pytest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance import strictyaml
from compliance.errors import ComplianceError, ErrorGroup, Position, RuleError, closest
from compliance.findings import Status

CASES_SUFFIX = ".cases.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Given(_Strict):
    units: tuple[dict[str, Any], ...] = ()
    people: tuple[dict[str, Any], ...] = ()
    events: tuple[dict[str, Any], ...] = ()
    measures: tuple[dict[str, Any], ...] = ()


class Expect(_Strict):
    findings: tuple[dict[str, Any], ...] | None = None
    statuses: tuple[Status, ...] = Field(tuple(Status), description="Which findings the list covers.")
    decisions: tuple[dict[str, Any], ...] | None = None
    incidents: tuple[dict[str, Any], ...] | None = None
    rejected: int = Field(0, description="How many records are expected to be rejected.")


class Case(_Strict):
    name: str
    rules: tuple[str, ...] = Field(min_length=1, description="The rules under test (and any rules they need).")
    as_of: str
    from_: str | None = Field(None, alias="from")
    to: str | None = None
    params: dict[str, dict[str, Any]] = Field(default_factory=dict)
    given: Given
    expect: Expect


class CaseFile(_Strict):
    pack: str | None = None
    cases: tuple[Case, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Mismatch:
    """What a failing case expected and what came out, for one list."""

    what: str
    expected: list[dict[str, Any]]
    actual: list[dict[str, Any]]
    #: show what came out whole, not only the fields expected (the reasons of rejected records)
    whole: bool = False


@dataclass(frozen=True)
class Outcome:
    """The result of one case."""

    file: str
    name: str
    rules: tuple[str, ...]
    where: Position
    mismatches: tuple[Mismatch, ...] = ()
    error: ComplianceError | None = None

    @property
    def passed(self) -> bool:
        return not self.mismatches and self.error is None

    def report(self) -> str:
        """A readable account: the case, its rules, what was expected and what came out."""
        head = f"{'PASS' if self.passed else 'FAIL'} {self.where} {self.name} [{', '.join(self.rules)}]"
        lines = [head]
        if self.error is not None:
            lines.append(f"    error: {self.error}")
        for mismatch in self.mismatches:
            counts = "" if mismatch.whole else f" expected {len(mismatch.expected)}, got {len(mismatch.actual)}"
            lines.append(f"    {mismatch.what}:{counts}")
            for index in range(max(len(mismatch.expected), len(mismatch.actual))):
                want = mismatch.expected[index] if index < len(mismatch.expected) else None
                got = mismatch.actual[index] if index < len(mismatch.actual) else None
                if want is None or got is None or not _matches(got, want):
                    lines.append(f"      #{index + 1} expected: {_show(want)}")
                    shown = got if mismatch.whole or not want else _project(got, want)
                    lines.append(f"      #{index + 1} got:      {_show(shown)}")
        return "\n".join(lines)


def _show(value: Any) -> str:
    return "(nothing)" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _project(actual: dict[str, Any] | None, wanted: dict[str, Any]) -> dict[str, Any] | None:
    """The fields of ``actual`` that ``wanted`` names (what a reader compares)."""
    if actual is None:
        return None
    return {key: actual.get(key) for key in wanted}


def _normal(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_normal(item) for item in value]
    return value


def _matches(actual: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(_normal(actual.get(key)) == _normal(value) for key, value in wanted.items())


def _compare(what: str, wanted: Iterable[dict[str, Any]], actual: list[dict[str, Any]]) -> list[Mismatch]:
    wanted = list(wanted)
    if len(wanted) == len(actual) and all(_matches(a, w) for a, w in zip(actual, wanted, strict=True)):
        return []
    return [Mismatch(what, wanted, actual)]


def load_cases(path: Path | str) -> tuple[CaseFile, strictyaml.Document]:
    """Load a case file strictly (errors with file, line and column)."""
    document = strictyaml.load(path, collect=True)
    errors: list[ComplianceError] = list(document.errors)
    try:
        cases = CaseFile.model_validate(document.value)
    except ValidationError as error:
        for item in error.errors():
            loc = tuple(item["loc"])
            if item["type"] == "extra_forbidden":
                known = [info.alias or name for model in (CaseFile, Case, Given, Expect)
                         for name, info in model.model_fields.items()]
                errors.append(RuleError("unknown key", where=document.key_position(loc), found=loc[-1],
                                        suggestion=closest(str(loc[-1]), known)))
                continue
            errors.append(RuleError(item["msg"].removeprefix("Value error, "), where=document.where(loc),
                                    found=item["input"] if isinstance(item["input"], (str, int)) else None))
        raise ErrorGroup(errors) from None
    if errors:
        raise ErrorGroup(errors)
    return cases, document


def run_case(case: Case, file: str, where: Position, rules: Iterable[Path | str] | None = None) -> Outcome:
    """Run one case against the packs (the shipped ones by default)."""
    from compliance.api import evaluate  # the case runner sits on top of the library

    try:
        result = evaluate(
            units=case.given.units, people=case.given.people, events=case.given.events,
            measures=case.given.measures, rules=rules, as_of=case.as_of, start=case.from_, end=case.to,
            overrides=case.params, rules_only=case.rules,
        )
    except ComplianceError as error:
        return Outcome(file, case.name, case.rules, where, error=error)
    expect = case.expect
    mismatches: list[Mismatch] = []
    if expect.findings is not None:
        actual = [f.model_dump(mode="json") for f in result.findings if f.status in expect.statuses]
        mismatches += _compare("findings", expect.findings, actual)
    if expect.decisions is not None:
        mismatches += _compare("decisions", expect.decisions, [d.model_dump(mode="json") for d in result.decisions])
    if expect.incidents is not None:
        mismatches += _compare("incidents", expect.incidents, [i.model_dump(mode="json") for i in result.incidents])
    if len(result.rejections) != expect.rejected:
        mismatches.append(Mismatch("rejected records", [{"count": expect.rejected}],
                                   [{"count": len(result.rejections),
                                     "reasons": [f"{r.file}:{r.line} {r.reason}" for r in result.rejections]}],
                                   whole=True))
    return Outcome(file, case.name, case.rules, where, mismatches=tuple(mismatches))


def case_files(paths: Iterable[Path | str] | None = None) -> list[Path]:
    """The case files named (files, or folders searched recursively), or the shipped ones."""
    from compliance.language.compile import SHIPPED_RULES

    found: list[Path] = []
    for entry in map(Path, paths or [SHIPPED_RULES]):
        if entry.is_dir():
            found.extend(sorted(entry.rglob("*" + CASES_SUFFIX)))
        elif entry.exists():
            found.append(entry)
        else:
            raise RuleError("no such case file or folder", where=Position(str(entry)))
    return found


@dataclass
class Run:
    """All outcomes of a test run."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.passed]


def iter_cases(file: Path) -> Iterator[tuple[Case, Position]]:
    cases, document = load_cases(file)
    for index, case in enumerate(cases.cases):
        yield case, document.where(("cases", index))


def run_cases(paths: Iterable[Path | str] | None = None, rules: Iterable[Path | str] | None = None) -> Run:
    """Run every case of every file (errors in a case file stop the run: it is a broken file)."""
    run = Run()
    for file in case_files(paths):
        for case, where in iter_cases(file):
            run.outcomes.append(run_case(case, str(file), where, rules))
    return run
