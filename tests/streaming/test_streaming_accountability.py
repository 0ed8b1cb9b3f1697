"""Chains, bans and sanctions streamed: each finding and decision given by the call that decides it.

A chain step when its limit passes (or its event settles it), a step that follows
an undone step once that one is done; a ban's breach when the sanction arrives
or the banned tenure's first day begins; a decision when its accident arrives,
or when the finding it counts is decided, withdrawn when that finding turns late.
"""

from __future__ import annotations

import pytest

pytest.importorskip("durable")

from compliance import evaluate
from compliance.streaming import DecisionWithdrawn, Monitor
from tests.conftest import event, unit
from tests.test_accountability import PEOPLE, TERRITORY


def _statuses(findings):
    return [(finding.step, finding.status.value, finding.due) for finding in findings]


# -- chains -----------------------------------------------------------------------------------------
LEDGER = ["jilin-rf-2022-80.ledger-b"]  # 整改 by the hazard's deadline, then 销号 within 15 days of it
ENTERPRISE = [unit("QY", "enterprise", None, region="220821", tags="civil_air_defence", name="某人防工程")]


def _hazard(event_id="H1", at="2022-10-03T09:00", deadline="2022-10-10", hazard="Z1"):
    return event(event_id, "QY", "hazard_found", at, attributes={"hazard_id": hazard, "deadline": deadline})


def _step(event_id, type_, at, hazard="Z1"):
    return event(event_id, "QY", type_, at, attributes={"hazard_id": hazard})


def test_a_chain_step_is_decided_when_its_limit_passes_and_a_late_event_replaces_it():
    with Monitor(units=ENTERPRISE, rules_only=LEDGER) as monitor:
        assert monitor.feed(_hazard()) == []
        assert _statuses(monitor.pending()) == [("rectified", "open", "2022-10-11T00:00:00+08:00"),
                                                ("closed", "open", "2022-10-26T00:00:00+08:00")]
        assert monitor.advance_to("2022-10-10T23:59") == []
        [violated] = monitor.advance_to("2022-10-11")  # 24:00 of the deadline has passed: nothing can be on time
        assert (violated.step, violated.status.value, violated.evidence) == ("rectified", "violated", ("H1",))
        assert violated.message == "某人防工程隐患整改并销号（Z1）：应于2022年10月10日前完成整改，截至评估时点未见记录（未落实）。"
        assert monitor.feed(_step("R1", "hazard_rectified", "2022-10-20T10:00")) == []  # another of 10:00 may come
        [late] = monitor.feed(_step("X1", "safety_inspection_led", "2022-10-20T11:00"))  # the next event settles it
        assert (late.step, late.status.value, late.evidence) == ("rectified", "late", ("H1", "R1"))
        # 销号 runs from the (late) rectification: due 15 days after it, open until then
        assert _statuses(monitor.pending()) == [("closed", "open", "2022-11-05T00:00:00+08:00")]
        assert monitor.feed(_step("C1", "hazard_closed", "2022-10-25")) == []  # dated by the day, at its 00:00
        [closed] = monitor.advance_to("2022-10-25")  # nothing else of 00:00 can come
        assert (closed.step, closed.status.value) == ("closed", "satisfied")
        assert monitor.pending() == [] and monitor._followers[0].chains == {}  # done: the chain is dropped


def test_a_step_that_follows_an_undone_step_waits_for_it():
    """While 整改 has not been done, 销号 runs from its deadline, but would run from the rectification if it came."""
    with Monitor(units=ENTERPRISE, rules_only=LEDGER) as monitor:
        monitor.feed(_hazard())
        [rectified] = monitor.advance_to("2022-10-11")
        assert rectified.status.value == "violated"
        assert monitor.advance_to("2022-12-01") == []  # 销号 due 10-25 has passed, still not decided
        [closed] = monitor.pending()
        assert (closed.step, closed.status.value, closed.due) == ("closed", "violated", "2022-10-26T00:00:00+08:00")
        assert monitor.feed(_step("R1", "hazard_rectified", "2022-12-02")) == []  # done at last, dated by the day
        [late] = monitor.advance_to("2022-12-02")
        assert (late.step, late.status.value, late.due) == ("rectified", "late", "2022-10-11T00:00:00+08:00")
        # 销号 now runs from the rectification (the end of its day): a new due instant, open
        assert _statuses(monitor.pending()) == [("closed", "open", "2022-12-18T00:00:00+08:00")]


def test_a_contrary_to_duty_step_is_owed_once_the_failure_is_decided():
    """t29: a major hazard not rectified by its deadline must bring 停产停工 within 3 days of the deadline."""
    units = [unit("QY", "enterprise", None, region="220521", tags="tailings_dam", name="某尾矿库"),
             unit("AWB", "safety_committee_office", "city", region="220500", name="通化市安委办")]
    hazard = event("H1", "QY", "hazard_found", "2022-09-01T09:00", attributes={
        "hazard_id": "Z1", "grade": "major", "category": "tailings_dam", "deadline": "2022-09-10"})
    with Monitor(units=units, rules_only=["tonghua-2022-10.t29"]) as monitor:
        monitor.feed(hazard)
        assert monitor.feed(event("S1", "AWB", "hazard_supervised", "2022-09-02T10:00", target_id="QY",
                                  attributes={"hazard_id": "Z1"})) == []  # another of 10:00 may come first
        [supervised] = monitor.advance_to("2022-09-02T10:00")
        assert (supervised.step, supervised.status.value) == ("supervised", "satisfied")
        [rectified] = monitor.advance_to("2022-09-11")
        assert (rectified.step, rectified.status.value) == ("rectified", "violated")
        assert _statuses(monitor.pending()) == [("suspended", "open", "2022-09-14T00:00:00+08:00"),
                                                ("rectified_after_suspension", "open", "2022-10-14T00:00:00+08:00")]
        monitor.feed(event("P1", "QY", "production_suspended", "2022-09-12T08:00", attributes={"hazard_id": "Z1"}))
        [suspended] = monitor.advance_to("2022-09-12T08:00")
        assert (suspended.step, suspended.status.value, suspended.evidence) == ("suspended", "satisfied", ("H1", "P1"))


def test_a_step_event_of_no_open_chain_is_held_and_counts_for_a_chain_of_its_instant():
    with Monitor(units=ENTERPRISE, rules_only=LEDGER) as monitor:
        follower = monitor._followers[0]
        monitor.feed(_step("R1", "hazard_rectified", "2022-10-03T09:00"))  # no chain of Z1 yet: not sent
        assert list(follower.held) == ["Z1"] and follower.recent == {}
        monitor.feed(_hazard(at="2022-10-03T09:00"))  # the same instant: the rectification counts
        assert follower.held == {} and list(follower.recent) == ["R1"]
        [rectified] = monitor.advance_to("2022-10-03T09:00")
    assert (rectified.step, rectified.status.value, rectified.evidence) == ("rectified", "satisfied", ("H1", "R1"))


def test_an_event_recorded_before_its_chain_counts_when_the_chain_reaches_back():
    """A hazard recorded after its own deadline: the production stop is owed from the deadline, before the record."""
    units = [unit("QY", "enterprise", None, region="220521", tags="tailings_dam", name="某尾矿库")]
    events = [
        event("P1", "QY", "production_suspended", "2022-09-12T08:00", attributes={"hazard_id": "Z1"}),
        event("H1", "QY", "hazard_found", "2022-09-20T09:00", attributes={
            "hazard_id": "Z1", "grade": "major", "category": "tailings_dam", "deadline": "2022-09-10"}),
    ]
    with Monitor(units=units, rules_only=["tonghua-2022-10.t29"]) as monitor:
        given = monitor.feed(events[0]) + monitor.feed(events[1]) + monitor.advance_to("2022-09-21")
    reference = evaluate(units=units, events=events, as_of="2022-09-21", rules_only=["tonghua-2022-10.t29"])
    suspended = [f for f in reference.findings if f.step == "suspended"]
    assert [(f.status.value, f.evidence) for f in suspended] == [("satisfied", ("H1", "P1"))]
    assert [f for f in given if f.step == "suspended"] == suspended


# -- bans -------------------------------------------------------------------------------------------
BAN = ["national.principal-ban"]


def _dismissal(event_id="D1", at="2022-09-30T10:00", person="boss", **attributes):
    return event(event_id, "MINE", "sanction", at, actor_id=person, attributes={"sanction": "dismissal", **attributes})


def test_a_ban_breach_is_given_by_the_feed_that_brings_the_sanction():
    with Monitor(units=TERRITORY, people=PEOPLE, rules_only=BAN) as monitor:  # boss stays principal of MINE
        [breach] = monitor.feed(_dismissal())
    assert (breach.person_id, breach.status.value, breach.actual, breach.subject_id) == (
        "boss", "violated", "2022-09-30", "D1")
    assert breach.message == "矿长（boss）2022年9月30日起5年内不得担任主要负责人，但自2022年9月30日起在某铁矿任此职（未落实）。"


def test_a_later_appointment_is_a_breach_from_its_first_day_and_no_breach_is_satisfied_at_once():
    people = [{"person_id": "boss", "name": "矿长", "unit_id": "MINE", "role": "principal", "end": "2022-09-30"},
              {"person_id": "boss", "name": "矿长", "unit_id": "MINE2", "role": "principal", "start": "2023-05-01"},
              {"person_id": "clerk", "name": "会计", "unit_id": "MINE", "role": "member"}]
    with Monitor(units=TERRITORY, people=people, rules_only=BAN) as monitor:
        assert monitor.feed(_dismissal()) == []  # the tenure the dismissal ended is no breach
        assert [(f.status.value, f.person_id) for f in monitor.pending()] == [("satisfied", "boss")]
        [satisfied] = monitor.feed(_dismissal("D2", "2022-10-08T09:00", "clerk"))  # never a principal anywhere
        assert (satisfied.status.value, satisfied.person_id) == ("satisfied", "clerk")
        assert monitor.advance_to("2023-05-01") == []  # the day has not begun at 00:00
        [breach] = monitor.advance_to("2023-05-01T00:00:01")
        assert (breach.unit_id, breach.status.value, breach.actual) == ("MINE2", "violated", "2023-05-01")
        assert monitor.pending() == []


def test_a_lifetime_ban_waits_for_the_accident_it_names():
    rules = ["national.accident-grade", "national.principal-ban-lifetime"]
    with Monitor(units=TERRITORY, people=PEOPLE, rules_only=rules) as monitor:
        assert monitor.feed(_dismissal(accident_id="A1")) == []  # which accident? not known yet
        assert monitor.pending() == []
        found = monitor.feed(event("A1", "MINE", "accident", "2022-10-02T10:00",
                                   attributes={"deaths": 12, "industry": "mining"}))  # 重大: banned for life
    assert [(f.rule_id, f.status.value, f.actual) for f in found] == [
        ("national.principal-ban-lifetime", "violated", "2022-09-30")]


# -- decisions --------------------------------------------------------------------------------------
def test_an_accident_brings_its_decisions_at_once():
    rules = ["national.accident-grade", "tonghua-2022-10.t24-b"]
    with Monitor(units=TERRITORY, people=PEOPLE, rules_only=rules) as monitor:
        assert monitor.decision_changes() == []
        monitor.feed(event("A1", "MINE", "accident", "2022-08-01T10:00",
                           attributes={"deaths": 3, "industry": "mining"}))
        changes = monitor.decision_changes()
        assert [(d.unit_id, d.ladder, d.level_name) for d in changes] == [
            ("DEP", "departmental", "追究监管责任"), ("GOV", "territorial", "一票否优"), ("PC", "territorial", "一票否优")]
        assert changes[1].because == (
            {"event": "A1", "type": "accident", "unit_id": "MINE", "sanction": "tonghua-2022-10.t24-b"},
            {"incident": "A1", "rule_id": "national.accident-grade", "unit_id": "MINE", "grade": "larger",
             "sanction": "tonghua-2022-10.t24-b"})
        assert monitor.decision_changes() == []  # given once
        assert monitor.decisions() == changes


def test_a_decision_on_an_event_changes_when_the_accident_it_names_arrives():
    rules = ["national.accident-grade", "tonghua-2022-10.t61-c"]  # 瞒报: the unit under listed supervision
    concealed = event("C1", "MINE", "accident_concealment_found", "2022-06-01T10:00", attributes={"accident_id": "A1"})
    with Monitor(units=TERRITORY, people=PEOPLE, rules_only=rules) as monitor:
        monitor.feed(concealed)
        [first] = monitor.decision_changes()  # its day has begun: decided at once, as far as is known
        assert (first.unit_id, first.level_name, first.because) == ("MINE", "挂牌督办", ({
            "event": "C1", "type": "accident_concealment_found", "unit_id": "MINE", "sanction": "tonghua-2022-10.t61-c"},))
        monitor.feed(event("A1", "MINE", "accident", "2022-06-05T08:00", attributes={"deaths": 1}))
        [updated] = monitor.decision_changes()  # the accident it names is known now: the incident joins the causes
        assert updated.because[1] == {"incident": "A1", "rule_id": "national.accident-grade", "unit_id": "MINE",
                                      "grade": "general", "sanction": "tonghua-2022-10.t61-c"}
        assert monitor.decisions() == [updated]


def test_a_decision_follows_the_finding_it_counts_and_is_withdrawn_when_that_turns_late():
    """policy-warning: a violated task in a year brings 警示提醒; t06's duty list done late is no longer violated."""
    rules = ["tonghua-2022-10.t06", "tonghua-2022-10.policy-warning"]
    with Monitor(units=[unit("PC", region="220521", name="通化县委")], rules_only=rules) as monitor:
        monitor.advance_to("2022-09-30T12:00")
        assert monitor.decision_changes() == []
        [violated] = monitor.advance_to("2022-10-01")
        [warning] = monitor.decision_changes()
        assert (warning.unit_id, warning.level_name, warning.year) == ("PC", "警示提醒", 2022)
        assert warning.because[0]["finding"] == "tonghua-2022-10.t06" and warning.because[0]["status"] == "violated"
        monitor.feed(event("M1", "PC", "mechanism_established", "2022-10-20T10:00",
                           attributes={"mechanism": "duty_list"}))
        [late] = monitor.advance_to("2022-10-20T10:00")
        assert late.status.value == "late"
        assert monitor.decision_changes() == [
            DecisionWithdrawn(unit_id="PC", person_id=None, year=2022, ladder="territorial")]
        assert monitor.decisions() == []


def test_decision_changes_with_pending_count_what_is_not_decided_yet():
    """t29: never rectified, never stopped. 移送司法 follows the second chance, which runs from the stop (still
    missing, it may come late): pending. Only pending=True counts it, as decisions() and the reference do."""
    units = [unit("QY", "enterprise", None, region="220521", tags="tailings_dam", name="某尾矿库")]
    people = [{"person_id": "boss", "name": "矿长", "unit_id": "QY", "role": "principal"}]
    hazard = event("H1", "QY", "hazard_found", "2022-09-01T09:00", attributes={
        "hazard_id": "Z1", "grade": "major", "category": "tailings_dam", "deadline": "2022-09-10"})
    rules = ["tonghua-2022-10.t29", "tonghua-2022-10.t29-sanction", "tonghua-2022-10.t29-referral"]
    with Monitor(units=units, people=people, rules_only=rules) as monitor:
        monitor.feed(hazard)
        given = monitor.advance_to("2022-11-01")
        assert [(f.step, f.status.value) for f in given] == [
            ("supervised", "violated"), ("rectified", "violated"), ("suspended", "violated")]
        assert [(f.step, f.status.value) for f in monitor.pending()] == [
            ("rectified_after_suspension", "violated"), ("referred", "violated")]
        [stop] = monitor.decision_changes()
        assert (stop.unit_id, stop.person_id, stop.level_name) == ("QY", None, "停产停业整顿")
        counted = monitor.decision_changes(pending=True)
        assert [(d.unit_id, d.person_id, d.level_name) for d in counted] == [
            ("QY", None, "移送司法"), ("QY", "boss", "移送司法")]
        reference = evaluate(units=units, people=people, events=[hazard], as_of="2022-11-01", rules_only=rules)
        assert monitor.decisions() == counted == list(reference.decisions)
        unit_back, person_out = monitor.decision_changes()  # the decided findings alone again
        assert (unit_back, person_out) == (stop, DecisionWithdrawn(unit_id="QY", person_id="boss", year=2022,
                                                                   ladder="person"))


# -- responses --------------------------------------------------------------------------------------
def test_a_report_dated_by_the_day_is_beaten_by_one_timed_earlier_that_day():
    """The reference's answer is the response done first: a bare date counts as done at the end of its day."""
    units = [*TERRITORY]
    accident = event("A1", "MINE", "accident", "2022-08-01T09:00", attributes={"industry": "mining"})
    by_day = event("R1", "MINE", "accident_reported", "2022-08-01", target_id="DEP", attributes={"accident_id": "A1"})
    timed = event("R2", "MINE", "accident_reported", "2022-08-01T09:30", target_id="DEP",
                  attributes={"accident_id": "A1"})
    with Monitor(units=units, rules_only=["national.report-1h"]) as monitor:
        assert monitor.feed(by_day) == [] and monitor.feed(accident) == []
        [pending] = monitor.pending()
        assert (pending.status.value, pending.evidence) == ("late", ("A1", "R1"))  # 24:00 is past the hour
        [answered] = monitor.feed(timed) + monitor.advance_to("2022-08-01T09:30")
    assert (answered.status.value, answered.evidence) == ("satisfied", ("A1", "R2"))
