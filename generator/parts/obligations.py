"""Obligations: what a law or platform rule requires, and which policies and controls satisfy it."""

from __future__ import annotations

from dataclasses import dataclass

from .. import model
from . import Part


@dataclass(frozen=True)
class Obligation:
    id: str
    source: str
    requirement: str
    owner: model.RoleId
    controls: tuple[str, ...]
    article: str | None = None
    kind: str | None = None
    satisfied_by: tuple[model.PolicyId, ...] = ()
    evidence: tuple[str, ...] = ()
    url: str | None = None


def people(obligation: Obligation) -> tuple[set[str], set[str]]:
    return {obligation.owner}, set()


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
)
