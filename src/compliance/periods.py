"""Calendar periods in Shanghai time: the "every quarter" of an obligation.

A :class:`Period` is a run of whole Shanghai days of one :class:`PeriodKind`:
year, half year (H1, H2), quarter (Q1–Q4), two months (B1 = Jan–Feb …
B6 = Nov–Dec), month, half month (1st–15th = H1, 16th–end = H2), ISO week
(Monday first, labelled with the ISO year) and day. The periods of one kind
tile the calendar, so every instant falls in exactly one period of each kind.

Labels: ``2022``, ``2022-H2``, ``2022-Q3``, ``2022-B5``, ``2022-09``,
``2022-09-H1``, ``2022-W39``, ``2022-09-30``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from compliance.timeline import SHANGHAI, Instant, due_instant

__all__ = ["Period", "PeriodError", "PeriodKind"]

_ONE_DAY = timedelta(days=1)


class PeriodError(ValueError):
    """A period label, or a (kind, start, end) triple, that is not a calendar period."""


class PeriodKind(StrEnum):
    """The kinds of calendar period an obligation can recur in.

    >>> PeriodKind("quarter"), PeriodKind.QUARTER.chinese
    (<PeriodKind.QUARTER: 'quarter'>, '季度')
    """

    YEAR = "year"
    HALF_YEAR = "half_year"
    QUARTER = "quarter"
    TWO_MONTHS = "two_months"
    MONTH = "month"
    HALF_MONTH = "half_month"
    WEEK = "week"
    DAY = "day"

    @property
    def chinese(self) -> str:
        """The Chinese name of the kind, as in 每季度 ("every quarter").

        >>> [kind.chinese for kind in PeriodKind]
        ['年', '半年', '季度', '两个月', '月', '半月', '周', '日']
        """
        return _KIND_CHINESE[self]


_KIND_CHINESE = {
    PeriodKind.YEAR: "年",
    PeriodKind.HALF_YEAR: "半年",
    PeriodKind.QUARTER: "季度",
    PeriodKind.TWO_MONTHS: "两个月",
    PeriodKind.MONTH: "月",
    PeriodKind.HALF_MONTH: "半月",
    PeriodKind.WEEK: "周",
    PeriodKind.DAY: "日",
}

_KIND_ENGLISH = {
    PeriodKind.YEAR: "year",
    PeriodKind.HALF_YEAR: "half year",
    PeriodKind.QUARTER: "quarter",
    PeriodKind.TWO_MONTHS: "two-month period",
    PeriodKind.MONTH: "month",
    PeriodKind.HALF_MONTH: "half month",
    PeriodKind.WEEK: "ISO week",
    PeriodKind.DAY: "day",
}

# Kinds made of whole months, aligned on January: how many months each spans.
_MONTHS_PER_PERIOD = {
    PeriodKind.YEAR: 12,
    PeriodKind.HALF_YEAR: 6,
    PeriodKind.QUARTER: 3,
    PeriodKind.TWO_MONTHS: 2,
    PeriodKind.MONTH: 1,
}

_CHINESE_NUMERALS = "一二三四"

_LABEL = re.compile(
    r"(?P<year>[0-9]{4})(?:-(?:"
    r"H(?P<half_year>[0-9])|Q(?P<quarter>[0-9])|B(?P<two_months>[0-9])|W(?P<week>[0-9]{2})"
    r"|(?P<month>[0-9]{2})(?:-(?:H(?P<half_month>[0-9])|(?P<day>[0-9]{2})))?"
    r"))?"
)
_ACCEPTED_LABELS = "2022, 2022-H2, 2022-Q3, 2022-B5, 2022-09, 2022-09-H1, 2022-W39 or 2022-09-30"


def _kind(kind: PeriodKind | str) -> PeriodKind:
    """``kind`` as a PeriodKind; PeriodError names the accepted kinds."""
    try:
        return PeriodKind(kind)
    except ValueError:
        accepted = ", ".join(member.value for member in PeriodKind)
        raise PeriodError(f"unknown period kind {kind!r}; use one of {accepted}") from None


def _last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _bounds(kind: PeriodKind, day: date) -> tuple[date, date]:
    """First and last day of the period of ``kind`` that contains ``day``."""
    months = _MONTHS_PER_PERIOD.get(kind)
    if months is not None:
        first_month = (day.month - 1) // months * months + 1
        return date(day.year, first_month, 1), _last_day_of_month(day.year, first_month + months - 1)
    if kind is PeriodKind.HALF_MONTH:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), _last_day_of_month(day.year, day.month)
    if kind is PeriodKind.WEEK:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    return day, day


def _shanghai_date(when: object) -> date:
    """The Shanghai calendar date of a date, a datetime (naive = Shanghai time) or an Instant."""
    if isinstance(when, Instant):
        return when.day
    if isinstance(when, datetime):
        return when.date() if when.utcoffset() is None else when.astimezone(SHANGHAI).date()
    if isinstance(when, date):
        return when
    raise TypeError(f"expected a date, a datetime or an Instant, not {type(when).__name__}")


@dataclass(frozen=True, slots=True, order=True, repr=False)
class Period:
    """One calendar period: ``start`` to ``end`` inclusive, of one ``kind``.

    Build periods with :meth:`containing`, :meth:`parse` or :meth:`between`;
    the constructor only checks that (kind, start, end) is a real calendar
    period. Periods order by start, then end, then kind.

    >>> q3 = Period.parse("2022-Q3")
    >>> q3.start, q3.end, q3.kind
    (datetime.date(2022, 7, 1), datetime.date(2022, 9, 30), <PeriodKind.QUARTER: 'quarter'>)
    >>> Period(date(2022, 7, 1), date(2022, 9, 30), PeriodKind.QUARTER) == q3
    True
    >>> try:
    ...     Period(date(2022, 7, 2), date(2022, 9, 30), PeriodKind.QUARTER)
    ... except PeriodError as error:
    ...     str(error)
    '2022-07-02..2022-09-30 is not a quarter (the quarter of 2022-07-02 is 2022-07-01..2022-09-30)'
    """

    start: date
    end: date
    kind: PeriodKind

    def __post_init__(self) -> None:
        kind = self.kind
        if not isinstance(kind, PeriodKind):
            kind = _kind(kind)
            object.__setattr__(self, "kind", kind)
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, date) or isinstance(value, datetime):
                raise PeriodError(f"a period {name} must be a date, not {type(value).__name__}")
        start, end = _bounds(kind, self.start)
        if (start, end) != (self.start, self.end):
            name = _KIND_ENGLISH[kind]
            raise PeriodError(f"{self.start}..{self.end} is not a {name} (the {name} of {self.start} is {start}..{end})")

    # --- construction ---------------------------------------------------------

    @classmethod
    def containing(cls, kind: PeriodKind | str, when: date | datetime | Instant) -> Period:
        """The period of ``kind`` that contains ``when`` (taken in Shanghai time).

        ``when`` is a date, a datetime (naive = Shanghai time, aware = converted
        to Shanghai first) or an :class:`~compliance.timeline.Instant`.

        >>> from datetime import timezone
        >>> Period.containing("quarter", datetime(2022, 9, 30, 23, 59, 59))
        Period.parse('2022-Q3')
        >>> Period.containing(PeriodKind.QUARTER, datetime(2022, 9, 30, 16, 30, tzinfo=timezone.utc))
        Period.parse('2022-Q4')
        >>> Period.containing(PeriodKind.WEEK, date(2021, 1, 3))
        Period.parse('2020-W53')
        """
        kind = _kind(kind)
        day = _shanghai_date(when)
        try:
            start, end = _bounds(kind, day)
        except OverflowError:
            raise PeriodError(f"the {_KIND_ENGLISH[kind]} of {day} runs past the supported calendar") from None
        return cls(start, end, kind)

    @classmethod
    def parse(cls, label: str) -> Period:
        """The period named by ``label``; the kind follows from the form of the label.

        >>> [str(Period.parse(text).end) for text in ("2022", "2022-H1", "2024-B1", "2024-02-H2")]
        ['2022-12-31', '2022-06-30', '2024-02-29', '2024-02-29']
        >>> try:
        ...     Period.parse("2022-Q5")
        ... except PeriodError as error:
        ...     str(error)
        "cannot read '2022-Q5' as a period: there is no quarter 5; use 2022, 2022-H2, 2022-Q3, 2022-B5, 2022-09, 2022-09-H1, 2022-W39 or 2022-09-30"
        """
        text = label.strip() if isinstance(label, str) else ""
        match = _LABEL.fullmatch(text)
        if match is None:
            raise PeriodError(f"cannot read '{label}' as a period; use {_ACCEPTED_LABELS}")
        try:
            kind, day = _read_label(match)
        except ValueError as error:
            raise PeriodError(f"cannot read '{label}' as a period: {error}; use {_ACCEPTED_LABELS}") from None
        return cls.containing(kind, day)

    @classmethod
    def between(cls, kind: PeriodKind | str, first: date, last: date) -> Iterator[Period]:
        """Every period of ``kind`` that overlaps [``first``, ``last``] (both inclusive), in order.

        The periods tile the range: each starts the day after the previous one
        ends. Nothing is produced when ``last`` is before ``first``.

        >>> [p.label for p in Period.between("quarter", date(2022, 8, 15), date(2023, 1, 1))]
        ['2022-Q3', '2022-Q4', '2023-Q1']
        >>> list(Period.between("month", date(2022, 2, 1), date(2022, 1, 31)))
        []
        """
        kind = _kind(kind)
        if last < first:
            return iter(())
        return cls._walk(cls.containing(kind, first), last)

    @staticmethod
    def _walk(period: Period, last: date) -> Iterator[Period]:
        while True:
            yield period
            if period.end >= last:
                return
            period = period.next()

    # --- names ------------------------------------------------------------------

    @property
    def label(self) -> str:
        """The label: ``2022``, ``2022-H2``, ``2022-Q3``, ``2022-B5``, ``2022-09``, ``2022-09-H1``, ``2022-W39``, ``2022-09-30``.

        >>> [Period.containing(kind, date(2022, 9, 30)).label for kind in PeriodKind]
        ['2022', '2022-H2', '2022-Q3', '2022-B5', '2022-09', '2022-09-H2', '2022-W39', '2022-09-30']
        """
        start, kind = self.start, self.kind
        year = f"{start.year:04d}"
        if kind is PeriodKind.YEAR:
            return year
        if kind is PeriodKind.HALF_YEAR:
            return f"{year}-H{(start.month - 1) // 6 + 1}"
        if kind is PeriodKind.QUARTER:
            return f"{year}-Q{(start.month - 1) // 3 + 1}"
        if kind is PeriodKind.TWO_MONTHS:
            return f"{year}-B{(start.month - 1) // 2 + 1}"
        if kind is PeriodKind.MONTH:
            return f"{year}-{start.month:02d}"
        if kind is PeriodKind.HALF_MONTH:
            return f"{year}-{start.month:02d}-H{1 if start.day == 1 else 2}"
        if kind is PeriodKind.WEEK:
            iso_year, week, _ = start.isocalendar()
            return f"{iso_year:04d}-W{week:02d}"
        return start.isoformat()

    @property
    def chinese(self) -> str:
        """The period as written in Chinese documents.

        >>> [Period.containing(kind, date(2022, 9, 30)).chinese for kind in PeriodKind]
        ['2022年', '2022年下半年', '2022年第三季度', '2022年9-10月', '2022年9月', '2022年9月下半月', '2022年第39周', '2022年9月30日']
        >>> Period.parse("2022-B6").chinese, Period.parse("2022-09-H1").chinese
        ('2022年11-12月', '2022年9月上半月')
        """
        start, kind = self.start, self.kind
        year, month = start.year, start.month
        if kind is PeriodKind.YEAR:
            return f"{year}年"
        if kind is PeriodKind.HALF_YEAR:
            return f"{year}年{'上' if month == 1 else '下'}半年"
        if kind is PeriodKind.QUARTER:
            return f"{year}年第{_CHINESE_NUMERALS[(month - 1) // 3]}季度"
        if kind is PeriodKind.TWO_MONTHS:
            return f"{year}年{month}-{month + 1}月"
        if kind is PeriodKind.MONTH:
            return f"{year}年{month}月"
        if kind is PeriodKind.HALF_MONTH:
            return f"{year}年{month}月{'上' if start.day == 1 else '下'}半月"
        if kind is PeriodKind.WEEK:
            iso_year, week, _ = start.isocalendar()
            return f"{iso_year}年第{week}周"
        return f"{year}年{month}月{start.day}日"

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"Period.parse({self.label!r})"

    # --- time ---------------------------------------------------------------------

    @property
    def start_instant(self) -> datetime:
        """00:00 +08:00 of the first day: the period's first moment.

        >>> Period.parse("2022-Q4").start_instant.isoformat()
        '2022-10-01T00:00:00+08:00'
        """
        return datetime.combine(self.start, datetime.min.time(), SHANGHAI)

    @property
    def end_instant(self) -> datetime:
        """00:00 +08:00 of the day after the last: the exclusive end, and the due instant of "by ``end``".

        >>> Period.parse("2022-Q3").end_instant.isoformat()
        '2022-10-01T00:00:00+08:00'
        """
        return due_instant(self.end)

    @property
    def days(self) -> int:
        """How many days the period has.

        >>> Period.parse("2024-02-H2").days, Period.parse("2023-02-H2").days, Period.parse("2024").days
        (14, 13, 366)
        """
        return (self.end - self.start).days + 1

    def __contains__(self, when: object) -> bool:
        """Whether ``when`` (date, datetime with naive = Shanghai time, or Instant) falls in the period.

        A date-only Instant is in the period of its day.

        >>> from compliance.timeline import parse_instant
        >>> q3 = Period.parse("2022-Q3")
        >>> date(2022, 9, 30) in q3, datetime(2022, 10, 1, 0, 0) in q3, parse_instant("2022-09-30") in q3
        (True, False, True)
        """
        return self.start <= _shanghai_date(when) <= self.end

    def overlap_days(self, first: date, last: date) -> int:
        """How many days of the period lie in [``first``, ``last``] (both inclusive).

        >>> q3 = Period.parse("2022-Q3")
        >>> q3.overlap_days(date(2022, 9, 1), date(2022, 12, 31)), q3.overlap_days(date(2023, 1, 1), date(2023, 2, 1))
        (30, 0)
        """
        return max(0, (min(self.end, last) - max(self.start, first)).days + 1)

    # --- neighbours -------------------------------------------------------------------

    def next(self) -> Period:
        """The period of the same kind that starts the day after this one ends.

        >>> Period.parse("2022-B6").next(), Period.parse("2020-W53").next(), Period.parse("2024-02-H2").next()
        (Period.parse('2023-B1'), Period.parse('2021-W01'), Period.parse('2024-03-H1'))
        """
        try:
            following = self.end + _ONE_DAY
        except OverflowError:
            raise PeriodError(f"no period follows {self.label}: the calendar ends") from None
        return Period.containing(self.kind, following)

    def previous(self) -> Period:
        """The period of the same kind that ends the day before this one starts.

        >>> Period.parse("2023-Q1").previous(), Period.parse("2024-03-H1").previous()
        (Period.parse('2022-Q4'), Period.parse('2024-02-H2'))
        """
        try:
            preceding = self.start - _ONE_DAY
        except OverflowError:
            raise PeriodError(f"no period precedes {self.label}: the calendar starts") from None
        return Period.containing(self.kind, preceding)


def _read_label(match: re.Match[str]) -> tuple[PeriodKind, date]:
    """The kind a label names and a day inside the period; ValueError says what is wrong."""
    parts = match.groupdict()
    year = int(parts["year"])
    if parts["half_year"] is not None:
        return PeriodKind.HALF_YEAR, date(year, _ordinal(parts["half_year"], 2, "half year") * 6 - 5, 1)
    if parts["quarter"] is not None:
        return PeriodKind.QUARTER, date(year, _ordinal(parts["quarter"], 4, "quarter") * 3 - 2, 1)
    if parts["two_months"] is not None:
        return PeriodKind.TWO_MONTHS, date(year, _ordinal(parts["two_months"], 6, "two-month period") * 2 - 1, 1)
    if parts["week"] is not None:
        week = int(parts["week"])
        try:
            return PeriodKind.WEEK, date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"ISO year {year} has no week {week}") from None
    if parts["month"] is None:
        return PeriodKind.YEAR, date(year, 1, 1)
    month = int(parts["month"])
    if not 1 <= month <= 12:
        raise ValueError(f"there is no month {month}")
    if parts["half_month"] is not None:
        half = _ordinal(parts["half_month"], 2, "half month")
        return PeriodKind.HALF_MONTH, date(year, month, 1 if half == 1 else 16)
    if parts["day"] is not None:
        return PeriodKind.DAY, date(year, month, int(parts["day"]))
    return PeriodKind.MONTH, date(year, month, 1)


def _ordinal(digit: str, count: int, name: str) -> int:
    number = int(digit)
    if not 1 <= number <= count:
        raise ValueError(f"there is no {name} {number}")
    return number
