"""Small things a careful editor notices (issue 15, item 10)."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO, SCHEMAS, TODAY, make_handbook

from generator import load_handbook


def test_a_broken_link_is_never_told_to_point_at_its_own_page(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    flow = policies / "workflow/flow.yaml"
    text = flow.read_text(encoding="utf-8")
    flow.write_text(text.replace("巡检看 [GMV]", "巡检见[流程](policy:flo),看 [GMV]", 1), "utf-8")
    found = [d for d in load_handbook(policies, SCHEMAS, today=TODAY).diagnostics]
    assert [d.code for d in found] == ["dangling-policy"], found
    assert "是否想写" not in found[0].message  # "flow" is the page itself, not a likely target


def test_the_site_config_points_only_at_files_the_repository_has() -> None:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "DESIGN.md" not in config or (REPO / "DESIGN.md").is_file()


def test_a_per_event_item_may_be_due_before_or_after_its_event(tmp_path: Path) -> None:
    from generator.labels import due
    from generator.records import Offset

    assert due("10:00") == "10:00 前"
    assert due(Offset(before="1h"), "每场直播开播") == "每场直播开播前 1 小时"
    assert due(Offset(after="30m"), "发现负面评论") == "发现负面评论后 30 分钟内"
    policies = make_handbook(tmp_path)
    flow = policies / "workflow/flow.yaml"
    text = flow.read_text(encoding="utf-8")
    # Both at once, or neither, is refused by the schema at the value.
    flow.write_text(text.replace('due: "10:00"', "due: {before: 1h, after: 2h}", 1), "utf-8")
    found = load_handbook(policies, SCHEMAS, today=TODAY).diagnostics
    assert [(d.code, d.line) for d in found] == [("bad-length", 54)], found
    assert "最多写 1 项,现在写了 before、after:请只保留一项" in found[0].message
    # An unquoted clock time still gets the hint to quote it.
    flow.write_text(text.replace('due: "10:00"', "due: 10:00", 1), "utf-8")
    found = load_handbook(policies, SCHEMAS, today=TODAY).diagnostics
    assert [d.code for d in found] == ["wrong-type"] and "加引号" in found[0].message


def test_a_new_draft_is_dated_the_day_validation_checks_against(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    import shutil

    from generator.cli import main

    policies = make_handbook(tmp_path)
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    monkeypatch.setenv("HANDBOOK_TODAY", TODAY.isoformat())
    code = main(["new", "workflow", "zz-draft", "--policies", str(policies)])
    assert code == 0, capsys.readouterr()  # not "dated after today", whatever the clock says
    text = (policies / "workflow" / "zz-draft.yaml").read_text(encoding="utf-8")
    assert f"effective: {TODAY.isoformat()}" in text
