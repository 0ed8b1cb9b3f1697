"""Rule authors' cases: `compliance test` and the pytest plugin report each case by name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from compliance.cases import run_cases
from compliance.cli import main
from tests.conftest import ROOT

CASES = """\
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
  - name: 只看报告的结论
    rules: [tonghua-2022-10.t02]
    as_of: "2023-01-01"
    given:
      units: [{unit_id: PC, name: 某县委, kind: party_committee, level: county}]
    expect:
      statuses: [violated, late, at_risk]
      findings: [{period: 2022-Q3}, {period: 2022-Q4}]
"""


def _write(tmp_path: Path, text: str = CASES) -> Path:
    path = tmp_path / "demo.cases.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_passing_cases(tmp_path, capsys):
    path = _write(tmp_path)
    assert main(["test", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"PASS {path}:3:5 第三季度未集中学习 [tonghua-2022-10.t02]" in out
    assert out.rstrip().endswith("2 passed, 0 failed")


def test_a_changed_expectation_fails_naming_the_case(tmp_path, capsys):
    path = _write(tmp_path, CASES.replace("{period: 2022-Q4, status: satisfied", "{period: 2022-Q4, status: violated"))
    assert main(["test", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"FAIL {path}:3:5 第三季度未集中学习 [tonghua-2022-10.t02]" in out
    assert '#2 expected: {"evidence": ["e1"], "period": "2022-Q4", "status": "violated"}' in out
    assert '#2 got:      {"evidence": ["e1"], "period": "2022-Q4", "status": "satisfied"}' in out
    assert out.rstrip().endswith("1 passed, 1 failed")


def test_a_broken_case_file_is_exit_2_with_its_position(tmp_path, capsys):
    path = _write(tmp_path, CASES.replace("    as_of: \"2023-01-01\"\n", "    as_of: \"2023-01-01\"\n    asof: x\n", 1))
    assert main(["test", str(path)]) == 2
    assert f"{path}:6:5: unknown key (found 'asof'; did you mean 'as_of'?)" in capsys.readouterr().err


def test_shipped_cases_pass():
    run = run_cases()
    assert run.outcomes, "the shipped packs have cases"
    assert [outcome.report() for outcome in run.failed] == []


def test_pytest_plugin_collects_cases_by_name(tmp_path):
    path = _write(tmp_path, CASES.replace("{period: 2022-Q4, status: satisfied", "{period: 2022-Q4, status: violated"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "compliance.pytest_plugin", "-p", "no:cacheprovider", "-q",
         "-o", "addopts=", "--rootdir", str(tmp_path), str(path)],
        capture_output=True, text=True, cwd=tmp_path,
        # Only the plugin named here: an installed copy registers itself through its entry point too.
        env={"PYTHONPATH": f"{ROOT / 'src'}", "PATH": "/usr/bin:/bin", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    assert "1 failed, 1 passed" in result.stdout, result.stdout + result.stderr
    assert "demo.cases.yaml::第三季度未集中学习" in result.stdout
    assert '#2 expected: {"evidence": ["e1"], "period": "2022-Q4", "status": "violated"}' in result.stdout


def test_a_case_whose_given_records_are_rejected_says_why(tmp_path):
    """The author sees each rejected record of `given` with its place and reason, not only a count."""
    from compliance.cases import iter_cases, run_case

    path = tmp_path / "demo.cases.yaml"
    path.write_text(
        "pack: national\n"
        "cases:\n"
        "  - name: a mistyped region\n"
        "    rules: [national.accident-grade]\n"
        '    as_of: "2023-01-01"\n'
        "    given:\n"
        '      units: [{unit_id: M, name: 某矿, kind: enterprise, region: "22O521"}]\n'
        "      events:\n"
        '        - {event_id: A1, unit_id: M, type: accident, occurred_at: "2022-08-01T10:00", attributes: {deaths: 3}}\n'
        "    expect:\n"
        "      incidents: [{incident_id: A1, grade: larger}]\n", encoding="utf-8")
    [outcome] = [run_case(case, str(path), where) for case, where in iter_cases(path)]
    report = outcome.report().splitlines()
    assert report[0].startswith("FAIL ") and report[0].endswith("a mistyped region [national.accident-grade]")
    assert "    rejected records:" in report
    assert report[report.index("    rejected records:") + 2] == (
        '      #1 got:      {"count": 2, "reasons": ["<memory>:units:1 region: \'22O521\' is not an administrative '
        'division code (GB/T 2260: 6 digits, or 9 or 12 for a township or a village)", "<memory>:events:1 unit_id: '
        'unit \'M\' does not exist in units"]}')
