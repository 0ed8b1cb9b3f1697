"""The example exports of fixtures/: how their tests evaluate them and compare the output with expected/.

Each folder of fixtures/ is a fictional export with, in expected/, the results derived by reasoning
from the rule texts (its README.md lists every case and what it produces). A `FixtureRun` says how
the tests evaluate one folder (the as-of instant, the rule packs) and which expected files they
compare the output with; `FIXTURE_RUNS` holds them all, and tests/test_fixture_*.py take theirs
from it. They import this module as ``tests.fixture_support``, as they do ``tests.conftest`` (the
pytest ``pythonpath`` of pyproject.toml holds the repository's root); run as a script, it needs
only the installed package.

After a change meant to change a fixture's results, write its expected files again from the
evaluator's output, then review the difference and update the fixture's README.md to match:

    .venv/bin/python tests/fixture_support.py --update district-2023   # says which files changed
    git diff fixtures/district-2023/expected
    .venv/bin/python tests/fixture_support.py --check                  # every fixture; writes nothing
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import json
import sys
import tempfile
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from compliance.cli import main

ROOT = Path(__file__).resolve().parent.parent
# Every file `compliance evaluate --out` writes: two runs on the same records write each alike.
OUTPUT_FILES = ("findings.jsonl", "decisions.jsonl", "incidents.jsonl", "rejected.jsonl", "summary.json", "report.html",
                "report.xlsx")
# What the output lists without --all.
REPORTED_STATUSES = ("violated", "late", "at_risk")


def lines(path: Path) -> list[dict]:
    """The rows of a JSON-lines file, blank lines left out."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def canonical(rows: Iterable[dict]) -> list[str]:
    """Each row as one line of JSON with sorted keys, so that a diff shows the rows that changed.

    >>> canonical([{"unit_id": "QY-001", "status": "late"}])
    ['{"status": "late", "unit_id": "QY-001"}']
    """
    return [json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows]


def unified_diff(expected: Sequence[str], actual: Sequence[str], name: str) -> str:
    """The lines of ``expected/name`` turned into those of the output's ``name``, as ``diff -u`` shows it.

    >>> print(unified_diff(['{"status": "late"}'], ['{"status": "violated"}'], "findings.jsonl"))
    --- expected/findings.jsonl
    +++ findings.jsonl
    @@ -1 +1 @@
    -{"status": "late"}
    +{"status": "violated"}
    """
    return "\n".join(difflib.unified_diff(expected, actual, f"expected/{name}", name, lineterm=""))


def one(rows: Iterable[dict], **fields) -> dict:
    """The one row with these values of ``fields``; fails naming them and how many rows have them.

    >>> one([{"unit_id": "QY-001", "step": "rectified"}, {"unit_id": "QY-001", "step": "closed"}], step="closed")
    {'unit_id': 'QY-001', 'step': 'closed'}
    """
    chosen = [row for row in rows if all(row[name] == value for name, value in fields.items())]
    assert len(chosen) == 1, f"{fields}: {len(chosen)} rows"
    return chosen[0]


def assert_all_output_lists_the_reported_findings(reported: Path, all_findings: list[dict]) -> None:
    """The findings of a run with ``--all`` that have a reported status are those of the run without, in order."""
    shown = [finding for finding in all_findings if finding["status"] in REPORTED_STATUSES]
    assert canonical(shown) == canonical(lines(reported / "findings.jsonl")), (
        "the findings --all lists as violated, late or at risk are not those of the run without --all")


def assert_every_rule_is_exercised(findings: Iterable[dict], pack: str, rules: Sequence[str], *,
                                   unsatisfied: Collection[str], only_satisfied: Collection[str] = ()) -> None:
    """The rules with findings are ``rules`` (ids after ``pack``), and each has a satisfied finding and,
    unless it is one of ``only_satisfied``, one with a status of ``unsatisfied``.

    A rule that is never satisfied, or never anything else, is not tested both ways by the export.
    """
    statuses: dict[str, set[str]] = {}
    for finding in findings:
        statuses.setdefault(finding["rule_id"], set()).add(finding["status"])
    listed = {pack + rule for rule in rules}
    assert statuses.keys() == listed, (f"rules with findings, not listed: {sorted(statuses.keys() - listed)}; "
                                       f"listed, without findings: {sorted(listed - statuses.keys())}")
    for rule in rules:
        found = statuses[pack + rule]
        assert "satisfied" in found, f"{pack + rule} is never satisfied: {sorted(found)}"
        assert rule in only_satisfied or found.intersection(unsatisfied), f"{pack + rule} is only {sorted(found)}"


@dataclass(frozen=True)
class FixtureRun:
    """How the tests evaluate one folder of fixtures/, and the files of its expected/ they compare with.

    ``rules`` are files of src/compliance/rules, none for the shipped packs (the command's default).
    ``expected_files`` are what the tests compare and ``--update`` writes: a JSON-lines file as the
    run without ``--all`` writes it; ``summary_counts.json`` as the counts by status in
    summary.json of the run with ``--all``.

    >>> print(FIXTURE_RUNS["henan-2022"].shell_command())  # doctest: +NORMALIZE_WHITESPACE
    compliance evaluate fixtures/henan-2022 --rules src/compliance/rules/henan-hkk-2022.yaml
        --rules src/compliance/rules/national.yaml --as-of 2023-03-01 --out DIR
    >>> FIXTURE_RUNS["tonghua-2022"].shell_command("--all")
    'compliance evaluate fixtures/tonghua-2022 --as-of 2023-04-01 --out DIR --all'
    """

    folder: str
    as_of: str
    rules: tuple[str, ...]
    expected_files: tuple[str, ...]

    @property
    def path(self) -> Path:
        return ROOT / "fixtures" / self.folder

    @property
    def expected(self) -> Path:
        return self.path / "expected"

    def arguments(self, out: Path | str, *extra: str, root: Path = ROOT) -> list[str]:
        """The arguments of `compliance` that evaluate the folder into ``out``, paths under ``root``."""
        rules = [arg for name in self.rules for arg in ("--rules", str(root / "src" / "compliance" / "rules" / name))]
        return ["evaluate", str(root / "fixtures" / self.folder), *rules, "--as-of", self.as_of, "--out", str(out),
                *extra]

    def shell_command(self, *extra: str) -> str:
        """The command, run from the repository's root, that writes the output the tests check."""
        return " ".join(["compliance", *self.arguments("DIR", *extra, root=Path())])

    def update_command(self) -> str:
        return f"python tests/fixture_support.py --update {self.folder}"

    def evaluate(self, out: Path, *extra: str) -> Path:
        """Evaluate the folder into ``out`` (made if missing) and give ``out`` back."""
        code = main(self.arguments(out, *extra))
        assert code == 0, f"{self.shell_command(*extra)} exited with {code}"
        return out

    def module_fixtures(self) -> tuple[Callable, Callable, Callable]:
        """The module-scoped fixtures ``reported``, ``everything`` and ``all_findings`` of this run.

        ``reported`` is the output folder of a run without ``--all`` (what the expected files hold),
        ``everything`` that of a run with ``--all``, ``all_findings`` the rows of its findings.jsonl.
        A test module binds them to names pytest finds:
        ``reported, everything, all_findings = RUN.module_fixtures()``.
        """

        @pytest.fixture(scope="module")
        def reported(tmp_path_factory: pytest.TempPathFactory) -> Path:
            return self.evaluate(tmp_path_factory.mktemp("reported"))

        @pytest.fixture(scope="module")
        def everything(tmp_path_factory: pytest.TempPathFactory) -> Path:
            return self.evaluate(tmp_path_factory.mktemp("all"), "--all")

        @pytest.fixture(scope="module")
        def all_findings(everything: Path) -> list[dict]:
            return lines(everything / "findings.jsonl")

        return reported, everything, all_findings

    def assert_matches_expected(self, out: Path, name: str) -> None:
        """Fail, with a diff of the rows, unless the output file ``name`` is the expected one byte for byte."""
        actual, expected = out / name, self.expected / name
        if actual.read_bytes() == expected.read_bytes():
            return
        diff = unified_diff(canonical(lines(expected)), canonical(lines(actual)), name)
        pytest.fail(f"{name} differs from {expected.relative_to(ROOT)}:\n"
                    f"{diff or '(the same rows, written differently)'}\n"
                    f"If the change is intended, write the expected files again and review them: "
                    f"{self.update_command()}")

    def assert_runs_are_byte_identical(self, tmp_path: Path) -> None:
        """Two runs, without and with ``--all``, write every output file alike, byte for byte."""
        for extra in ((), ("--all",)):
            first = self.evaluate(tmp_path / f"first{len(extra)}", *extra)
            second = self.evaluate(tmp_path / f"second{len(extra)}", *extra)
            for name in OUTPUT_FILES:
                assert (first / name).read_bytes() == (second / name).read_bytes(), f"{self.folder} {extra}: {name}"

    def expected_content(self, name: str, reported: Path, everything: Path) -> bytes:
        """What ``expected/name`` holds for the outputs of a run without (``reported``) and with ``--all``."""
        if name == "summary_counts.json":
            counts = read_json(everything / "summary.json")["findings"]["by_status"]
            return (json.dumps(counts, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        return (reported / name).read_bytes()

    def write_expected(self, *, dry_run: bool = False) -> list[Path]:
        """Write the expected files from the evaluator's output (unless ``dry_run``); those that changed."""
        changed = []
        with tempfile.TemporaryDirectory() as scratch:
            reported = self.evaluate(Path(scratch) / "reported")
            everything = self.evaluate(Path(scratch) / "all", "--all")
            for name in self.expected_files:
                content, path = self.expected_content(name, reported, everything), self.expected / name
                if path.is_file() and path.read_bytes() == content:
                    continue
                changed.append(path)
                if not dry_run:
                    path.parent.mkdir(exist_ok=True)
                    path.write_bytes(content)
        return changed


# The as-of instants and packs are those of each fixture's README.md.
FIXTURE_RUNS = {run.folder: run for run in (
    FixtureRun("accidents-2022", as_of="2023-04-01", rules=(),
               expected_files=("findings.jsonl", "decisions.jsonl", "incidents.jsonl")),
    FixtureRun("district-2023", as_of="2024-02-01", rules=("district-2023.yaml", "national.yaml"),
               expected_files=("findings.jsonl", "decisions.jsonl", "summary_counts.json")),
    FixtureRun("henan-2022", as_of="2023-03-01", rules=("henan-hkk-2022.yaml", "national.yaml"),
               expected_files=("findings.jsonl", "decisions.jsonl", "summary_counts.json")),
    FixtureRun("jilin-rf-2022", as_of="2023-01-01", rules=("jilin-rf-2022-80.yaml", "national.yaml"),
               expected_files=("findings.jsonl", "decisions.jsonl", "summary_counts.json")),
    FixtureRun("taonan-2022", as_of="2022-12-01", rules=("taonan-mz-2022.yaml", "national.yaml"),
               expected_files=("findings.jsonl", "decisions.jsonl", "incidents.jsonl", "summary_counts.json")),
    FixtureRun("tonghua-2022", as_of="2023-04-01", rules=(),
               expected_files=("findings.jsonl", "decisions.jsonl", "summary_counts.json")),
)}


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tests/fixture_support.py",
        description="Write the expected files of the example exports under fixtures/ from the evaluator's output.")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--update", action="store_true", help="write the expected files that differ")
    mode.add_argument("--check", action="store_true", help="only say which expected files differ (exit 1 if any)")
    parser.add_argument("folders", nargs="*", metavar="FIXTURE",
                        help=f"folders of fixtures/ (default: all): {', '.join(FIXTURE_RUNS)}")
    args = parser.parse_args(argv)
    unknown = [folder for folder in args.folders if folder not in FIXTURE_RUNS]
    if unknown:
        parser.error(f"no fixture run named {', '.join(unknown)}; known: {', '.join(FIXTURE_RUNS)}")
    changed: list[Path] = []
    for folder in args.folders or FIXTURE_RUNS:
        said = io.StringIO()
        try:
            with contextlib.redirect_stderr(said):  # the command's summary of each run: noise here
                changed += FIXTURE_RUNS[folder].write_expected(dry_run=args.check)
        except AssertionError as failure:
            print(said.getvalue() + str(failure), file=sys.stderr)
            return 2
    for path in changed:
        print(f"{'differs' if args.check else 'written'}: {path.relative_to(ROOT)}")
    if not changed:
        print("every expected file is current")
    elif args.update:
        print(f"{len(changed)} file(s) changed: review them with git diff fixtures/, and the fixture's README.md")
    return 1 if changed and args.check else 0


if __name__ == "__main__":
    raise SystemExit(_main())
