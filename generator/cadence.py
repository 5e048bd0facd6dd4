"""How often, in one place: task and checklist frequencies, the periods quotas count in, and
review cycles, each with the words pages use for it. The schemas' enums must match (tested)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Frequency:
    """How often a task or checklist comes back."""

    code: str  # as written in YAML
    label: str  # as a fact in a table: 每天, 按事件
    heading: str  # speaking to the reader about their own work: 每天, 发生事件时
    period: str  # the quota period one round of it covers
    clears: bool = True  # ticks clear when its period ends (assets/checklists.js knows which)
    known: bool = True  # False: the source said "定期" without a period: a gap to fill
    page: bool = True  # its duty page always exists (False: only while some task has it)
    # The parts of a deadline (`due`) that mean something for it: which day of the cycle
    # (weekday, day of the month), a clock time, or an offset from the cycle's start or the event.
    due: tuple[str, ...] = ("time",)


DUE_EVENT = ("time", "before", "after")  # the day of the event, or an offset from it

# Daily first: the order of duty pages, role pages and checklist lists.
FREQUENCIES = (
    Frequency("daily", "每天", "每天", "day"),
    Frequency("weekly", "每周", "每周", "week", due=("weekday", "time", "after")),
    Frequency("monthly", "每月", "每月", "month", due=("day", "time", "after")),
    Frequency("quarterly", "每季度", "每季度", "quarter", due=("after",)),
    Frequency("per-event", "按事件", "发生事件时", "event", clears=False, due=DUE_EVENT),
    # Continuous monitoring ("实时"), and "定期" from a source that names no period.
    Frequency("realtime", "实时", "实时监控", "event", clears=False, page=False, due=()),
    Frequency(
        "periodic",
        "定期(周期待定)",
        "定期(周期待定)",
        "event",
        clears=False,
        known=False,
        page=False,
    ),
)
CODES = tuple(f.code for f in FREQUENCIES)
LABELS = {f.code: f.label for f in FREQUENCIES}
HEADINGS = {f.code: f.heading for f in FREQUENCIES}
PERIOD_OF = {f.code: f.period for f in FREQUENCIES}
CLEARS = {f.code: f.clears for f in FREQUENCIES}
DUE = {f.code: f.due for f in FREQUENCIES}
UNKNOWN = frozenset(f.code for f in FREQUENCIES if not f.known)  # gaps: listed for owners

# The periods a quota counts in, shortest first (an event is no period at all), with their words.
PERIODS = {"event": "每次", "day": "每天", "week": "每周", "month": "每月", "quarter": "每季度"}
PERIOD_RANK = {period: rank for rank, period in enumerate(PERIODS)}

# Review cycles: how many months until the next review, and their words.
REVIEW_CYCLES = {"monthly": (1, "每月"), "quarterly": (3, "每季度"), "semiannual": (6, "每半年")}
REVIEW_CYCLES["annual"] = (12, "每年")
REVIEW_MONTHS = {code: months for code, (months, _) in REVIEW_CYCLES.items()}
REVIEW_LABELS = {code: label for code, (_, label) in REVIEW_CYCLES.items()}
