"""Dates: a changelog newest first and in the past, a policy in force, reviews on time."""

from __future__ import annotations

from .. import cadence
from ..cadence import REVIEW_MONTHS
from ..loader import Document
from ..model import Policy, add_months
from .context import Context
from .registry import Phase, rule


@rule(Phase.POLICY, "changelog-version")
def changelog_names_the_version(ctx: Context, policy: Policy, doc: Document, folder: str) -> None:
    """The newest changelog entry is the policy's version."""
    newest = policy.changelog[0]
    if newest.version != policy.version:
        ctx.report(
            doc,
            ("changelog", 0, "version"),
            "changelog-version",
            f"changelog 第一条(最新)的版本是 {newest.version},但政策的 version 是 "
            f"{policy.version}。请为新版本在 changelog 最前面加一条记录,或改正 version。",
        )


@rule(Phase.POLICY, "future-date", "changelog-order")
def changelog_in_order(ctx: Context, policy: Policy, doc: Document, folder: str) -> None:
    """Changelog entries happened already, newest first, versions going down."""
    today = ctx.today
    for i, entry in enumerate(policy.changelog):
        if entry.date > today:
            ctx.report(
                doc,
                ("changelog", i, "date"),
                "future-date",
                f"changelog 的日期 {entry.date} 晚于今天({today})。变更记录只记已发生的事。",
            )
        if i and entry.date > policy.changelog[i - 1].date:
            ctx.report(
                doc,
                ("changelog", i, "date"),
                "changelog-order",
                f"changelog 应按时间从新到旧排列:第 {i + 1} 条({entry.date})比它前面一条"
                f"({policy.changelog[i - 1].date})还新。",
            )
        if i and _version(entry.version) >= _version(policy.changelog[i - 1].version):
            ctx.report(
                doc,
                ("changelog", i, "version"),
                "changelog-order",
                f"changelog 的版本应从新到旧递减:{entry.version} 不应排在 "
                f"{policy.changelog[i - 1].version} 之后。",
            )


@rule(Phase.POLICY, "not-yet-effective")
def in_force(ctx: Context, policy: Policy, doc: Document, folder: str) -> None:
    """An active policy is in force already."""
    if policy.status == "active" and policy.effective > ctx.today:
        ctx.report(
            doc,
            ("effective",),
            "not-yet-effective",
            f"状态是 active,但生效日期 {policy.effective} 还没到。"
            "尚未生效的政策请用 status: draft,或改正生效日期。",
        )


@rule(Phase.POLICY, "future-date", "date-out-of-range", "review-overdue")
def reviewed_on_time(ctx: Context, policy: Policy, doc: Document, folder: str) -> None:
    """The last review happened, and the next one is not overdue."""
    today = ctx.today
    if policy.review.last > today:
        ctx.report(
            doc,
            ("review", "last"),
            "future-date",
            f"最近复审日期 {policy.review.last} 晚于今天({today})。请填写已经完成复审的日期。",
        )
    try:
        due = add_months(policy.review.last, REVIEW_MONTHS[policy.review.cycle])
    except OverflowError:
        ctx.report(
            doc,
            ("review", "last"),
            "date-out-of-range",
            f"上次复审 {policy.review.last} 加上复审周期后超过了 9999-12-31,"
            "算不出下次复审日期。请填写真实的复审日期。",
        )
        return
    if policy.status != "retired" and due < today:
        cycle = cadence.REVIEW_LABELS
        ctx.report(
            doc,
            ("review", "last"),
            "review-overdue",
            f"复审已逾期:复审周期为{cycle[policy.review.cycle]},上次复审 {policy.review.last},"
            f"应在 {due} 前复审。请负责人复审后更新 review.last。",
        )


def _version(text: str) -> tuple[int, ...]:
    parts = tuple(int(p) for p in text.split("."))
    return parts + (0,) * (3 - len(parts))
