"""Severity levels: criteria, first response, who leads, who is told, when the client hears."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import labels, records
from ..tasks import Task
from . import Part

if TYPE_CHECKING:
    from .. import model


@dataclass(frozen=True)
class SeverityLevel:
    id: str
    level: int
    name: str
    criteria: tuple[str, ...]
    first_response: str
    lead: records.RoleId
    client_notice: str | None = None
    notify: tuple[records.RoleId, ...] = ()
    examples: tuple[str, ...] = ()


def tasks(handbook: model.Handbook, policy: model.Policy, levels: tuple) -> list[Task]:
    return [
        Task(
            "per-event",
            "severity",
            lvl.lead,
            policy,
            f"severity-{lvl.id}",
            lvl.name,
            f"担任{lvl.name}事件的处置负责人,启动处置",
            f"发现后 {labels.duration(lvl.first_response)} 内",
            event=f"发生{lvl.name}事件",
            target=("part", lvl.id),
        )
        for lvl in levels
    ]


def people(level: SeverityLevel) -> tuple[set[str], set[str]]:
    return set(), set(level.notify)


PART = Part(
    "severity_levels",
    "事件级别",
    SeverityLevel,
    order=90,
    kinds=("crisis",),
    namespace="severity",
    task_kind="severity",
    task_label="事件处置",
    task_rank=90,
    tasks=tasks,
    people=people,
)
