"""What accountability produces: incidents (graded events) and decisions.

An :class:`Incident` is an event a grading rule classified (an accident graded
特别重大 / 重大 / 较大 / 一般 by 国务院令第493号 第三条). A :class:`Decision` is
the accountability outcome for one unit or person in one assessment year on one
ladder: the worst step reached, every consequence, and ``because``: every
finding, incident or event that caused it (CONTRACT.md ``decisions.jsonl``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from compliance.findings import CitationOut


class Incident(BaseModel):
    """A graded event (a line of ``incidents.jsonl``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    incident_id: str = Field(description="The graded event's id.")
    rule_id: str = Field(description="The grading rule.")
    unit_id: str
    type: str
    occurred_at: str
    year: int
    grade: str
    grade_name: str = Field(description="The grade in Chinese (重大事故).")
    reached: dict[str, int] = Field(description="The criteria that reached the grade: attribute -> value.")
    citation: CitationOut
    message: str

    def reference(self) -> dict[str, Any]:
        return {"incident": self.incident_id, "rule_id": self.rule_id, "unit_id": self.unit_id,
                "grade": self.grade}


class Decision(BaseModel):
    """The accountability outcome for a unit or person in an assessment year (a line of ``decisions.jsonl``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit_id: str
    person_id: str | None
    year: int
    ladder: str
    level: int = Field(description="The position of the worst step reached on its ladder (higher is worse).")
    level_name: str = Field(description="That step in Chinese (一票否决).")
    step: str
    consequences: tuple[str, ...] = Field(description="Every consequence of every step reached, worst first.")
    because: tuple[dict[str, Any], ...] = Field(
        description="The findings, incidents and events that caused it, each with the sanction rule that applied."
    )

    def sort_key(self) -> tuple:
        return (self.year, self.unit_id, self.person_id or "", self.ladder)
