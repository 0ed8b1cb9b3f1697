"""The reference evaluator: compiled rules + facts + range + as-of → findings.

It is the definition of correct behaviour. Each obligation kind has one
evaluating function; they share the primitives of
:mod:`compliance.evaluation.context`. Findings come out in one canonical order
(rule, unit, person, period, subject), so that the same input always gives the
same output.

Sanctions (reparation chains, accountability decisions) are a later stage that
reads these findings together with the incidents; it plugs in after
:func:`evaluate_rules` and never changes what the obligations decide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from compliance.evaluation.context import Context
from compliance.evaluation.deadline import evaluate_deadline, evaluate_window
from compliance.evaluation.periodic import evaluate_coverage, evaluate_periodic
from compliance.evaluation.quota import evaluate_quota
from compliance.evaluation.records import evaluate_completeness, evaluate_precondition, evaluate_prohibition
from compliance.evaluation.response import evaluate_response
from compliance.findings import Finding
from compliance.language.compile import CompiledRule

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
}


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
