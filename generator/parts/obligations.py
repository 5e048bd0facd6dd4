"""Obligations: what a law or platform rule requires, and which policies and controls satisfy it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .. import records
from . import Cut, Part


@dataclass(frozen=True)
class Obligation:
    id: str
    source: str
    requirement: str
    owner: records.RoleId
    controls: tuple[str, ...]
    article: str | None = None
    kind: str | None = None
    satisfied_by: tuple[records.PolicyId, ...] = ()
    evidence: tuple[str, ...] = ()
    url: str | None = None


def people(obligation: Obligation) -> tuple[set[str], set[str]]:
    return {obligation.owner}, set()


def cut(obligations: tuple, edition: Cut) -> tuple:
    """Policies outside the edition are left out of "satisfied by" (a navigation aid)."""
    return tuple(
        dataclasses.replace(
            o, satisfied_by=tuple(x for x in o.satisfied_by if x in edition.policies)
        )
        for o in obligations
    )


PART = Part(
    "obligations",
    "合规义务",
    Obligation,
    order=120,
    kinds=("compliance",),
    namespace="obligation",
    name="source",
    people=people,
    on_role_page=lambda o, role: o.owner == role,
    cut=cut,
)
