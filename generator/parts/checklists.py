"""Checklists: items a role ticks off at a frequency, with quotas, deadlines and evidence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import deadlines, labels, records
from ..audience import visible
from ..tasks import Task, item_detail
from . import KINDS, Cut, Part

if TYPE_CHECKING:
    from .. import model


@dataclass(frozen=True)
class ChecklistItem:
    text: str
    quota: records.Quota | None = None
    evidence: str | None = None
    due: str | records.Due | None = None  # a clock time ("18:00") or a deadline in the cycle
    role: records.RoleId | None = None
    serves: records.Serves | None = None
    basis: tuple[records.Citation, ...] = ()


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    role: records.RoleId
    frequency: str
    items: tuple[ChecklistItem, ...]
    event: str | None = None
    summary: str | None = None
    audience: tuple[str, ...] = ("staff",)
    client_may_set: records.Bounds = ()
    policy: Any = field(  # its policy (derived)
        default=None, compare=False, repr=False, metadata=records.DERIVED
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
            item_detail(item, c.frequency, c.event),
            item.evidence or "",
            c.event or "",
            ("checklist", c.id),
            c,
            item,
        )
        for c in checklists
        for item in c.items
    ]


def check(checklists: tuple) -> Iterator[tuple[tuple, str, str]]:
    """Each item's deadline fits the list's frequency (before the event only if there is one)."""
    for c, checklist in enumerate(checklists):
        subject = f"清单 {checklist.id} 按{labels.FREQUENCY[checklist.frequency]}执行"
        for i, item in enumerate(checklist.items):
            if item.due is not None:
                for key, message in deadlines.misfits(item.due, checklist.frequency, subject):
                    yield (c, "items", i, "due", *key), "due-misfit", message


def cut(checklists: tuple, edition: Cut) -> tuple:
    """A checklist shows in the editions its audience names."""
    return tuple(c for c in checklists if visible(c.audience, edition.edition))


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
    cut=cut,
    check=check,
    codes=("due-misfit",),
)
