"""The district-2023 example export (fixtures/district-2023): the 2023 district campaign and its expected results.

Confined-space and other dangerous jobs, the campaign's plans, reports and tasks, and the
self-reporting exemption: a major hazard the enterprise reported itself and is fixing brings no
decision, one found by inspection brings 一案双罚 on the unit and its principal. The expected files
were derived by reasoning from the rule texts of district-2023 (see the fixture's README.md) and
then compared with the evaluator's output.
"""

from __future__ import annotations

import pytest

from tests.fixture_support import (FIXTURE_RUNS, assert_all_output_lists_the_reported_findings,
                                   assert_every_rule_is_exercised, lines, one, read_json)

RUN = FIXTURE_RUNS["district-2023"]
PACK = "district-2023."
OBLIGATION_RULES = [
    "plan-a", "plan-b", "plan-c", "monthly-a", "monthly-b", "briefing", "principal", "ledger-a", "ledger-b",
    "general-fix", "hot-work", "confined-space", "dangerous-work", "outsourcing", "drill", "study-a", "study-b",
    "study-c", "demo-a", "demo-b", "major-stop",
]
ONLY_SATISFIED = {"study-a", "study-c", "demo-a"}  # met by every unit of the export (the cases show them failing)
NOT_SATISFIED = {"violated", "late", "exempt", "at_risk", "open"}

reported, everything, all_findings = RUN.module_fixtures()


@pytest.fixture(scope="module")
def decisions(reported) -> list[dict]:
    return lines(reported / "decisions.jsonl")


def _one(findings: list[dict], rule: str, unit: str, **fields) -> dict:
    return one(findings, rule_id=PACK + rule, unit_id=unit, **fields)


def _decision(decisions: list[dict], unit: str, person: str | None, ladder: str) -> dict:
    return one(decisions, unit_id=unit, person_id=person, ladder=ladder)


# -- the whole output ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["findings.jsonl", "decisions.jsonl"])
def test_output_equals_expected(reported, name):
    RUN.assert_matches_expected(reported, name)


def test_decisions_do_not_depend_on_all(everything):
    assert (everything / "decisions.jsonl").read_bytes() == (RUN.expected / "decisions.jsonl").read_bytes()


def test_no_incidents_and_no_rejected_rows(reported):
    for name in ("incidents.jsonl", "rejected.jsonl"):
        assert (reported / name).read_text(encoding="utf-8") == "", name


def test_summary_counts_over_all_findings(everything):
    summary = read_json(everything / "summary.json")
    assert summary["findings"]["by_status"] == read_json(RUN.expected / "summary_counts.json")
    assert summary["rejected"] == 0
    assert [(pack["pack"], pack["version"]) for pack in summary["packs"]] == [("district-2023", "1.0.0"), ("national", "1.0.0")]


def test_all_output_lists_every_finding_of_the_reported_output(reported, all_findings):
    assert_all_output_lists_the_reported_findings(reported, all_findings)


def test_two_runs_give_byte_identical_files(tmp_path):
    RUN.assert_runs_are_byte_identical(tmp_path)


def test_every_obligation_rule_is_exercised(all_findings):
    assert_every_rule_is_exercised(all_findings, PACK, OBLIGATION_RULES, unsatisfied=NOT_SATISFIED,
                                   only_satisfied=ONLY_SATISFIED)


def test_every_decision_names_existing_findings_or_events(all_findings, decisions):
    keys = {(f["rule_id"], f["unit_id"], f["person_id"], f["subject_id"], f["step"], f["period"], f["status"])
            for f in all_findings}
    events = {line.split(",", 1)[0] for line in (RUN.path / "events.csv").read_text(encoding="utf-8").splitlines()[1:]}
    for decision in decisions:
        for cause in decision["because"]:
            if "finding" in cause:
                key = (cause["finding"], cause["unit_id"], cause["person_id"], cause["subject_id"], cause["step"],
                       cause["period"], cause["status"])
                assert key in keys, cause
            else:
                assert cause["event"] in events, cause


# -- the self-reporting exemption and 一案双罚 ----------------------------------------------------
def test_self_reported_major_hazard_being_fixed_brings_no_decision(all_findings, decisions):
    assert not [d for d in decisions if d["unit_id"] == "QY-001"]
    # the hazard was stopped the same day, rectified by its deadline and closed: the exemption's "正在采取有效措施"
    assert _one(all_findings, "major-stop", "QY-001", subject_id="QY001-ZD-01")["status"] == "satisfied"
    steps = {f["step"]: f["status"] for f in all_findings if f["rule_id"] == PACK + "ledger-b" and f["unit_id"] == "QY-001"}
    assert steps == {"rectified": "satisfied", "closed": "satisfied"}


def test_major_hazard_found_by_inspection_brings_a_penalty_on_unit_and_principal(decisions):
    unit = _decision(decisions, "QY-002", None, "enterprise")
    assert (unit["year"], unit["level"], unit["level_name"], unit["step"]) == (2023, 4, "罚款", "fine")
    assert unit["because"] == [{"event": "QY002-230712-ZD", "sanction": "district-2023.self-report-a",
                                "type": "hazard_found", "unit_id": "QY-002"}]
    principal = _decision(decisions, "QY-002", "E011", "person")
    assert (principal["level_name"], principal["step"]) == ("问责", "accountability")
    assert principal["because"] == unit["because"]


def test_inadequate_rectification_and_undone_tasks_add_up(decisions):
    unit = _decision(decisions, "QY-003", None, "enterprise")
    assert (unit["level_name"], unit["consequences"]) == ("罚款", ["罚款", "通报批评"])
    assert sorted({cause["sanction"] for cause in unit["because"]}) == [
        "district-2023.poor-work-b", "district-2023.self-report-b"]
    principal = _decision(decisions, "QY-003", "E021", "person")
    assert principal["level_name"] == "问责"
    assert sorted(cause.get("finding") or cause["event"] for cause in principal["because"]) == [
        "QY003-230802-ZG", "district-2023.hot-work", "district-2023.outsourcing", "district-2023.principal"]
    # one undone task (no drill) is a 通报批评, not yet 情况严重; the late outsourcing review does not count
    one = _decision(decisions, "QY-004", None, "enterprise")
    assert (one["level_name"], [c["finding"] for c in one["because"]]) == ("通报批评", ["district-2023.drill"])
    assert not [d for d in decisions if d["unit_id"] == "QY-004" and d["ladder"] == "person"]


def test_streets_with_undone_tasks_are_interviewed(decisions):
    west = _decision(decisions, "990101002-JD", None, "territorial")
    assert (west["level"], west["level_name"], west["consequences"]) == (3, "约谈", ["约谈", "通报批评"])
    assert [cause["finding"] for cause in west["because"]] == [
        "district-2023.demo-b", "district-2023.monthly-a", "district-2023.plan-c"]
    assert [c["finding"] for c in _decision(decisions, "990101003-GLQ", None, "territorial")["because"]] == [
        "district-2023.briefing"]
    assert not [d for d in decisions if d["unit_id"] in ("990101001-JD", "990101-ZJJ", "990101-YJJ", "990101-ZF")]
    assert len(decisions) == 7


# -- confined spaces and dangerous work ---------------------------------------------------------
def test_confined_space_jobs(all_findings):
    bad = _one(all_findings, "confined-space", "QY-001", subject_id="QY001-230818-YX")
    assert (bad["status"], bad["actual"]) == ("violated", ["ventilated_and_tested", "watcher_present"])
    assert bad["message"] == "东城某化工有限公司有限空间作业QY001-230818-YX不满足：ventilated_and_tested、watcher_present（未落实）。"
    assert "七不准" in bad["citation"]["text"]
    assert _one(all_findings, "confined-space", "QY-001", subject_id="QY001-230703-YX")["status"] == "satisfied"
    assert _one(all_findings, "confined-space", "QY-004", subject_id="QY004-230822-YX")["status"] == "satisfied"
    # 2023-05-10 is before the pack takes effect (2023-05-16): not judged
    assert not [f for f in all_findings if f["subject_id"] == "QY001-230510-YX"]


def test_dangerous_work_three_confirmations(all_findings):
    bad = _one(all_findings, "dangerous-work", "QY-001", subject_id="QY001-230912-GC")
    assert (bad["status"], bad["actual"], bad["person_id"]) == ("violated", ["command_confirmed"], "E002")
    assert _one(all_findings, "dangerous-work", "QY-003", subject_id="QY003-230725-DH")["status"] == "satisfied"


# -- plans, monthly reports, campaign tasks -------------------------------------------------------
def test_plan_by_may_16(all_findings):
    assert _one(all_findings, "plan-a", "990101003-GLQ")["evidence"] == ["NH-230516-FA"]  # bare date, last day
    late = _one(all_findings, "plan-a", "990101002-JD")
    assert (late["status"], late["evidence"]) == ("late", ["XC-230518-FA"])
    assert _one(all_findings, "plan-b", "990101-ZJJ")["status"] == "violated"  # sent 2023-04-20, before deployment
    assert _one(all_findings, "plan-c", "990101002-JD")["status"] == "violated"  # meeting convened by the deputy
    # the district government itself is not a street
    assert not [f for f in all_findings if f["unit_id"] == "990101-ZF"]


def test_monthly_reports_may_to_december(all_findings):
    months = [f["period"] for f in all_findings if f["rule_id"] == PACK + "monthly-a" and f["unit_id"] == "990101001-JD"]
    assert months == ["2023-05", "2023-06", "2023-07", "2023-08", "2023-09", "2023-10", "2023-11", "2023-12"]
    assert _one(all_findings, "monthly-a", "990101002-JD", period="2023-09")["status"] == "violated"
    assert _one(all_findings, "monthly-b", "990101-ZJJ", period="2023-12")["status"] == "violated"
    assert _one(all_findings, "briefing", "990101003-GLQ", period="2023-07")["status"] == "violated"


def test_campaign_tasks_once_during_the_campaign(all_findings):
    late = _one(all_findings, "outsourcing", "QY-004")
    assert (late["status"], late["period"], late["evidence"]) == ("late", "2023-04-25/2023-12-31", ["QY004-240110-WB"])
    assert _one(all_findings, "outsourcing", "QY-003")["status"] == "violated"
    assert _one(all_findings, "hot-work", "QY-003")["status"] == "violated"
    assert _one(all_findings, "principal", "QY-003")["status"] == "violated"
    assert _one(all_findings, "drill", "QY-004")["status"] == "violated"
    assert _one(all_findings, "demo-b", "990101002-JD")["status"] == "violated"
    assert _one(all_findings, "demo-b", "990101003-GLQ")["evidence"] == ["NH-231020-SF2"]


def test_hazard_ledger_and_immediate_fixes(all_findings):
    assert _one(all_findings, "ledger-a", "QY-004", subject_id="QY004-231015-ZD")["actual"] == ["deadline"]
    assert not [f for f in all_findings if f["rule_id"] == PACK + "ledger-b" and f["unit_id"] == "QY-004"]
    closed = _one(all_findings, "ledger-b", "QY-002", step="closed")
    assert (closed["status"], closed["due"]) == ("violated", "2023-10-11T00:00:00+08:00")
    stop = _one(all_findings, "major-stop", "QY-002")
    assert (stop["status"], stop["due"]) == ("late", "2023-07-13T10:00:00+08:00")
    fix = _one(all_findings, "general-fix", "QY-002")
    assert (fix["status"], fix["due"]) == ("late", "2023-07-14T00:00:00+08:00")
