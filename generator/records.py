"""The model's building blocks shared by every part: references with their kind, quotas, steps.

Part modules (generator/parts/) build their classes from these; model.py builds the whole
handbook from them and the parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from .loader import Document

# What an editor writes where a source gives no number or duration: marked on pages, listed
# for owners (the gaps page) and warned about by validation, never invented.
TO_BE_SET = "待定"


@dataclass(frozen=True)
class Ref:
    """A reference from one document to an id that must exist elsewhere in the handbook."""

    kind: str  # role | policy | term | kpi | severity | recipient | department | group | clause
    target: str
    doc: Document = field(compare=False)
    path: tuple[str | int, ...] = field(compare=False)
    offset: int = field(default=-1, compare=False)  # in a Markdown field: where the link is


class _RefTo:
    def __init__(self, kind: str) -> None:
        self.kind = kind


RoleId = Annotated[str, _RefTo("role")]
PolicyId = Annotated[str, _RefTo("policy")]
TermId = Annotated[str, _RefTo("term")]
KpiId = Annotated[str, _RefTo("kpi")]
LevelId = Annotated[str, _RefTo("severity")]
Recipient = Annotated[str, _RefTo("recipient")]  # a role, an outside party, or "client"
ActorId = Annotated[str, _RefTo("actor")]  # a role or an outside party
DepartmentId = Annotated[str, _RefTo("department")]
GroupId = Annotated[str, _RefTo("group")]
Serves = Annotated[str, _RefTo("serves")]  # procedure or playbook id, optionally /step; or a KPI id
Citation = Annotated[str, _RefTo("clause")]  # a clause number "3.2", or "<policy-id>#3.2"

DERIVED = {"derived": True}
ORIGIN = {"derived": True, "origin": True}  # build fills it with the record's document and path
Origin = tuple[Document, tuple[str | int, ...]]


@dataclass(frozen=True)
class Bound:
    """How far a client's overlay may move one value of a base policy (`client_may_set`).

    `min` and `max` bound a number or a duration (a response time that may be shortened, never
    lengthened: `max` is the base's own); `add` and `remove` open a list (recipients, checklist
    items); a bound with none of them lets the client choose any value of the field's type.
    """

    min: float | str | None = None
    max: float | str | None = None
    add: bool = False
    remove: bool = False
    note: str | None = None  # why the value varies, e.g. 以合同约定为准


# A base item's `client_may_set`: the fields a client may set, each with its bound, in order.
Bounds = tuple[tuple[str, Bound], ...]


@dataclass(frozen=True)
class Quota:
    count: int
    unit: str
    per: str
    period: str


@dataclass(frozen=True)
class Step:
    who: ActorId
    what: str
    within: str | None = None
    output: str | None = None
    basis: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Due:
    """A deadline in the cycle of its list or report (`due`; "18:00" alone is a clock time).

    Which day of the cycle (weekday 1-7 = 周一..周日, day of the month) and a clock time on it;
    or an offset: before the event, or after the event (per-event) or the cycle's start (weekly,
    monthly, quarterly). Which parts fit which frequency is said once, in cadence.DUE.
    """

    time: str | None = None
    weekday: int | None = None
    day: int | None = None
    before: str | None = None  # a duration, e.g. "1h": done at the latest this long before
    after: str | None = None  # a duration: done at the latest this long after
    note: str | None = None  # what the fields cannot say ("大促期间每天两次")
