"""Who does what, how often: every recurring or event-driven task, and the role x policy matrix."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from . import labels
from .model import Checklist, ChecklistItem, Handbook, Policy

FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "per-event")
# How pages name each frequency when speaking to the reader about their own work.
HEADINGS = {
    "daily": "每天",
    "weekly": "每周",
    "monthly": "每月",
    "quarterly": "每季度",
    "per-event": "发生事件时",
}
KINDS = {
    "checklist": "清单",
    "report": "汇报",
    "report-definition": "报表",
    "meeting": "会议",
    "kpi": "指标",
    "step": "流程步骤",
    "playbook": "危机预案步骤",
    "escalation": "升级链",
    "severity": "事件处置",
}
RACI = {"owner": "责", "approver": "批", "performs": "执", "informed": "知"}


@dataclass(frozen=True)
class Task:
    """One thing one role does at a frequency, with the page item it comes from."""

    frequency: str
    kind: str
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


def item_detail(item: ChecklistItem) -> str:
    """Spell an item's quota, deadline and time limit as one line of plain text."""
    notes = []
    if item.quota:
        notes.append(f"定额 {labels.quota(item.quota)}")
    if item.due:
        notes.append(f"{item.due} 前")
    if item.within:
        notes.append(f"时限 {labels.duration(item.within)}")
    return ";".join(notes)


def all_tasks(handbook: Handbook) -> list[Task]:
    """Every task in force (active policies only), in handbook order."""
    tasks: list[Task] = []
    for policy in handbook.policies:
        if policy.status == "active":
            tasks.extend(policy_tasks(handbook, policy))
    return tasks


def policy_tasks(handbook: Handbook, policy: Policy) -> list[Task]:
    out: list[Task] = []
    for c in policy.checklists:
        for item in c.items:
            out.append(
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
            )
    for r in policy.reports:
        to = "、".join("客户" if x == "client" else handbook.roles[x].name for x in r.recipients)
        when = f"{r.due};" if r.due else ""
        out.append(
            _recurring(
                policy,
                r.cadence,
                "report",
                r.prepared_by,
                f"编写并发送{r.name}",
                f"{when}发给{to}",
                r.id,
            )
        )
    for d in policy.report_definitions:
        out.append(
            _recurring(
                policy, d.cadence, "report-definition", d.prepared_by, f"编制{d.name}", "", d.id
            )
        )
    for m in policy.meetings:
        when = m.when or ""
        out.append(_recurring(policy, m.cadence, "meeting", m.chair, f"主持{m.name}", when, m.id))
        for person in m.participants:
            if person not in ("client", m.chair):
                out.append(
                    _recurring(policy, m.cadence, "meeting", person, f"参加{m.name}", when, m.id)
                )
    for k in policy.kpis:
        unit = k.unit
        detail = (
            f"目标 {labels.number(k.target)}{unit},到 {labels.number(k.warning)}{unit} 预警、"
            f"{labels.number(k.alert)}{unit} 告警"
        )
        out.append(
            _recurring(policy, k.frequency, "kpi", k.owner, f"统计并检查{k.name}", detail, k.id)
        )
    for proc in policy.procedures:
        for n, step in enumerate(proc.steps, 1):
            within = f";时限 {labels.duration(step.within)}" if step.within else ""
            out.append(
                Task(
                    "per-event",
                    "step",
                    step.who,
                    policy,
                    f"procedure-{proc.id}",
                    proc.title,
                    step.what,
                    f"第 {n} 步{within}",
                    step.output or "",
                    proc.trigger,
                    ("part", proc.id),
                )
            )
    for pb in policy.playbooks:
        for n, step in enumerate(pb.steps, 1):
            within = f";时限 {labels.duration(step.within)}" if step.within else ""
            out.append(
                Task(
                    "per-event",
                    "playbook",
                    step.who,
                    policy,
                    f"playbook-{pb.id}",
                    pb.title,
                    step.what,
                    f"第 {n} 步{within}",
                    step.output or "",
                    f"发生{labels.INCIDENT[pb.incident]}事件",
                    ("part", pb.id),
                )
            )
    for n, e in enumerate(policy.escalation, 1):
        out.append(
            Task(
                "per-event",
                "escalation",
                e.role,
                policy,
                f"escalation-{policy.id}",
                "事件升级",
                e.action,
                f"升级链第 {n} 级;时限 {labels.duration(e.within)}",
                event="事件按升级链升级到本级",
                target=("policy", policy.id),
            )
        )
    for lvl in policy.severity_levels:
        out.append(
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
        )
    return out


def _recurring(
    policy: Policy, frequency: str, kind: str, role: str, text: str, detail: str, ident: str
) -> Task:
    return Task(
        frequency,
        kind,
        role,
        policy,
        f"{role}-{frequency}-{kind}",
        KINDS[kind],
        text,
        detail,
        target=("part", ident),
    )


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
    order = {kind: i for i, kind in enumerate(KINDS)}
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
        informed = set()
        for r in policy.reports:
            informed |= set(r.recipients)
        for d in policy.report_definitions:
            informed |= set(d.recipients)
        for lvl in policy.severity_levels:
            informed |= set(lvl.notify)
        for m in policy.meetings:
            informed |= set(m.participants)
        performs = {t.role for t in policy_tasks(handbook, policy)}
        for s in policy.services:
            performs |= {s.owner, *s.performed_by}
        for c in policy.commitments:
            performs.add(c.who)
        for proc in policy.procedures:
            performs.add(proc.owner)
            for h in proc.handoffs:
                performs |= {h.from_, h.to}
        for o in policy.obligations:
            performs.add(o.owner)
        for role in sorted(performs):
            row[role].append("performs")
        for role in sorted(informed - performs - {"client"}):
            row[role].append("informed")
        table[policy.id] = {r: codes for r, codes in row.items() if codes}
    return table
