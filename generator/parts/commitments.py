"""Response commitments: how soon someone answers, and resolves, in each situation."""

from __future__ import annotations

from .. import model
from . import Part


def people(commitment: model.Commitment) -> tuple[set[str], set[str]]:
    return {commitment.who}, set()


PART = Part(
    "commitments",
    "响应承诺",
    model.Commitment,
    order=50,
    kinds=("communication",),
    name="situation",
    anchored=False,
    people=people,
    on_role_page=lambda c, role: c.who == role,
)
