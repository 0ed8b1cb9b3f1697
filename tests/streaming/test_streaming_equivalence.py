"""The monitor's findings and decisions are the reference evaluator's: on every fixture, at every cut, for every
shipped rule.

The property tests draw event histories (edits of the fixtures' histories: events
dropped, moved in time, turned into bare dates, repeated at the same instant
under another id) and evaluation instants, and compare the monitor after
``advance_to(t)`` with ``compliance.evaluate(as_of=t)``: its findings, its
decisions, and the decision changes it streamed (after every call), folded
(:func:`tests.streaming.helpers.assert_agrees`).
"""

from __future__ import annotations

from datetime import datetime

import pytest

pytest.importorskip("durable")

from hypothesis import HealthCheck, given, settings

from compliance.records import load_export
from compliance.streaming.decisions import fold as fold_decisions
from compliance.timeline import parse_instant
from tests.streaming.helpers import assert_agrees, fixture_as_of, fixture_dirs, in_order
from tests.streaming.strategies import histories

FIXTURES = fixture_dirs()
MONTHS = [f"{year}-{month:02d}-01" for year in (2022, 2023) for month in range(1, 13)][:16]


@pytest.fixture(scope="module", params=[path.name for path in FIXTURES])
def fixture(request):
    path = next(path for path in FIXTURES if path.name == request.param)
    return path, load_export(path)


def test_fixtures_have_expected_results():
    assert {path.name for path in FIXTURES} >= {"tonghua-2022", "accidents-2022"}


def test_every_fixture_at_its_as_of(fixture):
    path, loaded = fixture
    replay = assert_agrees(loaded, loaded.facts.events.values(), [fixture_as_of(path)])
    assert replay.given, "the monitor decided nothing while the events streamed"
    # the decisions streamed, folded, are the reference's (assert_agrees); some were given while the events
    # streamed, not only at the end
    decisions = fold_decisions(replay.decisions)
    expected = {"accidents-2022": 48, "district-2023": 7, "henan-2022": 0, "jilin-rf-2022": 2, "taonan-2022": 5,
                "tonghua-2022": 21}
    assert len(decisions) == expected.get(path.name, len(decisions))
    if decisions:
        assert replay.decided and replay.decided[0][0] < parse_instant(fixture_as_of(path)).at


def test_every_fixture_at_every_month_and_between(fixture):
    path, loaded = fixture
    events = in_order(loaded.facts.events.values())
    # month starts (periods and deadlines close), and instants exactly at, and just after, events
    cuts: list[datetime | str] = [*MONTHS, fixture_as_of(path)]
    for event in events[:: max(1, len(events) // 6)]:
        cuts += [event.occurred_at.at, event.occurred_at.latest]
    assert_agrees(loaded, events, cuts)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(history=histories(FIXTURES))
def test_drawn_histories_agree_with_the_reference(history):
    assert_agrees(history.loaded, history.events, history.cuts)


def test_a_late_finding_replaces_the_violated_one_given_at_the_due_instant(fixture):
    path, loaded = fixture
    replay = assert_agrees(loaded, loaded.facts.events.values(), ["2022-10-01", fixture_as_of(path)])
    given_at = {}
    for finding in replay.given:
        given_at.setdefault((finding.rule_id, finding.unit_id, finding.due), []).append(finding.status.value)
    if path.name == "tonghua-2022":  # t06: 通化县委's duty list, due 2022-09-30, done 2022-10-20
        assert given_at[("tonghua-2022-10.t06", "220521-XW", "2022-10-01T00:00:00+08:00")] == ["violated", "late"]
    assert any(statuses == ["violated", "late"] for statuses in given_at.values())


def _shipped_rule_ids() -> list[str]:
    from compliance.errors import ComplianceError
    from compliance.language import load_packs

    try:
        return [rule.id for pack in load_packs() for rule in pack.rules]
    except ComplianceError:  # a pack that does not load is test_language's to report
        return []


@pytest.mark.parametrize("rule_id", _shipped_rule_ids())
def test_every_shipped_rule_on_exports_drawn_for_it(rule_id):
    """compliance.testing draws exports with events at the rule's edges; the monitor agrees at drawn instants."""
    testing = pytest.importorskip("compliance.testing")
    from hypothesis import strategies as st

    from compliance.records import facts_from_records

    @settings(max_examples=1, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(export=testing.exports(rules_only=[rule_id]),
           cuts=st.lists(testing.evaluation_instants(), min_size=1, max_size=3))
    def agrees(export, cuts):
        loaded = facts_from_records(export.units, export.people, export.events, export.measures)
        assert_agrees(loaded, loaded.facts.events.values(), cuts)

    agrees()
