"""The streaming monitor: the same rules, decided as events arrive, on durable-rules.

:class:`Monitor` takes master data once and events one at a time, in time
order, and gives each finding as soon as it is decided, and each change of the
accountability decisions (a :class:`~compliance.accountability.models.Decision`,
or a :class:`DecisionWithdrawn`) as its causes are decided; after
``advance_to(t)`` its findings and decisions are the reference evaluator's at
``as_of=t``. Each rule is compiled into a durable-rules network (:mod:`.network`); counting,
state and the decision of when a finding is final live in Python
(:mod:`.followers`); the engine is guarded against its measured limits
(:mod:`.engine`). See ``docs/streaming.md``.

Importing this module does not import durable-rules: :func:`available` says
whether it can be, and creating a :class:`Monitor` raises
:class:`StreamingUnavailable` (with the reason) where it cannot.
"""

from __future__ import annotations

from compliance.streaming.decisions import DecisionWithdrawn
from compliance.streaming.errors import (
    OutOfOrderEvent,
    StreamingError,
    StreamingUnavailable,
)
from compliance.streaming.monitor import Monitor


def available() -> bool:
    """Whether durable-rules can be imported here (the monitor can run)."""
    from compliance.streaming.engine import load_durable

    try:
        load_durable()
    except StreamingUnavailable:
        return False
    return True


__all__ = ["DecisionWithdrawn", "Monitor", "OutOfOrderEvent", "StreamingError", "StreamingUnavailable", "available"]
