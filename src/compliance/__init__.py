"""compliance: check work-safety (安全生产) obligations against what organisations did.

Rules are declarative data files (``rules/*.yaml``) citing the document and
article they encode; they are evaluated against facts (units, people, events,
measures) and produce findings with their evidence.

The public surface is what ``__all__`` lists. :class:`Monitor` (the streaming
monitor, :mod:`compliance.streaming`) is imported on first use, so that
``import compliance`` works where durable-rules cannot be installed; creating a
monitor there raises :class:`~compliance.streaming.StreamingUnavailable`.
"""

from typing import Any

__version__ = "0.1.0"

from compliance.api import Evaluation, evaluate, evaluate_export
from compliance.errors import ComplianceError, ErrorGroup, EvaluationError, Position, RecordError, RuleError
from compliance.facts import Event, Facts, Measure, Tenure, Unit
from compliance.findings import Finding, Status
from compliance.language import CompiledRule, Pack, load_packs
from compliance.periods import Period, PeriodKind
from compliance.records import LoadResult, Rejection, facts_from_records, load_export

__all__ = [
    "CompiledRule",
    "ComplianceError",
    "ErrorGroup",
    "Evaluation",
    "EvaluationError",
    "Event",
    "Facts",
    "Finding",
    "LoadResult",
    "Measure",
    "Monitor",
    "Pack",
    "Period",
    "PeriodKind",
    "Position",
    "RecordError",
    "Rejection",
    "RuleError",
    "Status",
    "Tenure",
    "Unit",
    "__version__",
    "evaluate",
    "evaluate_export",
    "facts_from_records",
    "load_export",
    "load_packs",
]

_LAZY = {"Monitor": "compliance.streaming"}


def __getattr__(name: str) -> Any:
    """``compliance.Monitor``, imported when first asked for (durable-rules itself only when one is made)."""
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'compliance' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
