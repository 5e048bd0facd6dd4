"""Procedures: a trigger and numbered steps (who, what, within how long), drawn as a flowchart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import records
from ..tasks import Task, steps
from . import Part

if TYPE_CHECKING:
    from .. import model


@dataclass(frozen=True)
class Handoff:
    from_: records.RoleId
    to: records.RoleId
    what: str
    within: str | None = None


@dataclass(frozen=True)
class Procedure:
    id: str
    title: str
    trigger: str
    owner: records.RoleId
    steps: tuple[records.Step, ...]
    summary: str | None = None
    handoffs: tuple[Handoff, ...] = ()
    outputs: tuple[str, ...] = ()


def tasks(handbook: model.Handbook, policy: model.Policy, procedures: tuple) -> list[Task]:
    return [
        task
        for proc in procedures
        for task in steps(
            policy, "step", f"procedure-{proc.id}", proc.title, proc.trigger, proc.id, proc.steps
        )
    ]


def people(proc: Procedure) -> tuple[set[str], set[str]]:
    return {proc.owner, *(r for h in proc.handoffs for r in (h.from_, h.to))}, set()


PART = Part(
    "procedures",
    "流程",
    Procedure,
    order=20,
    kinds=("workflow",),
    namespace="procedure",
    name="title",
    task_kind="step",
    task_label="流程步骤",
    task_rank=60,
    tasks=tasks,
    people=people,
)
