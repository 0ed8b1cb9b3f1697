"""The henan-2022 example export (fixtures/henan-2022): the 河南 “回头看” ledgers and their expected findings.

The expected files were derived by reasoning from the rule texts of henan-hkk-2022 (see the
fixture's README.md, which lists every deliberate gap and the finding it produces) and then
compared with the evaluator's output. The pack states no consequence, so there are no decisions.
"""

from __future__ import annotations

from tests.fixture_support import (FIXTURE_RUNS, assert_all_output_lists_the_reported_findings,
                                   assert_every_rule_is_exercised, one, read_json)

RUN = FIXTURE_RUNS["henan-2022"]
PACK = "henan-hkk-2022."
ALL_RULES = ["ledger", "window-a", "window-b", "window-c", "lead-a", "lead-b", "rectify-a", "rectify-b"]
ONLY_SATISFIED = {"window-c"}  # one provincial 安委会 in the export, and it did its checks
NOT_SATISFIED = {"violated", "late", "exempt", "at_risk", "open"}

reported, everything, all_findings = RUN.module_fixtures()


def _one(findings: list[dict], rule: str, unit: str, **fields) -> dict:
    return one(findings, rule_id=PACK + rule, unit_id=unit, **fields)


# -- the whole output ------------------------------------------------------------------
def test_findings_equal_expected(reported):
    RUN.assert_matches_expected(reported, "findings.jsonl")  # byte for byte, with a diff of the rows if not


def test_no_decisions_no_incidents_no_rejected_rows(reported, everything):
    # The 回头看 report names no consequence: the pack has no sanction rule, and the export has no accident.
    assert (RUN.expected / "decisions.jsonl").read_bytes() == b""
    for out in (reported, everything):
        assert (out / "decisions.jsonl").read_bytes() == (RUN.expected / "decisions.jsonl").read_bytes()
        for name in ("incidents.jsonl", "rejected.jsonl"):
            assert (out / name).read_text(encoding="utf-8") == "", name


def test_summary_counts_over_all_findings(everything):
    summary = read_json(everything / "summary.json")
    assert summary["findings"]["by_status"] == read_json(RUN.expected / "summary_counts.json")
    assert summary["rejected"] == 0
    assert [pack["pack"] for pack in summary["packs"]] == ["henan-hkk-2022", "national"]


def test_all_output_lists_every_finding_of_the_reported_output(reported, all_findings):
    assert_all_output_lists_the_reported_findings(reported, all_findings)


def test_two_runs_give_byte_identical_files(tmp_path):
    RUN.assert_runs_are_byte_identical(tmp_path)


def test_every_rule_is_exercised(all_findings):
    assert_every_rule_is_exercised(all_findings, PACK, ALL_RULES, unsatisfied=NOT_SATISFIED, only_satisfied=ONLY_SATISFIED)


# -- named cases ------------------------------------------------------------------------
def test_ledger_names_the_missing_elements(all_findings):
    one = _one(all_findings, "ledger", "QY-410323-001", subject_id="XALT-221120-YH")
    assert (one["status"], one["actual"]) == ("violated", ["requirement"])
    three = _one(all_findings, "ledger", "QY-410323-002", subject_id="XAHG-221220-YH")
    assert (three["status"], three["actual"]) == ("violated", ["responsible_unit", "owner", "deadline"])
    assert three["message"] == "新安县某化工有限公司发现隐患记录XAHG-221220-YH缺少responsible_unit、owner、deadline（未落实）。"
    assert three["citation"]["article"] == "第五段"
    assert "明確責任單位、責任人、整改要求、工作措施和完成時限" in three["citation"]["text"]
    # a government's problem from 督导交办 is in the ledger as well
    assert _one(all_findings, "ledger", "410323-ZF", subject_id="XAZF-221110-YH")["status"] == "satisfied"


def test_ledger_binds_only_problems_recorded_during_the_campaign(all_findings):
    ledger = [f for f in all_findings if f["rule_id"] == PACK + "ledger"]
    assert sorted(f["subject_id"] for f in ledger) == [
        "JSZH-221115-YH", "JSZH-230131-YH", "XAHG-221201-YH", "XAHG-221220-YH", "XALT-221120-YH", "XAZF-221110-YH"]
    # ZZWL-221107-YH (the day before) and ZZWL-230202-YH (after 2023-01-31) are incomplete but not judged


def test_campaign_window_boundaries(all_findings):
    first_day = _one(all_findings, "window-a", "410100-ZF")
    assert (first_day["status"], first_day["evidence"]) == ("satisfied", ["ZZZF-221108-JC"])
    last_second = _one(all_findings, "window-b", "410100-YJJ")
    assert (last_second["status"], last_second["evidence"]) == ("satisfied", ["ZZYJ-230131-ZX"])
    assert last_second["period"] == "2022-11-08/2023-01-31"
    assert last_second["due"] == "2023-02-01T00:00:00+08:00"
    # 洛阳市政府 inspected the day before the campaign and again after it: late, never inside
    before_and_after = _one(all_findings, "window-a", "410300-ZF")
    assert (before_and_after["status"], before_and_after["actual"], before_and_after["evidence"]) == (
        "late", 0, ["LYZF-230210-JC"])
    assert _one(all_findings, "window-a", "410323-ZF")["status"] == "violated"
    assert _one(all_findings, "window-c", "410000-AW")["evidence"] == ["HNAW-221205-CC"]
    # the provincial government is not one of 各地 (city and county governments)
    assert not [f for f in all_findings if f["unit_id"] == "410000-ZF"
                and f["rule_id"] in (PACK + "window-a", PACK + "lead-a")]


def test_the_principal_must_lead_in_person(all_findings):
    deputy = _one(all_findings, "lead-a", "410105-ZF")
    assert (deputy["status"], deputy["actual"]) == ("violated", 0)
    assert _one(all_findings, "window-a", "410105-ZF")["status"] == "satisfied"  # the deputy's inspection counts there
    assert deputy["message"] == ("郑州市金水区人民政府2022年11月8日至2023年1月31日期间应至少1次由主要负责同志带队深入现场检查，"
                                 "实际0次（未落实）。")
    # the bureau's principal led a 督促检查, its deputy the 专项检查
    led = _one(all_findings, "lead-b", "410100-YJJ")
    assert (led["status"], led["evidence"]) == ("satisfied", ["ZZYJ-221201-JC"])
    assert _one(all_findings, "lead-b", "410300-ZJJ")["status"] == "late"


def test_rectification_by_the_ledger_time_limit(all_findings):
    assert _one(all_findings, "rectify-a", "QY-410105-001", subject_id="HN-HZ-01")["status"] == "satisfied"
    late = _one(all_findings, "rectify-a", "QY-410323-001", subject_id="HN-HZ-02")
    assert (late["status"], late["actual"], late["due"]) == ("late", "2023-01-25", "2023-01-21T00:00:00+08:00")
    assert _one(all_findings, "rectify-a", "QY-410323-002", subject_id="HN-HZ-03")["status"] == "violated"
    # found on the campaign's last day, due after the as-of instant
    assert _one(all_findings, "rectify-a", "QY-410105-001", subject_id="HN-HZ-07")["status"] == "open"
    # rectified after 2023-01-31: the rule still follows a problem recorded during the campaign
    assert _one(all_findings, "rectify-a", "410323-ZF", subject_id="HN-HZ-05")["status"] == "satisfied"
    # HN-HZ-04 has no time limit: no rectification finding (the ledger rule reports the gap)
    assert not [f for f in all_findings if f["subject_id"] == "HN-HZ-04"]


def test_sham_and_inadequate_rectification(all_findings):
    sham = _one(all_findings, "rectify-b", "QY-410323-002")
    assert (sham["status"], sham["subject_id"]) == ("violated", "XAHG-230105-ZG")
    assert _one(all_findings, "rectify-b", "QY-410323-001")["subject_id"] == "XALT-230125-ZG"
    assert _one(all_findings, "rectify-b", "QY-410105-001")["status"] == "satisfied"
