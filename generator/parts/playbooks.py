"""Playbooks: signals and steps for one kind of incident, with statement templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import labels, records
from ..tasks import Task, steps
from . import Part

if TYPE_CHECKING:
    from .. import model


@dataclass(frozen=True)
class Statement:
    title: str
    channel: str
    template: str


@dataclass(frozen=True)
class Playbook:
    id: str
    incident: str
    title: str
    severity: records.LevelId
    signals: tuple[str, ...]
    steps: tuple[records.Step, ...]
    statements: tuple[Statement, ...] = ()


def tasks(handbook: model.Handbook, policy: model.Policy, playbooks: tuple) -> list[Task]:
    return [
        task
        for pb in playbooks
        for task in steps(
            policy,
            "playbook",
            f"playbook-{pb.id}",
            pb.title,
            f"发生{labels.INCIDENT[pb.incident]}事件",
            pb.id,
            pb.steps,
        )
    ]


PART = Part(
    "playbooks",
    "处置预案",
    Playbook,
    order=110,
    kinds=("crisis",),
    namespace="playbook",
    name="title",
    task_kind="playbook",
    task_label="危机预案步骤",
    task_rank=70,
    tasks=tasks,
)
