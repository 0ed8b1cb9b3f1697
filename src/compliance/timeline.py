"""Instants in Shanghai time: reading dates and times from records, and "by <date>".

The contract knows one time zone, Asia/Shanghai, taken as the fixed offset
UTC+08:00. The tz database records daylight saving time for Shanghai in
1986–1991; it is deliberately ignored here, because the contract says UTC+8
without DST, and a fixed offset makes every local time mean exactly one instant.

* A timestamp with an offset is converted to +08:00.
* A timestamp without an offset is read as Shanghai time.
* A bare date means the whole day: an :class:`Instant` with ``date_only`` set,
  whose ``earliest`` is 00:00 of the day and whose ``latest`` is 24:00 (the next
  day's 00:00).
* "by <date>" runs up to and including 24:00 of that date: see :func:`due_instant`.

Durations (:func:`parse_duration`) have days, hours, minutes and seconds only:
years and months have no fixed length, so they are refused instead of rounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from dateutil.parser import isoparse

__all__ = [
    "SHANGHAI",
    "Instant",
    "InstantError",
    "due_instant",
    "format_duration",
    "parse_date",
    "parse_duration",
    "parse_instant",
]

_UTC_PLUS_8 = timedelta(hours=8)
SHANGHAI: tzinfo = timezone(_UTC_PLUS_8, "Asia/Shanghai")
"""Asia/Shanghai as the fixed offset UTC+08:00 (tzdb's 1986–1991 DST is ignored on purpose)."""

_ONE_DAY = timedelta(days=1)
_MIDNIGHT = time(0, 0)


class InstantError(ValueError):
    """A value cannot be read as a date, a time or a duration.

    ``value`` is the input as given and ``reason`` a short English phrase.

    >>> error = InstantError("01/02/2022", "day-first and month-first dates are ambiguous")
    >>> str(error)
    "cannot read '01/02/2022' as a date or time: day-first and month-first dates are ambiguous"
    >>> error.value, error.reason
    ('01/02/2022', 'day-first and month-first dates are ambiguous')
    >>> str(InstantError("P1M", "no months", expected="a duration"))
    "cannot read 'P1M' as a duration: no months"
    """

    def __init__(self, value: object, reason: str, *, expected: str = "a date or time") -> None:
        self.value = value
        self.reason = reason
        self.expected = expected
        super().__init__(f"cannot read '{value}' as {expected}: {reason}")

    def __reduce__(self):  # keep the error picklable despite the keyword-only argument
        return (_rebuild_instant_error, (self.value, self.reason, self.expected))


def _rebuild_instant_error(value: object, reason: str, expected: str) -> InstantError:
    return InstantError(value, reason, expected=expected)


@dataclass(frozen=True, slots=True, order=True, repr=False)
class Instant:
    """A point in time in Shanghai, or a whole Shanghai day (``date_only``).

    ``at`` is always aware and in :data:`SHANGHAI`: a naive ``at`` is read as
    Shanghai time and an aware one is converted. For a date-only instant ``at``
    is 00:00 of the day. Instants order by (``at``, ``date_only``), so sorting
    is total and deterministic.

    >>> meeting = parse_instant("2022-09-30 14:00")
    >>> meeting.isoformat(), meeting.day, meeting.latest == meeting.at
    ('2022-09-30T14:00:00+08:00', datetime.date(2022, 9, 30), True)
    >>> whole_day = parse_instant("2022-09-30")
    >>> whole_day.isoformat(), whole_day.earliest.isoformat(), whole_day.latest.isoformat()
    ('2022-09-30', '2022-09-30T00:00:00+08:00', '2022-10-01T00:00:00+08:00')
    >>> sorted([whole_day, meeting, parse_instant("2022-09-30T00:00")])
    [parse_instant('2022-09-30T00:00:00+08:00'), parse_instant('2022-09-30'), parse_instant('2022-09-30T14:00:00+08:00')]
    >>> Instant(datetime(2022, 9, 30, 6, 0, tzinfo=timezone.utc), False).isoformat()
    '2022-09-30T14:00:00+08:00'
    """

    at: datetime
    date_only: bool = False

    def __post_init__(self) -> None:
        at = self.at
        if not isinstance(at, datetime):
            raise TypeError(f"Instant.at must be a datetime, not {type(at).__name__}")
        if at.tzinfo is not SHANGHAI:
            at = _in_shanghai(at)
            object.__setattr__(self, "at", at)
        if self.date_only and (at.hour or at.minute or at.second or at.microsecond):
            raise ValueError(f"a date-only instant must be at 00:00, not {at.isoformat()}")

    @classmethod
    def of_day(cls, day: date) -> Instant:
        """The whole Shanghai day ``day`` as a date-only instant.

        >>> Instant.of_day(date(2024, 2, 29)).isoformat()
        '2024-02-29'
        """
        return _make(datetime.combine(day, _MIDNIGHT, SHANGHAI), True)

    @property
    def day(self) -> date:
        """The Shanghai calendar date of the instant.

        >>> parse_instant("2022-09-30T16:30:00Z").day
        datetime.date(2022, 10, 1)
        """
        return self.at.date()

    @property
    def earliest(self) -> datetime:
        """The first moment the instant may denote: ``at`` (00:00 for a whole day).

        >>> parse_instant("2022-09-30").earliest.isoformat()
        '2022-09-30T00:00:00+08:00'
        """
        return self.at

    @property
    def latest(self) -> datetime:
        """The last moment the instant may denote: 24:00 of the day for a whole day, else ``at``.

        A record dated only "2022-09-30" is on time for "by 2022-09-30",
        because its latest moment equals the due instant.

        >>> parse_instant("2022-09-30").latest == due_instant(date(2022, 9, 30))
        True
        >>> parse_instant("2022-09-30T14:00").latest.isoformat()
        '2022-09-30T14:00:00+08:00'
        """
        return self.at + _ONE_DAY if self.date_only else self.at

    def isoformat(self) -> str:
        """``2022-09-30`` for a whole day, ``2022-09-30T14:00:00+08:00`` otherwise.

        Seconds are always written; microseconds only when they are not zero.

        >>> parse_instant("2022-09-30T14:00:00.250+08:00").isoformat()
        '2022-09-30T14:00:00.250000+08:00'
        """
        return self.at.date().isoformat() if self.date_only else self.at.isoformat()

    def __str__(self) -> str:
        return self.isoformat()

    def __repr__(self) -> str:
        return f"parse_instant({self.isoformat()!r})"


def _in_shanghai(moment: datetime) -> datetime:
    """``moment`` in Shanghai time: a naive one is taken as Shanghai time, an aware one converted."""
    if moment.tzinfo is SHANGHAI:
        return moment
    offset = moment.utcoffset()
    if offset is None or offset == _UTC_PLUS_8:
        # Same wall clock. combine() is several times faster than replace(tzinfo=...)
        # or astimezone(), and this runs once per record.
        return datetime.combine(moment.date(), moment.time(), SHANGHAI)
    return moment.astimezone(SHANGHAI)


_new_object = object.__new__
_set_attribute = object.__setattr__


def _make(at: datetime, date_only: bool) -> Instant:
    """An Instant from an ``at`` already in SHANGHAI (and at 00:00 if ``date_only``), unchecked.

    The parsers have established both facts, so they skip ``__post_init__``: it
    roughly halves the cost of reading a million timestamps.
    """
    instant = _new_object(Instant)
    _set_attribute(instant, "at", at)
    _set_attribute(instant, "date_only", date_only)
    return instant


def due_instant(day: date) -> datetime:
    """The instant that closes "by ``day``": 24:00 of ``day``, i.e. the next day's 00:00 +08:00.

    An event at exactly this instant is on time; one second later is late.

    >>> due = due_instant(date(2022, 9, 30))
    >>> due.isoformat()
    '2022-10-01T00:00:00+08:00'
    >>> parse_instant("2022-09-30T23:59:59").at <= due < parse_instant("2022-10-01T00:00:01").at
    True
    """
    return datetime.combine(day + _ONE_DAY, _MIDNIGHT, SHANGHAI)


# --- reading dates and times ------------------------------------------------

_TIME_SEPARATORS = "Tt "
_WEEK_DATE = re.compile(r"[0-9]{4}(?:-W[0-9]{2}-[1-7]|W[0-9]{2}[1-7])(?:[Tt ].*)?", re.ASCII | re.DOTALL)
# Year-first numeric dates as found in Chinese exports: 2022/9/30, 2022.9.30, 2022-9-30.
_NUMERIC_DATE = re.compile(r"([0-9]{4})([/.\-])([0-9]{1,2})\2([0-9]{1,2})")
# 2022年9月30日 (also 号 for 日).
_CHINESE_DATE = re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]")
# 14:05, 14:05:30, 14:05:30.5 (ASCII or full-width colons).
_CLOCK_TIME = re.compile(r"([0-9]{1,2})[:：]([0-9]{2})(?:[:：]([0-9]{2})(?:[.,]([0-9]{1,6}))?)?")
# 14时, 14时05分, 14时05分30秒 (also 点 for 时).
_CHINESE_TIME = re.compile(r"([0-9]{1,2})\s*[时点]\s*(?:([0-9]{1,2})\s*分\s*(?:([0-9]{1,2})\s*秒)?)?")
_ISO_DATE_TIME = re.compile(r"[0-9]{4}(?:-[0-9]{2}-[0-9]{2}|[0-9]{4})[Tt ]")
_AMBIGUOUS_DATE = re.compile(r"[0-9]{1,2}\s*[/.\-]\s*[0-9]{1,2}\s*[/.\-]\s*[0-9]{2,4}(?![0-9])")

_REASON_HOUR_24 = "24:00 is not a time of day; write 00:00 of the next day"
_REASON_AMBIGUOUS = "day-first and month-first dates are ambiguous; write the year first (2022-09-30)"
_REASON_UNKNOWN = "not a recognised date or time (use 2022-09-30, 2022-09-30T14:00, 2022/9/30 or 2022年9月30日)"
_REASON_TIME = "the time of day is not understood (use 14:05 or 14时05分)"
_REASON_WEEK = "a week is a period, not a date; give the day"
_REASON_RANGE = "outside the years 1900 to 2999 (a typing error?)"


def parse_instant(value: object) -> Instant:
    """Read a date or a timestamp as an :class:`Instant` in Shanghai time.

    Accepts a ``datetime`` (naive = Shanghai time, aware = converted), a ``date``
    (a whole day), an :class:`Instant` (returned as is) and text: ISO 8601
    (``2022-09-30``, ``2022-09-30T14:00``, ``2022-09-30 14:00:00``, with ``Z`` or
    ``+08:00``/``+0800`` offsets and fractional seconds) and the year-first forms
    of Chinese exports (``2022/9/30``, ``2022/09/30 14:05``, ``2022.9.30``,
    ``2022年9月30日``, ``2022年9月30日 14:05``, ``2022年9月30日14时05分``).
    Anything else raises :class:`InstantError`.

    >>> parse_instant("2022-09-30T16:30:00Z")
    parse_instant('2022-10-01T00:30:00+08:00')
    >>> parse_instant(" 2022年9月30日14时05分 ")
    parse_instant('2022-09-30T14:05:00+08:00')
    >>> parse_instant("2022/9/30")
    parse_instant('2022-09-30')
    >>> parse_instant(datetime(2022, 9, 30, 14, 0))
    parse_instant('2022-09-30T14:00:00+08:00')
    >>> for bad in ("01/02/2022", "2022-02-30", "2022-09-30T24:00", "0022-09-30"):
    ...     try:
    ...         parse_instant(bad)
    ...     except InstantError as error:
    ...         error.reason
    'day-first and month-first dates are ambiguous; write the year first (2022-09-30)'
    'day is out of range for month'
    '24:00 is not a time of day; write 00:00 of the next day'
    'outside the years 1900 to 2999 (a typing error?)'
    """
    try:
        if isinstance(value, str):
            instant = _parse_text(value)
        elif isinstance(value, datetime):
            instant = _make(_in_shanghai(value), False)
        elif isinstance(value, date):
            instant = _make(datetime.combine(value, _MIDNIGHT, SHANGHAI), True)
        elif isinstance(value, Instant):
            instant = value
        else:
            raise InstantError(value, f"expected text, a date or a datetime, not {type(value).__name__}")
    except OverflowError:  # converted to Shanghai time, beyond year 9999 or before year 1
        raise InstantError(value, _REASON_RANGE) from None
    if not FIRST_YEAR <= instant.at.year <= LAST_YEAR:
        raise InstantError(value, _REASON_RANGE)
    return instant


FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The years a record's date may fall in. Any other is a typing error (0022 for 2022), and the
calendar arithmetic of the rules (the day after, five years on) stays inside Python's dates."""


def parse_date(value: object) -> date:
    """Read a bare date (the same forms as :func:`parse_instant`, without a time).

    >>> parse_date("2022年9月30日"), parse_date("2024-02-29")
    (datetime.date(2022, 9, 30), datetime.date(2024, 2, 29))
    >>> try:
    ...     parse_date("2022-09-30T14:00")
    ... except InstantError as error:
    ...     str(error)
    "cannot read '2022-09-30T14:00' as a date or time: a date is expected, not a date and time"
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    instant = parse_instant(value)
    if not instant.date_only:
        raise InstantError(value, "a date is expected, not a date and time")
    return instant.day


def _parse_text(value: str) -> Instant:
    """The fast path: ``date``/``datetime.fromisoformat``; anything they refuse goes the slow way."""
    text = value.strip()
    if len(text) <= 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return _parse_text_slowly(value, text)
        if "W" in text and not _WEEK_DATE.fullmatch(text):
            raise InstantError(value, _REASON_WEEK)
        return _make(datetime.combine(day, _MIDNIGHT, SHANGHAI), True)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return _parse_text_slowly(value, text)
    # fromisoformat takes any character between date and time; only T and space are ISO-like.
    if text[10] not in _TIME_SEPARATORS and text[8] not in _TIME_SEPARATORS:
        return _parse_text_slowly(value, text)
    if "W" in text and not _WEEK_DATE.fullmatch(text):
        raise InstantError(value, _REASON_WEEK)
    return _make(_in_shanghai(moment), False)


def _parse_text_slowly(value: str, text: str) -> Instant:
    """Year-first numeric and Chinese forms, other ISO 8601 forms, and a reason for refusals."""
    if not text:
        raise InstantError(value, "the text is empty")
    for date_pattern, chinese in ((_NUMERIC_DATE, False), (_CHINESE_DATE, True)):
        match = date_pattern.match(text)
        if match is None:
            continue
        if chinese:
            year, month, day = match.groups()
        else:
            year, _, month, day = match.groups()
        clock = _read_time(value, text[match.end() :], chinese)
        if clock is not None:
            return _build(value, int(year), int(month), int(day), clock)
        break  # a year-first date with a time part we do not know: maybe another ISO form
    if _ISO_DATE_TIME.match(text):
        return _parse_other_iso(value, text)
    if _AMBIGUOUS_DATE.match(text):
        raise InstantError(value, _REASON_AMBIGUOUS)
    if _NUMERIC_DATE.match(text) or _CHINESE_DATE.match(text):
        raise InstantError(value, _REASON_TIME)
    raise InstantError(value, _REASON_UNKNOWN)


def _read_time(value: str, rest: str, chinese: bool) -> tuple[int, int, int, int] | None:
    """(hour, minute, second, microsecond) from what follows a year-first date.

    ``rest`` is the text after the date; empty means a bare date, returned as
    ``(-1, 0, 0, 0)``. None means the time part is not understood.
    """
    if not rest:
        return (-1, 0, 0, 0)
    stripped = rest.lstrip()
    if not chinese:
        # 2022/09/30 14:05 needs a separator; 2022/09/3014:05 would be a typo.
        if stripped == rest:
            if rest[0] not in "Tt":
                return None
            stripped = rest[1:]
    match = _CLOCK_TIME.fullmatch(stripped)
    if match is not None:
        hour, minute, second, fraction = match.groups()
    elif chinese and (match := _CHINESE_TIME.fullmatch(stripped)) is not None:
        hour, minute, second = match.groups()
        fraction = None
    else:
        return None
    if int(hour) == 24:
        raise InstantError(value, _REASON_HOUR_24)
    microsecond = int(fraction.ljust(6, "0")) if fraction else 0
    return (int(hour), int(minute or 0), int(second or 0), microsecond)


def _build(value: str, year: int, month: int, day: int, clock: tuple[int, int, int, int]) -> Instant:
    hour, minute, second, microsecond = clock
    try:
        if hour < 0:
            return Instant(datetime(year, month, day, tzinfo=SHANGHAI), True)
        return Instant(datetime(year, month, day, hour, minute, second, microsecond, tzinfo=SHANGHAI), False)
    except ValueError as error:
        raise InstantError(value, str(error)) from None


def _parse_other_iso(value: str, text: str) -> Instant:
    """ISO 8601 date-times that ``datetime.fromisoformat`` refuses, read by dateutil's ``isoparse``.

    ``isoparse`` turns 24:00 into the next day's 00:00; the contract refuses it instead.
    """
    separator = _ISO_DATE_TIME.match(text).end()  # type: ignore[union-attr]
    if text[separator : separator + 2] == "24":
        raise InstantError(value, _REASON_HOUR_24)
    try:
        moment = isoparse(text)
    except (ValueError, OverflowError) as error:
        reason = str(error)
        if not reason or "isoformat" in reason or "String" in reason or "Unused" in reason:
            reason = _REASON_UNKNOWN
        raise InstantError(value, reason) from None
    return _make(_in_shanghai(moment), False)


# --- durations ---------------------------------------------------------------

_DURATION = re.compile(
    r"P(?:(?P<years>[0-9]+)Y)?(?:(?P<months>[0-9]+)M)?(?:(?P<weeks>[0-9]+)W)?(?:(?P<days>[0-9]+)D)?"
    r"(?:T(?:(?P<hours>[0-9]+)H)?(?:(?P<minutes>[0-9]+)M)?(?:(?P<seconds>[0-9]+)(?:[.,](?P<fraction>[0-9]{1,6}))?S)?)?"
)
_REASON_DURATION = "not an ISO 8601 duration such as PT1H, PT90M, P15D, P1W or P1DT12H"


def parse_duration(text: str) -> timedelta:
    """Read an ISO 8601 duration in weeks, days, hours, minutes and seconds.

    Years and months are refused: they have no fixed length, and calendar
    arithmetic must never round silently.

    >>> parse_duration("PT90M"), parse_duration("P1W"), parse_duration("P1DT12H")
    (datetime.timedelta(seconds=5400), datetime.timedelta(days=7), datetime.timedelta(days=1, seconds=43200))
    >>> try:
    ...     parse_duration("P1M")
    ... except InstantError as error:
    ...     error.reason
    'years and months have no fixed length; give days'
    """
    if not isinstance(text, str):
        raise InstantError(text, f"expected text, not {type(text).__name__}", expected="a duration")
    stripped = text.strip().upper()
    match = _DURATION.fullmatch(stripped)
    parts = match.groupdict() if match else {}
    if not match or stripped.endswith("T") or not any(parts.values()):
        raise InstantError(text, _REASON_DURATION, expected="a duration")
    if parts["years"] is not None or parts["months"] is not None:
        raise InstantError(text, "years and months have no fixed length; give days", expected="a duration")
    fraction = parts["fraction"]
    try:
        duration = timedelta(
            weeks=int(parts["weeks"] or 0),
            days=int(parts["days"] or 0),
            hours=int(parts["hours"] or 0),
            minutes=int(parts["minutes"] or 0),
            seconds=int(parts["seconds"] or 0),
            microseconds=int(fraction.ljust(6, "0")) if fraction else 0,
        )
    except OverflowError:
        duration = None
    if duration is None or duration > LONGEST_DURATION:
        raise InstantError(text, "longer than 100 years (36,525 days)", expected="a duration")
    return duration


LONGEST_DURATION = timedelta(days=36_525)
"""The longest time limit a rule may give: a century keeps every due instant inside Python's dates."""


def format_duration(duration: timedelta, *, by_days: bool = True) -> str:
    """The canonical ISO 8601 form of a non-negative duration; the inverse of :func:`parse_duration`.

    Weeks are written as days and 90 minutes as ``PT1H30M``. ``by_days=False``
    writes whole days as hours, for a limit written so (PT24H runs between
    instants; P1D is counted in calendar days, see docs/semantics.md).

    >>> format_duration(timedelta(hours=1)), format_duration(timedelta(days=15))
    ('PT1H', 'P15D')
    >>> format_duration(timedelta(days=1, hours=12)), format_duration(timedelta(minutes=90))
    ('P1DT12H', 'PT1H30M')
    >>> day, longer = timedelta(hours=24), timedelta(hours=24, minutes=5)
    >>> format_duration(day, by_days=False), format_duration(longer, by_days=False)
    ('PT24H', 'PT24H5M')
    >>> format_duration(timedelta(0)), format_duration(timedelta(seconds=1.5))
    ('PT0S', 'PT1.5S')
    """
    if duration < timedelta(0):
        raise ValueError(f"a negative duration has no ISO 8601 form here: {duration}")
    text = "P"
    hours, rest = divmod(duration.seconds, 3600)
    if by_days:
        if duration.days:
            text += f"{duration.days}D"
    else:
        hours += 24 * duration.days
    minutes, seconds = divmod(rest, 60)
    if hours or minutes or seconds or duration.microseconds:
        text += "T"
        if hours:
            text += f"{hours}H"
        if minutes:
            text += f"{minutes}M"
        if seconds or duration.microseconds:
            text += f"{seconds}"
            if duration.microseconds:
                text += "." + f"{duration.microseconds:06d}".rstrip("0")
            text += "S"
    return text if text != "P" else "PT0S"
