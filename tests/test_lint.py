"""Vague wording: warn where no number, deadline or role pins a vague term down."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SCHEMAS, TODAY, make_handbook

from generator import Severity, load_handbook
from generator.lint import DEFAULT_TERMS, find


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("收到投诉后及时处理。", ["及时"]),
        ("收到投诉后及时(2 小时内)处理。", []),
        ("收到投诉后由运营经理及时处理。", []),  # a role pins it down
        ("必要时上报,定期检查。", ["必要时", "定期"]),
        ("须在规定期限内删除。", []),  # 规定期限 is a deadline, not 定期
        ("每周一定期检查。", []),
        ("一般情况下当天答复。", []),
        ("一般情况下答复。", ["一般情况下"]),
    ],
)
def test_find(text: str, found: list[str]) -> None:
    hits = list(find({"body": text}, DEFAULT_TERMS, ["运营经理"]))
    assert [h.term for h in hits] == found


def test_only_rule_text_is_linted() -> None:
    data = {"title": "及时", "procedures": [{"title": "及时", "steps": [{"what": "及时处理"}]}]}
    assert [h.path for h in find(data, DEFAULT_TERMS, [])] == [
        ("procedures", 0, "steps", 0, "what")
    ]


def test_vague_wording_is_a_located_warning(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    policies = make_handbook(tmp_path)
    flow = policies / "workflow" / "flow.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8").replace("  - 每天一次。", "  - 发现问题后尽快处理。"),
        encoding="utf-8",
    )
    result = load_handbook(Path("policies"), SCHEMAS, today=TODAY)
    [d] = result.diagnostics
    assert (d.line, d.column, d.severity, d.code) == (29, 10, Severity.WARNING, "vague-wording")
    assert "“尽快”" in d.message and "30 分钟内处理" in d.message


def test_the_word_list_is_configurable(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    policies = make_handbook(tmp_path)
    settings = policies / "handbook.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + "vague_terms:\n  - term: 每天\n    suggest: 写明几点前。\n",
        encoding="utf-8",
    )
    result = load_handbook(Path("policies"), SCHEMAS, today=TODAY)
    # the summary "每天巡检店铺。" is flagged; the body's "每天一次" is pinned by "一次"
    assert [(d.code, d.line) for d in result.diagnostics] == [("vague-wording", 4)]
    assert "写明几点前" in result.diagnostics[0].message
