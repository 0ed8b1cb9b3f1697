"""The Hypothesis entry point: strategies for the record types, so that ``st.from_type(Unit)`` works.

``pyproject.toml`` declares ``[project.entry-points.hypothesis]``; Hypothesis
loads and calls :func:`_hypothesis_setup_hook` when it is imported, if the
package is installed (``pip install -e '.[test]'``). Without the installed
entry point, call the hook once yourself.
"""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    """Register a strategy for each record and time type of ``compliance``.

    Imports happen here, not at module level: Hypothesis calls the hook while it
    is itself being imported.
    """
    from hypothesis import strategies as st

    from compliance.facts import Event, Measure, Tenure, Unit
    from compliance.periods import Period
    from compliance.testing._strategies import (
        Export,
        events,
        exports,
        instants,
        measures,
        periods,
        tenures,
        units,
    )
    from compliance.timeline import Instant

    for record_type, strategy in (
        (Unit, units()),
        (Tenure, tenures()),
        (Event, events()),
        (Measure, measures()),
        (Period, periods()),
        (Instant, instants()),
        (Export, st.deferred(exports)),  # deferred: the packs are loaded on first use, not at import
    ):
        st.register_type_strategy(record_type, strategy)
