"""Scorecards: the criteria, and their weights, by which channels, partners or suppliers are judged."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import labels, records
from ..tasks import Task, recurring
from . import Part

if TYPE_CHECKING:
    from .. import model

LABEL = "评估"


@dataclass(frozen=True)
class Criterion:
    name: str
    description: str
    weight: float | None = None


@dataclass(frozen=True)
class Scorecard:
    id: str
    name: str
    subject: str
    criteria: tuple[Criterion, ...]
    owner: records.RoleId
    cadence: str | None = None
    scale: str | None = None

    @property
    def weighted(self) -> bool:
        return any(c.weight is not None for c in self.criteria)


def tasks(handbook: model.Handbook, policy: model.Policy, cards: tuple) -> list[Task]:
    return [
        recurring(
            policy,
            card.cadence,
            "scorecard",
            LABEL,
            card.owner,
            f"按{card.name}评估{card.subject}",
            f"{len(card.criteria)} 项标准",
            card.id,
        )
        for card in cards
        if card.cadence
    ]


def check(cards: tuple) -> Iterator[tuple[tuple, str, str]]:
    """Weights are all given or none, and add up to 100."""
    for i, card in enumerate(cards):
        weights = [c.weight for c in card.criteria]
        if not card.weighted:
            continue
        missing = [j for j, w in enumerate(weights) if w is None]
        if missing:
            yield (
                (i, "criteria", missing[0]),
                "weight-missing",
                f"评分表 {card.id} 的其他标准写了权重,这一项也要写(各项合计 100)。",
            )
            continue
        total = sum(w for w in weights if w is not None)
        if abs(total - 100) > 1e-9:
            yield (
                (i, "criteria"),
                "weights-not-100",
                f"评分表 {card.id} 各项权重合计 {labels.number(total)},应为 100。请调整权重。",
            )


PART = Part(
    "scorecards",
    "评分表",
    Scorecard,
    order=75,
    kinds=("data",),
    namespace="scorecard",
    task_kind="scorecard",
    task_label=LABEL,
    task_rank=55,
    tasks=tasks,
    check=check,
    codes=("weight-missing", "weights-not-100"),
)
