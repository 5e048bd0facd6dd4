"""Who does what, how often: tasks, grouping, the matrix, CSV export and the org chart."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from conftest import MINIMAL, SCHEMAS, TODAY

from generator import load_handbook
from generator.duties import all_tasks, by_role, grouped, matrix, tasks_of
from generator.export import COLUMNS, tasks_csv
from generator.orgchart import org_chart_svg


@pytest.fixture(scope="module")
def hb():
    result = load_handbook(MINIMAL, SCHEMAS, today=TODAY)
    assert result.ok
    return result.handbook


def test_operator_week_at_a_glance(hb) -> None:
    schedule = dict(grouped(tasks_of(hb, "operator")))
    summary = {
        freq: [(g.kind, g.title, len(g.tasks)) for g in groups] for freq, groups in schedule.items()
    }
    assert summary == {
        "daily": [("checklist", "运营专员每日清单", 2), ("report", "汇报", 1)],
        "weekly": [("report-definition", "报表", 1), ("meeting", "会议", 1), ("kpi", "指标", 1)],
        "per-event": [
            ("step", "开店巡检", 1),
            ("step", "处罚申诉", 1),  # step 1 only: step 2 is the platform's, no one's task here
            ("playbook", "负面舆情预案", 1),
            ("escalation", "事件升级", 1),
        ],
    }
    assert all(not g.tickable for g in schedule["per-event"])
    assert all(g.tickable for g in schedule["daily"] + schedule["weekly"])


def test_checklist_items_keep_their_details(hb) -> None:
    items = [t for t in all_tasks(hb) if t.kind == "checklist"]
    assert [(t.text, t.detail, t.evidence) for t in items] == [
        ("完成巡检。", "10:00 前", "巡检表"),
        ("发布原创内容。", "定额 每人每月 30 条", ""),
    ]
    assert {t.group for t in items} == {"operator-daily"}


def test_frequency_page_lists_roles_in_roles_yaml_order(hb) -> None:
    daily = by_role(hb, "daily")
    assert [role for role, _ in daily] == ["manager", "operator"]
    weekly = by_role(hb, "weekly")
    assert [role for role, _ in weekly] == ["manager", "operator"]


def test_matrix_codes(hb) -> None:
    table = matrix(hb)
    assert table["flow"] == {
        "manager": ["owner", "performs"],
        "director": ["approver"],
        "operator": ["performs"],
    }
    assert table["report"]["manager"] == ["owner", "performs"]
    assert "client" not in table["report"]
    assert table["incidents"]["director"] == ["approver", "performs"]


def test_csv_opens_in_excel_and_round_trips_chinese(hb) -> None:
    tasks = tasks_of(hb, "operator")
    data = tasks_csv(tasks, hb.roles)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the byte-order mark
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert [
        "每天",
        "清单",
        "运营专员每日清单",
        "完成巡检。",
        "10:00 前",
        "巡检表",
        "",
        "运营专员",
        "巡检流程",
    ] in rows
    assert len(rows) == len(tasks) + 1


def test_csv_cells_never_become_formulas(hb) -> None:
    task = tasks_of(hb, "operator")[0]
    evil = type(task)(**{**task.__dict__, "text": '=HYPERLINK("http://x")'})
    rows = list(csv.reader(io.StringIO(tasks_csv([evil], hb.roles).decode("utf-8-sig"))))
    assert rows[1][3] == '\'=HYPERLINK("http://x")'


def test_org_chart_names_every_department_group_and_role(hb) -> None:
    svg = org_chart_svg(hb)
    text = "".join(ET.fromstring(svg).itertext())
    for dept in hb.organisation.departments:
        assert dept.name in text
        for group in dept.groups:
            assert group.name in text
    for role in hb.organisation.roles:
        assert role.name in text
    assert "<script" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
