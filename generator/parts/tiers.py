"""Tiers and programmes: how clients or customers are grouped into levels, and what each level gets."""

from __future__ import annotations

from dataclasses import dataclass

from .. import records
from . import Part


@dataclass(frozen=True)
class TierLevel:
    name: str
    criteria: str
    benefits: tuple[str, ...]


@dataclass(frozen=True)
class Programme:
    id: str
    name: str
    basis: str
    levels: tuple[TierLevel, ...]
    owner: records.RoleId


def people(programme: Programme) -> tuple[set[str], set[str]]:
    return {programme.owner}, set()


PART = Part(
    "tiers",
    "分层方案",
    Programme,
    order=65,
    kinds=("scope", "communication"),
    namespace="programme",
    people=people,
)
