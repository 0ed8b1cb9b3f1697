"""compliance.testing as its users meet it: the public surface, argument checking, the Hypothesis entry
point, what the strategies generate, and how the properties refuse what they cannot check."""

from __future__ import annotations

import importlib.metadata
import tomllib
import types
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from compliance import testing
from compliance.errors import ComplianceError
from compliance.facts import Event, Measure, Tenure, Unit, region_chain
from compliance.periods import Period
from compliance.testing import (
    ArgumentError,
    Export,
    check_escalation,
    check_period_partition,
    check_rule,
    determinism,
    duplicate_rows,
    evaluation_instants,
    events,
    exports,
    instants,
    measures,
    monotonicity,
    order_independence,
    partition,
    people,
    periods,
    properties_for,
    qualifying_events,
    tenures,
    time_zone_invariance,
    timestamps,
    unit_hierarchies,
    unit_independence,
    units,
)
from compliance.testing._hypothesis import _hypothesis_setup_hook
from compliance.timeline import Instant, parse_instant
from tests.conftest import ROOT

ENTRY_POINT = "compliance.testing._hypothesis:_hypothesis_setup_hook"


# -- the public surface ------------------------------------------------------------------------
def test_all_lists_exactly_the_public_names():
    public = {name for name, value in vars(testing).items()
              if not name.startswith("_") and not isinstance(value, types.ModuleType)}
    assert set(testing.__all__) == public
    # sorted as isort (and ruff's RUF022) sorts: constants, then classes, then functions and objects
    assert testing.__all__ == sorted(set(testing.__all__), key=lambda name: (
        0 if name.isupper() else 1 if name[0].isupper() else 2, name))


def test_every_public_name_is_documented():
    undocumented = [name for name in testing.__all__
                    if not isinstance(getattr(testing, name), (tuple, testing.Property))
                    and not (getattr(testing, name).__doc__ or "").strip()]
    assert undocumented == []
    assert all(prop.summary for prop in testing.PROPERTIES)


def test_the_implementation_is_private():
    # Names starting with "@" are pytest's assertion rewriting (active when the package's pytest plugin is installed).
    assert {name for name in vars(testing)
            if isinstance(vars(testing)[name], types.ModuleType) and not name.startswith("@")} <= {
        "_strategies", "_properties", "_hypothesis"}


# -- arguments are checked when a strategy is made, before any example --------------------------
@pytest.mark.parametrize(("make", "found"), [
    (lambda: events(types=["safety_study_sesion"]), "safety_study_sesion"),
    (lambda: events(types=[]), None),
    (lambda: units(kinds="party_comittee"), "party_comittee"),
    (lambda: units(levels=["county", "contry"]), "contry"),
    (lambda: tenures(roles="principle"), "principle"),
    (lambda: measures(metrics="enforcement_officer"), "enforcement_officer"),
    (lambda: measures(max_count=-1), -1),
    (lambda: periods(kinds=["quater"]), "quater"),
    (lambda: timestamps(date(2023, 1, 1), date(2022, 1, 1)), "2023-01-01..2022-01-01"),
    (lambda: timestamps(datetime(2022, 1, 1), date(2022, 2, 1)), datetime(2022, 1, 1)),
    (lambda: timestamps(offsets=False, naive=False, bare_dates=False), None),
    (lambda: instants(date(1800, 1, 1)), date(1800, 1, 1)),
    (lambda: evaluation_instants(date(2023, 1, 1), date(2022, 1, 1)), "2023-01-01..2022-01-01"),
    (lambda: unit_hierarchies(counties=(2, 1)), (2, 1)),
    (lambda: unit_hierarchies(counties=0), 0),
    (lambda: unit_hierarchies(enterprises="3"), "3"),
    (lambda: unit_hierarchies(within="2205"), "2205"),
    (lambda: people([{"unit_id": "U1"}]), "dict"),
    (lambda: exports(rules_only=["tonghua-2022-10.t07a"]), "tonghua-2022-10.t07a"),
    (lambda: exports(max_events=-1), -1),
    (lambda: exports(hierarchies=[]), "list"),
])
def test_bad_arguments_are_refused_at_once(make, found):
    with pytest.raises(ArgumentError) as error:
        make()
    assert isinstance(error.value, InvalidArgument) and isinstance(error.value, ComplianceError)
    assert error.value.found == found


def test_a_misspelt_name_comes_with_the_closest_known_one():
    with pytest.raises(ArgumentError) as error:
        exports(rules_only=["tonghua-2022-10.t07a"])
    assert error.value.suggestion == "tonghua-2022-10.t07-a"
    with pytest.raises(ArgumentError) as error:
        units(kinds="party_comittee")
    assert error.value.suggestion == "party_committee"


def test_qualifying_events_refuse_rules_that_count_no_events():
    export = Export(units=(Unit(unit_id="BM1", name="某局", kind="department", level="county"),))
    with pytest.raises(ArgumentError, match="counts no events"):
        qualifying_events("tonghua-2022-10.t56", export)
    with pytest.raises(ArgumentError, match="must be an Export"):
        qualifying_events("tonghua-2022-10.t02", [])


# -- the Hypothesis entry point ------------------------------------------------------------------
def test_the_entry_point_is_declared():
    try:
        points = importlib.metadata.distribution("compliance").entry_points
    except importlib.metadata.PackageNotFoundError:  # not installed: read what installing would declare
        declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        points = [SimpleNamespace(group="hypothesis", value=value)
                  for value in declared["project"]["entry-points"]["hypothesis"].values()]
    assert [point.value for point in points if point.group == "hypothesis"] == [ENTRY_POINT]
    module, _, name = ENTRY_POINT.partition(":")
    assert getattr(importlib.import_module(module), name) is _hypothesis_setup_hook


@pytest.fixture(scope="module")
def registered():
    """The record types resolve through st.from_type: by the entry point if installed, else by the hook."""
    try:
        st.from_type(Unit).example  # noqa: B018  (resolving is enough)
        installed = st.from_type(Unit).wrapped_strategy is not None
    except Exception:  # noqa: BLE001
        installed = False
    if not installed:
        _hypothesis_setup_hook()


@pytest.mark.parametrize("record_type", [Unit, Tenure, Event, Measure, Period, Instant])
def test_from_type_draws_the_record_types(registered, record_type):
    _hypothesis_setup_hook()  # idempotent: what the entry point does when Hypothesis starts

    @settings(max_examples=10)
    @given(st.from_type(record_type))
    def check(value):
        assert isinstance(value, record_type)

    check()


# -- what the strategies generate -----------------------------------------------------------------
@settings(max_examples=50)
@given(unit_hierarchies(within="220500"))
def test_unit_hierarchies_are_consistent_trees(tree):
    by_id = {unit.unit_id: unit for unit in tree}
    assert len(by_id) == len(tree) and [u.unit_id for u in tree] == sorted(by_id)
    rank = {"province": 1, "city": 2, "county": 3, "township": 4}
    for unit in tree:
        assert "220500" in region_chain(unit.region) or unit.level == "province"
        if unit.parent_id:
            parent = by_id[unit.parent_id]
            assert parent.kind == unit.kind and rank[parent.level] == rank[unit.level] - 1
            assert parent.region in region_chain(unit.region)
        if unit.kind in ("enterprise", "department"):
            assert unit.sectors


@settings(max_examples=25)
@given(exports(max_events=20))
def test_exports_are_clean_small_and_refer_to_their_units(export):
    result = export.evaluate(as_of="2023-07-01", rules_only=["tonghua-2022-10.t02"])
    assert result.rejections == ()
    unit_ids = {unit.unit_id for unit in export.units}
    event_ids = [event.event_id for event in export.events]
    assert len(event_ids) == len(set(event_ids)) and len(event_ids) <= 20 + 12 * 3
    assert all(e.unit_id in unit_ids and (e.target_id is None or e.target_id in unit_ids) for e in export.events)
    assert all(row.unit_id in unit_ids for row in export.people + export.measures)
    names = {}
    for row in export.people:
        assert names.setdefault(row.person_id, row.name) == row.name  # one name per person


@settings(max_examples=25)
@given(st.data())
def test_qualifying_events_are_counted_by_their_rule(data):
    """An event drawn for t07-a (the principal convenes) has the rule's type and, mostly, the principal."""
    export = data.draw(exports(rules_only=["tonghua-2022-10.t07-a"]))
    event = data.draw(qualifying_events("tonghua-2022-10.t07-a", export))
    assert event.type == "standing_committee_safety_meeting"
    assert event.event_id not in {e.event_id for e in export.events}
    assert event.unit_id in {u.unit_id for u in export.units}


@given(timestamps(period_edges=False, bare_dates=False, naive=False))
def test_timestamps_with_offsets_say_which_offset(text):
    assert text.endswith("Z") or text[-6] in "+-"


@given(timestamps(offsets=False, naive=False))
def test_bare_dates_are_whole_days(text):
    assert parse_instant(text).date_only


@given(evaluation_instants())
def test_evaluation_instants_are_shanghai_instants_in_range(moment):
    assert moment.utcoffset() == timedelta(hours=8)
    assert datetime(2022, 7, 1).date() <= moment.date() <= date(2023, 7, 1)


# -- properties refuse what they cannot check -------------------------------------------------------
EXPORT = Export(units=(Unit(unit_id="SW-1", name="某县委", kind="party_committee", level="county"),))


def test_properties_are_chosen_by_kind():
    names = {prop.name for prop in properties_for("tonghua-2022-10.t02")}
    assert names == {"monotonicity", "order_independence", "time_zone_invariance", "partition",
                     "unit_independence", "duplicate_rows", "determinism"}
    assert partition not in properties_for("tonghua-2022-10.t06")


def test_a_property_needs_its_variant():
    with pytest.raises(ArgumentError, match="compares the export with a variant"):
        order_independence("tonghua-2022-10.t02", EXPORT, as_of="2023-01-01")
    determinism("tonghua-2022-10.t02", EXPORT, as_of="2023-01-01")  # determinism needs none


def test_a_property_refuses_a_rule_of_another_kind():
    with pytest.raises(ArgumentError, match="does not apply"):
        partition("tonghua-2022-10.t06", EXPORT, as_of="2023-01-01")


def test_monotonicity_refuses_a_change_in_the_wrong_direction():
    meeting = Event(event_id="E1", unit_id="SW-1", type="safety_study_session", occurred_at="2022-08-01")
    with pytest.raises(ArgumentError, match="not monotone under this change"):
        monotonicity("tonghua-2022-10.t02", EXPORT.adding(meeting), EXPORT, as_of="2023-01-01")
    with pytest.raises(ArgumentError, match="not a monotone change"):
        monotonicity("tonghua-2022-10.t02", EXPORT, Export(), as_of="2023-01-01")
    monotonicity("tonghua-2022-10.t02", EXPORT, EXPORT.adding(meeting), as_of="2023-01-01")


def test_variants_keep_what_their_property_needs():
    meeting = Event(event_id="E1", unit_id="SW-1", type="safety_study_session", occurred_at="2022-08-01T09:00")
    export = EXPORT.adding(meeting)
    with pytest.raises(ArgumentError, match="moves an event"):
        time_zone_invariance("tonghua-2022-10.t02", export,
                             export.replace(events=[meeting.model_copy(update={"occurred_at": parse_instant(
                                 "2022-08-02T09:00")})]), as_of="2023-01-01")
    with pytest.raises(ArgumentError, match="rows repeated"):
        duplicate_rows("tonghua-2022-10.t02", export, EXPORT, as_of="2023-01-01")
    with pytest.raises(ArgumentError, match="keep every unit"):
        unit_independence("tonghua-2022-10.t02", export, Export(), as_of="2023-01-01")


def test_exports_with_rejected_rows_are_refused():
    bad = Export(units=EXPORT.units, events=({"event_id": "E1", "unit_id": "nowhere", "type": "safety_study_session",
                                              "occurred_at": "2022-08-01"},))
    with pytest.raises(ArgumentError, match="rejected rows"):
        determinism("tonghua-2022-10.t02", bad, as_of="2023-01-01")


def test_a_failure_names_the_rule_the_property_and_the_findings():
    meeting = Event(event_id="E1", unit_id="SW-1", type="safety_study_session", occurred_at="2022-08-01T09:00")
    written_in_utc = {**meeting.model_dump(), "occurred_at": "2022-08-01T01:00:00Z"}
    moved = {**written_in_utc, "occurred_at": "2022-08-01T09:00:00Z"}  # 17:00 in Shanghai: not the same instant
    with pytest.raises(ArgumentError):
        time_zone_invariance("tonghua-2022-10.t02", EXPORT.adding(meeting), EXPORT.adding(moved), as_of="2023-01-01")
    time_zone_invariance("tonghua-2022-10.t02", EXPORT.adding(meeting), EXPORT.adding(written_in_utc),
                         as_of="2023-01-01")


# -- building blocks: periods and decisions ----------------------------------------------------------
def test_period_partition_refuses_a_reversed_range():
    with pytest.raises(ArgumentError):
        check_period_partition("month", date(2022, 2, 1), date(2022, 1, 1))


Decision = SimpleNamespace


@pytest.mark.parametrize("after", [
    [{"unit_id": "ZF-1", "person_id": None, "year": 2022, "level": 2},
     {"unit_id": "ZF-1", "person_id": "P1", "year": 2022, "level": 1}],
    [{"unit_id": "ZF-1", "person_id": None, "year": 2022, "level": 3},
     {"unit_id": "ZF-1", "person_id": "P1", "year": 2022, "level": 4},
     {"unit_id": "SW-1", "person_id": None, "year": 2022, "level": 1}],
])
def test_escalation_holds_when_no_decision_goes_down(after):
    before = [Decision(unit_id="ZF-1", person_id=None, year=2022, level=2),
              Decision(unit_id="ZF-1", person_id="P1", year=2022, level=1)]
    check_escalation(before, after)
    check_escalation(SimpleNamespace(decisions=before), SimpleNamespace(decisions=after))


@pytest.mark.parametrize(("after", "shown"), [
    ([{"unit_id": "ZF-1", "person_id": None, "year": 2022, "level": 1}], "ZF-1 2022: level 2 → 1"),
    ([], "ZF-1 2022: level 2 → no decision"),
    ([{"unit_id": "ZF-1", "person_id": None, "year": 2023, "level": 4}], "level 2 → no decision"),
])
def test_escalation_fails_when_a_decision_goes_down_or_away(after, shown):
    with pytest.raises(AssertionError, match="escalation monotonicity fails") as failure:
        check_escalation([{"unit_id": "ZF-1", "person_id": None, "year": 2022, "level": 2}], after)
    assert shown in str(failure.value)


def test_escalation_compares_decisions_ladder_by_ladder():
    before = [{"unit_id": "ZF-1", "person_id": None, "year": 2022, "ladder": "territorial", "level": 3}]
    after = [{"unit_id": "ZF-1", "person_id": None, "year": 2022, "ladder": "person", "level": 5}]
    with pytest.raises(AssertionError, match=r"\(territorial\): level 3 → no decision"):
        check_escalation(before, after)


@pytest.mark.parametrize("bad", [[{"unit_id": "ZF-1", "year": 2022, "level": 1}],
                                 [{"unit_id": "ZF-1", "person_id": None, "year": 2022, "level": "一票否决"}], 3])
def test_escalation_refuses_what_is_not_decisions(bad):
    with pytest.raises(ArgumentError):
        check_escalation(bad, [])


def test_a_compiled_rule_is_checked_as_given_with_its_parameters():
    """A rule loaded with a per-run override is checked with that value, beside the rules of its packs."""
    from compliance import load_packs

    packs = load_packs(overrides={"tonghua-2022-10.t07-b": {"within": "P7D"}})
    rule = next(rule for pack in packs for rule in pack.rules if rule.id == "tonghua-2022-10.t07-b")
    meeting = Event(event_id="M1", unit_id="SW-1", type="standing_committee_safety_meeting",
                    occurred_at="2022-08-01T09:00")
    minutes = Event(event_id="F1", unit_id="SW-1", type="minutes_forwarded", occurred_at="2022-08-10",
                    attributes={"meeting_id": "M1"})
    export = EXPORT.replace(units=[*EXPORT.units], events=[meeting])
    monotonicity(rule, export, export.adding(minutes), as_of="2022-12-01")
    settings(max_examples=5)(check_rule(rule, properties=[order_independence]))()
