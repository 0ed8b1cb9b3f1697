"""Hypothesis strategies for records, times, periods and whole exports.

Private: the public names are re-exported by :mod:`compliance.testing`, which
documents them. Every strategy checks its arguments when it is called, before
any example is drawn, and raises :class:`ArgumentError` (a
``hypothesis.errors.InvalidArgument`` and a ``ComplianceError``) with what was
expected and, for a misspelt name, the closest known one.

Generated records are the pydantic models of :mod:`compliance.facts`. A whole
export (:func:`exports`) is kept small (a few units, tens of events) so that an
example evaluates in about a millisecond, and it is built so that the rules it
is drawn for have something to decide: events of the types the rules select,
with the attributes, actors and targets their selectors ask for, at instants
near the rules' edges (period boundaries, due instants, windows).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as _replace
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from compliance.errors import ComplianceError, closest
from compliance.evaluation.context import target_matches, unit_matches
from compliance.facts import Event, Measure, Tenure, Unit, region_chain
from compliance.language import CompiledRule, Pack, load_packs
from compliance.language.schema import Selector, UnitFilter
from compliance.periods import Period, PeriodKind
from compliance.timeline import SHANGHAI, Instant, due_instant, parse_instant
from compliance.vocabulary import VOCABULARY

DEFAULT_MIN_DAY = date(2022, 1, 1)
"""The first day of generated records unless told otherwise."""
DEFAULT_MAX_DAY = date(2023, 6, 30)
"""The last day of generated records unless told otherwise."""
DEFAULT_FIRST_AS_OF = date(2022, 7, 1)
"""Evaluation instants are drawn from this day's 00:00 …"""
DEFAULT_LAST_AS_OF = date(2023, 7, 1)
"""… to this day's 00:00, so that most rules of the shipped pack have periods to decide."""

_FIRST_SUPPORTED = date(1901, 1, 1)
_LAST_SUPPORTED = date(9998, 12, 31)
_ONE_DAY = timedelta(days=1)
_MICROSECOND = timedelta(microseconds=1)
_END_OF_DAY = time(23, 59, 59, 999999)


class ArgumentError(ComplianceError, InvalidArgument):
    """A strategy or a property called with arguments that cannot work.

    Raised when the strategy or property is called, before any example is drawn.
    It is a :class:`~compliance.errors.ComplianceError` (with ``expected``,
    ``found`` and ``suggestion``) and a ``hypothesis.errors.InvalidArgument``.

    >>> try:
    ...     events(types=["safety_study_sesion"])
    ... except ArgumentError as error:
    ...     error.suggestion
    'safety_study_session'
    """


# -- checking arguments ------------------------------------------------------------------
def _day_range(min_value: Any, max_value: Any) -> tuple[date, date]:
    for name, value in (("min_value", min_value), ("max_value", max_value)):
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ArgumentError(f"{name} must be a day", expected="a datetime.date", found=value)
        if not _FIRST_SUPPORTED <= value <= _LAST_SUPPORTED:
            raise ArgumentError(f"{name} is outside the supported calendar",
                                expected=f"a day from {_FIRST_SUPPORTED} to {_LAST_SUPPORTED}", found=value)
    if max_value < min_value:
        raise ArgumentError("max_value is before min_value", found=f"{min_value}..{max_value}")
    return min_value, max_value


_FAMILY_NAMES = {
    "unit_kinds": "unit kind", "levels": "level", "roles": "role", "event_types": "event type",
    "metrics": "metric", "sectors": "sector", "tags": "tag",
}


def _names(family: str, values: Any, argument: str) -> tuple[str, ...] | None:
    """``values`` (a name or an iterable of names of a vocabulary family) checked, or None for all."""
    if values is None:
        return None
    if isinstance(values, str):
        values = (values,)
    try:
        values = tuple(values)
    except TypeError:
        raise ArgumentError(f"{argument} must be a name or a list of names", found=values) from None
    if not values:
        raise ArgumentError(f"{argument} is empty", expected="at least one name, or None for any")
    known = getattr(VOCABULARY, family)
    for value in values:
        if value not in known:
            raise ArgumentError(f"{argument}: unknown {_FAMILY_NAMES[family]}", found=value,
                                suggestion=closest(str(value), known))
    return tuple(dict.fromkeys(values))


def _period_kinds(kinds: Any, argument: str = "kinds") -> tuple[PeriodKind, ...]:
    if kinds is None:
        return tuple(PeriodKind)
    if isinstance(kinds, str):
        kinds = (kinds,)
    found: list[PeriodKind] = []
    for kind in kinds:
        try:
            found.append(PeriodKind(kind))
        except ValueError:
            names = [member.value for member in PeriodKind]
            raise ArgumentError(f"{argument}: unknown period kind", found=kind, suggestion=closest(str(kind), names),
                                expected="one of " + ", ".join(names)) from None
    if not found:
        raise ArgumentError(f"{argument} is empty", expected="at least one period kind, or None for all")
    return tuple(dict.fromkeys(found))


def _count_range(argument: str, value: Any, most: int) -> tuple[int, int]:
    """A count given as ``n`` or ``(least, most)``, checked against ``0 … most``."""
    pair = (value, value) if isinstance(value, int) and not isinstance(value, bool) else value
    if (not isinstance(pair, tuple) or len(pair) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in pair)):
        raise ArgumentError(f"{argument} must be a count or a (least, most) pair", found=value)
    least, top = pair
    if not 0 <= least <= top <= most:
        raise ArgumentError(f"{argument} is out of range", expected=f"0 <= least <= most <= {most}", found=value)
    return least, top


def _unit_sequence(units: Any, argument: str = "units") -> tuple[Unit, ...] | None:
    if units is None:
        return None
    units = tuple(units)
    if not units:
        raise ArgumentError(f"{argument} is empty", expected="at least one Unit, or None for made-up unit ids")
    for unit in units:
        if not isinstance(unit, Unit):
            raise ArgumentError(f"{argument} must hold Unit records", found=type(unit).__name__)
    return units


# -- times -----------------------------------------------------------------------------------
_OFFSET_MINUTES = st.one_of(
    st.sampled_from((0, 480, -300, 345, 330, 840, -720, 60, -60, 540, -570)),
    st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1),
)
# Around an edge: exactly on it, a microsecond, a second, a minute, an hour either side, and 8 hours
# (the difference between Shanghai and UTC, which a evaluator reading UTC days gets wrong).
_DELTAS = tuple(
    timedelta(**{unit: sign * size})
    for unit, size in (("microseconds", 1), ("seconds", 1), ("minutes", 1), ("hours", 1), ("hours", 8))
    for sign in (-1, 1)
) + (timedelta(0),) * 4


def _pick(draw: Any, choices: Sequence[Any]) -> Any:
    """One of ``choices`` (drawn by index: cheaper than a new ``sampled_from`` strategy per draw)."""
    if not choices:
        raise ArgumentError("nothing to choose from")
    return choices[draw(st.integers(0, len(choices) - 1))]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), SHANGHAI)


def _clamp(moment: datetime, lo: date, hi: date) -> datetime:
    return min(max(moment, _start_of(lo)), _start_of(hi) + _ONE_DAY - _MICROSECOND)


def _bare_text(day: date, form: int) -> str:
    if form == 1:
        return f"{day.year}/{day.month}/{day.day}"
    if form == 2:
        return f"{day.year}.{day.month}.{day.day}"
    if form == 3:
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def _naive_text(moment: datetime, form: int) -> str:
    """Shanghai wall-clock time without an offset, exact to the microsecond, in one of the accepted forms."""
    local = moment.astimezone(SHANGHAI)
    day = local.date()
    clock = f"{local:%H:%M:%S}" + (f".{local.microsecond:06d}" if local.microsecond else "")
    if form == 1:
        return f"{day.isoformat()} {clock}"
    if form == 2:
        return f"{day.year}/{day.month}/{day.day} {clock}"
    if form == 3:
        return f"{day.year}年{day.month}月{day.day}日 {clock}"
    if form == 4 and not local.microsecond:
        return f"{day.year}年{day.month}月{day.day}日{local.hour}时{local.minute:02d}分{local.second:02d}秒"
    return f"{day.isoformat()}T{clock}"


def _aware_text(moment: datetime, offset_minutes: int, form: int) -> str:
    """The same instant written with another UTC offset (``Z`` for UTC in one form)."""
    local = moment.astimezone(timezone(timedelta(minutes=offset_minutes)))
    text = local.isoformat(sep=" " if form == 1 else "T")
    if offset_minutes == 0 and form == 2:
        text = text[:-6] + "Z"
    return text


def _draw_written(draw: Any, moment: datetime, aware: bool, naive: bool, bare: bool) -> str:
    """``moment`` written as a record might write it (a bare date writes its Shanghai day)."""
    forms = [name for name, allowed in (("aware", aware), ("naive", naive), ("bare", bare)) if allowed]
    form = _pick(draw, forms)
    if form == "bare":
        return _bare_text(moment.astimezone(SHANGHAI).date(), draw(st.integers(0, 3)))
    if form == "naive":
        return _naive_text(moment, draw(st.integers(0, 4)))
    return _aware_text(moment, draw(_OFFSET_MINUTES), draw(st.integers(0, 2)))


def _draw_moment(draw: Any, lo: date, hi: date, edge_kinds: Sequence[PeriodKind] = (),
             extra: Sequence[datetime] = ()) -> datetime:
    """An aware instant in [lo 00:00, hi 24:00) Shanghai time: anywhere, at a period edge, or near ``extra``."""
    sources = ["anywhere"] + (["edge"] if edge_kinds else []) + (["extra", "extra"] if extra else [])
    source = _pick(draw, sources)
    if source == "edge":
        period = Period.containing(_pick(draw, tuple(edge_kinds)), draw(st.dates(lo, hi)))
        base = _pick(draw, (period.start_instant, period.end_instant))
        return _clamp(base + _pick(draw, _DELTAS), lo, hi)
    if source == "extra":
        base = _pick(draw, tuple(extra))
        shift = _pick(draw, _DELTAS + (-_ONE_DAY, _ONE_DAY, timedelta(days=-3), timedelta(days=3)))
        return _clamp(base + shift, lo, hi)
    # A day, then a time of day drawn on its own (office hours often): st.datetimes favours midnight.
    day = draw(st.dates(lo, hi))
    if draw(st.booleans()):
        seconds = draw(st.integers(8 * 3600, 18 * 3600))
    else:
        seconds = draw(st.integers(0, 86399))
    precision = _pick(draw, ("minute", "minute", "second", "microsecond"))
    if precision == "minute":
        seconds -= seconds % 60
    micro = draw(st.integers(0, 999_999)) if precision == "microsecond" else 0
    return _start_of(day) + timedelta(seconds=seconds, microseconds=micro)


_ALL_KINDS = tuple(PeriodKind)
_written = st.composite(_draw_written)
_moments = st.composite(_draw_moment)


def timestamps(
    min_value: date = DEFAULT_MIN_DAY,
    max_value: date = DEFAULT_MAX_DAY,
    *,
    offsets: bool = True,
    naive: bool = True,
    bare_dates: bool = True,
    period_edges: bool = True,
) -> st.SearchStrategy[str]:
    """Texts of an ``occurred_at`` column: instants between ``min_value`` and ``max_value`` (Shanghai days).

    Written with any UTC offset (``offsets``: ``2022-09-30T06:00:00Z``,
    ``2022-09-30 01:15:00-05:00``), as Shanghai wall-clock time without an offset
    (``naive``: ``2022-09-30 14:00:00``, ``2022/9/30 14:00:00``,
    ``2022年9月30日14时00分00秒``), or as bare dates, the whole day
    (``bare_dates``: ``2022-09-30``, ``2022/9/30``, ``2022.9.30``, ``2022年9月30日``).
    With ``period_edges`` many of them lie on, or a microsecond to eight hours
    either side of, the first instant of a period of some kind (a year, a quarter,
    a week…), where time-zone mistakes show.
    """
    lo, hi = _day_range(min_value, max_value)
    if not (offsets or naive or bare_dates):
        raise ArgumentError("no form of timestamp is allowed", expected="offsets, naive or bare_dates set")
    kinds = tuple(PeriodKind) if period_edges else ()
    return _moments(lo, hi, kinds).flatmap(lambda moment: _written(moment, offsets, naive, bare_dates))


def instants(
    min_value: date = DEFAULT_MIN_DAY,
    max_value: date = DEFAULT_MAX_DAY,
    *,
    bare_dates: bool = True,
    period_edges: bool = True,
) -> st.SearchStrategy[Instant]:
    """:class:`~compliance.timeline.Instant` values: what :func:`timestamps` texts read as."""
    return timestamps(min_value, max_value, bare_dates=bare_dates, period_edges=period_edges).map(parse_instant)


def evaluation_instants(
    min_value: date = DEFAULT_FIRST_AS_OF,
    max_value: date = DEFAULT_LAST_AS_OF,
) -> st.SearchStrategy[datetime]:
    """Evaluation instants (``as_of``), aware in Shanghai time, from ``min_value`` 00:00 to ``max_value`` 00:00.

    Many are exactly the first instant of a period (the moment a quarter is
    decided) or a day's 00:00 (what a bare ``--as-of`` date means).
    """
    lo, hi = _day_range(min_value, max_value)

    @st.composite
    def draw_one(draw: Any) -> datetime:
        source = _pick(draw, ("edge", "day", "anywhere"))
        if source == "anywhere":
            naive = draw(st.datetimes(min_value=datetime.combine(lo, time(0)), max_value=datetime.combine(hi, time(0))))
            return naive.replace(microsecond=0, tzinfo=SHANGHAI)
        day = draw(st.dates(lo, hi))
        if source == "edge":
            day = Period.containing(_pick(draw, tuple(PeriodKind)), day).start
            day = max(day, lo)
        return _start_of(day)

    return draw_one()


def periods(
    kinds: Iterable[PeriodKind | str] | None = None,
    *,
    min_value: date = DEFAULT_MIN_DAY,
    max_value: date = DEFAULT_MAX_DAY,
) -> st.SearchStrategy[Period]:
    """Calendar periods of the given kinds (default: every kind) containing a day in the range."""
    chosen = _period_kinds(kinds)
    lo, hi = _day_range(min_value, max_value)
    return st.builds(Period.containing, st.sampled_from(chosen), st.dates(lo, hi))


# -- units -----------------------------------------------------------------------------------
_PROVINCES = ("22", "22", "41", "44")
_PREFIX = {
    "party_committee": "SW", "government": "ZF", "safety_committee": "AWH", "safety_committee_office": "AWB",
    "department": "BM", "enterprise": "QY", "supervision_commission": "JW",
}
_ADMINISTRATIVE = ("party_committee", "government", "safety_committee", "safety_committee_office")
_TOWNSHIP_LINES = ("party_committee", "government")


def _name(region: str, kind: str, extra: str = "") -> str:
    return f"{region}{extra}{VOCABULARY.zh('unit_kinds', kind)}"


def _subset(choices: Sequence[str], most: int, least: int = 0) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(tuple(choices)), min_size=min(least, len(choices)), max_size=most,
                    unique=True).map(lambda items: tuple(sorted(items)))


def _regions() -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(_PROVINCES), st.integers(1, 9), st.integers(0, 40)).map(
        lambda parts: f"{parts[0]}{parts[1]:02d}{parts[2]:02d}")


def units(
    kinds: Iterable[str] | str | None = None,
    levels: Iterable[str] | str | None = None,
    *,
    sectors: Iterable[str] | str | None = None,
    tags: Iterable[str] | str | None = None,
) -> st.SearchStrategy[Unit]:
    """One :class:`~compliance.facts.Unit` of the given kinds and levels, on its own (no superior).

    ``sectors`` and ``tags`` restrict the names drawn for an enterprise's
    industries and tags (default: the whole vocabulary). For units that refer to
    each other, use :func:`unit_hierarchies`.
    """
    chosen_kinds = _names("unit_kinds", kinds, "kinds") or tuple(VOCABULARY.unit_kinds)
    chosen_levels = _names("levels", levels, "levels") or tuple(VOCABULARY.levels)
    chosen_sectors = _names("sectors", sectors, "sectors") or tuple(VOCABULARY.sectors)
    chosen_tags = _names("tags", tags, "tags") or tuple(VOCABULARY.tags)

    @st.composite
    def draw_one(draw: Any) -> Unit:
        kind = _pick(draw, chosen_kinds)
        region = draw(_regions())
        number = draw(st.integers(1, 999))
        is_enterprise = kind == "enterprise"
        return Unit(
            unit_id=f"{_PREFIX.get(kind, 'U')}{number}-{region}",
            name=_name(region, kind, str(number)),
            kind=kind,
            level=None if is_enterprise and levels is None else _pick(draw, chosen_levels),
            region=region,
            sectors=draw(_subset(chosen_sectors, 2)) if kind in ("enterprise", "department") else (),
            tags=draw(_subset(chosen_tags, 2)) if is_enterprise else (),
        )

    return draw_one()


def unit_hierarchies(
    *,
    counties: int | tuple[int, int] = (1, 2),
    townships: int | tuple[int, int] = (0, 1),
    departments: int | tuple[int, int] = (1, 2),
    enterprises: int | tuple[int, int] = (0, 3),
    province: bool | None = None,
    sectors: Iterable[str] | str | None = None,
    tags: Iterable[str] | str | None = None,
    within: str | None = None,
) -> st.SearchStrategy[tuple[Unit, ...]]:
    """A small administrative tree of units, consistent with itself, ordered by ``unit_id``.

    One city, ``counties`` counties in it (``n`` or ``(least, most)``),
    ``townships`` townships in each county and, when ``province`` is true (None:
    drawn), the province above. Each city and county has a party committee
    (``SW-…``), a government (``ZF-…``), a 安委会 (``AWH-…``) and its office
    (``AWB-…``), each with ``parent_id`` the same line one level up, and
    ``departments`` departments (``BM1-…``) with the sectors they supervise;
    townships have a party committee and a government. ``region`` is the
    GB/T 2260 code (``220521`` lies in ``220500``, in ``220000``). ``enterprises``
    enterprises (``QY1-…``) are spread over the counties and townships, with
    industries from ``sectors`` and tags from ``tags``. ``within`` (a province
    ``220000``, city ``220500`` or county ``220881`` code) places the tree there:
    in that province, that city, or with that county among its counties.
    """
    county_range = _count_range("counties", counties, 6)
    if county_range[1] < 1:
        raise ArgumentError("counties must allow at least one county", found=counties)
    township_range = _count_range("townships", townships, 3)
    department_range = _count_range("departments", departments, 4)
    enterprise_range = _count_range("enterprises", enterprises, 12)
    if province is not None and not isinstance(province, bool):
        raise ArgumentError("province must be True, False or None (drawn)", found=province)
    chosen_sectors = _names("sectors", sectors, "sectors") or tuple(VOCABULARY.sectors)
    chosen_tags = _names("tags", tags, "tags") or tuple(VOCABULARY.tags)
    if within is not None and not (isinstance(within, str) and len(within) == 6 and within.isdigit()
                                   and within[:2] != "00"):
        raise ArgumentError("within must be a 6-digit region code", expected="a GB/T 2260 code such as 220500",
                            found=within)

    @st.composite
    def draw_one(draw: Any) -> tuple[Unit, ...]:
        code = within[:2] if within else _pick(draw, _PROVINCES)
        if within and within[2:4] != "00":
            city = f"{within[:4]}00"
        else:
            city = f"{code}{draw(st.integers(1, 9)):02d}00"
        county_count = draw(st.integers(max(1, county_range[0]), county_range[1]))
        numbers = draw(st.lists(st.integers(1, 40), min_size=county_count, max_size=county_count, unique=True))
        counties_ = sorted(f"{city[:4]}{number + 20:02d}" for number in numbers)
        if within and within[4:6] != "00" and within not in counties_:
            counties_ = sorted([within, *counties_[1:]])
        with_province = draw(st.booleans()) if province is None else province
        made: list[Unit] = []

        def administrative(region: str, level: str, parent: str | None, lines: Sequence[str]) -> None:
            for kind in lines:
                made.append(Unit(
                    unit_id=f"{_PREFIX[kind]}-{region}", name=_name(region, kind), kind=kind, level=level,
                    parent_id=f"{_PREFIX[kind]}-{parent}" if parent else None, region=region))

        def departments_of(region: str, level: str, parent: str | None, parent_count: int) -> int:
            count = draw(st.integers(*department_range))
            for index in range(1, count + 1):
                made.append(Unit(
                    unit_id=f"BM{index}-{region}", name=_name(region, "department", f"第{index}"), kind="department",
                    level=level, parent_id=f"BM{index}-{parent}" if parent and index <= parent_count else None,
                    region=region, sectors=draw(_subset(chosen_sectors, 2, 1))))
            return count

        province_region = f"{code}0000"
        if with_province:
            administrative(province_region, "province", None, _ADMINISTRATIVE)
        administrative(city, "city", province_region if with_province else None, _ADMINISTRATIVE)
        city_departments = departments_of(city, "city", None, 0)
        places = []
        for county in counties_:
            administrative(county, "county", city, _ADMINISTRATIVE)
            departments_of(county, "county", city, city_departments)
            places.append(county)
            for index in range(1, draw(st.integers(*township_range)) + 1):
                township = f"{county}{100 + index}"
                administrative(township, "township", county, _TOWNSHIP_LINES)
                places.append(township)
        for index in range(1, draw(st.integers(*enterprise_range)) + 1):
            region = _pick(draw, places)
            made.append(_enterprise(index, region, draw(_subset(chosen_sectors, 2, 1)),
                                    draw(_subset(chosen_tags, 2))))
        return tuple(sorted(made, key=lambda unit: unit.unit_id))

    return draw_one()


def _enterprise(index: int, region: str, sectors: Sequence[str], tags: Sequence[str]) -> Unit:
    return Unit(unit_id=f"QY{index}-{region}", name=_name(region, "enterprise", f"第{index}"), kind="enterprise",
                region=region, sectors=tuple(sectors), tags=tuple(tags))


# -- people ----------------------------------------------------------------------------------
_NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞", "徐明", "孙丽")
_POSTS = ("underground", "surface", "office")
_LEADERS = ("party_committee", "government", "safety_committee", "department", "enterprise")


def _days(draw: Any, lo: date, hi: date) -> tuple[date | None, date | None]:
    """(start, end) of a tenure: open-ended now and then, else inside a range a little wider than [lo, hi]."""
    wide_lo = lo - timedelta(days=200)
    start = None if draw(st.integers(0, 4)) == 0 else draw(st.dates(wide_lo, hi))
    end = None if draw(st.integers(0, 2)) else draw(st.dates(start or wide_lo, hi + timedelta(days=60)))
    return start, end


class _People:
    """Hands out person ids P1, P2, … and keeps each person's name."""

    def __init__(self, draw: Any, taken: Iterable[str] = ()) -> None:
        self.draw = draw
        self.taken = set(taken)
        self.count = 0

    def new(self, choose: _Seeded | None = None) -> tuple[str, str]:
        self.count += 1
        while f"P{self.count}" in self.taken:
            self.count += 1
        self.taken.add(f"P{self.count}")
        return f"P{self.count}", choose.pick(_NAMES) if choose else _pick(self.draw, _NAMES)


def _maybe_day(draw: Any, first: date, last: date) -> date | None:
    """None now and then (an open-ended tenure), else a day of [first, last]."""
    return None if draw(st.integers(0, 3)) == 0 else draw(st.dates(first, last))


class _Seeded:
    """Choices made from one drawn seed: a unit's people are drawn in one step, which keeps exports fast.

    Hypothesis shrinks the seed towards 0, and 0 means "no people in this unit", so a failing example
    still loses the people it does not need.
    """

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def integer(self, least: int, most: int) -> int:
        return self.random.randint(least, most)

    def chance(self, one_in: int) -> bool:
        return self.random.randrange(one_in) == 0

    def pick(self, choices: Sequence[Any]) -> Any:
        return choices[self.random.randrange(len(choices))]

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.random.randint(0, max(0, (last - first).days)))

    def maybe_day(self, first: date, last: date) -> date | None:
        return None if self.chance(4) else self.day(first, last)

    def span(self, lo: date, hi: date) -> tuple[date | None, date | None]:
        """(start, end) of a tenure: open-ended now and then, else inside a range a little wider than [lo, hi]."""
        wide_lo = lo - timedelta(days=200)
        start = None if self.chance(5) else self.day(wide_lo, hi)
        end = None if not self.chance(3) else self.day(start or wide_lo, hi + timedelta(days=60))
        return start, end


def _draw_people(draw: Any, chosen: Sequence[Unit], lo: date, hi: date, member_range: tuple[int, int],
                 worker_range: tuple[int, int], taken: Iterable[str] = ()) -> tuple[Tenure, ...]:
    """The rows of ``people`` :func:`people` describes (a plain function, for use inside other draws)."""
    ids = _People(draw, taken)
    rows: list[Tenure] = []
    for unit in chosen:
        seed = draw(st.integers(0, 2**32 - 1))
        if seed:
            rows += _people_of(unit, _Seeded(seed), ids, lo, hi, member_range, worker_range)
    return tuple(rows)


def _people_of(unit: Unit, choose: _Seeded, ids: _People, lo: date, hi: date, member_range: tuple[int, int],
               worker_range: tuple[int, int]) -> list[Tenure]:
    rows: list[Tenure] = []

    def tenure(person: tuple[str, str], role: str, start: date | None, end: date | None, **attributes: Any) -> None:
        rows.append(Tenure(person_id=person[0], name=person[1], unit_id=unit.unit_id, role=role, start=start,
                           end=end, attributes=attributes))

    if unit.kind in _LEADERS and not choose.chance(10):
        first = ids.new(choose)
        earliest = choose.maybe_day(lo - timedelta(days=400), lo)
        if choose.chance(2):  # a handover inside the range
            handover = choose.day(lo + _ONE_DAY, hi)
            tenure(first, "principal", earliest, handover - _ONE_DAY)
            tenure(ids.new(choose), "principal", handover, None)
        else:
            tenure(first, "principal", earliest, None)
        if unit.kind == "party_committee" and choose.chance(4):
            tenure(first, "standing_member", *choose.span(lo, hi))  # the principal is a member too
    if unit.kind in ("party_committee", "government"):
        role = "standing_member" if unit.kind == "party_committee" else "deputy"
        for _ in range(choose.integer(*member_range)):
            extra = {}
            if role == "deputy" and choose.chance(2):  # the sectors a leader is in charge of (分管)
                extra["sectors"] = tuple(sorted({choose.pick(tuple(VOCABULARY.sectors)) for _ in range(2)}))
            tenure(ids.new(choose), role, *choose.span(lo, hi), **extra)
    if unit.kind == "enterprise":
        for _ in range(choose.integer(*worker_range)):
            extra = {"employment": choose.pick(VOCABULARY.person_attributes["employment"])}
            if not choose.chance(4):
                extra["post"] = choose.pick(_POSTS)
            tenure(ids.new(choose), "worker", choose.day(lo - timedelta(days=30), hi),
                   choose.maybe_day(hi, hi + timedelta(days=90)), **extra)
    return rows


_people_strategy = st.composite(_draw_people)


def people(
    units: Sequence[Unit],
    *,
    min_value: date = DEFAULT_MIN_DAY,
    max_value: date = DEFAULT_MAX_DAY,
    members: int | tuple[int, int] = (0, 2),
    workers: int | tuple[int, int] = (0, 2),
) -> st.SearchStrategy[tuple[Tenure, ...]]:
    """Rows of ``people`` for the given units: leaders with their roles, and workers.

    Every party committee, government, 安委会, department and enterprise gets a
    principal (sometimes two, one after the other, with a handover inside the
    range); party committees get ``members`` standing members (some of them the
    principal too, for "other than the principal" rules) and governments as many
    deputies; enterprises get ``workers`` workers with ``employment``
    (staff, dispatched, flexible) and often a ``post``. Tenures start and end
    around the range, or are open-ended. Person ids (``P1``…) are unique and each
    person keeps one name.
    """
    chosen = _unit_sequence(units) or ()
    lo, hi = _day_range(min_value, max_value)
    member_range = _count_range("members", members, 5)
    worker_range = _count_range("workers", workers, 8)

    return _people_strategy(chosen, lo, hi, member_range, worker_range)


def tenures(
    units: Sequence[Unit] | None = None,
    roles: Iterable[str] | str | None = None,
    *,
    min_value: date = DEFAULT_MIN_DAY,
    max_value: date = DEFAULT_MAX_DAY,
) -> st.SearchStrategy[Tenure]:
    """One row of ``people``: a person holding one of ``roles`` in one of ``units`` (made-up ids if None)."""
    chosen_units = _unit_sequence(units)
    chosen_roles = _names("roles", roles, "roles") or tuple(VOCABULARY.roles)
    lo, hi = _day_range(min_value, max_value)
    unit_ids = st.sampled_from([u.unit_id for u in chosen_units]) if chosen_units else _regions().map(lambda r: f"U-{r}")

    @st.composite
    def draw_one(draw: Any) -> Tenure:
        role = _pick(draw, chosen_roles)
        start, end = _days(draw, lo, hi)
        attributes: dict[str, Any] = {}
        if role == "worker":
            attributes["employment"] = _pick(draw, VOCABULARY.person_attributes["employment"])
            if draw(st.booleans()):
                attributes["post"] = _pick(draw, _POSTS)
        return Tenure(person_id=f"P{draw(st.integers(1, 999))}", name=_pick(draw, _NAMES),
                      unit_id=draw(unit_ids), role=role, start=start, end=end, attributes=attributes)

    return draw_one()


# -- events ----------------------------------------------------------------------------------
_CATEGORIES = ("blocked_exit", "blocked_evacuation_route", "fire", "road_traffic", "gas", "tailings_dam",
               "group_rental", "passenger_vehicle", "passenger_vessel")
_IDS = {"hazard_id": ("H1", "H2", "H3"), "accident_id": ("A1", "A2"), "meeting_id": ("E1", "E2", "E3")}
# Counts near the grades of 国务院令第493号 第三条 (deaths 3/10/30, serious injuries 10/50/100, loss 1000万/5000万/1亿).
_THRESHOLDS = {
    "deaths": (1, 3, 10, 30),
    "serious_injuries": (1, 10, 50, 100),
    "direct_loss_yuan": (10_000_000, 50_000_000, 100_000_000),
}
_STRINGS = {
    "category": _CATEGORIES,
    "industry": tuple(VOCABULARY.sectors),
    "sanction": ("dismissal", "criminal_penalty", "warning", "demerit"),
    "owner": ("王芳", "安全科"),
    "measures": ("停用整改", "加装防护"),
}


def _attribute_value(draw: Any, name: str, kind: object, lo: date, hi: date, ids: Mapping[str, Sequence[str]]) -> Any:
    if isinstance(kind, list):
        return _pick(draw, kind)
    if kind == "integer":
        edges = _THRESHOLDS.get(name)
        if edges and draw(st.booleans()):  # on a grade's threshold or one below (以上 includes the number)
            return max(0, _pick(draw, edges) - draw(st.integers(0, 1)))
        return draw(st.integers(0, 2 * 10**8 if name.endswith("yuan") else 120))
    if kind == "boolean":
        return draw(st.booleans())
    if kind == "date":
        return draw(st.dates(lo, hi + timedelta(days=60))).isoformat()
    if kind == "list":
        return tuple(draw(st.lists(st.sampled_from(("a", "b", "c")), max_size=2, unique=True)))
    choices = ids.get(name) or _STRINGS.get(name) or ("甲", "乙")
    return _pick(draw, tuple(choices))


def _attributes(draw: Any, event_type: str, lo: date, hi: date, ids: Mapping[str, Sequence[str]] = _IDS,
                complete: bool = False) -> dict[str, Any]:
    """Typed attributes of an event type; each one present now and then (always with ``complete``)."""
    values: dict[str, Any] = {}
    for name, kind in VOCABULARY.event_types[event_type].attributes:
        if complete or draw(st.integers(0, 2)):
            values[name] = _attribute_value(draw, name, kind, lo, hi, ids)
    return values


def events(
    units: Sequence[Unit] | None = None,
    types: Iterable[str] | str | None = None,
    *,
    people: Sequence[Tenure] = (),
    min_value: date = DEFAULT_MIN_DAY,
    max_value: date = DEFAULT_MAX_DAY,
) -> st.SearchStrategy[Event]:
    """One :class:`~compliance.facts.Event` of one of ``types`` (default: any), in one of ``units``.

    ``occurred_at`` is drawn as :func:`timestamps` writes it (any offset, naive,
    bare dates, period edges); attributes are those the vocabulary declares for
    the type, typed, each present now and then. The actor, when there is one,
    is a person of ``people`` with a role in the event's unit; the target, when
    there is one, is another of ``units``. Ids are ``E1``… and may repeat across
    draws: use ``st.lists(events(...), unique_by=lambda e: e.event_id)``, or
    :func:`exports`, for several.
    """
    chosen_units = _unit_sequence(units)
    chosen_types = _names("event_types", types, "types") or tuple(VOCABULARY.event_types)
    lo, hi = _day_range(min_value, max_value)
    staff = tuple(people)
    for person in staff:
        if not isinstance(person, Tenure):
            raise ArgumentError("people must hold Tenure records", found=type(person).__name__)
    unit_ids = [u.unit_id for u in chosen_units] if chosen_units else None

    @st.composite
    def draw_one(draw: Any) -> Event:
        event_type = _pick(draw, chosen_types)
        unit_id = _pick(draw, unit_ids) if unit_ids else draw(_regions().map(lambda r: f"U-{r}"))
        persons = sorted({t.person_id for t in staff if t.unit_id == unit_id})
        actor = _pick(draw, persons) if persons and draw(st.booleans()) else None
        target = _pick(draw, unit_ids) if unit_ids and draw(st.booleans()) else None
        return Event(event_id=f"E{draw(st.integers(1, 999))}", unit_id=unit_id, type=event_type,
                     occurred_at=_draw_written(draw, _draw_moment(draw, lo, hi, _ALL_KINDS), True, True, True),
                     actor_id=actor, target_id=target,
                     attributes=_attributes(draw, event_type, lo, hi))

    return draw_one()


def measures(
    units: Sequence[Unit] | None = None,
    metrics: Iterable[str] | str | None = None,
    *,
    min_value: date = DEFAULT_MIN_DAY,
    max_value: date = DEFAULT_MAX_DAY,
    max_count: int = 40,
) -> st.SearchStrategy[Measure]:
    """One :class:`~compliance.facts.Measure`: a count from 0 to ``max_count`` of one of ``metrics`` at a day."""
    chosen_units = _unit_sequence(units)
    chosen_metrics = _names("metrics", metrics, "metrics") or tuple(VOCABULARY.metrics)
    lo, hi = _day_range(min_value, max_value)
    if not isinstance(max_count, int) or isinstance(max_count, bool) or max_count < 0:
        raise ArgumentError("max_count must be a whole number, at least 0", found=max_count)
    unit_ids = st.sampled_from([u.unit_id for u in chosen_units]) if chosen_units else _regions().map(
        lambda r: f"BM-{r}")
    return st.builds(Measure, unit_id=unit_ids, metric=st.sampled_from(chosen_metrics),
                     value=st.integers(0, max_count), as_of=st.dates(lo, hi))


# -- whole exports -----------------------------------------------------------------------------
def _field(record: Any, name: str) -> Any:
    return record.get(name) if isinstance(record, Mapping) else getattr(record, name)


@dataclass(frozen=True)
class Export:
    """A whole export held in memory: the four tables of an export folder (CONTRACT.md "Records in").

    Each table is a tuple of records: the models of :mod:`compliance.facts` or
    plain dicts with the contract's columns, as :func:`compliance.evaluate`
    accepts them. Exports are values: the methods return new ones.

    >>> from compliance.facts import Unit, Event
    >>> export = Export(units=(Unit(unit_id="SW-1", name="某县委", kind="party_committee", level="county"),))
    >>> export = export.adding(Event(event_id="E1", unit_id="SW-1", type="safety_study_session",
    ...                              occurred_at="2022-08-01T09:00"))
    >>> result = export.evaluate(as_of="2022-10-01", rules_only=["tonghua-2022-10.t02"])
    >>> [(f.period, f.status.value) for f in result.findings]
    [('2022-Q3', 'satisfied')]
    """

    units: tuple[Any, ...] = ()
    people: tuple[Any, ...] = ()
    events: tuple[Any, ...] = ()
    measures: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        for name in ("units", "people", "events", "measures"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def evaluate(self, *, as_of: datetime | date | str, rules: Any = None, rules_only: Iterable[str] | None = None,
                 **options: Any) -> Any:
        """:func:`compliance.evaluate` on these records; ``rules`` are pack paths or loaded packs.

        Pack files are loaded once and kept (unless ``overrides`` are given), since property tests
        evaluate thousands of exports against the same packs.
        """
        from compliance.api import evaluate

        packs = rules if options.get("overrides") else list(loaded_packs(rules))
        return evaluate(units=self.units, people=self.people, events=self.events, measures=self.measures,
                        rules=packs, as_of=as_of, rules_only=rules_only, **options)

    def replace(self, **tables: Iterable[Any]) -> Export:
        """The same export with some tables replaced."""
        return _replace(self, **{name: tuple(rows) for name, rows in tables.items()})

    def adding(self, *events: Any) -> Export:
        """The export with these events appended."""
        return self.replace(events=self.events + tuple(events))

    def without_events(self, event_ids: Iterable[str]) -> Export:
        """The export without the events of these ids."""
        dropped = set(event_ids)
        return self.replace(events=[e for e in self.events if _field(e, "event_id") not in dropped])

    @cached_property
    def _canonical(self) -> dict[str, Counter[str]]:
        """Each table as a multiset of canonical JSON rows (what the properties compare), computed once."""
        return {name: Counter(_canonical_row(record) for record in getattr(self, name))
                for name in ("units", "people", "events", "measures")}

    def as_rows(self) -> dict[str, list[dict[str, Any]]]:
        """The tables as plain JSON-ready dicts, as a JSON Lines export holds them (instants in Shanghai time)."""
        return {
            "units": [_row(record) for record in self.units],
            "people": [_row(record) for record in self.people],
            "events": [_row(record) for record in self.events],
            "measures": [_row(record) for record in self.measures],
        }


_CANONICAL: dict[int, tuple[Any, str]] = {}


def _canonical_row(record: Any) -> str:
    """A record as canonical JSON; remembered for models (variants share their records with the export)."""
    if isinstance(record, Mapping):
        return json.dumps(_row(record), sort_keys=True, ensure_ascii=False, default=str)
    known = _CANONICAL.get(id(record))
    if known is not None and known[0] is record:
        return known[1]
    text = json.dumps(_row(record), sort_keys=True, ensure_ascii=False, default=str)
    if len(_CANONICAL) >= 8192:
        _CANONICAL.clear()
    _CANONICAL[id(record)] = (record, text)
    return text


def _row(record: Any) -> dict[str, Any]:
    if isinstance(record, Mapping):
        return dict(record)
    data = {name: getattr(record, name) for name in type(record).model_fields}
    for name, value in data.items():
        if isinstance(value, (Instant, date)):
            data[name] = value.isoformat()
        elif isinstance(value, tuple):
            data[name] = list(value)
    if "attributes" in data:
        data["attributes"] = {key: list(value) if isinstance(value, tuple) else value
                              for key, value in data["attributes"].items()}
    return data


# -- rules: which packs, which rules --------------------------------------------------------
@lru_cache(maxsize=32)
def _load(files: tuple[tuple[str, int], ...]) -> tuple[Pack, ...]:
    return tuple(load_packs([name for name, _ in files] or None))


def loaded_packs(rules: Any = None) -> tuple[Pack, ...]:
    """The packs named by ``rules`` as :func:`compliance.evaluate` reads them (default: the shipped ones), cached."""
    if rules is None:
        return _load(())
    if isinstance(rules, (str, Path)):
        rules = [rules]
    rules = list(rules)
    if rules and all(isinstance(pack, Pack) for pack in rules):
        return tuple(rules)
    if any(isinstance(pack, Pack) for pack in rules):
        raise ArgumentError("rules mixes loaded packs and paths", expected="pack files or folders, or Pack objects")
    files = []
    for entry in map(Path, rules):
        files.append((str(entry.resolve()), entry.stat().st_mtime_ns if entry.exists() else 0))
    return _load(tuple(files))


def resolve_rules(rules: Any = None, rules_only: Iterable[str] | str | None = None
                  ) -> tuple[tuple[CompiledRule, ...], tuple[Pack, ...]]:
    """The compiled rules chosen (all of the packs', or ``rules_only``) and the packs they come from."""
    packs = loaded_packs(rules)
    known = {rule.id: rule for pack in packs for rule in pack.rules}
    if rules_only is None:
        return tuple(known.values()), packs
    if isinstance(rules_only, str):
        rules_only = [rules_only]
    chosen = []
    for rule_id in rules_only:
        if rule_id not in known:
            raise ArgumentError("unknown rule id", found=rule_id, suggestion=closest(str(rule_id), known))
        chosen.append(known[rule_id])
    if not chosen:
        raise ArgumentError("rules_only is empty", expected="at least one rule id, or None for every rule")
    return tuple(chosen), packs


# -- events a rule counts ------------------------------------------------------------------------
@dataclass
class _Scene:
    """An export being built: its units, people and events so far, and fresh event ids."""

    units: tuple[Unit, ...]
    people: tuple[Tenure, ...]
    lo: date
    hi: date
    events: list[Event] = field(default_factory=list)
    prefix: str = "E"
    rules: Mapping[str, CompiledRule] = field(default_factory=dict)
    _taken: set[str] = field(default_factory=set)
    _count: int = 0

    def __post_init__(self) -> None:
        self._taken = {event.event_id for event in self.events}

    def new_id(self) -> str:
        self._count += 1
        while f"{self.prefix}{self._count}" in self._taken:
            self._count += 1
        self._taken.add(f"{self.prefix}{self._count}")
        return f"{self.prefix}{self._count}"

    def bound(self, rule: CompiledRule) -> list[Unit]:
        return [unit for unit in self.units if unit_matches(unit, rule.applies_to)]

    def holders(self, unit_id: str, role: str | None, day: date) -> list[str]:
        return sorted({t.person_id for t in self.people
                       if t.unit_id == unit_id and (role is None or t.role == role) and t.holds_on(day)})

    def ids(self) -> dict[str, tuple[str, ...]]:
        """Id pools for correlating attributes: meetings and accidents name events that exist."""
        meetings = tuple(e.event_id for e in self.events if e.type == "standing_committee_safety_meeting")
        accidents = tuple(e.event_id for e in self.events if e.type == "accident")
        return {**_IDS, "meeting_id": meetings or _IDS["meeting_id"],
                "accident_id": accidents + _IDS["accident_id"][:1]}


def _value(draw: Any, expected: Any) -> Any:
    return _pick(draw, tuple(expected)) if isinstance(expected, (list, tuple)) else expected


def _selected(draw: Any, scene: _Scene, selector: Selector, unit: Unit, moment: str, *, role: str | None = None,
              actor: str | None = None, target: Unit | None = None, attributes: Mapping[str, Any] = {},
              complete: bool = False) -> Event:
    """An event of ``unit`` that ``selector`` very probably counts (sometimes, on purpose, one it does not)."""
    event_type = _pick(draw, selector.type)
    values = _attributes(draw, event_type, scene.lo, scene.hi, scene.ids(), complete=complete)
    fields: dict[str, Any] = {}
    for name, expected in selector.where.items():
        if name in ("actor_id", "target_id", "unit_id"):
            fields[name] = _value(draw, expected)
        else:
            values[name] = _value(draw, expected)
    values.update(attributes)
    day = parse_instant(moment).day
    if actor is None:
        wanted = role or selector.actor_role
        candidates = scene.holders(unit.unit_id, wanted, day) if draw(st.integers(0, 7)) else []
        candidates = candidates or scene.holders(unit.unit_id, None, day)
        actor = _pick(draw, candidates) if candidates and draw(st.integers(0, 9)) else None
    if target is None and draw(st.integers(0, 9)):
        criteria = selector.target
        fits = [u for u in scene.units if criteria is not None and target_matches(u, unit, criteria)]
        if fits:
            target = _pick(draw, fits)
        elif draw(st.integers(0, 2)) == 0:
            target = _pick(draw, scene.units)
    event = Event(event_id=scene.new_id(), unit_id=fields.pop("unit_id", unit.unit_id), type=event_type,
                  occurred_at=moment, actor_id=fields.pop("actor_id", actor),
                  target_id=fields.pop("target_id", target.unit_id if target else None), attributes=values)
    scene.events.append(event)
    return event


def _rule_edges(rule: CompiledRule) -> tuple[tuple[PeriodKind, ...], tuple[datetime, ...]]:
    """The period kinds and the instants where a rule's findings change."""
    obligation = rule.obligation
    kinds: list[PeriodKind] = [PeriodKind.DAY]
    moments = [_start_of(rule.in_force.from_)]
    period = getattr(obligation, "period", None)
    if isinstance(period, dict):
        kinds.extend(period.values())
    elif period is not None:
        kinds.append(period)
    for window in getattr(obligation, "sensitive", ()):
        moments += [_start_of(window.from_), due_instant(window.to)]
    if rule.kind == "deadline":
        moments.append(due_instant(obligation.due))
    elif rule.kind == "window":
        moments += [_start_of(obligation.from_), due_instant(obligation.to)]
    elif rule.kind == "quota" and obligation.coverage is not None:
        moments.append(due_instant(obligation.coverage.by))
    return tuple(dict.fromkeys(kinds)), tuple(moments)


def _moment_text(draw: Any, scene: _Scene, rule: CompiledRule, near: Sequence[datetime] = ()) -> str:
    kinds, moments = _rule_edges(rule)
    # Mostly while the rule is in force (a month either side), where events change findings.
    lo = min(max(scene.lo, rule.in_force.from_ - timedelta(days=30)), scene.hi)
    hi = scene.hi if rule.in_force.to is None else max(lo, min(scene.hi, rule.in_force.to + timedelta(days=30)))
    inside = tuple(m for m in (tuple(near) or moments) if _start_of(lo) <= m <= _start_of(hi) + _ONE_DAY)
    moment = _draw_moment(draw, lo, hi, kinds, inside)
    return _draw_written(draw, moment, True, True, True)


def _background(draw: Any, scene: _Scene) -> Event:
    event_type = _pick(draw, tuple(VOCABULARY.event_types))
    unit = _pick(draw, scene.units)
    moment = _draw_written(draw, _draw_moment(draw, scene.lo, scene.hi, _ALL_KINDS), True, True, True)
    return _selected(draw, scene, Selector(type=(event_type,)), unit, moment)


class _NothingToAdd(Exception):
    """The rule counts no events the scene could hold (a ratio quota, a prohibited tenure)."""


def _add_counted(draw: Any, scene: _Scene, rule: CompiledRule, purpose: str = "any") -> Event:
    """Add one event that ``rule`` counts to the scene (see :func:`qualifying_events`).

    ``purpose`` is ``"any"`` (for building exports: triggers too) or ``"growth"``
    (for monotonicity: what the obligation is satisfied by).
    """
    obligation = rule.obligation
    kind = rule.kind
    bound = scene.bound(rule)
    if kind == "quota" and obligation.ratio is not None:
        raise _NothingToAdd("a ratio quota counts measures, not events")
    if kind == "prohibition" and obligation.tenure is not None:
        raise _NothingToAdd("a prohibition of tenures counts rows of people, not events")
    if kind == "precondition" and obligation.tenure is not None:
        return _add_prior_for_tenure(draw, scene, rule, bound)
    if kind == "response":
        return _add_for_response(draw, scene, rule, bound, purpose)
    if kind == "sanction":
        return _add_for_sanction(draw, scene, rule, bound, purpose)
    if kind == "chain":
        return _add_for_chain(draw, scene, rule, bound)
    if kind == "ban":
        return _add_for_ban(draw, scene, rule, bound)
    if kind == "quota":
        coverage = obligation.coverage
        members = sorted({member.unit_id: member for b in bound for member in scene.units
                          if unit_matches(member, coverage.population) and b.region
                          and b.region in region_chain(member.region)}.values(), key=lambda u: u.unit_id)
        if not members:
            return _background(draw, scene)
        return _selected(draw, scene, coverage.covered_by, _pick(draw, members),
                              _moment_text(draw, scene, rule))
    if not bound:
        return _background(draw, scene)
    if kind == "coverage":
        pairs = []
        criteria = obligation.subordinates
        for parent in bound:
            wanted = criteria if criteria != UnitFilter() else UnitFilter(kind=(parent.kind,))
            pairs += [(parent, child) for child in scene.units
                      if child.parent_id == parent.unit_id and unit_matches(child, wanted)]
        if not pairs:
            return _background(draw, scene)
        parent, child = _pick(draw, pairs)
        return _selected(draw, scene, obligation.event, parent, _moment_text(draw, scene, rule), target=child)
    unit = _pick(draw, bound)
    if kind == "precondition":
        judged = [e for e in scene.events if e.type in obligation.event.type and e.unit_id in {u.unit_id for u in bound}]
        prior = obligation.requires.prior
        if prior is not None and (purpose == "growth" or (judged and draw(st.booleans()))):
            if not judged:
                return _selected(draw, scene, prior, unit, _moment_text(draw, scene, rule))
            before = _pick(draw, judged)
            moment = _moment_text(draw, scene, rule, near=(before.occurred_at.at,))
            return _selected(draw, scene, prior, _unit_of(scene, before.unit_id), moment, actor=before.actor_id)
        wanted = dict(obligation.requires.attributes)
        if wanted and draw(st.booleans()):  # half of them fail one condition or more
            names = sorted(wanted)
            for name in {_pick(draw, names)} | {name for name in names if draw(st.integers(0, len(names))) == 0}:
                wanted[name] = _other_than(wanted[name])
        return _selected(draw, scene, obligation.event, unit, _moment_text(draw, scene, rule), attributes=wanted)
    role = rule.applies_to.role if rule.per_person else None
    if kind == "completeness":
        values = _selected(draw, scene, obligation.event, unit, _moment_text(draw, scene, rule), complete=True)
        missing = [name for name in obligation.required if draw(st.integers(0, 3)) == 0]
        if missing:
            scene.events[-1] = values = values.model_copy(
                update={"attributes": {k: v for k, v in values.attributes.items() if k not in missing}})
        return values
    selector = getattr(obligation, "event", None)
    if not isinstance(selector, Selector):  # a kind this module does not know yet
        return _background(draw, scene)
    return _selected(draw, scene, selector, unit, _moment_text(draw, scene, rule), role=role)


def _add_for_sanction(draw: Any, scene: _Scene, rule: CompiledRule, bound: list[Unit], purpose: str) -> Event:
    """An event that brings the sanction, or (for a sanction on findings) one a rule it names counts."""
    when = rule.obligation.when
    if when.event is not None:
        if not bound:
            return _background(draw, scene)
        unit = _pick(draw, bound)
        moment = _moment_text(draw, scene, rule)
        if not when.grade:
            return _selected(draw, scene, when.event, unit, moment)
        accident = _graded_accident(draw, scene, when.grade, unit, moment)
        if set(when.event.type) & {"accident"}:
            return accident
        return _selected(draw, scene, when.event, unit, moment, attributes={"accident_id": accident.event_id})
    named = [scene.rules[name] for name in when.findings.rules if name in scene.rules]
    if not named:
        return _background(draw, scene)
    try:
        return _add_counted(draw, scene, _pick(draw, named), purpose)
    except _NothingToAdd:
        return _background(draw, scene)


def _add_for_chain(draw: Any, scene: _Scene, rule: CompiledRule, bound: list[Unit]) -> Event:
    """A chain's starting event (with its key and due-date attributes), or a step's event for one of them."""
    chain = rule.obligation
    ids = {unit.unit_id for unit in bound}
    starts = [e for e in scene.events if e.type in chain.start.type and e.unit_id in ids and e.attribute(chain.key)]
    if not starts or draw(st.integers(0, 2)) == 0:
        if not bound:
            return _background(draw, scene)
        moment = _moment_text(draw, scene, rule)
        day = parse_instant(moment).day
        values = {chain.key: _pick(draw, _IDS.get(chain.key, ("K1", "K2", "K3")))}
        for step in chain.steps:
            if step.by.attribute:
                values[step.by.attribute] = (day + timedelta(days=draw(st.integers(0, 45)))).isoformat()
        start = _selected(draw, scene, chain.start, _pick(draw, bound), moment, attributes=values)
        for step in chain.steps:  # the steps, one after the other, until one is left out
            if not draw(st.integers(0, 3)):
                break
            _step(draw, scene, rule, start, step)
        return start
    return _step(draw, scene, rule, _pick(draw, starts), _pick(draw, chain.steps))


def _step(draw: Any, scene: _Scene, rule: CompiledRule, start: Event, step: Any) -> Event:
    """An event owed by one step of a chain started by ``start``, near the step's due instant."""
    chain = rule.obligation
    unit = _unit_of(scene, start.unit_id) if step.same_unit else _pick(draw, scene.units)
    near = [start.occurred_at.at]
    if step.by.within is not None:
        near.append(start.occurred_at.latest + step.by.within)
    if step.by.attribute and start.attribute(step.by.attribute):
        near.append(due_instant(date.fromisoformat(str(start.attribute(step.by.attribute)))))
    moment = _draw_moment(draw, scene.lo, scene.hi + timedelta(days=60), (), tuple(near))
    return _selected(draw, scene, step.owe, unit, _draw_written(draw, moment, True, True, True),
                          attributes={chain.key: start.attribute(chain.key)})


def _add_for_ban(draw: Any, scene: _Scene, rule: CompiledRule, bound: list[Unit]) -> Event:
    """The event that bans a person (a sanction about them), with that person as its actor."""
    ban = rule.obligation
    holders = [t for t in scene.people if t.role == ban.tenure.role]
    if not holders:
        return _background(draw, scene)
    holder = _pick(draw, holders)
    unit = _unit_of(scene, holder.unit_id)
    # Mostly while the holder still holds the role, so that holding it after the sanction (the ban
    # broken) is drawn as often as leaving it: the scene's people are fixed before its events.
    first, last = holder.start or scene.lo, holder.end or scene.hi
    near = (_start_of(first), _start_of(first + (last - first) / 2)) if first <= last else ()
    moment = _moment_text(draw, scene, rule, near=near)
    attributes = {}
    if ban.incident:
        # A same-industry ban reaches the holder only if the accident's industry is one of the unit's
        # sectors: mostly say so (the accident's own unit is the holder's, but a drawn industry may differ).
        industry = {"industry": _pick(draw, unit.sectors)} if ban.same_industry and unit.sectors \
            and draw(st.integers(0, 3)) else {}
        attributes["accident_id"] = _graded_accident(draw, scene, ban.incident, unit, moment, industry).event_id
    return _selected(draw, scene, ban.after, unit, moment, actor=holder.person_id, attributes=attributes)


def _graded_accident(draw: Any, scene: _Scene, grades: Sequence[str], unit: Unit, moment: str,
                     given: Mapping[str, Any] = {}) -> Event:
    """An accident whose counts reach one of ``grades`` under the scene's grading rules (or any accident),
    with the ``given`` attributes."""
    gradings = [rule.obligation for rule in scene.rules.values() if rule.kind == "grading"
                and "accident" in rule.obligation.event.type]
    attributes: dict[str, Any] = dict(given)
    if gradings:
        thresholds = {grade.grade: grade.at_least for grade in gradings[0].grades}
        wanted = _pick(draw, tuple(grades))
        if thresholds.get(wanted):
            name = _pick(draw, tuple(sorted(thresholds[wanted])))
            attributes[name] = thresholds[wanted][name] + draw(st.integers(0, 1))
        else:  # the lowest grade: counts below every threshold
            attributes["deaths"] = draw(st.integers(0, 2))
    return _selected(draw, scene, Selector(type=("accident",)), unit, moment, attributes=attributes)


def _unit_of(scene: _Scene, unit_id: str) -> Unit:
    return next(unit for unit in scene.units if unit.unit_id == unit_id)


def _other_than(value: Any) -> Any:
    return (not value) if isinstance(value, bool) else None


def _add_prior_for_tenure(draw: Any, scene: _Scene, rule: CompiledRule, bound: list[Unit]) -> Event:
    obligation = rule.obligation
    selector = obligation.tenure
    ids = {unit.unit_id for unit in bound}
    rows = [t for t in scene.people if t.unit_id in ids and t.role == selector.role]
    if not rows:
        return _background(draw, scene)
    row = _pick(draw, rows)
    near = (_start_of(row.start),) if row.start else ()
    moment = _moment_text(draw, scene, rule, near=near)
    return _selected(draw, scene, obligation.requires.prior, _unit_of(scene, row.unit_id), moment,
                          actor=row.person_id)


def _limit_due(trigger: Event, within: timedelta, by_days: bool) -> datetime:
    """When a response is due, computed here on its own (docs/semantics.md "Response limits")."""
    if by_days:
        return due_instant(trigger.occurred_at.day + within)
    return trigger.occurred_at.latest + within


def _add_for_response(draw: Any, scene: _Scene, rule: CompiledRule, bound: list[Unit], purpose: str) -> Event:
    obligation = rule.obligation
    ids = {unit.unit_id for unit in bound}
    triggers = [e for e in scene.events if e.type in obligation.trigger.type and e.unit_id in ids]
    make_trigger = not triggers or (purpose == "any" and draw(st.integers(0, 2)) == 0)
    if make_trigger:
        if not bound:
            return _background(draw, scene)
        unit = _pick(draw, bound)
        trigger_type = _pick(draw, obligation.trigger.type)
        declared = dict(VOCABULARY.event_types[trigger_type].attributes)
        correlated = {name: _attribute_value(draw, name, declared[name], scene.lo, scene.hi, scene.ids())
                      for name in sorted({*obligation.correlate.values(), obligation.subject}) if name in declared}
        selector = obligation.trigger.model_copy(update={"type": (trigger_type,)})
        moment = _moment_text(draw, scene, rule)
        since = getattr(obligation, "since", None)
        if since is not None:  # the trigger names an earlier event (the accident of a casualty change)
            earlier = [e for e in scene.events if e.type in since.type]
            if not earlier or draw(st.integers(0, 3)) == 0:
                _selected(draw, scene, Selector(type=since.type), unit, _moment_text(draw, scene, rule))
                earlier = [scene.events[-1]]
            first = _pick(draw, earlier)
            correlated[since.key] = first.event_id
            shift = timedelta(days=draw(st.integers(0, 40)), hours=draw(st.integers(0, 23)))
            moment = _draw_written(draw, first.occurred_at.latest + shift, True, True, True)
        trigger = _selected(draw, scene, selector, unit, moment, attributes=correlated)
        if purpose == "any" and draw(st.integers(0, 2)):  # answered, often
            _respond(draw, scene, rule, trigger)
        return trigger
    return _respond(draw, scene, rule, _pick(draw, triggers))


def _respond(draw: Any, scene: _Scene, rule: CompiledRule, trigger: Event) -> Event:
    """A response to ``trigger``, correlated with it, at an instant near its due instant."""
    obligation = rule.obligation
    attributes: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    for answer_name, trigger_name in obligation.correlate.items():
        value = trigger.attribute(trigger_name)
        (fields if answer_name in ("actor_id", "target_id", "unit_id") else attributes)[answer_name] = value
    target = next((u for u in scene.units if u.unit_id == trigger.target_id), None)
    if getattr(obligation, "from_target", False) and target is not None:
        unit = target  # the unit the trigger reported to answers (passes the report up)
    elif obligation.same_unit:
        unit = _unit_of(scene, trigger.unit_id)
    else:
        unit = _pick(draw, scene.units)
    due = _limit_due(trigger, obligation.within, obligation.by_days)
    start = trigger.occurred_at.at
    near = (start, start + (due - start) / 2, due, due - _ONE_DAY)
    moment = _draw_moment(draw, scene.lo, scene.hi + timedelta(days=30), (), near)
    moment = max(moment, trigger.occurred_at.earliest) if draw(st.integers(0, 5)) else moment
    text = _draw_written(draw, moment, True, True, True)
    event = _selected(draw, scene, obligation.response, unit, text, attributes=attributes)
    if fields:
        event = event.model_copy(update=fields)
        scene.events[-1] = event
    return event


def _rule_argument(rule: Any, rules: Any) -> tuple[CompiledRule, tuple[Pack, ...]]:
    if isinstance(rule, CompiledRule):
        return rule, loaded_packs(rules)
    if not isinstance(rule, str):
        raise ArgumentError("rule must be a rule id or a CompiledRule", found=type(rule).__name__)
    chosen, packs = resolve_rules(rules, [rule])
    return chosen[0], packs


def _export_facts(export: Any) -> Any:
    if not isinstance(export, Export):
        raise ArgumentError("export must be an Export", found=type(export).__name__,
                            suggestion="compliance.testing.Export(units=..., events=...)")
    from compliance.records import facts_from_records

    return facts_from_records(export.units, export.people, export.events, export.measures).facts


def qualifying_events(
    rule: str | CompiledRule,
    export: Export,
    *,
    rules: Any = None,
    min_value: date = DEFAULT_MIN_DAY,
    max_value: date = DEFAULT_MAX_DAY,
) -> st.SearchStrategy[Event]:
    """An event of ``export``'s units that ``rule`` very probably counts, with an id fresh in the export.

    What counts depends on the kind: for periodic, deadline, window and
    completeness rules an event its selector selects, in a unit it binds, with
    the actor (the role holder on that day) and the target it asks for; for
    coverage an act of a bound unit on one of its subordinates; for a coverage
    quota a covering event in a unit of a bound unit's territory; for a response
    an answer to one of the export's triggers (or a trigger, if there is none
    yet), near its due instant; for a precondition the prior event it requires;
    for an event prohibition a forbidden event. Instants gather at the rule's
    edges (period boundaries, due instants, windows). Now and then the event
    misses on purpose (another actor, a bare date after the due day), so that
    properties are checked on both sides of every edge.

    Ratio quotas and tenure prohibitions count no events: they raise
    :class:`ArgumentError`.
    """
    compiled, packs = _rule_argument(rule, rules)
    lookup = {known.id: known for pack in packs for known in pack.rules}
    lo, hi = _day_range(min_value, max_value)
    obligation = compiled.obligation
    if (compiled.kind == "quota" and obligation.ratio is not None) or (
            compiled.kind == "prohibition" and obligation.tenure is not None):
        raise ArgumentError(f"rule {compiled.id} ({compiled.kind}) counts no events",
                            expected="a rule whose obligation counts events")
    facts = _export_facts(export)

    return _qualifying(compiled, facts, lo, hi, lookup)


@st.composite
def _qualifying(draw: Any, rule: CompiledRule, facts: Any, lo: date, hi: date,
                lookup: Mapping[str, CompiledRule]) -> Event:
    scene = _Scene(tuple(facts), facts.tenures, lo, hi, list(facts.events.values()), prefix="Q", rules=lookup)
    if not scene.units:
        raise ArgumentError("the export has no units")
    return _add_counted(draw, scene, rule, "growth")


def more_events(rule: CompiledRule, export: Export, lo: date, hi: date, most: int,
                packs: Sequence[Pack] = ()) -> st.SearchStrategy[tuple[Event, ...]]:
    """Up to ``most`` (at least one) events that ``rule`` counts, with ids fresh in the export (for monotonicity)."""
    lookup = {known.id: known for pack in packs for known in pack.rules}
    return _more_events(rule, _export_facts(export), lo, hi, most, lookup)


@st.composite
def _more_events(draw: Any, rule: CompiledRule, facts: Any, lo: date, hi: date, most: int,
                 lookup: Mapping[str, CompiledRule]) -> tuple[Event, ...]:
    scene = _Scene(tuple(facts), facts.tenures, lo, hi, list(facts.events.values()), prefix="Q", rules=lookup)
    for _ in range(draw(st.integers(1, most))):
        if not scene.units:
            break
        choice = draw(st.integers(0, 5))
        if choice == 0:
            _background(draw, scene)
            continue
        copies = [e for e in scene.events if e.type in _counted_types(rule) and not e.occurred_at.date_only]
        if choice == 1 and copies:
            _dated_by_day(draw, scene, _pick(draw, copies))
            continue
        try:
            _add_counted(draw, scene, rule, "growth")
        except _NothingToAdd:
            _background(draw, scene)
    return tuple(scene.events[len(facts.events):])


def _counted_types(rule: CompiledRule) -> frozenset[str]:
    """The event types an obligation is satisfied by (a response's answers, a periodic rule's events…)."""
    obligation = rule.obligation
    if rule.kind == "response":
        return frozenset(obligation.response.type)
    if rule.kind == "precondition":
        prior = obligation.requires.prior
        return frozenset(prior.type if prior else ())
    if rule.kind == "quota" and obligation.coverage is not None:
        return frozenset(obligation.coverage.covered_by.type)
    selector = getattr(obligation, "event", None)
    return frozenset(selector.type) if isinstance(selector, Selector) else frozenset()


def _dated_by_day(draw: Any, scene: _Scene, event: Event) -> Event:
    """Another record of the same act, dated only by its (Shanghai) day, as exports often hold both."""
    copy = event.model_copy(update={"event_id": scene.new_id(), "occurred_at": Instant.of_day(event.occurred_at.day)})
    scene.events.append(copy)
    return copy


def _extra_units(draw: Any, rule: CompiledRule, units: list[Unit], counter: list[int]) -> None:
    """Units a rule binds or counts that the tree may lack: enterprises of a sector or tag, units of a tag."""
    wanted: list[UnitFilter] = [rule.applies_to]
    if rule.kind == "quota" and rule.obligation.coverage is not None:
        wanted.append(rule.obligation.coverage.population)
    for criteria in wanted:
        within = getattr(criteria, "within", None) or UnitFilter()
        kinds = criteria.kind or within.kind or ("enterprise",)
        if not (criteria.tags or criteria.sectors or within.tags or "enterprise" in kinds):
            continue  # the tree has units of every administrative kind already
        for _ in range(draw(st.integers(0, 2))):
            kind = _pick(draw, kinds)
            levels = criteria.level or within.level
            level = _pick(draw, levels) if levels else (None if kind == "enterprise" else "county")
            places = [u.region for u in units if u.region and (u.level == level or (level is None and u.level in
                                                                                   ("county", "township")))]
            if not places:
                continue
            counter[0] += 1
            sectors = (_pick(draw, criteria.sectors or within.sectors),) if criteria.sectors or within.sectors else ()
            if kind in ("enterprise", "department") and not sectors:
                sectors = draw(_subset(tuple(VOCABULARY.sectors), 2, 1))
            region = _pick(draw, places)
            units.append(Unit(
                unit_id=f"{_PREFIX.get(kind, 'U')}{counter[0]}-{region}", name=_name(region, kind, str(counter[0])),
                kind=kind, level=level, region=region, sectors=tuple(sorted(set(sectors))),
                tags=tuple(sorted({_pick(draw, tags) for tags in (criteria.tags, within.tags) if tags}))))


def _extra_people(draw: Any, rule: CompiledRule, units: Sequence[Unit], rows: list[Tenure], ids: _People,
                  lo: date, hi: date) -> None:
    """Tenures a rule's tenure selector matches (dispatched workers underground…), in units it binds."""
    selector = getattr(rule.obligation, "tenure", None)
    if selector is None:
        return
    bound = [unit for unit in units if unit_matches(unit, rule.applies_to)]
    if not bound:
        return
    for _ in range(draw(st.integers(0, 3))):
        unit = _pick(draw, bound)
        attributes = {name: _pick(draw, values) for name, values in selector.where.items()}
        if attributes and draw(st.integers(0, 3)) == 0:  # one that misses the selector, on purpose
            name = _pick(draw, sorted(attributes))
            attributes.pop(name)
        person = ids.new()
        start = draw(st.dates(lo, hi))
        end = _maybe_day(draw, start, hi + timedelta(days=60))
        rows.append(Tenure(person_id=person[0], name=person[1], unit_id=unit.unit_id, role=selector.role,
                           start=start, end=end, attributes=attributes))


def _ratio_measures(draw: Any, rule: CompiledRule, units: Sequence[Unit], lo: date, hi: date) -> list[Measure]:
    ratio = rule.obligation.ratio
    found: list[Measure] = []
    first = rule.in_force.from_
    for unit in units:
        if not unit_matches(unit, rule.applies_to) or draw(st.integers(0, 4)) == 0:
            continue
        days = draw(st.lists(st.one_of(st.just(first), st.dates(max(lo, first - timedelta(days=60)), hi)),
                             min_size=1, max_size=3, unique=True))
        for day in days:
            officers = draw(st.integers(0, 25))
            for metric, value in ((ratio.denominator, officers),
                                  (ratio.numerator, draw(st.integers(0, 6)) if draw(st.integers(0, 2)) else
                                   -(-officers * ratio.at_least // ratio.per))):
                if draw(st.integers(0, 5)):
                    found.append(Measure(unit_id=unit.unit_id, metric=metric, value=value, as_of=day))
    return found


def _regions_of(rule: CompiledRule) -> tuple[str, ...]:
    """The region codes a rule's units must lie in (its own, else its pack's jurisdiction's)."""
    within = getattr(rule.applies_to, "within", None)
    return tuple(getattr(rule.applies_to, "regions", ()) or getattr(within, "regions", ()) or ())


@lru_cache(maxsize=64)
def _rooted(region: str | None, townships: bool) -> st.SearchStrategy[tuple[Unit, ...]]:
    """The unit trees of exports for rules bound to a region (and to townships)."""
    return unit_hierarchies(within=region if region and len(region) == 6 and region.isdigit() else None,
                            townships=(1, 2) if townships else (0, 1))


def as_of_for(rule: CompiledRule) -> st.SearchStrategy[datetime]:
    """Evaluation instants for one rule: anywhere in its window (:func:`as_of_window`), or just before, at
    and after the instants its findings turn on (a due instant, a window's end), where statuses change."""
    lo, hi = as_of_window([rule])
    lo = min(max(lo, rule.in_force.from_ + timedelta(days=30)), hi)  # mostly a month into its force, or later
    edges = tuple(moment for moment in _rule_edges(rule)[1] if _start_of(lo) <= moment <= _start_of(hi))
    anywhere = evaluation_instants(lo, hi)
    if not edges:
        return anywhere
    shifts = (timedelta(0), _MICROSECOND, -_MICROSECOND, _ONE_DAY, timedelta(days=10), timedelta(days=40))
    near = st.tuples(st.sampled_from(edges), st.sampled_from(shifts)).map(
        lambda pair: min(pair[0] + pair[1], _start_of(hi)))
    return st.one_of(anywhere, near)


def record_window(rules: Sequence[CompiledRule]) -> tuple[date, date]:
    """The days records are drawn from for these rules: the default range, or one around a late ``in_force``."""
    span = DEFAULT_MAX_DAY - DEFAULT_MIN_DAY
    starts = [rule.in_force.from_ for rule in rules]
    if not starts or min(starts) <= DEFAULT_MAX_DAY - timedelta(days=270):
        return DEFAULT_MIN_DAY, DEFAULT_MAX_DAY
    first = min(starts) - timedelta(days=180)
    return first, min(first + span, _LAST_SUPPORTED)


def as_of_window(rules: Sequence[CompiledRule]) -> tuple[date, date]:
    """The days evaluation instants are drawn from for these rules (see :func:`record_window`)."""
    lo, hi = record_window(rules)
    if (lo, hi) == (DEFAULT_MIN_DAY, DEFAULT_MAX_DAY):
        return DEFAULT_FIRST_AS_OF, DEFAULT_LAST_AS_OF
    return lo + (DEFAULT_FIRST_AS_OF - DEFAULT_MIN_DAY), hi + timedelta(days=1)


def exports(
    rules: Any = None,
    *,
    rules_only: Iterable[str] | str | None = None,
    min_value: date | None = None,
    max_value: date | None = None,
    max_events: int = 30,
    hierarchies: st.SearchStrategy[tuple[Unit, ...]] | None = None,
) -> st.SearchStrategy[Export]:
    """Whole exports (:class:`Export`) with something to decide for the chosen rules.

    ``rules`` are pack files or folders, or loaded packs, as for
    :func:`compliance.evaluate` (default: the shipped packs); ``rules_only``
    chooses rule ids among them. Each export has a unit tree
    (:func:`unit_hierarchies`, or ``hierarchies``; in the rules' jurisdiction),
    the people of its units (:func:`people`), at most ``max_events`` events
    between ``min_value`` and ``max_value`` (default: 2022-01-01 to 2023-06-30,
    or 18 months from half a year before the rules come into force, if that is
    later) and, for ratio quotas, measures. Up to three of the chosen
    rules get events they count (:func:`qualifying_events`): events of the types
    they select, with their attributes, actors and targets, at their edges;
    the other events are of any type. Rules on enterprises or on rows of people
    get matching enterprises and tenures. Event ids (``E1``…) are unique, every
    record names a unit of the export, and the rows of each table come in a drawn
    order.
    """
    chosen, packs = resolve_rules(rules, rules_only)
    lookup = {rule.id: rule for pack in packs for rule in pack.rules}
    default_lo, default_hi = record_window(chosen)
    lo, hi = _day_range(default_lo if min_value is None else min_value, default_hi if max_value is None else max_value)
    if not isinstance(max_events, int) or isinstance(max_events, bool) or not 0 <= max_events <= 1000:
        raise ArgumentError("max_events must be a whole number from 0 to 1000", found=max_events)
    trees = hierarchies if hierarchies is not None else unit_hierarchies()
    if not isinstance(trees, st.SearchStrategy):
        raise ArgumentError("hierarchies must be a strategy of unit tuples", found=type(trees).__name__,
                            suggestion="compliance.testing.unit_hierarchies()")

    @st.composite
    def draw_one(draw: Any) -> Export:
        focus = list(chosen) if len(chosen) <= 3 else draw(
            st.lists(st.sampled_from(chosen), min_size=1, max_size=3, unique_by=lambda rule: rule.id))
        root = next((regions[0] for rule in focus for regions in (_regions_of(rule),) if regions), None)
        townships = any("township" in rule.applies_to.level for rule in focus)
        units = list(draw(trees if hierarchies is not None or (root is None and not townships)
                          else _rooted(root, townships)))
        counter = [100]
        for rule in focus:
            _extra_units(draw, rule, units, counter)
        units.sort(key=lambda unit: unit.unit_id)
        rows = list(_draw_people(draw, tuple(units), lo, hi, (0, 2), (0, 2)))
        ids = _People(draw, {row.person_id for row in rows})
        for rule in focus:
            _extra_people(draw, rule, units, rows, ids, lo, hi)
        scene = _Scene(tuple(units), tuple(rows), lo, hi, rules=lookup)
        budget = max_events
        background = draw(st.integers(0, max_events // 6))
        for _ in range(background):
            _background(draw, scene)
        budget -= background
        share = budget // max(1, len(focus))
        found_measures: list[Measure] = []
        for rule in focus:
            if rule.kind == "quota" and rule.obligation.ratio is not None:
                found_measures += _ratio_measures(draw, rule, units, lo, hi)
                continue
            cap = _pick(draw, (1, 2, 3, 6, 12))  # now few events (so that something is missing), now many
            for _ in range(draw(st.integers(min(1, share), max(min(1, share), min(share, cap))))):
                try:
                    _add_counted(draw, scene, rule)
                except _NothingToAdd:
                    break
        order = st.permutations
        return Export(
            units=draw(order(units)),
            people=draw(order(rows)),
            events=draw(order(scene.events)),
            measures=draw(order(found_measures)),
        )

    return draw_one()
