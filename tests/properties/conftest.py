"""Hypothesis profiles for the property suite, chosen by ``HYPOTHESIS_PROFILE`` (default: ``ci``).

- ``ci``: the default, so that the README's test command gives the same result on every machine:
  deterministic (``derandomize``), no deadline, no shrinking; every shipped rule gets a share
  of a fixed budget of examples, so that the whole suite stays well under 2 minutes on two cores
  however many rules ship.
- ``dev``: exploring (``HYPOTHESIS_PROFILE=dev python -m pytest tests/properties``): random, more
  examples per rule, failures saved in ``.hypothesis/``.
- ``long``: a long local run (``HYPOTHESIS_PROFILE=long python -m pytest tests/properties``).

Each profile also says how many examples each shipped rule gets (``examples_per_rule``): those tests
run every property on every example, so they are budgeted apart from Hypothesis' ``max_examples``
(which the other property tests use).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_SLOW_DATA = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

# ci does not shrink: a failure found there is reported as drawn, in bounded time (shrinking an export
# can take minutes); rerun the test with HYPOTHESIS_PROFILE=dev to get the smallest failing example.
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True, database=None,
                          print_blob=True, suppress_health_check=_SLOW_DATA,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target])
settings.register_profile("dev", max_examples=100, deadline=None, suppress_health_check=_SLOW_DATA)
settings.register_profile("long", max_examples=1000, deadline=None, suppress_health_check=_SLOW_DATA)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or "ci"
settings.load_profile(PROFILE)

# (total examples shared by the shipped rules, fewest per rule, most per rule)
_RULE_BUDGETS = {"ci": (1400, 10, 25), "dev": (2500, 15, 40), "long": (30000, 100, 400)}


def examples_per_rule(rule_count: int) -> int:
    """How many examples each shipped rule gets under the active profile."""
    total, fewest, most = _RULE_BUDGETS.get(PROFILE, _RULE_BUDGETS["dev"])
    return max(fewest, min(most, total // max(1, rule_count)))
