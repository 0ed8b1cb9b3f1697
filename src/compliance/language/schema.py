"""The rule language: what a rule pack file may say (pydantic models, strict).

A pack file is YAML (see ``docs/rule-language.md``). These models define every
key; unknown keys are errors (``extra="forbid"``). Values that are names (event
types, roles, unit kinds, levels, metrics, sectors, tags) are checked against the
vocabulary in :mod:`compliance.language.compile`, where the source position of
the offending value is known. Obligation kinds are a tagged union on ``kind``.

``$name`` strings inside ``obligation`` refer to the rule's ``parameters``; they
are replaced (with per-run overrides applied) before the obligation is validated,
so an obligation is always checked with the values it will run with.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_serializer, field_validator, model_validator

from compliance.facts import REGION_CODE
from compliance.periods import PeriodKind
from compliance.timeline import format_duration, parse_date, parse_duration

Scalar = str | int | bool | None


def _as_tuple(value: Any) -> Any:
    if value is None:
        return ()
    if isinstance(value, (str, int, bool)):
        return (value,)
    return tuple(value)


def _as_date(value: Any) -> Any:
    return parse_date(value) if isinstance(value, str) else value


def _as_duration(value: Any) -> Any:
    return parse_duration(value) if isinstance(value, str) else value


def _by_days(data: Any) -> Any:
    """Mark a limit written without a time part (P15D, P1W) as counted in calendar days.

    ``PT24H`` and ``P1D`` are the same duration but not the same rule: "within 24 hours"
    runs between instants, "within 1 day" ends at 24:00 (民法典 第二百零一条).
    """
    within = data.get("within") if isinstance(data, dict) else None
    if isinstance(within, str) and "by_days" not in data:
        data = {**data, "by_days": "T" not in within.upper()}
    return data


Names = Annotated[tuple[str, ...], BeforeValidator(_as_tuple)]
Day = Annotated[date, BeforeValidator(_as_date)]
Duration = Annotated[timedelta, BeforeValidator(_as_duration)]


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# -- who and what -------------------------------------------------------------
class UnitFilter(Strict):
    """Which units: every given criterion must hold; a list means any of its values."""

    kind: Names = Field((), description="Unit kinds (party_committee, government, …).")
    level: Names = Field((), description="Levels (province, city, county, township).")
    tags: Names = Field((), description="The unit has at least one of these tags.")
    sectors: Names = Field((), description="The unit has at least one of these sectors.")
    regions: Names = Field((), description="The unit's territory lies in one of these divisions (GB/T 2260).")

    @field_validator("regions")
    @classmethod
    def _codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:  # a mistyped code would bind no unit, and the rule would say nothing
            if not REGION_CODE.fullmatch(code):
                raise ValueError(f"{code!r} is not an administrative division code (GB/T 2260: 6 digits, "
                                 "or 9 or 12 for a township or a village)")
        return value


class AppliesTo(UnitFilter):
    """Who a rule binds: units (by kind, level, tags, sectors), or people holding a role in them."""

    role: str | None = Field(None, description="Bind each person holding this role in a matching unit.")
    other_than: str | None = Field(
        None, description="…except on the days they also hold this role there (t10: 其他成员, not the principal)."
    )
    person: dict[str, Names] = Field(
        default_factory=dict, description="Person attributes the tenure must have (employment, post)."
    )
    within: UnitFilter | None = Field(None, description="Set when compiled: the pack's jurisdiction.")

    @field_validator("person", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return {key: _as_tuple(item) for key, item in (value or {}).items()}


class TargetFilter(Strict):
    """Conditions on an event's ``target_id`` unit."""

    kind: Names = ()
    level: Names = Field((), description="Levels, or 'superior': one level above the event's unit.")
    territorial: bool = Field(False, description="The target's territory contains the event unit's territory.")


class Selector(Strict):
    """Which events count: a conjunction of tests on one event."""

    type: Names = Field(description="Event types; any of them.")
    where: dict[str, Any] = Field(
        default_factory=dict, description="Attribute equals the value (or one of a list of values)."
    )
    actor_role: str | None = Field(
        None, description="The actor holds this role in the event's unit on the event's day."
    )
    target: TargetFilter | None = None

    @field_validator("type")
    @classmethod
    def _not_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("at least one event type is needed")
        return value


class TenureSelector(Strict):
    """Which tenures (rows of ``people``): a role, and person attributes."""

    role: str
    where: dict[str, Names] = Field(default_factory=dict)

    @field_validator("where", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return {key: _as_tuple(item) for key, item in (value or {}).items()}


class Window(Strict):
    """A declared date window (a 重点敏感时期, a campaign phase), both days included."""

    label: str
    from_: Day = Field(alias="from")
    to: Day

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.to < self.from_:
            raise ValueError(f"window '{self.label}' ends ({self.to}) before it starts ({self.from_})")
        return self


# -- obligation kinds -----------------------------------------------------------
class Periodic(Strict):
    """At least ``at_least`` qualifying events in every calendar period."""

    kind: Literal["periodic"]
    event: Selector
    period: PeriodKind | dict[str, PeriodKind] = Field(
        description="A period kind, or one per unit level (t18: city two_months, county month)."
    )
    at_least: int = Field(1, ge=1)
    partial_tenure: Literal["require", "majority", "exempt"] = Field(
        "majority", description="For people: which partly served periods are owed."
    )
    sensitive: tuple[Window, ...] = Field((), description="重点敏感时期: windows that each need their own events.")
    sensitive_at_least: int = Field(1, ge=1)
    lead_time: Duration | None = Field(None, description="How long one qualifying event takes (for at_risk).")


class Deadline(Strict):
    """A qualifying event by a date (inclusive); after it is ``late``, never is ``violated``."""

    kind: Literal["deadline"]
    event: Selector
    due: Day
    lead_time: Duration | None = None


class SinceException(Strict):
    where: dict[str, Any]
    within: Duration


class Since(Strict):
    """The trigger counts only within a time of the event it names (the accident of a casualty change)."""

    type: Names
    key: str = Field(description="The trigger attribute holding the earlier event's id.")
    within: Duration
    unless: tuple[SinceException, ...] = Field((), description="Other limits for earlier events matching 'where'.")


class Response(Strict):
    """Every trigger event is followed by a response event within a time limit."""

    kind: Literal["response"]
    trigger: Selector
    response: Selector
    within: Duration = Field(description="ISO 8601: P15D counts calendar days, PT24H runs between instants.")
    by_days: bool = Field(
        False, description="Set from `within`: a limit without a time part (P15D, P1W) counts calendar days."
    )
    correlate: dict[str, str] = Field(
        default_factory=dict,
        description="response attribute (or field) -> trigger attribute (or field) that must be equal.",
    )
    same_unit: bool = Field(True, description="The response is recorded in the trigger's unit.")
    from_target: bool = Field(False, description="The response is recorded in the trigger's target unit.")
    subject: str = Field("event_id", description="The trigger attribute named as the finding's subject.")
    up_to: dict[str, str] = Field(
        default_factory=dict,
        description="accident grade -> level: owed only while the responding unit is below that level "
        "(the accident is the one the trigger names by accident_id).",
    )
    since: Since | None = Field(None, description="Owed only for triggers within a time of an earlier event.")

    @model_validator(mode="before")
    @classmethod
    def _counted_in_days(cls, data: Any) -> Any:
        return _by_days(data)

    @field_serializer("within", when_used="json")
    def _as_written(self, value: timedelta) -> str:
        return format_duration(value, by_days=self.by_days)  # PT24H stays PT24H, not P1D


class Ratio(Strict):
    """numerator × per ≥ denominator × at_least (integers: no rounding)."""

    numerator: str
    denominator: str
    per: int = Field(ge=1)
    at_least: int = Field(1, ge=0)


class CoverageQuota(Strict):
    """The share of a territory's units that have a covering event by a date."""

    population: UnitFilter
    covered_by: Selector
    by: Day
    at_least: Decimal = Field(Decimal(1), ge=0, le=1, description="Share required (1 = 100%).")


class Quota(Strict):
    """A relation between quantities: a ratio of measures, or a coverage share."""

    kind: Literal["quota"]
    ratio: Ratio | None = None
    coverage: CoverageQuota | None = None

    @model_validator(mode="after")
    def _one(self) -> Quota:
        if (self.ratio is None) == (self.coverage is None):
            raise ValueError("a quota has either 'ratio' or 'coverage'")
        return self


class Coverage(Strict):
    """A unit acts on each of its direct subordinates (``parent_id``) in every period."""

    kind: Literal["coverage"]
    event: Selector = Field(description="The parent's event; its target_id is the subordinate.")
    period: PeriodKind
    at_least: int = Field(1, ge=1)
    subordinates: UnitFilter = Field(
        default_factory=UnitFilter, description="Which subordinates (default: those of the parent's kind)."
    )


class WindowObligation(Strict):
    """At least ``at_least`` qualifying events inside a date window."""

    kind: Literal["window"]
    event: Selector
    from_: Day = Field(alias="from")
    to: Day
    at_least: int = Field(1, ge=1)
    lead_time: Duration | None = None

    @model_validator(mode="after")
    def _ordered(self) -> WindowObligation:
        if self.to < self.from_:
            raise ValueError(f"the window ends ({self.to}) before it starts ({self.from_})")
        return self


class Completeness(Strict):
    """Every qualifying record carries the required attributes."""

    kind: Literal["completeness"]
    event: Selector
    required: Names = Field(min_length=1)


class Requirements(Strict):
    attributes: dict[str, Any] = Field(default_factory=dict, description="The event's own attributes.")
    prior: Selector | None = Field(
        None, description="An event of the same unit and person at or before the moment."
    )


class Precondition(Strict):
    """An event (or taking up a role) is allowed only if conditions hold at that moment."""

    kind: Literal["precondition"]
    event: Selector | None = None
    tenure: TenureSelector | None = None
    requires: Requirements

    @model_validator(mode="after")
    def _one(self) -> Precondition:
        if (self.event is None) == (self.tenure is None):
            raise ValueError("a precondition is on either 'event' or 'tenure'")
        if self.tenure is not None and self.requires.attributes:
            raise ValueError("a precondition on a tenure can only require a 'prior' event")
        return self


class Prohibition(Strict):
    """No event, or no tenure, matching a condition."""

    kind: Literal["prohibition"]
    event: Selector | None = None
    tenure: TenureSelector | None = None

    @model_validator(mode="after")
    def _one(self) -> Prohibition:
        if (self.event is None) == (self.tenure is None):
            raise ValueError("a prohibition is on either 'event' or 'tenure'")
        return self


# -- accountability: grading, reparation chains, bans, sanctions ----------------------
class Grade(Strict):
    """One grade of a classification, reached when any attribute is at least its threshold."""

    grade: str = Field(description="The grade's name (national: the vocabulary's accident grades).")
    at_least: dict[str, int] = Field(
        default_factory=dict,
        description="attribute -> threshold; 以上 includes the number (>=). Empty for the last grade.",
    )


class Grading(Strict):
    """Classify each qualifying event; the first grade (worst first) any criterion reaches wins.

    The graded events are *incidents*: sanctions select them by grade.
    """

    kind: Literal["grading"]
    event: Selector
    grades: tuple[Grade, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _last_is_the_rest(self) -> Grading:
        if self.grades[-1].at_least:
            raise ValueError("the last grade takes every event no other grade reaches: give it no thresholds")
        if any(not grade.at_least for grade in self.grades[:-1]):
            raise ValueError("every grade but the last needs thresholds")
        return self


class Reach(Strict):
    """Who a consequence reaches, and at which step of which ladder."""

    to: Literal[
        "unit", "actor", "unit_principal", "territorial", "territorial_principals", "leaders_in_charge",
        "supervising_departments",
    ] = Field(description="Whom, relative to the unit (and actor) of the cause.")
    kinds: Names = Field((), description="For territorial reaches: the unit kinds (party_committee, government).")
    levels: Names = Field((), description="For territorial reaches: the levels reached (county, city, …).")
    ladder: str = Field(description="The ladder (territorial, departmental, person, enterprise).")
    step: str = Field(description="The step of the ladder.")


class FindingTrigger(Strict):
    """Findings of other rules that bring a sanction (at least ``count`` in one year)."""

    rules: Names
    status: Names = ("violated",)
    step: Names = Field((), description="For chain rules: only these steps.")
    count: int = Field(1, ge=1, description="How many such findings in one assessment year.")


class When(Strict):
    """What brings a sanction: events (optionally of an accident of some grades), or findings."""

    event: Selector | None = None
    grade: Names = Field(
        (), description="With 'event': the accident it is, or names (accident_id), has one of these grades."
    )
    findings: FindingTrigger | None = None

    @model_validator(mode="after")
    def _one(self) -> When:
        if (self.event is None) == (self.findings is None):
            raise ValueError("'when' names either 'event' or 'findings'")
        if self.grade and self.event is None:
            raise ValueError("'grade' goes with 'event'")
        return self


class Sanction(Strict):
    """When something happens, consequences reach units and persons on the accountability ladders."""

    kind: Literal["sanction"]
    when: When
    reaches: tuple[Reach, ...] = Field(min_length=1)


class StepDue(Strict):
    """When a chain step is owed: a limit after an anchor, or a date attribute of the starting event."""

    within: Duration | None = None
    after: str = Field("start", description="'start', or the id of an earlier step (its due instant).")
    attribute: str | None = Field(None, description="A date attribute of the starting event (the hazard's deadline).")
    by_days: bool = False

    @model_validator(mode="before")
    @classmethod
    def _counted_in_days(cls, data: Any) -> Any:
        return _by_days(data)

    @field_serializer("within", when_used="json")
    def _as_written(self, value: timedelta | None) -> str | None:
        return None if value is None else format_duration(value, by_days=self.by_days)

    @model_validator(mode="after")
    def _one(self) -> StepDue:
        if (self.within is None) == (self.attribute is None):
            raise ValueError("a step is due either 'within' a limit or by an 'attribute' date")
        return self


class ChainStep(Strict):
    """One step of a reparation chain: what is owed, by when, and what follows when it is not done."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(description="What is owed, in Chinese (used in messages).")
    owe: Selector
    by: StepDue
    same_unit: bool = Field(True, description="Owed in the starting event's unit (else: any unit, by the key).")
    if_failed: str | None = Field(None, description="Owed only when this earlier step failed (⊗: contrary-to-duty).")
    unless: Selector | None = Field(
        None, description="Not owed when such an event (same key) came first (e.g. rectified before the order)."
    )
    in_order: bool = Field(
        True, description="When the step it follows was done, only an event after that counts (整改 → 验收 → 销号)."
    )


class Chain(Strict):
    """A reparation chain over one subject (a hazard): steps owed in order, each with its due instant."""

    kind: Literal["chain"]
    start: Selector
    key: str = Field(description="The attribute that ties the chain's events together (hazard_id).")
    steps: tuple[ChainStep, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> Chain:
        seen: set[str] = set()
        for step in self.steps:
            for name in (step.by.after if step.by.after != "start" else None, step.if_failed):
                if name is not None and name not in seen:
                    raise ValueError(f"step {step.id!r} refers to {name!r}, which is not an earlier step")
            if step.id in seen:
                raise ValueError(f"duplicate step id {step.id!r}")
            seen.add(step.id)
        return self


class Ban(Strict):
    """A tenure is forbidden to a person after an event about them (a sanction), for a time or for life."""

    kind: Literal["ban"]
    tenure: TenureSelector
    after: Selector = Field(description="The event whose actor is banned (e.g. a dismissal over an accident).")
    years: int | None = Field(None, ge=1, le=100, description="Calendar years (anniversary); None: for life.")
    same_industry: bool = Field(False, description="Only units whose sectors include the accident's industry.")
    incident: Names = Field((), description="Only when the event's accident is of these grades.")


Obligation = Annotated[
    Union[Periodic, Deadline, Response, Quota, Coverage, WindowObligation, Completeness, Precondition, Prohibition,
          Grading, Chain, Ban, Sanction],
    Field(discriminator="kind"),
]
OBLIGATION_KINDS = ("periodic", "deadline", "response", "quota", "coverage", "window", "completeness",
                    "precondition", "prohibition", "grading", "chain", "ban", "sanction")


class LadderStep(Strict):
    """One step of an accountability ladder; ``consequences`` are what it brings."""

    step: str
    zh: str
    consequences: tuple[str, ...] = ()
    source: str = Field(description="Where the step comes from (document and article), or why it is a policy choice.")
    policy: bool = False


class Ladder(Strict):
    """Ordered steps, mildest first: a step's level is its position (1 = mildest)."""

    ladder: str
    zh: str
    applies_to: str = Field(description="Who climbs it: units of some kinds, or persons.")
    order_note: str = Field(description="Where the order of the steps comes from, and what in it is a policy choice.")
    steps: tuple[LadderStep, ...] = Field(min_length=1)


# -- rules and packs ------------------------------------------------------------
class Parameter(Strict):
    """A named value of a rule; ``policy: true`` marks a choice the document does not make."""

    value: Any
    policy: bool = False
    note: str = Field(description="Why this value: the text it encodes, or why it is a policy choice.")


class Citation(Strict):
    document: str | None = Field(None, description="Document number; defaults to the pack's.")
    article: str = Field(description="Article, clause or annex task.")
    text: str = Field(description="The quoted sentence.")


class InForce(Strict):
    from_: Day = Field(alias="from")
    to: Day | None = None

    @model_validator(mode="after")
    def _ordered(self) -> InForce:
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"in force until {self.to}, before it comes into force ({self.from_})")
        return self


class RuleSpec(Strict):
    id: str
    row: str | None = Field(
        None, description="The obligation (OBLIGATIONS.md row) it encodes; default: the id less a -a/-b suffix."
    )
    title: str = Field(description="What is owed, one short Chinese sentence (used in messages).")
    title_en: str | None = None
    citation: Citation
    applies_to: AppliesTo
    in_force: InForce
    obligation: dict[str, Any] = Field(description="Validated as an Obligation after parameters are resolved.")
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    notes: str | None = None


class DocumentInfo(Strict):
    number: str | None = Field(None, description="文号, where the document has one.")
    title: str
    issuer: str
    date: Day


class NotCheckable(Strict):
    id: str
    reason: str
    row: str | None = None


class PackSpec(Strict):
    pack: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    version: str
    document: DocumentInfo
    effective: Day
    jurisdiction: UnitFilter | None = Field(
        None, description="Where the document binds (its issuer's territory, system): every rule's units lie there."
    )
    rules: tuple[RuleSpec, ...] = ()
    not_checkable: tuple[NotCheckable, ...] = ()
    ladders: tuple[Ladder, ...] = ()
