"""The typed model: dates, review deadlines, references and derived views."""

from __future__ import annotations

import datetime as dt

from conftest import EXAMPLE_TODAY, MINIMAL, REPO, SCHEMAS, TODAY

from generator import load_handbook
from generator.duties import tasks_of
from generator.labels import duration, number, quota
from generator.model import add_months
from generator.records import Quota
from generator.render import nav
from generator.terms import usage
from generator.views import (
    checklists_by_frequency,
    recent_changes,
    role_duties,
    upcoming_reviews,
)


def handbook():
    result = load_handbook(MINIMAL, SCHEMAS, today=TODAY)
    assert result.ok
    return result.handbook


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_policies_are_typed_and_ordered_by_section() -> None:
    hb = handbook()
    assert [p.id for p in hb.policies] == ["svc", "flow", "report", "kpis", "incidents", "ads"]
    flow = hb.policy_map["flow"]
    assert flow.effective == dt.date(2026, 2, 1)
    assert flow.review.next == dt.date(2026, 7, 1)
    assert flow.procedures[0].steps[0].within == "30m"
    assert flow.procedures[0].handoffs[0].from_ == "operator"
    assert flow.checklists[0].policy is flow
    assert hb.policy_map["kpis"].kpis[1].alert == 12.5
    assert flow.participants == {"manager", "director", "operator"}


def test_views() -> None:
    hb = handbook()
    assert [c.policy.id for c in recent_changes(hb, limit=2)] == ["flow", "ads"]
    assert [p.id for p in upcoming_reviews(hb, limit=3)] == ["flow", "incidents", "kpis"]
    assert [f for f, _ in checklists_by_frequency(hb)] == ["daily"]
    duties = role_duties(hb, "operator")
    assert duties.boss.id == "manager"
    shown = {part.key: [item for _, item in found] for part, found in duties.parts}
    assert [s.id for s in shown["services"]] == ["store-ops"]
    assert [c.who for c in shown["commitments"]] == ["operator"]
    mine = tasks_of(hb, "operator")
    assert {t.checklist.id for t in mine if t.checklist} == {"operator-daily"}
    assert [t.target for t in mine if t.kind == "kpi"] == [("part", "kpi-refund")]
    from generator.terms import usage

    assert [p.id for p in usage(hb.policies, hb.glossary)["gmv"]] == [
        "flow",
        "report",
        "kpis",
        "incidents",  # in a clause's text
    ]


def test_labels() -> None:
    assert duration("30m") == "30 分钟"
    assert duration("3wd") == "3 个工作日"
    assert duration("2小时") == "2 小时"
    assert duration("30s") == "30 秒"
    assert number(5.0) == "5" and number(12.5) == "12.5"
    assert quota(Quota(30, "条", "person", "month")) == "每人每月 30 条"
    assert quota(Quota(2, "个", "account", "week")) == "每个账号每周 2 个"


def test_a_section_lists_policies_by_their_order_then_by_id() -> None:
    result = load_handbook(REPO / "policies", today=EXAMPLE_TODAY)
    hb = result.handbook
    ordered = ["client-onboarding", "task-assignment", "daily-store-operations"]
    rest = sorted(p.id for p in hb.policies if p.section == "workflow" and p.id not in ordered)
    assert [p.id for p in hb.in_section("workflow")] == ordered + rest
    # The navigation and the handbook's own order (duty lists, print) agree with the section page.
    assert [p.id for p in hb.policies if p.section == "workflow"] == ordered + rest
    workflow = next(item for item in nav(hb) if "工作流程" in item)
    assert [list(m.values())[0] for m in list(workflow.values())[0][1:]] == [
        f"workflow/{ident}.md" for ident in ordered + rest
    ]


def test_document_fields_are_typed() -> None:
    flow = handbook().policy_map["flow"]
    assert flow.order == 5
    assert flow.applies_to.departments == ("ops",) and flow.applies_to.open
    assert [p.title for p in flow.principles] == ["先看后改", "看数据说话"]
    assert next(flow.prose()).startswith("让店铺每天")
    # A link in a principle counts as use of the term, as a link in the body does.
    assert "flow" in [p.id for p in usage(handbook().policies, handbook().glossary)["gmv"]]
