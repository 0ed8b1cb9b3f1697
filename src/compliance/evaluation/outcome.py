"""Turning a decided obligation into a :class:`~compliance.findings.Finding`.

One place builds findings and their Chinese messages, so that every kind of
obligation names its rule, citation, period and evidence the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from compliance.facts import Event, Unit
from compliance.findings import CitationOut, Finding, Status
from compliance.language.compile import CompiledRule
from compliance.periods import Period
from compliance.timeline import SHANGHAI, Instant


def chinese_duration(duration: timedelta, by_days: bool = True) -> str:
    """A duration as auditors write it; as the rule wrote it: ``by_days=False`` for a limit in hours (PT24H).

    >>> chinese_duration(timedelta(hours=1)), chinese_duration(timedelta(days=15))
    ('1小时', '15日')
    >>> chinese_duration(timedelta(minutes=90)), chinese_duration(timedelta(hours=24), by_days=False)
    ('90分钟', '24小时')
    """
    seconds = int(duration.total_seconds())
    if by_days and seconds % 86400 == 0:
        return f"{seconds // 86400}日"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}小时"
    if seconds % 60 == 0:
        return f"{seconds // 60}分钟"
    return f"{seconds}秒"


def chinese_date(day: date) -> str:
    """A date as auditors write it.

    >>> chinese_date(date(2022, 9, 30))
    '2022年9月30日'
    """
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_instant(moment: datetime) -> str:
    local = moment.astimezone(SHANGHAI)
    return f"{chinese_date(local.date())}{local:%H:%M}"


def chinese_due(due: datetime) -> str:
    """A due instant as a deadline is written: the day for 24:00, else the day and time.

    >>> from compliance.timeline import due_instant
    >>> chinese_due(due_instant(date(2022, 9, 30))), chinese_due(datetime(2022, 9, 30, 10, 0, tzinfo=SHANGHAI))
    ('2022年9月30日', '2022年9月30日10:00')
    """
    local = due.astimezone(SHANGHAI)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return chinese_date(local.date() - timedelta(days=1))
    return chinese_instant(local)


def chinese_when(instant: Instant) -> str:
    """An event's time as recorded: the day alone for a bare date.

    >>> from compliance.timeline import parse_instant
    >>> chinese_when(parse_instant("2022-09-05")), chinese_when(parse_instant("2022-09-05T02:30Z"))
    ('2022年9月5日', '2022年9月5日10:30')
    """
    return chinese_date(instant.day) if instant.date_only else chinese_instant(instant.at)


def instant_text(moment: datetime | None) -> str | None:
    """An instant as written in findings: ISO 8601 in Shanghai time, seconds precision."""
    if moment is None:
        return None
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")


def evidence(events: Iterable[Event]) -> tuple[str, ...]:
    return tuple(event.event_id for event in events)


class Outcome:
    """Builds the findings of one rule."""

    def __init__(self, rule: CompiledRule) -> None:
        self.rule = rule
        self.citation = CitationOut(**rule.citation_dict())

    def finding(
        self,
        unit: Unit,
        status: Status,
        message: str,
        *,
        person_id: str | None = None,
        subject_id: str | None = None,
        step: str | None = None,
        period: Period | None = None,
        window: tuple[str, date, date] | None = None,
        due: datetime | None = None,
        expected: Any = None,
        actual: Any = None,
        evidence: Iterable[str] = (),
    ) -> Finding:
        label, start, end = None, None, None
        if period is not None:
            label, start, end = period.label, period.start, period.end
        elif window is not None:
            label, start, end = window
        return Finding(
            rule_id=self.rule.id,
            unit_id=unit.unit_id,
            person_id=person_id,
            subject_id=subject_id,
            step=step,
            period=label,
            period_start=start,
            period_end=end,
            due=instant_text(due),
            status=status,
            expected=expected,
            actual=actual,
            evidence=tuple(evidence),
            citation=self.citation,
            message=message,
        )


def count_message(who: str, when: str, title: str, at_least: int, count: int, status: Status) -> str:
    """The sentence of an at-least obligation.

    >>> count_message("通化县委", "2022年第三季度", "党委常委会专题研究安全生产", 1, 0, Status.VIOLATED)
    '通化县委2022年第三季度应至少1次党委常委会专题研究安全生产，实际0次（未落实）。'
    """
    return f"{who}{when}应至少{at_least}次{title}，实际{count}次（{status.chinese}）。"


def due_message(who: str, title: str, due_day: date, done: Instant | None, status: Status) -> str:
    """The sentence of a deadline.

    >>> due_message("通化县委", "将安全生产纳入职责清单", date(2022, 9, 30), None, Status.VIOLATED)
    '通化县委应于2022年9月30日前将安全生产纳入职责清单，截至评估时点未见记录（未落实）。'
    >>> from compliance.timeline import parse_instant
    >>> due_message("通化县委", "报送", date(2022, 9, 30), parse_instant("2022-10-08"), Status.LATE)
    '通化县委应于2022年9月30日前报送，于2022年10月8日完成，逾期8天（逾期落实）。'
    """
    if done is None:
        state = "截至评估时点未见记录" if status is not Status.OPEN else "尚无记录，期限未到"
    else:
        state = f"于{chinese_when(done)}完成"
        if status is Status.LATE:
            late = (done.day - due_day).days
            state += f"，逾期{late}天" if late > 0 else "，已逾期"
    return f"{who}应于{chinese_date(due_day)}前{title}，{state}（{status.chinese}）。"
