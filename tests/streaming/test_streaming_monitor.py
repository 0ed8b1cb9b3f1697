"""The monitor's library surface: what each call gives, and when."""

from __future__ import annotations

import pytest

pytest.importorskip("durable")

from compliance.streaming import Monitor
from tests.conftest import event, unit


def test_the_example_of_the_monitor_module():
    monitor = Monitor(units=[{"unit_id": "PC", "name": "某县委", "kind": "party_committee"}],
                      rules_only=["tonghua-2022-10.t02"])
    assert monitor.feed({"event_id": "e1", "unit_id": "PC", "type": "safety_study_session",
                         "occurred_at": "2022-08-01T09:00"}) == []
    [q3] = monitor.advance_to("2022-10-01")
    assert (q3.period, q3.status.value, q3.evidence) == ("2022-Q3", "satisfied", ("e1",))
    assert [(f.period, f.status.value) for f in monitor.pending()] == []  # Q4 has not begun at 00:00
    [q4] = monitor.advance_to("2023-01-01")
    assert (q4.period, q4.status.value, q4.message) == (
        "2022-Q4", "violated", "某县委2022年第四季度应至少1次党委理论学习中心组集中学习安全生产，实际0次（未落实）。")
    assert monitor.decision_changes() == []
    monitor.close()
    with Monitor(units=[{"unit_id": "PC", "name": "某县委", "kind": "party_committee"}],
                 rules_only=["tonghua-2022-10.t02", "tonghua-2022-10.policy-warning"]) as monitor:
        monitor.feed({"event_id": "e1", "unit_id": "PC", "type": "safety_study_session",
                      "occurred_at": "2022-08-01T09:00"})
        monitor.advance_to("2023-01-01")
        [warning] = monitor.decision_changes()
    assert (warning.unit_id, warning.year, warning.level_name) == ("PC", 2022, "警示提醒")


def test_pending_findings_stand_at_the_clock_and_are_not_given_early():
    with Monitor(units=[unit("PC")], rules_only=["tonghua-2022-10.t02"]) as monitor:
        # an event in November says September is over: Q3 is decided before the event is counted
        [q3] = monitor.feed(event("e1", "PC", "safety_study_session", "2022-11-01T09:00"))
        assert (q3.period, q3.status.value) == ("2022-Q3", "violated")
        assert [(f.period, f.status.value) for f in monitor.pending()] == [("2022-Q4", "satisfied")]
        assert [(f.period, f.status.value) for f in monitor.findings()] == [("2022-Q3", "violated"),
                                                                           ("2022-Q4", "satisfied")]


def test_keep_findings_false_keeps_only_what_is_still_open():
    with Monitor(units=[unit("PC")], rules_only=["tonghua-2022-10.t02"], keep_findings=False) as monitor:
        monitor.feed(event("e1", "PC", "safety_study_session", "2022-08-01T09:00"))
        assert [f.period for f in monitor.advance_to("2022-10-01T00:00:01")] == ["2022-Q3"]
        assert [(f.period, f.status.value) for f in monitor.findings()] == [("2022-Q4", "open")]


def test_a_response_limit_is_decided_when_it_passes_and_a_late_answer_replaces_it():
    units = [unit("QY", kind="enterprise", level=None, tags="crowded_place")]
    with Monitor(units=units, rules_only=["tonghua-2022-10.t30"]) as monitor:
        found = event("H1", "QY", "hazard_found", "2022-09-01T10:00",
                      attributes={"hazard_id": "Z1", "category": "blocked_exit"})
        assert monitor.feed(found) == []
        [violated] = monitor.advance_to("2022-09-02T10:00")  # the 24 hours have passed: decided at once
        assert (violated.status.value, violated.due) == ("violated", "2022-09-02T10:00:00+08:00")
        assert monitor.feed(event("R1", "QY", "rectification_ordered", "2022-09-02T12:00",
                                  attributes={"hazard_id": "Z1"})) == []  # another event of 12:00 may come
        [late] = monitor.advance_to("2022-09-02T12:00")
        assert (late.status.value, late.evidence, late.subject_id) == ("late", ("H1", "R1"), "Z1")
        assert [f.status.value for f in monitor.findings()] == ["late"]


def test_a_closed_monitor_refuses_to_go_on():
    from compliance.streaming import StreamingError

    monitor = Monitor(units=[unit("PC")], rules_only=["tonghua-2022-10.t02"])
    monitor.close()
    with pytest.raises(StreamingError, match="closed"):
        monitor.advance_to("2022-10-01")
