"""Playbooks: signals and steps for one kind of incident, with statement templates."""

from __future__ import annotations

from .. import labels, model
from ..tasks import Task, steps
from . import Part


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
    model.Playbook,
    order=110,
    kinds=("crisis",),
    namespace="playbook",
    name="title",
    task_kind="playbook",
    task_label="危机预案步骤",
    task_rank=70,
    tasks=tasks,
)
