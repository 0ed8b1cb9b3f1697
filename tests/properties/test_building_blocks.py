"""Properties of the building blocks, each against an oracle written here on its own: periods tile the
calendar, "by <date>" ends at 24:00 of the date, ratios are checked in whole numbers, response limits in
hours run between instants and limits in days count calendar days, accident grades follow 国务院令第493号
第三条 (以上 includes the number, 以下 excludes it)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from textwrap import dedent

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from compliance.testing import (
    Export,
    check_period_partition,
    instants,
    periods,
    timestamps,
)
from compliance.testing._strategies import loaded_packs
from compliance.timeline import parse_instant
from tests.conftest import PACK_HEADER

UTC8 = timezone(timedelta(hours=8))
KINDS = st.sampled_from(["year", "half_year", "quarter", "two_months", "month", "half_month", "week", "day"])
DAYS = st.dates(date(2020, 1, 1), date(2025, 12, 31))
PC = {"unit_id": "PC", "name": "某县委", "kind": "party_committee", "level": "county"}
DEPARTMENT = {"unit_id": "YJ", "name": "某县应急管理局", "kind": "department", "level": "county"}


def _end_of(day: date) -> datetime:
    """24:00 of ``day`` in Shanghai: the oracle of "by <day>" (CONTRACT.md)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC8) + timedelta(days=1)


@pytest.fixture(scope="module")
def demo_pack(tmp_path_factory):
    """A pack whose rules are the building blocks: a deadline, a ratio, responses in hours and in days."""
    path = tmp_path_factory.mktemp("packs") / "blocks.yaml"
    path.write_text(PACK_HEADER + dedent("""\
      - id: demo.deadline
        title: 建立职责清单
        citation: {article: 一, text: 2022年9月底前建立职责清单}
        applies_to: {kind: party_committee}
        in_force: {from: "2022-01-01"}
        obligation:
          kind: deadline
          event: {type: mechanism_established}
          due: "2022-09-30"
      - id: demo.hours
        title: 报告
        citation: {article: 二, text: 1小时内报告}
        applies_to: {kind: party_committee}
        in_force: {from: "2022-01-01"}
        obligation:
          kind: response
          trigger: {type: accident}
          response: {type: accident_reported}
          correlate: {accident_id: event_id}
          within: PT1H
      - id: demo.days
        title: 抄报纪要
        citation: {article: 三, text: 会后15日内抄报}
        applies_to: {kind: party_committee}
        in_force: {from: "2022-01-01"}
        obligation:
          kind: response
          trigger: {type: standing_committee_safety_meeting}
          response: {type: minutes_forwarded}
          correlate: {meeting_id: event_id}
          within: P15D
    """), encoding="utf-8")
    return path


# -- periods -----------------------------------------------------------------------------------
@given(KINDS, DAYS, st.integers(0, 800), st.lists(instants(date(2019, 12, 1), date(2028, 1, 31)), max_size=5))
@example("quarter", date(2022, 7, 1), 92, [parse_instant("2022-09-30T16:30:00Z")])  # Q4 in Shanghai
@example("week", date(2020, 12, 28), 7, [parse_instant("2021-01-03")])  # 2020-W53
def test_periods_tile_a_range_and_every_instant_is_in_one_period(kind, first, length, moments):
    check_period_partition(kind, first, first + timedelta(days=length), moments)


@given(periods())
def test_a_period_runs_from_its_first_instant_to_24_00_of_its_last_day(period):
    assert period.start_instant == datetime(period.start.year, period.start.month, period.start.day, tzinfo=UTC8)
    assert period.end_instant == _end_of(period.end)
    assert period.next().start_instant == period.end_instant


@given(timestamps())
def test_every_written_instant_is_read_in_shanghai_time(text):
    instant = parse_instant(text)
    assert instant.at.utcoffset() == timedelta(hours=8)
    assert instant.latest - instant.earliest == (timedelta(days=1) if instant.date_only else timedelta(0))


# -- deadlines -----------------------------------------------------------------------------------
def _deadline(pack, events, as_of):
    export = Export(units=(PC,), events=tuple(events))
    result = export.evaluate(rules=[pack], as_of=as_of, rules_only=["demo.deadline"])
    assert result.rejections == ()
    return result.findings[0].status.value


@given(timestamps(date(2022, 9, 20), date(2022, 10, 10)))
@example("2022-10-01T00:00:00+08:00")  # exactly 24:00 of the due date: on time
@example("2022-09-30T16:00:00.000001Z")  # a microsecond later: late
@example("2022-09-30")  # a bare date of the due day: done by its end, on time
@example("2022年10月1日")  # a bare date of the next day: late
def test_by_a_date_means_up_to_24_00_of_that_date(demo_pack, written):
    done = parse_instant(written).latest
    status = _deadline(demo_pack, [{"event_id": "E1", "unit_id": "PC", "type": "mechanism_established",
                                    "occurred_at": written}], as_of="2022-12-01")
    assert status == ("satisfied" if done <= _end_of(date(2022, 9, 30)) else "late")


@given(st.datetimes(datetime(2022, 9, 29), datetime(2022, 10, 3)))
@example(datetime(2022, 10, 1))  # the due instant itself: nothing done by then is violated
@example(datetime(2022, 9, 30, 23, 59, 59, 999999))
def test_a_deadline_is_violated_from_its_due_instant_on_and_open_before(demo_pack, as_of):
    status = _deadline(demo_pack, [], as_of=as_of)
    assert status == ("violated" if as_of.replace(tzinfo=UTC8) >= _end_of(date(2022, 9, 30)) else "open")


# -- ratios --------------------------------------------------------------------------------------
@given(officers=st.integers(0, 60), vehicles=st.integers(0, 15))
@example(officers=10, vehicles=2)  # 2 × 5 = 10 ≥ 10: satisfied
@example(officers=11, vehicles=2)  # 10 < 11: violated, 3 expected
def test_the_vehicle_ratio_is_checked_in_whole_numbers(officers, vehicles):
    export = Export(units=(DEPARTMENT,), measures=(
        {"unit_id": "YJ", "metric": "enforcement_officers", "value": officers, "as_of": "2022-11-01"},
        {"unit_id": "YJ", "metric": "enforcement_vehicles", "value": vehicles, "as_of": "2022-11-01"},
    ))
    found = export.evaluate(as_of="2023-01-01", rules_only=["tonghua-2022-10.t56"]).findings
    assert [(f.status.value, f.expected, f.actual) for f in found] == [
        ("satisfied" if vehicles * 5 >= officers else "violated", -(-officers // 5), vehicles)]


# -- response limits -------------------------------------------------------------------------------
@given(timestamps(date(2022, 9, 1), date(2022, 9, 2), bare_dates=False),
       st.timedeltas(timedelta(0), timedelta(hours=3)))
@example("2022-09-01T10:00:00+08:00", timedelta(hours=1))  # exactly the limit: on time
@example("2022-09-01T10:00:00+08:00", timedelta(hours=1, microseconds=1))
def test_a_limit_in_hours_runs_between_the_two_instants(demo_pack, trigger, delay):
    start = parse_instant(trigger).at
    export = Export(units=(PC,), events=(
        {"event_id": "A1", "unit_id": "PC", "type": "accident", "occurred_at": trigger},
        {"event_id": "R1", "unit_id": "PC", "type": "accident_reported", "occurred_at": (start + delay).isoformat(),
         "attributes": {"accident_id": "A1"}},
    ))
    found = export.evaluate(rules=[demo_pack], as_of="2022-12-01", rules_only=["demo.hours"]).findings
    assert [f.status.value for f in found] == ["satisfied" if delay <= timedelta(hours=1) else "late"]


@given(timestamps(date(2022, 8, 1), date(2022, 8, 1)), st.integers(0, 20), st.booleans())
@example("2022-08-01T23:59:59+08:00", 15, True)  # due by 24:00 on 16 August, whatever the meeting's hour
@example("2022-08-01T00:00:00+08:00", 16, True)
def test_a_limit_in_days_counts_calendar_days_after_the_trigger_day(demo_pack, meeting, days, bare):
    minutes_day = date(2022, 8, 1) + timedelta(days=days)
    minutes = minutes_day.isoformat() if bare else f"{minutes_day.isoformat()}T23:59:59.999999+08:00"
    export = Export(units=(PC,), events=(
        {"event_id": "M1", "unit_id": "PC", "type": "standing_committee_safety_meeting", "occurred_at": meeting},
        {"event_id": "F1", "unit_id": "PC", "type": "minutes_forwarded", "occurred_at": minutes,
         "attributes": {"meeting_id": "M1"}},
    ))
    found = export.evaluate(rules=[demo_pack], as_of="2022-12-01", rules_only=["demo.days"]).findings
    assert [f.status.value for f in found] == ["satisfied" if days <= 15 else "late"]


# -- accident grades (国务院令第493号 第三条) -----------------------------------------------------------
def _grade(deaths: int, injuries: int, loss: int) -> str:
    """The oracle: 以上 includes the number; the highest grade any criterion reaches wins."""
    if deaths >= 30 or injuries >= 100 or loss >= 100_000_000:
        return "especially_major"
    if deaths >= 10 or injuries >= 50 or loss >= 50_000_000:
        return "major"
    if deaths >= 3 or injuries >= 10 or loss >= 10_000_000:
        return "larger"
    return "general"


def _near(*thresholds: int) -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(thresholds).flatmap(lambda n: st.sampled_from((n - 1, n, n + 1))),
                     st.integers(0, 2 * max(thresholds)))


GRADING = [rule for pack in loaded_packs() for rule in pack.rules if rule.kind == "grading"]


@pytest.mark.skipif(not GRADING, reason="no grading rule is shipped")
@given(_near(3, 10, 30), _near(10, 50, 100), _near(10_000_000, 50_000_000, 100_000_000))
@example(3, 0, 0)  # 3 deaths: 较大, not 一般
@example(2, 9, 9_999_999)  # just below every threshold: 一般
@example(0, 0, 10_000_000)  # exactly 1000万元: 较大
@example(29, 99, 99_999_999)  # just below 特别重大 on every criterion: 重大
def test_accident_grades_follow_their_thresholds(deaths, injuries, loss):
    export = Export(units=({"unit_id": "QY", "name": "某企业", "kind": "enterprise"},), events=(
        {"event_id": "A1", "unit_id": "QY", "type": "accident", "occurred_at": "2022-09-01T10:00",
         "attributes": {"deaths": deaths, "serious_injuries": injuries, "direct_loss_yuan": loss}},))
    result = export.evaluate(as_of="2022-12-01", rules_only=[rule.id for rule in GRADING])
    assert [incident.grade for incident in result.incidents] == [_grade(deaths, injuries, loss)]
