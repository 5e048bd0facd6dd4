"""Checklists: items a role ticks off at a frequency, with quotas, deadlines and evidence."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import model
from ..tasks import Task, item_detail
from . import KINDS, Part


@dataclass(frozen=True)
class ChecklistItem:
    text: str
    quota: model.Quota | None = None
    evidence: str | None = None
    due: str | None = None
    within: str | None = None
    role: model.RoleId | None = None
    serves: model.Serves | None = None


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    role: model.RoleId
    frequency: str
    items: tuple[ChecklistItem, ...]
    event: str | None = None
    summary: str | None = None
    audience: tuple[str, ...] = ("staff",)
    policy: model.Policy | None = field(
        default=None, compare=False, repr=False, metadata=model.DERIVED
    )


def tasks(handbook: model.Handbook, policy: model.Policy, checklists: tuple) -> list[Task]:
    return [
        Task(
            c.frequency,
            "checklist",
            item.role or c.role,
            policy,
            c.id,
            c.title,
            item.text,
            item_detail(item),
            item.evidence or "",
            c.event or "",
            ("checklist", c.id),
            c,
            item,
        )
        for c in checklists
        for item in c.items
    ]


PART = Part(
    "checklists",
    "检查清单",
    Checklist,
    order=130,
    kinds=KINDS,
    namespace="checklist",
    name="title",
    anchored=False,  # a checklist has a page of its own
    task_kind="checklist",
    task_label="清单",
    task_rank=10,
    tasks=tasks,
)
