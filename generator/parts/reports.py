"""Reports: what is sent to whom at which cadence (daily, weekly, monthly reports)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import deadlines, labels, records
from ..tasks import Task, recurring
from . import Part

if TYPE_CHECKING:
    from .. import model

LABEL = "汇报"


@dataclass(frozen=True)
class Report:
    id: str
    name: str
    cadence: str
    prepared_by: records.RoleId
    recipients: tuple[records.Recipient, ...]
    contents: tuple[str, ...]
    due: str | records.Due | None = None  # as a checklist item's: in the report's cadence
    channel: str | None = None
    kpis: tuple[records.KpiId, ...] = ()
    client_may_set: records.Bounds = ()


def tasks(handbook: model.Handbook, policy: model.Policy, reports: tuple) -> list[Task]:
    out = []
    for r in reports:
        to = "、".join(
            "客户" if x == "client" else (handbook.roles.get(x) or handbook.parties[x]).name
            for x in r.recipients  # a recipient may be an outside party (or a client's contact)
        )
        when = f"{labels.due(r.due, r.cadence)};" if r.due else ""
        text = f"编写并发送{r.name}"
        out.append(
            recurring(
                policy, r.cadence, "report", LABEL, r.prepared_by, text, f"{when}发给{to}", r.id
            )
        )
    return out


def check(reports: tuple) -> Iterator[tuple[tuple, str, str]]:
    """A report's deadline fits its cadence."""
    for r, report in enumerate(reports):
        if report.due is not None:
            subject = f"汇报 {report.id} {labels.FREQUENCY[report.cadence]}发送"
            for key, message in deadlines.misfits(report.due, report.cadence, subject):
                yield (r, "due", *key), "due-misfit", message


def people(report: Report) -> tuple[set[str], set[str]]:
    return set(), set(report.recipients)


PART = Part(
    "reports",
    "汇报",
    Report,
    order=30,
    kinds=("communication",),
    namespace="report",
    task_kind="report",
    task_label=LABEL,
    task_rank=20,
    tasks=tasks,
    people=people,
    check=check,
    codes=("due-misfit",),
)
