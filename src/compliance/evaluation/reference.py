"""The reference evaluator: compiled rules + facts + range + as-of → findings.

It is the definition of correct behaviour. Each obligation kind has one
evaluating function; they share the primitives of
:mod:`compliance.evaluation.context`. Findings come out in one canonical order
(rule, unit, person, period, subject), so that the same input always gives the
same output.

Evaluation runs in three stages (:func:`evaluate`): grading rules turn events
into incidents (graded accidents); obligation rules give findings, and may read
the incidents (a report's limit depends on the accident's grade); sanction rules
turn findings, incidents and events into decisions. A later stage never changes
what an earlier one decided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from compliance.accountability.incidents import grade_events
from compliance.accountability.models import Decision, Incident
from compliance.accountability.sanctions import apply_sanctions, decide
from compliance.collector import collector_paused
from compliance.evaluation.bans import evaluate_ban
from compliance.evaluation.chains import evaluate_chain
from compliance.evaluation.context import Context
from compliance.evaluation.deadline import evaluate_deadline, evaluate_window
from compliance.evaluation.periodic import evaluate_coverage, evaluate_periodic
from compliance.evaluation.quota import evaluate_quota
from compliance.evaluation.records import evaluate_completeness, evaluate_precondition, evaluate_prohibition
from compliance.evaluation.response import evaluate_response
from compliance.findings import Finding
from compliance.language.compile import CompiledRule
from compliance.language.schema import Ladder

KindEvaluator = Callable[[CompiledRule, Context], Iterator[Finding]]

EVALUATORS: dict[str, KindEvaluator] = {
    "periodic": evaluate_periodic,
    "deadline": evaluate_deadline,
    "response": evaluate_response,
    "quota": evaluate_quota,
    "coverage": evaluate_coverage,
    "window": evaluate_window,
    "completeness": evaluate_completeness,
    "precondition": evaluate_precondition,
    "prohibition": evaluate_prohibition,
    "chain": evaluate_chain,
    "ban": evaluate_ban,
}
#: Kinds evaluated in their own stage: grading before the obligations, sanctions after them.
STAGED_KINDS = ("grading", "sanction")


def evaluate_rules(
    rules: Iterable[CompiledRule],
    context: Context,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Finding]:
    """Every finding of every rule, in canonical order.

    ``progress(done, total, rule_id)`` is called before each rule (for a progress display).
    """
    rules = list(rules)
    findings: list[Finding] = []
    for index, rule in enumerate(rules):
        if progress is not None:
            progress(index, len(rules), rule.id)
        findings.extend(EVALUATORS[rule.kind](rule, context))
    findings.sort(key=Finding.sort_key)
    return findings


@dataclass(frozen=True)
class Result:
    """What one evaluation decides: findings, incidents and decisions, each in canonical order."""

    findings: tuple[Finding, ...]
    incidents: tuple[Incident, ...]
    decisions: tuple[Decision, ...]


def evaluate(
    rules: Iterable[CompiledRule],
    context: Context,
    ladders: dict[str, Ladder],
    progress: Callable[[int, int, str], None] | None = None,
) -> Result:
    """The whole evaluation: incidents, then findings, then decisions.

    The cyclic garbage collector is paused meanwhile (:func:`~compliance.collector.collector_paused`).
    """
    rules = list(rules)
    with collector_paused():
        incidents = grade_events([rule for rule in rules if rule.kind == "grading"], context)
        context = replace(context, incidents=incidents)
        findings = evaluate_rules([rule for rule in rules if rule.kind not in STAGED_KINDS], context, progress)
        applications = apply_sanctions([rule for rule in rules if rule.kind == "sanction"], context, findings,
                                       incidents)
        return Result(tuple(findings), tuple(incidents.values()), tuple(decide(applications, ladders)))
