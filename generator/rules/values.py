"""Values that must agree: quota periods, a part's own checks (KPI thresholds...), values still open."""

from __future__ import annotations

from .. import cadence, parts
from ..cadence import UNKNOWN
from ..loader import Document
from ..model import Policy
from ..records import TO_BE_SET
from ..validate import field_label, open_fields, values_at
from .context import Context
from .registry import Phase, rule


@rule(Phase.POLICY, "quota-period")
def quota_periods(ctx: Context, policy: Policy, doc: Document, folder: str) -> None:
    """A quota is counted over no less than the period between two runs of its checklist."""
    for c, checklist in enumerate(policy.checklists):
        period_of_list = cadence.PERIOD_OF[checklist.frequency]
        for i, item in enumerate(checklist.items):
            if item.quota is None:
                continue
            period = item.quota.period
            if period == "event" and checklist.frequency != "per-event":
                why = "按事件计数的定额只能用在 per-event 清单中"
            elif (
                period != "event"
                and cadence.PERIOD_RANK[period] < cadence.PERIOD_RANK[period_of_list]
                and period_of_list != "event"
            ):
                why = (
                    f"清单按{cadence.PERIODS[period_of_list]}执行一次,定额却按{cadence.PERIODS[period]}计,"
                    "两次勾选之间的定额无法核对"
                )
            else:
                continue
            ctx.report(
                doc,
                ("checklists", c, "items", i, "quota", "period"),
                "quota-period",
                f"定额周期与清单频率不匹配:{why}。请把 quota.period 改为 "
                f"{period_of_list}(或更长的周期),或把这一项移到频率相符的清单。",
            )


# The codes of the parts' own checks (Part.check), e.g. a scorecard's weights.
PART_CODES = tuple(dict.fromkeys(code for part in parts.PARTS for code in part.codes))


@rule(Phase.POLICY, *PART_CODES)
def part_checks(ctx: Context, policy: Policy, doc: Document, folder: str) -> None:
    """The rules a part's module knows about its own items."""
    for part in parts.PARTS:
        items = part.items(policy)
        if part.check is not None and items:
            for path, code, message in part.check(items):
                ctx.report(doc, (part.key, *path), code, message)


@rule(Phase.POLICY, "to-be-set")
def open_values(ctx: Context, policy: Policy, doc: Document, folder: str) -> None:
    """Warn about each value a source did not give (待定, or a period "定期" without one)."""
    kind = ctx.kinds[folder]
    owner = doc.data.get("owner")
    for pattern in open_fields(ctx.schemas, kind):
        for path, value in values_at(doc.data, pattern):
            if value != TO_BE_SET and value not in UNKNOWN:
                continue
            label = field_label(ctx.schemas, kind, path)
            what = "周期还没有定" if value in UNKNOWN else "还是待定"
            ctx.report(
                doc,
                path,
                "to-be-set",
                f"{label} {what}:来源没有给出。请负责人({owner})确定后填写;在此之前页面标着"
                "“待定”,并列在待定事项页。",
            )
