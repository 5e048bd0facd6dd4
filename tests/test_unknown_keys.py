"""Unknown keys at a policy's top level: one likely fix, or fields and parts listed apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SCHEMAS, TODAY, make_handbook

from generator import load_handbook


def _message(tmp_path: Path, line: str) -> str:
    policies = make_handbook(tmp_path)
    flow = policies / "workflow/flow.yaml"
    flow.write_text(flow.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    found = [d for d in load_handbook(policies, SCHEMAS, today=TODAY).diagnostics]
    assert [d.code for d in found] == ["unknown-key"], found
    return found[0].message


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("risk: []", "是否想写 risks?risks(风险)可以放进任何政策。"),
        ("风险: []", "“风险”这一部分的键是 risks。risks(风险)可以放进任何政策。"),
        ("purpos: x", "是否想写 purpose?(每个字段的写法见站点的“字段参考”页。)"),
    ],
)
def test_a_likely_fix_is_said_alone(tmp_path: Path, line: str, says: str) -> None:
    message = _message(tmp_path, line)
    assert says in message and "政策的字段" not in message


def test_without_a_likely_fix_fields_and_parts_are_listed_apart(tmp_path: Path) -> None:
    message = _message(tmp_path, "zzz: 1")
    fields, _, held = message.partition("任何政策都可以包含的部分:")
    assert "政策的字段:" in fields and "purpose" in fields and "kpis" not in fields
    assert "kpis(指标)" in held and "risks(风险)" in held and "purpose" not in held


def _found(tmp_path: Path, old: str, new: str) -> list[tuple[int, int, str, str]]:
    policies = make_handbook(tmp_path)
    flow = policies / "workflow/flow.yaml"
    text = flow.read_text(encoding="utf-8")
    assert old in text
    flow.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = load_handbook(policies, SCHEMAS, today=TODAY).diagnostics
    return [(d.line, d.column, d.code, d.message) for d in found]


def test_a_misspelt_required_key_is_one_error_at_the_key(tmp_path: Path) -> None:
    assert _found(tmp_path, "\napprover: director\n", "\naprover: director\n") == [
        (
            6,
            1,
            "unknown-key",
            "未知字段 aprover,是否想写 approver?(approver(审批人)是必填字段:批准本政策生效的角色 id。)",
        )
    ]


def test_a_misspelt_required_key_inside_a_part(tmp_path: Path) -> None:
    found = _found(tmp_path, "    title: 开店巡检\n", "    titel: 开店巡检\n    titl: 开店巡检\n")
    assert found == [
        (32, 5, "unknown-key", "未知字段 titel,是否想写 title?(title(名称)是必填字段:流程名称。)"),
        (
            33,
            5,
            "unknown-key",
            "未知字段 titl。是否想写 title?(每个字段的写法见站点的“字段参考”页。)",
        ),
    ]


def test_a_missing_key_with_an_unrelated_unknown_key_stays_two_errors(tmp_path: Path) -> None:
    found = _found(tmp_path, "\napprover: director\n", "\nsigned_by: director\n")
    assert [(line, code) for line, _, code, _ in found] == [(1, "missing-key"), (6, "unknown-key")]
    assert found[0][3].startswith("缺少必填字段 approver(审批人)。")
