"""One thing one role does at a frequency: what parts give roles (parts/) and duty pages show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import labels

if TYPE_CHECKING:  # the part modules import this one while the model is still being built
    from .model import Policy
    from .parts.checklists import Checklist, ChecklistItem


@dataclass(frozen=True)
class Task:
    """One thing one role does at a frequency, with the page item it comes from."""

    frequency: str
    kind: str  # the task kind of the part it comes from (parts.TASK_KINDS)
    role: str
    policy: Policy
    group: str  # tasks of one group are shown, ticked and exported together
    group_title: str
    text: str
    detail: str = ""
    evidence: str = ""
    event: str = ""  # what triggers a per-event task
    target: tuple[str, str] | None = None  # (link kind, id) of the item the task comes from
    checklist: Checklist | None = None
    item: ChecklistItem | None = None

    @property
    def tickable(self) -> bool:
        """Recurring tasks and checklist items can be ticked; one-off event steps are read."""
        return self.kind == "checklist" or self.frequency != "per-event"


def item_detail(item: ChecklistItem, frequency: str, event: str | None = None) -> str:
    """Spell an item's quota and deadline as one line of plain text."""
    notes = []
    if item.quota:
        notes.append(f"定额 {labels.quota(item.quota)}")
    if item.due:
        notes.append(labels.due(item.due, frequency, event))
    return ";".join(notes)


def recurring(
    policy: Policy,
    frequency: str,
    kind: str,
    title: str,
    role: str,
    text: str,
    detail: str,
    ident: str,
) -> Task:
    """A task that comes back at a frequency (a report, a meeting, a KPI check)."""
    return Task(
        frequency,
        kind,
        role,
        policy,
        f"{role}-{frequency}-{kind}",
        title,
        text,
        detail,
        target=("part", ident),
    )


def steps(
    policy: Policy, kind: str, group: str, title: str, event: str, ident: str, items: tuple
) -> list[Task]:
    """The numbered steps of a procedure or playbook, each a per-event task of its role."""
    out = []
    for n, step in enumerate(items, 1):
        within = f";时限 {labels.duration(step.within)}" if step.within else ""
        out.append(
            Task(
                "per-event",
                kind,
                step.who,
                policy,
                group,
                title,
                step.what,
                f"第 {n} 步{within}",
                step.output or "",
                event,
                ("part", ident),
            )
        )
    return out
