"""Findings: what an evaluation decides about one obligation for one unit or person.

The fields are those of ``findings.jsonl`` in CONTRACT.md. A finding always names
its rule, the document and article (``citation``) and the evidence (the event
ids counted, or the ids of what is missing), and carries a one-sentence Chinese
message for auditors.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Status(StrEnum):
    """The outcome of one obligation for one subject and period.

    ``open``: the period or limit is not over at the evaluation instant, so it cannot
    be violated yet; ``at_risk``: open, and what is missing no longer fits in the time
    left; ``late``: done, after the due instant; ``exempt``: not owed (a partly
    served period under the rule's policy).
    """

    VIOLATED = "violated"
    LATE = "late"
    AT_RISK = "at_risk"
    OPEN = "open"
    SATISFIED = "satisfied"
    EXEMPT = "exempt"

    @property
    def chinese(self) -> str:
        return _CHINESE[self]


_CHINESE = {
    Status.VIOLATED: "未落实",
    Status.LATE: "逾期落实",
    Status.AT_RISK: "有逾期风险",
    Status.OPEN: "期限未到",
    Status.SATISFIED: "已落实",
    Status.EXEMPT: "免于考核",
}

#: Statuses written without ``--all``.
REPORTED = (Status.VIOLATED, Status.LATE, Status.AT_RISK)


class CitationOut(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    document: str
    article: str
    text: str


class Finding(BaseModel):
    """One decided obligation (a line of ``findings.jsonl``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_id: str
    unit_id: str
    person_id: str | None = None
    subject_id: str | None = Field(None, description="The hazard, subordinate unit or event concerned.")
    step: str | None = Field(None, description="For a reparation chain: the step of the chain (null otherwise).")
    period: str | None = Field(None, description="Period label (2022-Q3), a window (2022-10-16/2022-10-22), or null.")
    period_start: date | None = None
    period_end: date | None = None
    due: str | None = Field(None, description="The due instant, ISO 8601 with +08:00.")
    status: Status
    expected: Any = None
    actual: Any = None
    evidence: tuple[str, ...] = ()
    citation: CitationOut
    message: str

    def sort_key(self) -> tuple:
        return (
            self.rule_id,
            self.unit_id,
            self.person_id or "",
            self.period_start or date.min,
            self.period or "",
            self.subject_id or "",
            self.due or "",  # a chain's steps in the order they fall due
            self.step or "",
        )

    def reference(self) -> dict[str, Any]:
        """What identifies this finding, as a decision's ``because`` names it."""
        return {
            "finding": self.rule_id,
            "unit_id": self.unit_id,
            "person_id": self.person_id,
            "subject_id": self.subject_id,
            "step": self.step,
            "period": self.period,
            "status": self.status.value,
        }
