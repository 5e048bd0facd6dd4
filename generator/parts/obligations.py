"""Obligations: what a law or platform rule requires, and which policies and controls satisfy it."""

from __future__ import annotations

from .. import model
from . import Part


def people(obligation: model.Obligation) -> tuple[set[str], set[str]]:
    return {obligation.owner}, set()


PART = Part(
    "obligations",
    "合规义务",
    model.Obligation,
    order=120,
    kinds=("compliance",),
    namespace="obligation",
    name="source",
    people=people,
    on_role_page=lambda o, role: o.owner == role,
)
