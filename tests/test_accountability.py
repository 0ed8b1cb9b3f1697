"""Accountability: accident grades, reporting limits, chains, bans, sanctions, decisions."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance import evaluate
from compliance.evaluation.bans import anniversary
from compliance.findings import Status
from tests.conftest import event, unit

# A territory: 通化市 (220500) with 通化县 (220521); an enterprise in the county.
TERRITORY = [
    unit("CPC", "party_committee", "city", region="220500", name="通化市委"),
    unit("CGOV", "government", "city", region="220500", name="通化市政府"),
    unit("PC", "party_committee", "county", region="220521", parent_id="CPC", name="通化县委"),
    unit("GOV", "government", "county", region="220521", parent_id="CGOV", name="通化县政府"),
    unit("DEP", "department", "county", region="220521", sectors="mining", name="通化县应急管理局"),
    unit("TDEP", "department", "county", region="220521", sectors="road_transport", name="通化县交通运输局"),
    unit("CDEP", "department", "city", region="220500", sectors="mining", name="通化市应急管理局"),
    unit("PDEP", "department", "province", region="220000", sectors="mining", name="吉林省应急管理厅"),
    unit("MINE", "enterprise", None, region="220521", sectors="mining", name="某铁矿"),
    unit("MINE2", "enterprise", None, region="220521", sectors="mining", name="另一铁矿"),
    unit("SHOP", "enterprise", None, region="220521", sectors="catering", name="某饭店"),
]
PEOPLE = [
    {"person_id": "boss", "name": "矿长", "unit_id": "MINE", "role": "principal"},
    {"person_id": "sec", "name": "县委书记", "unit_id": "PC", "role": "principal"},
    {"person_id": "mayor", "name": "县长", "unit_id": "GOV", "role": "principal"},
    {"person_id": "vice", "name": "分管副县长", "unit_id": "GOV", "role": "deputy", "sectors": "mining"},
    {"person_id": "vice2", "name": "另一副县长", "unit_id": "GOV", "role": "deputy", "sectors": "catering"},
]


def _accident(event_id="A1", at="2022-08-01T10:00", unit_id="MINE", **attributes):
    return event(event_id, unit_id, "accident", at, attributes={"industry": "mining", **attributes})


def run(events, *, people=PEOPLE, units=TERRITORY, as_of="2023-04-01", **options):
    result = evaluate(units=units, people=people, events=events, as_of=as_of, **options)
    assert result.rejections == ()
    return result


def grade(**attributes):
    (incident,) = run([_accident(**attributes)], rules_only=["national.accident-grade"]).incidents
    return incident.grade


# -- national.accident-grade: 以上 includes the number, 以下 excludes it -----------------------
@pytest.mark.parametrize(("criterion", "below", "at", "grades"), [
    ("deaths", 2, 3, ("general", "larger")),
    ("deaths", 9, 10, ("larger", "major")),
    ("deaths", 29, 30, ("major", "especially_major")),
    ("serious_injuries", 9, 10, ("general", "larger")),
    ("serious_injuries", 49, 50, ("larger", "major")),
    ("serious_injuries", 99, 100, ("major", "especially_major")),
    ("direct_loss_yuan", 9_999_999, 10_000_000, ("general", "larger")),
    ("direct_loss_yuan", 49_999_999, 50_000_000, ("larger", "major")),
    ("direct_loss_yuan", 99_999_999, 100_000_000, ("major", "especially_major")),
])
def test_grade_boundaries_on_every_criterion(criterion, below, at, grades):
    assert (grade(**{criterion: below}), grade(**{criterion: at})) == grades


def test_the_highest_grade_any_criterion_reaches_wins():
    assert grade(deaths=1, serious_injuries=12, direct_loss_yuan=60_000_000) == "major"
    (incident,) = run([_accident(deaths=1, serious_injuries=12, direct_loss_yuan=60_000_000)],
                      rules_only=["national.accident-grade"]).incidents
    assert incident.reached == {"direct_loss_yuan": 60_000_000}
    assert incident.message == "某铁矿2022年8月1日10:00发生的生产安全事故（A1）为重大事故：直接经济损失（元）60000000。"


def test_no_figures_is_a_general_accident_and_says_so():
    (incident,) = run([_accident()], rules_only=["national.accident-grade"]).incidents
    assert (incident.grade, incident.reached) == ("general", {})
    assert "记录缺少死亡人数、直接经济损失（元）、重伤人数" in incident.message


# -- reporting limits --------------------------------------------------------------------------
def _report(event_id, at, unit_id="MINE", target="DEP", accident="A1", **attributes):
    return event(event_id, unit_id, "accident_reported", at, target_id=target,
                 attributes={"accident_id": accident, **attributes})


@pytest.mark.parametrize(("reported", "status"), [
    ("2022-08-01T11:00:00", Status.SATISFIED),
    ("2022-08-01T11:01:00", Status.LATE),   # 61 minutes: 迟报
    (None, Status.VIOLATED),                # never: 漏报
])
def test_report_within_one_hour(reported, status):
    events = [_accident(deaths=1)] + ([_report("R1", reported)] if reported else [])
    (finding,) = run(events, rules_only=["national.report-1h"]).findings
    assert (finding.unit_id, finding.subject_id, finding.status) == ("MINE", "A1", status)
    assert finding.due == "2022-08-01T11:00:00+08:00"


def test_a_report_to_a_department_outside_the_territory_does_not_count():
    other = unit("ODEP", "department", "city", region="220600", sectors="mining", name="白山市应急管理局")
    events = [_accident(deaths=1), _report("R1", "2022-08-01T10:30", target="ODEP")]
    (finding,) = run(events, units=TERRITORY + [other], rules_only=["national.report-1h"]).findings
    assert finding.status is Status.VIOLATED
    # 县级以上: the city or province department of the place is as good as the county's.
    events = [_accident(deaths=1), _report("R1", "2022-08-01T10:30", target="PDEP")]
    (finding,) = run(events, rules_only=["national.report-1h"]).findings
    assert finding.status is Status.SATISFIED


@pytest.mark.parametrize(("deaths", "owed_by"), [
    (1, ["DEP"]),             # 一般: up to the city department; the city need not pass it on
    (3, ["CDEP", "DEP"]),     # 较大: up to the province
])
def test_reports_go_up_as_far_as_the_grade_requires(deaths, owed_by):
    events = [_accident(deaths=deaths), _report("R1", "2022-08-01T10:30"),
              _report("R2", "2022-08-01T12:30", unit_id="DEP", target="CDEP"),
              _report("R3", "2022-08-01T15:00", unit_id="CDEP", target="PDEP")]
    result = run(events, rules_only=["national.accident-grade", "national.report-upward-2h"])
    assert [(f.unit_id, f.status) for f in result.findings] == [
        (unit_id, Status.SATISFIED if unit_id == "DEP" else Status.LATE) for unit_id in owed_by]


@pytest.mark.parametrize(("category", "changed", "owed"), [
    ("collapse", "2022-08-31", True),    # day 30 after 1 August: still owed
    ("collapse", "2022-09-01", False),
    ("fire", "2022-08-08", True),        # fire: 7 days
    ("fire", "2022-08-09", False),
])
def test_casualty_changes_within_30_or_7_days_are_reported(category, changed, owed):
    events = [_accident(deaths=1, category=category),
              event("C1", "MINE", "casualties_changed", changed, attributes={"accident_id": "A1", "deaths": 2})]
    found = run(events, rules_only=["national.supplement"]).findings
    assert [(f.subject_id, f.status) for f in found] == ([("A1", Status.VIOLATED)] if owed else [])


def test_a_supplementary_report_must_carry_the_new_figures():
    changed = event("C1", "MINE", "casualties_changed", "2022-08-05", attributes={"accident_id": "A1", "deaths": 2})
    old_figure = _report("R9", "2022-08-05T20:00", deaths=1)
    new_figure = _report("R9", "2022-08-06T20:00", deaths=2)
    assert [f.status for f in run([_accident(deaths=1), changed, old_figure],
                                  rules_only=["national.supplement"]).findings] == [Status.VIOLATED]
    assert [f.status for f in run([_accident(deaths=1), changed, new_figure],
                                  rules_only=["national.supplement"]).findings] == [Status.SATISFIED]


# -- sanctions and their propagation (t24) ---------------------------------------------------------
def decisions_of(result):
    return {(d.unit_id, d.person_id, d.ladder): (d.level_name, d.level) for d in result.decisions}


T24 = ["national.accident-grade", "tonghua-2022-10.t24-a", "tonghua-2022-10.t24-b", "tonghua-2022-10.t24-c"]


def test_a_major_accident_vetoes_the_territory_and_reaches_departments_and_leaders():
    result = run([_accident(deaths=10)], rules_only=T24)
    assert decisions_of(result) == {
        ("CDEP", None, "departmental"): ("追究监管责任", 5),
        ("CGOV", None, "territorial"): ("一票否决", 7),
        ("CPC", None, "territorial"): ("一票否决", 7),
        ("DEP", None, "departmental"): ("追究监管责任", 5),
        ("GOV", None, "territorial"): ("一票否决", 7),
        ("GOV", "mayor", "person"): ("问责", 3),
        ("GOV", "vice", "person"): ("问责", 3),  # in charge of mining; vice2 (catering) is not reached
        ("PC", None, "territorial"): ("一票否决", 7),
        ("PC", "sec", "person"): ("问责", 3),
    }
    veto = next(d for d in result.decisions if d.unit_id == "PC" and d.person_id is None)
    assert veto.year == 2022 and "年度考核一票否决" in veto.consequences
    assert {cause.get("sanction") for cause in veto.because} == {"tonghua-2022-10.t24-a"}
    assert {"event": "A1", "type": "accident", "unit_id": "MINE", "sanction": "tonghua-2022-10.t24-a"} in veto.because
    assert any(cause.get("incident") == "A1" and cause.get("grade") == "major" for cause in veto.because)


def test_the_levels_reached_are_a_parameter():
    result = run([_accident(deaths=10)], rules_only=T24, overrides={"tonghua-2022-10.t24-a": {"levels": ["county"]}})
    assert {unit_id for unit_id, _, _ in decisions_of(result)} == {"PC", "GOV", "DEP"}


def test_larger_and_general_accidents():
    larger = decisions_of(run([_accident(deaths=3)], rules_only=T24))
    assert larger == {("PC", None, "territorial"): ("一票否优", 6), ("GOV", None, "territorial"): ("一票否优", 6),
                      ("DEP", None, "departmental"): ("追究监管责任", 5)}
    general = decisions_of(run([_accident(deaths=1)], rules_only=T24))
    assert general == {("PC", None, "territorial"): ("参照追责", 5), ("GOV", None, "territorial"): ("参照追责", 5)}


def test_levels_combine_by_the_worst_and_keep_every_cause():
    events = [_accident("A1", deaths=1), _accident("A2", at="2022-09-01T10:00", deaths=12)]
    result = run(events, rules_only=T24)
    (county,) = [d for d in result.decisions if d.unit_id == "PC" and d.person_id is None]
    assert (county.level_name, county.step) == ("一票否决", "veto")
    assert {cause["event"] for cause in county.because if "event" in cause} == {"A1", "A2"}
    assert county.consequences[0] == "年度考核一票否决" and "依法追究领导责任" in county.consequences


def test_an_accident_in_another_year_is_another_assessment():
    events = [_accident("A1", deaths=12), _accident("A2", at="2023-01-05T10:00", deaths=1)]
    years = {(d.year, d.level_name) for d in run(events, rules_only=T24).decisions
             if d.unit_id == "PC" and d.person_id is None}
    assert years == {(2022, "一票否决"), (2023, "参照追责")}


def test_an_accident_outside_the_jurisdiction_binds_nothing():
    elsewhere = unit("FAR", "enterprise", None, region="220600", sectors="mining")
    result = run([_accident(unit_id="FAR", deaths=12)], units=TERRITORY + [elsewhere], rules_only=T24)
    assert result.decisions == ()


def test_concealment_reaches_the_actor_and_the_principal_and_puts_the_unit_under_supervision():
    events = [_accident(deaths=1),
              event("X1", "MINE", "accident_concealment_found", "2022-08-20", actor_id="clerk",
                    attributes={"accident_id": "A1"}),
              event("S1", "CGOV", "hazard_supervised", "2022-08-25", target_id="MINE", attributes={"accident_id": "A1"})]
    result = run(events, rules_only=["national.accident-grade", "tonghua-2022-10.t60-a", "tonghua-2022-10.t61-a",
                                     "tonghua-2022-10.t61-b", "tonghua-2022-10.t61-c"])
    assert decisions_of(result) == {("MINE", "clerk", "person"): ("问责", 3), ("MINE", "boss", "person"): ("问责", 3),
                                    ("MINE", None, "enterprise"): ("挂牌督办", 3)}
    assert [(f.rule_id, f.status) for f in result.findings] == [
        ("tonghua-2022-10.t61-a", Status.SATISFIED), ("tonghua-2022-10.t61-b", Status.VIOLATED)]


# -- reparation chains -------------------------------------------------------------------------
def _hazard(hazard_id="H1", at="2022-08-01", deadline="2022-08-31", **attributes):
    return event(f"f-{hazard_id}", "MINE", "hazard_found", at,
                 attributes={"hazard_id": hazard_id, "grade": "major", "category": "tailings_dam",
                             "deadline": deadline, **attributes})


def _step(kind, at, hazard_id="H1", unit_id="MINE"):
    return event(f"{kind}-{hazard_id}-{at}", unit_id, kind, at, attributes={"hazard_id": hazard_id})


def chain_of(events, rules=("tonghua-2022-10.t29",), as_of="2023-04-01"):
    result = run(events, rules_only=list(rules), as_of=as_of)
    return [(f.step, f.status) for f in result.findings if f.rule_id == "tonghua-2022-10.t29"], result


def test_chain_rectified_in_time_owes_nothing_more():
    steps, _ = chain_of([_hazard(), _step("hazard_supervised", "2022-08-05", unit_id="CGOV"),
                         _step("hazard_rectified", "2022-08-31")])
    assert steps == [("supervised", Status.SATISFIED), ("rectified", Status.SATISFIED)]


def test_chain_rectified_late_before_suspension_was_due_exempts_the_suspension():
    events = [_hazard(), _step("hazard_rectified", "2022-09-02")]
    steps, result = chain_of(events, rules=("tonghua-2022-10.t29", "tonghua-2022-10.t29-sanction"))
    # The suspension runs from the failure (24:00 of the deadline, 31 August) and is no longer needed;
    # the chain ends there, and no suspension is decided.
    assert steps == [("supervised", Status.VIOLATED), ("rectified", Status.LATE), ("suspended", Status.EXEMPT)]
    assert [f.due for f in result.findings if f.step == "suspended"] == ["2022-09-04T00:00:00+08:00"]
    assert result.decisions == ()


def test_chain_suspended_then_rectified_counts_the_stop_before_the_late_rectification():
    events = [_hazard(), _step("hazard_supervised", "2022-08-02", unit_id="CGOV"),
              _step("production_suspended", "2022-09-02"), _step("hazard_rectified", "2022-09-20")]
    steps, result = chain_of(events, rules=("tonghua-2022-10.t29", "tonghua-2022-10.t29-sanction"))
    assert steps == [("supervised", Status.SATISFIED), ("rectified", Status.LATE), ("suspended", Status.SATISFIED),
                     ("rectified_after_suspension", Status.SATISFIED)]
    assert decisions_of(result) == {("MINE", None, "enterprise"): ("停产停业整顿", 5)}


def test_chain_all_the_way_to_criminal_referral():
    events = [_hazard(), _step("hazard_supervised", "2022-08-02", unit_id="CGOV"),
              _step("production_suspended", "2022-09-02"), _step("criminal_referral", "2022-10-05")]
    steps, result = chain_of(events, rules=("tonghua-2022-10.t29", "tonghua-2022-10.t29-sanction",
                                            "tonghua-2022-10.t29-referral"))
    assert steps == [("supervised", Status.SATISFIED), ("rectified", Status.VIOLATED), ("suspended", Status.SATISFIED),
                     ("rectified_after_suspension", Status.VIOLATED), ("referred", Status.SATISFIED)]
    due = {f.step: f.due for f in result.findings}
    assert due["suspended"] == "2022-09-04T00:00:00+08:00"  # 3 days after the deadline of 31 August
    assert due["rectified_after_suspension"] == "2022-10-03T00:00:00+08:00"  # 30 days after the suspension
    assert decisions_of(result) == {("MINE", None, "enterprise"): ("移送司法", 7),
                                    ("MINE", "boss", "person"): ("移送司法", 6)}


def test_chain_not_yet_due_is_open():
    steps, _ = chain_of([_hazard()], as_of="2022-08-20")
    assert steps == [("supervised", Status.VIOLATED), ("rectified", Status.OPEN)]


def test_close_loop_must_go_in_order():
    shop = unit("ELDER", "enterprise", None, region="220881", name="洮南某养老院")
    found = event("f1", "ELDER", "hazard_found", "2022-09-01",
                  attributes={"hazard_id": "H1", "grade": "general", "deadline": "2022-09-20", "owner": "张三"})
    steps = [_step("hazard_rectified", "2022-09-10", unit_id="ELDER"),
             _step("hazard_closed", "2022-09-12", unit_id="ELDER"),
             _step("hazard_accepted", "2022-09-15", unit_id="ELDER")]
    result = run([found, *steps], units=[shop], people=[], rules_only=["taonan-mz-2022.close-loop-b"])
    assert [(f.step, f.status) for f in result.findings] == [
        ("rectified", Status.SATISFIED), ("accepted", Status.SATISFIED), ("closed", Status.VIOLATED)]


# -- bans ------------------------------------------------------------------------------------------
def test_anniversary_never_shortens_a_ban():
    from datetime import date

    assert anniversary(date(2020, 2, 29), 5) == date(2025, 3, 1)
    assert anniversary(date(2022, 10, 1), 5) == date(2027, 10, 1)


def _dismissal(day="2022-10-01", **attributes):
    return event("S1", "MINE", "sanction", day, actor_id="boss",
                 attributes={"sanction": "dismissal", "accident_id": "A1", **attributes})


@pytest.mark.parametrize(("start", "banned"), [("2027-09-30", True), ("2027-10-01", False)])
def test_five_year_ban_on_being_principal_anywhere(start, banned):
    people = [{"person_id": "boss", "name": "矿长", "unit_id": "MINE", "role": "principal", "end": "2022-09-30"},
              {"person_id": "boss", "name": "矿长", "unit_id": "SHOP", "role": "principal", "start": start}]
    result = run([_accident(deaths=1), _dismissal()], people=people, as_of="2028-01-01",
                 rules_only=["national.principal-ban"])
    assert [(f.unit_id, f.status) for f in result.findings] == (
        [("SHOP", Status.VIOLATED)] if banned else [("MINE", Status.SATISFIED)])


def test_lifetime_ban_only_in_the_same_industry_and_for_major_accidents():
    people = [{"person_id": "boss", "name": "矿长", "unit_id": "MINE", "role": "principal", "end": "2022-09-30"},
              {"person_id": "boss", "name": "矿长", "unit_id": "MINE2", "role": "principal", "start": "2035-01-01"},
              {"person_id": "boss", "name": "矿长", "unit_id": "SHOP", "role": "principal", "start": "2036-01-01"}]
    rules = ["national.accident-grade", "national.principal-ban-lifetime"]
    major = run([_accident(deaths=10), _dismissal(chief_responsibility=True)], people=people, as_of="2040-01-01",
                rules_only=rules)
    assert [(f.unit_id, f.status) for f in major.findings] == [("MINE2", Status.VIOLATED)]
    larger = run([_accident(deaths=3), _dismissal(chief_responsibility=True)], people=people, as_of="2040-01-01",
                 rules_only=rules)
    assert larger.findings == ()


# -- escalation is monotone -------------------------------------------------------------------------
ALL_ACCOUNTABILITY = T24 + ["tonghua-2022-10.t60-a", "tonghua-2022-10.t61-c", "tonghua-2022-10.t31",
                            "national.principal-ban"]

accidents = st.builds(
    lambda index, day, deaths, injuries, loss, site: _accident(
        f"A{index}", at=f"2022-{day // 28 + 1:02d}-{day % 28 + 1:02d}T10:00", unit_id=site,
        deaths=deaths, serious_injuries=injuries, direct_loss_yuan=loss),
    st.integers(0, 10_000), st.integers(0, 28 * 12 - 1), st.integers(0, 40), st.integers(0, 120),
    st.integers(0, 120_000_000), st.sampled_from(["MINE", "MINE2", "SHOP"]),
)


def _levels(result):
    return {(d.unit_id, d.person_id, d.year, d.ladder): d.level for d in result.decisions}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(accidents, max_size=4, unique_by=lambda e: e["event_id"]), accidents)
def test_adding_an_accident_never_lowers_a_level(history, extra):
    if extra["event_id"] in {e["event_id"] for e in history}:
        extra = {**extra, "event_id": extra["event_id"] + "x"}
    before = _levels(run(history, rules_only=ALL_ACCOUNTABILITY))
    after = _levels(run(history + [extra], rules_only=ALL_ACCOUNTABILITY))
    for key, level in before.items():
        assert after.get(key, 0) >= level, key


@settings(max_examples=30, deadline=None)
@given(accidents, st.integers(1, 30))
def test_a_worse_grade_never_lowers_a_level(accident, more):
    worse = {**accident, "attributes": {**accident["attributes"],
                                        "deaths": accident["attributes"]["deaths"] + more}}
    before = _levels(run([accident], rules_only=ALL_ACCOUNTABILITY))
    after = _levels(run([worse], rules_only=ALL_ACCOUNTABILITY))
    for key, level in before.items():
        assert after.get(key, 0) >= level, key


def test_a_report_to_a_national_department_reaches_the_top():
    national = unit("MEM", "department", "national", region="100000", sectors="mining", name="应急管理部")
    events = [_accident(deaths=10), _report("R1", "2022-08-01T10:30"),
              _report("R2", "2022-08-01T12:00", unit_id="DEP", target="CDEP"),
              _report("R3", "2022-08-01T13:00", unit_id="CDEP", target="PDEP"),
              _report("R4", "2022-08-01T14:00", unit_id="PDEP", target="MEM")]
    result = run(events, units=TERRITORY + [national],
                 rules_only=["national.accident-grade", "national.report-upward-2h"])
    assert [(f.unit_id, f.status) for f in result.findings] == [
        ("CDEP", Status.SATISFIED), ("DEP", Status.SATISFIED), ("PDEP", Status.SATISFIED)]


def test_the_tenure_ended_by_the_dismissal_is_no_breach():
    people = [{"person_id": "boss", "name": "矿长", "unit_id": "MINE", "role": "principal", "end": "2022-10-01"},
              {"person_id": "boss", "name": "矿长", "unit_id": "SHOP", "role": "principal", "start": "2022-10-01"}]
    result = run([_accident(deaths=1), _dismissal()], people=people, rules_only=["national.principal-ban"])
    assert [(f.unit_id, f.status) for f in result.findings] == [("SHOP", Status.VIOLATED)]


def test_a_due_at_24_00_on_31_december_belongs_to_that_year():
    from datetime import date

    from compliance.accountability.sanctions import _finding_day
    from compliance.findings import CitationOut, Finding

    def due(text):
        return Finding(rule_id="r", unit_id="u", status=Status.VIOLATED, due=text, message="",
                       citation=CitationOut(document="", article="", text=""))

    assert _finding_day(due("2023-01-01T00:00:00+08:00")) == date(2022, 12, 31)
    assert _finding_day(due("2023-01-01T00:00:01+08:00")) == date(2023, 1, 1)


def test_an_accident_recorded_after_the_evaluation_instant_is_not_known():
    change = event("C1", "MINE", "casualties_changed", "2022-10-10", attributes={"accident_id": "A1", "deaths": 2})
    later = _accident(at="2022-10-20T10:00", deaths=1)
    assert run([change, later], rules_only=["national.supplement"], as_of="2022-10-15").findings == ()
