"""The escalation chain: who takes over, within how long, when the level below has not solved it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import labels, records
from ..tasks import Task
from . import Part

if TYPE_CHECKING:
    from .. import model


@dataclass(frozen=True)
class EscalationStep:
    role: records.RoleId
    within: str
    action: str


def tasks(handbook: model.Handbook, policy: model.Policy, chain: tuple) -> list[Task]:
    return [
        Task(
            "per-event",
            "escalation",
            e.role,
            policy,
            f"escalation-{policy.id}",
            "事件升级",
            e.action,
            f"升级链第 {n} 级;时限 {labels.duration(e.within)}",
            event="事件按升级链升级到本级",
            target=("policy", policy.id),
        )
        for n, e in enumerate(chain, 1)
    ]


PART = Part(
    "escalation",
    "升级链",
    EscalationStep,
    order=100,
    kinds=("crisis",),
    name="action",
    anchored=False,
    task_kind="escalation",
    task_label="升级链",
    task_rank=80,
    tasks=tasks,
)
