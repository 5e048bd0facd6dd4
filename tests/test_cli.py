"""The `handbook` command as a user runs it: exit codes, output formats, paths, render."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import TODAY, make_handbook

ARGS = ("--today", TODAY.isoformat())


def test_valid_handbook_exits_0(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, schemas=True)
    run = run_cli("validate", *ARGS, cwd=tmp_path)
    assert run.code == 0, run.out + run.err
    assert "0 个错误" in run.out and "通过" in run.out
    assert run.err == ""


def test_errors_exit_1_with_file_line_column(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, "several-mistakes", schemas=True)
    run = run_cli("validate", *ARGS, cwd=tmp_path)
    assert run.code == 1
    lines = run.out.splitlines()
    assert "policies/workflow/flow.yaml:5:1: error: 未知字段 ownr,是否想写 owner?" in run.out
    assert lines[-1].startswith("检查了 14 个文件:5 个错误") and "不通过" in lines[-1]
    assert "Traceback" not in run.out + run.err


def test_warnings_alone_exit_0(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, "review-overdue", schemas=True)
    run = run_cli("validate", *ARGS, cwd=tmp_path)
    assert run.code == 0
    assert "warning:" in run.out and "[review-overdue]" in run.out


def test_json_format(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, "dangling-role", schemas=True)
    run = run_cli("validate", "--format", "json", *ARGS, cwd=tmp_path)
    assert run.code == 1
    data = json.loads(run.out)
    assert data["summary"] == {"files": 14, "errors": 1, "warnings": 0}
    [d] = data["diagnostics"]
    assert d == {
        "file": "policies/workflow/flow.yaml",
        "line": 5,
        "column": 8,
        "severity": "error",
        "code": "dangling-role",
        "message": d["message"],
    }
    assert "manger" in d["message"]


def test_json_format_when_valid(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, schemas=True)
    run = run_cli("validate", "--format=json", *ARGS, cwd=tmp_path)
    assert run.code == 0
    assert json.loads(run.out)["diagnostics"] == []


def test_github_format(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, "yaml11-sexagesimal", schemas=True)
    run = run_cli("validate", "--format", "github", *ARGS, cwd=tmp_path)
    assert run.code == 1
    first = run.out.splitlines()[0]
    assert first.startswith(
        "::error file=policies/workflow/flow.yaml,line=54,col=14,title=wrong-type::"
    )
    # messages contain ':' and ',' which must stay in the data part, and no raw newline
    assert '"10%3A00"' not in first and '"10:00"' in first


def test_github_format_escapes_newlines_and_percent() -> None:
    from generator.errors import Diagnostic, Severity
    from generator.report import render

    d = Diagnostic(Path("a,b:c.yaml"), 1, 2, Severity.WARNING, "x", "50% done\nnext")
    out = render([d], 1, "github").splitlines()[0]
    assert out == "::warning file=a%2Cb%3Ac.yaml,line=1,col=2,title=x::50%25 done%0Anext"


def test_paths_limit_the_report_but_references_still_resolve(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, "several-mistakes", schemas=True)
    run = run_cli("validate", "policies/communication", *ARGS, cwd=tmp_path)
    assert run.code == 1
    assert "communication/report.yaml:28:12" in run.out
    assert "flow.yaml" not in run.out and "roles.yaml" not in run.out
    assert "检查了 1 个文件:1 个错误" in run.out
    clean = run_cli("validate", "policies/compliance/ads.yaml", *ARGS, cwd=tmp_path)
    assert (
        clean.code == 0
    )  # ads.yaml refers to policy `flow`, which is found in the rest of the handbook


def test_a_repeated_id_is_reported_on_whichever_file_is_given(tmp_path: Path, run_cli) -> None:
    # audit.yaml is new and sorts before flow.yaml, which already defines procedure `check`
    make_handbook(tmp_path, "duplicate-id-new-file-first", schemas=True)
    new = run_cli("validate", "policies/workflow/audit.yaml", *ARGS, cwd=tmp_path)
    assert new.code == 1
    assert new.out.splitlines() == [
        "policies/workflow/audit.yaml:19:9: error: 流程 id check 也在 policies/workflow/flow.yaml:31 "
        "定义过。id 在整本手册内必须唯一:请把其中一处换成别的 id。 [duplicate-id]",
        "检查了 1 个文件:1 个错误,0 个警告。不通过。",
    ]
    old = run_cli("validate", "policies/workflow/flow.yaml", *ARGS, cwd=tmp_path)
    assert old.code == 1 and "audit.yaml:19:9" not in old.out
    assert (
        "policies/workflow/flow.yaml:31:9: error: 流程 id check 已在 policies/workflow/audit.yaml:19"
        in old.out
    )
    # the whole handbook: both definitions, in every format, each naming the other
    data = json.loads(run_cli("validate", "--format", "json", *ARGS, cwd=tmp_path).out)
    assert [(d["file"], d["line"], d["code"]) for d in data["diagnostics"]] == [
        ("policies/workflow/audit.yaml", 19, "duplicate-id"),
        ("policies/workflow/flow.yaml", 31, "duplicate-id"),
    ]
    github = run_cli("validate", "--format", "github", *ARGS, cwd=tmp_path).out.splitlines()
    assert github[0].startswith("::error file=policies/workflow/audit.yaml,line=19,col=9,")
    assert github[0].endswith(
        "也在 policies/workflow/flow.yaml:31 定义过。id 在整本手册内必须唯一:请把其中一处换成别的 id。"
    )
    assert github[1].startswith("::error file=policies/workflow/flow.yaml,line=31,col=9,")


def test_usage_errors_exit_2(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, schemas=True)
    assert run_cli("validate", "--format", "xml", cwd=tmp_path).code == 2
    assert run_cli("validate", "--today", "tomorrow", cwd=tmp_path).code == 2
    missing = run_cli("validate", "policies/nope.yaml", cwd=tmp_path)
    assert missing.code == 2 and "找不到" in missing.err
    outside = run_cli("validate", "schemas", cwd=tmp_path)
    assert outside.code == 2 and "不在政策文件夹" in outside.err
    assert run_cli(cwd=tmp_path).code == 2
    assert run_cli("frobnicate", cwd=tmp_path).code == 2


def test_no_policies_folder_exits_2(tmp_path: Path, run_cli) -> None:
    run = run_cli("validate", cwd=tmp_path)
    assert run.code == 2
    assert "找不到政策文件夹" in run.err and "Traceback" not in run.err


def test_bad_today_in_environment_exits_2(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, schemas=True)
    run = run_cli("validate", cwd=tmp_path, env={"HANDBOOK_TODAY": "2026-13-01"})
    assert run.code == 2 and "HANDBOOK_TODAY" in run.err


def test_internal_failure_exits_2_without_traceback(tmp_path: Path, monkeypatch, capsys) -> None:
    from generator import cli

    make_handbook(tmp_path, schemas=True)
    monkeypatch.chdir(tmp_path)

    def boom(*args, **kwargs):
        raise RuntimeError("simulated")

    monkeypatch.setattr(cli, "load_handbook", boom)
    assert cli.main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "内部错误" in err and "simulated" in err and "Traceback" not in err


def test_render_writes_the_markdown_tree(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, schemas=True)
    run = run_cli("render", "--out", "out", *ARGS, cwd=tmp_path)
    assert run.code == 0, run.err
    out = tmp_path / "out"
    assert (out / "index.md").is_file()
    assert "\n# 巡检流程\n" in (out / "workflow" / "flow.md").read_text(encoding="utf-8")
    assert (out / "assets" / "flow" / "check.svg").is_file()


def test_render_refuses_a_broken_handbook_and_writes_nothing(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, "dangling-role", schemas=True)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.md").write_text("previous", encoding="utf-8")
    run = run_cli("render", "--out", "out", *ARGS, cwd=tmp_path)
    assert run.code == 1
    assert "policies/workflow/flow.yaml:5:8" in run.err
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.md"]


def test_version_and_help(tmp_path: Path, run_cli) -> None:
    assert run_cli("--version", cwd=tmp_path).code == 0
    help_text = run_cli("validate", "--help", cwd=tmp_path)
    assert help_text.code == 0 and "--format" in help_text.out


def test_console_script_is_installed() -> None:
    from importlib.metadata import entry_points

    scripts = {e.name: e.value for e in entry_points(group="console_scripts")}
    assert scripts.get("handbook") == "generator.cli:run"
    plugins = {e.name: e.value for e in entry_points(group="mkdocs.plugins")}
    assert plugins.get("handbook") == "generator.plugin:HandbookPlugin"


def test_validate_timings_name_every_stage(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, schemas=True)
    run = run_cli("validate", "--timings", *ARGS, cwd=tmp_path)
    assert run.code == 0, run.err
    stages = json.loads(run.err.strip().splitlines()[-1])
    assert set(stages) == {"load", "schema", "model", "rules"}
    assert all(seconds >= 0 for seconds in stages.values())
