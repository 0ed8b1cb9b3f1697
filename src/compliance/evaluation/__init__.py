"""Evaluators: turn compiled rules and facts into findings.

The reference evaluator (:mod:`compliance.evaluation.reference`) defines what is
correct; faster evaluators must agree with it.
"""

from compliance.evaluation.context import Context
from compliance.evaluation.reference import EVALUATORS, Result, evaluate, evaluate_rules

__all__ = ["Context", "EVALUATORS", "Result", "evaluate", "evaluate_rules"]
