"""The accidents-2022 example export (fixtures/accidents-2022): incidents, sanctions, chains, bans, decisions.

The expected files were derived by reasoning from the rule texts and the evaluator's
documented semantics (the fixture's README.md lists every deliberate case and what it
produces), then compared with the evaluator's output line by line. The accountability
page (docs/accountability.md) is generated from the rule packs; its last test checks it
is current.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from tests.fixture_support import (FIXTURE_RUNS, ROOT, assert_all_output_lists_the_reported_findings, lines, one,
                                   read_json)

RUN = FIXTURE_RUNS["accidents-2022"]
T = "tonghua-2022-10."

# Every accident of the export and the grade 国务院令第493号 第三条 gives it (以上 includes the number,
# 以下 excludes it; the highest criterion wins), with the criteria that reached that grade.
GRADES = {
    "SG-00": ("general", {}),                                       # before the tonghua pack is in force
    "SG-01": ("general", {}),                                       # deaths 2
    "SG-02": ("larger", {"deaths": 3}),
    "SG-03": ("larger", {"deaths": 9}),
    "SG-04": ("major", {"deaths": 10}),
    "SG-05": ("major", {"deaths": 29}),
    "SG-06": ("especially_major", {"deaths": 30}),
    "SG-07": ("general", {}),                                       # serious injuries 9
    "SG-08": ("larger", {"serious_injuries": 10}),
    "SG-09": ("larger", {"serious_injuries": 49}),
    "SG-10": ("major", {"serious_injuries": 50}),
    "SG-11": ("major", {"serious_injuries": 99}),
    "SG-12": ("especially_major", {"serious_injuries": 100}),
    "SG-13": ("general", {}),                                       # direct loss 9 999 999
    "SG-14": ("larger", {"direct_loss_yuan": 10_000_000}),
    "SG-15": ("larger", {"direct_loss_yuan": 49_999_999}),
    "SG-16": ("major", {"direct_loss_yuan": 50_000_000}),
    "SG-17": ("major", {"direct_loss_yuan": 99_999_999}),
    "SG-18": ("especially_major", {"direct_loss_yuan": 100_000_000}),
    "SG-19": ("major", {"direct_loss_yuan": 56_000_000}),           # 4 deaths (较大) lose to the loss (重大)
    "SG-20": ("general", {}),                                       # concealed, never reported
    "SG-21": ("general", {}),                                       # concealed deaths
}
MAJOR_2022 = ["SG-04", "SG-06", "SG-10", "SG-12", "SG-16", "SG-18", "SG-19"]  # 重大/特别重大 in 柳河县, 2022
MAJOR_2023 = ["SG-05", "SG-11", "SG-17"]

reported, everything, all_findings = RUN.module_fixtures()


@pytest.fixture(scope="module")
def decisions(reported) -> list[dict]:
    return lines(reported / "decisions.jsonl")


@pytest.fixture(scope="module")
def export_ids() -> dict[str, set[str]]:
    def column(name: str, key: str) -> set[str]:
        with open(RUN.path / name, encoding="utf-8", newline="") as handle:
            return {row[key] for row in csv.DictReader(handle)}
    return {"events": column("events.csv", "event_id"), "units": column("units.csv", "unit_id"),
            "people": column("people.csv", "person_id")}


def _decision(decisions: list[dict], unit: str, person: str | None, year: int) -> dict:
    return one(decisions, unit_id=unit, person_id=person, year=year)


def _events_because(decision: dict) -> set[str]:
    return {cause["event"] for cause in decision["because"] if "event" in cause}


# -- the whole output ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["findings.jsonl", "decisions.jsonl", "incidents.jsonl"])
def test_output_equals_expected(reported, name):
    RUN.assert_matches_expected(reported, name)


def test_decisions_and_incidents_do_not_depend_on_all(reported, everything):
    for name in ("decisions.jsonl", "incidents.jsonl"):
        assert (everything / name).read_bytes() == (RUN.expected / name).read_bytes(), name


def test_no_rejected_rows(reported, everything):
    assert (reported / "rejected.jsonl").read_text(encoding="utf-8") == ""
    assert (everything / "rejected.jsonl").read_text(encoding="utf-8") == ""
    assert read_json(everything / "summary.json")["rejected"] == 0


def test_all_output_lists_every_finding_of_the_reported_output(reported, all_findings):
    assert_all_output_lists_the_reported_findings(reported, all_findings)


def test_two_runs_give_byte_identical_files(tmp_path):
    RUN.assert_runs_are_byte_identical(tmp_path)


def test_the_routine_duties_of_the_background_are_all_met(all_findings):
    # The territorial bodies keep every tonghua duty (README: background), so that the
    # decisions come from accidents, hazards and sanctions only.
    routine = [f for f in all_findings if f["rule_id"].startswith(T) and f["status"] in ("violated", "late")
               and not f["rule_id"].startswith((T + "t29", T + "t61"))]
    assert routine == []
    assert not [f for f in all_findings if f["status"] == "exempt"]


# -- incidents: every grade boundary -----------------------------------------------------
def test_every_accident_is_an_incident_with_its_grade(reported):
    incidents = {row["incident_id"]: row for row in lines(reported / "incidents.jsonl")}
    assert sorted(incidents) == sorted(GRADES)
    for event_id, (grade, reached) in GRADES.items():
        assert (incidents[event_id]["grade"], incidents[event_id]["reached"]) == (grade, reached), event_id
        assert incidents[event_id]["rule_id"] == "national.accident-grade"


def test_highest_criterion_wins():
    incident = {row["incident_id"]: row for row in lines(RUN.expected / "incidents.jsonl")}["SG-19"]
    assert incident["grade_name"] == "重大事故"
    assert "直接经济损失（元）56000000" in incident["message"]


# -- reports (493号令 第九条、第十条、第十三条) -----------------------------------------------
def test_report_within_one_hour_late_and_never(all_findings):
    exactly = one(all_findings, rule_id="national.report-1h", subject_id="SG-02")
    assert (exactly["status"], exactly["due"], exactly["actual"]) == (
        "satisfied", "2022-07-08T15:05:00+08:00", "2022-07-08T15:05:00+08:00")
    late = one(all_findings, rule_id="national.report-1h", subject_id="SG-01")
    assert (late["status"], late["due"], late["actual"]) == (
        "late", "2022-06-14T10:20:00+08:00", "2022-06-14T10:21:00+08:00")
    never = one(all_findings, rule_id="national.report-1h", subject_id="SG-20")
    assert (never["status"], never["unit_id"], never["evidence"]) == ("violated", "QY-HN-06", ["SG-20"])


def test_the_grade_decides_how_far_the_report_goes(all_findings):
    def upward(subject: str) -> dict[str, str]:
        return {f["unit_id"]: f["status"] for f in all_findings
                if f["rule_id"] == "national.report-upward-2h" and f["subject_id"] == subject}
    assert upward("SG-01") == {"220523-YJJ": "satisfied"}                           # 一般: up to the city
    assert upward("SG-02") == {"220523-YJJ": "satisfied", "220500-YJJ": "satisfied"}  # 较大: up to the province
    assert upward("SG-04") == {"220524-YJJ": "satisfied", "220500-YJJ": "violated"}   # 重大: beyond the province
    assert upward("SG-07") == {"220523-YJJ": "violated"}                            # the missing hop
    assert upward("SG-20") == {}                                                    # never reported


def test_every_supplementary_report_is_passed_on(all_findings):
    county = [f for f in all_findings if f["rule_id"] == "national.report-upward-2h" and f["subject_id"] == "SG-13"]
    assert [(f["status"], f["evidence"]) for f in county] == [
        ("satisfied", ["SG-13-BG1", "SG-13-BG2"]), ("satisfied", ["SG-13-BB1", "SG-13-BB2"])]


def test_casualty_changes(all_findings):
    supplement = {f["subject_id"]: f for f in all_findings if f["rule_id"] == "national.supplement"}
    assert sorted(supplement) == ["SG-09", "SG-13"]  # SG-14: a fire, changed on day 8: no 补报 owed
    assert (supplement["SG-13"]["status"], supplement["SG-13"]["evidence"]) == ("satisfied", ["SG-13-BH", "SG-13-BB1"])
    assert (supplement["SG-09"]["status"], supplement["SG-09"]["due"]) == ("violated", "2022-11-12T00:00:00+08:00")


# -- concealment (t60, t61) ----------------------------------------------------------------
def test_concealment_with_and_without_supervision(all_findings, decisions):
    for rule in ("t61-a", "t61-b"):
        assert one(all_findings, rule_id=T + rule, subject_id="SG-20")["status"] == "satisfied"
        assert one(all_findings, rule_id=T + rule, subject_id="SG-21")["status"] == "violated"
    assert _decision(decisions, "QY-HN-06", None, 2022)["level_name"] == "挂牌督办"
    assert _decision(decisions, "QY-LH-12", None, 2023)["level_name"] == "挂牌督办"
    concealer = _decision(decisions, "QY-HN-06", "E-HN06D", 2022)
    assert (concealer["level_name"], _events_because(concealer)) == ("问责", {"SG-20-MB"})
    principal = _decision(decisions, "QY-HN-06", "E-HN06", 2022)
    assert {cause["sanction"] for cause in principal["because"]} == {T + "t60-a", T + "t60-b"}


def test_late_report_brings_accountability_of_the_principal(decisions):
    principal = _decision(decisions, "QY-HN-04", "E-HN04", 2022)
    assert principal["level_name"] == "问责"
    assert [(c["finding"], c["subject_id"], c["status"]) for c in principal["because"]] == [
        ("national.report-1h", "SG-01", "late")]


# -- t24: propagation --------------------------------------------------------------------
@pytest.mark.parametrize("year, accidents", [(2022, MAJOR_2022), (2023, MAJOR_2023)])
@pytest.mark.parametrize("unit", ["220524-XW", "220524-ZF", "220500-SW", "220500-ZF"])
def test_major_accident_vetoes_county_and_city_party_committee_and_government(decisions, unit, year, accidents):
    decision = _decision(decisions, unit, None, year)
    assert (decision["ladder"], decision["level_name"], decision["level"]) == ("territorial", "一票否决", 7)
    assert set(accidents) <= _events_because(decision)


@pytest.mark.parametrize("unit", ["220523-XW", "220523-ZF"])
def test_larger_accident_bars_the_county_from_excellence(decisions, unit):
    for year, accident in ((2022, "SG-02"), (2023, "SG-15")):
        decision = _decision(decisions, unit, None, year)
        assert (decision["level_name"], decision["level"]) == ("一票否优", 6)
        assert accident in _events_because(decision)
    # t24-b reaches the county only (levels: [county]); the city's decisions come from 柳河县's 重大 accidents
    assert not _events_because(_decision(decisions, "220500-SW", None, 2022)) & {"SG-02", "SG-03", "SG-08"}


def test_supervising_departments(decisions):
    for unit, year, accident in (("220524-YJJ", 2022, "SG-04"), ("220500-YJJ", 2022, "SG-04"),
                                 ("220524-JTJ", 2023, "SG-05"), ("220500-JTJ", 2023, "SG-05"),
                                 ("220523-YJJ", 2022, "SG-02")):
        decision = _decision(decisions, unit, None, year)
        assert (decision["ladder"], decision["level_name"]) == ("departmental", "追究监管责任")
        assert accident in _events_because(decision)
    # a department whose sectors do not include the industry is not reached
    assert "SG-05" not in _events_because(_decision(decisions, "220524-YJJ", None, 2023))
    assert not [d for d in decisions if d["unit_id"] == "220500-JTJ" and d["year"] == 2022]


def test_principals_and_leaders_in_charge(decisions):
    for unit, person in (("220524-XW", "P-LHXW-01"), ("220524-ZF", "P-LHZF-01"), ("220500-SW", "P-SW-01"),
                         ("220500-ZF", "P-ZF-01"), ("220524-ZF", "P-LHZF-02"), ("220500-ZF", "P-ZF-02")):
        decision = _decision(decisions, unit, person, 2022)
        assert (decision["ladder"], decision["level_name"]) == ("person", "问责")
        assert "SG-04" in _events_because(decision)
    # the leader in charge is the one in office on the day: SG-19 (2022-06-28) reaches the predecessor
    assert _events_because(_decision(decisions, "220524-ZF", "P-LHZF-03", 2022)) == {"SG-19"}
    assert "SG-19" not in _events_because(_decision(decisions, "220524-ZF", "P-LHZF-02", 2022))
    # by sector: the road-transport deputy for the bus crash, the industry deputy for the others
    assert _events_because(_decision(decisions, "220524-ZF", "P-LHZF-04", 2023)) == {"SG-05"}
    assert _events_because(_decision(decisions, "220500-ZF", "P-ZF-03", 2023)) == {"SG-05"}
    # 较大 accidents do not reach persons (t24-b): 辉南县's deputy and principals have no decision
    assert not [d for d in decisions if d["unit_id"].startswith("220523-") and d["person_id"]]


def test_accident_before_the_document_is_graded_but_not_sanctioned(decisions):
    assert not [d for d in decisions if "SG-00" in _events_because(d)]


# -- hazards: t29 chain, t31 -----------------------------------------------------------------
def test_t29_rectified_in_time(all_findings):
    steps = {f["step"]: f["status"] for f in all_findings if f["subject_id"] == "HZ-LH14-01"}
    assert steps == {"supervised": "satisfied", "rectified": "satisfied"}


def test_t29_all_the_way_to_criminal_referral(all_findings, decisions):
    steps = {f["step"]: (f["status"], f["due"]) for f in all_findings if f["subject_id"] == "HZ-HN12-01"}
    assert steps == {
        "supervised": ("satisfied", "2022-09-28T00:00:00+08:00"),
        "rectified": ("violated", "2022-11-21T00:00:00+08:00"),
        "suspended": ("satisfied", "2022-11-24T00:00:00+08:00"),
        "rectified_after_suspension": ("violated", "2022-12-23T00:00:00+08:00"),
        "referred": ("satisfied", "2022-12-30T00:00:00+08:00"),
    }
    unit = _decision(decisions, "QY-HN-12", None, 2022)
    assert (unit["level_name"], unit["consequences"]) == ("移送司法", ["移送司法", "停产停业整顿"])
    assert _decision(decisions, "QY-HN-12", "E-HN12", 2022)["level_name"] == "移送司法"


def test_t31_unlisted_major_hazard_is_handled_as_an_accident(decisions):
    assert _decision(decisions, "QY-HN-05", None, 2022)["level_name"] == "罚款"
    assert _events_because(_decision(decisions, "QY-HN-05", "E-HN05", 2022)) == {"HZ-HN05-01-FX"}
    assert "HZ-HN05-01-FX" in _events_because(_decision(decisions, "220523-ZF", None, 2022))
    # listed hazards found by inspection (HZ-HN12-01, RF-HZ-01) are not t31 cases
    assert not [d for d in decisions if _events_because(d) & {"HZ-HN12-01-FX", "RF-HZ-01-FX"}]


def test_civil_air_defence_ledger(all_findings):
    jilin = {(f["rule_id"], f["subject_id"], f["step"]): f["status"] for f in all_findings
             if f["rule_id"].startswith("jilin-rf-2022-80.")}
    assert jilin == {
        ("jilin-rf-2022-80.ledger-a", "RF-HZ-01-FX", None): "satisfied",
        ("jilin-rf-2022-80.ledger-a", "RF-HZ-02-FX", None): "violated",   # no owner
        ("jilin-rf-2022-80.ledger-b", "RF-HZ-01", "rectified"): "satisfied",
        ("jilin-rf-2022-80.ledger-b", "RF-HZ-01", "closed"): "satisfied",
        ("jilin-rf-2022-80.ledger-b", "RF-HZ-02", "rectified"): "satisfied",
        ("jilin-rf-2022-80.ledger-b", "RF-HZ-02", "closed"): "late",
        ("jilin-rf-2022-80.major-supervised", "RF-HZ-01", None): "satisfied",
        ("jilin-rf-2022-80.graded", "RF-HZ-01-FX", None): "satisfied",
        ("jilin-rf-2022-80.graded", "RF-HZ-02-FX", None): "satisfied",
        ("jilin-rf-2022-80.watch-a", None, None): "violated",  # the 人防 mall keeps no daily watch record
        ("jilin-rf-2022-80.watch-b", "RF-HZ-01", None): "violated",
    }


# -- bans (安全生产法 第九十四条) ---------------------------------------------------------------
def test_dismissed_principal_reappointed_within_five_years(all_findings, decisions):
    ban = one(all_findings, rule_id="national.principal-ban", person_id="E-BAN-P")
    assert (ban["status"], ban["unit_id"], ban["subject_id"], ban["actual"]) == (
        "violated", "QY-LH-13", "CF-HN01-JZG", "2023-02-15")
    dismissal = _decision(decisions, "QY-HN-01", "E-BAN-P", 2022)
    assert (dismissal["level_name"], dismissal["level"]) == ("撤职", 4)


def test_lifetime_ban_in_the_same_industry_only(all_findings, decisions):
    same = one(all_findings, rule_id="national.principal-ban-lifetime", person_id="E-BAN-Q")
    assert (same["status"], same["unit_id"], same["actual"]) == ("violated", "QY-HN-11", "2023-03-01")
    other = one(all_findings, rule_id="national.principal-ban-lifetime", person_id="E-BAN-R")
    assert (other["status"], other["unit_id"]) == ("satisfied", "QY-LH-07")  # now in road transport
    # Both were sentenced (刑事处罚): the five-year ban holds in any industry.
    five_years = {(f["person_id"], f["unit_id"], f["status"]) for f in all_findings
                  if f["rule_id"] == "national.principal-ban" and f["person_id"] in ("E-BAN-Q", "E-BAN-R")}
    assert five_years == {("E-BAN-Q", "QY-HN-11", "violated"), ("E-BAN-R", "QY-LH-10", "violated")}
    for unit_id, person_id, year in (("QY-LH-01", "E-BAN-Q", 2022), ("QY-LH-07", "E-BAN-R", 2023)):
        decision = _decision(decisions, unit_id, person_id, year)
        assert decision["level_name"] == "移送司法"
        assert "终身不得担任本行业生产经营单位的主要负责人" in decision["consequences"]


# -- every decision can be traced -------------------------------------------------------------
def test_every_decision_names_existing_findings_incidents_or_events(everything, export_ids):
    keys = {(f["rule_id"], f["unit_id"], f["person_id"], f["subject_id"], f["step"], f["period"], f["status"])
            for f in lines(everything / "findings.jsonl")}
    incidents = {row["incident_id"] for row in lines(everything / "incidents.jsonl")}
    decisions = lines(everything / "decisions.jsonl")
    assert decisions
    for decision in decisions:
        assert decision["unit_id"] in export_ids["units"]
        assert decision["person_id"] is None or decision["person_id"] in export_ids["people"]
        assert decision["because"], decision
        for cause in decision["because"]:
            assert cause["sanction"].startswith(T), cause
            if "finding" in cause:
                key = (cause["finding"], cause["unit_id"], cause["person_id"], cause["subject_id"], cause["step"],
                       cause["period"], cause["status"])
                assert key in keys, cause
            elif "incident" in cause:
                assert cause["incident"] in incidents and cause["incident"] in export_ids["events"], cause
            else:
                assert cause["event"] in export_ids["events"], cause
                assert cause["unit_id"] in export_ids["units"], cause


# -- the accountability page is generated from the packs ------------------------------------
def test_accountability_page_is_current():
    result = subprocess.run([sys.executable, str(ROOT / "docs" / "_generate_accountability.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
