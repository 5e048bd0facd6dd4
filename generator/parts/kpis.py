"""KPIs: definition, formula, unit, target, warning and alert thresholds, frequency, owner."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import labels, records
from ..tasks import Task, recurring
from . import Part

if TYPE_CHECKING:
    from .. import model


@dataclass(frozen=True)
class ChannelThresholds:
    """A channel's own target, warning or alert; what it leaves out is the KPI's."""

    channel: str
    target: float | str | None = None
    warning: float | str | None = None
    alert: float | str | None = None
    note: str | None = None


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
    by_channel: tuple[ChannelThresholds, ...] = ()
    client_may_set: records.Bounds = ()
    policy: Any = field(  # its policy (derived)
        default=None, compare=False, repr=False, metadata=records.DERIVED
    )

    def thresholds(self, channel: ChannelThresholds | None = None) -> tuple[float | str, ...]:
        """Target, warning and alert: the KPI's, or a channel's where it gives its own."""
        own = (self.target, self.warning, self.alert)
        if channel is None:
            return own
        theirs = (channel.target, channel.warning, channel.alert)
        return tuple(o if t is None else t for o, t in zip(own, theirs, strict=True))


LABEL = "指标"
FIELDS = ("target", "warning", "alert")  # a KPI's thresholds, in the order `thresholds` gives
NAMES = ("目标", "预警", "告警")


def tasks(handbook: model.Handbook, policy: model.Policy, kpis: tuple) -> list[Task]:
    out = []
    for k in kpis:
        unit = k.unit
        detail = (
            f"目标 {labels.amount(k.target, unit)},到 {labels.amount(k.warning, unit)} 预警、"
            f"{labels.amount(k.alert, unit)} 告警"
        )
        if k.by_channel:
            detail += f";{'、'.join(c.channel for c in k.by_channel)}另有阈值"
        text = f"统计并检查{k.name}"
        out.append(recurring(policy, k.frequency, "kpi", LABEL, k.owner, text, detail, k.id))
    return out


def check(kpis: tuple) -> Iterator[tuple[tuple, str, str]]:
    """Thresholds run the KPI's way, also a channel's; a channel is named once per KPI."""
    for i, kpi in enumerate(kpis):
        way = "越高越好" if kpi.direction == "higher" else "越低越好"
        if not in_order(kpi.thresholds(), kpi.direction):
            yield (
                (i, "warning"),
                "kpi-thresholds",
                f"指标 {kpi.id} {way},阈值{misordered(kpi.thresholds(), kpi.direction)}。"
                "请检查阈值或 direction。",
            )
        seen: dict[str, int] = {}
        for j, channel in enumerate(kpi.by_channel):
            if channel.channel in seen:
                yield (
                    (i, "by_channel", j, "channel"),
                    "duplicate-channel",
                    f"指标 {kpi.id} 的渠道 {channel.channel} 已在第 {seen[channel.channel] + 1} 项"
                    "写过阈值。请把同一渠道的值合并成一项。",
                )
                continue
            seen[channel.channel] = j
            values = kpi.thresholds(channel)
            if not in_order(values, kpi.direction):
                yield (
                    (i, "by_channel", j),
                    "kpi-thresholds",
                    f"指标 {kpi.id} {way},在{channel.channel}的阈值{misordered(values, kpi.direction)}"
                    "(没写的值沿用通用阈值)。请检查这个渠道的阈值。",
                )


def in_order(values: tuple, direction: str) -> bool:
    """Target, warning, alert run the KPI's way (values still to be set order nothing)."""
    known = [v for v in values if v != records.TO_BE_SET]
    return all(
        a > b if direction == "higher" else a < b for a, b in zip(known, known[1:], strict=False)
    )


def misordered(values: tuple, direction: str) -> str:
    """Say how thresholds should run and how they run now."""
    want = "目标值 > 预警值 > 告警值" if direction == "higher" else "目标值 < 预警值 < 告警值"
    shown = "、".join(f"{n} {labels.number(v)}" for n, v in zip(NAMES, values, strict=True))
    return f"应满足 {want},现在是 {shown}"


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
    check=check,
    codes=("kpi-thresholds", "duplicate-channel"),
)
