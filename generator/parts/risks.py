"""Risks: what could go wrong, how likely, how bad, what is done about it, and who watches it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import records
from ..tasks import Task, recurring
from . import Part

if TYPE_CHECKING:
    from .. import model

LEVELS = {"low": "低", "medium": "中", "high": "高"}
STRATEGIES = {"avoid": "规避", "reduce": "降低", "transfer": "转移", "accept": "接受"}
_RANK = {"low": 1, "medium": 2, "high": 3}
LABEL = "风险复核"


@dataclass(frozen=True)
class Risk:
    id: str
    risk: str
    likelihood: str
    impact: str
    strategy: str
    owner: records.RoleId
    description: str | None = None
    category: str | None = None
    measures: tuple[str, ...] = ()
    review: str | None = None
    signals: tuple[str, ...] = ()

    @property
    def level(self) -> str:
        """The risk's level, from likelihood × impact: 1–2 low, 3–4 medium, 6–9 high."""
        score = _RANK[self.likelihood] * _RANK[self.impact]
        return "high" if score >= 6 else "medium" if score >= 3 else "low"

    @property
    def level_rank(self) -> int:
        return _RANK[self.level]

    @property
    def level_name(self) -> str:
        return LEVELS[self.level]

    @property
    def likelihood_name(self) -> str:
        return LEVELS[self.likelihood]

    @property
    def impact_name(self) -> str:
        return LEVELS[self.impact]

    @property
    def strategy_name(self) -> str:
        return STRATEGIES[self.strategy]


def tasks(handbook: model.Handbook, policy: model.Policy, risks: tuple) -> list[Task]:
    return [
        recurring(
            policy,
            r.review,
            "risk",
            LABEL,
            r.owner,
            f"复核风险:{r.risk}",
            f"当前等级 {r.level_name};应对:{r.strategy_name}",
            r.id,
        )
        for r in risks
        if r.review
    ]


def people(risk: Risk) -> tuple[set[str], set[str]]:
    return {risk.owner}, set()


PART = Part(
    "risks",
    "风险",
    Risk,
    order=115,
    kinds=("crisis",),
    namespace="risk",
    name="risk",
    task_kind="risk",
    task_label=LABEL,
    task_rank=85,
    tasks=tasks,
    people=people,
    on_role_page=lambda r, role: r.owner == role,
)
