"""Meetings: the rhythm of regular meetings, who chairs, who attends, the agenda."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import records
from ..tasks import Task, recurring
from . import Part

if TYPE_CHECKING:
    from .. import model


@dataclass(frozen=True)
class Meeting:
    id: str
    name: str
    cadence: str
    chair: records.RoleId
    participants: tuple[records.Recipient, ...]
    agenda: tuple[str, ...]
    when: str | None = None
    duration: str | None = None
    output: str | None = None


LABEL = "会议"


def tasks(handbook: model.Handbook, policy: model.Policy, meetings: tuple) -> list[Task]:
    out = []
    for m in meetings:
        when = m.when or ""
        out.append(
            recurring(policy, m.cadence, "meeting", LABEL, m.chair, f"主持{m.name}", when, m.id)
        )
        for person in m.participants:
            if person not in ("client", m.chair):
                text = f"参加{m.name}"
                out.append(recurring(policy, m.cadence, "meeting", LABEL, person, text, when, m.id))
    return out


def people(meeting: Meeting) -> tuple[set[str], set[str]]:
    return set(), set(meeting.participants)


PART = Part(
    "meetings",
    "会议",
    Meeting,
    order=60,
    kinds=("communication",),
    namespace="meeting",
    task_kind="meeting",
    task_label=LABEL,
    task_rank=40,
    tasks=tasks,
    people=people,
)
