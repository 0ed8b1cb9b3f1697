"""Tests for compliance.periods: calendar periods in Shanghai time."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.periods import Period, PeriodError, PeriodKind
from compliance.timeline import SHANGHAI, Instant, due_instant, parse_instant

UTC = timezone.utc
OFFSETS = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
AWARE_DATETIMES = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31, 23, 59, 59), timezones=OFFSETS
)
DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
KINDS = st.sampled_from(list(PeriodKind))


def period(kind: PeriodKind, start: str, end: str) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end), kind)


# --- kinds --------------------------------------------------------------------------------


def test_kind_values_and_chinese_names():
    assert [(kind.value, kind.chinese) for kind in PeriodKind] == [
        ("year", "年"),
        ("half_year", "半年"),
        ("quarter", "季度"),
        ("two_months", "两个月"),
        ("month", "月"),
        ("half_month", "半月"),
        ("week", "周"),
        ("day", "日"),
    ]
    assert PeriodKind("two_months") is PeriodKind.TWO_MONTHS
    assert PeriodKind.QUARTER == "quarter"


# --- the required boundaries -----------------------------------------------------------


def test_last_second_of_september_is_in_q3():
    moment = datetime(2022, 9, 30, 23, 59, 59, tzinfo=timezone(timedelta(hours=8)))
    assert Period.containing(PeriodKind.QUARTER, moment).label == "2022-Q3"
    assert Period.containing(PeriodKind.QUARTER, parse_instant("2022-09-30T23:59:59+08:00")).label == "2022-Q3"


def test_utc_afternoon_of_september_30_is_in_q4():
    moment = datetime(2022, 9, 30, 16, 30, tzinfo=UTC)
    assert Period.containing(PeriodKind.QUARTER, moment).label == "2022-Q4"
    assert Period.containing(PeriodKind.QUARTER, parse_instant("2022-09-30T16:30:00Z")).label == "2022-Q4"
    assert Period.containing(PeriodKind.DAY, moment).label == "2022-10-01"


def test_naive_timestamp_is_shanghai_time():
    assert Period.containing(PeriodKind.DAY, datetime(2022, 9, 30, 23, 30)).label == "2022-09-30"
    assert Period.containing(PeriodKind.QUARTER, datetime(2022, 9, 30, 23, 30)).label == "2022-Q3"
    assert datetime(2022, 9, 30, 23, 30) in Period.parse("2022-09-30")
    # The same wall clock in UTC is the next Shanghai day.
    assert datetime(2022, 9, 30, 23, 30, tzinfo=UTC) in Period.parse("2022-10-01")


def test_by_end_of_quarter_boundary():
    q3 = Period.parse("2022-Q3")
    due = due_instant(q3.end)
    assert q3.end_instant == due == datetime(2022, 10, 1, tzinfo=SHANGHAI)
    assert parse_instant("2022-09-30T23:59:59").at <= due
    assert parse_instant("2022-10-01T00:00:00").at <= due
    assert parse_instant("2022-10-01T00:00:01").at > due


# --- each kind: bounds, labels, Chinese ---------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "kind", "start", "end", "chinese"),
    [
        ("2022", PeriodKind.YEAR, "2022-01-01", "2022-12-31", "2022年"),
        ("2022-H1", PeriodKind.HALF_YEAR, "2022-01-01", "2022-06-30", "2022年上半年"),
        ("2022-H2", PeriodKind.HALF_YEAR, "2022-07-01", "2022-12-31", "2022年下半年"),
        ("2022-Q1", PeriodKind.QUARTER, "2022-01-01", "2022-03-31", "2022年第一季度"),
        ("2022-Q2", PeriodKind.QUARTER, "2022-04-01", "2022-06-30", "2022年第二季度"),
        ("2022-Q3", PeriodKind.QUARTER, "2022-07-01", "2022-09-30", "2022年第三季度"),
        ("2022-Q4", PeriodKind.QUARTER, "2022-10-01", "2022-12-31", "2022年第四季度"),
        ("2022-B1", PeriodKind.TWO_MONTHS, "2022-01-01", "2022-02-28", "2022年1-2月"),
        ("2022-B2", PeriodKind.TWO_MONTHS, "2022-03-01", "2022-04-30", "2022年3-4月"),
        ("2022-B3", PeriodKind.TWO_MONTHS, "2022-05-01", "2022-06-30", "2022年5-6月"),
        ("2022-B4", PeriodKind.TWO_MONTHS, "2022-07-01", "2022-08-31", "2022年7-8月"),
        ("2022-B5", PeriodKind.TWO_MONTHS, "2022-09-01", "2022-10-31", "2022年9-10月"),
        ("2022-B6", PeriodKind.TWO_MONTHS, "2022-11-01", "2022-12-31", "2022年11-12月"),
        ("2024-B1", PeriodKind.TWO_MONTHS, "2024-01-01", "2024-02-29", "2024年1-2月"),
        ("2022-09", PeriodKind.MONTH, "2022-09-01", "2022-09-30", "2022年9月"),
        ("2022-12", PeriodKind.MONTH, "2022-12-01", "2022-12-31", "2022年12月"),
        ("2022-09-H1", PeriodKind.HALF_MONTH, "2022-09-01", "2022-09-15", "2022年9月上半月"),
        ("2022-09-H2", PeriodKind.HALF_MONTH, "2022-09-16", "2022-09-30", "2022年9月下半月"),
        ("2022-10-H2", PeriodKind.HALF_MONTH, "2022-10-16", "2022-10-31", "2022年10月下半月"),
        ("2023-02-H2", PeriodKind.HALF_MONTH, "2023-02-16", "2023-02-28", "2023年2月下半月"),
        ("2024-02-H2", PeriodKind.HALF_MONTH, "2024-02-16", "2024-02-29", "2024年2月下半月"),
        ("2022-W39", PeriodKind.WEEK, "2022-09-26", "2022-10-02", "2022年第39周"),
        ("2022-W01", PeriodKind.WEEK, "2022-01-03", "2022-01-09", "2022年第1周"),
        ("2020-W53", PeriodKind.WEEK, "2020-12-28", "2021-01-03", "2020年第53周"),
        ("2022-09-30", PeriodKind.DAY, "2022-09-30", "2022-09-30", "2022年9月30日"),
    ],
)
def test_period_label_bounds_and_chinese(label, kind, start, end, chinese):
    expected = period(kind, start, end)
    assert Period.parse(label) == expected
    assert expected.label == label
    assert str(expected) == label
    assert expected.chinese == chinese
    assert Period.containing(kind, date.fromisoformat(start)) == expected
    assert Period.containing(kind, date.fromisoformat(end)) == expected


def test_two_month_periods_cover_the_year_in_order():
    periods = list(Period.between(PeriodKind.TWO_MONTHS, date(2022, 1, 1), date(2022, 12, 31)))
    assert [(p.label, p.start, p.end) for p in periods] == [
        ("2022-B1", date(2022, 1, 1), date(2022, 2, 28)),
        ("2022-B2", date(2022, 3, 1), date(2022, 4, 30)),
        ("2022-B3", date(2022, 5, 1), date(2022, 6, 30)),
        ("2022-B4", date(2022, 7, 1), date(2022, 8, 31)),
        ("2022-B5", date(2022, 9, 1), date(2022, 10, 31)),
        ("2022-B6", date(2022, 11, 1), date(2022, 12, 31)),
    ]


# --- half months ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "label"),
    [
        ("2022-09-01", "2022-09-H1"),
        ("2022-09-15", "2022-09-H1"),
        ("2022-09-16", "2022-09-H2"),
        ("2022-09-30", "2022-09-H2"),
        ("2022-01-31", "2022-01-H2"),
        ("2023-02-15", "2023-02-H1"),
        ("2023-02-16", "2023-02-H2"),
        ("2023-02-28", "2023-02-H2"),
        ("2024-02-15", "2024-02-H1"),
        ("2024-02-16", "2024-02-H2"),
        ("2024-02-29", "2024-02-H2"),
    ],
)
def test_half_months_split_at_the_15th(day, label):
    assert Period.containing(PeriodKind.HALF_MONTH, date.fromisoformat(day)).label == label


def test_half_month_lengths():
    assert [p.days for p in Period.between(PeriodKind.HALF_MONTH, date(2024, 2, 1), date(2024, 2, 29))] == [15, 14]
    assert [p.days for p in Period.between(PeriodKind.HALF_MONTH, date(2023, 2, 1), date(2023, 2, 28))] == [15, 13]
    assert Period.parse("2022-04-H2").days == 15
    assert Period.parse("2022-05-H2").days == 16


def test_half_month_boundary_between_15th_and_16th_in_shanghai_time():
    assert datetime(2022, 9, 15, 23, 59, 59) in Period.parse("2022-09-H1")
    assert datetime(2022, 9, 15, 16, 0, tzinfo=UTC) in Period.parse("2022-09-H2")  # 16th 00:00 Shanghai


# --- ISO weeks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "label"),
    [
        ("2020-12-31", "2020-W53"),
        ("2021-01-01", "2020-W53"),
        ("2021-01-03", "2020-W53"),
        ("2021-01-04", "2021-W01"),
        ("2019-12-30", "2020-W01"),
        ("2022-01-01", "2021-W52"),
        ("2022-01-02", "2021-W52"),
        ("2022-01-03", "2022-W01"),
        ("2026-01-01", "2026-W01"),
        ("2025-12-29", "2026-W01"),
    ],
)
def test_iso_week_across_the_year_boundary(day, label):
    week = Period.containing(PeriodKind.WEEK, date.fromisoformat(day))
    assert week.label == label
    assert week.start.weekday() == 0
    assert week.days == 7


def test_iso_week_that_does_not_exist():
    with pytest.raises(PeriodError, match="ISO year 2021 has no week 53"):
        Period.parse("2021-W53")
    with pytest.raises(PeriodError, match="no week 0"):
        Period.parse("2022-W00")


# --- leap days -----------------------------------------------------------------------------------


def test_leap_day_in_every_kind():
    leap_day = date(2024, 2, 29)
    assert [Period.containing(kind, leap_day).label for kind in PeriodKind] == [
        "2024",
        "2024-H1",
        "2024-Q1",
        "2024-B1",
        "2024-02",
        "2024-02-H2",
        "2024-W09",
        "2024-02-29",
    ]
    assert Period.parse("2024").days == 366
    assert Period.parse("2023").days == 365
    assert Period.parse("2024-Q1").days == 91
    assert Period.parse("2023-Q1").days == 90
    assert Period.parse("2024-02").end == leap_day
    assert Period.parse("2024-02-29").next().label == "2024-03-01"


def test_leap_day_that_does_not_exist():
    with pytest.raises(PeriodError, match="2023-02-29"):
        Period.parse("2023-02-29")


# --- between -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "count", "first_label", "last_label"),
    [
        (PeriodKind.YEAR, 2, "2022", "2023"),
        (PeriodKind.HALF_YEAR, 2, "2022-H2", "2023-H1"),
        (PeriodKind.QUARTER, 3, "2022-Q3", "2023-Q1"),
        (PeriodKind.TWO_MONTHS, 5, "2022-B4", "2023-B2"),
        (PeriodKind.MONTH, 9, "2022-07", "2023-03"),
        (PeriodKind.HALF_MONTH, 18, "2022-07-H1", "2023-03-H2"),
        (PeriodKind.WEEK, 40, "2022-W26", "2023-W13"),
        (PeriodKind.DAY, 274, "2022-07-01", "2023-03-31"),
    ],
)
def test_between_tiles_the_range(kind, count, first_label, last_label):
    first, last = date(2022, 7, 1), date(2023, 3, 31)
    periods = list(Period.between(kind, first, last))
    assert len(periods) == count
    assert periods[0].label == first_label
    assert periods[-1].label == last_label
    assert periods[0].start <= first <= periods[0].end
    assert periods[-1].start <= last <= periods[-1].end
    for before, after in zip(periods, periods[1:]):
        assert after.start == before.end + timedelta(days=1)
        assert before.next() == after
    assert all(p.kind is kind for p in periods)
    assert sum(p.overlap_days(first, last) for p in periods) == (last - first).days + 1


def test_between_is_empty_when_last_is_before_first():
    assert list(Period.between(PeriodKind.MONTH, date(2022, 9, 30), date(2022, 9, 29))) == []


def test_between_a_single_day():
    assert list(Period.between(PeriodKind.QUARTER, date(2022, 9, 30), date(2022, 9, 30))) == [Period.parse("2022-Q3")]


def test_between_accepts_a_kind_name():
    assert [p.label for p in Period.between("half_year", date(2022, 6, 30), date(2022, 7, 1))] == ["2022-H1", "2022-H2"]


def test_unknown_kind_is_refused():
    with pytest.raises(PeriodError, match="unknown period kind 'fortnight'"):
        Period.containing("fortnight", date(2022, 9, 30))
    with pytest.raises(PeriodError, match="unknown period kind"):
        Period.between("fortnight", date(2022, 9, 30), date(2022, 10, 30))


# --- overlap, containment, instants -----------------------------------------------------------------


def test_overlap_days():
    q3 = Period.parse("2022-Q3")
    assert q3.overlap_days(date(2022, 1, 1), date(2022, 12, 31)) == 92
    assert q3.overlap_days(date(2022, 9, 1), date(2022, 12, 31)) == 30
    assert q3.overlap_days(date(2022, 9, 30), date(2022, 9, 30)) == 1
    assert q3.overlap_days(date(2022, 10, 1), date(2022, 12, 31)) == 0
    assert q3.overlap_days(date(2022, 8, 1), date(2022, 7, 1)) == 0


def test_contains_dates_datetimes_and_instants():
    q3 = Period.parse("2022-Q3")
    assert date(2022, 7, 1) in q3
    assert date(2022, 6, 30) not in q3
    assert datetime(2022, 9, 30, 23, 59, 59) in q3
    assert datetime(2022, 10, 1, 0, 0) not in q3
    assert datetime(2022, 9, 30, 15, 59, 59, tzinfo=UTC) in q3
    assert datetime(2022, 9, 30, 16, 0, tzinfo=UTC) not in q3
    assert parse_instant("2022-09-30") in q3  # a whole day counts by its day, not by its 24:00 end
    assert parse_instant("2022-10-01") not in q3
    assert parse_instant("2022-09-30T16:30:00Z") not in q3


def test_contains_refuses_other_types():
    with pytest.raises(TypeError):
        "2022-09-30" in Period.parse("2022-Q3")  # noqa: B015


def test_start_and_end_instants():
    month = Period.parse("2024-02")
    assert month.start_instant == datetime(2024, 2, 1, tzinfo=SHANGHAI)
    assert month.end_instant == datetime(2024, 3, 1, tzinfo=SHANGHAI)
    assert month.end_instant == due_instant(month.end)
    assert month.start_instant.isoformat() == "2024-02-01T00:00:00+08:00"
    assert month.end_instant - month.start_instant == timedelta(days=29)


def test_containing_accepts_date_only_instant():
    assert Period.containing(PeriodKind.MONTH, Instant.of_day(date(2022, 9, 30))).label == "2022-09"


def test_containing_refuses_other_types():
    with pytest.raises(TypeError):
        Period.containing(PeriodKind.MONTH, "2022-09-30")


# --- neighbours -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "following"),
    [
        ("2022", "2023"),
        ("2022-H2", "2023-H1"),
        ("2022-Q4", "2023-Q1"),
        ("2022-B6", "2023-B1"),
        ("2022-12", "2023-01"),
        ("2022-12-H2", "2023-01-H1"),
        ("2024-02-H1", "2024-02-H2"),
        ("2020-W53", "2021-W01"),
        ("2021-W52", "2022-W01"),
        ("2022-12-31", "2023-01-01"),
    ],
)
def test_next_and_previous(label, following):
    assert Period.parse(label).next() == Period.parse(following)
    assert Period.parse(following).previous() == Period.parse(label)


# --- validation, parsing errors, value semantics -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        (PeriodKind.QUARTER, "2022-07-02", "2022-09-30"),
        (PeriodKind.QUARTER, "2022-07-01", "2022-09-29"),
        (PeriodKind.MONTH, "2022-09-01", "2022-10-01"),
        (PeriodKind.HALF_MONTH, "2022-09-01", "2022-09-16"),
        (PeriodKind.HALF_MONTH, "2023-02-16", "2023-02-27"),
        (PeriodKind.WEEK, "2022-09-27", "2022-10-03"),
        (PeriodKind.TWO_MONTHS, "2022-02-01", "2022-03-31"),
        (PeriodKind.DAY, "2022-09-30", "2022-10-01"),
        (PeriodKind.YEAR, "2022-01-01", "2022-12-30"),
    ],
)
def test_constructor_refuses_non_periods(kind, start, end):
    with pytest.raises(PeriodError, match="is not a"):
        period(kind, start, end)


def test_constructor_refuses_datetimes_and_unknown_kinds():
    with pytest.raises(PeriodError, match="must be a date"):
        Period(datetime(2022, 9, 30), date(2022, 9, 30), PeriodKind.DAY)
    with pytest.raises(PeriodError, match="unknown period kind"):
        Period(date(2022, 9, 30), date(2022, 9, 30), "fortnight")  # type: ignore[arg-type]


def test_constructor_accepts_kind_names():
    assert Period(date(2022, 9, 30), date(2022, 9, 30), "day").kind is PeriodKind.DAY  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "label",
    ["", "22-Q3", "2022-Q0", "2022-Q5", "2022-H3", "2022-B7", "2022-B0", "2022-13", "2022-00", "2022-9",
     "2022-09-H3", "2022-09-31", "2022-W54", "2022-w39", "2022Q3", "Q3 2022", "2022-Q3-1", "0000"],
)
def test_parse_refuses_bad_labels(label):
    with pytest.raises(PeriodError) as caught:
        Period.parse(label)
    message = str(caught.value)
    assert f"'{label}'" in message
    assert "2022, 2022-H2, 2022-Q3, 2022-B5, 2022-09, 2022-09-H1, 2022-W39 or 2022-09-30" in message


def test_parse_strips_whitespace():
    assert Period.parse(" 2022-Q3\n") == Period.parse("2022-Q3")


def test_period_error_is_a_value_error():
    assert issubclass(PeriodError, ValueError)


def test_periods_are_frozen_hashable_and_ordered():
    q3 = Period.parse("2022-Q3")
    with pytest.raises(dataclasses.FrozenInstanceError):
        q3.start = date(2022, 7, 2)  # type: ignore[misc]
    assert {q3, Period.parse("2022-Q3"), Period.parse("2022-07")} == {q3, Period.parse("2022-07")}
    mixed = [Period.parse(label) for label in ("2022-Q3", "2022-07", "2022", "2022-07-01", "2022-H2")]
    assert [p.label for p in sorted(mixed)] == ["2022", "2022-07-01", "2022-07", "2022-Q3", "2022-H2"]
    assert repr(q3) == "Period.parse('2022-Q3')"


# --- properties ----------------------------------------------------------------------------------------------


@settings(deadline=None)
@given(AWARE_DATETIMES, OFFSETS)
def test_containing_period_holds_the_shanghai_date_in_any_offset(moment, other_offset):
    shanghai_day = moment.astimezone(SHANGHAI).date()
    elsewhere = moment.astimezone(other_offset)
    for kind in PeriodKind:
        containing = Period.containing(kind, moment)
        assert containing.kind is kind
        assert shanghai_day in containing
        assert moment in containing
        assert containing.start_instant <= moment < containing.end_instant
        assert Period.containing(kind, elsewhere) == containing
        assert Period.containing(kind, parse_instant(moment.isoformat())) == containing


@settings(deadline=None)
@given(DATES, KINDS)
def test_label_round_trip(day, kind):
    containing = Period.containing(kind, day)
    assert Period.parse(containing.label) == containing
    assert containing.start <= day <= containing.end


@settings(deadline=None)
@given(DATES, KINDS)
def test_next_previous_identity(day, kind):
    containing = Period.containing(kind, day)
    assert containing.next().previous() == containing
    assert containing.previous().next() == containing
    assert containing.next().start == containing.end + timedelta(days=1)
    assert containing.previous().end == containing.start - timedelta(days=1)


@settings(deadline=None)
@given(DATES, st.integers(min_value=0, max_value=400), KINDS)
def test_between_tiles_any_range(first, length, kind):
    last = first + timedelta(days=length)
    periods = list(Period.between(kind, first, last))
    assert periods[0].start <= first <= periods[0].end
    assert periods[-1].start <= last <= periods[-1].end
    for before, after in zip(periods, periods[1:]):
        assert after.start == before.end + timedelta(days=1)
    assert sum(p.overlap_days(first, last) for p in periods) == length + 1
