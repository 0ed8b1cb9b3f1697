"""Tests for compliance.timeline: reading instants, "by <date>", durations."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.timeline import (
    LONGEST_DURATION,
    SHANGHAI,
    Instant,
    InstantError,
    due_instant,
    format_duration,
    parse_date,
    parse_duration,
    parse_instant,
)

UTC = timezone.utc
OFFSETS = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
AWARE_DATETIMES = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31, 23, 59, 59), timezones=OFFSETS
)


def shanghai(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=SHANGHAI)


# --- the time zone ----------------------------------------------------------------


def test_shanghai_is_a_fixed_utc_plus_8_offset_without_dst():
    assert SHANGHAI.utcoffset(None) == timedelta(hours=8)
    assert SHANGHAI.tzname(None) == "Asia/Shanghai"
    # 1988 had DST in tzdb's Asia/Shanghai; the contract ignores it.
    assert shanghai(1988, 7, 1, 12).utcoffset() == timedelta(hours=8)
    assert shanghai(1988, 7, 1, 12).dst() is None


# --- parse_instant: accepted forms ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "date_only"),
    [
        ("2022-09-30", "2022-09-30", True),
        ("20220930", "2022-09-30", True),
        ("2022-09-30T14:00", "2022-09-30T14:00:00+08:00", False),
        ("2022-09-30 14:00:00", "2022-09-30T14:00:00+08:00", False),
        ("2022-09-30T14:00:00+08:00", "2022-09-30T14:00:00+08:00", False),
        ("2022-09-30T14:00:00+0800", "2022-09-30T14:00:00+08:00", False),
        ("2022-09-30T06:00:00Z", "2022-09-30T14:00:00+08:00", False),
        ("2022-09-30T16:30:00Z", "2022-10-01T00:30:00+08:00", False),
        ("2022-09-30T01:00:00-05:00", "2022-09-30T14:00:00+08:00", False),
        ("2022-09-30T14:00:00.5", "2022-09-30T14:00:00.500000+08:00", False),
        ("2022-09-30T06:00:00.123456Z", "2022-09-30T14:00:00.123456+08:00", False),
        ("2022/9/30", "2022-09-30", True),
        ("2022/09/30", "2022-09-30", True),
        ("2022/09/30 14:05", "2022-09-30T14:05:00+08:00", False),
        ("2022/9/30 14:05:09", "2022-09-30T14:05:09+08:00", False),
        ("2022.9.30", "2022-09-30", True),
        ("2022-9-30", "2022-09-30", True),
        ("2022年9月30日", "2022-09-30", True),
        ("2022年09月30日", "2022-09-30", True),
        ("2022年9月30日 14:05", "2022-09-30T14:05:00+08:00", False),
        ("2022年9月30日14时05分", "2022-09-30T14:05:00+08:00", False),
        ("2022年9月30日14时05分30秒", "2022-09-30T14:05:30+08:00", False),
        ("  2022-09-30T14:00  ", "2022-09-30T14:00:00+08:00", False),
        ("\t2022年9月30日\n", "2022-09-30", True),
    ],
)
def test_parse_instant_accepts(text, expected, date_only):
    instant = parse_instant(text)
    assert instant.isoformat() == expected
    assert instant.date_only is date_only
    assert instant.at.tzinfo is SHANGHAI


def test_naive_timestamp_is_shanghai_time():
    instant = parse_instant("2022-09-30T23:30:00")
    assert instant.at == datetime(2022, 9, 30, 15, 30, tzinfo=UTC)
    assert instant.day == date(2022, 9, 30)
    assert parse_instant(datetime(2022, 9, 30, 23, 30)) == instant


def test_aware_timestamp_is_converted_to_shanghai():
    instant = parse_instant(datetime(2022, 9, 30, 16, 30, tzinfo=UTC))
    assert instant.at == shanghai(2022, 10, 1, 0, 30)
    assert instant.at.tzinfo is SHANGHAI
    assert instant.day == date(2022, 10, 1)


def test_bare_date_object_is_the_whole_day():
    instant = parse_instant(date(2024, 2, 29))
    assert instant.date_only is True
    assert instant.earliest == shanghai(2024, 2, 29)
    assert instant.latest == shanghai(2024, 3, 1)
    assert instant.isoformat() == "2024-02-29"


def test_instant_is_returned_as_is():
    instant = parse_instant("2022-09-30")
    assert parse_instant(instant) is instant


def test_string_and_object_forms_agree():
    assert parse_instant("2022-09-30") == parse_instant(date(2022, 9, 30))
    assert parse_instant("2022年9月30日 14:05") == parse_instant(datetime(2022, 9, 30, 14, 5))
    assert parse_instant("2022-09-30T06:05:00Z") == parse_instant("2022/09/30 14:05")


# --- parse_instant: refusals ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("01/02/2022", "day-first and month-first dates are ambiguous; write the year first (2022-09-30)"),
        ("30.09.2022", "day-first and month-first dates are ambiguous; write the year first (2022-09-30)"),
        ("9/30/2022 14:00", "day-first and month-first dates are ambiguous; write the year first (2022-09-30)"),
        ("", "the text is empty"),
        ("   ", "the text is empty"),
        ("2022-02-30", "day is out of range for month"),
        ("2022-02-29", "day is out of range for month"),
        ("2022年2月30日", "day is out of range for month"),
        ("2022/13/01", "month must be in 1..12"),
        ("2022-09-30T25:00", "hour must be in 0..23"),
        ("2022-09-30T24:00", "24:00 is not a time of day; write 00:00 of the next day"),
        ("2022-09-30 24:00:00", "24:00 is not a time of day; write 00:00 of the next day"),
        ("2022-09-30T24:00:00+08:00", "24:00 is not a time of day; write 00:00 of the next day"),
        ("2022/9/30 24:00", "24:00 is not a time of day; write 00:00 of the next day"),
        ("2022年9月30日24时", "24:00 is not a time of day; write 00:00 of the next day"),
        ("2022-W39", "a week is a period, not a date; give the day"),
    ],
)
def test_parse_instant_refuses_with_reason(text, reason):
    with pytest.raises(InstantError) as caught:
        parse_instant(text)
    assert caught.value.value == text
    assert caught.value.reason == reason
    assert str(caught.value) == f"cannot read '{text}' as a date or time: {reason}"


@pytest.mark.parametrize(
    "text",
    ["2022", "2022-09", "hello", "2022-09-30x14:00", "2022/9/30 14:05 extra", "2022/9/3014:05", "2022-09-30T14:00+25:00"],
)
def test_parse_instant_refuses_other_text(text):
    with pytest.raises(InstantError) as caught:
        parse_instant(text)
    assert caught.value.value == text
    assert str(caught.value).startswith(f"cannot read '{text}' as a date or time: ")


@pytest.mark.parametrize("value", [None, 20220930, 1.5, b"2022-09-30"])
def test_parse_instant_refuses_other_types(value):
    with pytest.raises(InstantError) as caught:
        parse_instant(value)
    assert caught.value.value is value
    assert caught.value.reason.startswith("expected text, a date or a datetime")


def test_instant_error_is_a_value_error():
    assert issubclass(InstantError, ValueError)
    with pytest.raises(ValueError, match="as a date or time"):
        parse_instant("not a date")


# --- Instant ----------------------------------------------------------------------------


def test_instant_properties_of_a_timestamp():
    instant = parse_instant("2022-09-30T23:59:59")
    assert instant.day == date(2022, 9, 30)
    assert instant.earliest == instant.latest == instant.at == shanghai(2022, 9, 30, 23, 59, 59)


def test_instant_isoformat_writes_seconds_always_and_microseconds_when_present():
    assert parse_instant("2022-09-30T14:00").isoformat() == "2022-09-30T14:00:00+08:00"
    assert parse_instant("2022-09-30T14:00:00.000001").isoformat() == "2022-09-30T14:00:00.000001+08:00"
    assert str(parse_instant("2022-09-30")) == "2022-09-30"


def test_instant_constructor_normalises_to_shanghai():
    assert Instant(datetime(2022, 9, 30, 14, 0), False).at == shanghai(2022, 9, 30, 14, 0)
    converted = Instant(datetime(2022, 9, 30, 6, 0, tzinfo=UTC), False)
    assert converted.at.tzinfo is SHANGHAI
    assert converted.at == shanghai(2022, 9, 30, 14, 0)
    assert Instant.of_day(date(2022, 9, 30)) == parse_instant("2022-09-30")


def test_instant_constructor_rejects_a_date_only_instant_not_at_midnight():
    with pytest.raises(ValueError, match="must be at 00:00"):
        Instant(shanghai(2022, 9, 30, 14), True)


def test_instant_constructor_rejects_non_datetimes():
    with pytest.raises(TypeError):
        Instant(date(2022, 9, 30), True)


def test_instant_is_frozen_and_hashable():
    instant = parse_instant("2022-09-30T14:00")
    with pytest.raises(dataclasses.FrozenInstanceError):
        instant.date_only = True  # type: ignore[misc]
    assert len({instant, parse_instant("2022-09-30T06:00Z"), parse_instant("2022-09-30")}) == 2


def test_instant_ordering_is_by_at_then_date_only():
    midnight = parse_instant("2022-09-30T00:00")
    whole_day = parse_instant("2022-09-30")
    afternoon = parse_instant("2022-09-30T14:00")
    previous_evening = parse_instant("2022-09-29T23:59:59")
    assert sorted([afternoon, whole_day, midnight, previous_evening]) == [
        previous_evening,
        midnight,
        whole_day,
        afternoon,
    ]
    assert midnight < whole_day
    assert midnight != whole_day


# --- "by <date>" ---------------------------------------------------------------------------


def test_due_instant_is_next_day_midnight_shanghai():
    due = due_instant(date(2022, 9, 30))
    assert due == shanghai(2022, 10, 1)
    assert due.tzinfo is SHANGHAI
    assert due.isoformat() == "2022-10-01T00:00:00+08:00"


def test_by_date_boundary():
    due = due_instant(date(2022, 9, 30))
    assert parse_instant("2022-09-30T23:59:59").latest <= due
    assert parse_instant("2022-10-01T00:00:00").latest <= due  # exactly 24:00 is on time
    assert parse_instant("2022-10-01T00:00:01").latest > due
    assert parse_instant("2022-09-30T16:00:00Z").latest <= due  # 2022-10-01 00:00 Shanghai
    assert parse_instant("2022-09-30T16:00:01Z").latest > due


def test_by_date_boundary_for_whole_days():
    due = due_instant(date(2022, 9, 30))
    assert parse_instant("2022-09-30").latest == due
    assert parse_instant("2022-10-01").latest > due


def test_due_instant_over_leap_day_and_year_end():
    assert due_instant(date(2024, 2, 28)) == shanghai(2024, 2, 29)
    assert due_instant(date(2024, 2, 29)) == shanghai(2024, 3, 1)
    assert due_instant(date(2022, 12, 31)) == shanghai(2023, 1, 1)


# --- parse_date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2022-09-30", "2022/9/30", "2022.09.30", "2022年9月30日", " 2022-09-30 ", "20220930"]
)
def test_parse_date_accepts_bare_dates(text):
    assert parse_date(text) == date(2022, 9, 30)


def test_parse_date_leap_day():
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    with pytest.raises(InstantError):
        parse_date("2023-02-29")


@pytest.mark.parametrize(
    "value", ["2022-09-30T14:00", "2022-09-30 00:00:00", "2022年9月30日14时05分", datetime(2022, 9, 30, 14)]
)
def test_parse_date_refuses_a_time(value):
    with pytest.raises(InstantError) as caught:
        parse_date(value)
    assert caught.value.reason == "a date is expected, not a date and time"
    assert caught.value.value is value


def test_parse_date_passes_dates_through_and_refuses_garbage():
    assert parse_date(date(2022, 9, 30)) == date(2022, 9, 30)
    assert parse_date(Instant.of_day(date(2022, 9, 30))) == date(2022, 9, 30)
    with pytest.raises(InstantError, match="ambiguous"):
        parse_date("09/30/2022")


# --- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "canonical"),
    [
        ("PT1H", timedelta(hours=1), "PT1H"),
        ("PT90M", timedelta(minutes=90), "PT1H30M"),
        ("P15D", timedelta(days=15), "P15D"),
        ("P1W", timedelta(days=7), "P7D"),
        ("P1DT12H", timedelta(days=1, hours=12), "P1DT12H"),
        ("PT30S", timedelta(seconds=30), "PT30S"),
        ("PT0.5S", timedelta(milliseconds=500), "PT0.5S"),
        ("P0D", timedelta(0), "PT0S"),
        (" pt1h ", timedelta(hours=1), "PT1H"),
    ],
)
def test_parse_duration(text, expected, canonical):
    assert parse_duration(text) == expected
    assert format_duration(parse_duration(text)) == canonical


@pytest.mark.parametrize("text", ["P1Y", "P1M", "P1Y2M", "P1MT1H", "P0M"])
def test_parse_duration_refuses_years_and_months(text):
    with pytest.raises(InstantError) as caught:
        parse_duration(text)
    assert caught.value.reason == "years and months have no fixed length; give days"
    assert caught.value.value == text


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "1H", "P1.5D", "-PT1H", "PT1H30", "one hour"])
def test_parse_duration_refuses_malformed(text):
    with pytest.raises(InstantError) as caught:
        parse_duration(text)
    assert caught.value.reason.startswith("not an ISO 8601 duration")


def test_format_duration_refuses_negative():
    with pytest.raises(ValueError, match="negative"):
        format_duration(timedelta(seconds=-1))


# --- properties ---------------------------------------------------------------------------------


@settings(deadline=None)
@given(AWARE_DATETIMES)
def test_isoformat_text_reads_as_the_same_instant(moment):
    instant = parse_instant(moment.isoformat())
    assert instant == parse_instant(moment)
    assert instant.at == moment
    assert instant.at.tzinfo is SHANGHAI
    assert instant.day == moment.astimezone(SHANGHAI).date()
    assert parse_instant(instant.isoformat()) == instant


@settings(deadline=None)
@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31)))
def test_naive_text_reads_as_shanghai_wall_clock(moment):
    instant = parse_instant(moment.isoformat(sep=" "))
    assert instant.at.replace(tzinfo=None) == moment
    assert instant.at.utcoffset() == timedelta(hours=8)


@settings(deadline=None)
@given(st.timedeltas(min_value=timedelta(0), max_value=LONGEST_DURATION))
def test_duration_round_trip(duration):
    assert parse_duration(format_duration(duration)) == duration


def test_a_century_is_the_longest_duration():
    assert parse_duration("P36525D") == LONGEST_DURATION == timedelta(days=36_525)
    for longer in ("P36525DT0.000001S", "P5218W", "P99999999999999999999D"):
        with pytest.raises(InstantError) as refused:
            parse_duration(longer)
        assert refused.value.reason == "longer than 100 years (36,525 days)"


@pytest.mark.parametrize("text", ["1900-01-01", "1900-01-01T00:00", "2999-12-31", "2999-12-31T23:59:59+08:00",
                                  "3000-01-01T00:59:59+09:00"])
def test_years_1900_to_2999_in_shanghai_time_are_read(text):
    assert 1900 <= parse_instant(text).at.year <= 2999


@pytest.mark.parametrize("text", ["1899-12-31", "1900-01-01T00:00+09:00", "3000-01-01", "2999-12-31T20:00-04:00",
                                  "0022-09-30", "9999-12-31T23:00:00-05:00", "0001-01-01T00:00+09:00"])
def test_a_date_outside_the_years_1900_to_2999_is_refused_with_its_reason(text):
    """A typing error (0022), and no calendar arithmetic of the rules beyond Python's dates (9999 + 1 day)."""
    with pytest.raises(InstantError) as refused:
        parse_instant(text)
    assert refused.value.reason == "outside the years 1900 to 2999 (a typing error?)"
