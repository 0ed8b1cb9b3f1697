"""Evaluator bugs the properties found, each pinned by its smallest example (fixed; the examples stay as guards).

Each was first pinned as a strict xfail; once it was fixed the marker came off, and the example
now guards against the bug coming back.
"""

from __future__ import annotations

from compliance.testing import Export, monotonicity

UNITS = (
    {"unit_id": "QY1", "name": "某企业", "kind": "enterprise", "region": "220521"},
    {"unit_id": "BM1", "name": "县应急管理局", "kind": "department", "level": "county", "region": "220521"},
)
ACCIDENT = {"event_id": "A1", "unit_id": "QY1", "type": "accident", "occurred_at": "2022-09-01T10:00:00+08:00"}
ON_TIME = {"event_id": "R1", "unit_id": "QY1", "type": "accident_reported",
           "occurred_at": "2022-09-01T10:30:00+08:00", "target_id": "BM1", "attributes": {"accident_id": "A1"}}
SAME_DAY_BARE_DATE = {"event_id": "R2", "unit_id": "QY1", "type": "accident_reported", "occurred_at": "2022-09-01",
                      "target_id": "BM1", "attributes": {"accident_id": "A1"}}

BARE_DATE_RESPONSE = (
    "bug: the evaluator answers a trigger with the correlated response that sorts first by instant; a bare-date "
    "response sorts at 00:00 of its day but counts as done at 24:00, so a second report dated only '2022-09-01' "
    "turns the on-time 10:30 report of a 10:00 accident (national.report-1h, PT1H) from satisfied into late"
)


def _report_1h(export):
    result = export.evaluate(as_of="2022-10-01", rules_only=["national.report-1h"])
    assert result.rejections == ()
    return [(f.status.value, f.evidence) for f in result.findings]


def test_an_on_time_report_within_the_hour_is_satisfied():
    assert _report_1h(Export(units=UNITS, events=(ACCIDENT, ON_TIME))) == [("satisfied", ("A1", "R1"))]


def test_a_bare_date_report_of_the_same_day_does_not_make_an_on_time_report_late():
    found = _report_1h(Export(units=UNITS, events=(ACCIDENT, ON_TIME, SAME_DAY_BARE_DATE)))
    assert found == [("satisfied", ("A1", "R1"))]  # was [("late", ("A1", "R2"))] before the fix


def test_monotonicity_of_report_1h_holds_on_the_smallest_example():
    export = Export(units=UNITS, events=(ACCIDENT, ON_TIME))
    monotonicity("national.report-1h", export, export.adding(SAME_DAY_BARE_DATE), as_of="2022-10-01")
