"""Derived views of the model for pages: recent changes, reviews due, role duties, usage."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from . import cadence, clauses, parts, prose
from .cadence import CODES as _DAILY_FIRST
from .model import ChangelogEntry, Handbook, Policy, Role
from .parts.checklists import Checklist
from .records import TO_BE_SET


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
class RoleDuties:
    """Everything one role owns, approves or takes part in (its tasks come from duties.py)."""

    role: Role
    boss: Role | None
    reports: list[Role]
    owns: list[Policy] = field(default_factory=list)
    approves: list[Policy] = field(default_factory=list)
    # Parts with a section of their own on a role's page, with the items the role has a hand in.
    parts: list[tuple[parts.Part, list[tuple[Policy, object]]]] = field(default_factory=list)
    involved: list[Policy] = field(default_factory=list)


def role_duties(handbook: Handbook, role_id: str) -> RoleDuties:
    """Collect what a role owns and does across the handbook (retired policies left out)."""
    roles = handbook.roles
    role = roles[role_id]
    duties = RoleDuties(
        role=role,
        boss=roles.get(role.reports_to) if role.reports_to else None,
        reports=[r for r in handbook.organisation.roles if r.reports_to == role_id],
    )
    named: set[str] = set()
    found: dict[str, list[tuple[Policy, object]]] = defaultdict(list)
    shown = [part for part in parts.PARTS if part.on_role_page is not None]
    for policy in handbook.policies:
        if policy.status == "retired":
            continue
        if policy.owner == role_id:
            duties.owns.append(policy)
        if policy.approver == role_id:
            duties.approves.append(policy)
        for part in shown:
            found[part.key] += [
                (policy, item) for item in part.items(policy) if part.on_role_page(item, role_id)
            ]
        if role_id in policy.participants:
            named.add(policy.id)
    duties.parts = [(part, found[part.key]) for part in shown if found[part.key]]
    mentioned = {p.id for p in duties.owns + duties.approves}
    duties.involved = [p for p in handbook.policies if p.id in named and p.id not in mentioned]
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


@dataclass(frozen=True)
class Gap:
    """A value a source did not give: where it is (a path in the policy file) and in what."""

    policy: Policy
    path: tuple[str | int, ...]
    part: parts.Part | None
    item: object | None


def gaps(handbook: Handbook) -> list[Gap]:
    """Every value still to be set (待定, or "定期" with no period) in policies in force."""
    found: list[Gap] = []
    for policy in handbook.policies:
        if policy.status == "retired":
            continue
        for part in parts.PARTS:
            for i, item in enumerate(part.items(policy)):
                for path in _open_values(item, (part.key, i)):
                    found.append(Gap(policy, path, part, item))
    return found


def _open_values(value: object, path: tuple) -> list[tuple]:
    if value == TO_BE_SET or (
        isinstance(value, str) and path[-1:] in _CADENCE_KEYS and value in cadence.UNKNOWN
    ):
        return [path]
    if isinstance(value, tuple):
        return [p for i, v in enumerate(value) for p in _open_values(v, (*path, i))]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            p
            for f in dataclasses.fields(value)
            if not f.metadata.get("derived")
            for p in _open_values(getattr(value, f.name), (*path, f.name.rstrip("_")))
        ]
    return []


_CADENCE_KEYS = {("frequency",), ("cadence",), ("review",)}


def citations(handbook: Handbook) -> dict[str, list[Policy]]:
    """Map each policy id to the policies that relate to, link to, cite, or are satisfied by it."""
    cited: dict[str, list[Policy]] = defaultdict(list)
    for policy in handbook.policies:
        found = [
            x for text in policy.prose() for x in prose.render(text).links
        ]  # as the page links them
        linked = {link.target for link in found if link.kind == "policy"}
        satisfied = {pid for o in policy.obligations for pid in o.satisfied_by}
        basis = {clauses.cited(c, policy.id).policy for c in clauses.citations(policy)}
        for target in sorted((set(policy.related) | linked | satisfied | basis) - {policy.id}):
            cited[target].append(policy)
    return cited
