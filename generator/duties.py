"""Who does what, how often: every recurring or event-driven task, and the role x policy matrix."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from . import cadence, parts
from .model import Handbook, Policy
from .tasks import Task

FREQUENCIES = cadence.CODES  # daily first
HEADINGS = cadence.HEADINGS
RACI = {"owner": "责", "approver": "批", "performs": "执", "informed": "知"}


def pages(tasks: list[Task]) -> tuple[str, ...]:
    """The frequencies that have a duty page: the usual ones always, the others while in use."""
    used = {task.frequency for task in tasks}
    return tuple(f.code for f in cadence.FREQUENCIES if f.page or f.code in used)


def all_tasks(handbook: Handbook) -> list[Task]:
    """Every task in force (active policies only), in handbook order."""
    tasks: list[Task] = []
    for policy in handbook.policies:
        if policy.status == "active":
            tasks.extend(policy_tasks(handbook, policy))
    return tasks


def policy_tasks(handbook: Handbook, policy: Policy) -> list[Task]:
    """The tasks a policy's parts give roles, kind by kind in the order duty pages show them.

    A step an outside party takes (a platform's review, a courier's pick-up) is no one's task here.
    """
    out: list[Task] = []
    for part in sorted(parts.PARTS, key=lambda p: p.task_rank):
        items = part.items(policy)
        if part.tasks is not None and items:
            out.extend(part.tasks(handbook, policy, items))
    parties = handbook.parties
    return [t for t in out if t.role not in parties] if parties else out


@dataclass
class Group:
    """Tasks shown together: one checklist, one procedure, or one kind of recurring work."""

    key: str
    title: str
    kind: str
    frequency: str
    tasks: list[Task]

    @property
    def event(self) -> str:
        return self.tasks[0].event

    @property
    def target(self) -> tuple[str, str] | None:
        return self.tasks[0].target if self.kind in ("checklist", "step", "playbook") else None

    @property
    def tickable(self) -> bool:
        return self.tasks[0].tickable


def grouped(tasks: list[Task]) -> list[tuple[str, list[Group]]]:
    """Group tasks by frequency (daily first), then by group, keeping the handbook's order."""
    by_frequency: dict[str, dict[str, Group]] = defaultdict(dict)
    for task in tasks:
        groups = by_frequency[task.frequency]
        if task.group not in groups:
            groups[task.group] = Group(task.group, task.group_title, task.kind, task.frequency, [])
        groups[task.group].tasks.append(task)
    order = {kind: i for i, kind in enumerate(parts.TASK_KINDS)}
    return [
        (freq, sorted(by_frequency[freq].values(), key=lambda g: order[g.kind]))
        for freq in FREQUENCIES
        if by_frequency.get(freq)
    ]


def tasks_of(handbook: Handbook, role_id: str) -> list[Task]:
    """Every task one role does."""
    return [t for t in all_tasks(handbook) if t.role == role_id]


def by_role(
    handbook: Handbook, frequency: str, tasks: list[Task] | None = None
) -> list[tuple[str, list[Group]]]:
    """For one frequency, each role's groups of tasks, in the order of roles.yaml."""
    tasks = [
        t for t in (all_tasks(handbook) if tasks is None else tasks) if t.frequency == frequency
    ]
    out = []
    for role in handbook.organisation.roles:
        mine = [t for t in tasks if t.role == role.id]
        if mine:
            out.extend((role.id, groups) for _, groups in grouped(mine))
    return out


def matrix(handbook: Handbook) -> dict[str, dict[str, list[str]]]:
    """Return policy id -> role id -> relation codes (owner, approver, performs, informed)."""
    table: dict[str, dict[str, list[str]]] = {}
    for policy in handbook.policies:
        if policy.status == "retired":
            continue
        row: dict[str, list[str]] = defaultdict(list)
        row[policy.owner].append("owner")
        if "approver" not in row[policy.approver]:
            row[policy.approver].append("approver")
        performs = {t.role for t in policy_tasks(handbook, policy)}
        informed: set[str] = set()
        for part in parts.PARTS:
            for item in part.items(policy) if part.people else ():
                acts, told = part.people(item)
                performs |= acts
                informed |= told
        for role in sorted(performs):
            row[role].append("performs")
        for role in sorted(informed - performs - {"client"}):
            row[role].append("informed")
        table[policy.id] = {r: codes for r, codes in row.items() if codes}
    return table
