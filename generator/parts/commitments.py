"""Response commitments: how soon someone answers, and resolves, in each situation."""

from __future__ import annotations

from collections.abc import Iterator
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
    id: str | None = None  # unique in its policy: what a client's overlay names it by
    client_may_set: records.Bounds = ()


def check(commitments: tuple) -> Iterator[tuple[tuple, str, str]]:
    """An id names one commitment of its policy: a client's overlay sets values by it."""
    seen: dict[str, int] = {}
    for i, commitment in enumerate(commitments):
        if commitment.id is None:
            continue
        if commitment.id in seen:
            yield (
                (i, "id"),
                "duplicate-commitment",
                f"响应承诺 id {commitment.id} 已在第 {seen[commitment.id] + 1} 项用过。"
                "请给这一项换一个 id。",
            )
        else:
            seen[commitment.id] = i


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
    check=check,
    codes=("duplicate-commitment",),
)
