"""Report definitions: which KPIs a report holds, who compiles it, who receives it, how often."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import records
from ..tasks import Task, recurring
from . import Part

if TYPE_CHECKING:
    from .. import model


@dataclass(frozen=True)
class ReportDefinition:
    id: str
    name: str
    cadence: str
    kpis: tuple[records.KpiId, ...]
    prepared_by: records.RoleId
    recipients: tuple[records.Recipient, ...]
    description: str | None = None


LABEL = "报表"


def tasks(handbook: model.Handbook, policy: model.Policy, definitions: tuple) -> list[Task]:
    return [
        recurring(
            policy, d.cadence, "report-definition", LABEL, d.prepared_by, f"编制{d.name}", "", d.id
        )
        for d in definitions
    ]


def people(definition: ReportDefinition) -> tuple[set[str], set[str]]:
    return set(), set(definition.recipients)


PART = Part(
    "report_definitions",
    "报表定义",
    ReportDefinition,
    order=80,
    kinds=("data",),
    namespace="report-definition",
    task_kind="report-definition",
    task_label=LABEL,
    task_rank=30,
    tasks=tasks,
    people=people,
)
