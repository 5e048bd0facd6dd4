"""Response commitments: how soon someone answers, and resolves, in each situation."""

from __future__ import annotations

from dataclasses import dataclass

from .. import records
from . import Part


@dataclass(frozen=True)
class Commitment:
    situation: str
    within: str
    who: records.RoleId
    hours: str | None = None
    resolve_within: str | None = None


def people(commitment: Commitment) -> tuple[set[str], set[str]]:
    return {commitment.who}, set()


PART = Part(
    "commitments",
    "响应承诺",
    Commitment,
    order=50,
    kinds=("communication",),
    name="situation",
    anchored=False,
    people=people,
    on_role_page=lambda c, role: c.who == role,
)
