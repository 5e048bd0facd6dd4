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
