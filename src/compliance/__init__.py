"""compliance: check work-safety (安全生产) obligations against what organisations did.

Rules are declarative data files (``rules/*.yaml``) citing the document and
article they encode; they are evaluated against facts (units, people, events,
measures) and produce findings with their evidence.

The public surface is what ``__all__`` lists.
"""

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
