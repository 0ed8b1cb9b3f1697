"""The tonghua-2022 example export (fixtures/tonghua-2022) and its expected findings.

The expected files were derived by reasoning from the rule texts (see the fixture's
README.md, which lists every deliberate gap and the finding it produces) and then
compared with the evaluator's output.
"""

from __future__ import annotations

import pytest

from tests.fixture_support import (FIXTURE_RUNS, assert_all_output_lists_the_reported_findings,
                                   assert_every_rule_is_exercised, lines, one, read_json)

RUN = FIXTURE_RUNS["tonghua-2022"]
PACK = "tonghua-2022-10."

ALL_RULES = [
    "t02", "t04", "t06", "t07-a", "t07-b", "t08", "t09", "t10", "t12-a", "t12-b", "t13-a", "t13-b",
    "t14-a", "t14-b", "t14-c", "t15", "t16-a", "t16-b", "t17", "t18", "t21", "t23", "t28-a", "t28-b",
    "t30", "t40-a", "t40-b", "t44-a", "t44-b", "t56", "plan-a", "plan-b", "plan-c",
]
NOT_SATISFIED = {"violated", "late", "exempt", "at_risk"}

reported, everything, all_findings = RUN.module_fixtures()


def _one(findings: list[dict], rule: str, unit: str, **fields) -> dict:
    return one(findings, rule_id=PACK + rule, unit_id=unit, **fields)


# -- the whole output ------------------------------------------------------------------
def test_findings_equal_expected(reported):
    RUN.assert_matches_expected(reported, "findings.jsonl")  # byte for byte, with a diff of the rows if not


@pytest.mark.parametrize("name", ["rejected.jsonl", "incidents.jsonl"])
def test_no_rejected_rows_and_no_incidents(reported, everything, name):
    assert (reported / name).read_text(encoding="utf-8") == ""
    assert (everything / name).read_text(encoding="utf-8") == ""


def test_decisions_equal_expected(reported, everything):
    # No accident in this export: the decisions are the documented policy defaults for missed tasks
    # (one violated task in a year: 警示提醒 / 提醒教育; three: 通报批评).
    expected = (RUN.expected / "decisions.jsonl").read_bytes()
    assert (reported / "decisions.jsonl").read_bytes() == expected
    assert (everything / "decisions.jsonl").read_bytes() == expected  # decisions do not depend on --all


def test_every_decision_names_existing_findings(everything):
    keys = {(f["rule_id"], f["unit_id"], f["person_id"], f["subject_id"], f["step"], f["period"], f["status"])
            for f in lines(everything / "findings.jsonl")}
    decisions = lines(everything / "decisions.jsonl")
    assert decisions
    for decision in decisions:
        for cause in decision["because"]:
            key = (cause["finding"], cause["unit_id"], cause["person_id"], cause["subject_id"], cause["step"],
                   cause["period"], cause["status"])
            assert key in keys, cause
    jian_party = [d for d in decisions if d["unit_id"] == "220582-SW" and d["year"] == 2023]
    assert [(d["level_name"], d["level"]) for d in jian_party] == [("通报批评", 2)]


def test_summary_counts_over_all_findings(everything):
    summary = read_json(everything / "summary.json")
    expected = read_json(RUN.expected / "summary_counts.json")
    assert summary["findings"]["by_status"] == expected
    assert summary["rejected"] == 0


def test_all_output_lists_every_finding_of_the_reported_output(reported, all_findings):
    assert_all_output_lists_the_reported_findings(reported, all_findings)


def test_two_runs_give_byte_identical_files(tmp_path):
    RUN.assert_runs_are_byte_identical(tmp_path)


# -- every rule is exercised both ways ------------------------------------------------------
def test_every_rule_has_a_non_satisfied_and_a_satisfied_finding(all_findings):
    assert_every_rule_is_exercised(all_findings, PACK, ALL_RULES, unsatisfied=NOT_SATISFIED)


# -- named boundary cases ----------------------------------------------------------------
def test_document_one_day_late_is_late_not_violated(all_findings):
    finding = _one(all_findings, "plan-c", "220521-ZF")
    assert finding["status"] == "late"
    assert finding["evidence"] == ["THZF-220929-GZZJ"]
    assert finding["actual"] == "2022-09-29"
    assert finding["due"] == "2022-09-29T00:00:00+08:00"


def test_deadlines_met_on_their_last_day(all_findings):
    assert _one(all_findings, "t06", "220582-SW")["status"] == "satisfied"  # bare date 2022-09-30
    assert _one(all_findings, "plan-a", "220521-ZF")["evidence"] == ["THZF-220610-SSFA"]
    assert _one(all_findings, "plan-a", "220521-ZF")["status"] == "satisfied"
    assert _one(all_findings, "plan-b", "220521-ZF")["status"] == "satisfied"
    assert _one(all_findings, "t15", "220521-AW")["status"] == "satisfied"
    assert _one(all_findings, "t44-a", "QY-220521-002")["status"] == "satisfied"


def test_last_second_of_september_counts_in_q3(all_findings):
    finding = _one(all_findings, "t02", "220502-QW", period="2022-Q3")
    assert finding["status"] == "satisfied"
    assert finding["evidence"] == ["DCQW-220930-XX"]


def test_utc_timestamp_on_september_30_falls_in_q4(all_findings):
    q3 = _one(all_findings, "t02", "220521-XW", period="2022-Q3")
    q4 = _one(all_findings, "t02", "220521-XW", period="2022-Q4")
    assert (q3["status"], q3["actual"]) == ("violated", 0)
    assert (q4["status"], q4["evidence"]) == ("satisfied", ["THXW-221001-XX"])


def test_naive_timestamps_are_shanghai_time(all_findings):
    window = _one(all_findings, "t13-b", "220502-ZF", period="2022-10-16/2022-10-22")
    assert (window["status"], window["evidence"]) == ("satisfied", ["DCZF-221016-JC"])
    quarter = _one(all_findings, "t13-a", "220502-ZF", period="2022-Q4")
    assert quarter["evidence"] == ["DCZF-221114-CWHY"]
    alarm = _one(all_findings, "t44-a", "QY-220582-002")
    assert (alarm["status"], alarm["actual"]) == ("satisfied", "2022-08-20T14:00:00+08:00")


def test_minutes_forwarded_on_time_late_and_never(all_findings):
    on_time = _one(all_findings, "t07-b", "220502-QW", subject_id="DCQW-220810-CWH")
    assert (on_time["status"], on_time["evidence"]) == ("satisfied", ["DCQW-220810-CWH", "DCQW-220820-JY"])
    late = _one(all_findings, "t07-b", "220521-XW", subject_id="THXW-221103-CWH")
    assert (late["status"], late["evidence"]) == ("late", ["THXW-221103-CWH", "THXW-221125-JY"])
    never = _one(all_findings, "t07-b", "220582-SW", subject_id="JASW-230214-CWH")
    assert (never["status"], never["evidence"]) == ("violated", ["JASW-230214-CWH"])
    wrong_office = _one(all_findings, "t07-b", "220500-SW", subject_id="SW-221027-CWH")
    assert wrong_office["status"] == "violated"
    not_yet_due = _one(all_findings, "t07-b", "220500-SW", subject_id="SW-230328-CWH")
    assert not_yet_due["status"] == "open"
    assert not [f for f in all_findings if f["subject_id"] == "SW-220620-CWH"]  # before the rule is in force


def test_meeting_convened_by_someone_other_than_the_principal(all_findings):
    assert _one(all_findings, "t07-a", "220502-QW", period="2022-Q4")["status"] == "violated"
    assert _one(all_findings, "t13-a", "220502-ZF", period="2022-Q3")["status"] == "violated"


def test_blocked_exits_ordered_within_24_hours_or_late(all_findings):
    assert _one(all_findings, "t30", "QY-220502-002", subject_id="HZ-2022-031")["status"] == "satisfied"
    assert _one(all_findings, "t30", "QY-220582-003", subject_id="HZ-2023-002")["status"] == "satisfied"  # exactly 24 h
    late = _one(all_findings, "t30", "QY-220582-003", subject_id="HZ-2022-047")
    assert (late["status"], late["evidence"]) == ("late", ["QY-JA003-YH-221202", "JAYJ-221203-ZLZG"])
    assert _one(all_findings, "t30", "QY-220502-002", subject_id="HZ-2023-006")["status"] == "violated"
    assert not [f for f in all_findings if f["subject_id"] == "HZ-2023-004"]  # not a blocked exit


def test_gas_alarm_after_the_deadline(all_findings):
    alarm = _one(all_findings, "t44-a", "QY-220521-001")
    assert (alarm["status"], alarm["evidence"]) == ("late", ["QY-TH001-BJQ"])
    county = _one(all_findings, "t44-b", "220521-ZF")
    assert (county["status"], county["actual"]) == ("violated", "50.0% (1/2)")
    city = _one(all_findings, "t44-b", "220500-ZF")
    assert (city["status"], city["actual"]) == ("violated", "75.0% (3/4)")
    assert _one(all_findings, "t44-b", "220502-ZF")["status"] == "satisfied"


def test_enforcement_vehicles_per_officers(all_findings):
    ten = _one(all_findings, "t56", "220500-YJJ", period="2022-09-30")
    assert (ten["status"], ten["expected"], ten["actual"]) == ("satisfied", 2, 2)
    eleven = _one(all_findings, "t56", "220500-ZJJ", period="2022-09-30")
    assert (eleven["status"], eleven["expected"], eleven["actual"]) == ("violated", 3, 2)
    assert _one(all_findings, "t56", "220500-ZJJ", period="2023-01-05")["status"] == "satisfied"
    seven = _one(all_findings, "t56", "220582-YJJ", period="2023-03-01")
    assert (seven["status"], seven["expected"], seven["actual"]) == ("violated", 2, 1)
    assert not [f for f in all_findings if f["rule_id"] == PACK + "t56" and f["period"] == "2023-04-10"]


def test_sector_key_inspections_month_and_two_months(all_findings):
    city = _one(all_findings, "t18", "220500-ZJJ", period="2023-B1")
    assert (city["status"], city["actual"]) == ("violated", 0)
    assert _one(all_findings, "t18", "220500-ZJJ", period="2023-B2")["status"] == "satisfied"
    county = _one(all_findings, "t18", "220521-YJJ", period="2023-02")
    assert (county["status"], county["actual"]) == ("violated", 0)
    assert not [f for f in all_findings if f["rule_id"] == PACK + "t18" and f["period"] == "2022-12"]


def test_partial_tenures(all_findings):
    # left on 2022-08-10: 41 of 92 days in Q3 -> exempt; successor (51 days) owes and did it
    assert _one(all_findings, "t10", "220502-QW", person_id="P021", period="2022-Q3")["status"] == "exempt"
    assert _one(all_findings, "t10", "220502-QW", person_id="P022", period="2022-Q3")["status"] == "satisfied"
    assert _one(all_findings, "t10", "220500-SW", person_id="P004", period="2023-Q1")["status"] == "exempt"
    for rule in ("t14-a", "t14-b", "t14-c"):
        assert _one(all_findings, rule, "220521-ZF", person_id="P051", period="2022-Q4")["status"] == "exempt"
    assert _one(all_findings, "t14-c", "220521-ZF", person_id="P052", period="2022-Q4")["status"] == "violated"
    assert _one(all_findings, "t14-a", "220521-ZF", person_id="P052", period="2022-Q4")["status"] == "satisfied"
    assert not [f for f in all_findings if f["person_id"] == "P052" and f["period"] == "2022-Q3"]


def test_sensitive_period_inspections(all_findings):
    window = "2022-10-16/2022-10-22"
    assert _one(all_findings, "t09", "220521-XW", period=window)["status"] == "violated"
    assert _one(all_findings, "t09", "220521-XW", period="2022-Q4")["status"] == "satisfied"
    assert _one(all_findings, "t13-b", "220582-ZF", period=window)["status"] == "violated"


def test_coverage_by_calendar_year(all_findings):
    assert _one(all_findings, "t04", "220500-SW", subject_id="220582-SW", period="2022")["status"] == "violated"
    assert _one(all_findings, "t16-b", "220500-ZF", subject_id="220521-ZF", period="2022")["status"] == "violated"
    assert _one(all_findings, "t16-b", "220500-ZF", subject_id="220521-ZF", period="2023")["status"] == "satisfied"


def test_territorial_targets(all_findings):
    # project list sent to the county office only, not the city office
    assert _one(all_findings, "t23", "220582-YJJ")["status"] == "violated"
    # the city party committee's minutes go to the provincial office
    assert _one(all_findings, "t07-b", "220500-SW", subject_id="SW-220728-CWH")["status"] == "satisfied"


def test_workers(all_findings):
    untrained = _one(all_findings, "t40-a", "QY-220502-002", person_id="W002")
    assert (untrained["status"], untrained["period"]) == ("violated", "2022-10-10")
    trained = _one(all_findings, "t40-a", "QY-220502-001", person_id="W003")
    assert (trained["status"], trained["evidence"]) == ("satisfied", ["QY-DC001-PX-W003"])
    assert not [f for f in all_findings if f["person_id"] == "W005"]  # started before the evaluated range
    underground = _one(all_findings, "t40-b", "QY-220582-001")
    assert (underground["status"], underground["person_id"]) == ("violated", "W001")
    assert _one(all_findings, "t40-b", "QY-220521-003")["status"] == "satisfied"


def test_no_period_beginning_at_the_as_of_instant_is_evaluated(all_findings):
    assert not [f for f in all_findings if f["period"] in ("2023-Q2", "2023-04")]
