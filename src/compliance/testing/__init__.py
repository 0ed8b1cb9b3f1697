"""Property-based testing of rule semantics: Hypothesis strategies and ready-made properties.

A rule author states what a rule means for *any* records, and Hypothesis looks
for records where it does not hold::

    from compliance.testing import check_rule, monotonicity, order_independence, time_zone_invariance

    test_t02 = check_rule("tonghua-2022-10.t02",
                          properties=[monotonicity, order_independence, time_zone_invariance])

See ``docs/testing.md`` for a walk-through with a rule of your own.

**Strategies** (plural nouns; each checks its arguments when called and raises
:class:`ArgumentError`):

- times: :func:`timestamps` (texts of ``occurred_at`` in any UTC offset, naive
  Shanghai time, bare dates, at period edges), :func:`instants`,
  :func:`evaluation_instants`, :func:`periods`;
- records: :func:`units`, :func:`unit_hierarchies` (party committee,
  government, 安委会 and department lines over a province, a city, counties and
  townships, with enterprises), :func:`tenures`, :func:`people`, :func:`events`,
  :func:`measures`;
- whole exports: :func:`exports` (an :class:`Export` with events the chosen
  rules count) and :func:`qualifying_events` (one more event a rule counts).

With the package installed, a Hypothesis entry point registers them for the
record types, so ``st.from_type(Unit)``, ``st.builds(f)`` on annotated
arguments and friends work.

**Properties** (:class:`Property` objects, chosen by a rule's obligation kind,
see :func:`properties_for`): :data:`monotonicity`, :data:`escalation_monotonicity` (decisions of
sanctions), :data:`order_independence`,
:data:`time_zone_invariance`, :data:`partition`, :data:`unit_independence`,
:data:`duplicate_rows`, :data:`determinism`. Each compares the findings of an
export with those of a variant it draws (``prop.variants(rule, export)``) and
raises ``AssertionError`` naming the rule and the findings that differ.
:func:`check_rule` makes a ``@given`` test of them for one rule.
:func:`check_period_partition` checks that periods tile a range, and
:func:`check_escalation` that accountability decisions never de-escalate when
the records get worse.
"""

from compliance.testing._properties import (
    PROPERTIES,
    Property,
    check_escalation,
    check_period_partition,
    check_rule,
    determinism,
    duplicate_rows,
    escalation_monotonicity,
    monotonicity,
    order_independence,
    partition,
    properties_for,
    time_zone_invariance,
    unit_independence,
)
from compliance.testing._strategies import (
    ArgumentError,
    Export,
    evaluation_instants,
    events,
    exports,
    instants,
    measures,
    people,
    periods,
    qualifying_events,
    tenures,
    timestamps,
    unit_hierarchies,
    units,
)

__all__ = [
    "PROPERTIES",
    "ArgumentError",
    "Export",
    "Property",
    "check_escalation",
    "check_period_partition",
    "check_rule",
    "determinism",
    "duplicate_rows",
    "escalation_monotonicity",
    "evaluation_instants",
    "events",
    "exports",
    "instants",
    "measures",
    "monotonicity",
    "order_independence",
    "partition",
    "people",
    "periods",
    "properties_for",
    "qualifying_events",
    "tenures",
    "time_zone_invariance",
    "timestamps",
    "unit_hierarchies",
    "unit_independence",
    "units",
]
