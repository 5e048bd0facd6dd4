"""KPIs: definition, formula, unit, target, warning and alert thresholds, frequency, owner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import labels, records
from ..tasks import Task, recurring
from . import Part

if TYPE_CHECKING:
    from .. import model


@dataclass(frozen=True)
class Kpi:
    id: str
    name: str
    definition: str
    unit: str
    direction: str
    target: float | str  # a number, or records.TO_BE_SET
    warning: float | str
    alert: float | str
    frequency: str
    source: str
    owner: records.RoleId
    formula: str | None = None
    notes: str | None = None
    policy: Any = field(  # its policy (derived)
        default=None, compare=False, repr=False, metadata=records.DERIVED
    )


LABEL = "指标"


def tasks(handbook: model.Handbook, policy: model.Policy, kpis: tuple) -> list[Task]:
    out = []
    for k in kpis:
        unit = k.unit
        detail = (
            f"目标 {labels.amount(k.target, unit)},到 {labels.amount(k.warning, unit)} 预警、"
            f"{labels.amount(k.alert, unit)} 告警"
        )
        text = f"统计并检查{k.name}"
        out.append(recurring(policy, k.frequency, "kpi", LABEL, k.owner, text, detail, k.id))
    return out


PART = Part(
    "kpis",
    "指标",
    Kpi,
    order=70,
    kinds=("data",),
    namespace="kpi",
    task_kind="kpi",
    task_label=LABEL,
    task_rank=50,
    tasks=tasks,
)
