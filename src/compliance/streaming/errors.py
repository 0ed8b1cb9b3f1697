"""The errors of the streaming monitor, all under :class:`~compliance.errors.ComplianceError`.

They live here rather than in :mod:`compliance.errors` so that the streaming layer
can be added (or left out) without touching the root module; they are exported
from :mod:`compliance.streaming`.
"""

from __future__ import annotations

from compliance.errors import ComplianceError


class StreamingUnavailable(ComplianceError):
    """The monitor cannot run here: durable-rules is not installed (or cannot be built).

    >>> error = StreamingUnavailable("durable-rules is not installed", found="Python 3.13.0")
    >>> str(error)
    "durable-rules is not installed (found 'Python 3.13.0')"
    """


class StreamingError(ComplianceError):
    """The rule engine failed: an action raised, the engine refused a message, a limit was reached.

    The monitor that raised it is broken afterwards (a later call raises it again):
    a compliance tool that carries on after losing a match is worse than none.
    """


class OutOfOrderEvent(ComplianceError):
    """An event older than what the monitor has already been told is complete.

    Events are fed in time order; once the monitor has seen an event at ``t`` (or
    been advanced to ``t``), it has decided what depends on the time before, so an
    earlier event would change decisions already given. It is refused, not merged.
    """
