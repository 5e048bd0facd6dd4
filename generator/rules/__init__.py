"""Cross-file rules: one function per rule, registered with its phase and the codes it reports.

The pipeline runs them phase by phase (`run`); a family of rules is one module here.
"""

from __future__ import annotations

from . import (
    clauses,
    dates,
    editions,
    ids,
    markdown,
    names,
    organisation,
    policy,
    refs,
    values,
    variable,
    wording,
)
from .context import NOUNS, POLICY_PARTS, Built, Context, Index, Place
from .ids import collect as collect_ids
from .ids import collect_policy, define
from .registry import RULES, Phase, Rule, rule, run

FAMILIES = (
    ids,
    names,
    refs,
    markdown,
    policy,
    clauses,
    dates,
    values,
    variable,
    wording,
    organisation,
    editions,
)

__all__ = [
    "FAMILIES",
    "NOUNS",
    "POLICY_PARTS",
    "RULES",
    "Built",
    "Context",
    "Index",
    "Phase",
    "Place",
    "Rule",
    "collect_ids",
    "collect_policy",
    "define",
    "rule",
    "run",
]
