"""Derived views of the model for pages: recent changes, reviews due, role duties, usage."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from . import parts, prose
from .model import (
    FREQUENCY_ORDER,
    ChangelogEntry,
    Checklist,
    ChecklistItem,
    Handbook,
    Policy,
    Role,
)

_DAILY_FIRST = ("daily", "weekly", "monthly", "quarterly", "per-event")


@dataclass(frozen=True)
class Change:
    date: dt.date
    policy: Policy
    entry: ChangelogEntry


def recent_changes(handbook: Handbook, limit: int) -> list[Change]:
    """Return the newest change-log entries across the handbook, newest first."""
    changes = [Change(e.date, p, e) for p in handbook.policies for e in p.changelog]
    changes.sort(key=lambda c: (-c.date.toordinal(), c.policy.id, c.entry.version))
    return changes[:limit]


def upcoming_reviews(handbook: Handbook, limit: int) -> list[Policy]:
    """Return the policies in force whose next review comes first (overdue ones lead the list).

    Which of them are overdue depends on the reader's today, which the page works out in the
    browser: the build itself does not depend on the date it runs.
    """
    live = [p for p in handbook.policies if p.status != "retired"]
    return sorted(live, key=lambda p: (p.review.next, p.id))[:limit]


def checklist_map(handbook: Handbook) -> dict[str, Checklist]:
    """Map every checklist id to its checklist."""
    return {c.id: c for c in handbook.checklists}


def part_map(handbook: Handbook) -> dict[str, str]:
    """Map the id of every part that has one (KPI, procedure, level ...) to its display name."""
    return {item.id: part.label(item) for p in handbook.policies for part, item in parts.named(p)}


def checklists_by_frequency(handbook: Handbook) -> list[tuple[str, list[Checklist]]]:
    """Group every checklist by frequency (daily first), each group ordered by role then id."""
    groups: dict[str, list[Checklist]] = defaultdict(list)
    for checklist in handbook.checklists:
        groups[checklist.frequency].append(checklist)
    return [
        (freq, sorted(groups[freq], key=lambda c: (c.role, c.id)))
        for freq in _DAILY_FIRST
        if groups.get(freq)
    ]


@dataclass
class Duty:
    """A checklist as one role sees it: only the items that role does."""

    checklist: Checklist
    items: list[ChecklistItem]


@dataclass
class StepDuty:
    policy: Policy
    title: str
    anchor: str
    trigger: str
    steps: list[tuple[int, object]]


@dataclass
class RoleDuties:
    """Everything one role owns, approves or takes part in."""

    role: Role
    boss: Role | None
    reports: list[Role]
    owns: list[Policy] = field(default_factory=list)
    approves: list[Policy] = field(default_factory=list)
    checklists: list[tuple[str, list[Duty]]] = field(default_factory=list)
    procedures: list[StepDuty] = field(default_factory=list)
    kpis: list[tuple[Policy, object]] = field(default_factory=list)
    services: list[tuple[Policy, object]] = field(default_factory=list)
    communication: list[tuple[Policy, str, object]] = field(default_factory=list)
    crisis: list[tuple[Policy, str, object]] = field(default_factory=list)
    obligations: list[tuple[Policy, object]] = field(default_factory=list)
    involved: list[Policy] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.owns or self.approves or self.checklists or self.procedures or self.involved
        )


def role_duties(handbook: Handbook, role_id: str) -> RoleDuties:
    """Collect what a role owns and does across the handbook (retired policies left out)."""
    roles = handbook.roles
    role = roles[role_id]
    duties = RoleDuties(
        role=role,
        boss=roles.get(role.reports_to) if role.reports_to else None,
        reports=[r for r in handbook.organisation.roles if r.reports_to == role_id],
    )
    by_frequency: dict[str, list[Duty]] = defaultdict(list)
    named: set[str] = set()
    for policy in handbook.policies:
        if policy.status == "retired":
            continue
        if policy.owner == role_id:
            duties.owns.append(policy)
        if policy.approver == role_id:
            duties.approves.append(policy)
        for checklist in policy.checklists:
            mine = [i for i in checklist.items if (i.role or checklist.role) == role_id]
            if mine:
                by_frequency[checklist.frequency].append(Duty(checklist, mine))
        for proc in policy.procedures:
            steps = [(n, s) for n, s in enumerate(proc.steps, 1) if s.who == role_id]
            if steps or proc.owner == role_id:
                duties.procedures.append(StepDuty(policy, proc.title, proc.id, proc.trigger, steps))
        duties.kpis += [(policy, k) for k in policy.kpis if k.owner == role_id]
        duties.services += [
            (policy, s) for s in policy.services if s.owner == role_id or role_id in s.performed_by
        ]
        duties.communication += [
            (policy, "汇报", r) for r in policy.reports if r.prepared_by == role_id
        ]
        duties.communication += [
            (policy, "会议", m)
            for m in policy.meetings
            if m.chair == role_id or role_id in m.participants
        ]
        duties.communication += [
            (policy, "响应承诺", c) for c in policy.commitments if c.who == role_id
        ]
        duties.crisis += [
            (policy, "事件级别", lvl)
            for lvl in policy.severity_levels
            if lvl.lead == role_id or role_id in lvl.notify
        ]
        duties.crisis += [(policy, "升级链", e) for e in policy.escalation if e.role == role_id]
        duties.crisis += [
            (policy, "处置预案", pb)
            for pb in policy.playbooks
            if any(s.who == role_id for s in pb.steps)
        ]
        duties.obligations += [(policy, o) for o in policy.obligations if o.owner == role_id]
        if role_id in policy.participants:
            named.add(policy.id)
    mentioned = {p.id for p in duties.owns + duties.approves}
    duties.involved = [p for p in handbook.policies if p.id in named and p.id not in mentioned]
    duties.checklists = [(f, by_frequency[f]) for f in _DAILY_FIRST if by_frequency.get(f)]
    return duties


@dataclass
class OrgDepartment:
    id: str
    name: str
    summary: str
    head: Role | None
    groups: list[tuple[str, list[Role]]]
    direct: list[Role]  # roles of the department outside any group


def org_tree(handbook: Handbook) -> list[OrgDepartment]:
    """Return departments with their groups and roles, in the order of roles.yaml."""
    roles = handbook.organisation.roles
    tree = []
    for dept in handbook.organisation.departments:
        members = [r for r in roles if r.department == dept.id]
        head = handbook.roles.get(dept.head) if dept.head else None
        groups = [(g.name, [r for r in members if r.group == g.id]) for g in dept.groups]
        direct = [r for r in members if not r.group and r is not head]
        tree.append(OrgDepartment(dept.id, dept.name, dept.summary, head, groups, direct))
    return tree


def citations(handbook: Handbook) -> dict[str, list[Policy]]:
    """Map each policy id to the policies that relate to, link to, or are satisfied by it."""
    cited: dict[str, list[Policy]] = defaultdict(list)
    for policy in handbook.policies:
        found = prose.render(policy.body).links if policy.body else ()  # as the page links them
        linked = {link.target for link in found if link.kind == "policy"}
        satisfied = {pid for o in policy.obligations for pid in o.satisfied_by}
        for target in sorted((set(policy.related) | linked | satisfied) - {policy.id}):
            cited[target].append(policy)
    return cited


__all__ = ["FREQUENCY_ORDER"]
