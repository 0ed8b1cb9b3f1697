"""The properties have teeth: deliberately broken evaluators are caught by them.

Each test breaks one thing the contract fixes (months and quarters in Shanghai time, naive timestamps
read as Shanghai time, "at least" meaning at least), then runs the ready-made
property test of a shipped rule and expects it to fail, with a message that names the property and the
rule. The same test passes on the real evaluator (test_rule_properties.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from textwrap import dedent

import pytest
from hypothesis import HealthCheck, Phase, settings

import compliance.evaluation.periodic as periodic_module
from compliance import facts
from compliance.periods import Period
from compliance.testing import check_rule, monotonicity, partition, time_zone_invariance
from compliance.testing._strategies import loaded_packs
from compliance.timeline import Instant
from tests.conftest import PACK_HEADER

PACKS = loaded_packs()
OFFSET = re.compile(r"(Z|[+-][0-9]{2}:?[0-9]{2})$")
# Search without shrinking (the failure, not its smallest form, is what these tests need), deterministically.
SEARCH = settings(max_examples=100, phases=[Phase.generate, Phase.target], derandomize=True, database=None,
                  deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def daily(tmp_path_factory):
    """A pack with a daily duty over one summer: every instant of the evening is 8 hours from midnight UTC."""
    path = tmp_path_factory.mktemp("packs") / "daily.yaml"
    path.write_text(PACK_HEADER + dedent("""\
      - id: demo.daily
        title: 每日安全巡查
        citation: {article: 一, text: 每日至少巡查1次}
        applies_to: {kind: party_committee}
        in_force: {from: "2022-07-01", to: "2022-08-31"}
        obligation:
          kind: periodic
          event: {type: safety_study_session}
          period: day
    """), encoding="utf-8")
    return [*PACKS, *loaded_packs([path])]


def _fails(rule_id, prop, packs=PACKS, examples=100):
    """The message of the failure the property test of ``rule_id`` finds."""
    with pytest.raises(AssertionError) as failure:
        settings(SEARCH, max_examples=examples)(check_rule(rule_id, rules=packs, properties=[prop]))()
    return str(failure.value)


def test_quarters_computed_in_utc_break_the_partition_property(monkeypatch):
    """Periods that begin at 00:00 UTC (08:00 in Shanghai) count an event of 1 October 03:00 in Q3."""

    def utc_midnight(day):
        return datetime.combine(day, time(0), UTC)

    monkeypatch.setattr(Period, "start_instant", property(lambda period: utc_midnight(period.start)))
    monkeypatch.setattr(Period, "end_instant", property(lambda period: utc_midnight(period.end + timedelta(days=1))))
    message = _fails("tonghua-2022-10.t02", partition)
    assert "partition of tonghua-2022-10.t02 (periodic) fails" in message
    assert "outside their Shanghai day's period" in message


def test_naive_timestamps_read_as_utc_break_time_zone_invariance(monkeypatch, daily):
    """A naive ``2022-09-30 23:30`` is Shanghai time; a reader that takes it as UTC moves it 8 hours later."""
    parse = facts.parse_instant

    def naive_as_utc(value):
        instant = parse(value)
        if isinstance(value, str) and not instant.date_only and not OFFSET.search(value.strip()):
            return Instant(instant.at + timedelta(hours=8))
        return instant

    monkeypatch.setattr(facts, "parse_instant", naive_as_utc)
    message = _fails("demo.daily", time_zone_invariance, daily, examples=200)
    assert "time-zone invariance of demo.daily (periodic) fails" in message


def test_at_least_read_as_exactly_breaks_monotonicity(monkeypatch):
    """"At least once a quarter" read as "exactly once": a second session turns a satisfied quarter violated."""
    count_status = periodic_module.count_status

    def exactly(count, at_least, *rest):
        return count_status(count if count <= at_least else 0, at_least, *rest)

    monkeypatch.setattr(periodic_module, "count_status", exactly)
    message = _fails("tonghua-2022-10.t02", monotonicity)
    assert "monotonicity of tonghua-2022-10.t02 (periodic) fails" in message
    assert "satisfied" in message and ("→ violated" in message or "→ open" in message)


@pytest.mark.parametrize(("rule_id", "prop"), [
    ("tonghua-2022-10.t02", partition),
    ("demo.daily", time_zone_invariance),
    ("tonghua-2022-10.t02", monotonicity),
])
def test_the_same_searches_pass_on_the_reference_evaluator(daily, rule_id, prop):
    SEARCH(check_rule(rule_id, rules=daily, properties=[prop]))()
