"""The jilin-rf-2022 example export (fixtures/jilin-rf-2022) and its expected findings and decisions.

The 吉林人防 “回头看” campaign of 吉防办发〔2022〕80号: half-monthly reports, the daily 24-hour watch,
gas alarms, hazard ledgers, tips, budgets and the summary. The expected files were derived by
reasoning from the rule texts (the fixture's README.md lists every deliberate gap and the finding
it produces) and then compared with the evaluator's output.
"""

from __future__ import annotations

import pytest

from tests.fixture_support import FIXTURE_RUNS, assert_every_rule_is_exercised, lines, one, read_json

RUN = FIXTURE_RUNS["jilin-rf-2022"]
PACK = "jilin-rf-2022-80."
# Every rule with findings (punish is a sanction: it gives decisions, not findings).
ALL_RULES = ["budget", "gas-alarm-a", "gas-alarm-b", "graded", "half-month", "ledger-a", "ledger-b",
             "major-supervised", "summary", "tip-a", "tip-b", "watch-a", "watch-b"]
NOT_SATISFIED = {"violated", "late", "exempt", "at_risk"}

reported, everything, all_findings = RUN.module_fixtures()


def _of(findings: list[dict], rule: str, unit: str, **fields) -> list[dict]:
    return [f for f in findings if f["rule_id"] == PACK + rule and f["unit_id"] == unit
            and all(f[name] == value for name, value in fields.items())]


def _one(findings: list[dict], rule: str, unit: str, **fields) -> dict:
    return one(findings, rule_id=PACK + rule, unit_id=unit, **fields)


# -- the whole output ------------------------------------------------------------------
def test_findings_equal_expected(reported):
    RUN.assert_matches_expected(reported, "findings.jsonl")


def test_decisions_equal_expected(reported, everything):
    expected = (RUN.expected / "decisions.jsonl").read_bytes()
    assert (reported / "decisions.jsonl").read_bytes() == expected
    assert (everything / "decisions.jsonl").read_bytes() == expected  # decisions do not depend on --all


@pytest.mark.parametrize("name", ["rejected.jsonl", "incidents.jsonl"])
def test_no_rejected_rows_and_no_incidents(reported, name):
    assert (reported / name).read_text(encoding="utf-8") == ""


def test_summary_counts_over_all_findings(everything):
    summary = read_json(everything / "summary.json")
    expected = read_json(RUN.expected / "summary_counts.json")
    assert summary["findings"]["by_status"] == expected
    assert sum(expected.values()) == 175
    assert summary["rejected"] == 0
    assert [(p["pack"], p["version"]) for p in summary["packs"]] == [("jilin-rf-2022-80", "1.0.0"), ("national", "1.0.0")]


def test_two_runs_give_byte_identical_files(tmp_path):
    RUN.assert_runs_are_byte_identical(tmp_path)


def test_every_rule_has_a_non_satisfied_and_a_satisfied_finding(all_findings):
    assert_every_rule_is_exercised(all_findings, PACK, ALL_RULES, unsatisfied=NOT_SATISFIED)


# -- named cases ---------------------------------------------------------------------------
def test_half_monthly_reports_and_a_utc_timestamp(all_findings):
    # 2022-10-15T16:30:00Z is 00:30 on 16 October in Shanghai: it counts in the second half of October
    first = _one(all_findings, "half-month", "220581-RFB", period="2022-10-H1")
    assert (first["status"], first["actual"], first["period_end"]) == ("violated", 0, "2022-10-15")
    second = _one(all_findings, "half-month", "220581-RFB", period="2022-10-H2")
    assert (second["status"], second["evidence"]) == ("satisfied", ["BY-220581-221016Z", "BY-220581-221031"])
    missed = _one(all_findings, "half-month", "220200-RFB", period="2022-11-H1")
    assert missed["message"] == "吉林市人民防空办公室2022年11月上半月应至少1次上报安全生产“突出问题”专项整治情况，实际0次（未落实）。"
    # four half-months, October and November, for each local office; none for September or December
    periods = sorted({f["period"] for f in all_findings if f["rule_id"] == PACK + "half-month"})
    assert periods == ["2022-10-H1", "2022-10-H2", "2022-11-H1", "2022-11-H2"]
    assert len([f for f in all_findings if f["rule_id"] == PACK + "half-month"]) == 12


def test_daily_watch_over_the_campaign(all_findings):
    mall = _of(all_findings, "watch-a", "RF-CC-SC01")
    assert len(mall) == 62  # 2022-09-30 .. 2022-11-30
    assert [f["period"] for f in mall if f["status"] != "satisfied"] == ["2022-10-18"]
    assert _one(all_findings, "watch-a", "RF-JL-SC01", period="2022-09-30")["evidence"] == ["ZS-JL-220930"]
    assert not _of(all_findings, "watch-a", "RF-MHK-GC01")  # not a crowded place: watched only per hazard (watch-b)
    started = _one(all_findings, "watch-b", "RF-CC-SC01", subject_id="YH-CC-01")
    assert (started["status"], started["evidence"]) == ("satisfied", ["YH-CC-01-F", "YH-CC-01-W"])
    never = _one(all_findings, "watch-b", "RF-MHK-GC01", subject_id="YH-MHK-01")
    assert (never["status"], never["due"]) == ("violated", "2022-10-11T09:00:00+08:00")


def test_gas_alarms_in_civil_air_defence_premises_only(all_findings):
    late = _one(all_findings, "gas-alarm-a", "RF-JL-CY01")
    assert (late["status"], late["actual"], late["due"]) == ("late", "2022-12-05", "2022-12-01T00:00:00+08:00")
    assert _one(all_findings, "gas-alarm-a", "RF-MHK-CY01")["status"] == "satisfied"  # 16:00 on the last day
    changchun = _one(all_findings, "gas-alarm-b", "220100-RFB")
    assert (changchun["status"], changchun["actual"]) == ("violated", "50.0% (1/2)")
    assert _one(all_findings, "gas-alarm-b", "220581-RFB")["actual"] == "100.0% (1/1)"
    assert not [f for f in all_findings if f["unit_id"] == "CC-CY09"]  # a restaurant outside 人防工程


def test_hazard_ledger_and_supervision(all_findings):
    assert _one(all_findings, "ledger-a", "RF-CC-CY02")["subject_id"] == "YH-CC-02-F"
    assert _one(all_findings, "graded", "RF-CC-CY02")["status"] == "violated"
    assert _one(all_findings, "ledger-b", "RF-MHK-GC01", step="rectified")["status"] == "late"
    assert _one(all_findings, "ledger-b", "RF-MHK-GC01", step="closed")["status"] == "satisfied"
    assert _one(all_findings, "major-supervised", "RF-MHK-GC01")["actual"] == "2022-10-20"
    assert not [f for f in all_findings if f["subject_id"] in ("YH-CC-00", "YH-CC-00-F")]  # before the notice


def test_summary_tips_and_budget(all_findings):
    assert _one(all_findings, "summary", "220100-RFB")["status"] == "satisfied"
    assert _one(all_findings, "summary", "220200-RFB")["status"] == "late"
    assert _one(all_findings, "summary", "220581-RFB")["status"] == "violated"
    assert _one(all_findings, "tip-a", "220200-RFB", subject_id="JB-JL-01")["status"] == "violated"
    assert _one(all_findings, "tip-a", "220000-RFB", subject_id="JB-SJ-01")["status"] == "open"
    assert _one(all_findings, "tip-b", "220581-RFB", subject_id="JB-MHK-01")["due"] == "2022-12-20T00:00:00+08:00"
    assert _one(all_findings, "budget", "220200-RFB", period="2022")["status"] == "violated"
    # the provincial office checks the localities: it owes no half-monthly report, summary or budget here
    assert not [f for f in all_findings if f["unit_id"] == "220000-RFB" and f["rule_id"] != PACK + "tip-a"]


def test_unrectified_hazard_brings_a_fine(reported):
    (decision,) = lines(reported / "decisions.jsonl")
    assert (decision["unit_id"], decision["ladder"], decision["level"], decision["level_name"]) == (
        "RF-JL-CY01", "enterprise", 4, "罚款")
    assert decision["because"] == [{
        "finding": PACK + "ledger-b", "unit_id": "RF-JL-CY01", "person_id": None, "subject_id": "YH-JL-01",
        "step": "rectified", "period": None, "status": "violated", "sanction": PACK + "punish"}]
