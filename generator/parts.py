"""The structured parts a policy may hold, each defined once: everything that lists parts reads it.

A part is a list under one key of a policy file (`procedures:`, `kpis:` ...). Its entry says where
its schema is (schemas/part-<key>.schema.json), which model class the loader builds, which
template draws it on the policy page (templates/parts/<key>.md.jinja) and on a section page
(templates/parts/<key>-overview.md.jinja, optional), the namespace of its ids, and its noun. Any
policy may hold any part; a section kind only names the parts such a section usually holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from . import model


@dataclass(frozen=True)
class Part:
    """One kind of structured part."""

    key: str  # the list's key in a policy file
    noun: str  # what an editor and a reader call one (Chinese)
    model: type  # the model class of one item
    namespace: str | None = None  # items have ids unique across the handbook, in this namespace
    name: str = "name"  # the attribute that names an item on pages and in summaries
    anchored: bool = True  # items are linked to on their policy's page (policy.md#id)

    @property
    def schema_file(self) -> str:
        return f"part-{self.key}.schema.json"

    @property
    def template(self) -> str:
        return f"parts/{self.key}.md.jinja"

    @property
    def overview(self) -> str | None:
        """The section page's table of this part across the section's policies, if it has one."""
        name = f"parts/{self.key}-overview.md.jinja"
        return name if files("generator").joinpath("templates", name).is_file() else None

    def items(self, policy: model.Policy) -> tuple[Any, ...]:
        return getattr(policy, self.key)

    def label(self, item: Any) -> str:
        """The name of one item as pages show it."""
        return str(getattr(item, self.name))


# In the order a policy page shows them.
PARTS: tuple[Part, ...] = (
    Part("services", "服务", model.Service, "service"),
    Part("procedures", "流程", model.Procedure, "procedure", name="title"),
    Part("reports", "汇报", model.Report, "report"),
    Part("channels", "沟通渠道", model.Channel, "channel", anchored=False),
    Part("commitments", "响应承诺", model.Commitment, name="situation", anchored=False),
    Part("meetings", "会议", model.Meeting, "meeting"),
    Part("kpis", "指标", model.Kpi, "kpi"),
    Part("report_definitions", "报表定义", model.ReportDefinition, "report-definition"),
    Part("severity_levels", "事件级别", model.SeverityLevel, "severity"),
    Part("escalation", "升级链", model.EscalationStep, name="action", anchored=False),
    Part("playbooks", "处置预案", model.Playbook, "playbook", name="title"),
    Part("obligations", "合规义务", model.Obligation, "obligation", name="source"),
    Part("checklists", "检查清单", model.Checklist, "checklist", name="title", anchored=False),
)
BY_KEY = {part.key: part for part in PARTS}
BY_NAMESPACE = {part.namespace: part for part in PARTS if part.namespace}

# What a section of each kind usually holds: `handbook new` offers these, and they come first on
# its pages. Presets, not walls: any policy may hold any part.
KIND_PARTS: dict[str, tuple[str, ...]] = {
    "scope": ("services", "checklists"),
    "workflow": ("procedures", "checklists"),
    "communication": ("reports", "channels", "commitments", "meetings", "checklists"),
    "data": ("kpis", "report_definitions", "checklists"),
    "crisis": ("severity_levels", "escalation", "playbooks", "checklists"),
    "compliance": ("obligations", "checklists"),
}


def held(policy: model.Policy) -> Iterator[Part]:
    """The parts a policy holds, in page order."""
    return (part for part in PARTS if part.items(policy))


def named(policy: model.Policy) -> Iterator[tuple[Part, Any]]:
    """Every item with an id in a policy, with its part."""
    for part in PARTS:
        if part.namespace:
            for item in part.items(policy):
                yield part, item
