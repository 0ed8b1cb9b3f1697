"""The taonan-2022 example export (fixtures/taonan-2022) and its expected findings, decisions, incidents.

The five phases of the 洮南市民政局 campaign, its problem lists and close loop, and what
inadequate or sham rectification and late or concealed accident reports bring. The expected
files were derived by reasoning from the rule texts (the fixture's README.md lists every
deliberate gap and what it produces) and then compared with the evaluator's output.
"""

from __future__ import annotations

import pytest

from tests.fixture_support import FIXTURE_RUNS, lines, one, read_json

RUN = FIXTURE_RUNS["taonan-2022"]
PACK = "taonan-mz-2022."

reported, everything, all_findings = RUN.module_fixtures()


def _one(findings: list[dict], rule: str, unit: str, **fields) -> dict:
    return one(findings, rule_id=rule, unit_id=unit, **fields)


# -- the whole output ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["findings.jsonl", "decisions.jsonl", "incidents.jsonl"])
def test_output_equals_expected(reported, name):
    RUN.assert_matches_expected(reported, name)


def test_decisions_do_not_depend_on_all(everything):
    assert (everything / "decisions.jsonl").read_bytes() == (RUN.expected / "decisions.jsonl").read_bytes()


def test_no_rejected_rows_and_summary_counts(reported, everything):
    assert (reported / "rejected.jsonl").read_text(encoding="utf-8") == ""
    summary = read_json(everything / "summary.json")
    expected = read_json(RUN.expected / "summary_counts.json")
    assert summary["findings"]["by_status"] == expected
    assert sum(expected.values()) == 37
    assert summary["rejected"] == 0


def test_two_runs_give_byte_identical_files(tmp_path):
    RUN.assert_runs_are_byte_identical(tmp_path)


# -- the five phases -----------------------------------------------------------------------
def test_phases(all_findings):
    phases = {f["rule_id"].removeprefix(PACK): (f["period"], f["status"], f["evidence"])
              for f in all_findings if f["rule_id"].startswith(PACK + "phases-")}
    assert phases == {
        "phases-a": ("2022-08-27", "satisfied", ["JD-1-DONGYUAN"]),  # a deadline: its due day
        "phases-b": ("2022-08-28/2022-09-05", "satisfied", ["JD-2-PAICHA"]),
        "phases-c": ("2022-09-05/2022-09-30", "late", ["JD-3-ZHENGGAI"]),
        "phases-d": ("2022-10-01/2022-10-30", "satisfied", ["JD-4-PINGGU"]),
        "phases-e": ("2022-11-01/2022-11-30", "violated", []),
    }
    assert _one(all_findings, PACK + "phases-a", "220881-MZJ")["due"] == "2022-08-28T00:00:00+08:00"
    # only the 洮南 bureau is bound: the city bureau (220800) is outside the jurisdiction
    assert not [f for f in all_findings if f["unit_id"] == "220800-MZJ" and f["rule_id"].startswith(PACK)]


# -- the close loop ------------------------------------------------------------------------
def test_close_loop(all_findings):
    accepted = _one(all_findings, PACK + "close-loop-b", "220881-YLY01", subject_id="WT-YL-02", step="accepted")
    assert (accepted["status"], accepted["due"], accepted["actual"]) == (
        "late", "2022-10-14T00:00:00+08:00", "2022-10-20")
    rectified = _one(all_findings, PACK + "close-loop-b", "220881-YLY01", subject_id="WT-YL-02", step="rectified")
    assert (rectified["status"], rectified["evidence"]) == ("satisfied", ["WT-YL-02-F", "WT-YL-02-R1"])
    no_deadline = _one(all_findings, PACK + "close-loop-a", "220881-JZZ")
    assert (no_deadline["status"], no_deadline["subject_id"]) == ("violated", "WT-JZ-01-F")
    assert not [f for f in all_findings if f["rule_id"] == PACK + "close-loop-b" and f["subject_id"] == "WT-JZ-01"]
    assert not [f for f in all_findings if f["subject_id"] in ("WT-BYG-00", "WT-BYG-00-F")]  # before the plan


def test_immediate_rectification_and_major_hazards(all_findings):
    assert _one(all_findings, PACK + "immediate", "220881-FLZX", subject_id="WT-FL-01")["status"] == "satisfied"
    late = _one(all_findings, PACK + "immediate", "220881-FLZX", subject_id="WT-FL-02")
    assert (late["status"], late["due"]) == ("late", "2022-09-03T00:00:00+08:00")
    assert _one(all_findings, PACK + "immediate", "220881-JZZ", subject_id="WT-JZ-01")["status"] == "satisfied"
    assert not [f for f in all_findings if f["rule_id"] == PACK + "immediate" and f["unit_id"] == "220881-YLY01"]
    plan = _one(all_findings, PACK + "major-plan", "220881-YLY01", subject_id="WT-YL-02-F")
    assert plan["message"] == "洮南市康宁老年公寓发现隐患记录WT-YL-02-F缺少measures（未落实）。"
    assert _one(all_findings, PACK + "major-supervised", "220881-YLY01", subject_id="WT-YL-01")["status"] == "satisfied"
    assert _one(all_findings, PACK + "major-supervised", "220881-YLY01", subject_id="WT-YL-02")["status"] == "violated"


# -- decisions -------------------------------------------------------------------------------
def test_decisions(reported):
    decisions = {(d["unit_id"], d["person_id"], d["ladder"]): (d["level_name"], d["level"])
                 for d in lines(reported / "decisions.jsonl")}
    assert decisions == {
        ("220881-BYG", None, "enterprise"): ("通报批评", 2),            # rework-b: sham rectification
        ("220881-BYG", "P-BY-01", "person"): ("问责", 3),               # concealment-a and -b: the principal
        ("220881-BYG", "P-BY-02", "person"): ("问责", 3),               # concealment-a: the one who concealed
        ("220881-YLY01", None, "enterprise"): ("责令限期整改", 1),       # rework-a: inadequate rectification
        ("220881-YLY01", "P-YL-01", "person"): ("问责", 3),             # concealment-b: reported 80 minutes late
    }
    principal = next(d for d in lines(reported / "decisions.jsonl") if d["person_id"] == "P-BY-01")
    assert {cause["sanction"] for cause in principal["because"]} == {PACK + "concealment-a", PACK + "concealment-b"}


def test_accident_reports(all_findings):
    late = _one(all_findings, "national.report-1h", "220881-YLY01", subject_id="SG-YL-01")
    assert (late["status"], late["actual"]) == ("late", "2022-10-12T09:20:00+08:00")
    assert _one(all_findings, "national.report-1h", "220881-BYG", subject_id="SG-BY-01")["status"] == "violated"
    upward = _one(all_findings, "national.report-upward-2h", "220881-MZJ")
    assert (upward["status"], upward["evidence"]) == ("satisfied", ["SG-YL-01-B1", "SG-YL-01-B2"])
